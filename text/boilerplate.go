package text

import (
	"math"
	"slices"
	"strings"
)

// Boilerplate detection.
//
// Boilerplate ("SHARE THIS ARTICLE", "Leave a Comment", licence footers,
// share widgets, alternate-address notices) is found from the corpus itself:
// it is a line that recurs verbatim (after folding) in many articles whose
// other content differs. The second condition matters: a syndicated wire
// story reprinted by fifty outlets repeats every one of its lines fifty
// times, yet none of them is boilerplate — its copies share their other
// lines too.
//
// Rule (parameters in BoilerplateConfig):
//
//	a line L is boilerplate  ⇔  n(L) ≥ MinDocs  and  d(L) ≥ min(MinDiversity·n(L), DiversityCap)
//
// where n(L) is the number of articles holding L and d(L) estimates how many
// distinct contexts L appeared in. The context of L in an article is the
// smallest line hash among the article's other lines (a one-permutation
// MinHash of the rest of the article), leaving out lines that already
// satisfy the rule: copies of one story agree on it whatever furniture
// their outlets add, unrelated articles almost never do. d(L) is estimated by linear counting
// in a 64-bit bitmap per line (exact enough up to a few dozen contexts,
// which is all the rule needs thanks to DiversityCap).
//
// Memory: a line's first occurrence only sets one bit in a fixed bitset
// (seenBits); only lines seen at least twice get a map entry (16 bytes of
// payload), so the map holds repeated lines only. The first occurrence is
// counted (n+1) and assumed to have a context of its own. A bitset false
// positive can make a line's first occurrence count twice; with 2^27 bits
// and tens of millions of lines this affects well under 1% of lines and
// only ever by one.
//
// Lines are fed in corpus order by one goroutine (Add), so the result is
// deterministic.

// BoilerplateConfig holds the detection parameters.
type BoilerplateConfig struct {
	// MinDocs is the number of articles a line must occur in. Default 5:
	// an outlet's widget lines reach it within a handful of its articles.
	MinDocs int
	// MinDiversity is the fraction of those articles whose other content
	// must differ. Default 0.5.
	MinDiversity float64
	// DiversityCap caps the number of distinct contexts required, so that
	// a line in 10,000 articles needs 24 distinct contexts, not 5,000.
	DiversityCap int
	// MaxTokens excludes long lines (whole paragraphs) from being declared
	// boilerplate; 0 means no limit. Default 40: page furniture is short
	// (the longest in the seeds, Mehr's licence footer, has 17 tokens),
	// while a long paragraph recurring in differently edited copies of a
	// much-reprinted story must stay content. Measured on the generated
	// 100k corpus: without the cap 7,072 lines (mostly reprinted
	// paragraphs) were flagged and 842 articles emptied.
	MaxTokens int
}

// DefaultBoilerplateConfig returns the measured defaults.
func DefaultBoilerplateConfig() BoilerplateConfig {
	return BoilerplateConfig{MinDocs: 5, MinDiversity: 0.5, DiversityCap: 24, MaxTokens: 40}
}

const seenBitsLog2 = 27

type lineStat struct {
	n    uint32 // occurrences after the first
	ctx  uint64 // linear-counting bitmap of contexts
	toks uint32 // token count of the line
}

// Boilerplate accumulates line statistics over a corpus.
type Boilerplate struct {
	cfg   BoilerplateConfig
	seen  []uint64
	stats map[uint64]*lineStat
	texts map[uint64]string // display text of lines that reached MinDocs
	docs  int
	uniq  []uint64 // scratch: the article's distinct line hashes, sorted
	done  []bool   // scratch: uniq[i] already counted for this article
}

// NewBoilerplate returns an empty detector.
func NewBoilerplate(cfg BoilerplateConfig) *Boilerplate {
	if cfg.MinDocs < 2 {
		cfg.MinDocs = 2
	}
	return &Boilerplate{
		cfg:   cfg,
		seen:  make([]uint64, 1<<(seenBitsLog2-6)),
		stats: make(map[uint64]*lineStat),
		texts: make(map[uint64]string),
	}
}

