// Package wordnet reads the WordNet lexical database (Princeton WordNet
// 3.0 as Debian's wordnet-base package installs it, /usr/share/wordnet)
// into synonym sets keyed by word stem, so that sentence alignment can
// tell that "denied" and "rejected", or "ties" and "connections", may say
// the same thing.
//
// Only single-word lemmas are read, from the four data files
// (data.noun, data.verb, data.adj, data.adv). Each lemma is folded and
// stemmed as the text package stems English words (text.Words), so the
// lookup key is the stem hash the aligner already has. A stem maps to the
// sorted ids of every synset any of its lemmas belongs to (polysemy
// included: two words are synonyms when they share any sense).
//
// The database is optional: Load returns ErrMissing when the files are
// absent, and reprint then compares words by stem alone. It is never
// fetched at run time; .ci/run installs the package.
package wordnet

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/kljensen/snowball/english"

	"github.com/reprint-news/reprint/text"
)

// DefaultDir is where Debian's wordnet-base installs the database.
const DefaultDir = "/usr/share/wordnet"

// ErrMissing is returned when the database files are not installed.
var ErrMissing = errors.New("WordNet database not found")

// maxSenses bounds the synsets kept per stem: the commonest words
// ("take", "run", "set") have dozens of senses, and sharing one of them
// says little. Senses are listed most frequent first in WordNet's data
// order only per file, so the bound keeps the first senses of each part
// of speech.
const maxSenses = 16

// Synonyms maps word stems to their synsets: an open-addressed table of
// stems (linear probing) whose slots point into one array of synset ids,
// so that a lookup — one per distinct word of every sentence text reuse
// prepares — reads one slot and its ids instead of a map's groups.
type Synonyms struct {
	slots []senseSlot
	ids   []uint32
	mask  uint32
	n     int
}

// senseSlot is one stem's synset ids, ids[off:off+n]; n is 0 in an empty
// slot (a stem has at least one).
type senseSlot struct {
	stem, off, n uint32
}

// Load reads the database in dir.
func Load(dir string) (*Synonyms, error) {
	sets, err := readSets(dir)
	if err != nil {
		return nil, err
	}
	return newSynonyms(sets), nil
}

// readSets reads the database in dir as each stem's synset ids, in file
// order, repeats included.
func readSets(dir string) (map[uint32][]uint32, error) {
	sets := map[uint32][]uint32{}
	pos := []string{"noun", "verb", "adj", "adv"}
	for pi, p := range pos {
		path := filepath.Join(dir, "data."+p)
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrMissing, path)
		} else if err != nil {
			return nil, err
		}
		err = read(sets, f, uint32(pi))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
	}
	return sets, nil
}

// newSynonyms makes the table of sets: each stem's ids sorted, unique and
// cut to maxSenses.
func newSynonyms(sets map[uint32][]uint32) *Synonyms {
	size := 16
	for size < 2*len(sets) {
		size *= 2
	}
	s := &Synonyms{slots: make([]senseSlot, size), mask: uint32(size - 1), n: len(sets)}
	for stem, v := range sets {
		slices.Sort(v)
		v = slices.Compact(v)
		if len(v) > maxSenses {
			v = v[:maxSenses]
		}
		s.slots[s.slot(stem)] = senseSlot{stem: stem, off: uint32(len(s.ids)), n: uint32(len(v))}
		s.ids = append(s.ids, v...)
	}
	return s
}

// slot returns the slot of stem: its own, or the empty one where it
// would go.
func (s *Synonyms) slot(stem uint32) uint32 {
	i := (stem * 0x9e3779b1) & s.mask
	for s.slots[i].n != 0 && s.slots[i].stem != stem {
		i = (i + 1) & s.mask
	}
	return i
}

// read reads one data file into sets; pos (0–3) is folded into the
// synset ids.
func read(sets map[uint32][]uint32, f *os.File, pos uint32) error {
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "  ") { // the licence header
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 6 {
			continue
		}
		off, err := strconv.ParseUint(fields[0], 10, 32)
		if err != nil {
			return fmt.Errorf("synset offset %q", fields[0])
		}
		n, err := strconv.ParseUint(fields[3], 16, 8)
		if err != nil || 4+2*int(n) > len(fields) {
			return fmt.Errorf("synset %s: word count %q", fields[0], fields[3])
		}
		id := uint32(off)<<2 | pos
		for k := 0; k < int(n); k++ {
			w := fields[4+2*k]
			if strings.ContainsAny(w, "_-.'") {
				continue // multi-word lemmas and abbreviations
			}
			if i := strings.IndexByte(w, '('); i >= 0 { // adjective markers: "big(a)"
				w = w[:i]
			}
			w = strings.ToLower(w)
			key := text.HashWord(english.Stem(w, true))
			sets[key] = append(sets[key], id)
		}
	}
	return sc.Err()
}

// Senses returns the synset ids of a stem (sorted), nil when unknown.
func (s *Synonyms) Senses(stem uint32) []uint32 {
	if s == nil {
		return nil
	}
	e := s.slots[s.slot(stem)]
	if e.n == 0 {
		return nil
	}
	return s.ids[e.off : e.off+e.n : e.off+e.n]
}

// Len returns the number of stems with senses.
func (s *Synonyms) Len() int { return s.n }

var (
	defaultOnce sync.Once
	defaultSyn  *Synonyms
	defaultErr  error
)

// Default returns the database from DefaultDir (or $REPRINT_WORDNET),
// loaded once; nil and the error when it cannot be loaded.
func Default() (*Synonyms, error) {
	defaultOnce.Do(func() {
		dir := os.Getenv("REPRINT_WORDNET")
		if dir == "" {
			dir = DefaultDir
		}
		defaultSyn, defaultErr = Load(dir)
	})
	return defaultSyn, defaultErr
}
