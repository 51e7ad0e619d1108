package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/reprint-news/reprint/internal/radix"
)

// Story features.
//
// Stories are clustered on three term vectors per article, in the spirit of
// Miranda et al., "Multilingual Clustering of Streaming News" (EMNLP 2018):
//
//   - Body: folded word tokens of the text without stop words, single
//     characters and numbers shorter than four digits (years stay).
//   - Title: the same for the headline.
//   - Entities: capitalised names. A maximal run of capitalised tokens
//     ("Betty Ford Center", "Amir Abdollahian", "UN") gives the whole
//     phrase as one term plus, for runs of two or more tokens, the last
//     token alone (so "Lohan" matches "Lindsay Lohan"). A capitalised word
//     that starts a sentence counts only inside a longer run, and
//     title-case lines (headlines where most words are capitalised) are
//     skipped, since their capitals say nothing.
//
// Terms are identified by a 64-bit hash of their folded text (the field is
// part of the hash), and carry their raw count and display text.

// Term is one term of a feature vector.
type Term struct {
	Hash uint64
	TF   float32
	Text string
}

// Features are an article's story features. When holds the time
// expressions the text mentions: years (1950–2099), month names (not the
// ambiguous "may") and weekday names. They are the event's time as the
// text tells it, a strong hint when the publication date is unknown: two
// events of the same kind mostly happened in different years, months or on
// different days, while reports of one event name the same ones.
//
// Nums holds every number the body mentions (each run of digits is one
// term, so "52-3" gives 52 and 3, "6.1" gives 6 and 1): counts, scores,
// sums of money and dates are specific to one event and tell two events
// of the same kind apart.
type Features struct {
	Body, Title, Ent, Nums, When []Term
	// Lang is the ISO 639-1 code of the article's language, or Undetermined.
	Lang string
}

// Field seeds keep the three vocabularies apart.
const (
	fieldBody  = 0x62
	fieldTitle = 0x74
	fieldEnt   = 0x65
	fieldWhen  = 0x79
	fieldNum   = 0x6e
)

func termHash(field byte, s string) uint64 {
	h := uint64(14695981039346656037) ^ uint64(field)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return mix64(h)
}

// stopWords are English function words and news filler. Other languages
// keep all their words (their stories only meet stories in their own
// language).
var stopWords = newWordSet(strings.Fields(`a about above after again against ago all also although am among an and another any are
around as at away back be became because been before being below between both but by can could did do does doing
done down during each either else even ever every few for from further get gets got had has have having he her here
hers herself him himself his how however i if in including into is it its itself just last later least less like
made make makes many may me might more most much must my myself near new news no nor not now of off often on once
one only or other others our ours ourselves out over own per put rather really s said same say says see seen
she should since so some still such t than that the their theirs them themselves then there these they this those
though three through thus to today told too two under until up upon us very via was we week were what when where
whether which while who whom whose why will with within without would year years yesterday yet you your yours
yourself yourselves mr mrs ms according also told tuesday monday wednesday thursday friday saturday sunday
january february march april may june july august september october november december`))

// keepBodyWord decides whether a folded token is a content term.
func keepBodyWord(w string) bool {
	if len(w) < 2 || stopWords.has(w) {
		return false
	}
	digits := 0
	for i := 0; i < len(w); i++ {
		if w[i] >= '0' && w[i] <= '9' {
			digits++
		}
	}
	if digits == len(w) {
		return len(w) == 4 // years
	}
	return true
}

// FeatureExtractor computes Features; it keeps scratch space and is not
// safe for concurrent use (use one per goroutine).
type FeatureExtractor struct {
	d     Doc
	td    Doc
	words []string
	terms []string
	tab   termTable
	fold  []byte // scratch for foldOne
}

// Extract computes the features of an article. title may be "".
func (x *FeatureExtractor) Extract(title, body string) Features {
	x.d.Tokenize(body)
	return x.ExtractTokenized(title, body, &x.d)
}

// ExtractTokenized is Extract for a body the caller has already tokenized
// into bd (the engine tokenizes every article once, for fingerprints and
// features alike). bd is only read.
func (x *FeatureExtractor) ExtractTokenized(title, body string, bd *Doc) Features {
	var f Features
	x.words = foldTokens(x.words[:0], body, bd.Tokens)
	f.Lang = languageOf(title, body, x.words)
	keep := keepBodyWord
	if sw := langStopWords[f.Lang]; sw != nil && f.Lang != "en" {
		keep = func(w string) bool { return keepBodyWord(w) && !sw(w) }
	}
	x.terms = cjkTerms(x.terms[:0], body, bd.Tokens, x.words)
	f.Body = x.vector(fieldBody, x.terms, keep)
	x.td.Tokenize(title)
	if title != "" {
		tw := foldTokens(nil, title, x.td.Tokens)
		f.Title = x.vector(fieldTitle, cjkTerms(nil, title, x.td.Tokens, tw), keep)
	}
	f.Ent = x.entities(title, body, &x.td, bd)
	f.Nums = x.vector(fieldNum, x.words, isNumber)
	f.When = x.vector(fieldWhen, x.words, isTimeWord)
	return f
}

