// Package postings is an in-memory inverted index for the service's
// search: each word (a 32-bit hash) maps to the ascending sequence
// numbers of the articles that hold it, and a query is answered by
// intersecting the lists of its words, newest article first.
//
// It is derived state: the engine rebuilds it at start from the stored
// articles, so nothing of it is written per article.
//
// Lists are compressed: a list is a run of blocks of up to blockSize
// numbers, each block the uvarint of its first number followed by the
// uvarint gaps to the next ones (d-gaps in variable-byte code, as in
// Lucene's and most search engines' postings). Beside the bytes a list
// keeps a skip table, the first number and byte offset of every block
// after the first, so that intersection binary-searches the blocks and
// decodes only those it lands in. A posting then costs about a byte or two
// (the gaps of common words fit in one) instead of four, plus a
// list's fixed cost per distinct word.
package postings

import (
	"encoding/binary"
	"fmt"
	"slices"
	"unsafe"
)

// blockSize is the most numbers a block holds. Appending fills blocks
// to it; Remove may leave fewer.
const blockSize = 128

// list is the postings of a word in more than one article.
type list struct {
	buf  []byte     // the blocks
	more *skipTable // nil: one block
	last uint32     // the highest number
	n    uint32     // numbers held
}

// skipTable locates the blocks of a list of more than one.
type skipTable struct {
	skip []uint32 // blocks after the first: first number, byte offset in buf (pairs)
	tail uint32   // numbers in the last block
}

// skips returns l's skip table (nil: one block).
func (l *list) skips() []uint32 {
	if l.more == nil {
		return nil
	}
	return l.more.skip
}

// tail returns the numbers in l's last block.
func (l *list) tail() uint32 {
	if l.more == nil {
		return l.n
	}
	return l.more.tail
}

// blocks returns the number of blocks.
func (l *list) blocks() int { return len(l.skips())/2 + 1 }

// first returns the first number of block b.
func (l *list) first(b int) uint32 {
	if b == 0 {
		v, _ := binary.Uvarint(l.buf)
		return uint32(v)
	}
	return l.more.skip[2*(b-1)]
}

// span returns the byte range of block b in buf.
func (l *list) span(b int) (start, end int) {
	if b > 0 {
		start = int(l.more.skip[2*(b-1)+1])
	}
	end = len(l.buf)
	if b+1 < l.blocks() {
		end = int(l.more.skip[2*b+1])
	}
	return start, end
}

// decode appends the numbers of block b to dst.
func (l *list) decode(dst []uint32, b int) []uint32 {
	start, end := l.span(b)
	p := l.buf[start:end]
	var v uint32
	for i := 0; len(p) > 0; i++ {
		g, k := binary.Uvarint(p)
		p = p[k:]
		if i == 0 {
			v = uint32(g)
		} else {
			v += uint32(g)
		}
		dst = append(dst, v)
	}
	return dst
}

// bytes returns the memory of l's postings (capacity).
func (l *list) bytes() int64 {
	n := int64(cap(l.buf))
	if l.more != nil {
		n += int64(unsafe.Sizeof(skipTable{})) + 4*int64(cap(l.more.skip))
	}
	return n
}

// encode appends block vals (ascending, not empty) to dst.
func encode(dst []byte, vals []uint32) []byte {
	dst = binary.AppendUvarint(dst, uint64(vals[0]))
	for i := 1; i < len(vals); i++ {
		dst = binary.AppendUvarint(dst, uint64(vals[i]-vals[i-1]))
	}
	return dst
}

// Index maps words to article numbers. It is not safe for concurrent use.
type Index struct {
	// slot maps a word to its list in lists, or, for a word of one
	// article (most words), to that article's number (with the inline
	// bit set): no list.
	slot  map[uint32]uint64
	lists []list
	free  []int32 // lists emptied by Remove, for new words
	n     int     // postings held
	bytes int64   // the lists' capacity in bytes, and their headers
	block []uint32
}

// inline marks a slot that holds a word's only article number.
const inline = 1 << 63

// slotBytes is the memory of a word in the map, about (key, value,
// control byte); listHeader that of a list beside its postings.
const (
	slotBytes  = 4 + 8 + 1
	listHeader = int64(unsafe.Sizeof(list{}))
)

