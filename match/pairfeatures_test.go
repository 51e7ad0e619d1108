package match

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSynonyms checks the sense table against intersecting the sense
// lists pair by pair, on random sentences: few senses drawn from a small
// range (many shared), many (the table full: the pairwise path), and
// terms without senses.
func TestSynonyms(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	sentenceOf := func(n, maxSenses int, senseRange uint32) (*sentence, []int) {
		s := &sentence{}
		var only []int
		for i := range n {
			tm := term{stem: uint32(i), w: float32(r.IntN(100)) / 10}
			if k := r.IntN(maxSenses + 1); k > 0 {
				ss := make([]uint32, k)
				for j := range ss {
					ss[j] = r.Uint32N(senseRange)
				}
				slices.Sort(ss)
				s.senses = append(s.senses, slices.Compact(ss))
				tm.syn = int32(len(s.senses))
				only = append(only, i)
			}
			s.terms = append(s.terms, tm)
		}
		return s, only
	}
	for c := range 20000 {
		maxSenses, senseRange := 1+r.IntN(12), uint32(20+r.IntN(2000))
		if c%10 == 0 {
			maxSenses = 40 // more than the table takes
		}
		a, onlyA := sentenceOf(r.IntN(33), maxSenses, senseRange)
		b, onlyB := sentenceOf(r.IntN(33), maxSenses, senseRange)
		onlyA, onlyB = onlyA[:min(32, len(onlyA))], onlyB[:min(32, len(onlyB))]
		ga, gb := synonyms(a, b, onlyA, onlyB)
		wa, wb := synonymsPairwise(a, b, onlyA, onlyB)
		if ga != wa || gb != wb {
			t.Fatalf("case %d: %v %v, pair by pair %v %v", c, ga, gb, wa, wb)
		}
	}
}
