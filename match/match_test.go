package match

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestCompareHandCases(t *testing.T) {
	cases := []struct {
		name string
		a, b []uint32
		want Overlap
	}{
		{"both empty", nil, nil, Overlap{0, 0, 0}},
		{"a empty", nil, []uint32{1, 2}, Overlap{0, 0, 2}},
		{"b empty", []uint32{1, 2, 3}, []uint32{}, Overlap{0, 3, 0}},
		{"disjoint interleaved", []uint32{1, 3, 5}, []uint32{2, 4, 6, 8}, Overlap{0, 3, 4}},
		{"disjoint ranges", []uint32{1, 2}, []uint32{10, 20}, Overlap{0, 2, 2}},
		{"subset", []uint32{2, 4}, []uint32{1, 2, 3, 4, 5}, Overlap{2, 2, 5}},
		{"superset", []uint32{1, 2, 3, 4, 5}, []uint32{1, 5}, Overlap{2, 5, 2}},
		{"identical", []uint32{0, 7, 0xffffffff}, []uint32{0, 7, 0xffffffff}, Overlap{3, 3, 3}},
		{"partial", []uint32{1, 2, 3, 4}, []uint32{3, 4, 5, 6}, Overlap{2, 4, 4}},
		{"extremes", []uint32{0, 0xffffffff}, []uint32{0xffffffff}, Overlap{1, 2, 1}},
	}
	for _, c := range cases {
		if got := Compare(c.a, c.b); got != c.want {
			t.Errorf("%s: Compare = %+v, want %+v", c.name, got, c.want)
		}
		// Symmetric up to swapping sizes.
		if got := Compare(c.b, c.a); got != (Overlap{c.want.Inter, c.want.SizeB, c.want.SizeA}) {
			t.Errorf("%s swapped: Compare = %+v", c.name, got)
		}
	}
}

func TestCompareRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	set := func(n int, universe uint32) []uint32 {
		s := make([]uint32, n)
		for i := range s {
			s[i] = rng.Uint32N(universe)
		}
		slices.Sort(s)
		return slices.Compact(s)
	}
	for range 200 {
		u := uint32(10 + rng.IntN(2000))
		a, b := set(rng.IntN(300), u), set(rng.IntN(300), u)
		inB := map[uint32]bool{}
		for _, x := range b {
			inB[x] = true
		}
		inter := 0
		for _, x := range a {
			if inB[x] {
				inter++
			}
		}
		want := Overlap{inter, len(a), len(b)}
		if got := Compare(a, b); got != want {
			t.Fatalf("Compare = %+v, want %+v", got, want)
		}
	}
}

func TestJaccardContainment(t *testing.T) {
	cases := []struct {
		o              Overlap
		jacc, contains float64
	}{
		{Overlap{0, 0, 0}, 0, 0},
		{Overlap{0, 0, 5}, 0, 0},
		{Overlap{0, 3, 4}, 0, 0},
		{Overlap{2, 2, 5}, 2.0 / 5, 1},
		{Overlap{2, 4, 4}, 2.0 / 6, 0.5},
		{Overlap{3, 3, 3}, 1, 1},
		{Overlap{45, 100, 50}, 45.0 / 105, 0.9},
		{Overlap{45, 50, 100}, 45.0 / 105, 0.9},
	}
	for _, c := range cases {
		if got := c.o.Jaccard(); got != c.jacc {
			t.Errorf("%+v Jaccard = %v, want %v", c.o, got, c.jacc)
		}
		if got := c.o.Containment(); got != c.contains {
			t.Errorf("%+v Containment = %v, want %v", c.o, got, c.contains)
		}
	}
}