// Add records the lines of one article (as produced by Doc.Tokenize on s).
func (b *Boilerplate) Add(s string, lines []Line) {
	b.docs++
	if len(lines) == 0 {
		return
	}
	u := b.uniq[:0]
	for _, l := range lines {
		u = append(u, l.Hash)
	}
	slices.Sort(u)
	u = slices.Compact(u)
	b.uniq = u
	// The two smallest distinct hashes among the lines not already
	// boilerplate by the rule give every line's context. Established
	// boilerplate (an outlet's widgets) is left out so that it cannot make
	// two copies of one story look like different articles; lines that are
	// merely frequent (a syndicated story's paragraphs) stay in, so the
	// copies keep agreeing on their context.
	m1, m2 := uint64(math.MaxUint64), uint64(math.MaxUint64)
	for _, h := range u {
		if st := b.stats[h]; st != nil && b.rule(st) {
			continue
		}
		if m1 == math.MaxUint64 {
			m1 = h
		} else {
			m2 = h
			break
		}
	}
	b.done = slices.Grow(b.done[:0], len(u))[:len(u)]
	clear(b.done)
	for _, l := range lines {
		h := l.Hash
		// Each distinct line counts once per article.
		idx, _ := slices.BinarySearch(u, h)
		if b.done[idx] {
			continue
		}
		b.done[idx] = true
		ctx := m1
		if h == m1 {
			ctx = m2
		}
		bit := uint64(1) << (mix64(ctx) & 63)
		st := b.stats[h]
		if st == nil {
			pos := mix64(h) >> (64 - seenBitsLog2)
			w, m := pos>>6, uint64(1)<<(pos&63)
			if b.seen[w]&m == 0 {
				b.seen[w] |= m
				continue
			}
			st = &lineStat{toks: uint32(l.N)}
			b.stats[h] = st
		}
		st.n++
		st.ctx |= bit
		if int(st.n)+1 == b.cfg.MinDocs {
			b.texts[h] = displayLine(s[l.Start:l.End])
		}
	}
}

func displayLine(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 300 {
		cut := 300
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// contexts estimates the number of distinct contexts of a line.
func (st *lineStat) contexts() float64 {
	z := 64 - popcount(st.ctx)
	if z == 0 {
		return math.Inf(1)
	}
	// +1: the first occurrence, never stored, is assumed to be distinct.
	return -64*math.Log(float64(z)/64) + 1
}

func popcount(x uint64) int {
	n := 0
	for x != 0 {
		x &= x - 1
		n++
	}
	return n
}

// rule applies the boilerplate rule to one line's statistics.
func (b *Boilerplate) rule(st *lineStat) bool {
	n := int(st.n) + 1
	if n < b.cfg.MinDocs {
		return false
	}
	if b.cfg.MaxTokens > 0 && int(st.toks) > b.cfg.MaxTokens {
		return false
	}
	need := math.Min(b.cfg.MinDiversity*float64(n), float64(b.cfg.DiversityCap))
	return st.contexts() >= need
}

// BoilerplateLine is one detected boilerplate line.
type BoilerplateLine struct {
	Hash     uint64 `json:"hash,string"`
	Text     string `json:"line"`
	Articles int    `json:"articles"`
	Contexts int    `json:"contexts"`
}

// BoilerplateSet is the result of detection: a set of line hashes.
type BoilerplateSet struct {
	set   map[uint64]struct{}
	Lines []BoilerplateLine // sorted by Articles descending, then Text
}

// Has reports whether a line hash is boilerplate. A nil set has no lines.
func (s *BoilerplateSet) Has(h uint64) bool {
	if s == nil {
		return false
	}
	_, ok := s.set[h]
	return ok
}

// Len returns the number of boilerplate lines.
func (s *BoilerplateSet) Len() int {
	if s == nil {
		return 0
	}
	return len(s.set)
}

// Docs returns the number of articles added so far.
func (b *Boilerplate) Docs() int { return b.docs }

// Set applies the rule to the statistics gathered so far. It can be called
// repeatedly (an online user calls it as the corpus grows).
func (b *Boilerplate) Set() *BoilerplateSet {
	out := &BoilerplateSet{set: make(map[uint64]struct{})}
	for h, st := range b.stats {
		if !b.rule(st) {
			continue
		}
		n := int(st.n) + 1
		d := st.contexts()
		out.set[h] = struct{}{}
		ctx := n
		if !math.IsInf(d, 1) && int(math.Round(d)) < n {
			ctx = int(math.Round(d))
		}
		out.Lines = append(out.Lines, BoilerplateLine{Hash: h, Text: b.texts[h], Articles: n, Contexts: ctx})
	}
	slices.SortFunc(out.Lines, func(a, b BoilerplateLine) int {
		if a.Articles != b.Articles {
			return b.Articles - a.Articles
		}
		if c := strings.Compare(a.Text, b.Text); c != 0 {
			return c
		}
		switch {
		case a.Hash < b.Hash:
			return -1
		case a.Hash > b.Hash:
			return 1
		}
		return 0
	})
	return out
}
