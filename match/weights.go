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
