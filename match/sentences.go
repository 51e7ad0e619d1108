package match

import (
	"github.com/reprint-news/reprint/internal/radix"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"

	"github.com/reprint-news/reprint/text"
)

// Texts prepared for sentence alignment.
//
// A Doc is an article split into sentences (text.Sentences), each sentence
// reduced to a bag of weighted stems: every content word's stem
// (text.Words) weighs its IDF in the corpus (Weights), names (capitalised
// words that do not start their sentence) weigh NameBoost times more,
// numbers are kept apart as anchors, stop words weigh nothing. Words
// inside quotation marks are marked, so that a match made only of a quote
// both articles carry can be told from copied reporting.

// Weights gives the weights of words' stems: their inverse document
// frequencies in the corpus the texts come from (DocFreq).
type Weights interface {
	// IDFs puts the weight of every word that is not a stop word into
	// out (stop words weigh nothing and are not looked up).
	IDFs(words []text.Word, out []float64)
}

// NameBoost multiplies the weight of a name (a capitalised word inside a
// sentence): names anchor a sentence to its event the way numbers do.
const NameBoost = 1.5

// Doc is a text prepared for Align.
type Doc struct {
	// Text is the original text; every byte range refers to it.
	Text string
	// Lang is the language the words were stemmed in.
	Lang string
	// Tokens are the text's tokens (text.Doc.Tokens).
	Tokens []text.Token
	// Sentences are its sentences outside boilerplate lines, at most
	// MaxPrepared of them (Truncated says when more were left out).
	Sentences []text.Sentence
	Truncated bool
	sents     []sentence
	mass      float64 // Σ sentence mass
	content   []text.Token
	vec       []stemWeight // the stem vector, sorted by stem (makeVector)
	vecNorm   float64      // its norm
	vecSum    float64      // the sum of its weights
	tris      []uint64     // trigrams of content (trigrams)
	when      []uint32     // the weekdays and months it names (stems, sorted, unique)
	entries   []entry      // every sentence's stems, by stem (for Align)
	names     []uint32     // its names (anchors)
	nums      []uint32     // its numbers (anchors)
	grams     *gramIndex   // its content's gram index for Passages (passagesWith)
	gramOnce  sync.Once
	extraOnce sync.Once // the sentences' n-gram lists (extras)
	wholeOnce sync.Once // wholeS: all its sentences as one (whole)
	wholeS    sentence
}

// sentence is a sentence's bag of stems.
type sentence struct {
	terms   []term      // sorted by stem, one entry per stem
	nums    []uint32    // number tokens, sorted, unique
	names   []uint32    // stems of names (capitalised words not first in the sentence), sorted, unique
	bigrams []uint64    // stem bigrams of all its words (stop words too), sorted, unique
	tris    []uint64    // stem trigrams, the same
	uni     []uint32    // stems of all its words (stop words too), sorted, unique
	mass    float64     // Σ weights
	words   int         // tokens
	seq     []text.Word // its words in order (for the n-gram lists, made by extras)
	senses  [][]uint32  // the word senses its terms point to (term.syn): its text's, shared
	// Of whole texts only (Doc.whole, for the short-text model):
	chars3 []uint32 // hashes of its lower-cased character trigrams, sorted, unique
	chars4 []uint32 // the same, 4-grams
	neg    bool     // it holds a negation (not, no, never, nor, without, n't)
	said   bool     // it reports speech (said, says)
}

// entry is one stem of one sentence, with its weight there.
type entry struct {
	stem uint32
	sent int32
	w    float32
}

type term struct {
	stem  uint32
	w     float32
	quote bool  // every occurrence in the sentence is inside quotation marks
	syn   int32 // its word senses: 1 + their index in the sentence's senses, 0 for none
}

// sensesOf returns the word senses of term t of sentence s (nil: none).
func (s *sentence) sensesOf(t *term) []uint32 {
	if t.syn == 0 {
		return nil
	}
	return s.senses[t.syn-1]
}

