// Package text turns article text into what the fingerprints are made of:
// Unicode-normalized, case- and punctuation-folded word tokens that keep
// their byte offsets into the original text, grouped into lines, plus
// corpus-level boilerplate detection over those lines.
//
// Normalization (applied per token, so offsets always point into the text
// as read):
//
//   - NFKC, with a fast path: ASCII runs are never handed to the
//     normalizer, and a non-ASCII token is normalized only when
//     norm.NFKC.IsNormalString reports it is not already normal.
//   - Case folding to lower case (unicode.ToLower after NFKC).
//   - Quote and dash folding: apostrophes of every kind (' ’ ‘ ʼ ′ `)
//     inside a word are dropped, so "Kan’ani", "Kana'ani" and "Kanaani"
//     differ only by the letters themselves ("kanani" / "kanaani"); every
//     other quote and every dash or hyphen separates tokens.
//   - Arabic-script folding (arabic.go): the Arabic and Persian forms of
//     yeh, kaf and heh, alef and hamza forms, harakat and tatweel, and the
//     Arabic-Indic and Persian digits fold to one spelling, so that
//     Persian, Arabic and Urdu copies typed on different keyboards match;
//     joiners and direction marks inside a word are left out, the
//     zero-width non-joiner separates tokens.
//
// A token is a maximal run of letters, marks and digits (any script). Han,
// Hiragana, Katakana and Thai characters, which are written without spaces,
// are one token per character so that shingles still work for them.
//
// Token hashes are 32-bit FNV-1a over the folded UTF-8 bytes, finalized with
// a murmur3 mixer. They are part of the fingerprint format: changing the
// hash changes every fingerprint, so it is versioned by FingerprintVersion.
package text

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FingerprintVersion names the tokenization + hashing scheme. Stored
// fingerprints from different versions must not be compared. Version 2
// folds Arabic-script words (arabic.go); other scripts hash as in 1.
const FingerprintVersion = 2

// Token is one word of an article.
type Token struct {
	Start, End int    // byte offsets into the original text
	Hash       uint32 // hash of the folded form
}

// Line is one line of the original text (split on '\n') that holds at
// least one token.
type Line struct {
	Start, End int    // byte offsets of the line in the original text (End excludes '\n')
	First      int    // index of the line's first token in Doc.Tokens
	N          int    // number of tokens on the line
	Hash       uint64 // hash of the line's folded token sequence (whitespace-, case- and punctuation-insensitive)
}

// Doc is a tokenized article. The slices are reused by Tokenize when the
// same Doc is passed again.
type Doc struct {
	Tokens []Token
	Lines  []Line
	buf    []byte // scratch for folding non-ASCII tokens
}

const (
	fnvOffset32 = 2166136261
	fnvPrime32  = 16777619
)

// fmix32 is murmur3's finalizer: it spreads FNV's weak low bits.
func fmix32(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

// mix64 is the splitmix64 finalizer.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// HashWord returns the token hash of an already-folded word; exported so
// that tests and other packages can hash a word the same way.
func HashWord(folded string) uint32 {
	h := uint32(fnvOffset32)
	for i := 0; i < len(folded); i++ {
		h = (h ^ uint32(folded[i])) * fnvPrime32
	}
	return fmix32(h)
}

// asciiClass: 0 separator, 1 lower letter/digit, 2 upper letter, 3 apostrophe.
var asciiClass = func() (t [128]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = 2
	}
	t['\''] = 3
	t['`'] = 3
	return
}()

// asciiFold maps an ASCII letter or digit to its lower-case form and every
// other byte (separators, apostrophes, non-ASCII bytes) to 0.
var asciiFold = func() (t [256]uint8) {
	for c := range asciiClass {
		switch asciiClass[c] {
		case 1:
			t[c] = uint8(c)
		case 2:
			t[c] = uint8(c) + 'a' - 'A'
		}
	}
	return
}()

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', '\u2019', '\u2018', '\u02bc', '\u2032', '\u02b9', '\uff07':
		return true
	}
	return false
}

// firstSingleRuneWord is below every rune of the scripts of
// isSingleRuneWord (Thai starts at U+0E01; Han, Hiragana and Katakana
// above U+2E80): TestSingleRuneWordFastPath checks it over every rune.
const firstSingleRuneWord = 0x0E01

// isSingleRuneWord reports scripts written without spaces.
func isSingleRuneWord(r rune) bool {
	if r < firstSingleRuneWord { // Latin, Greek, Cyrillic, Arabic, …: no table lookups
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Thai, r)
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || unicode.IsNumber(r)
}

