package engine

import "github.com/reprint-news/reprint/text"

// Boilerplate as of an article, for text reuse.
//
// The dedup stage adds every article's lines to the boilerplate
// statistics (Live.bp) as it takes the article in; in a pipelined batch it
// runs ahead of the write stage, where text reuse leaves boilerplate lines
// out. For the relations not to depend on how far ahead it ran, the write
// stage asks what was boilerplate as of the article it writes: whether a
// line is boilerplate changes only when an article holding that line is
// added, so the dedup stage journals every such change with the article's
// sequence number (text.Boilerplate.AddChanged names them), and a line's
// state as of article n is the state before its first change by a later
// article (or its state now). The write stage drops the changes it has
// passed. A pipelined batch and the same articles
// one by one then leave out the same lines.

// boilerFlip is a change of a line's boilerplate state by article seq.
type boilerFlip struct {
	seq uint64
	has bool // the state from seq on
}

// boilerJournal holds the changes the write stage has not passed yet
// (guarded by Live.rmu).
type boilerJournal struct {
	flips   map[uint64][]boilerFlip // by line hash, in seq order
	order   []boilerRef             // every change, in seq order
	changed []uint64                // scratch for add
}

type boilerRef struct {
	seq  uint64
	line uint64
}

// add adds article seq's lines (text s) to bp and journals the lines
// whose state changed.
func (j *boilerJournal) add(bp *text.Boilerplate, seq uint64, s string, lines []text.Line) {
	j.changed = bp.AddChanged(s, lines, j.changed[:0])
	for _, h := range j.changed {
		if j.flips == nil {
			j.flips = map[uint64][]boilerFlip{}
		}
		j.flips[h] = append(j.flips[h], boilerFlip{seq: seq, has: bp.Has(h)})
		j.order = append(j.order, boilerRef{seq: seq, line: h})
	}
}

// has reports whether line h was boilerplate as of article n (after its
// lines were added), bp being the statistics now.
func (j *boilerJournal) has(bp *text.Boilerplate, n uint64, h uint64) bool {
	for _, f := range j.flips[h] {
		if f.seq > n {
			return !f.has
		}
	}
	return bp.Has(h)
}

// passed drops the changes by articles up to n (written).
func (j *boilerJournal) passed(n uint64) {
	k := 0
	for k < len(j.order) && j.order[k].seq <= n {
		r := j.order[k]
		if fs := j.flips[r.line]; len(fs) <= 1 {
			delete(j.flips, r.line)
		} else {
			j.flips[r.line] = fs[1:]
		}
		k++
	}
	j.order = j.order[k:]
	if len(j.order) == 0 {
		j.order = nil
	}
}

// reset forgets every change (the statistics are rebuilt).
func (j *boilerJournal) reset() { j.flips, j.order = nil, nil }
