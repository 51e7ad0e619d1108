package cluster

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestKthLargest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 1; n < 200; n += 7 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.IntN(20)) // many ties
		}
		sorted := slices.Clone(v)
		slices.Sort(sorted)
		for k := 1; k <= n; k += 3 {
			w := slices.Clone(v)
			if got, want := kthLargest(w, k), sorted[n-k]; got != want {
				t.Fatalf("n=%d k=%d: got %v want %v", n, k, got, want)
			}
		}
	}
}

func TestPruneKeepsHeaviestInHashOrder(t *testing.T) {
	o := NewOnline(OnlineConfig{CentroidTerms: 3})
	c := &centroid{}
	c.terms[0] = []cterm{{h: 1, tf: 5}, {h: 2, tf: 1}, {h: 3, tf: 7}, {h: 4, tf: 5}, {h: 5, tf: 5}, {h: 6, tf: 2}}
	o.prune(c, 0)
	var hs []uint64
	for _, t := range c.terms[0] {
		hs = append(hs, t.h)
	}
	// 7 and two of the three 5s, the lower hashes first.
	if !slices.Equal(hs, []uint64{1, 3, 4}) {
		t.Fatalf("kept %v", hs)
	}
}
