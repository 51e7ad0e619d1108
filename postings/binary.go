package postings

import (
	"io"

	"github.com/reprint-news/reprint/internal/binenc"
)

// indexTag opens an encoded index (and names its encoding's version).
const indexTag = "postings.Index/1"

// WriteTo writes the whole index to w in a compact binary encoding
// (ReadFrom reads it back): every word with its slot, and every list's
// compressed blocks and skip table as they are.
func (x *Index) WriteTo(w io.Writer) (int64, error) {
	return binenc.Encode(w, indexTag, x.encode)
}

func (x *Index) encode(e *binenc.Writer) error {
	e.Int(x.n)
	binenc.PutMap(e, x.slot)
	e.Uvarint(uint64(len(x.lists)))
	for i := range x.lists {
		l := &x.lists[i]
		e.Bytes(l.buf)
		e.Uvarint(uint64(l.last))
		e.Uvarint(uint64(l.n))
		e.Bool(l.more != nil)
		if l.more != nil {
			binenc.PutSlice(e, l.more.skip)
			e.Uvarint(uint64(l.more.tail))
		}
	}
	binenc.PutSlice(e, x.free)
	return nil
}

// ReadFrom replaces x's content with an index written by WriteTo. Lists
// are read with the growth room Compact leaves them (listRoom); Bytes
// counts them so.
func (x *Index) ReadFrom(r io.Reader) (int64, error) {
	return binenc.Decode(r, indexTag, "a postings index", x.decode)
}

func (x *Index) decode(d *binenc.Reader) error {
	n := d.Int()
	slot := binenc.Map[uint32, uint64](d)
	lists := make([]list, d.Count(4))
	for i := range lists {
		if d.Err() != nil {
			break
		}
		l := &lists[i]
		l.buf = d.BytesRoom(listRoom)
		l.last = uint32(d.Uvarint())
		l.n = uint32(d.Uvarint())
		if d.Bool() {
			l.more = &skipTable{skip: binenc.Slice[uint32](d)}
			l.more.tail = uint32(d.Uvarint())
		}
	}
	free := binenc.Slice[int32](d)
	if err := d.Err(); err != nil {
		return err
	}
	for w, v := range slot {
		if v&inline == 0 && v >= uint64(len(lists)) {
			d.Failf("word %#x: list %d of %d", w, v, len(lists))
			return d.Err()
		}
	}
	x.slot, x.lists, x.free, x.n = slot, lists, free, n
	x.bytes = x.countBytes()
	return nil
}

// countBytes is Bytes counted from the index's content: what Add and
// Remove keep up to date as they go.
func (x *Index) countBytes() int64 {
	b := int64(len(x.slot)) * slotBytes
	inFree := make(map[int32]bool, len(x.free))
	for _, i := range x.free {
		inFree[i] = true
	}
	for i := range x.lists {
		if !inFree[int32(i)] {
			b += listHeader + x.lists[i].bytes()
		}
	}
	return b
}