// Tokenize splits s into tokens and lines, reusing d's storage. It never
// fails: invalid UTF-8 bytes are treated as separators.
func (d *Doc) Tokenize(s string) {
	d.Tokens = d.Tokens[:0]
	d.Lines = d.Lines[:0]
	lineStart := 0
	lineFirst := 0
	i := 0
	n := len(s)
	// The line's hash is mixed as its tokens come (the chain of mixes
	// overlaps the scanning of the next words).
	// (No closures here: a variable they captured would live in memory.)
	lh := lineSeed
	for i < n {
		c := s[i]
		if c == '\n' {
			d.endLine(lineStart, i, lineFirst, lh)
			lineFirst, lh = len(d.Tokens), lineSeed
			lineStart = i + 1
			i++
			continue
		}
		if c < utf8.RuneSelf {
			// The ASCII words and separators up to the next newline or
			// non-ASCII byte, in a loop of their own (asciiWords), with
			// room for tokens made here: about one per 5 bytes at first
			// (English runs at one per 6), then doubling.
			if cap(d.Tokens)-len(d.Tokens) < 16 {
				d.Tokens = slices.Grow(d.Tokens, max(64, len(d.Tokens), (n-i)/5))
			}
			var slow bool
			if i, d.Tokens, lh, slow = asciiWords(s, i, d.Tokens, lh); slow {
				// A word that runs on into non-ASCII characters (asciiWords
				// stopped at its start): the slow path.
				k := len(d.Tokens)
				i = d.slowWord(s, i)
				lh = d.mixTokens(lh, k)
			}
			continue // at a newline, a non-ASCII byte, the end, or for room
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			i++
			continue
		}
		if isSingleRuneWord(r) {
			k := len(d.Tokens)
			d.appendFolded(s, i, i+size)
			lh = d.mixTokens(lh, k)
			i += size
			continue
		}
		if !isWordRune(r) {
			i += size
			continue
		}
		k := len(d.Tokens)
		i = d.slowWord(s, i)
		lh = d.mixTokens(lh, k)
	}
	d.endLine(lineStart, n, lineFirst, lh)
}

// asciiWords appends the tokens of the pure ASCII words of s from i on,
// mixing their hashes into the line hash lh, and returns where it
// stopped: at a newline or a non-ASCII byte outside a word, at the start
// of a word that runs on into non-ASCII characters (slow: left to the
// caller's slow path), or at the start of a word when toks is full (the
// caller makes room). It never grows toks itself: with no call inside,
// the loop keeps its variables in registers.
func asciiWords(s string, i int, toks []Token, lh uint64) (int, []Token, uint64, bool) {
	n := len(s)
	for i < n {
		c := s[i]
		f := asciiFold[c]
		if f == 0 {
			if c == '\n' || c >= utf8.RuneSelf {
				return i, toks, lh, false
			}
			i++ // a separator, or an apostrophe before a word
			continue
		}
		if len(toks) == cap(toks) {
			return i, toks, lh, false
		}
		// One table lookup per byte tells a word byte (with its folded
		// form) from anything else.
		start := i
		h := (uint32(fnvOffset32) ^ uint32(f)) * fnvPrime32
		i++
		for i < n {
			f := asciiFold[s[i]]
			if f == 0 {
				if s[i] == '\'' || s[i] == '`' { // apostrophe: part of the word only between word characters
					if i+1 < n && (s[i+1] >= utf8.RuneSelf || asciiFold[s[i+1]] != 0) {
						i++
						continue
					}
				} else if s[i] == 0xe2 && asciiFold[s[i-1]] != 0 && i+3 < n && s[i+1] == 0x80 && s[i+2] == 0x99 && asciiFold[s[i+3]] != 0 {
					// A typographic apostrophe (U+2019) between ASCII word
					// characters, as in "Iran’s": dropped, as folding does.
					i += 3
					continue
				}
				break
			}
			h = (h ^ uint32(f)) * fnvPrime32
			i++
		}
		if i < n && s[i] >= utf8.RuneSelf {
			return start, toks, lh, true // the word continues with non-ASCII characters
		}
		th := fmix32(h)
		toks = toks[:len(toks)+1] // room checked above
		toks[len(toks)-1] = Token{Start: start, End: i, Hash: th}
		lh = mix64(lh ^ uint64(th))
	}
	return i, toks, lh, false
}

// lineSeed starts every line's hash.
const lineSeed = uint64(0x9e3779b97f4a7c15)

// endLine appends the line from start to end whose tokens begin at first,
// when it has any; h is its hash.
func (d *Doc) endLine(start, end, first int, h uint64) {
	if k := len(d.Tokens) - first; k > 0 {
		d.Lines = append(d.Lines, Line{Start: start, End: end, First: first, N: k, Hash: h})
	}
}

// mixTokens mixes the tokens from k on into the line hash h.
func (d *Doc) mixTokens(h uint64, k int) uint64 {
	for _, t := range d.Tokens[k:] {
		h = mix64(h ^ uint64(t.Hash))
	}
	return h
}

