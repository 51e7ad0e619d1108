package text

import (
	"runtime"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"

	"github.com/reprint-news/reprint/internal/radix"
)

// Words for sentence comparison.
//
// Sentence alignment (package match) compares words by their stems, so
// that "denied" meets "denies" and "supplying" meets "supplies". Stems come
// from the Snowball stemmers (github.com/kljensen/snowball) of the
// article's language: English, French, Spanish, Russian, Swedish,
// Norwegian and Hungarian (v0.10.0, the newest, has no others). Words of
// other languages are compared folded (case, accents as NFKC leaves them,
// apostrophes, Arabic-script forms), unstemmed. Stop words are those of
// IsStopWord (stopwords.go). A Chinese or Japanese character followed by
// another gets the bigram of the two as its stem, a stand-in for the
// word (see cjkTerms). An article
// whose language is undetermined (short texts) is stemmed as English,
// its ASCII words only.
//
// Stemming costs about a microsecond a word, so stems are memoised by
// token hash and language in a process-wide table: an article's words are
// then looked up, not stemmed, once the vocabulary has been seen. The
// table holds at most stemCacheMax entries per shard and is emptied shard
// by shard when full. In front of it, each running Words call holds a
// small direct-mapped table of its own (stemFront), so that the common
// words of a language cost one unlocked load.

// WordKind classifies a word for sentence comparison.
type WordKind uint8

// Kinds of words.
const (
	// Content is an ordinary content word.
	Content WordKind = iota
	// Stop is a function word (IsStopWord of the article's language;
	// languages without a list rely on IDF weights).
	Stop
	// Number is a run of digits: an anchor (a changed number is evidence
	// against a match).
	Number
)

// Word is one token as sentence comparison sees it.
type Word struct {
	// Stem is the hash of the word's stem (its folded form where no
	// stemmer applies).
	Stem uint32
	Kind WordKind
	// Cap is set when the word is written with an initial capital and is
	// not the first word of its sentence: a name, an anchor like a number.
	Cap bool
}

// stemmers maps ISO 639-1 codes to Snowball stemmers.
var stemmers = map[string]func(string, bool) string{
	"en": english.Stem, "fr": french.Stem, "es": spanish.Stem, "ru": russian.Stem,
	"sv": swedish.Stem, "no": norwegian.Stem, "nb": norwegian.Stem, "hu": hungarian.Stem,
}

type stemEntry struct {
	stem uint32
	kind WordKind
}

const (
	stemShards   = 64
	stemCacheMax = 1 << 16
)

type stemShard struct {
	mu sync.RWMutex
	m  map[uint64]stemEntry
}

var stemCache [stemShards]stemShard

// A stemFront is a small direct-mapped copy of the table's most recent
// lookups, two per processor (fronts): a word found there costs no lock
// and no probe of the large shared table, whose lookups miss the CPU's
// caches once the vocabulary is large. Entries are never stale: a key's
// stem never changes.
type stemFront struct {
	e [frontSize]struct {
		key uint64 // lang<<32 | token hash, with frontValid set
		stemEntry
	}
}

const (
	frontSize  = 1 << 15 // 512 KB, half a processor's L2 cache on a typical server
	frontValid = 1 << 63
)

// fronts are the front tables, two per processor, each taken by one
// Words call at a time; a call that finds them all taken looks its words
// up in the shared table alone. They are not in a sync.Pool, which the
// garbage collector empties: a table made again starts cold.
var fronts = make([]frontSlot, 2*runtime.GOMAXPROCS(0))

type frontSlot struct {
	mu sync.Mutex
	f  *stemFront
	_  [48]byte // a cache line each
}

// takeFront returns a free front table, locked (nil when all are taken):
// the first free one, so that few tables are in use and stay warm.
func takeFront() *frontSlot {
	for i := range fronts {
		fs := &fronts[i]
		if fs.mu.TryLock() {
			if fs.f == nil {
				fs.f = new(stemFront)
			}
			return fs
		}
	}
	return nil
}

// langKey gives each language of stemmers or stop words (stopwords.go) a
// small number for the cache key (0: neither).
var langKey = map[string]uint64{"en": 1, "fr": 2, "es": 3, "ru": 4, "sv": 5, "no": 6, "nb": 6, "hu": 7, Undetermined: 8,
	"fa": 9, "ar": 10, "ur": 11, "zh": 12, "ja": 13}

