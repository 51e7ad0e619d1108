package match

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"github.com/reprint-news/reprint/text"
)

// Frozen is what preparing one text takes from the corpus at that moment:
// the weight of each of its distinct stems and which of its lines are
// boilerplate. Text.Freeze takes it from an Env; Frozen.Env gives it back,
// so that the text can be prepared again later — after a restart, on
// another process — exactly as it was the first time, whatever the corpus
// statistics have become since. Weights are kept to 1/1024 (IDFQuantum),
// and the first preparation uses the kept values too.
type Frozen struct {
	// Weighted is false when the Env had no weights (every word weighs 1).
	Weighted bool
	// Stems are the text's distinct stems that are not stop words, sorted,
	// and IDF their weights in units of IDFQuantum.
	Stems []uint32
	IDF   []uint16
	// Boiler are the hashes of the text's boilerplate lines, sorted.
	Boiler []uint64
}

// IDFQuantum is the unit a frozen weight is kept in.
const IDFQuantum = 1.0 / 1024

// Freeze takes from env what preparing t needs (not Senses, which do not
// change).
func (t *Text) Freeze(env Env) Frozen {
	var f Frozen
	if env.Boiler != nil {
		for _, ln := range t.lines {
			if env.Boiler(ln.Hash) {
				f.Boiler = append(f.Boiler, ln.Hash)
			}
		}
		slices.Sort(f.Boiler)
		f.Boiler = slices.Compact(f.Boiler)
	}
	if env.Weights == nil {
		return f
	}
	f.Weighted = true
	f.Stems = text.DistinctStems(nil, t.words)
	words := make([]text.Word, len(f.Stems))
	for i, s := range f.Stems {
		words[i] = text.Word{Stem: s, Kind: text.Content}
	}
	idfs := make([]float64, len(words))
	env.Weights.IDFs(words, idfs)
	f.IDF = make([]uint16, len(idfs))
	for i, w := range idfs {
		f.IDF[i] = quantizeIDF(w)
	}
	return f
}

// quantizeIDF is weight w in units of IDFQuantum, as a Frozen keeps it.
func quantizeIDF(w float64) uint16 {
	return uint16(min(math.Round(max(w, 0)/IDFQuantum), math.MaxUint16))
}

// Env is the environment f was frozen from, with word senses senses.
func (f *Frozen) Env(senses func(uint32) []uint32) Env {
	env := Env{Senses: senses}
	if f.Weighted {
		env.Weights = frozenWeights{f}
	}
	if len(f.Boiler) > 0 {
		env.Boiler = func(h uint64) bool {
			_, ok := slices.BinarySearch(f.Boiler, h)
			return ok
		}
	}
	return env
}

type frozenWeights struct{ f *Frozen }

func (w frozenWeights) IDFs(words []text.Word, out []float64) {
	for i, wd := range words {
		if wd.Kind == text.Stop {
			continue
		}
		if k, ok := slices.BinarySearch(w.f.Stems, wd.Stem); ok {
			out[i] = float64(w.f.IDF[k]) * IDFQuantum
		}
	}
}

// MarshalBinary packs f: a flags byte, the boilerplate line hashes, then
// each stem (as the difference from the one before, a uvarint) with its
// weight (2 bytes).
func (f *Frozen) MarshalBinary() ([]byte, error) {
	out := make([]byte, 0, 1+binary.MaxVarintLen64*(1+len(f.Boiler))+len(f.Stems)*5)
	flags := byte(0)
	if f.Weighted {
		flags = 1
	}
	out = append(out, flags)
	out = binary.AppendUvarint(out, uint64(len(f.Boiler)))
	for _, h := range f.Boiler {
		out = binary.LittleEndian.AppendUint64(out, h)
	}
	prev := uint32(0)
	for i, s := range f.Stems {
		out = binary.AppendUvarint(out, uint64(s-prev))
		out = binary.LittleEndian.AppendUint16(out, f.IDF[i])
		prev = s
	}
	return out, nil
}

var errFrozen = errors.New("match: malformed frozen environment")

// UnmarshalBinary reads what MarshalBinary wrote.
func (f *Frozen) UnmarshalBinary(b []byte) error {
	*f = Frozen{}
	if len(b) < 1 || b[0] > 1 {
		return errFrozen
	}
	f.Weighted = b[0] == 1
	b = b[1:]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b))/8 {
		return errFrozen
	}
	b = b[k:]
	for range n {
		f.Boiler = append(f.Boiler, binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	prev := uint32(0)
	for len(b) > 0 {
		d, k := binary.Uvarint(b)
		if k <= 0 || len(b) < k+2 || d > math.MaxUint32 {
			return errFrozen
		}
		prev += uint32(d)
		f.Stems = append(f.Stems, prev)
		f.IDF = append(f.IDF, binary.LittleEndian.Uint16(b[k:]))
		b = b[k+2:]
	}
	return nil
}
