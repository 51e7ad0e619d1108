package cluster

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestUnionFind(t *testing.T) {
	u := NewUnionFind(10)
	for i := range uint32(10) {
		if u.Find(i) != i {
			t.Fatalf("singleton %d has root %d", i, u.Find(i))
		}
	}
	u.Union(1, 2)
	u.Union(3, 4)
	u.Union(2, 4)
	u.Union(4, 1) // already together
	u.Union(7, 7) // self
	same := func(a, b uint32) bool { return u.Find(a) == u.Find(b) }
	for _, p := range [][2]uint32{{1, 2}, {1, 3}, {1, 4}, {2, 3}, {4, 2}} {
		if !same(p[0], p[1]) {
			t.Errorf("%d and %d should be joined", p[0], p[1])
		}
	}
	for _, p := range [][2]uint32{{0, 1}, {5, 6}, {7, 8}, {4, 9}, {7, 1}} {
		if same(p[0], p[1]) {
			t.Errorf("%d and %d should be apart", p[0], p[1])
		}
	}
	// Union by size: the larger set's root stays the root.
	root := u.Find(1)
	u.Union(9, 1)
	if u.Find(9) != root {
		t.Errorf("union with a singleton moved the root of a 4-element set")
	}
	u.Union(0, 5)
	u.Union(5, 6) // {0,5,6} size 3 < 5
	r2 := u.Find(0)
	u.Union(r2, root)
	if u.Find(0) != root || u.Find(6) != root {
		t.Errorf("smaller set's root became root")
	}
	if u.size[root] != 8 {
		t.Errorf("root size %d, want 8", u.size[root])
	}
}

func TestUnionFindMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	const n = 300
	u := NewUnionFind(n)
	label := make([]int, n)
	for i := range label {
		label[i] = i
	}
	for range 400 {
		a, b := rng.Uint32N(n), rng.Uint32N(n)
		u.Union(a, b)
		la, lb := label[a], label[b]
		for i := range label {
			if label[i] == lb {
				label[i] = la
			}
		}
	}
	for range 2000 {
		a, b := rng.Uint32N(n), rng.Uint32N(n)
		if (u.Find(a) == u.Find(b)) != (label[a] == label[b]) {
			t.Fatalf("Find disagrees with naive labels for %d, %d", a, b)
		}
	}
}

func byIndex(a, b uint32) bool { return a < b }

// groupsString renders groups compactly for comparisons and messages.
func groupsString(gs []Group) string {
	s := ""
	for _, g := range gs {
		s += fmt.Sprintf("%d:%v ", g.Rep, g.Members)
	}
	return s
}

