package sketch

import (
	"math/rand/v2"
	"testing"
)

// benchArticles returns 64 articles of about 500 shingles each.
func benchArticles() [][]uint64 {
	rng := rand.New(rand.NewPCG(31, 32))
	arts := make([][]uint64, 64)
	for i := range arts {
		n := 450 + rng.IntN(101)
		arts[i] = make([]uint64, n)
		for j := range arts[i] {
			arts[i][j] = rng.Uint64()
		}
	}
	return arts
}

func benchSketch(b *testing.B, sketch func(sh []uint64, sig []uint32) []uint32) {
	arts := benchArticles()
	var sig []uint32
	articles := 0
	b.ResetTimer()
	for b.Loop() {
		for _, a := range arts {
			sig = sketch(a, sig)
		}
		articles += len(arts)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(articles), "ns/article")
}

// BenchmarkOPH: one-permutation hashing with optimal densification.
func BenchmarkOPH(b *testing.B) {
	b.Run("K=128", func(b *testing.B) { benchSketch(b, NewSketcher(128, DefaultSeed).Sketch) })
	b.Run("K=256", func(b *testing.B) { benchSketch(b, NewSketcher(256, DefaultSeed).Sketch) })
}

// BenchmarkClassic128: the K-permutation reference, O(n·K).
func BenchmarkClassic128(b *testing.B) {
	benchSketch(b, NewClassic(128, DefaultSeed).Sketch)
}

func BenchmarkShingles(b *testing.B) {
	rng := rand.New(rand.NewPCG(33, 34))
	toks := randToks(rng, 504, 1<<20)
	var dst []uint64
	for b.Loop() {
		dst = Shingles(dst[:0], toks, DefaultW)
	}
}

func BenchmarkSetOf(b *testing.B) {
	arts := benchArticles()
	var dst, buf []uint32
	articles := 0
	for b.Loop() {
		for _, a := range arts {
			dst, buf = SetOf(dst, buf, a)
		}
		articles += len(arts)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(articles), "ns/article")
}
