package match

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/text"
)

// tokens tokenizes s into a fresh slice.
func tokens(s string) []text.Token {
	var d text.Doc
	d.Tokenize(s)
	return d.Tokens
}

// hashes returns the token hashes of s.
func hashes(s string) []uint32 {
	var d text.Doc
	d.Tokenize(s)
	return d.Hashes(nil)
}

// checkPassages asserts the invariants every result must keep: passages
// are at least k tokens, sorted and non-overlapping in a, and their a and b
// substrings fold to the same token sequence of Tokens tokens.
func checkPassages(t *testing.T, a, b string, ps []Passage, k int) {
	t.Helper()
	prevEnd := 0
	for n, p := range ps {
		if p.Tokens < k {
			t.Errorf("passage %d %+v: %d tokens < minTokens %d", n, p, p.Tokens, k)
		}
		if p.AStart < prevEnd || p.AStart >= p.AEnd || p.BStart >= p.BEnd ||
			p.AEnd > len(a) || p.BEnd > len(b) || p.BStart < 0 {
			t.Errorf("passage %d %+v: bad range or out of order (previous a end %d)", n, p, prevEnd)
			continue
		}
		prevEnd = p.AEnd
		ha, hb := hashes(a[p.AStart:p.AEnd]), hashes(b[p.BStart:p.BEnd])
		if !slices.Equal(ha, hb) || len(ha) != p.Tokens {
			t.Errorf("passage %d %+v: a %q (%d tokens) and b %q (%d tokens) do not fold to the same %d tokens",
				n, p, a[p.AStart:p.AEnd], len(ha), b[p.BStart:p.BEnd], len(hb), p.Tokens)
		}
	}
}

// coverage returns the fractions of a's and b's tokens that lie inside a
// passage (a b token covered by two passages counts once).
func coverage(ta, tb []text.Token, ps []Passage) (fa, fb float64) {
	frac := func(toks []text.Token, ranges [][2]int) float64 {
		if len(toks) == 0 {
			return 0
		}
		n := 0
		for _, tok := range toks {
			for _, r := range ranges {
				if tok.Start >= r[0] && tok.End <= r[1] {
					n++
					break
				}
			}
		}
		return float64(n) / float64(len(toks))
	}
	var ra, rb [][2]int
	for _, p := range ps {
		ra = append(ra, [2]int{p.AStart, p.AEnd})
		rb = append(rb, [2]int{p.BStart, p.BEnd})
	}
	return frac(ta, ra), frac(tb, rb)
}

func TestPassagesHandCases(t *testing.T) {
	const fox = "The quick brown fox jumps over the lazy dog near the river bank."
	cases := []struct {
		name string
		a, b string
		k    int
		want []Passage
	}{
		{"both empty", "", "", 3, nil},
		{"a empty", "", fox, 3, nil},
		{"b empty", fox, "", 3, nil},
		{"no tokens", " ,.; -- ", fox, 1, nil},
		{"shorter than minTokens", "quick brown", "quick brown", 3, nil},
		{"identical", fox, fox, 4, []Passage{{0, len(fox) - 1, 0, len(fox) - 1, 13}}},
		{"case and punctuation",
			"THE QUICK, brown fox -- jumps over “the” lazy dog",
			"the quick brown fox jumps over the lazy dog!",
			5, []Passage{{0, 53, 0, 43, 9}}},
		{"apostrophes fold", "spokesman Nasser Kana'ani told Sputnik", "spokesman Nasser Kanaani told Sputnik", 5,
			[]Passage{{0, 38, 0, 37, 5}}},
		{"shared run below minTokens",
			"one two three four alpha beta gamma delta five six",
			"seven alpha beta gamma delta eight", 5, nil},
		{"shared run at minTokens",
			"one two three four alpha beta gamma delta five six",
			"seven alpha beta gamma delta eight", 4, []Passage{{19, 41, 6, 28, 4}}},
		{"minTokens below one counts as one", "x y", "y", 0, []Passage{{2, 3, 0, 1, 1}}},
		{"a word in other case does not split",
			"alpha beta gamma delta epsilon zeta eta theta",
			"alpha beta gamma delta EPSILON zeta eta theta iota",
			3, []Passage{{0, 45, 0, 45, 8}}},
		{"a word changed",
			"alpha beta gamma delta epsilon zeta eta theta",
			"alpha beta gamma delta omicron zeta eta theta",
			3, []Passage{{0, 22, 0, 22, 4}, {31, 45, 31, 45, 3}}},
		{"order of a, b reordered",
			"red green blue cyan. one two three four",
			"one two three four. red green blue cyan",
			4, []Passage{{0, 19, 20, 39, 4}, {21, 39, 0, 18, 4}}},
		{"repeated in a, once in b: passages overlap in b",
			"red green blue cyan. x red green blue cyan",
			"red green blue cyan",
			3, []Passage{{0, 19, 0, 19, 4}, {23, 42, 0, 19, 4}}},
		{"repeated in b: the longer extension wins",
			"red green blue cyan magenta",
			"red green blue yellow. red green blue cyan magenta",
			3, []Passage{{0, 27, 23, 50, 5}}},
		{"repeated in b: a tie goes to the in-order position",
			"one two three four. x red green blue",
			"red green blue. one two three four. red green blue",
			3, []Passage{{0, 18, 16, 34, 4}, {22, 36, 36, 50, 3}}},
		{"word split by NFKC at the end is not cut",
			"foo bar baz ½ qux", "foo bar baz 1", 3,
			[]Passage{{0, 11, 0, 11, 3}}},
		{"word split by NFKC is not cut", // ½ folds to the tokens 1 and 2
			"foo ½ bar baz qux", "2 bar baz qux", 3,
			[]Passage{{7, 18, 2, 13, 3}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Passages(tokens(c.a), tokens(c.b), c.k)
			if !slices.Equal(got, c.want) {
				t.Errorf("Passages(%q, %q, %d)\n got  %+v\n want %+v", c.a, c.b, c.k, got, c.want)
			}
			checkPassages(t, c.a, c.b, got, max(c.k, 1))
		})
	}
}

