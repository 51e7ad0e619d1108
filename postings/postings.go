// Package postings is an in-memory inverted index for the service's
// search: each word (a 32-bit hash) maps to the ascending sequence
// numbers of the articles that hold it, and a query is answered by
// intersecting the lists of its words, newest article first.
//
// It is derived state: the engine rebuilds it at start from the stored
// articles, so nothing of it is written per article. A posting costs 4
// bytes plus the slack of its list's growth.
package postings

import (
	"fmt"
	"slices"
)

// Index maps words to article numbers. It is not safe for concurrent use.
type Index struct {
	slot  map[uint32]int32 // word → its list in lists
	lists [][]uint32
	free  []int32 // lists emptied by Remove, for new words
	n     int     // postings held
	bytes int64   // the lists' capacity in bytes, and their headers
}

// listHeader is the memory of a list beside its postings: the slice
// header and the map's key, slot and control byte, about.
const listHeader = 24 + 4 + 4 + 1

// New returns an empty index.
func New() *Index { return &Index{slot: map[uint32]int32{}} }

// list returns word w's list (nil: none).
func (x *Index) list(w uint32) []uint32 {
	if i, ok := x.slot[w]; ok {
		return x.lists[i]
	}
	return nil
}

// MaxSeq is the largest article number an index takes.
const MaxSeq = 1<<32 - 1

// Add records that article seq holds words (duplicates are ignored). An
// article's words are added once, after those of every lower number: a
// list then stays ascending by appending.
func (x *Index) Add(seq uint64, words []uint32) error {
	if seq > MaxSeq {
		return fmt.Errorf("postings: article number %d over the limit %d", seq, uint64(MaxSeq))
	}
	s := uint32(seq)
	for _, w := range words {
		i, ok := x.slot[w]
		if !ok { // a new word: a free list, or one more
			if n := len(x.free); n > 0 {
				i, x.free = x.free[n-1], x.free[:n-1]
			} else {
				i = int32(len(x.lists))
				x.lists = append(x.lists, nil)
			}
			x.slot[w] = i
			x.bytes += listHeader
		}
		l := &x.lists[i]
		switch last := len(*l) - 1; {
		case last < 0 || (*l)[last] < s:
			c := cap(*l)
			*l = append(*l, s)
			x.bytes += int64(cap(*l)-c) * 4
			x.n++
		case (*l)[last] == s: // a repeated word
		default:
			return fmt.Errorf("postings: article %d added after article %d", seq, (*l)[last])
		}
	}
	return nil
}

// Remove takes article seq out of the lists of words.
func (x *Index) Remove(seq uint64, words []uint32) {
	if seq > MaxSeq {
		return
	}
	for _, w := range words {
		li, ok := x.slot[w]
		if !ok {
			continue
		}
		l := x.lists[li]
		i, found := slices.BinarySearch(l, uint32(seq))
		if !found {
			continue
		}
		x.n--
		if len(l) == 1 {
			delete(x.slot, w)
			x.lists[li] = nil
			x.free = append(x.free, li)
			x.bytes -= listHeader + int64(cap(l))*4
			continue
		}
		x.lists[li] = slices.Delete(l, i, i+1)
	}
}

// Len returns the number of postings held.
func (x *Index) Len() int { return x.n }

// Bytes returns about the memory the index holds.
func (x *Index) Bytes() int64 { return x.bytes }

// Words returns the number of distinct words held.
func (x *Index) Words() int { return len(x.slot) }

// Search calls yield with the numbers of the articles holding every one
// of words, highest (newest) first, until yield returns false or scan
// articles of the rarest word's list were looked at (scan ≤ 0: no
// bound). No words match nothing.
func (x *Index) Search(words []uint32, scan int, yield func(seq uint64) bool) {
	if len(words) == 0 {
		return
	}
	lists := make([][]uint32, len(words))
	for i, w := range words {
		if lists[i] = x.list(w); len(lists[i]) == 0 {
			return
		}
	}
	// The rarest word's list drives; the others are searched.
	slices.SortFunc(lists, func(a, b []uint32) int { return len(a) - len(b) })
	first, rest := lists[0], lists[1:]
	for i := len(first) - 1; i >= 0; i-- {
		if scan > 0 && len(first)-i > scan {
			return
		}
		s := first[i]
		all := true
		for j, l := range rest {
			k, found := slices.BinarySearch(l, s)
			if !found {
				all = false
			}
			// Later candidates are lower: the rest of l above k is done with.
			rest[j] = l[:k]
			if !all {
				break
			}
		}
		if all && !yield(uint64(s)) {
			return
		}
	}
}
