package match

import (
	"io"

	"github.com/reprint-news/reprint/internal/binenc"
)

// docFreqTag opens an encoded table (and names its encoding's version).
const docFreqTag = "match.DocFreq/1"

// WriteTo writes the documents counted and their stems' document
// frequencies to w in a compact binary encoding (ReadFrom reads them
// back). The background table is not written: it is part of the program.
func (d *DocFreq) WriteTo(w io.Writer) (int64, error) {
	e := binenc.NewWriter(w)
	start := e.Len()
	d.mu.RLock()
	stems := make([]uint32, 0, len(d.df))
	counts := make([]uint32, 0, len(d.df))
	for s, c := range d.df {
		stems = append(stems, s)
		counts = append(counts, c)
	}
	n := d.n
	d.mu.RUnlock()
	e.String(docFreqTag)
	e.Int(n)
	binenc.PutSlice(e, stems)
	binenc.PutArray(e, counts)
	e.Flush()
	return e.Len() - start, e.Err()
}

// ReadFrom replaces the counts of d with those written by WriteTo; d
// keeps its background.
func (d *DocFreq) ReadFrom(r io.Reader) (int64, error) {
	dec := binenc.NewReader(r)
	start := dec.Len()
	if tag := dec.String(); dec.Err() == nil && tag != docFreqTag {
		dec.Failf("not document frequencies: %q", tag)
	}
	n := dec.Int()
	stems := binenc.Slice[uint32](dec)
	counts := make([]uint32, len(stems))
	binenc.Array(dec, counts)
	if err := dec.Err(); err != nil {
		return dec.Len() - start, err
	}
	df := make(map[uint32]uint32, len(stems))
	for i, s := range stems {
		df[s] = counts[i]
	}
	d.mu.Lock()
	d.n, d.df = n, df
	d.mu.Unlock()
	return dec.Len() - start, nil
}