// New returns an empty index.
func New() *Index { return &Index{slot: map[uint32]uint64{}} }

// list returns word w's list (nil: none). A word of one article gets a
// list made for the moment.
func (x *Index) list(w uint32) *list {
	v, ok := x.slot[w]
	switch {
	case !ok:
		return nil
	case v&inline != 0:
		s := uint32(v)
		return &list{buf: binary.AppendUvarint(nil, uint64(s)), last: s, n: 1}
	}
	return &x.lists[v]
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
		v, ok := x.slot[w]
		if !ok { // a new word
			x.slot[w] = inline | uint64(s)
			x.bytes += slotBytes
			x.n++
			continue
		}
		if v&inline != 0 { // a word's second article: a list, free or new
			switch first := uint32(v); {
			case first == s:
				continue
			case first > s:
				return fmt.Errorf("postings: article %d added after article %d", seq, first)
			}
			var i int32
			if n := len(x.free); n > 0 {
				i, x.free = x.free[n-1], x.free[:n-1]
			} else {
				i = int32(len(x.lists))
				x.lists = append(x.lists, list{})
			}
			x.slot[w] = uint64(i)
			l := &x.lists[i]
			l.buf = binary.AppendUvarint(l.buf, uint64(v))
			l.last, l.n = uint32(v), 1
			x.bytes += listHeader + l.bytes()
			v = uint64(i)
		}
		l := &x.lists[v]
		if l.last == s { // a repeated word
			continue
		}
		if l.last > s {
			return fmt.Errorf("postings: article %d added after article %d", seq, l.last)
		}
		before := l.bytes()
		if l.tail() == blockSize { // a new block
			if l.more == nil {
				l.more = &skipTable{}
			}
			l.more.skip = append(l.more.skip, s, uint32(len(l.buf)))
			l.buf = binary.AppendUvarint(l.buf, uint64(s))
			l.more.tail = 1
		} else {
			l.buf = binary.AppendUvarint(l.buf, uint64(s-l.last))
			if l.more != nil {
				l.more.tail++
			}
		}
		l.last = s
		l.n++
		x.n++
		x.bytes += l.bytes() - before
	}
	return nil
}

// Remove takes article seq out of the lists of words and returns from how
// many it took it (0: it was in none). Only the block that holds it is
// encoded again; the bytes after it move down.
func (x *Index) Remove(seq uint64, words []uint32) int {
	if seq > MaxSeq {
		return 0
	}
	removed := x.n
	s := uint32(seq)
	for _, w := range words {
		v, ok := x.slot[w]
		if !ok {
			continue
		}
		if v&inline != 0 {
			if uint32(v) == s {
				delete(x.slot, w)
				x.bytes -= slotBytes
				x.n--
			}
			continue
		}
		l := &x.lists[v]
		if s > l.last {
			continue
		}
		b := l.blockOf(s, l.blocks())
		if b < 0 {
			continue
		}
		vals := l.decode(x.block[:0], b)
		x.block = vals
		i, found := slices.BinarySearch(vals, s)
		if !found {
			continue
		}
		x.n--
		if l.n == 1 {
			delete(x.slot, w)
			x.bytes -= slotBytes + listHeader + l.bytes()
			*l = list{}
			x.free = append(x.free, int32(v))
			continue
		}
		before := l.bytes()
		vals = slices.Delete(vals, i, i+1)
		start, end := l.span(b)
		// The block's code never grows by losing a number: a merged gap
		// takes no more bytes than the two it replaces.
		var code []byte
		if len(vals) > 0 {
			code = encode(l.buf[start:start], vals)
		}
		cut := end - start - len(code)
		l.buf = append(l.buf[:start+len(code)], l.buf[end:]...)
		last := b == l.blocks()-1
		if l.more != nil {
			sk := l.more.skip
			for k := 2 * b; k < len(sk); k += 2 { // blocks after b move down
				sk[k+1] -= uint32(cut)
			}
			switch {
			case len(vals) > 0:
				if b > 0 {
					sk[2*(b-1)] = vals[0]
				}
			case b > 0: // block b is gone
				sk = slices.Delete(sk, 2*(b-1), 2*b)
			default: // the first block is gone: the second is first now
				sk = slices.Delete(sk, 0, 2)
			}
			l.more.skip = sk
		}
		l.n--
		if last {
			if len(vals) == 0 {
				vals = l.decode(x.block[:0], l.blocks()-1)
				x.block = vals
			}
			if l.more != nil {
				l.more.tail = uint32(len(vals))
			}
			l.last = vals[len(vals)-1]
		}
		if l.more != nil && len(l.more.skip) == 0 { // one block again
			l.more = nil
		}
		x.bytes += l.bytes() - before
	}
	return removed - x.n
}

