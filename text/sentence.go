package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentences.
//
// Sentences splits a tokenized text into sentences with byte ranges into
// the original text, for sentence alignment (package match). The rules,
// in order:
//
//   - A line break always ends a sentence: news text puts one paragraph
//     on a line, and a headline or a date line is a line of its own.
//   - Within a line, a sentence ends after '.', '!', '?', '…' (and the
//     CJK, Arabic and Urdu full stops and question marks 。！？؟۔), with
//     any closing quotes and brackets after it, when whitespace follows
//     and the next word starts with an upper-case letter, a digit, an
//     opening quote or bracket, or a letter of a script without case.
//     CJK full stops end a sentence without the whitespace.
//   - A '.' does not end a sentence after a known abbreviation ("Mr.",
//     "U.S.", "Feb.", "Gen.") or a single letter (an initial: "J. Smith").
//   - A sentence longer than MaxSentenceTokens tokens (a text without
//     sentence punctuation, a table flattened into one line) is cut into
//     pieces of SentenceChunkTokens tokens, so that one run-on "sentence"
//     cannot swallow an article's alignment.
//
// A sentence's range runs from its first non-space character (an opening
// quote included) to its last punctuation mark or closing quote, so that
// text[Start:End] is the sentence as shown. Sentences without tokens
// (a line of dashes) are left out.

// Sentence is one sentence of a text: the byte range [Start, End) of the
// original text and its tokens Doc.Tokens[First:First+N].
type Sentence struct {
	Start, End int
	First, N   int
}

// MaxSentenceTokens is the longest sentence kept whole; SentenceChunkTokens
// the length of the pieces a longer one is cut into. News sentences run
// 15–40 words; 120 is far beyond any real one.
const (
	MaxSentenceTokens   = 120
	SentenceChunkTokens = 40
)

// abbreviations are folded words that a '.' follows without ending a
// sentence.
var abbreviations = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "col", "lt", "sgt", "capt", "cmdr",
		"adm", "maj", "gov", "sen", "rep", "rev", "hon", "pres", "supt", "insp", "det", "cpl", "pvt", "messrs",
		"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
		"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
		"no", "nos", "vs", "v", "etc", "inc", "ltd", "co", "corp", "plc", "dept", "univ", "assn", "bros",
		"approx", "est", "fig", "vol", "ch", "art", "sec", "op", "cf", "al", "ie", "eg", "am", "pm",
		"us", "uk", "un", "eu", "dc", "la",
	} {
		m[w] = true
	}
	return m
}()

// Hard-wrap detection (see Sentences).
const (
	WrapMinRunes   = 40
	WrappedShare   = 0.5
	WrapShortShare = 0.6
)

// Sentences appends the sentences of text s (tokenized into toks) to dst.
func Sentences(dst []Sentence, s string, toks []Token) []Sentence {
	wrapped, width := hardWrapped(s)
	t := 0 // next token to place
	segStart := 0
	for lineStart := 0; lineStart <= len(s); {
		lineEnd := len(s)
		if i := strings.IndexByte(s[lineStart:], '\n'); i >= 0 {
			lineEnd = lineStart + i
		}
		if !wrapped || lineEnd == len(s) || paragraphEnd(s, lineStart, lineEnd, width) {
			dst, t = lineSentences(dst, s, toks, t, segStart, lineEnd)
			segStart = lineEnd + 1
		}
		lineStart = lineEnd + 1
	}
	return dst
}

// hardWrapped reports whether s is hard-wrapped, and if so its longest
// line's length in runes (0 when it is not: only paragraphEnd, for
// wrapped text, uses the width).
func hardWrapped(s string) (bool, int) {
	long, open := 0, 0
	for rest := s; len(rest) > 0; {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		line = strings.TrimRight(line, " \t\r")
		// A line of 4·WrapMinRunes bytes holds WrapMinRunes runes at
		// least: only shorter ones are counted.
		if len(line) < WrapMinRunes || len(line) < 4*WrapMinRunes && utf8.RuneCountInString(line) < WrapMinRunes {
			continue
		}
		long++
		if r, _ := utf8.DecodeLastRuneInString(line); !isTerminal(r) && !isClosing(r) && r != '<' && r != ':' {
			open++
		}
	}
	if long < 3 || float64(open) < WrappedShare*float64(long) {
		return false, 0
	}
	width := 0
	for line := range strings.SplitSeq(s, "\n") {
		width = max(width, utf8.RuneCountInString(strings.TrimRight(line, " \t\r")))
	}
	return true, width
}

// paragraphEnd reports whether the line s[lo:hi] of hard-wrapped text
// ends its paragraph.
func paragraphEnd(s string, lo, hi, width int) bool {
	line := strings.TrimRight(s[lo:hi], " \t\r")
	if line == "" {
		return true
	}
	if r, _ := utf8.DecodeLastRuneInString(line); isTerminal(r) || r == '<' || r == ':' {
		return true
	}
	if float64(utf8.RuneCountInString(strings.TrimSpace(line))) < WrapShortShare*float64(width) {
		return true
	}
	next := s[hi+1:]
	if i := strings.IndexByte(next, '\n'); i >= 0 {
		next = next[:i]
	}
	return strings.TrimSpace(next) == ""
}