// slowWord scans a word that contains non-ASCII characters starting at
// start, appends its token and returns the offset after it.
func (d *Doc) slowWord(s string, start int) int {
	i := start
	n := len(s)
	for i < n {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		if isApostrophe(r) || isInWordFormat(r) {
			if i+size < n {
				r2, _ := utf8.DecodeRuneInString(s[i+size:])
				if isWordRune(r2) && !isSingleRuneWord(r2) {
					i += size
					continue
				}
			}
			break
		}
		if !isWordRune(r) || isSingleRuneWord(r) {
			break
		}
		i += size
	}
	if i == start { // cannot happen for callers that checked isWordRune; stay safe
		return start + 1
	}
	d.appendFolded(s, start, i)
	return i
}

// appendFolded normalizes s[start:end] (NFKC, lower case, apostrophes
// dropped) and appends it as one token — or several, when NFKC turns it
// into text that tokenizes differently ("½" → "1⁄2" → "1", "2"), so that a
// normalized and an unnormalized spelling always give the same tokens. All
// pieces carry the original word's offsets.
func (d *Doc) appendFolded(s string, start, end int) {
	d.buf = foldWord(d.buf, s[start:end], func(piece []byte) {
		h := uint32(fnvOffset32)
		for _, c := range piece {
			h = (h ^ uint32(c)) * fnvPrime32
		}
		d.Tokens = append(d.Tokens, Token{Start: start, End: end, Hash: fmix32(h)})
	})
}

// foldWord calls emit with each folded piece of the word w, using buf as
// scratch, and returns buf for reuse.
func foldWord(buf []byte, w string, emit func(piece []byte)) []byte {
	if isASCII(w) {
		return foldASCII(buf, w, emit)
	}
	return foldUnicode(buf, w, emit)
}

// foldUnicode is foldWord for any word.
func foldUnicode(buf []byte, w string, emit func(piece []byte)) []byte {
	if !norm.NFKC.IsNormalString(w) {
		w = norm.NFKC.String(w)
	}
	b := buf[:0]
	// lowered: a rune of the piece changed case. Lower case can compose
	// where upper case could not ("Y" + ring above stays two runes, "y" +
	// ring above is "ẙ"), so such a piece is normalized once more: folding
	// folded text changes nothing.
	lowered := false
	var tmp []byte
	flush := func() {
		if len(b) > 0 {
			if lowered && !norm.NFKC.IsNormal(b) {
				tmp = norm.NFKC.Append(tmp[:0], b...)
				emit(tmp)
			} else {
				emit(b)
			}
			b = b[:0]
		}
		lowered = false
	}
	for _, r := range w {
		if isArabicBlock(r) {
			if r = foldArabic(r); r < 0 {
				continue
			}
		}
		switch {
		case isApostrophe(r), isInWordFormat(r):
		case isSingleRuneWord(r):
			flush()
			b = utf8.AppendRune(b, unicode.ToLower(r))
			flush()
		case !isWordRune(r):
			flush()
		default:
			lr := unicode.ToLower(r)
			lowered = lowered || lr != r
			b = utf8.AppendRune(b, lr)
		}
	}
	flush()
	return b
}

func isASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldASCII is foldWord for a word of ASCII bytes, without its Unicode
// work: ASCII is its own NFKC form, asciiClass tells its word runes
// (letters and digits) and apostrophes (left out), and it has no
// single-rune words. TestFoldASCII checks it against foldWord's general path.
func foldASCII(buf []byte, w string, emit func(piece []byte)) []byte {
	b := buf[:0]
	for i := 0; i < len(w); i++ {
		switch c := w[i]; asciiClass[c] {
		case 1:
			b = append(b, c)
		case 2:
			b = append(b, c+'a'-'A')
		case 0:
			if len(b) > 0 {
				emit(b)
				b = b[:0]
			}
		} // 3, an apostrophe: left out
	}
	if len(b) > 0 {
		emit(b)
		b = b[:0]
	}
	return b
}

// Hashes appends the hashes of the tokens, in order, to dst.
func (d *Doc) Hashes(dst []uint32) []uint32 {
	for _, t := range d.Tokens {
		dst = append(dst, t.Hash)
	}
	return dst
}

// Fold returns the normalized form of a text as the tokenizer sees it: its
// tokens' folded forms joined by single spaces. Tokenizing Fold(s) gives
// the same token hashes as tokenizing s. It is meant for display, tests
// and term extraction, not the hot path.
func Fold(s string) string {
	var d Doc
	d.Tokenize(s)
	var out, buf []byte
	prevStart, prevEnd := -1, -1
	for _, t := range d.Tokens {
		if t.Start == prevStart && t.End == prevEnd {
			continue // further pieces of a word already folded
		}
		prevStart, prevEnd = t.Start, t.End
		buf = foldWord(buf, s[t.Start:t.End], func(piece []byte) {
			if len(out) > 0 {
				out = append(out, ' ')
			}
			out = append(out, piece...)
		})
	}
	return string(out)
}
