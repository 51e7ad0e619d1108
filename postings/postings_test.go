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
		limit := 1 + rng.IntN(20)
		if got, want := searchN(x, q, limit), modelHits(held, q, limit); !slices.Equal(got, want) {
			t.Fatalf("step %d: search %v (limit %d): %v, want %v", step, q, limit, got, want)
		}
	}
	if n := modelPostings(held); x.Len() != n {
		t.Fatalf("Len %d, want %d", x.Len(), n)
	}
}

// searcher is what Index and Generations have in common for the tests.
type searcher interface {
	Search(words []uint32, scan int, yield func(seq uint64) bool)
}

// searchN returns the first limit articles x's search of q yields.
func searchN(x searcher, q []uint32, limit int) []uint64 {
	var got []uint64
	x.Search(q, 0, func(s uint64) bool {
		got = append(got, s)
		return len(got) < limit
	})
	return got
}

// modelHits is what a search of q must answer from the articles held (by
// number, their words): the numbers of those holding every word of q,
// newest first, at most limit.
func modelHits(held map[uint64][]uint32, q []uint32, limit int) []uint64 {
	var want []uint64
	for s, ws := range held {
		if !slices.ContainsFunc(q, func(w uint32) bool { return !slices.Contains(ws, w) }) {
			want = append(want, s)
		}
	}
	slices.Sort(want)
	slices.Reverse(want)
	return want[:min(len(want), limit)]
}

// modelPostings is the number of postings of the articles held.
func modelPostings(held map[uint64][]uint32) int {
	n := 0
	for _, ws := range held {
		n += postingsOf(ws)
	}
	return n
}

// postingsOf is the number of postings of an article of words ws: its
// distinct words.
func postingsOf(ws []uint32) int { return len(slices.Compact(slices.Sorted(slices.Values(ws)))) }

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

// check verifies x's compressed lists against want (word → its numbers,
// ascending): every block decodes to its share of the numbers, not empty
// and at most blockSize long, the skip table names each block's first
// number, and the counts and memory agree.
func check(t *testing.T, x *Index, want map[uint32][]uint32) {
	t.Helper()
	if len(x.slot) != len(want) {
		t.Fatalf("%d words, want %d", len(x.slot), len(want))
	}
	bytes := int64(0)
	n := 0
	for w, nums := range want {
		l := x.list(w)
		if l == nil {
			t.Fatalf("word %d: no list", w)
		}
		bytes += slotBytes
		if x.slot[w]&inline == 0 {
			bytes += listHeader + l.bytes()
		} else if len(nums) != 1 {
			t.Fatalf("word %d: one number inline, want %d", w, len(nums))
		}
		if l.more != nil && len(l.more.skip) == 0 {
			t.Fatalf("word %d: a skip table for one block", w)
		}
		var got []uint32
		for b := range l.blocks() {
			vals := l.decode(nil, b)
			if len(vals) == 0 || len(vals) > blockSize {
				t.Fatalf("word %d block %d: %d numbers", w, b, len(vals))
			}
			if l.first(b) != vals[0] {
				t.Fatalf("word %d block %d: first %d, decoded %d", w, b, l.first(b), vals[0])
			}
			if b == l.blocks()-1 && int(l.tail()) != len(vals) {
				t.Fatalf("word %d: tail %d, last block holds %d", w, l.tail(), len(vals))
			}
			got = append(got, vals...)
		}
		if !slices.Equal(got, nums) {
			t.Fatalf("word %d: %v, want %v", w, got, nums)
		}
		if int(l.n) != len(nums) || l.last != nums[len(nums)-1] {
			t.Fatalf("word %d: n %d last %d, want %d %d", w, l.n, l.last, len(nums), nums[len(nums)-1])
		}
		n += len(nums)
	}
	if x.Len() != n || x.Bytes() != bytes {
		t.Fatalf("Len %d Bytes %d, want %d %d", x.Len(), x.Bytes(), n, bytes)
	}
}

// TestCompressedLists adds articles with gaps of every size (one byte
// to five), removes them at random (first, middle and last numbers of
// blocks; whole blocks), compacts now and then, and checks the encoded
// lists and searches against a plain model throughout.
func TestCompressedLists(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	x := New()
	want := map[uint32][]uint32{}
	held := map[uint64][]uint32{}
	var seqs []uint64
	var seq uint64
	for step := range 6000 {
		switch r := rng.IntN(10); {
		case r < 6 || len(seqs) == 0:
			gap := uint64(1 + rng.IntN(3))
			if rng.IntN(50) == 0 {
				gap = uint64(rng.IntN(1 << (7 * (1 + rng.IntN(4)))))
			}
			if seq+gap > MaxSeq {
				gap = 1
			}
			seq += gap
			ws := []uint32{1, uint32(2 + rng.IntN(4)), uint32(10 + rng.IntN(40))}
			if err := x.Add(seq, ws); err != nil {
				t.Fatal(err)
			}
			held[seq] = ws
			seqs = append(seqs, seq)
			for _, w := range slices.Compact(slices.Sorted(slices.Values(ws))) {
				want[w] = append(want[w], uint32(seq))
			}
		default:
			i := rng.IntN(len(seqs))
			if rng.IntN(3) == 0 {
				i = len(seqs) - 1 // the newest: the last block
			}
			s := seqs[i]
			seqs = slices.Delete(seqs, i, i+1)
			x.Remove(s, held[s])
			for _, w := range held[s] {
				l := want[w]
				if k, ok := slices.BinarySearch(l, uint32(s)); ok {
					if l = slices.Delete(l, k, k+1); len(l) == 0 {
						delete(want, w)
					} else {
						want[w] = l
					}
				}
			}
			delete(held, s)
		}
		if rng.IntN(500) == 0 {
			x.Compact()
		}
		if step%50 == 0 {
			check(t, x, want)
		}
		q := []uint32{1, uint32(2 + rng.IntN(4)), uint32(10 + rng.IntN(40))}[:1+rng.IntN(3)]
		var wantHits []uint64
		for i := len(seqs) - 1; i >= 0; i-- {
			ws := held[seqs[i]]
			if !slices.ContainsFunc(q, func(w uint32) bool { return !slices.Contains(ws, w) }) {
				wantHits = append(wantHits, seqs[i])
			}
		}
		limit := 1 + rng.IntN(300)
		wantHits = wantHits[:min(len(wantHits), limit)]
		var got []uint64
		x.Search(q, 0, func(s uint64) bool { got = append(got, s); return len(got) < limit })
		if !slices.Equal(got, wantHits) {
			t.Fatalf("step %d: search %v (limit %d): %v, want %v", step, q, limit, got, wantHits)
		}
	}
	check(t, x, want)
	for _, s := range seqs {
		x.Remove(s, held[s])
	}
	if x.Len() != 0 || x.Words() != 0 || x.Bytes() != 0 {
		t.Fatalf("all removed: Len %d Words %d Bytes %d", x.Len(), x.Words(), x.Bytes())
	}
}
