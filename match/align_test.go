package match

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kljensen/snowball/english"

	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/text"
	"github.com/reprint-news/reprint/wordnet"
)

func prepareText(s string) *Doc {
	var d text.Doc
	d.Tokenize(s)
	return Prepare(s, &d, text.Language("", s), Env{Weights: NewDocFreq("en")})
}

func seedText(t testing.TB, prefix string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join("..", "testdata", "seeds", prefix+"_*.txt"))
	if len(m) != 1 {
		t.Fatalf("seed %s not found", prefix)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkAlignment asserts the invariants of an alignment of a and b.
func checkAlignment(t *testing.T, a, b *Doc, al Alignment) {
	t.Helper()
	span := func(d *Doc, r [2]int) (int, int) { return d.Sentences[r[0]].Start, d.Sentences[r[1]-1].End }
	lastA, lastB := -1, -1
	inOrdered := map[string]bool{}
	for _, p := range al.Pairs {
		if p.A[0] < 0 || p.A[1] > len(a.Sentences) || p.A[0] >= p.A[1] || p.B[0] < 0 || p.B[1] > len(b.Sentences) || p.B[0] >= p.B[1] {
			t.Fatalf("pair %+v out of range (%d, %d sentences)", p, len(a.Sentences), len(b.Sentences))
		}
		if p.A[1]-p.A[0] > 2 || p.B[1]-p.B[0] > 2 || p.A[1]-p.A[0] == 2 && p.B[1]-p.B[0] == 2 {
			t.Fatalf("pair %+v is not 1:1, 1:2 or 2:1", p)
		}
		if s, e := span(a, p.A); s != p.AStart || e != p.AEnd {
			t.Fatalf("pair %+v: a bytes [%d,%d), its sentences span [%d,%d)", p, p.AStart, p.AEnd, s, e)
		}
		if s, e := span(b, p.B); s != p.BStart || e != p.BEnd {
			t.Fatalf("pair %+v: b bytes [%d,%d), its sentences span [%d,%d)", p, p.BStart, p.BEnd, s, e)
		}
		if p.Score < 0 || p.Score > 1 {
			t.Fatalf("pair %+v: score out of [0,1]", p)
		}
		if p.Ordered {
			if p.A[0] <= lastA || p.B[0] <= lastB {
				t.Fatalf("ordered pair %+v not after (%d, %d)", p, lastA, lastB)
			}
			lastA, lastB = p.A[1]-1, p.B[1]-1
			for k := p.A[0]; k < p.A[1]; k++ {
				key := fmt.Sprint("a", k)
				if inOrdered[key] {
					t.Fatalf("sentence a%d in two ordered pairs", k)
				}
				inOrdered[key] = true
			}
		}
	}
	for _, p := range al.Passages {
		if text.Fold(a.Text[p.AStart:p.AEnd]) != text.Fold(b.Text[p.BStart:p.BEnd]) {
			t.Fatalf("passage %+v: %q ≠ %q", p, a.Text[p.AStart:p.AEnd], b.Text[p.BStart:p.BEnd])
		}
	}
	for _, v := range []float64{al.CoverageA, al.CoverageB, al.OrderedA, al.OrderedB, al.VerbatimA, al.VerbatimB, al.QuoteA, al.QuoteB, al.Cosine} {
		if v < 0 || v > 1 {
			t.Fatalf("share %v out of [0,1]: %+v", v, al)
		}
	}
}

func TestAlignSeeds(t *testing.T) {
	a, b := prepareText(seedText(t, "000")), prepareText(seedText(t, "001"))
	al := Align(a, b, DefaultAlignConfig())
	checkAlignment(t, a, b, al)
	ordered := 0
	for _, p := range al.Pairs {
		if p.Ordered {
			ordered++
		}
	}
	if ordered < 8 {
		t.Errorf("%d ordered pairs, want at least 8", ordered)
	}
	// The Tehran Times retelling of "Tehran has strongly rejected the
	// allegations": one of the pairs.
	found := false
	for _, p := range al.Pairs {
		if strings.HasPrefix(a.Text[p.AStart:p.AEnd], "Tehran has strongly rejected") && strings.HasPrefix(b.Text[p.BStart:p.BEnd], "Tehran has categorically denied") {
			found = true
		}
	}
	if !found {
		t.Errorf("the 'rejected'/'denied' sentences are not paired")
	}
}

func TestAlignIdentical(t *testing.T) {
	s := seedText(t, "002")
	a, b := prepareText(s), prepareText(s)
	al := Align(a, b, DefaultAlignConfig())
	checkAlignment(t, a, b, al)
	if al.CoverageA != 1 || al.CoverageB != 1 || al.VerbatimA != 1 {
		t.Errorf("identical texts: coverage %v/%v verbatim %v, want 1", al.CoverageA, al.CoverageB, al.VerbatimA)
	}
	for _, p := range al.Pairs {
		if !p.Ordered || p.Kind != KindVerbatim || p.A != p.B {
			t.Errorf("identical texts: pair %+v", p)
		}
	}
}

// TestAlignRandom builds texts from a pool of sentences, with some
// dropped, some added, some moved, and checks the invariants and that the
// shared sentences are found.
func TestAlignRandom(t *testing.T) {
	pool := strings.Split(strings.ReplaceAll(seedText(t, "000")+"\n"+seedText(t, "003"), "\n\n", "\n"), "\n")
	var clean []string
	for _, s := range pool {
		if len(strings.Fields(s)) >= 6 {
			clean = append(clean, strings.TrimSpace(s))
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for iter := range 200 {
		n := 3 + rng.IntN(10)
		var sa, sb []string
		for range n {
			s := clean[rng.IntN(len(clean))]
			sa = append(sa, s)
			if rng.IntN(4) > 0 {
				sb = append(sb, s)
			}
			if rng.IntN(5) == 0 {
				sb = append(sb, clean[rng.IntN(len(clean))])
			}
		}
		if rng.IntN(3) == 0 && len(sb) > 1 {
			i, j := rng.IntN(len(sb)), rng.IntN(len(sb))
			sb[i], sb[j] = sb[j], sb[i]
		}
		ta, tb := strings.Join(sa, "\n"), strings.Join(sb, " ")
		a, b := prepareText(ta), prepareText(tb)
		al := Align(a, b, DefaultAlignConfig())
		checkAlignment(t, a, b, al)
		// Every sentence of b that is a sentence of a is paired.
		for j, st := range b.Sentences {
			s := tb[st.Start:st.End]
			if !slices.Contains(sa, s) {
				continue
			}
			if !slices.ContainsFunc(al.Pairs, func(p SentencePair) bool { return p.B[0] <= j && j < p.B[1] }) {
				t.Fatalf("iteration %d: b's sentence %q, also in a, is not paired", iter, s)
			}
		}
	}
}

func TestAlignBadInput(t *testing.T) {
	long := strings.Repeat("The minister said the talks would go on. ", MaxSentences+50)
	noPunct := strings.Repeat("drones russia iran ukraine talks minister ", 400)
	arabic := "نفى المتحدث باسم وزارة الخارجية الإيرانية تزويد روسيا بطائرات مسيرة. وقال إن التعاون الدفاعي قديم."
	cases := []struct {
		name string
		a, b string
	}{
		{"empty", "", ""},
		{"one empty", "", seedText(t, "000")},
		{"no tokens", "--- *** ---", "... !!!"},
		{"overlong", long, long},
		{"no punctuation", noPunct, noPunct[:len(noPunct)/2]},
		{"scripts", arabic, seedText(t, "000")},
		{"one word", "Tehran", "Tehran"},
		{"invalid utf-8", "abc \xff\xfe def. Ghi.", "abc def. Ghi."},
	}
	for _, c := range cases {
		a, b := prepareText(c.a), prepareText(c.b)
		al := Align(a, b, DefaultAlignConfig())
		checkAlignment(t, a, b, al)
		r := Relate(a, b, Overlap{}, false, Unknown, DefaultReuseConfig())
		switch c.name {
		case "overlong":
			if !al.Truncated || len(a.Sentences) != MaxSentences+50 || al.WindowA[1]-al.WindowA[0] != MaxSentences {
				t.Errorf("overlong: truncated %v, %d sentences, window %v", al.Truncated, len(a.Sentences), al.WindowA)
			}
		case "scripts":
			if r.Relation.Copy() {
				t.Errorf("texts in two scripts: %s", r.Relation)
			}
		case "no punctuation":
			if len(a.Sentences) < 2 {
				t.Errorf("no punctuation: %d sentences", len(a.Sentences))
			}
		}
	}
}

// TestAlignLongWindow: an article reprinted at the end of a text longer
// than MaxSentences (a digest, a live blog) is found there, the coverage
// of the long text is a share of all of it, and a text beyond MaxPrepared
// is prepared on its first MaxPrepared sentences.
func TestAlignLongWindow(t *testing.T) {
	filler := testdata.Filler(MaxSentences + 150)
	story := seedText(t, "000")
	long := filler + story
	a, b := prepareText(long), prepareText(story)
	al := Align(a, b, DefaultAlignConfig())
	checkAlignment(t, a, b, al)
	if !al.Truncated || al.WindowA[1] != len(a.Sentences) || al.WindowA[1]-al.WindowA[0] != MaxSentences {
		t.Fatalf("window %v of %d sentences, truncated %v", al.WindowA, len(a.Sentences), al.Truncated)
	}
	if al.WindowB != [2]int{0, len(b.Sentences)} {
		t.Errorf("the short text's window %v, want all %d sentences", al.WindowB, len(b.Sentences))
	}
	if al.CoverageB < 0.95 || al.CoverageA > 0.2 {
		t.Errorf("coverage a %.3f b %.3f: want the story found whole, the long text mostly not", al.CoverageA, al.CoverageB)
	}
	for _, p := range al.Pairs {
		if p.A[0] < al.WindowA[0] || p.A[1] > al.WindowA[1] {
			t.Errorf("pair %v outside the window %v", p.A, al.WindowA)
		}
	}
	// The same story at the start: the first window, as before.
	c := prepareText(story + "\n" + filler)
	if al := Align(c, b, DefaultAlignConfig()); al.WindowA != [2]int{0, MaxSentences} || al.CoverageB < 0.95 {
		t.Errorf("story first: window %v, coverage %.3f", al.WindowA, al.CoverageB)
	}
	// The story anywhere in the filler: the window holds it.
	lines := strings.SplitAfter(filler, "\n")
	rng := rand.New(rand.NewPCG(7, 8))
	for range 6 {
		at := rng.IntN(len(lines))
		mixed := strings.Join(lines[:at], "") + "\n" + story + "\n" + strings.Join(lines[at:], "")
		m := prepareText(mixed)
		al := Align(m, b, DefaultAlignConfig())
		checkAlignment(t, m, b, al)
		start := strings.Index(mixed, story)
		end := start + len(strings.TrimSpace(story))
		inWindow := m.Sentences[al.WindowA[0]].Start <= start && end <= m.Sentences[al.WindowA[1]-1].End
		if !inWindow || al.CoverageB < 0.95 {
			t.Errorf("story after filler sentence %d: window %v (bytes %d–%d, story at %d), coverage %.3f",
				at, al.WindowA, m.Sentences[al.WindowA[0]].Start, m.Sentences[al.WindowA[1]-1].End, start, al.CoverageB)
		}
	}
	// Two long copies of one text: beyond the window, the verbatim
	// passages still find each in the other.
	edited := prepareText(strings.Replace(long, "zebra", "giraffe", 20))
	if al := Align(a, edited, DefaultAlignConfig()); al.CoverageA < 0.95 || al.CoverageB < 0.95 {
		t.Errorf("long copies: coverage a %.3f b %.3f (windows %v %v)", al.CoverageA, al.CoverageB, al.WindowA, al.WindowB)
	}
	huge := strings.Repeat(filler, MaxPrepared/(MaxSentences+150)+1)
	if d := prepareText(huge); !d.Truncated || len(d.Sentences) != MaxPrepared {
		t.Errorf("beyond MaxPrepared: truncated %v, %d sentences", d.Truncated, len(d.Sentences))
	}
}

func FuzzAlign(f *testing.F) {
	f.Add("Iran denied it. Russia agreed.", "Russia agreed. Iran denied it!")
	f.Add("“Quote,” he said. More.", "\"Quote,\" she said.")
	f.Add("", "x")
	f.Add("一。二。", "一。")
	f.Fuzz(func(t *testing.T, x, y string) {
		if len(x) > 4000 || len(y) > 4000 {
			return
		}
		a, b := prepareText(x), prepareText(y)
		al := Align(a, b, DefaultAlignConfig())
		checkAlignment(t, a, b, al)
		Relate(a, b, Overlap{}, false, Unknown, DefaultReuseConfig())
	})
}

func BenchmarkAlign(b *testing.B) {
	x, y := prepareText(seedText(b, "000")), prepareText(seedText(b, "001"))
	b.SetBytes(int64(len(x.Text) + len(y.Text)))
	b.ReportAllocs()
	for b.Loop() {
		Align(x, y, DefaultAlignConfig())
	}
}

func BenchmarkPrepare(b *testing.B) {
	s := seedText(b, "001")
	w := NewDocFreq("en")
	var d text.Doc
	d.Tokenize(s)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		Prepare(s, &d, "en", Env{Weights: w})
	}
}

// BenchmarkPrepareCorpus prepares the ECB+ development articles one after
// another over their document frequencies and WordNet (when installed):
// unlike BenchmarkPrepare, the lookups meet a vocabulary, not one text.
func BenchmarkPrepareCorpus(b *testing.B) {
	texts := testdata.Texts(b, "ecbplus-dev.jsonl")
	df := NewDocFreq("en")
	docs := make([]text.Doc, len(texts))
	var size int64
	for i, s := range texts {
		docs[i].Tokenize(s)
		df.Add(text.Words(nil, s, docs[i].Tokens, "en"))
		size += int64(len(s))
	}
	senses, _ := wordnet.Default()
	env := Env{Weights: df, Senses: senses.Senses}
	b.SetBytes(size / int64(len(texts)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Prepare(texts[i], &docs[i], "en", env)
		i = (i + 1) % len(texts)
	}
}

// BenchmarkAlignCorpus relates the ECB+ development articles two by two
// in file order (mostly reports of one kind of event: the pairs a story
// holds) over their document frequencies and WordNet (when installed):
// unlike BenchmarkAlign, which repeats one pair, the comparisons meet
// ever other texts. ns/op is one pair, related with its evidence.
func BenchmarkAlignCorpus(b *testing.B) {
	texts := testdata.Texts(b, "ecbplus-dev.jsonl")
	df := NewDocFreq("en")
	docs := make([]text.Doc, len(texts))
	for i, s := range texts {
		docs[i].Tokenize(s)
		df.Add(text.Words(nil, s, docs[i].Tokens, "en"))
	}
	senses, _ := wordnet.Default()
	env := Env{Weights: df, Senses: senses.Senses}
	prepared := make([]*Doc, len(texts))
	for i, s := range texts {
		prepared[i] = Prepare(s, &docs[i], "en", env)
	}
	cfg := DefaultReuseConfig()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Relate(prepared[i], prepared[i+1], Overlap{}, false, Unknown, cfg)
		i = (i + 1) % (len(texts) - 1)
	}
}

// TestSealedFrozenPrepares: a text prepared over SealedFrozen weights and
// the boilerplate function is the text prepared with what Freeze takes
// from the DocFreq and the same function, for the ECB+ development
// articles (some of their lines taken as boilerplate).
func TestSealedFrozenPrepares(t *testing.T) {
	texts := testdata.Texts(t, "ecbplus-dev.jsonl")
	df := NewDocFreq("en")
	analyzed := make([]*Text, len(texts))
	for i, s := range texts {
		var d text.Doc
		d.Tokenize(s)
		analyzed[i] = Analyze(s, &d, "en")
		df.AddStems(analyzed[i].Stems())
	}
	boiler := func(h uint64) bool { return h%5 == 0 }
	senses, _ := wordnet.Default()
	sealed := Env{Weights: df.SealedFrozen(), Boiler: boiler, Senses: senses.Senses}
	for i, tx := range analyzed {
		f := tx.Freeze(Env{Weights: df, Boiler: boiler})
		want, got := tx.Prepare(f.Env(senses.Senses)), tx.Prepare(sealed)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("text %d prepared differently over the sealed weights", i)
		}
	}
}

// TestWhen: a text's weekdays and months are found (and only they), as
// sameStory compares them.
func TestWhen(t *testing.T) {
	d := prepareText("The minister spoke on Tuesday. The talks resume in March, he said on Mondays.")
	want := []uint32{text.HashWord(english.Stem("tuesday", true)), text.HashWord(english.Stem("march", true)), text.HashWord(english.Stem("mondays", true))}
	slices.Sort(want)
	if !slices.Equal(d.when, want) {
		t.Fatalf("when %v, want %v", d.when, want)
	}
	if d := prepareText("The minister spoke again. The talks resume soon, he said."); len(d.when) != 0 {
		t.Fatalf("when %v in a text without days or months", d.when)
	}
}