// blockOf returns the last of l's blocks below hi whose first number is
// at most s (-1: none).
func (l *list) blockOf(s uint32, hi int) int {
	// The first block whose first number is above s, less one.
	lo := 0
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l.first(m) <= s {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

// listRoom is the growth room Compact leaves a list of n bytes, and
// ReadFrom gives it: an eighth of a list of a kilobyte or more, none
// below. Without it the first articles after a start would each copy
// the whole lists of their common words (a list's first append copies
// it), about the index's size in copies over the first thousand; with it
// a common word's list is first copied after it has grown by an eighth,
// for about a tenth more memory in the index (under 2% of the engine's).
func listRoom(n int) int {
	if n < 1024 {
		return 0
	}
	return n / 8
}

// Compact gives back the memory lists hold for their growth beyond
// listRoom, as after a rebuild; later additions grow them again.
func (x *Index) Compact() {
	for i := range x.lists {
		l := &x.lists[i]
		before := l.bytes()
		if c := len(l.buf) + listRoom(len(l.buf)); cap(l.buf) != c {
			l.buf = append(make([]byte, 0, c), l.buf...)
		}
		if l.more != nil && cap(l.more.skip) > len(l.more.skip) {
			l.more.skip = append(make([]uint32, 0, len(l.more.skip)), l.more.skip...)
		}
		x.bytes += l.bytes() - before
	}
}

// Len returns the number of postings held.
func (x *Index) Len() int { return x.n }

// Bytes returns about the memory the index holds.
func (x *Index) Bytes() int64 { return x.bytes }

// Words returns the number of distinct words held.
func (x *Index) Words() int { return len(x.slot) }

// cursor looks numbers up in a list for descending candidates: the
// blocks above the last one looked at are done with.
type cursor struct {
	l    *list
	hi   int      // blocks from hi on are done with
	b    int      // the block decoded in vals (-1: none)
	vals []uint32 // its numbers
}

// has reports whether the list holds s; done, that it holds nothing
// below s either (no later, lower candidate can be in it).
func (c *cursor) has(s uint32) (ok, done bool) {
	b := c.b
	if b < 0 || s < c.vals[0] {
		b = c.l.blockOf(s, c.hi)
	}
	if b < 0 {
		return false, true
	}
	c.hi = b + 1
	if b != c.b {
		c.vals = c.l.decode(c.vals[:0], b)
		c.b = b
	}
	_, ok = slices.BinarySearch(c.vals, s)
	return ok, false
}

// Search calls yield with the numbers of the articles holding every one
// of words, highest (newest) first, until yield returns false or scan
// articles of the rarest word's list were looked at (scan ≤ 0: no
// bound). No words match nothing.
func (x *Index) Search(words []uint32, scan int, yield func(seq uint64) bool) {
	if len(words) == 0 {
		return
	}
	lists := make([]*list, len(words))
	for i, w := range words {
		if lists[i] = x.list(w); lists[i] == nil {
			return
		}
	}
	// The rarest word's list drives; the others are looked up.
	slices.SortFunc(lists, func(a, b *list) int { return int(a.n) - int(b.n) })
	first := lists[0]
	rest := make([]cursor, len(lists)-1)
	for i, l := range lists[1:] {
		rest[i] = cursor{l: l, hi: l.blocks(), b: -1}
	}
	var vals []uint32
	looked := 0
	for b := first.blocks() - 1; b >= 0; b-- {
		vals = first.decode(vals[:0], b)
		for i := len(vals) - 1; i >= 0; i-- {
			if looked++; scan > 0 && looked > scan {
				return
			}
			s := vals[i]
			all := true
			for j := range rest {
				ok, done := rest[j].has(s)
				if done {
					return
				}
				if !ok {
					all = false
					break
				}
			}
			if all && !yield(uint64(s)) {
				return
			}
		}
	}
}