// A chain 0–1–2–3 where only neighbours are within the threshold.
func TestDupGroupsChain(t *testing.T) {
	edges := []Edge{{0, 1}, {1, 2}, {2, 3}}
	within := func(rep, m uint32) bool { return max(rep, m)-min(rep, m) <= 1 }
	got := DupGroups(edges, byIndex, within)
	want := []Group{{0, []uint32{0, 1}}, {2, []uint32{2, 3}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("chain: got %s, want %s", groupsString(got), groupsString(want))
	}
	for _, g := range got {
		for _, m := range g.Members {
			if !within(g.Rep, m) {
				t.Fatalf("member %d not within threshold of rep %d", m, g.Rep)
			}
		}
	}
	// Long chain: pairs form groups; last odd one out is alone.
	var long []Edge
	for i := range uint32(8) {
		long = append(long, Edge{i, i + 1})
	}
	got = DupGroups(long, byIndex, within)
	want = []Group{{0, []uint32{0, 1}}, {2, []uint32{2, 3}}, {4, []uint32{4, 5}}, {6, []uint32{6, 7}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("long chain: got %s, want %s", groupsString(got), groupsString(want))
	}
}

// Leftover members regroup only through edges among themselves.
func TestDupGroupsLeftoverNeedsEdges(t *testing.T) {
	// Chain 0–1–2–3 again but 2 and 3 are not within each other: they
	// leave the group of 0 and stay single.
	edges := []Edge{{0, 1}, {1, 2}, {2, 3}}
	within := func(rep, m uint32) bool { return rep == 0 && m == 1 }
	got := DupGroups(edges, byIndex, within)
	if want := []Group{{0, []uint32{0, 1}}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %s, want %s", groupsString(got), groupsString(want))
	}
	// 2 and 3 are near each other but linked only through member 1, which
	// stays with rep 0: the edges to 1 must not join them.
	edges = []Edge{{0, 1}, {1, 2}, {1, 3}}
	within = func(rep, m uint32) bool { return rep == 0 && m == 1 || min(rep, m) == 2 && max(rep, m) == 3 }
	got = DupGroups(edges, byIndex, within)
	if want := []Group{{0, []uint32{0, 1}}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("leftovers joined through a kept member: got %s, want %s", groupsString(got), groupsString(want))
	}
	// Star centred on 5 with leaves 0..4; rep is 0 (smallest) and only
	// the centre is within 0. The leaves have no edges among themselves.
	var star []Edge
	for i := range uint32(5) {
		star = append(star, Edge{5, i})
	}
	within = func(rep, m uint32) bool { return rep == 5 || m == 5 }
	got = DupGroups(star, byIndex, within)
	if want := []Group{{0, []uint32{0, 5}}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("star, rep is a leaf: got %s, want %s", groupsString(got), groupsString(want))
	}
}

func TestDupGroupsStar(t *testing.T) {
	var edges []Edge
	for i := uint32(1); i <= 6; i++ {
		edges = append(edges, Edge{0, i})
	}
	all := func(rep, m uint32) bool { return true }
	got := DupGroups(edges, byIndex, all)
	if want := []Group{{0, []uint32{0, 1, 2, 3, 4, 5, 6}}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("star: got %s", groupsString(got))
	}
	// Representative chosen by less, not by index: here the latest index
	// is "earliest published".
	rev := func(a, b uint32) bool { return a > b }
	got = DupGroups(edges, rev, all)
	if want := []Group{{6, []uint32{0, 1, 2, 3, 4, 5, 6}}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("star with reversed order: got %s", groupsString(got))
	}
}

func TestDupGroupsComponentsAndOrder(t *testing.T) {
	edges := []Edge{{12, 10}, {7, 3}, {11, 10}, {3, 5}, {20, 21}}
	all := func(rep, m uint32) bool { return true }
	// Representative: smallest "time", with times chosen so it is not the
	// smallest id.
	time := map[uint32]int{3: 5, 5: 1, 7: 9, 10: 4, 11: 2, 12: 3, 20: 0, 21: 0}
	less := func(a, b uint32) bool {
		if time[a] != time[b] {
			return time[a] < time[b]
		}
		return a < b
	}
	want := []Group{
		{5, []uint32{3, 5, 7}},
		{11, []uint32{10, 11, 12}},
		{20, []uint32{20, 21}},
	}
	got := DupGroups(edges, less, all)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %s, want %s", groupsString(got), groupsString(want))
	}
	// Any edge order and direction gives the same result.
	rng := rand.New(rand.NewPCG(73, 74))
	for range 20 {
		e := slices.Clone(edges)
		rng.Shuffle(len(e), func(i, j int) { e[i], e[j] = e[j], e[i] })
		for i := range e {
			if rng.IntN(2) == 0 {
				e[i].A, e[i].B = e[i].B, e[i].A
			}
		}
		if g := DupGroups(e, less, all); !reflect.DeepEqual(g, want) {
			t.Fatalf("edge order changed the result: %s", groupsString(g))
		}
	}
	if g := DupGroups(nil, less, all); len(g) != 0 {
		t.Fatalf("no edges: %s", groupsString(g))
	}
}

// Random graphs: check the invariants, that within is only asked about
// pairs of one connected component, and that the result does not depend on
// the order of the edges.
func TestDupGroupsInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(75, 76))
	for iter := range 300 {
		n := 2 + rng.IntN(40)
		nEdges := rng.IntN(2 * n)
		var edges []Edge
		for range nEdges {
			edges = append(edges, Edge{rng.Uint32N(uint32(n)), rng.Uint32N(uint32(n))})
		}
		// A symmetric random "within" relation, denser on real edges.
		near := map[[2]uint32]bool{}
		for a := range uint32(n) {
			for b := a + 1; b < uint32(n); b++ {
				near[[2]uint32{a, b}] = rng.IntN(3) != 0
			}
		}
		isNear := func(a, b uint32) bool { return near[[2]uint32{min(a, b), max(a, b)}] }
		prio := rng.Perm(n)
		less := func(a, b uint32) bool { return prio[a] < prio[b] }

		ref := NewUnionFind(n)
		for _, e := range edges {
			ref.Union(e.A, e.B)
		}
		inEdge := make([]bool, n)
		for _, e := range edges {
			if e.A != e.B {
				inEdge[e.A], inEdge[e.B] = true, true
			}
		}
		var calls [][2]uint32
		within := func(rep, m uint32) bool {
			calls = append(calls, [2]uint32{rep, m})
			return isNear(rep, m)
		}
		groups := DupGroups(edges, less, within)

		for _, c := range calls {
			if ref.Find(c[0]) != ref.Find(c[1]) {
				t.Fatalf("iter %d: within(%d, %d) called across components", iter, c[0], c[1])
			}
			if c[0] == c[1] {
				t.Fatalf("iter %d: within(%d, %d) called with rep = member", iter, c[0], c[1])
			}
		}
		seen := map[uint32]bool{}
		for gi, g := range groups {
			if len(g.Members) < 2 {
				t.Fatalf("iter %d: group of %d", iter, len(g.Members))
			}
			if !slices.IsSorted(g.Members) || len(slices.Compact(slices.Clone(g.Members))) != len(g.Members) {
				t.Fatalf("iter %d: members not sorted/unique: %v", iter, g.Members)
			}
			if !slices.Contains(g.Members, g.Rep) {
				t.Fatalf("iter %d: rep %d not among members %v", iter, g.Rep, g.Members)
			}
			if gi > 0 && groups[gi-1].Members[0] >= g.Members[0] {
				t.Fatalf("iter %d: groups not sorted by smallest member", iter)
			}
			for _, m := range g.Members {
				if seen[m] {
					t.Fatalf("iter %d: %d in two groups", iter, m)
				}
				seen[m] = true
				if !inEdge[m] {
					t.Fatalf("iter %d: %d has no edge but is grouped", iter, m)
				}
				if ref.Find(m) != ref.Find(g.Rep) {
					t.Fatalf("iter %d: group spans components", iter)
				}
				if m != g.Rep {
					if !isNear(g.Rep, m) {
						t.Fatalf("iter %d: member %d not within rep %d (chaining)", iter, m, g.Rep)
					}
					if less(m, g.Rep) {
						t.Fatalf("iter %d: member %d precedes rep %d", iter, m, g.Rep)
					}
				}
			}
		}
		// Every component with an edge between distinct nodes has a group
		// led by its first document under less.
		first := map[uint32]uint32{}
		for x := range uint32(n) {
			if !inEdge[x] {
				continue
			}
			r := ref.Find(x)
			if f, ok := first[r]; !ok || less(x, f) {
				first[r] = x
			}
		}
		for _, f := range first {
			found := false
			for _, g := range groups {
				found = found || g.Rep == f
			}
			// f leads a group unless nobody in its component is within it.
			anyNear := false
			for x := range uint32(n) {
				if x != f && inEdge[x] && ref.Find(x) == ref.Find(f) && isNear(f, x) {
					anyNear = true
				}
			}
			if found != anyNear {
				t.Fatalf("iter %d: component leader %d leads a group = %v, has a near member = %v", iter, f, found, anyNear)
			}
		}
		// Edge order does not matter.
		shuffled := slices.Clone(edges)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if g2 := DupGroups(shuffled, less, func(a, b uint32) bool { return isNear(a, b) }); !reflect.DeepEqual(g2, groups) {
			t.Fatalf("iter %d: result depends on edge order:\n%s\n%s", iter, groupsString(groups), groupsString(g2))
		}
	}
}

func ExampleDupGroups() {
	// Four versions of a story, each a small edit of the previous one:
	// 0≈1, 1≈2, 2≈3, but 0 is far from 2 and 3.
	edges := []Edge{{0, 1}, {1, 2}, {2, 3}}
	sim := map[[2]uint32]bool{{0, 1}: true, {1, 2}: true, {2, 3}: true}
	within := func(rep, m uint32) bool { return sim[[2]uint32{min(rep, m), max(rep, m)}] }
	earliest := func(a, b uint32) bool { return a < b } // document 0 was published first
	for _, g := range DupGroups(edges, earliest, within) {
		fmt.Println("representative", g.Rep, "members", g.Members)
	}
	// Output:
	// representative 0 members [0 1]
	// representative 2 members [2 3]
}