// MaxSentences bounds the sentences of one text that alignment looks at:
// the alignment's work grows with the product of the two texts' sentence
// counts (the worst case, two texts of MaxSentences identical sentences,
// takes about 0.5 s). 400 sentences is a 10,000-word text, several times
// a long article; a longer one (a live blog, a digest of wire stories) is
// aligned on the window of 400 consecutive sentences that shares the most
// with the other text, and the alignment is marked Truncated. Its
// coverage is still a share of the whole text: outside the window only
// what verbatim passages cover counts as found (the passages cover the
// whole text).
const MaxSentences = 400

// MaxPrepared bounds the sentences of one text that are prepared (weighed
// for the text's vector and candidates for the alignment's window): the
// rest of a longer text is left out of everything but its verbatim
// passages, and the text is marked Truncated. It bounds a text's
// preparation at about 100,000 words.
const MaxPrepared = 10 * MaxSentences

// Env is what Prepare draws on besides the text: all of it optional.
type Env struct {
	// Weights weighs the stems (nil: every content word weighs 1).
	Weights Weights
	// Boiler says which lines to leave out (by text.Line.Hash; nil: none).
	Boiler func(line uint64) bool
	// Senses returns a stem's word senses (sorted synset ids; nil: none
	// known), so that synonyms can meet: wordnet.Synonyms.Senses.
	Senses func(stem uint32) []uint32
}

// Prepare prepares text s for Align: d holds its tokens and lines
// (text.Doc.Tokenize(s)), lang its language (text.Language; it chooses the
// stemmer).
func Prepare(s string, d *text.Doc, lang string, env Env) *Doc {
	return Analyze(s, d, lang).Prepare(env)
}

// Text is the part of a text's preparation that depends on the text
// alone — its sentences, stemmed words and quotation marks — so that it
// can be made on any goroutine ahead of Prepare, which weighs it with the
// corpus statistics of the moment (Text.Prepare).
type Text struct {
	s      string
	lang   string
	toks   []text.Token
	lines  []text.Line
	sents  []text.Sentence
	words  []text.Word
	quoted []bool
}

// Analyze analyzes text s (d holds its tokens and lines, lang its
// language) for Text.Prepare; d's slices are kept, not copied.
func Analyze(s string, d *text.Doc, lang string) *Text {
	return &Text{s: s, lang: lang, toks: d.Tokens, lines: d.Lines,
		sents: text.Sentences(nil, s, d.Tokens), words: text.Words(nil, s, d.Tokens, lang), quoted: quoteMask(s, d.Tokens)}
}

// Tokens returns the text's tokens (text.Doc.Tokens).
func (t *Text) Tokens() []text.Token { return t.toks }

// Lines returns the text's lines (text.Doc.Lines).
func (t *Text) Lines() []text.Line { return t.lines }

// Stems returns the text's distinct stems that are not stop words, sorted
// (what DocFreq.AddStems counts).
func (t *Text) Stems() []uint32 { return text.DistinctStems(nil, t.words) }

