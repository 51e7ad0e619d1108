package text

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestWordSet(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, 1+r.IntN(9))
		for i := range b {
			b[i] = byte('a' + r.IntN(6))
		}
		return string(b)
	}
	for _, n := range []int{0, 1, 5, 100, 1000} {
		in := map[string]bool{}
		var list []string
		for len(list) < n {
			w := word()
			list = append(list, w, w) // repeats are one member
			in[w] = true
		}
		s := newWordSet(append(list, ""))
		for range 5000 {
			if w := word(); s.has(w) != in[w] {
				t.Fatalf("n=%d: has(%q) = %v", n, w, !in[w])
			}
		}
		if s.has("") {
			t.Fatal(`"" is a member`)
		}
		got := s.words()
		slices.Sort(got)
		var want []string
		for w := range in {
			want = append(want, w)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("n=%d: words %d, want %d", n, len(got), len(want))
		}
	}
	if !stopWords.has("the") || stopWords.has("tehran") || !timeWords.has("july") || timeWords.has("may") {
		t.Fatal("the stop and time word sets")
	}
}

// TestTermTable checks the term counts against a map, through growth
// and reuse: each hash counted, its first text kept, sorted by hash.
func TestTermTable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var tab termTable
	for round := range 200 {
		tab.reset()
		n := r.IntN(3000)
		distinct := 1 + r.IntN(1+n)
		counts, first := map[uint64]int{}, map[uint64]string{}
		for i := range n {
			h := uint64(r.IntN(distinct)) * 0x9e3779b97f4a7c15
			if round%3 == 0 {
				h = uint64(r.IntN(distinct)) << 40 // low bits all equal: long probes
			}
			w := fmt.Sprint(i)
			tab.add(h, w)
			if counts[h]++; counts[h] == 1 {
				first[h] = w
			}
		}
		got := tab.terms()
		if len(got) != len(counts) {
			t.Fatalf("round %d: %d terms, want %d", round, len(got), len(counts))
		}
		for i, tm := range got {
			if i > 0 && got[i-1].Hash >= tm.Hash {
				t.Fatalf("round %d: not sorted at %d", round, i)
			}
			if int(tm.TF) != counts[tm.Hash] || tm.Text != first[tm.Hash] {
				t.Fatalf("round %d: term %x = %v/%q, want %d/%q", round, tm.Hash, tm.TF, tm.Text, counts[tm.Hash], first[tm.Hash])
			}
		}
	}
}
