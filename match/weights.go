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

// Add counts one document by its words (scratch may be nil; it is
// returned for reuse).
func (d *DocFreq) Add(words []text.Word, scratch []uint32) []uint32 {
	s := text.DistinctStems(scratch[:0], words)
	d.AddStems(s)
	return s
}

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

// Docs returns the number of documents counted.
func (d *DocFreq) Docs() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.n
}

// IDFs puts the weight of every word's stem into out (stop words too),
// under one lock.
func (d *DocFreq) IDFs(words []text.Word, out []float64) {
	// Stop words weigh nothing in a sentence's bag: not looked up.
	d.mu.RLock()
	n := float64(d.n)
	for i, w := range words {
		if w.Kind != text.Stop {
			out[i] = float64(d.df[w.Stem])
		}
	}
	d.mu.RUnlock()
	if d.bg != nil {
		n += float64(d.bg.n)
		for i, w := range words {
			if w.Kind != text.Stop {
				out[i] += float64(d.bg.df(w.Stem))
			}
		}
	}
	for i, w := range words {
		if w.Kind != text.Stop {
			out[i] = idf(out[i], n)
		}
	}
}

// IDF returns the weight of a stem.
func (d *DocFreq) IDF(stem uint32) float64 {
	d.mu.RLock()
	df, n := float64(d.df[stem]), float64(d.n)
	d.mu.RUnlock()
	if d.bg != nil {
		df += float64(d.bg.df(stem))
		n += float64(d.bg.n)
	}
	return idf(df, n)
}