// TestPassagesRandom checks Passages on random texts over a small
// vocabulary (many repeats, long chains) against brute force: every
// passage is a real, maximal match, and every minTokens-gram of a that
// occurs anywhere in b has its first token inside some passage.
func TestPassagesRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"a", "b", "c", "d", "e", "f"}
	gen := func(n, vocab int) (string, []int) {
		var sb strings.Builder
		ids := make([]int, n)
		for i := range n {
			ids[i] = rng.IntN(vocab)
			if i > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(words[ids[i]])
		}
		return sb.String(), ids
	}
	for iter := range 2000 {
		vocab := 2 + iter%5
		k := 1 + rng.IntN(6)
		a, ia := gen(rng.IntN(60), vocab)
		b, ib := gen(rng.IntN(60), vocab)
		if iter%3 == 0 && len(ia) > 10 { // plant a shared run
			b = b + " " + a[:len(a)/2]
			ib = append(ib, ia[:len(tokens(a[:len(a)/2]))]...)
		}
		ta, tb := tokens(a), tokens(b)
		if len(ta) != len(ia) || len(tb) != len(ib) {
			t.Fatalf("generator: token counts %d/%d vs %d/%d", len(ta), len(ia), len(tb), len(ib))
		}
		ps := Passages(ta, tb, k)
		checkPassages(t, a, b, ps, k)
		// Token indices: words are one byte + one space, so index = offset/2.
		covered := make([]bool, len(ia))
		prevEnd := 0
		for _, p := range ps {
			s, q, l := p.AStart/2, p.BStart/2, p.Tokens
			if !slices.Equal(ia[s:s+l], ib[q:q+l]) {
				t.Fatalf("a=%q b=%q k=%d: passage %+v is not a match", a, b, k, p)
			}
			if s+l < len(ia) && q+l < len(ib) && ia[s+l] == ib[q+l] {
				t.Fatalf("a=%q b=%q k=%d: passage %+v extends forward", a, b, k, p)
			}
			if s > prevEnd && q > 0 && ia[s-1] == ib[q-1] {
				t.Fatalf("a=%q b=%q k=%d: passage %+v extends backward", a, b, k, p)
			}
			prevEnd = s + l
			for x := s; x < s+l; x++ {
				covered[x] = true
			}
		}
		for i := 0; i+k <= len(ia); i++ {
			if covered[i] {
				continue
			}
			for q := 0; q+k <= len(ib); q++ {
				if slices.Equal(ia[i:i+k], ib[q:q+k]) {
					t.Fatalf("a=%q b=%q k=%d: gram at a token %d occurs at b token %d but is not covered; passages %+v",
						a, b, k, i, q, ps)
				}
			}
		}
	}
}

