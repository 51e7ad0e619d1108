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

// searchWords returns the stems an article is found by: the distinct
// stems of its body (stems, text.DistinctStems) and those of its title
// in its language lang, stop words left out, sorted.
func searchWords(stems []uint32, title, lang string) []uint32 {
	var d text.Doc
	d.Tokenize(title)
	out := text.DistinctStems(slices.Clone(stems), text.Words(nil, title, d.Tokens, lang))
	slices.Sort(out)
	return slices.Compact(out)
}

// searchScanCap bounds the postings a search looks at (of its rarest
// word).
const searchScanCap = 200_000

// SearchHit is an article found by Search, with a snippet of its text
// around the words it was found by.
type SearchHit struct {
	Article *LiveArticle
	Snippet Snippet
}

// Snippet is a short passage of an article's text: Text (cut at word
// boundaries, "…" where it is cut short of the article's start or end)
// and the byte ranges in it of the words that match the query, [start,
// end), in order.
type Snippet struct {
	Text  string   `json:"text"`
	Marks [][2]int `json:"marks"`
}

// queryStems returns the stem sets q is searched with (each sorted,
// stop words left out): its words stemmed as text.Words stems an
// undetermined text (English, ASCII words), and, when q's language is
// detected and stems it otherwise, stemmed in that language. None: q
// holds only stop words (or no words).
func queryStems(q string) [][]uint32 {
	var d text.Doc
	d.Tokenize(q)
	var sets [][]uint32
	for _, lang := range []string{text.Undetermined, text.Language("", q)} {
		stems := text.DistinctStems(nil, text.Words(nil, q, d.Tokens, lang))
		if len(stems) > 0 && !slices.ContainsFunc(sets, func(s []uint32) bool { return slices.Equal(s, stems) }) {
			sets = append(sets, stems)
		}
	}
	return sets
}

// Search returns up to limit stored articles, newest first, that hold
// every word of q (stop words aside) in their title or text, matched by
// their stems (Snowball, in the article's language: "drones" finds
// "drone", "denies" finds "denied"), each with a snippet.
func (l *Live) Search(q string, limit int) ([]SearchHit, error) {
	sets := queryStems(q)
	if len(sets) == 0 || limit <= 0 {
		return nil, nil
	}
	var seqs []uint64
	l.rmu.RLock()
	for _, words := range sets {
		n := 0
		l.words.Search(words, searchScanCap, func(seq uint64) bool {
			if seq < l.searchFrom { // older than the window, its generation not dropped yet
				return false
			}
			seqs = append(seqs, seq)
			n++
			return n < limit
		})
	}
	l.rmu.RUnlock()
	// Newest first, over every stem set.
	slices.Sort(seqs)
	seqs = slices.Compact(seqs)
	slices.Reverse(seqs)
	seqs = seqs[:min(len(seqs), limit)]
	out := make([]SearchHit, 0, len(seqs))
	for _, seq := range seqs {
		a, err := l.bySeq(seq)
		if errors.Is(err, store.ErrNotFound) { // deleted since
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, SearchHit{Article: a, Snippet: snippet(a.Text, a.Lang, sets)})
	}
	return out, nil
}

// snippetLen is about the most bytes a snippet holds (its text, before
// the ellipses).
const snippetLen = 200

// snippet cuts from s (in language lang) a passage of about snippetLen
// bytes at word boundaries, beginning a few words before the first word
// whose stem is one of a query's (any of sets), and marks the query's
// words in it. Without one, it is the start of s.
func snippet(s, lang string, sets [][]uint32) Snippet {
	var d text.Doc
	d.Tokenize(s)
	if lang == "" {
		lang = text.Undetermined
	}
	words := text.Words(nil, s, d.Tokens, lang)
	hit := func(i int) bool {
		if words[i].Kind == text.Stop {
			return false
		}
		for _, set := range sets {
			if _, ok := slices.BinarySearch(set, words[i].Stem); ok {
				return true
			}
		}
		return false
	}
	toks := d.Tokens
	first := 0
	for i := range toks {
		if hit(i) {
			first = i
			break
		}
	}
	// Start a few words before the first match, on a word's start, and
	// end on a word's end.
	lead := first
	for lead > 0 && first-lead < 5 && toks[first].Start-toks[lead-1].Start < snippetLen/3 {
		lead--
	}
	start := 0
	if len(toks) > 0 {
		start = toks[lead].Start
	}
	if lead == 0 {
		start = 0
	}
	end := start
	last := lead
	for ; last < len(toks) && toks[last].End-start <= snippetLen; last++ {
		end = toks[last].End
	}
	if end == start && last < len(toks) { // one long word
		end, last = toks[last].End, last+1
	}
	if last == len(toks) {
		end = len(s)
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	off := b.Len()
	b.WriteString(strings.Join(strings.Fields(s[start:end]), " "))
	sn := Snippet{Marks: [][2]int{}}
	// The marks: the passage's whitespace is squeezed, so find each
	// matched word in the squeezed text in order.
	text := b.String()
	at, k := off, -1
	for i := lead; i < last; i++ {
		// The pieces of a word split by normalization share its bytes.
		if i == lead || toks[i].Start != toks[i-1].Start {
			w := s[toks[i].Start:toks[i].End]
			if k = strings.Index(text[at:], w); k < 0 {
				continue
			}
			k += at
			at = k + len(w)
		} else if k < 0 {
			continue
		}
		if hit(i) {
			if n := len(sn.Marks); n > 0 && sn.Marks[n-1] == [2]int{k, at} {
				continue
			}
			sn.Marks = append(sn.Marks, [2]int{k, at})
		}
	}
	if end < len(s) {
		text += " …"
	}
	sn.Text = text
	return sn
}

// errEndScan, returned by collect's get, ends the scan.
var errEndScan = errors.New("end of scan")

// collect scans the keys under prefix (reverse: from the last), reads the
// number that ends each key (a sequence number, a story number) and
// returns what get makes of it, up to limit (≤ 0: all). A key whose record
// get does not find (store.ErrNotFound: deleted since the scan began, or
// not wanted) is passed over; errEndScan from get ends the scan.
func collect[T any](st store.KV, prefix []byte, reverse bool, limit int, get func(n uint64) (T, error)) ([]T, error) {
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
	c.Reuse = l.compareReuse(ra, rb, &da, &db)
	c.Passages = c.Reuse.Passages
	return c, nil
}
