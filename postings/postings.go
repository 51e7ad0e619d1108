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
	lists map[uint32][]uint32
	n     int   // postings held
	bytes int64 // the lists' capacity in bytes, and their headers
}

// listHeader is the memory of a list beside its postings: the slice
// header and the map's key and control byte, about.
const listHeader = 24 + 4 + 4

// New returns an empty index.
func New() *Index { return &Index{lists: map[uint32][]uint32{}} }

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
		l := x.lists[w]
		switch {
		case len(l) == 0 || l[len(l)-1] < s:
			if len(l) == 0 {
				x.bytes += listHeader
			}
			c := cap(l)
			l = append(l, s)
			x.lists[w] = l
			x.bytes += int64(cap(l)-c) * 4
			x.n++
		case l[len(l)-1] == s: // a repeated word
		default:
			return fmt.Errorf("postings: article %d added after article %d", seq, l[len(l)-1])
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
		l := x.lists[w]
		i, found := slices.BinarySearch(l, uint32(seq))
		if !found {
			continue
		}
		x.n--
		if len(l) == 1 {
			delete(x.lists, w)
			x.bytes -= listHeader + int64(cap(l))*4
			continue
		}
		x.lists[w] = slices.Delete(l, i, i+1)
	}
}

// Len returns the number of postings held.
func (x *Index) Len() int { return x.n }

// Bytes returns about the memory the index holds.
func (x *Index) Bytes() int64 { return x.bytes }

// Words returns the number of distinct words held.
func (x *Index) Words() int { return len(x.lists) }

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
		if lists[i] = x.lists[w]; len(lists[i]) == 0 {
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
