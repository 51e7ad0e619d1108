package postings

import (
	"fmt"
	"io"

	"github.com/reprint-news/reprint/internal/binenc"
)

// Generations is a search index over a sliding window of article numbers:
// the articles are held in generations of step numbers each (generation
// k holds the numbers from k·step to (k+1)·step − 1, an Index of its own),
// so that Drop frees everything below a generation's end at once, without
// visiting the words of the articles that leave. Search asks the
// generations newest first. With step 0 there is one generation, and
// Generations is a plain Index (its encoding included).
type Generations struct {
	step uint64
	gens []generation // oldest first
}

type generation struct {
	first uint64 // its lowest number: a multiple of step
	x     *Index
}

// NewGenerations returns an empty index of generations of step numbers
// (0: one generation, for every number).
func NewGenerations(step uint64) *Generations {
	g := &Generations{step: step}
	if step == 0 {
		g.gens = []generation{{first: 0, x: New()}}
	}
	return g
}

// Add records that article seq holds words, in seq's generation (numbers
// ascend from one Add to the next, as for Index.Add).
func (g *Generations) Add(seq uint64, words []uint32) error {
	first := uint64(0)
	if g.step > 0 {
		first = seq - seq%g.step
	}
	if n := len(g.gens); n == 0 || g.gens[n-1].first < first {
		g.gens = append(g.gens, generation{first: first, x: New()})
	} else if g.gens[n-1].first > first {
		return fmt.Errorf("postings: article %d added after generation %d", seq, g.gens[n-1].first)
	}
	return g.gens[len(g.gens)-1].x.Add(seq, words)
}

// of returns the generation that would hold seq (nil: none).
func (g *Generations) of(seq uint64) *Index {
	for i := len(g.gens) - 1; i >= 0; i-- {
		if g.gens[i].first <= seq {
			if g.step == 0 || seq < g.gens[i].first+g.step {
				return g.gens[i].x
			}
			return nil
		}
	}
	return nil
}

// Remove takes article seq out of the lists of words (Index.Remove).
func (g *Generations) Remove(seq uint64, words []uint32) int {
	if x := g.of(seq); x != nil {
		return x.Remove(seq, words)
	}
	return 0
}

// Drop frees the generations that lie wholly below below and returns how
// many postings they held.
func (g *Generations) Drop(below uint64) int {
	if g.step == 0 {
		return 0
	}
	n, dropped := 0, 0
	for n < len(g.gens) && g.gens[n].first+g.step <= below {
		dropped += g.gens[n].x.Len()
		n++
	}
	if n > 0 {
		g.gens = append(g.gens[:0:0], g.gens[n:]...)
	}
	return dropped
}

// Search calls yield with the numbers of the articles holding every one
// of words, highest (newest) first, until yield returns false
// (Index.Search, asked of each generation, newest first; scan bounds the
// articles looked at in each).
func (g *Generations) Search(words []uint32, scan int, yield func(seq uint64) bool) {
	more := true
	for i := len(g.gens) - 1; i >= 0 && more; i-- {
		g.gens[i].x.Search(words, scan, func(seq uint64) bool {
			more = yield(seq)
			return more
		})
	}
}

// Compact gives back the growth room of every generation (Index.Compact).
func (g *Generations) Compact() {
	for _, gen := range g.gens {
		gen.x.Compact()
	}
}

// Len returns the number of postings held.
func (g *Generations) Len() int {
	n := 0
	for _, gen := range g.gens {
		n += gen.x.Len()
	}
	return n
}

// Bytes returns about the memory the generations hold.
func (g *Generations) Bytes() int64 {
	n := int64(0)
	for _, gen := range g.gens {
		n += gen.x.Bytes()
	}
	return n
}

// generationsTag opens the encoding of generations of a step over 0.
const generationsTag = "postings.Generations/1"

// WriteTo writes the index: with step 0, its one generation as
// Index.WriteTo writes it; else the step and every generation.
func (g *Generations) WriteTo(w io.Writer) (int64, error) {
	if g.step == 0 {
		return g.single().WriteTo(w)
	}
	return binenc.Encode(w, generationsTag, func(e *binenc.Writer) error {
		e.Uvarint(g.step)
		e.Uvarint(uint64(len(g.gens)))
		for _, gen := range g.gens {
			e.Uvarint(gen.first)
			if err := gen.x.encode(e); err != nil {
				return err
			}
		}
		return nil
	})
}

// single returns the one generation of step 0.
func (g *Generations) single() *Index { return g.gens[0].x }

// ReadFrom replaces g's content with an index written by WriteTo with g's
// step.
func (g *Generations) ReadFrom(r io.Reader) (int64, error) {
	if g.step == 0 {
		return g.single().ReadFrom(r)
	}
	return binenc.Decode(r, generationsTag, "a search index of generations", func(d *binenc.Reader) error {
		step := d.Uvarint()
		if d.Err() == nil && step != g.step {
			d.Failf("generations of %d numbers; want %d", step, g.step)
		}
		gens := make([]generation, d.Count(1))
		for i := range gens {
			if d.Err() != nil {
				break
			}
			gens[i] = generation{first: d.Uvarint(), x: New()}
			if d.Err() == nil && (gens[i].first%step != 0 || i > 0 && gens[i].first <= gens[i-1].first) {
				d.Failf("generation %d starts at %d", i, gens[i].first)
			}
			if err := gens[i].x.decode(d); err != nil {
				return err
			}
		}
		if err := d.Err(); err != nil {
			return err
		}
		g.gens = gens
		return nil
	})
}
