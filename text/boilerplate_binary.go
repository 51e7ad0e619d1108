package text

import (
	"io"

	"github.com/reprint-news/reprint/internal/binenc"
)

// boilerplateTag opens encoded statistics (and names their encoding's
// version).
const boilerplateTag = "text.Boilerplate/1"

// WriteTo writes the statistics to w in a compact binary encoding
// (ReadFrom reads them back): the parameters, the bitset of lines seen
// once, every repeated line's counts and contexts, the display texts
// kept and the number of articles.
func (b *Boilerplate) WriteTo(w io.Writer) (int64, error) {
	return binenc.Encode(w, boilerplateTag, b.encode)
}

func (b *Boilerplate) encode(e *binenc.Writer) error {
	if err := e.JSON(b.cfg); err != nil {
		return err
	}
	e.Int(b.docs)
	binenc.PutSlice(e, b.seen)
	// Repeated lines: hash, then the fields of lineStat, as arrays.
	n := len(b.stats)
	hs := make([]uint64, 0, n)
	counts := make([]uint32, 0, 2*n) // n, toks
	ctx := make([]uint64, 0, 3*n)
	hits := make([]uint32, 0, 3*n)
	for h, st := range b.stats {
		hs = append(hs, h)
		counts = append(counts, st.n, st.toks)
		ctx = append(ctx, st.ctx[:]...)
		hits = append(hits, st.hits[:]...)
	}
	binenc.PutSlice(e, hs)
	binenc.PutArray(e, counts)
	binenc.PutArray(e, ctx)
	binenc.PutArray(e, hits)
	th := make([]uint64, 0, len(b.texts))
	ts := make([]string, 0, len(b.texts))
	for h, s := range b.texts {
		th = append(th, h)
		ts = append(ts, s)
	}
	binenc.PutSlice(e, th)
	e.Strings(ts)
	return nil
}

// ReadFrom replaces b's statistics with those written by WriteTo, which
// must have b's parameters.
func (b *Boilerplate) ReadFrom(r io.Reader) (int64, error) {
	return binenc.Decode(r, boilerplateTag, "boilerplate statistics", b.decode)
}

func (b *Boilerplate) decode(d *binenc.Reader) error {
	d.CheckJSON(b.cfg, "boilerplate statistics with parameters")
	docs := d.Int()
	seen := binenc.Slice[uint64](d)
	if d.Err() == nil && len(seen) != len(b.seen) {
		d.Failf("a bitset of %d words; want %d", len(seen), len(b.seen))
	}
	hs := binenc.Slice[uint64](d)
	n := len(hs)
	counts := make([]uint32, 2*n)
	ctx := make([]uint64, 3*n)
	hits := make([]uint32, 3*n)
	binenc.Array(d, counts)
	binenc.Array(d, ctx)
	binenc.Array(d, hits)
	th := binenc.Slice[uint64](d)
	ts := d.Strings()
	if d.Err() == nil && len(ts) != len(th) {
		d.Failf("%d line texts for %d lines", len(ts), len(th))
	}
	if err := d.Err(); err != nil {
		return err
	}
	// One allocation for all the statistics: lines are never dropped.
	all := make([]lineStat, n)
	stats := make(map[uint64]*lineStat, n)
	for i, h := range hs {
		st := &all[i]
		st.n, st.toks = counts[2*i], counts[2*i+1]
		copy(st.ctx[:], ctx[3*i:])
		copy(st.hits[:], hits[3*i:])
		stats[h] = st
	}
	texts := make(map[uint64]string, len(th))
	for i, h := range th {
		texts[h] = ts[i]
	}
	b.docs, b.seen, b.stats, b.texts = docs, seen, stats, texts
	return nil
}