// lineSentences appends the sentences of the line s[lo:hi]; t is the
// first token at or after lo. It returns the first token after the line.
func lineSentences(dst []Sentence, s string, toks []Token, t, lo, hi int) ([]Sentence, int) {
	start := lo
	k := t // tokens before k end at or before the terminal looked at
	for i := lo; i < hi; {
		// ASCII bytes other than '.', '!' and '?' are never terminals.
		for i < hi && !mayEndSentence[s[i]] {
			i++
		}
		if i == hi {
			break
		}
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:hi])
		}
		i += size
		if !isTerminal(r) {
			continue
		}
		end := i
		// Further terminals and closing quotes belong to this sentence.
		for end < hi {
			r2, n := utf8.DecodeRuneInString(s[end:hi])
			if !isTerminal(r2) && !isClosing(r2) {
				break
			}
			end += n
		}
		for k < len(toks) && toks[k].End <= i-size {
			k++
		}
		if !sentenceBreak(s, toks, k, start, i-size, end, hi, r) {
			i = end
			continue
		}
		dst, t = emitSentence(dst, s, toks, t, start, end)
		start, i = end, end
	}
	return emitSentence(dst, s, toks, t, start, hi)
}

// sentenceBreak decides whether the terminal r at s[p] (its run ending at
// end) ends the sentence that began at start; toks[:k] are the tokens that
// end at or before p.
func sentenceBreak(s string, toks []Token, k, start, p, end, hi int, r rune) bool {
	cjk := r == '。' || r == '！' || r == '？'
	if end >= hi {
		return true // the line ends here anyway
	}
	if !cjk {
		c, _ := utf8.DecodeRuneInString(s[end:hi])
		if !unicode.IsSpace(c) {
			return false // "6.1", "U.S.A", "e.g.,"
		}
	}
	// The next word.
	j := end
	for j < hi {
		c, n := utf8.DecodeRuneInString(s[j:hi])
		if !unicode.IsSpace(c) {
			break
		}
		j += n
	}
	if j >= hi {
		return true
	}
	if !cjk {
		c, _ := utf8.DecodeRuneInString(s[j:hi])
		switch {
		case unicode.IsUpper(c), unicode.IsDigit(c), isOpening(c):
		case unicode.IsLetter(c) && !unicode.IsLower(c): // a script without case
		default:
			return false
		}
	}
	if r == '.' {
		// The word before the '.': an abbreviation or an initial?
		if k > 0 && toks[k-1].End == p && toks[k-1].Start >= start {
			w := s[toks[k-1].Start:toks[k-1].End]
			if utf8.RuneCountInString(w) == 1 && unicode.IsLetter([]rune(w)[0]) {
				return false
			}
			if len(w) <= 6 && abbreviations[lowerASCII(w)] {
				return false
			}
		}
	}
	return true
}

// emitSentence appends the sentence s[lo:hi] (trimmed) when it holds
// tokens, cutting an overlong one into pieces; t is the first token at or
// after lo. It returns the first token at or after hi.
func emitSentence(dst []Sentence, s string, toks []Token, t, lo, hi int) ([]Sentence, int) {
	for lo < hi {
		c, n := utf8.DecodeRuneInString(s[lo:hi])
		if !unicode.IsSpace(c) {
			break
		}
		lo += n
	}
	for hi > lo {
		c, n := utf8.DecodeLastRuneInString(s[lo:hi])
		if !unicode.IsSpace(c) {
			break
		}
		hi -= n
	}
	for t < len(toks) && toks[t].Start < lo {
		t++
	}
	first := t
	for t < len(toks) && toks[t].Start < hi {
		t++
	}
	n := t - first
	if n == 0 {
		return dst, t
	}
	if n <= MaxSentenceTokens {
		return append(dst, Sentence{Start: lo, End: hi, First: first, N: n}), t
	}
	for f, e := first, first; f < t; f = e {
		e = min(f+SentenceChunkTokens, t)
		// Pieces of one word (NFKC split) stay in one chunk.
		for e < t && toks[e].Start == toks[e-1].Start {
			e++
		}
		ps, pe := toks[f].Start, toks[e-1].End
		if f == first {
			ps = lo
		}
		if e == t {
			pe = hi
		}
		dst = append(dst, Sentence{Start: ps, End: pe, First: f, N: e - f})
	}
	return dst, t
}

// mayEndSentence marks the bytes a terminal can start with: '.', '!',
// '?' and every byte outside ASCII.
var mayEndSentence = StopBytes(".!?")

// StopBytes marks the ASCII bytes of ascii and every byte outside ASCII:
// the bytes a scan for those characters, or for any non-ASCII one, stops
// at (the other bytes it skips by one table lookup each).
func StopBytes(ascii string) (t [256]bool) {
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = true
	}
	for i := range len(ascii) {
		t[ascii[i]] = true
	}
	return t
}

func isTerminal(r rune) bool {
	switch r {
	case '.', '!', '?', '…', '。', '！', '？', '؟', '۔':
		return true
	}
	return false
}

func isClosing(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', '›', ')', ']', '」', '』', '<':
		return true
	}
	return false
}

func isOpening(r rune) bool {
	switch r {
	case '"', '\'', '“', '‘', '«', '‹', '(', '[', '「', '『':
		return true
	}
	return false
}

// lowerASCII lower-cases an ASCII word (others are returned as they are).
func lowerASCII(w string) string {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			b := []byte(w)
			for j := range b {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return w
}
