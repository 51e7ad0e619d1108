package index

import (
	"io"

	"github.com/reprint-news/reprint/internal/binenc"
)

// bucketsTag opens an encoded bucket index (and names its encoding's
// version).
const bucketsTag = "index.Buckets/1"

// WriteTo writes the whole index to w in a compact binary encoding
// (ReadFrom reads it back): the layout, the pages of band keys and chain
// links as they lie in memory, and each band's head table slot for slot,
// so that the index read back is the one written, probe order included.
// At 64 bands that is about 0.5 KB per article plus the tables.
func (x *Buckets) WriteTo(w io.Writer) (int64, error) {
	return binenc.Encode(w, bucketsTag, x.encode)
}

func (x *Buckets) encode(e *binenc.Writer) error {
	e.Int(x.bands.B)
	e.Int(x.bands.R)
	e.Int(x.bands.M)
	e.Int(x.maxBucket)
	e.Uvarint(x.last)
	e.Int(x.n)
	e.Int(int(x.bytes))
	e.Uvarint(uint64(len(x.pages)))
	for _, pg := range x.pages {
		e.Bool(pg != nil)
		if pg == nil {
			continue
		}
		binenc.PutArray(e, pg.keys)
		binenc.PutArray(e, pg.next)
		binenc.PutArray(e, pg.present)
	}
	e.Uvarint(uint64(len(x.heads)))
	for i := range x.heads {
		h := &x.heads[i]
		e.Uvarint(uint64(h.shift))
		e.Int(h.n)
		binenc.PutSlice(e, h.slots)
	}
	return nil
}

// ReadFrom replaces x's content with an index written by WriteTo. The
// index written must have x's layout and bucket cap (x is made by
// NewBuckets with the parameters of the one written).
func (x *Buckets) ReadFrom(r io.Reader) (int64, error) {
	return binenc.Decode(r, bucketsTag, "a bucket index", x.decode)
}

func (x *Buckets) decode(d *binenc.Reader) error {
	bands := Bands{B: d.Int(), R: d.Int(), M: d.Int()}
	maxBucket := d.Int()
	if d.Err() == nil && (bands != x.bands || maxBucket != x.maxBucket) {
		d.Failf("bucket index of layout %+v, cap %d; want %+v, cap %d", bands, maxBucket, x.bands, x.maxBucket)
	}
	last, n, bytes := d.Uvarint(), d.Int(), int64(d.Int())
	B := bands.B
	pages := make([]*bucketPage, d.Count(1))
	for p := range pages {
		if d.Err() != nil {
			break
		}
		if !d.Bool() {
			continue
		}
		pg := &bucketPage{
			keys:    make([]uint32, B<<pageBits),
			next:    make([]uint32, B<<pageBits),
			present: make([]uint64, 1<<pageBits/64),
		}
		binenc.Array(d, pg.keys)
		binenc.Array(d, pg.next)
		binenc.Array(d, pg.present)
		pages[p] = pg
	}
	heads := make([]headTable, d.Count(2))
	if d.Err() == nil && len(heads) != B {
		d.Failf("%d head tables for %d bands", len(heads), B)
	}
	for i := range heads {
		if d.Err() != nil {
			break
		}
		h := &heads[i]
		h.shift = uint(d.Uvarint())
		h.n = d.Int()
		h.slots = binenc.Slice[uint32](d)
		if d.Err() == nil && (h.shift > 31 || len(h.slots) != 1<<(32-h.shift) || h.n >= len(h.slots)) {
			d.Failf("head table %d: %d slots, shift %d, %d held", i, len(h.slots), h.shift, h.n)
		}
	}
	if err := d.Err(); err != nil {
		return err
	}
	x.pages, x.heads, x.last, x.n, x.bytes, x.floor = pages, heads, last, n, bytes, 0
	x.skipFreed()
	return nil
}
