package cluster

import (
	"io"

	"github.com/reprint-news/reprint/internal/binenc"
)

// Tags open an encoded clusterer and Weigher (and name their encodings'
// versions).
const (
	onlineTag  = "cluster.Online/1"
	weigherTag = "cluster.Weigher/1"
)

// WriteTo writes the clusterer's whole state to w in a compact binary
// encoding (ReadFrom reads it back): the parameters, the item count,
// clock and sweep counter, every term's document frequency and text, the
// postings, the open and closed clusters, and every centroid with its
// terms, span, language and norms, bit for bit — a clusterer read back
// decides every later item as the one written would. Scratch space and
// the table of logarithms are not written.
func (o *Online) WriteTo(w io.Writer) (int64, error) {
	return binenc.Encode(w, onlineTag, o.encode)
}

func (o *Online) encode(e *binenc.Writer) error {
	if err := e.JSON(o.cfg); err != nil {
		return err
	}
	e.Int(o.n)
	e.Varint(o.now)
	e.Int(o.sinceGC)
	binenc.PutSlice(e, o.dfs)
	e.Strings(o.texts)
	binenc.PutSlice(e, o.postOf)
	e.Uvarint(uint64(len(o.postings)))
	for i := range o.postings {
		p := &o.postings[i]
		e.Varint(int64(p.n))
		binenc.PutSlice(e, p.c)
		binenc.PutArray(e, p.seq)
	}
	closed := make([]uint8, len(o.closed))
	for i, c := range o.closed {
		if c {
			closed[i] = 1
		}
	}
	binenc.PutSlice(e, closed)
	binenc.PutSlice(e, o.open)
	e.Uvarint(uint64(len(o.clusters)))
	for _, c := range o.clusters {
		if c == nil { // forgotten (ForgetClosed)
			e.Int(-1)
			continue
		}
		e.Int(c.n)
		e.Varint(c.first)
		e.Varint(c.last)
		e.String(c.lang)
		for f := range NumFields {
			e.Int(c.pruned[f])
			e.Float64(c.norm[f])
			ft := &c.terms[f]
			binenc.PutSlice(e, ft.h)
			binenc.PutArray(e, ft.tf)
			binenc.PutArray(e, ft.id)
		}
	}
	return nil
}

// closedBytesAt reports whether closed flag i is set.
func closedBytesAt(closed []uint8, i int) bool { return i < len(closed) && closed[i] != 0 }

// ReadFrom replaces o's state with one written by WriteTo, which must
// have o's parameters (o is made by NewOnline with them).
func (o *Online) ReadFrom(r io.Reader) (int64, error) {
	return binenc.Decode(r, onlineTag, "a clusterer", o.decode)
}

func (o *Online) decode(d *binenc.Reader) error {
	d.CheckJSON(o.cfg, "clusterer parameters")
	n, now, sinceGC := d.Int(), d.Varint(), d.Int()
	dfs := binenc.Slice[int32](d)
	texts := d.Strings()
	postOf := binenc.Slice[int32](d)
	if d.Err() == nil && (len(texts) != len(dfs) || len(postOf) != len(dfs)) {
		d.Failf("%d terms, %d texts, %d posting slots", len(dfs), len(texts), len(postOf))
	}
	postings := make([]posting, d.Count(3))
	for i := range postings {
		if d.Err() != nil {
			break
		}
		p := &postings[i]
		p.n = int32(d.Varint())
		p.c = binenc.Slice[int32](d)
		p.seq = make([]int32, len(p.c))
		binenc.Array(d, p.seq)
	}
	closedBytes := binenc.Slice[uint8](d)
	open := binenc.Slice[int32](d)
	clusters := make([]*centroid, d.Count(16))
	if d.Err() == nil && len(clusters) != len(closedBytes) {
		d.Failf("%d clusters, %d closed flags", len(clusters), len(closedBytes))
	}
	for i := range clusters {
		if d.Err() != nil {
			break
		}
		n := d.Int()
		if n < 0 { // forgotten
			if !o.cfg.ForgetClosed || !closedBytesAt(closedBytes, i) {
				d.Failf("cluster %d forgotten by a clusterer that keeps its clusters, or while open", i)
			}
			continue
		}
		c := &centroid{n: n, first: d.Varint(), last: d.Varint(), lang: d.String()}
		for f := range NumFields {
			c.pruned[f] = d.Int()
			c.norm[f] = d.Float64()
			ft := &c.terms[f]
			ft.h = binenc.Slice[uint64](d)
			ft.tf = make([]float32, len(ft.h))
			ft.id = make([]int32, len(ft.h))
			binenc.Array(d, ft.tf)
			binenc.Array(d, ft.id)
		}
		clusters[i] = c
	}
	if err := d.Err(); err != nil {
		return err
	}
	closed := make([]bool, len(closedBytes))
	for i, b := range closedBytes {
		closed[i] = b != 0
	}
	o.n, o.now, o.sinceGC = n, now, sinceGC
	o.dfs, o.texts, o.postOf, o.postings = dfs, texts, postOf, postings
	o.clusters, o.closed, o.open = clusters, closed, open
	o.hits, o.touched, o.tfs = nil, nil, nil
	o.ln = nil
	o.ln.of(o.n + 1) // as Observe leaves it
	return nil
}

// WriteTo writes the Weigher's state to w in a compact binary encoding
// (ReadFrom reads it back): its parameters, item count, and every term's
// key and document frequency in the order of their dense ids.
func (wr *Weigher) WriteTo(w io.Writer) (int64, error) {
	return binenc.Encode(w, weigherTag, func(e *binenc.Writer) error {
		if err := e.JSON(wr.cfg); err != nil {
			return err
		}
		e.Int(wr.n)
		keys := make([]uint64, len(wr.dfs))
		for k, id := range wr.termID {
			keys[id] = k
		}
		binenc.PutSlice(e, keys)
		binenc.PutArray(e, wr.dfs)
		return nil
	})
}

// ReadFrom replaces wr's state with one written by WriteTo, which must
// have wr's parameters.
func (wr *Weigher) ReadFrom(r io.Reader) (int64, error) {
	return binenc.Decode(r, weigherTag, "a Weigher", func(d *binenc.Reader) error {
		d.CheckJSON(wr.cfg, "clusterer parameters")
		n := d.Int()
		keys := binenc.Slice[uint64](d)
		dfs := make([]int32, len(keys))
		binenc.Array(d, dfs)
		if err := d.Err(); err != nil {
			return err
		}
		termID := make(map[uint64]int32, len(keys))
		for id, k := range keys {
			termID[k] = int32(id)
		}
		if len(termID) != len(keys) {
			d.Failf("%d term keys, %d distinct", len(keys), len(termID))
			return d.Err()
		}
		wr.n, wr.termID, wr.dfs = n, termID, dfs
		wr.ln, wr.scratch = nil, nil
		return nil
	})
}