func TestClassify(t *testing.T) {
	cfg := Config{Threshold: 0.8, Containment: 0.9}
	cases := []struct {
		name       string
		o          Overlap
		sameExact  bool
		rel        Relation
		aContainsB bool
	}{
		{"exact", Overlap{10, 10, 10}, true, Exact, false},
		{"identical sets, different exact hash", Overlap{10, 10, 10}, false, NearDuplicate, false},
		// A hash collision must not produce exact.
		{"same hash, sets differ (near)", Overlap{9, 10, 10}, true, NearDuplicate, false},
		{"same hash, subset", Overlap{10, 10, 11}, true, NearDuplicate, false},
		{"same hash, disjoint", Overlap{0, 10, 10}, false, None, false},
		{"same hash collision, disjoint", Overlap{0, 10, 10}, true, None, false},
		{"same hash, contains", Overlap{45, 100, 50}, true, Contains, true},
		// Jaccard exactly at the threshold: 8/10 = 0.8.
		{"near at threshold", Overlap{8, 10, 8}, false, NearDuplicate, false},
		{"just below threshold, contained", Overlap{79, 100, 79}, false, Contains, true},
		{"just below threshold", Overlap{70, 80, 80}, false, None, false},
		// Near-duplicate takes precedence over contains.
		{"near beats contains", Overlap{9, 10, 10}, false, NearDuplicate, false},
		{"A contains B", Overlap{45, 100, 50}, false, Contains, true},
		{"B contains A", Overlap{45, 50, 100}, false, Contains, false},
		// Containment exactly at its threshold: 9/10 = 0.9.
		{"contains at threshold", Overlap{9, 10, 30}, false, Contains, false},
		{"containment just below", Overlap{8, 30, 9}, false, None, false},
		{"none", Overlap{1, 10, 10}, false, None, false},
		{"both empty", Overlap{0, 0, 0}, false, None, false},
	}
	for _, c := range cases {
		rel, aCB := Classify(c.o, c.sameExact, cfg)
		if rel != c.rel || aCB != c.aContainsB {
			t.Errorf("%s: Classify(%+v, %v) = (%q, %v), want (%q, %v) [J=%.4f C=%.4f]",
				c.name, c.o, c.sameExact, rel, aCB, c.rel, c.aContainsB, c.o.Jaccard(), c.o.Containment())
		}
	}
}

// Thresholds that are exact ratios of the overlap must classify as ≥.
func TestClassifyThresholdInclusive(t *testing.T) {
	for den := 2; den <= 60; den++ {
		for num := 1; num < den; num++ {
			thr := float64(num) / float64(den)
			// B ⊂ A with |A| = den, |B| = num: J = num/den exactly.
			o := Overlap{Inter: num, SizeA: den, SizeB: num}
			if rel, _ := Classify(o, false, Config{Threshold: thr, Containment: 2}); rel != NearDuplicate {
				t.Fatalf("J = %d/%d at threshold %v: got %q", num, den, thr, rel)
			}
			// Containment num/den with B the smaller set.
			o = Overlap{Inter: num, SizeA: 3 * den, SizeB: den}
			if rel, aCB := Classify(o, false, Config{Threshold: 2, Containment: thr}); rel != Contains || !aCB {
				t.Fatalf("C = %d/%d at containment %v: got %q %v", num, den, thr, rel, aCB)
			}
		}
	}
}

// TestInter: the intersection of sorted lists of stems (32 bits) and of
// 64-bit grams (the lists sentences are compared by), values near both
// ends of the range included, against a binary search.
func TestInter(t *testing.T) {
	testInter[uint32](t, math.MaxUint32)
	testInter[uint64](t, math.MaxUint64)
}

func testInter[T uint32 | uint64](t *testing.T, maxT T) {
	rng := rand.New(rand.NewPCG(63, 64))
	for range 300 {
		u := T(5 + rng.IntN(500))
		base := T(0)
		if rng.IntN(2) == 0 {
			base = maxT - u
		}
		set := func() []T {
			s := make([]T, rng.IntN(60))
			for i := range s {
				s[i] = base + T(rng.Uint64N(uint64(u)))
			}
			slices.Sort(s)
			return slices.Compact(s)
		}
		a, b := set(), set()
		want := 0
		for _, x := range a {
			if _, ok := slices.BinarySearch(b, x); ok {
				want++
			}
		}
		if got := inter(a, b); got != want {
			t.Fatalf("inter = %d, want %d (%v, %v)", got, want, a, b)
		}
	}
}