// Words appends, for every token of s (tokenized into toks), its Word in
// language lang. Tokens of one word split by normalization each get the
// stem of their own piece.
func Words(dst []Word, s string, toks []Token, lang string) []Word {
	lk := langKey[lang]
	stem := stemmers[lang]
	if lang == Undetermined {
		stem = english.Stem
	}
	var buf []byte
	var front *stemFront
	if fs := takeFront(); fs != nil {
		front = fs.f
		defer fs.mu.Unlock()
	}
	for i, t := range toks {
		if s[t.Start] >= utf8.RuneSelf && i+1 < len(toks) && toks[i+1].Start == t.End &&
			isSingleRuneToken(s, t) && isSingleRuneToken(s, toks[i+1]) {
			// A Chinese or Japanese character followed by another: the
			// bigram of the two stands in for the word (see cjkTerms).
			var b []byte
			for _, u := range toks[i : i+2] {
				buf = foldWord(buf, s[u.Start:u.End], func(p []byte) { b = append(b, p...) })
			}
			dst = append(dst, Word{Stem: HashWord(string(b)), Kind: Content})
			continue
		}
		key := lk<<32 | uint64(t.Hash)
		var e stemEntry
		if front == nil {
			e, buf = stemShared(key, s, toks, i, stem, lang, buf)
		} else if slot := &front.e[(t.Hash^uint32(lk)*0x9e3779b9)&(frontSize-1)]; slot.key == key|frontValid {
			e = slot.stemEntry
		} else {
			e, buf = stemShared(key, s, toks, i, stem, lang, buf)
			slot.key, slot.stemEntry = key|frontValid, e
		}
		wd := Word{Stem: e.stem, Kind: e.kind}
		if e.kind != Number {
			r, _ := utf8.DecodeRuneInString(s[t.Start:])
			wd.Cap = unicode.IsUpper(r)
		}
		dst = append(dst, wd)
	}
	return dst
}

// stemShared returns the stem of token i of s (toks) under key from the
// process-wide table, stemming it there on a miss.
func stemShared(key uint64, s string, toks []Token, i int, stem func(string, bool) string, lang string, buf []byte) (stemEntry, []byte) {
	t := toks[i]
	sh := &stemCache[t.Hash%stemShards]
	sh.mu.RLock()
	e, ok := sh.m[key]
	sh.mu.RUnlock()
	if !ok {
		// The folded piece of this token: count the pieces of its
		// word before it.
		piece := 0
		for j := i - 1; j >= 0 && toks[j].Start == t.Start; j-- {
			piece++
		}
		var w string
		k := 0
		buf = foldWord(buf, s[t.Start:t.End], func(p []byte) {
			if k == piece {
				w = string(p)
			}
			k++
		})
		e = stemOf(w, stem, lang)
		sh.mu.Lock()
		if sh.m == nil || len(sh.m) >= stemCacheMax {
			sh.m = make(map[uint64]stemEntry, 1024)
		}
		sh.m[key] = e
		sh.mu.Unlock()
	}
	return e, buf
}

// DistinctStems appends the distinct stems of words that are not stop
// words to dst, sorted (the terms a document counts for its frequency).
func DistinctStems(dst []uint32, words []Word) []uint32 {
	start := len(dst)
	for _, w := range words {
		if w.Kind != Stop {
			dst = append(dst, w.Stem)
		}
	}
	v := dst[start:]
	var scratch [1024]uint32
	buf := scratch[:]
	if len(v) > len(buf) {
		buf = make([]uint32, len(v))
	}
	radix.Sort(v, buf)
	return append(dst[:start], slices.Compact(v)...)
}

// stemOf classifies and stems one folded word.
func stemOf(w string, stem func(string, bool) string, lang string) stemEntry {
	switch {
	case isNumber(w):
		return stemEntry{stem: HashWord(w), kind: Number}
	case (lang == "en" || lang == Undetermined) && stopWords.has(w) && !timeWords.has(w):
		return stemEntry{stem: HashWord(w), kind: Stop}
	case lang != "en" && lang != Undetermined && IsStopWord(lang, w):
		return stemEntry{stem: HashWord(w), kind: Stop}
	}
	if stem != nil && (lang != Undetermined || isASCII(w)) {
		return stemEntry{stem: HashWord(stem(w, true)), kind: Content}
	}
	return stemEntry{stem: HashWord(w), kind: Content}
}