// cjkTerms returns the story terms of a text's folded words (foldTokens
// of toks): the words themselves, except that Chinese and Japanese
// characters (one token each) give the bigrams of each run of adjacent
// characters, and a character alone gives itself. A text without such
// characters returns words unchanged (dst is not used). Bigrams stand in
// for words: they need no dictionary, and were measured against a
// dictionary segmenter (docs/ARCHITECTURE.md).
func cjkTerms(dst []string, s string, toks []Token, words []string) []string {
	has := false
	for _, t := range toks {
		if s[t.Start] >= utf8.RuneSelf && isSingleRuneToken(s, t) {
			has = true
			break
		}
	}
	if !has {
		return words
	}
	for _, w := range words {
		if r, size := utf8.DecodeRuneInString(w); size == len(w) && isSingleRuneWord(r) {
			continue
		}
		dst = append(dst, w)
	}
	var buf []byte
	fold := func(t Token) string {
		var out string
		buf = foldWord(buf, s[t.Start:t.End], func(p []byte) { out = string(p) })
		return out
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if s[t.Start] < utf8.RuneSelf || !isSingleRuneToken(s, t) {
			continue
		}
		j := i
		for j+1 < len(toks) && toks[j+1].Start == toks[j].End && isSingleRuneToken(s, toks[j+1]) {
			j++
		}
		if j == i {
			dst = append(dst, fold(t))
			continue
		}
		prev := fold(toks[i])
		for k := i + 1; k <= j; k++ {
			cur := fold(toks[k])
			dst = append(dst, prev+cur)
			prev = cur
		}
		i = j
	}
	return dst
}

// isSingleRuneToken reports whether token t of s is one character of a
// script written without spaces.
func isSingleRuneToken(s string, t Token) bool {
	r, size := utf8.DecodeRuneInString(s[t.Start:t.End])
	return size == t.End-t.Start && isSingleRuneWord(r)
}

// isNumber reports whether a folded token is a number (all digits).
func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// TimeWords returns the weekday and month names ("may" left out, a verb
// as often as a month), in no particular order.
func TimeWords() []string { return timeWords.words() }

// timeWords are the month and weekday names of the When field.
var timeWords = newWordSet(strings.Fields(`january february march april june july august september
october november december monday tuesday wednesday thursday friday saturday sunday`))

// isTimeWord reports whether a folded token is a year, a month or a weekday.
func isTimeWord(w string) bool { return isYear(w) || timeWords.has(w) }

func isYear(w string) bool {
	return len(w) == 4 && isNumber(w) && (strings.HasPrefix(w, "19") && w[2] >= '5' || strings.HasPrefix(w, "20"))
}

// foldTokens appends the folded form of every token (pieces of one word
// are joined, as in Fold).
func foldTokens(dst []string, s string, toks []Token) []string {
	prevStart, prevEnd := -1, -1
	var buf []byte
	for _, t := range toks {
		if t.Start == prevStart && t.End == prevEnd {
			continue
		}
		prevStart, prevEnd = t.Start, t.End
		w := s[t.Start:t.End]
		if isLowerASCII(w) {
			dst = append(dst, w)
			continue
		}
		buf = foldWord(buf, w, func(piece []byte) { dst = append(dst, string(piece)) })
	}
	return dst
}

func isLowerASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') || c == '\'' || c == '`' {
			return false
		}
	}
	return true
}

func (x *FeatureExtractor) vector(field byte, words []string, keep func(string) bool) []Term {
	x.tab.reset()
	for _, w := range words {
		if keep != nil && !keep(w) {
			continue
		}
		x.tab.add(termHash(field, w), w)
	}
	return x.tab.terms()
}

// termTable counts a vector's terms by hash, keeping each one's first
// text: an open-addressed table reused from vector to vector (only the
// slots used are cleared), with the hashes seen in a list that is sorted
// once for the vector's order — much cheaper than a map and a sort of the
// terms.
type termTable struct {
	slots  []termSlot
	used   []int32  // the slots in use
	hashes []uint64 // their hashes, then sorted (terms)
	buf    []uint64 // scratch for sorting them
}

type termSlot struct {
	h    uint64
	n    int32 // 0: empty
	text string
}

// reset empties the table.
func (t *termTable) reset() {
	if t.slots == nil {
		t.slots = make([]termSlot, 256)
	}
	for _, i := range t.used {
		t.slots[i] = termSlot{}
	}
	t.used = t.used[:0]
}

