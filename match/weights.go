package match

import (
	"sync"

	"github.com/reprint-news/reprint/text"
)

// DocFreq counts in how many documents each stem occurs, and weighs stems
// by their smoothed inverse document frequency, ln((N+1)/(df+0.5)), over
// the documents counted here and a background table (Background) that
// stands in for the corpus until it is large: a comparison of two texts
// alone still knows that "the" and "said" are common and "Kanaani" is
// not. It is safe for concurrent use.
type DocFreq struct {
	mu sync.RWMutex
	n  int
	df map[uint32]uint32
	bg *background
}

// NewDocFreq returns an empty table over the background of language lang
// (nil background for languages without one).
func NewDocFreq(lang string) *DocFreq {
	return &DocFreq{df: map[uint32]uint32{}, bg: backgroundOf(lang)}
}

// Add counts one document by its words.
func (d *DocFreq) Add(words []text.Word) { d.AddStems(text.DistinctStems(nil, words)) }

// AddStems counts one document by its distinct stems (sorted or not, no
// repeats).
func (d *DocFreq) AddStems(stems []uint32) {
	d.mu.Lock()
	d.n++
	for _, x := range stems {
		d.df[x]++
	}
	d.mu.Unlock()
}

// IDFs puts the weight of every word that is not a stop word into out,
// under one lock (Weights).
func (d *DocFreq) IDFs(words []text.Word, out []float64) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	n := d.docs()
	for i, w := range words {
		if w.Kind != text.Stop {
			out[i] = idf(d.count(w.Stem), n)
		}
	}
}

// docs is the number of documents counted, the background's included
// (the caller holds mu).
func (d *DocFreq) docs() float64 {
	n := float64(d.n)
	if d.bg != nil {
		n += float64(d.bg.n)
	}
	return n
}

// count is the number of documents stem s occurs in, the background's
// included (the caller holds mu).
func (d *DocFreq) count(s uint32) float64 {
	c := float64(d.df[s])
	if d.bg != nil {
		c += float64(d.bg.df(s))
	}
	return c
}

// SealedFrozen returns the weights of d as they are now, each kept to
// IDFQuantum as Text.Freeze keeps it, in a read-only table made for
// lookups: one probe of an open-addressed array per word instead of two
// map lookups and a logarithm. A text prepared with it is the text
// prepared with what Freeze would take from d, without freezing it
// first, for as long as d does not change. For runs whose counts are
// final and that keep no prepared text for later (the batch run's
// relations, compare --pairs).
func (d *DocFreq) SealedFrozen() Weights {
	keep := func(w float64) float64 { return float64(quantizeIDF(w)) * IDFQuantum }
	d.mu.RLock()
	defer d.mu.RUnlock()
	n := d.docs()
	stems := make([]uint32, 0, len(d.df))
	for s := range d.df {
		stems = append(stems, s)
	}
	if d.bg != nil {
		for s := range d.bg.m {
			if _, ok := d.df[s]; !ok {
				stems = append(stems, s)
			}
		}
	}
	size := 16
	for size < 2*len(stems) {
		size *= 2
	}
	t := &sealedWeights{e: make([]sealedEntry, size), mask: uint32(size - 1)}
	for _, s := range stems {
		t.e[t.slot(s)] = sealedEntry{idf: keep(idf(d.count(s), n)), stem: s, used: true}
	}
	t.unseen = keep(idf(0, n))
	return t
}

// sealedWeights is an open-addressed table of the weights of the stems a
// DocFreq has seen (DocFreq.SealedFrozen); any other stem weighs unseen.
type sealedWeights struct {
	e      []sealedEntry
	mask   uint32
	unseen float64
}

// sealedEntry is one slot: a stem and its weight (16 bytes, so that a
// probe reads one cache line).
type sealedEntry struct {
	idf  float64
	stem uint32
	used bool
}

// slot returns the slot of stem s: its own, or the empty one where it
// would go (linear probing from a mixed hash).
func (t *sealedWeights) slot(s uint32) uint32 {
	i := (s * 0x9e3779b1) & t.mask
	for t.e[i].used && t.e[i].stem != s {
		i = (i + 1) & t.mask
	}
	return i
}

func (t *sealedWeights) IDFs(words []text.Word, out []float64) {
	for i, w := range words {
		if w.Kind == text.Stop {
			continue
		}
		if e := &t.e[t.slot(w.Stem)]; e.used {
			out[i] = e.idf
		} else {
			out[i] = t.unseen
		}
	}
}
