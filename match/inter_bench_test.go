package match

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/text"
)

// BenchmarkInter intersects the sorted lists text reuse compares, taken
// from the ECB+ development articles two by two in file order: the
// sentences' stem lists (a sentence of one article against each of the
// other's), the articles' word trigrams; and shingle-set-sized random
// sets (Compare), of different texts, of near copies and identical.
func BenchmarkInter(b *testing.B) {
	texts := testdata.Texts(b, "ecbplus-dev.jsonl")
	docs := make([]*Doc, len(texts))
	for i, s := range texts {
		var d text.Doc
		d.Tokenize(s)
		docs[i] = Prepare(s, &d, "en", Env{})
		docs[i].extras()
	}
	var uniA, uniB [][]uint32
	for i := 0; i+1 < len(docs) && len(uniA) < 200000; i++ {
		for _, x := range docs[i].sents {
			for _, y := range docs[i+1].sents {
				uniA, uniB = append(uniA, x.uni), append(uniB, y.uni)
			}
		}
	}
	b.Run("sentences", func(b *testing.B) {
		k := 0
		for b.Loop() {
			inter(uniA[k], uniB[k])
			k = (k + 1) % len(uniA)
		}
	})
	b.Run("trigrams", func(b *testing.B) {
		k := 0
		for b.Loop() {
			inter(docs[k].tris, docs[k+1].tris)
			k = (k + 1) % (len(docs) - 1)
		}
	})
	// Shingle sets of 500 members, of different articles sharing 50 and
	// of near copies sharing 450 (the pairs dedup verifies).
	rng := rand.New(rand.NewPCG(1, 2))
	sets := func(shared int) [][]uint32 {
		out := make([][]uint32, 1000)
		for i := range out {
			s := make([]uint32, 500)
			for j := range s {
				if j < shared {
					s[j] = uint32(j) * 7919
				} else {
					s[j] = rng.Uint32()
				}
			}
			slices.Sort(s)
			out[i] = slices.Compact(s)
		}
		return out
	}
	for _, c := range []struct {
		name   string
		shared int
	}{{"sets", 50}, {"copies", 450}, {"identical", 500}} {
		ss := sets(c.shared)
		b.Run(c.name, func(b *testing.B) {
			k := 0
			for b.Loop() {
				inter(ss[k], ss[k+1])
				k = (k + 1) % (len(ss) - 1)
			}
		})

	}
}