// add counts one occurrence of the term with hash h and text w.
func (t *termTable) add(h uint64, w string) {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.n == 0 {
			*s = termSlot{h: h, n: 1, text: w}
			t.used = append(t.used, int32(i))
			if 2*len(t.used) > len(t.slots) {
				t.grow()
			}
			return
		}
		if s.h == h {
			s.n++
			return
		}
	}
}

// grow doubles the table, keeping its terms.
func (t *termTable) grow() {
	old := t.slots
	t.slots = make([]termSlot, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for k, j := range t.used {
		s := old[j]
		i := s.h & mask
		for t.slots[i].n != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
		t.used[k] = int32(i)
	}
}

// slot returns the slot of hash h, which is in the table.
func (t *termTable) slot(h uint64) *termSlot {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		if s := &t.slots[i]; s.h == h && s.n > 0 {
			return s
		}
	}
}

// terms returns the counted terms, sorted by hash.
func (t *termTable) terms() []Term {
	t.hashes = t.hashes[:0]
	for _, i := range t.used {
		t.hashes = append(t.hashes, t.slots[i].h)
	}
	if cap(t.buf) < len(t.hashes) {
		t.buf = make([]uint64, len(t.hashes))
	}
	radix.Sort(t.hashes, t.buf[:len(t.hashes)])
	out := make([]Term, len(t.hashes))
	for i, h := range t.hashes {
		s := t.slot(h)
		out[i] = Term{Hash: h, TF: float32(s.n), Text: s.text}
	}
	return out
}

// entities extracts capitalised names from the title and body.
// td and bd are the title and body, already tokenized.
func (x *FeatureExtractor) entities(title, body string, td, bd *Doc) []Term {
	x.tab.reset()
	add := func(s string) { x.tab.add(termHash(fieldEnt, s), s) }
	var run []string
	flushRun := func(startsSentence bool) {
		n := len(run)
		switch {
		case n == 0:
		case n == 1 && startsSentence:
		default:
			add(strings.Join(run, " "))
			if n > 1 {
				add(run[n-1])
			}
		}
		run = run[:0]
	}
	for k, s := range []string{title, body} {
		d := td
		if k == 1 {
			d = bd
		}
		for _, line := range d.Lines {
			toks := d.Tokens[line.First : line.First+line.N]
			if titleCase(s, toks) {
				continue
			}
			runStartsSentence := false
			prevStart, prevEnd := -1, -1
			for _, t := range toks {
				if t.Start < prevEnd || (t.Start == prevStart && t.End == prevEnd) {
					continue // a further piece of a word already seen
				}
				prevStart = t.Start
				w := s[t.Start:t.End]
				r, _ := utf8.DecodeRuneInString(w)
				capital := unicode.IsUpper(r)
				adjacent := prevEnd >= 0 && onlySpaces(s[prevEnd:t.Start])
				if !capital || !adjacent {
					flushRun(runStartsSentence)
				}
				prevEnd = t.End
				if !capital {
					continue
				}
				folded := x.foldOne(w)
				if len(run) == 0 {
					runStartsSentence = sentenceStart(s, t.Start)
					if stopWords.has(folded) {
						continue // "The", "A", "He" at any position start no name
					}
				}
				run = append(run, folded)
			}
			flushRun(runStartsSentence)
		}
	}
	return x.tab.terms()
}

// foldOne folds one token as the tokenizer does (pieces joined by spaces).
func (x *FeatureExtractor) foldOne(w string) string {
	if isLowerASCII(w) {
		return w
	}
	var out []byte
	x.fold = foldWord(x.fold, w, func(piece []byte) {
		if len(out) > 0 {
			out = append(out, ' ')
		}
		out = append(out, piece...)
	})
	return string(out)
}

func onlySpaces(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			return false
		}
	}
	return true
}

// sentenceStart reports whether the token at offset i begins a sentence:
// only spaces, quotes or brackets stand between it and the start of the
// text, the start of a line, or a sentence-final mark.
func sentenceStart(s string, i int) bool {
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		switch {
		case r == ' ' || r == '\t' || r == '"' || r == '“' || r == '‘' || r == '\'' || r == '(' || r == '[' || r == '«':
			i -= size
		case r == '\n' || r == '.' || r == '!' || r == '?' || r == ':' || r == '-' || r == '—' || r == '–':
			return true
		default:
			return false
		}
	}
	return true
}

// titleCase reports whether most words of a line are capitalised (a
// headline in title case), in which case capitals mark nothing.
func titleCase(s string, toks []Token) bool {
	if len(toks) < 3 {
		return false
	}
	caps, words := 0, 0
	for _, t := range toks {
		w := s[t.Start:t.End]
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsLetter(r) {
			continue
		}
		words++
		if unicode.IsUpper(r) {
			caps++
		}
	}
	return words >= 3 && caps*10 >= words*7
}
