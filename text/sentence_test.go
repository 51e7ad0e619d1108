package text

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// sentenceTexts splits s and returns each sentence's text.
func sentenceTexts(s string) []string {
	var d Doc
	d.Tokenize(s)
	var out []string
	for _, st := range Sentences(nil, s, d.Tokens) {
		out = append(out, s[st.Start:st.End])
	}
	return out
}

func TestSentences(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"One sentence. Another one! A third? Yes.", []string{"One sentence.", "Another one!", "A third?", "Yes."}},
		{"Mr. Smith met Dr. J. Doe in the U.S. on Friday. They talked.", []string{"Mr. Smith met Dr. J. Doe in the U.S. on Friday.", "They talked."}},
		{`He said: "We deny it." The ministry agreed.`, []string{`He said: "We deny it."`, "The ministry agreed."}},
		{"“Relations are good,” Kanaani remarked. He left.", []string{"“Relations are good,” Kanaani remarked.", "He left."}},
		{"Prices rose 6.1 percent. Then fell.", []string{"Prices rose 6.1 percent.", "Then fell."}},
		{"Headline without a stop\nBody sentence one. Body two.", []string{"Headline without a stop", "Body sentence one.", "Body two."}},
		{"lower case after a stop. continues here.", []string{"lower case after a stop. continues here."}},
		{"中国经济增长。市场反应积极！", []string{"中国经济增长。", "市场反应积极！"}},
		{"---\n\n  \n", nil},
		{"", nil},
	}
	for _, c := range cases {
		got := sentenceTexts(c.in)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Sentences(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestSentencesHardWrapped(t *testing.T) {
	in := "MAN REMANDED OVER TAXI DRIVER'S MURDER<\n" +
		"A man today appeared in court in connection with the murder of a Belfast man\n" +
		"who was found bound, blindfolded and shot in the head on waste ground.<\n" +
		"Thomas Allsopp, 45, from Ludlow Square, Belfast, denied murdering 22-year-old\n" +
		"taxi driver Charles Bennett when he appeared before the City's Magistrates\n" +
		"Court.<\n" +
		"He was remanded in custody to appear before the Maze Court on August 25.<\n"
	got := sentenceTexts(in)
	want := []string{
		"MAN REMANDED OVER TAXI DRIVER'S MURDER<",
		"A man today appeared in court in connection with the murder of a Belfast man\nwho was found bound, blindfolded and shot in the head on waste ground.<",
		"Thomas Allsopp, 45, from Ludlow Square, Belfast, denied murdering 22-year-old\ntaxi driver Charles Bennett when he appeared before the City's Magistrates\nCourt.<",
		"He was remanded in custody to appear before the Maze Court on August 25.<",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("hard-wrapped text:\n got %q\nwant %q", got, want)
	}
}

func TestSentencesRunOn(t *testing.T) {
	words := strings.Repeat("word ", 1000) // no punctuation at all
	var d Doc
	d.Tokenize(words)
	ss := Sentences(nil, words, d.Tokens)
	if len(ss) != 1000/SentenceChunkTokens {
		t.Fatalf("%d pieces, want %d", len(ss), 1000/SentenceChunkTokens)
	}
	checkSentences(t, words, &d, ss)
}

// checkSentences asserts the invariants: sentences in order, not
// overlapping, each holding exactly its tokens, every token in one.
func checkSentences(t *testing.T, s string, d *Doc, ss []Sentence) {
	t.Helper()
	next := 0
	prevEnd := 0
	for i, st := range ss {
		if st.Start < prevEnd || st.End < st.Start || st.End > len(s) {
			t.Fatalf("sentence %d [%d,%d) out of order or range (previous end %d, len %d)", i, st.Start, st.End, prevEnd, len(s))
		}
		if st.N <= 0 || st.First < next {
			t.Fatalf("sentence %d tokens [%d,+%d), next free token %d", i, st.First, st.N, next)
		}
		for k := st.First; k < st.First+st.N; k++ {
			if d.Tokens[k].Start < st.Start || d.Tokens[k].End > st.End {
				t.Fatalf("sentence %d [%d,%d) does not hold its token %d [%d,%d)", i, st.Start, st.End, k, d.Tokens[k].Start, d.Tokens[k].End)
			}
		}
		next, prevEnd = st.First+st.N, st.End
	}
	// Tokens outside every sentence: none (a sentence is dropped only
	// when it has no tokens).
	in := 0
	for _, st := range ss {
		in += st.N
	}
	if in != len(d.Tokens) {
		t.Fatalf("%d of %d tokens in sentences", in, len(d.Tokens))
	}
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{"A. B. C.", "Mr. X said \"no.\" Then?", "一。二！", "x\ny\n\nz.", "line one\nline two", "a.b.c. D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d Doc
		d.Tokenize(s)
		checkSentences(t, s, &d, Sentences(nil, s, d.Tokens))
	})
}

func TestWords(t *testing.T) {
	s := "Tehran denied the accusations; Iran denies 2 accusations"
	var d Doc
	d.Tokenize(s)
	w := Words(nil, s, d.Tokens, "en")
	if len(w) != len(d.Tokens) {
		t.Fatalf("%d words for %d tokens", len(w), len(d.Tokens))
	}
	// denied / denies and accusations share stems; "the" is a stop word,
	// "2" a number, "Iran" capitalised.
	if w[1].Stem != w[5].Stem || w[3].Stem != w[7].Stem {
		t.Errorf("stems differ: %+v", w)
	}
	if w[2].Kind != Stop || w[6].Kind != Number || !w[4].Cap || w[1].Cap {
		t.Errorf("kinds: %+v", w)
	}
	// Cached and fresh stems agree.
	if again := Words(nil, s, d.Tokens, "en"); again[1] != w[1] {
		t.Errorf("cache changed a stem")
	}
}

// TestWordsConcurrent: Words on more goroutines than there are front
// tables (some calls use the shared table alone) gives every call the
// words one call alone gives, in English and French.
func TestWordsConcurrent(t *testing.T) {
	texts := []struct{ s, lang string }{
		{"Tehran denied the accusations; Iran denies 2 accusations of supplying drones to Russia.", "en"},
		{"Le ministre a démenti les accusations, et les démentis se succèdent depuis lundi.", "fr"},
	}
	want := make([][]Word, len(texts))
	docs := make([]Doc, len(texts))
	for i, x := range texts {
		docs[i].Tokenize(x.s)
		want[i] = Words(nil, x.s, docs[i].Tokens, x.lang)
	}
	n := 4*len(fronts) + 1
	errs := make(chan string, n)
	var wg sync.WaitGroup
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w []Word
			for k := range 2000 {
				i := (g + k) % len(texts)
				w = Words(w[:0], texts[i].s, docs[i].Tokens, texts[i].lang)
				if !slices.Equal(w, want[i]) {
					errs <- fmt.Sprintf("goroutine %d, text %d: %+v, want %+v", g, i, w, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestWordsVocabulary: over a vocabulary larger than a front table (so
// that its slots are shared and overwritten), every word gets the stem
// that stemming it directly gives, whichever order the words come in.
func TestWordsVocabulary(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	words := make([]string, 3*frontSize)
	for i := range words {
		b := make([]byte, 5+r.IntN(6))
		for k := range b {
			b[k] = byte('a' + r.IntN(26))
		}
		words[i] = string(b)
	}
	rev := slices.Clone(words)
	slices.Reverse(rev)
	for pass, order := range [][]string{words, rev} {
		s := strings.Join(order, " ")
		var d Doc
		d.Tokenize(s)
		w := Words(nil, s, d.Tokens, "en")
		if len(w) != len(order) {
			t.Fatalf("pass %d: %d words for %d", pass, len(w), len(order))
		}
		for i, x := range order {
			e := stemOf(x, english.Stem, "en")
			if w[i].Stem != e.stem || w[i].Kind != e.kind {
				t.Fatalf("pass %d, %q: %+v, want stem %d kind %d", pass, x, w[i], e.stem, e.kind)
			}
		}
	}
}

// TestStopBytes: the given ASCII bytes and every byte outside ASCII, no
// other.
func TestStopBytes(t *testing.T) {
	tab := StopBytes(".!?")
	for c := range 256 {
		want := c >= utf8.RuneSelf || c == '.' || c == '!' || c == '?'
		if tab[c] != want {
			t.Errorf("byte %#x: %v, want %v", c, tab[c], want)
		}
	}
}