// Prepare prepares the analyzed text for Align with env (as Prepare).
func (t *Text) Prepare(env Env) *Doc {
	s, lang, d := t.s, t.lang, text.Doc{Tokens: t.toks, Lines: t.lines}
	boiler, w := env.Boiler, env.Weights
	doc := &Doc{Text: s, Lang: lang, Tokens: d.Tokens}
	all := slices.Clone(t.sents)
	if boiler != nil {
		// Sentences never cross lines: drop those on boilerplate lines.
		kept := all[:0]
		ln := 0
		for _, st := range all {
			for ln < len(d.Lines) && d.Lines[ln].First+d.Lines[ln].N <= st.First {
				ln++
			}
			if ln < len(d.Lines) && boiler(d.Lines[ln].Hash) {
				continue
			}
			kept = append(kept, st)
		}
		all = kept
	}
	// The content: the tokens of the lines that are not boilerplate, which
	// are all the tokens (shared, not copied) when none is.
	n := 0
	for _, ln := range d.Lines {
		if boiler == nil || !boiler(ln.Hash) {
			n += ln.N
		}
	}
	if n == len(d.Tokens) {
		doc.content = d.Tokens[:n:n]
	} else {
		doc.content = make([]text.Token, 0, n)
		for _, ln := range d.Lines {
			if boiler == nil || !boiler(ln.Hash) {
				doc.content = append(doc.content, d.Tokens[ln.First:ln.First+ln.N]...)
			}
		}
	}
	if len(all) > MaxPrepared {
		all, doc.Truncated = all[:MaxPrepared], true
	}
	doc.Sentences = all
	words, quoted := t.words, t.quoted
	idfs := make([]float64, len(words))
	if w == nil {
		for i := range idfs {
			idfs[i] = 1
		}
	} else {
		w.IDFs(words, idfs)
	}
	doc.sents = make([]sentence, len(all))
	termBuf := make([]term, 0, len(words)) // every sentence's terms, one backing array
	var bagKeys []uint64
	var syns [][]uint32 // every sentence's terms' senses
	if env.Senses != nil {
		syns = make([][]uint32, 0, len(words)/3)
	}
	nTerms := 0
	for i, st := range all {
		doc.sents[i], termBuf, bagKeys = bag(words[st.First:st.First+st.N], quoted[st.First:st.First+st.N], idfs[st.First:st.First+st.N], env.Senses, termBuf, bagKeys, &syns)
		doc.mass += doc.sents[i].mass
		nTerms += len(doc.sents[i].terms)
	}
	for i := range doc.sents {
		doc.sents[i].senses = syns
	}
	doc.names, doc.nums = doc.makeAnchors()
	for _, st := range all {
		for _, w := range words[st.First : st.First+st.N] {
			if isTimeStem(w.Stem) {
				doc.when = append(doc.when, w.Stem)
			}
		}
	}
	radix.SortSmall(doc.when)
	doc.when = slices.Compact(doc.when)
	// Entries by stem, then sentence: sorting packed keys (stem, the
	// entry's position in sentence order) is much faster than sorting
	// structs.
	byPos := make([]entry, 0, nTerms)
	keys := make([]uint64, 0, nTerms)
	for k := range doc.sents {
		for _, t := range doc.sents[k].terms {
			keys = append(keys, uint64(t.stem)<<32|uint64(len(byPos)))
			byPos = append(byPos, entry{stem: t.stem, sent: int32(k), w: t.w})
		}
	}
	radix.Sort(keys, make([]uint64, len(keys)))
	doc.entries = make([]entry, len(keys))
	for i, k := range keys {
		doc.entries[i] = byPos[uint32(k)]
	}
	doc.makeVector()
	doc.tris = trigrams(doc.content)
	return doc
}

// ContentHashes returns the hashes of the text's tokens outside its
// boilerplate lines, in order (what its shingles are made of).
func (d *Doc) ContentHashes() []uint32 {
	hs := make([]uint32, len(d.content))
	for i, tk := range d.content {
		hs[i] = tk.Hash
	}
	return hs
}

