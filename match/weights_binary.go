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
	d.mu.RLock()
	defer d.mu.RUnlock()
	return binenc.Encode(w, docFreqTag, func(e *binenc.Writer) error {
		e.Int(d.n)
		binenc.PutMap(e, d.df)
		return nil
	})
}

// ReadFrom replaces the counts of d with those written by WriteTo; d
// keeps its background.
func (d *DocFreq) ReadFrom(r io.Reader) (int64, error) {
	return binenc.Decode(r, docFreqTag, "document frequencies", func(dec *binenc.Reader) error {
		n := dec.Int()
		df := binenc.Map[uint32, uint32](dec)
		if err := dec.Err(); err != nil {
			return err
		}
		d.mu.Lock()
		d.n, d.df = n, df
		d.mu.Unlock()
		return nil
	})
}
