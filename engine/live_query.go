package engine

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/store"
	"github.com/reprint-news/reprint/text"
)

// Reads of the live engine: search, story lists, a story's articles, a
// storyline's stories. Reads take no lock on the store: each record is
// read as it is in the store (an article's records are written in one
// batch, so a read never sees half an article). Search asks the in-memory
// search index under the engine's lock, for a moment, and then reads the
// records without it.

// searchBodyTerms is how many of an article's most frequent body terms
// its search postings hold, besides every title word and name.
const searchBodyTerms = 8

// searchWords returns the folded word hashes an article is found by:
// the words of its title, of its names and of its searchBodyTerms most
// frequent body terms (features f), each once, sorted.
func searchWords(f *text.Features, title string) []uint32 {
	var d text.Doc
	var out []uint32
	addWords := func(s string) {
		d.Tokenize(s)
		out = d.Hashes(out)
	}
	addWords(title)
	for _, t := range f.Ent {
		addWords(t.Text)
	}
	for _, t := range topBodyTerms(f.Body, searchBodyTerms) {
		addWords(t.Text)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// topBodyTerms returns the k most frequent of terms (ties: the first text
// in byte order), in no particular order: one pass keeping the k best.
func topBodyTerms(terms []text.Term, k int) []text.Term {
	before := func(a, b text.Term) bool { return a.TF > b.TF || a.TF == b.TF && a.Text < b.Text }
	top := make([]text.Term, 0, k)
	w := 0 // the worst kept term, once top is full
	worst := func() {
		w = 0
		for i := 1; i < len(top); i++ {
			if before(top[w], top[i]) {
				w = i
			}
		}
	}
	for _, t := range terms {
		if len(top) < k {
			if top = append(top, t); len(top) == k {
				worst()
			}
			continue
		}
		if before(t, top[w]) {
			top[w] = t
			worst()
		}
	}
	return top
}

// searchScanCap bounds the postings a search looks at (of its rarest
// word).
const searchScanCap = 200_000

// Search returns up to limit stored articles, newest first, found by
// every word of q (a word matches an article's title words, names and
// most frequent body terms, case- and accent-insensitively).
func (l *Live) Search(q string, limit int) ([]*LiveArticle, error) {
	var d text.Doc
	d.Tokenize(q)
	words := slices.Compact(slices.Sorted(slices.Values(d.Hashes(nil))))
	if len(words) == 0 || limit <= 0 {
		return nil, nil
	}
	var seqs []uint64
	l.rmu.RLock()
	l.words.Search(words, searchScanCap, func(seq uint64) bool {
		seqs = append(seqs, seq)
		return len(seqs) < limit
	})
	l.rmu.RUnlock()
	out := make([]*LiveArticle, 0, len(seqs))
	for _, seq := range seqs {
		a, err := l.bySeq(seq)
		if errors.Is(err, store.ErrNotFound) { // deleted since
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// errEndScan, returned by collect's get, ends the scan.
var errEndScan = errors.New("end of scan")

// collect scans the keys under prefix (reverse: from the last), reads the
// number that ends each key (a sequence number, a story number) and
// returns what get makes of it, up to limit (≤ 0: all). A key whose record
// get does not find (store.ErrNotFound: deleted since the scan began, or
// not wanted) is passed over; errEndScan from get ends the scan.
func collect[T any](st *store.Store, prefix []byte, reverse bool, limit int, get func(n uint64) (T, error)) ([]T, error) {
	var out []T
	visit := func(k, _ []byte) error {
		v, err := get(binary.BigEndian.Uint64(k[len(k)-8:]))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		out = append(out, v)
		if len(out) == limit {
			return errEndScan
		}
		return nil
	}
	var err error
	if reverse {
		err = st.ScanReverse(prefix, store.PrefixEnd(prefix), visit)
	} else {
		err = st.Scan(prefix, store.PrefixEnd(prefix), visit)
	}
	if err != nil && !errors.Is(err, errEndScan) {
		return nil, err
	}
	return out, nil
}

// StoryQuery selects stories for Stories.
type StoryQuery struct {
	// Sort is "recent" (newest Updated first, the default) or "size"
	// (most articles first).
	Sort string
	// From and To keep the stories whose span meets [From, To] (zero: no
	// bound).
	From, To time.Time
	// Source keeps the stories with an article from this outlet (exact,
	// case-insensitive); Term the stories with this word in their
	// headline or terms (case-insensitive).
	Source, Term string
	// Limit is the page size; Cursor continues a listing (Stories'
	// next).
	Limit  int
	Cursor string
}

// storiesScanCap bounds the stories one page reads when filters reject
// most of them; the page then ends early with a cursor to go on.
const storiesScanCap = 20_000

// ErrBadCursor is returned for a cursor Stories did not give.
var ErrBadCursor = errors.New("bad cursor")

// Stories returns a page of stories and the cursor of the next page ("":
// no more).
func (l *Live) Stories(q StoryQuery) ([]*LiveStory, string, error) {
	prefix := livePrefixStoryTime
	if q.Sort == "size" {
		prefix = livePrefixStorySize
	} else if q.Sort != "" && q.Sort != "recent" {
		return nil, "", fmt.Errorf("sort %q: want recent or size", q.Sort)
	}
	lower, upper := []byte(prefix), store.PrefixEnd([]byte(prefix))
	if q.Cursor != "" {
		c, err := hex.DecodeString(q.Cursor)
		if err != nil || !bytes.HasPrefix(c, lower) {
			return nil, "", ErrBadCursor
		}
		upper = c // exclusive: the cursor is the last key given
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	source, term := strings.ToLower(q.Source), strings.ToLower(q.Term)
	var out []*LiveStory
	next := ""
	scanned := 0
	errStop := errors.New("stop")
	err := l.st.ScanReverse(lower, upper, func(k, _ []byte) error {
		num := binary.BigEndian.Uint64(k[len(k)-8:])
		if prefix == livePrefixStoryTime && !q.From.IsZero() && int64(binary.BigEndian.Uint64(k[len(prefix):])) < q.From.Unix() {
			return errStop // every later one was updated before From
		}
		if scanned++; scanned > storiesScanCap {
			next = hex.EncodeToString(k)
			return errStop
		}
		s, err := l.story(num)
		if errors.Is(err, store.ErrNotFound) {
			return nil // emptied by a deletion since the scan began
		} else if err != nil {
			return err
		}
		if !s.matches(q, source, term) {
			return nil
		}
		out = append(out, s)
		if len(out) == q.Limit {
			next = hex.EncodeToString(k)
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, "", err
	}
	return out, next, nil
}

// matches reports whether s passes q's filters (source and term folded
// to lower case).
func (s *LiveStory) matches(q StoryQuery, source, term string) bool {
	first, last := s.FirstSeen, s.LastSeen
	if first.IsZero() {
		first, last = s.Updated, s.Updated
	}
	if !q.From.IsZero() && last.Before(q.From) || !q.To.IsZero() && first.After(q.To) {
		return false
	}
	if source != "" && !slices.ContainsFunc(s.Sources, func(c SourceCount) bool { return strings.ToLower(c.Source) == source }) {
		return false
	}
	if term != "" && !strings.Contains(strings.ToLower(s.Headline), term) &&
		!slices.ContainsFunc(s.Terms, func(t string) bool { return strings.ToLower(t) == term }) {
		return false
	}
	return true
}

// Story returns stored story id, or store.ErrNotFound.
func (l *Live) Story(id string) (*LiveStory, error) {
	num, ok := parseNum(id, 's')
	if !ok {
		return nil, store.ErrNotFound
	}
	return l.story(num)
}

// Storyline returns stored storyline id, or store.ErrNotFound.
func (l *Live) Storyline(id string) (*LiveStoryline, error) {
	num, ok := parseNum(id, 'l')
	if !ok {
		return nil, store.ErrNotFound
	}
	return l.storyline(num)
}

// StoryArticles returns up to limit of story id's articles in arrival
// order (limit ≤ 0: all).
func (l *Live) StoryArticles(id string, limit int) ([]*LiveArticle, error) {
	num, ok := parseNum(id, 's')
	if !ok {
		return nil, store.ErrNotFound
	}
	return collect(l.st, seqKey(livePrefixStoryMember, num), false, limit, l.bySeq)
}

// StorylineStories returns storyline id's stories in order of opening.
func (l *Live) StorylineStories(id string) ([]*LiveStory, error) {
	num, ok := parseNum(id, 'l')
	if !ok {
		return nil, store.ErrNotFound
	}
	return collect(l.st, seqKey(livePrefixLineMember, num), false, 0, l.story)
}

// Comparison is the evidence for two stored articles: their relation as
// the engine sees it now, and the passages they share.
type Comparison struct {
	A, B *LiveArticle
	// Relation is A's relation to B (Contains "new": A holds B), with the
	// boilerplate of today.
	Relation LiveRelation
	// Passages are the runs of at least match.AlignConfig.PassageMinTokens
	// (8) words that both hold outside boilerplate lines, with byte offsets
	// into A.Text and B.Text, in order of A: Reuse.Passages.
	Passages []match.Passage
	// Reuse is their text reuse answer (CompareReuse).
	Reuse ReuseAnswer
}

// Compare compares stored articles a and b.
func (l *Live) Compare(a, b string) (*Comparison, error) {
	ra, err := l.get(a)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a, err)
	}
	rb, err := l.get(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b, err)
	}
	c := &Comparison{A: ra, B: rb}
	var da, db text.Doc
	da.Tokenize(ra.Text)
	db.Tokenize(rb.Text)
	l.rmu.RLock() // the boilerplate statistics
	var sc fpScratch
	_, fpa := l.fingerprintDoc(&da, false, &sc)
	_, fpb := l.fingerprintDoc(&db, false, &sc)
	c.Relation = l.relateFP(fpa, fpb, rb.ID)
	l.rmu.RUnlock()
	c.Reuse = l.CompareReuse(ra, rb)
	c.Passages = c.Reuse.Passages
	return c, nil
}