// bag builds a sentence's bag of stems, appending its terms to buf;
// keys is scratch space.
//
// Each stem's entry is its heaviest occurrence (the earliest among equally
// heavy ones), quoted only when every occurrence is. The occurrences are
// ordered by sorting packed (stem, position) keys, which is much faster
// than sorting the terms themselves, and a stem's senses are looked up
// once, for the occurrence kept.
func bag(words []text.Word, quoted []bool, idfs []float64, senses func(uint32) []uint32, buf []term, keys []uint64, syns *[][]uint32) (sentence, []term, []uint64) {
	s := sentence{words: len(words), seq: words}
	// A name: a capitalised content word that does not start the sentence.
	name := func(i int) bool { return words[i].Cap && i > 0 && words[i].Kind == text.Content }
	keys = keys[:0]
	for i, wd := range words {
		switch wd.Kind {
		case text.Stop:
			continue
		case text.Number:
			s.nums = append(s.nums, wd.Stem)
		}
		if name(i) {
			s.names = append(s.names, wd.Stem)
		}
		keys = append(keys, uint64(wd.Stem)<<32|uint64(i))
	}
	radix.SortSmall(keys)
	start := len(buf)
	for k := 0; k < len(keys); {
		stem := uint32(keys[k] >> 32)
		best, w, quote := -1, float32(0), true
		for ; k < len(keys) && uint32(keys[k]>>32) == stem; k++ {
			i := int(uint32(keys[k]))
			x := float32(idfs[i])
			if name(i) {
				x = float32(idfs[i] * NameBoost)
			}
			if best < 0 || x > w {
				best, w = i, x
			}
			quote = quote && quoted[i]
		}
		t := term{stem: stem, w: w, quote: quote}
		if wd := words[best]; senses != nil && wd.Kind == text.Content && !wd.Cap {
			if syn := senses(stem); syn != nil {
				*syns = append(*syns, syn)
				t.syn = int32(len(*syns))
			}
		}
		buf = append(buf, t)
		s.mass += float64(w)
	}
	s.terms = buf[start:len(buf):len(buf)] // later sentences append after it in buf
	radix.SortSmall(s.nums)
	s.nums = slices.Compact(s.nums)
	radix.SortSmall(s.names)
	s.names = slices.Compact(s.names)
	return s, buf, keys
}

// extras makes the sentences' n-gram lists (bigrams, trigrams, all
// stems), which only sentence pairs that pass the prefilter need: once,
// on first use, safe for concurrent use.
func (d *Doc) extras() {
	d.extraOnce.Do(func() {
		// One backing array per list for all the sentences: a sentence
		// takes its words' share and keeps the part left after Compact.
		n := 0
		for k := range d.sents {
			n += len(d.sents[k].seq)
		}
		grams := make([]uint64, 0, 2*n)
		uni := make([]uint32, 0, n)
		for k := range d.sents {
			s := &d.sents[k]
			words := s.seq
			start := len(grams)
			for i := 1; i < len(words); i++ {
				grams = append(grams, uint64(words[i-1].Stem)<<32|uint64(words[i].Stem))
			}
			s.bigrams = sortedSet(grams[start:])
			grams = grams[:start+len(s.bigrams)]
			start = len(grams)
			for i := 2; i < len(words); i++ {
				grams = append(grams, (uint64(words[i-2].Stem)*0x9e3779b97f4a7c15)^uint64(words[i-1].Stem)<<32^uint64(words[i].Stem))
			}
			s.tris = sortedSet(grams[start:])
			grams = grams[:start+len(s.tris)]
			start = len(uni)
			for _, wd := range words {
				uni = append(uni, wd.Stem)
			}
			s.uni = sortedSet(uni[start:])
			uni = uni[:start+len(s.uni)]
		}
	})
}

// textExtras fills what only the short-text model sees of a whole text
// (s, its sentences merged): its character n-grams, negation and
// reported speech.
func (d *Doc) textExtras(s *sentence) {
	var c3, c4 []uint32 // sorted and made unique once, below
	for _, st := range d.Sentences {
		a, b := charGrams(d.Text[st.Start:st.End])
		c3, c4 = append(c3, a...), append(c4, b...)
		for _, tk := range d.Tokens[st.First : st.First+st.N] {
			w := d.Text[tk.Start:tk.End]
			switch {
			case negations[strings.ToLower(w)] || strings.HasSuffix(w, "n't") || strings.HasSuffix(w, "n’t"):
				s.neg = true
			case w == "said" || w == "says":
				s.said = true
			}
		}
	}
	slices.Sort(c3)
	slices.Sort(c4)
	s.chars3, s.chars4 = slices.Compact(c3), slices.Compact(c4)
}

// negations are the words that negate a sentence (besides "n't").
var negations = map[string]bool{"not": true, "no": true, "never": true, "nor": true, "without": true}

