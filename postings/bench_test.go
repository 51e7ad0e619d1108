package postings

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// A realistic index for the benchmarks: benchArticles articles of
// benchWords distinct words each, drawn from a Zipf-distributed
// vocabulary (a few words in most articles, most words in few), as the
// distinct body stems of news articles are.
const (
	benchArticles = 100_000
	benchWords    = 200
	benchVocab    = 1 << 21
)

var bench struct {
	once sync.Once
	x    *Index
	gens *Generations // the same articles in generations of an eighth
	rank []uint32     // word of each frequency rank
}

func benchIndex(b *testing.B) *Index {
	bench.once.Do(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		z := rand.NewZipf(rng, 1.05, 2, benchVocab-1)
		// Word hashes, not ranks: the index sees 32-bit hashes.
		bench.rank = make([]uint32, benchVocab)
		for i := range bench.rank {
			bench.rank[i] = rng.Uint32()
		}
		x, gens := New(), NewGenerations(benchArticles/8)
		seen := map[uint32]bool{}
		ws := make([]uint32, 0, benchWords)
		for seq := range uint64(benchArticles) {
			clear(seen)
			ws = ws[:0]
			for len(ws) < benchWords {
				w := bench.rank[z.Uint64()]
				if !seen[w] {
					seen[w] = true
					ws = append(ws, w)
				}
			}
			if err := x.Add(seq, ws); err != nil {
				panic(err)
			}
			if err := gens.Add(seq, ws); err != nil {
				panic(err)
			}
		}
		bench.x, bench.gens = x, gens
	})
	return bench.x
}

// BenchmarkIndex reports the index's memory per posting.
func BenchmarkIndex(b *testing.B) {
	x := benchIndex(b)
	for b.Loop() {
	}
	b.ReportMetric(float64(x.Bytes())/float64(x.Len()), "bytes/posting")
	b.ReportMetric(float64(x.Len()), "postings")
	b.ReportMetric(float64(x.Bytes())/float64(x.Words()), "bytes/word")
	b.ReportMetric(float64(x.Words()), "words")
}

// BenchmarkSearch searches words of the given frequency ranks for the 20
// newest articles holding them all, or for all of them (all), in one
// index and in the same articles held in eight generations (a window's
// search index).
func BenchmarkSearch(b *testing.B) {
	benchIndex(b)
	for _, x := range []interface {
		Search([]uint32, int, func(uint64) bool)
	}{bench.x, bench.gens} {
		name := "index"
		if x == bench.gens {
			name = "generations"
		}
		b.Run(name, func(b *testing.B) { benchSearch(b, x) })
	}
}

func benchSearch(b *testing.B, x interface {
	Search([]uint32, int, func(uint64) bool)
}) {
	for _, c := range []struct {
		name  string
		ranks []int
		limit int
	}{
		{"common", []int{0}, 20},
		{"common2", []int{0, 1}, 20},
		{"mid2", []int{50, 80}, 20},
		{"rare+common", []int{2000, 0}, 20},
		{"mid3/all", []int{30, 60, 90}, 0},
		{"common2/all", []int{0, 1}, 0},
		{"rare2/all", []int{300, 400}, 0},
	} {
		ws := make([]uint32, len(c.ranks))
		for i, r := range c.ranks {
			ws[i] = bench.rank[r]
		}
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				n = 0
				x.Search(ws, 200_000, func(uint64) bool { n++; return c.limit == 0 || n < c.limit })
			}
			b.ReportMetric(float64(n), "hits")
		})
	}
}
