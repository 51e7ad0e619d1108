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
	c.terms[0] = fieldTerms{h: []uint64{1, 2, 3, 4, 5, 6}, tf: []float32{5, 1, 7, 5, 5, 2}, id: []int32{10, 11, 12, 13, 14, 15}}
	o.pruneTo(c, 0, o.cfg.CentroidTerms)
	hs := c.terms[0].h
	// 7 and two of the three 5s, the lower hashes first.
	if !slices.Equal(hs, []uint64{1, 3, 4}) {
		t.Fatalf("kept %v", hs)
	}
	if ids := c.terms[0].id; !slices.Equal(ids, []int32{10, 12, 13}) {
		t.Fatalf("ids %v do not follow their terms", ids)
	}
}