// seed reads a seed article by its number ("000").
func seed(tb testing.TB, dir, num string) string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "seeds", num+"_*.txt"))
	if err != nil || len(files) != 1 {
		tb.Fatalf("seed %s: found %v (%v)", num, files, err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}

// ecbArticle reads one article of the ECB+ development set by id.
func ecbArticle(tb testing.TB, dir, id string) string {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, "ecbplus-dev.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a struct{ ID, Text string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			tb.Fatal(err)
		}
		if a.ID == id {
			return a.Text
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	tb.Fatalf("ECB+ article %s not found", id)
	return ""
}

func TestPassagesSeeds(t *testing.T) {
	dir := testdata.Require(t)
	const k = 8
	texts := map[string]string{}
	for _, n := range []string{"000", "001", "002", "003", "004"} {
		texts[n] = seed(t, dir, n)
	}
	texts["ecb"] = ecbArticle(t, dir, "1_1ecb") // Tara Reid enters rehab: unrelated

	shorterCoverage := func(a, b string) (float64, []Passage) {
		ta, tb := tokens(a), tokens(b)
		ps := Passages(ta, tb, k)
		checkPassages(t, a, b, ps, k)
		fa, fb := coverage(ta, tb, ps)
		if len(ta) <= len(tb) {
			return fa, ps
		}
		return fb, ps
	}

	// 002 and 004: the same Mehr article captured twice.
	dup, ps := shorterCoverage(texts["002"], texts["004"])
	t.Logf("002 vs 004: %d passages, %.1f%% of the shorter text", len(ps), 100*dup)
	if dup < 0.8 {
		t.Errorf("002 vs 004 (same article): passages cover %.1f%% of the shorter text, want ≥ 80%%", 100*dup)
	}
	dupRev, _ := shorterCoverage(texts["004"], texts["002"])
	if dupRev < 0.8 {
		t.Errorf("004 vs 002: passages cover %.1f%% of the shorter text, want ≥ 80%%", 100*dupRev)
	}

	// 001 retells 000 in other words: some quotes survive, most does not.
	rw, ps := shorterCoverage(texts["000"], texts["001"])
	t.Logf("000 vs 001: %d passages, %.1f%% of the shorter text", len(ps), 100*rw)
	if rw > 0.4 || rw > dup/2 {
		t.Errorf("000 vs 001 (rewrite): passages cover %.1f%% of the shorter text, want far less than the duplicate's %.1f%%",
			100*rw, 100*dup)
	}

	// An unrelated article shares nothing of 8 tokens.
	for _, pair := range [][2]string{{"000", "ecb"}, {"ecb", "000"}} {
		if ps := Passages(tokens(texts[pair[0]]), tokens(texts[pair[1]]), k); ps != nil {
			t.Errorf("%s vs %s (unrelated): %d passages, want none: %+v", pair[0], pair[1], len(ps), ps)
		}
	}

	// Invariants on every ordered pair, at several lengths.
	for na, a := range texts {
		for nb, b := range texts {
			for _, kk := range []int{1, 3, 8, 20} {
				checkPassages(t, a, b, Passages(tokens(a), tokens(b), kk), kk)
			}
			if na == nb {
				ta := tokens(a)
				want := []Passage{{ta[0].Start, ta[len(ta)-1].End, ta[0].Start, ta[len(ta)-1].End, len(ta)}}
				if got := Passages(ta, ta, k); !slices.Equal(got, want) {
					t.Errorf("%s vs itself: %+v, want %+v", na, got, want)
				}
			}
		}
	}
}

// BenchmarkPassages aligns two texts of ~800 words: "duplicate" is seed
// 002+003 against 004+003 (almost all shared: long extensions), "rewrite"
// is 000+002 against 001+003 (a rewrite and unrelated text: mostly seed
// misses), "repeated" the worst case of maxSeedTries (16 copies of one
// paragraph on each side).
func BenchmarkPassages(b *testing.B) {
	dir := testdata.Require(b)
	s := func(n string) string { return seed(b, dir, n) }
	// repeated: one 50-word paragraph 16 times in each text, between
	// different words, so every seed has 16 positions to extend.
	para := strings.Join(strings.Fields(s("000"))[:50], " ")
	var ra, rb strings.Builder
	for i := range 16 {
		fmt.Fprintf(&ra, "%s alpha%d\n", para, i)
		fmt.Fprintf(&rb, "beta%d %s\n", i, para)
	}
	pairs := []struct{ name, a, b string }{
		{"duplicate", s("002") + "\n" + s("003"), s("004") + "\n" + s("003")},
		{"rewrite", s("000") + "\n" + s("002"), s("001") + "\n" + s("003")},
		{"repeated", ra.String(), rb.String()},
	}
	for _, p := range pairs {
		ta, tb := tokens(p.a), tokens(p.b)
		b.Run(fmt.Sprintf("%s/%dx%dtokens", p.name, len(ta), len(tb)), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(p.a) + len(p.b)))
			for b.Loop() {
				Passages(ta, tb, 8)
			}
		})
	}
}

func ExamplePassages() {
	a := "Nasser Kana'ani told Sputnik on Friday that the ties are not against any third country."
	b := "The ties “are NOT against any third country”, the spokesman said."
	var da, db text.Doc
	da.Tokenize(a)
	db.Tokenize(b)
	for _, p := range Passages(da.Tokens, db.Tokens, 5) {
		fmt.Printf("%d tokens: %q = %q\n", p.Tokens, a[p.AStart:p.AEnd], b[p.BStart:p.BEnd])
	}
	// Output:
	// 8 tokens: "the ties are not against any third country" = "The ties “are NOT against any third country"
}
