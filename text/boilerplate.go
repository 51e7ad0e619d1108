package text

import (
	"cmp"
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
// The context of a line L in an article is the smallest line hash among the
// article's other long lines (a one-permutation MinHash of the rest of the
// article's paragraphs), leaving out lines that are established boilerplate. Copies of
// one story agree on it whenever that smallest line is one they share, so
// one context dominates the occurrences of their lines; a widget line on
// unrelated articles sees a different context almost every time. Rule
// (parameters in BoilerplateConfig):
//
//	L is boilerplate ⇔ n(L) ≥ MinDocs  and  share(L) ≤ MaxShare  and  tokens(L) ≤ MaxTokens
//
// where n(L) is the number of articles holding L and share(L) is the share
// of L's occurrences that carry its most frequent context. share is
// estimated with three counters holding the first three distinct contexts
// seen (a dominant context shows up among the first three with near
// certainty), so the estimate costs 40 bytes per repeated line whatever n.
//
// Memory: a line's first occurrence only sets one bit in a fixed bitset
// (seenBits); only lines seen at least twice get a map entry, so the map
// holds repeated lines only. The first occurrence counts in n but its
// context is not kept. A bitset false positive can make a line's first
// occurrence count twice; with 2^27 bits and tens of millions of lines this
// affects well under 1% of lines and only ever by one.
//
// Lines are fed in corpus order by one goroutine (Add), so the result is
// deterministic.

// BoilerplateConfig holds the detection parameters.
type BoilerplateConfig struct {
	// MinDocs is the number of articles a line must occur in. Default 5:
	// an outlet's widget lines reach it within a handful of its articles.
	MinDocs int `json:"min_docs"`
	// MaxShare is the largest share of the line's occurrences that may
	// carry one and the same context (i.e. come from copies of one story).
	// Default 0.5.
	MaxShare float64 `json:"max_share"`
	// MaxTokens excludes long lines (whole paragraphs) from being declared
	// boilerplate; 0 means no limit. Default 40: page furniture is short
	// (the longest in the seeds, Mehr's licence footer, has 17 tokens),
	// while a long paragraph recurring in differently edited copies of a
	// much-reprinted story must stay content. Measured on the generated
	// 100k corpus: without the cap 7,072 lines (mostly reprinted
	// paragraphs) were flagged and 842 articles emptied.
	MaxTokens int `json:"max_tokens"`
}

// DefaultBoilerplateConfig returns the measured defaults.
func DefaultBoilerplateConfig() BoilerplateConfig {
	return BoilerplateConfig{MinDocs: 5, MaxShare: 0.5, MaxTokens: 40}
}

const seenBitsLog2 = 27

// seenBit returns the word and mask of line hash h's first-sighting bit.
func seenBit(h uint64) (uint64, uint64) {
	pos := mix64(h) >> (64 - seenBitsLog2)
	return pos >> 6, 1 << (pos & 63)
}

// contextMinTokens: only lines this long take part in contexts. Page
// furniture is short and differs between outlets; paragraphs are long and
// are what copies of one story share.
const contextMinTokens = 8

type lineStat struct {
	n    uint32    // occurrences after the first
	toks uint32    // token count of the line
	ctx  [3]uint64 // the first three distinct contexts seen
	hits [3]uint32 // occurrences carrying each of them
}

// share returns the share of stored occurrences that carry the most
// frequent of the tracked contexts.
func (st *lineStat) share() float64 {
	top := max(st.hits[0], st.hits[1], st.hits[2])
	return float64(top) / float64(st.n)
}

func (st *lineStat) addContext(c uint64) {
	for k := range st.ctx {
		if st.hits[k] == 0 {
			st.ctx[k], st.hits[k] = c, 1
			return
		}
		if st.ctx[k] == c {
			st.hits[k]++
			return
		}
	}
}

// Boilerplate accumulates line statistics over a corpus.
type Boilerplate struct {
	cfg   BoilerplateConfig
	seen  []uint64
	stats map[uint64]*lineStat
	texts map[uint64]string // display text of lines that reached MinDocs
	docs  int
	uniq  []uint64    // scratch: the article's distinct line hashes, sorted
	sts   []*lineStat // scratch: stats of uniq[i] when the article came (nil: none)
	done  []bool      // scratch: uniq[i] already counted for this article
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
func (b *Boilerplate) Add(s string, lines []Line) { b.add(s, lines, false, nil) }

// AddChanged is Add, and appends to changed the hashes of the article's
// lines whose boilerplate state (Has) the article changed.
func (b *Boilerplate) AddChanged(s string, lines []Line, changed []uint64) []uint64 {
	return b.add(s, lines, true, changed)
}

func (b *Boilerplate) add(s string, lines []Line, track bool, changed []uint64) []uint64 {
	b.docs++
	if len(lines) == 0 {
		return changed
	}
	u := b.uniq[:0]
	for _, l := range lines {
		u = append(u, l.Hash)
	}
	slices.Sort(u)
	u = slices.Compact(u)
	b.uniq = u
	// Each distinct line's statistics, looked up once, and only for lines
	// seen before: statistics are made at a line's second sighting, so a
	// line whose bit is clear has none (most lines of a corpus are seen
	// once, and the bitset answers them without the map).
	b.sts = slices.Grow(b.sts[:0], len(u))[:len(u)]
	for k, h := range u {
		b.sts[k] = nil
		if w, m := seenBit(h); b.seen[w]&m != 0 {
			b.sts[k] = b.stats[h]
		}
	}
	// The two smallest distinct hashes among the article's long lines
	// (≥ contextMinTokens; all lines when there are not two long ones) that
	// are not established boilerplate give every line's context.
	m1, m2 := uint64(math.MaxUint64), uint64(math.MaxUint64)
	for pass := 0; pass < 2 && m2 == math.MaxUint64; pass++ {
		m1, m2 = math.MaxUint64, math.MaxUint64
		for _, l := range lines {
			h := l.Hash
			if h >= m2 || h == m1 || (pass == 0 && l.N < contextMinTokens) {
				continue
			}
			if k, _ := slices.BinarySearch(u, h); b.sts[k] != nil && b.established(b.sts[k]) {
				continue
			}
			if h < m1 {
				m1, m2 = h, m1
			} else {
				m2 = h
			}
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
		st := b.sts[idx]
		if st == nil {
			w, m := seenBit(h)
			if b.seen[w]&m == 0 {
				b.seen[w] |= m
				continue
			}
			if b.cfg.MaxTokens > 0 && l.N > b.cfg.MaxTokens {
				// A line too long to be boilerplate: no rule ever asks
				// for its statistics (rule, established), so none are
				// kept — most of them are the paragraphs copies share.
				// Its first sighting still marks the bit set, which
				// other lines share.
				continue
			}
			st = &lineStat{toks: uint32(l.N)}
			b.stats[h] = st
		}
		was := track && b.rule(st)
		st.n++
		st.addContext(ctx)
		if int(st.n)+1 == b.cfg.MinDocs {
			b.texts[h] = Clip(strings.TrimSpace(s[l.Start:l.End]), 300)
		}
		if track && b.rule(st) != was {
			changed = append(changed, h)
		}
	}
	return changed
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
	return st.share() <= b.cfg.MaxShare
}

// established is the stricter test for leaving a line out of contexts:
// twice MinDocs articles, and a dominant context of at most 0.25. A
// syndicated story's line, whose copies agree on their context most of the
// time, never gets there; an outlet's widget line gets there within a few
// dozen articles. The margin keeps noise at small counts from starting a
// feedback loop (a line left out of contexts makes the articles holding it
// look more diverse).
func (b *Boilerplate) established(st *lineStat) bool {
	n := int(st.n) + 1
	if n < 2*b.cfg.MinDocs || (b.cfg.MaxTokens > 0 && int(st.toks) > b.cfg.MaxTokens) {
		return false
	}
	return st.share() <= b.cfg.MaxShare/2
}

// BoilerplateLine is one detected boilerplate line.
type BoilerplateLine struct {
	Hash     uint64 `json:"hash,string"`
	Text     string `json:"line"`
	Articles int    `json:"articles"`
	// Share is the share of its occurrences that carry its most frequent
	// context (low: unrelated articles; high: copies of one story).
	Share float64 `json:"dominant_context_share"`
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

// Has reports whether line hash h is boilerplate by the statistics
// gathered so far: Set().Has(h) without building the set (for a service
// that asks as articles arrive).
func (b *Boilerplate) Has(h uint64) bool {
	st := b.stats[h]
	return st != nil && b.rule(st)
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
		out.set[h] = struct{}{}
		out.Lines = append(out.Lines, BoilerplateLine{Hash: h, Text: b.texts[h], Articles: int(st.n) + 1, Share: math.Round(st.share()*1000) / 1000})
	}
	slices.SortFunc(out.Lines, func(a, b BoilerplateLine) int {
		if a.Articles != b.Articles {
			return b.Articles - a.Articles
		}
		if c := strings.Compare(a.Text, b.Text); c != 0 {
			return c
		}
		return cmp.Compare(a.Hash, b.Hash)
	})
	return out
}
