// Package cluster turns verified pairwise relations into groups: duplicate
// groups now (union-find with protection against chaining), stories and
// storylines later.
package cluster

import (
	"cmp"
	"slices"
)

// UnionFind is a disjoint-set forest over 0..n-1 with path halving and
// union by size.
type UnionFind struct {
	parent []uint32
	size   []uint32
}

// NewUnionFind returns n singleton sets.
func NewUnionFind(n int) *UnionFind {
	u := &UnionFind{parent: make([]uint32, n), size: make([]uint32, n)}
	for i := range u.parent {
		u.parent[i] = uint32(i)
		u.size[i] = 1
	}
	return u
}

// Find returns the root of x's set.
func (u *UnionFind) Find(x uint32) uint32 {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

// Union merges the sets of a and b.
func (u *UnionFind) Union(a, b uint32) {
	ra, rb := u.Find(a), u.Find(b)
	if ra == rb {
		return
	}
	if u.size[ra] < u.size[rb] || (u.size[ra] == u.size[rb] && ra > rb) {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
	u.size[ra] += u.size[rb]
}

// Edge is a verified duplicate relation between two documents.
type Edge struct{ A, B uint32 }

// Group is a duplicate group: its representative and members (sorted, the
// representative included).
type Group struct {
	Rep     uint32
	Members []uint32
}

// DupGroups builds duplicate groups from verified edges without chaining.
//
// Chaining is the failure of plain connected components: A≈B and B≈C put A
// and C together even when A and C are far apart, and long chains of small
// edits can join unrelated articles. The rule here: every member of a group
// must itself be within the threshold of the group's representative.
//
//  1. Take the connected components of the edge graph.
//  2. In a component, pick the representative with less(·,·) (earliest
//     published, else longest, else smallest id — the caller's order).
//  3. Keep the members m with within(rep, m) true; the others leave.
//  4. The members that left form their own sub-graph (the edges among
//     them) and go back to step 1.
//
// The result is deterministic: groups are sorted by their smallest member.
// within is called only for pairs inside one component, so its cost is the
// component sizes, not n².
func DupGroups(edges []Edge, less func(a, b uint32) bool, within func(rep, m uint32) bool) []Group {
	var groups []Group
	nodes := make([]uint32, 0)
	seen := make(map[uint32]bool)
	for _, e := range edges {
		for _, x := range []uint32{e.A, e.B} {
			if !seen[x] {
				seen[x] = true
				nodes = append(nodes, x)
			}
		}
	}
	slices.Sort(nodes)
	var solve func(nodes []uint32, edges []Edge)
	solve = func(nodes []uint32, edges []Edge) {
		idx := make(map[uint32]uint32, len(nodes))
		for i, x := range nodes {
			idx[x] = uint32(i)
		}
		uf := NewUnionFind(len(nodes))
		for _, e := range edges {
			uf.Union(idx[e.A], idx[e.B])
		}
		comps := make(map[uint32][]uint32)
		var roots []uint32
		for i, x := range nodes {
			r := uf.Find(uint32(i))
			if _, ok := comps[r]; !ok {
				roots = append(roots, r)
			}
			comps[r] = append(comps[r], x)
		}
		compEdges := make(map[uint32][]Edge)
		for _, e := range edges {
			r := uf.Find(idx[e.A])
			compEdges[r] = append(compEdges[r], e)
		}
		for _, r := range roots {
			comp := comps[r]
			if len(comp) < 2 {
				continue
			}
			rep := comp[0]
			for _, x := range comp[1:] {
				if less(x, rep) {
					rep = x
				}
			}
			members := []uint32{rep}
			var left []uint32
			for _, x := range comp {
				if x == rep {
					continue
				}
				if within(rep, x) {
					members = append(members, x)
				} else {
					left = append(left, x)
				}
			}
			if len(members) > 1 {
				slices.Sort(members)
				groups = append(groups, Group{Rep: rep, Members: members})
			}
			if len(left) > 1 {
				in := make(map[uint32]bool, len(left))
				for _, x := range left {
					in[x] = true
				}
				var sub []Edge
				for _, e := range compEdges[r] {
					if in[e.A] && in[e.B] {
						sub = append(sub, e)
					}
				}
				if len(sub) > 0 {
					solve(left, sub)
				}
			}
		}
	}
	solve(nodes, edges)
	slices.SortFunc(groups, func(a, b Group) int { return cmp.Compare(a.Members[0], b.Members[0]) })
	return groups
}
