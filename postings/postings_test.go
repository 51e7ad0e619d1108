package postings

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSearchAgreesWithModel adds and removes articles at random and checks
// every search of one to three words against a plain scan of the
// articles held.
func TestSearchAgreesWithModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 82))
	x := New()
	held := map[uint64][]uint32{}
	var seq uint64
	randomWords := func(n int) []uint32 {
		ws := make([]uint32, n)
		for i := range ws {
			// Skewed: a few common words, many rare ones.
			ws[i] = uint32(rng.IntN(1+rng.IntN(200)) + 1)
		}
		return ws
	}
	for step := range 3000 {
		seq += 1 + uint64(rng.IntN(2))
		ws := randomWords(1 + rng.IntN(12))
		if err := x.Add(seq, ws); err != nil {
			t.Fatal(err)
		}
		held[seq] = ws
		if rng.IntN(5) == 0 {
			for s, ws := range held {
				x.Remove(s, ws)
				delete(held, s)
				break
			}
		}
		q := randomWords(1 + rng.IntN(3))
		var want []uint64
		for s, ws := range held {
			if !slices.ContainsFunc(q, func(w uint32) bool { return !slices.Contains(ws, w) }) {
				want = append(want, s)
			}
		}
		slices.Sort(want)
		slices.Reverse(want)
		limit := 1 + rng.IntN(20)
		want = want[:min(len(want), limit)]
		var got []uint64
		x.Search(q, 0, func(s uint64) bool {
			got = append(got, s)
			return len(got) < limit
		})
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: search %v (limit %d): %v, want %v", step, q, limit, got, want)
		}
	}
	n := 0
	for _, ws := range held {
		n += len(slices.Compact(slices.Sorted(slices.Values(ws))))
	}
	if x.Len() != n {
		t.Fatalf("Len %d, want %d", x.Len(), n)
	}
}

func TestSearchScanBound(t *testing.T) {
	x := New()
	for s := range uint64(100) {
		ws := []uint32{1}
		if s%10 == 0 {
			ws = append(ws, 2)
		}
		if err := x.Add(s, ws); err != nil {
			t.Fatal(err)
		}
	}
	var got []uint64
	// Word 2's list (10 articles) drives; 3 of them are looked at.
	x.Search([]uint32{1, 2}, 3, func(s uint64) bool { got = append(got, s); return true })
	if !slices.Equal(got, []uint64{90, 80, 70}) {
		t.Fatalf("got %v, want [90 80 70]", got)
	}
	x.Search(nil, 0, func(uint64) bool { t.Fatal("no words matched an article"); return false })
	x.Search([]uint32{1, 3}, 0, func(uint64) bool { t.Fatal("an unknown word matched an article"); return false })
}

func TestAddRejects(t *testing.T) {
	x := New()
	if err := x.Add(5, []uint32{1, 1}); err != nil {
		t.Fatal(err)
	}
	if err := x.Add(4, []uint32{1}); err == nil {
		t.Error("an article added below one already in the word's list: no error")
	}
	if err := x.Add(MaxSeq+1, []uint32{1}); err == nil {
		t.Error("an article number over the limit: no error")
	}
	if x.Len() != 1 || x.Words() != 1 {
		t.Fatalf("Len %d Words %d, want 1 1", x.Len(), x.Words())
	}
	if x.Bytes() < 4 {
		t.Fatalf("Bytes %d with a posting held", x.Bytes())
	}
	x.Remove(5, []uint32{1, 9})
	if x.Len() != 0 || x.Words() != 0 || x.Bytes() != 0 {
		t.Fatalf("after Remove: Len %d Words %d Bytes %d, want 0 0 0", x.Len(), x.Words(), x.Bytes())
	}
}