// charGrams returns the hashes of the lower-cased
// character trigrams and 4-grams of s (spaces and punctuation included).
func charGrams(s string) (c3, c4 []uint32) {
	var r [4]rune
	n := 0
	for _, c := range s {
		r[0], r[1], r[2], r[3] = r[1], r[2], r[3], unicode.ToLower(c)
		n++
		h := uint32(2166136261)
		for k := 1; k < 4; k++ {
			h = (h ^ uint32(r[k])) * 16777619
		}
		if n >= 3 {
			c3 = append(c3, h)
		}
		if n >= 4 {
			c4 = append(c4, (h^uint32(r[0]))*16777619)
		}
	}
	return c3, c4
}

// mayMarkQuote marks the bytes quoteMask looks at: a line end, the ASCII
// quotation marks and every byte outside ASCII.
var mayMarkQuote = text.StopBytes("\n\"`'")

// quoteMask reports for every token whether it stands inside quotation
// marks (“…”, «…», "…", and ‘…’ only as an outer pair): marks are
// paired within a line; an unclosed quote at the end of a line (a
// paragraph continued in the next) closes with the line.
func quoteMask(s string, toks []text.Token) []bool {
	out := make([]bool, len(toks))
	open := false
	t := 0
	isWord := func(i int) bool { // the byte at i starts a letter or digit
		if i < 0 || i >= len(s) {
			return false
		}
		if c := s[i]; c < utf8.RuneSelf {
			return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		}
		r, _ := utf8.DecodeRuneInString(s[i:])
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	for i := 0; i < len(s); {
		// No mark: tokens are marked when a mark is met.
		for i < len(s) && !mayMarkQuote[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		c := s[i]
		r, n := rune(c), 1
		if c >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		// The tokens before this mark are in the state before it.
		for t < len(toks) && toks[t].Start < i {
			out[t] = open
			t++
		}
		switch {
		case r == '\n':
			open = false
		case r == '“' || r == '«' || r == '„':
			open = true
		case r == '”' || r == '»':
			open = false
		case r == '`' && i+1 < len(s) && s[i+1] == '`': // TeX-style ``…'' (wire copy)
			open, n = true, 2
		case r == '\'' && i+1 < len(s) && s[i+1] == '\'':
			open, n = false, 2
		case r == '"':
			// A straight quote opens when a word follows it and closes
			// otherwise.
			if open {
				open = false
			} else if i+n < len(s) && s[i+n] != ' ' && s[i+n] != '\n' {
				open = true
			}
		case r == '\'' || r == '‘' || r == '’':
			// Single quotes: an apostrophe inside a word ("don't") is
			// neither; one before a word and after a space opens, one
			// after a word or punctuation and before a space closes.
			before, after := isWord(i-1), isWord(i+n)
			switch {
			case before && after:
			case !before && after && (i == 0 || s[i-1] == ' ' || s[i-1] == '\n' || s[i-1] == '(') && r != '’':
				open = true
			case open && !after:
				open = false
			}
		}
		i += n
	}
	for ; t < len(toks); t++ { // after the last mark
		out[t] = open
	}
	return out
}

// sim returns the similarity of two bags: the weighted Dice coefficient
// of their stems, 2·Σ shared weight / (mass a + mass b), lowered when
// both hold numbers and the numbers differ (a changed number is evidence
// against a match), and how much of each side's mass is shared (its
// containment in the other), and the share of the shared weight that
// stands inside quotation marks on both sides.
func sim(a, b *sentence) (dice, inA, inB, quoted float64) {
	if a.mass == 0 || b.mass == 0 {
		return 0, 0, 0, 0
	}
	var shared, sharedA, sharedB, q float64
	i, j := 0, 0
	for i < len(a.terms) && j < len(b.terms) {
		x, y := &a.terms[i], &b.terms[j]
		switch {
		case x.stem < y.stem:
			i++
		case x.stem > y.stem:
			j++
		default:
			m := float64(min(x.w, y.w))
			shared += m
			sharedA += float64(x.w)
			sharedB += float64(y.w)
			if x.quote && y.quote {
				q += m
			}
			i++
			j++
		}
	}
	if shared == 0 {
		return 0, 0, 0, 0
	}
	f := numberAgreement(a.nums, b.nums)
	dice = f * (sharedA + sharedB) / (a.mass + b.mass)
	inA, inB = f*sharedA/a.mass, f*sharedB/b.mass
	return dice, inA, inB, q / shared
}

// NumberPenalty is how much a full disagreement of two sentences' numbers
// lowers their similarity: the factor is 1 − NumberPenalty·(share of the
// numbers that only one side holds), applied when both hold numbers.
const NumberPenalty = 0.5

// numberAgreement returns the factor by which the numbers of two
// sentences scale their similarity.
func numberAgreement(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 1
	}
	k := inter(a, b)
	union := len(a) + len(b) - k
	return 1 - NumberPenalty*float64(union-k)/float64(union)
}

// merge returns the bag of two adjacent sentences together.
func merge(a, b *sentence) sentence {
	// Both are sentences of one text: their terms point into one table of
	// senses.
	out := sentence{terms: make([]term, 0, len(a.terms)+len(b.terms)), senses: a.senses}
	i, j := 0, 0
	for i < len(a.terms) || j < len(b.terms) {
		switch {
		case j == len(b.terms) || i < len(a.terms) && a.terms[i].stem < b.terms[j].stem:
			out.terms = append(out.terms, a.terms[i])
			i++
		case i == len(a.terms) || b.terms[j].stem < a.terms[i].stem:
			out.terms = append(out.terms, b.terms[j])
			j++
		default:
			t := a.terms[i]
			t.w = max(t.w, b.terms[j].w)
			t.quote = t.quote && b.terms[j].quote
			out.terms = append(out.terms, t)
			i++
			j++
		}
	}
	for _, t := range out.terms {
		out.mass += float64(t.w)
	}
	out.nums = union(a.nums, b.nums)
	out.names = union(a.names, b.names)
	out.bigrams = union(a.bigrams, b.bigrams)
	out.words = a.words + b.words
	out.tris = union(a.tris, b.tris)
	out.uni = union(a.uni, b.uni)
	return out
}

// timeStems are the stems of the English weekday and month names
// (text.TimeWords).
var timeStems = func() map[uint32]bool {
	m := map[uint32]bool{}
	for _, w := range text.TimeWords() {
		m[text.HashWord(english.Stem(w, true))] = true
	}
	return m
}()

// timeBits has bit stem%1024 set for every stem of timeStems: most words
// are told from a weekday or month by one bit, without a map lookup.
var timeBits = func() (b [16]uint64) {
	for st := range timeStems {
		b[st%1024/64] |= 1 << (st % 64)
	}
	return b
}()

// isTimeStem reports whether stem is that of a weekday or month name.
func isTimeStem(stem uint32) bool {
	return timeBits[stem%1024/64]&(1<<(stem%64)) != 0 && timeStems[stem]
}

// idf is the smoothed inverse document frequency of a stem seen in df of n
// documents.
func idf(df, n float64) float64 { return math.Log((n + 1) / (df + 0.5)) }

// sortedSet sorts s and drops its repeated values, in place, returning
// the set with its capacity cut to its length (the backing array's rest
// belongs to others).
func sortedSet[T uint32 | uint64](s []T) []T {
	radix.SortSmall(s)
	s = slices.Compact(s)
	return s[:len(s):len(s)]
}

// union returns the sorted union of two sorted, duplicate-free lists.
func union[T uint32 | uint64](a, b []T) []T {
	out := make([]T, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// inter returns the size of the intersection of two sorted,
// duplicate-free lists.
//
// Each step of the merge advances without a branch on the comparison:
// on lists of different texts its outcome is a coin toss, which a branch
// would mispredict about half the time (BenchmarkInter: 1.25–1.6× faster
// than a branching merge on such lists, as fast on near copies, about
// 1.4× slower on identical lists, whose "equal" steps a branch predicts).
func inter[T uint32 | uint64](a, b []T) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		n += b2i(x == y)
		i += b2i(x <= y)
		j += b2i(y <= x)
	}
	return n
}

// b2i is 1 for true, 0 for false (compiled to a flag set, not a branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
