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

// TestPostingWindowWithClosedClusters checks that dropping closed clusters
// from a posting when a scan meets them leaves exactly the open clusters
// among the last max appended, as a plain list of the last max would.
func TestPostingWindowWithClosedClusters(t *testing.T) {
	const max = 8
	r := rand.New(rand.NewPCG(9, 10))
	var p posting
	var plain []int32 // every append, in order
	closed := map[int32]bool{}
	for step := range 5000 {
		switch r.IntN(4) {
		case 0, 1:
			id := int32(r.IntN(40))
			if closed[id] {
				continue // closed clusters take no items
			}
			if n := len(plain); n == 0 || plain[n-1] != id {
				plain = append(plain, id)
			}
			p.add(id, max)
		case 2:
			closed[int32(r.IntN(40))] = true
		case 3: // a scan: drop the closed entries, as Assign does
			keep := 0
			for k, c := range p.c {
				if !closed[c] {
					p.c[keep], p.seq[keep] = c, p.seq[k]
					keep++
				}
			}
			p.c, p.seq = p.c[:keep], p.seq[:keep]
		}
		var want []int32
		for _, c := range plain[len(plain)-min(len(plain), max):] {
			if !closed[c] {
				want = append(want, c)
			}
		}
		var got []int32
		for _, c := range p.c {
			if !closed[c] {
				got = append(got, c)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: open entries %v, want %v", step, got, want)
		}
	}
}
