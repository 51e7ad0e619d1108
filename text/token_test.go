package text

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func words(s string) []string {
	var d Doc
	d.Tokenize(s)
	var out []string
	for _, t := range d.Tokens {
		out = append(out, s[t.Start:t.End])
	}
	return out
}

func hashes(s string) []uint32 {
	var d Doc
	d.Tokenize(s)
	var out []uint32
	for _, t := range d.Tokens {
		out = append(out, t.Hash)
	}
	return out
}

func TestTokenOffsetsPointIntoOriginal(t *testing.T) {
	s := "Iran’s FM: \"No drones\" — said Kan'ani, 2023-02-24."
	got := words(s)
	want := []string{"Iran’s", "FM", "No", "drones", "said", "Kan'ani", "2023", "02", "24"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("tokens %q, want %q", got, want)
	}
}

func TestFolding(t *testing.T) {
	same := [][2]string{
		{"Kan’ani", "kan'ani"},             // apostrophe kinds, case
		{"IRAN", "iran"},                   // case
		{"ﬁnance", "finance"},              // NFKC ligature
		{"Ｔｅｈｒａｎ", "tehran"},               // NFKC full-width
		{"“quoted”", "\"quoted\""},         // quotes separate
		{"long–standing", "long-standing"}, // dashes separate
		{"Večernji", "Večernji"},           // composed vs decomposed č
	}
	for _, c := range same {
		a, b := hashes(c[0]), hashes(c[1])
		if len(a) == 0 || len(a) != len(b) {
			t.Errorf("%q vs %q: %v vs %v", c[0], c[1], a, b)
			continue
		}
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("%q and %q fold differently", c[0], c[1])
			}
		}
	}
	if Fold("Kan’ani SAID") != "kanani said" {
		t.Errorf("Fold = %q", Fold("Kan’ani SAID"))
	}
	if hashes("Kanaani")[0] == hashes("Kanani")[0] {
		t.Error("different words hash equal")
	}
}

func TestFastPathMatchesSlowPath(t *testing.T) {
	// An ASCII word hashes the same whether it is reached by the ASCII
	// fast path or the general path (word that starts ASCII, goes non-ASCII).
	if HashWord("tehran") != hashes("Tehran")[0] {
		t.Error("HashWord differs from tokenizer")
	}
	if hashes("café")[0] != HashWord("café") {
		t.Error("non-ASCII word hash differs from HashWord of folded form")
	}
}

func TestScriptsWithoutSpaces(t *testing.T) {
	got := words("東京で会議")
	if len(got) != 5 {
		t.Fatalf("CJK tokens %q, want one per character", got)
	}
}

func TestLines(t *testing.T) {
	s := "Headline here\n\n  SHARE THIS ARTICLE  \nshare this article\n"
	var d Doc
	d.Tokenize(s)
	if len(d.Lines) != 3 {
		t.Fatalf("lines = %+v", d.Lines)
	}
	if d.Lines[1].Hash != d.Lines[2].Hash {
		t.Error("lines differing only in case/whitespace must hash equal")
	}
	if d.Lines[0].Hash == d.Lines[1].Hash {
		t.Error("different lines hash equal")
	}
	for _, l := range d.Lines {
		if !strings.Contains(s[l.Start:l.End], strings.TrimSpace(s[l.Start:l.End])) || l.N == 0 {
			t.Errorf("bad line %+v", l)
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	got := words("ab\xffcd \xc3 ok")
	if strings.Join(got, "|") != "ab|cd|ok" {
		t.Fatalf("tokens %q", got)
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "Iran’s FM", "a'b'c", "\xff\xfe", "東京 Tehran\n\nx", "ﬁ’’'", "'''", "a\u0301b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d Doc
		d.Tokenize(s)
		prev := Token{}
		for k, tok := range d.Tokens {
			if tok.End <= tok.Start || tok.End > len(s) {
				t.Fatalf("bad token %+v in %q", tok, s)
			}
			// Tokens are ordered; pieces of one normalized word share its offsets.
			samePiece := k > 0 && tok.Start == prev.Start && tok.End == prev.End
			if k > 0 && !samePiece && tok.Start < prev.End {
				t.Fatalf("overlapping tokens %+v, %+v in %q", prev, tok, s)
			}
			if utf8.ValidString(s) && !utf8.ValidString(s[tok.Start:tok.End]) {
				t.Fatalf("token splits a rune: %+v in %q", tok, s)
			}
			prev = tok
		}
		total := 0
		for _, l := range d.Lines {
			if l.First != total || l.N <= 0 || l.Start > l.End || l.End > len(s) {
				t.Fatalf("bad line %+v", l)
			}
			// The line hash, mixed as the tokens come, is the mix of its tokens.
			h := lineSeed
			for _, tok := range d.Tokens[l.First : l.First+l.N] {
				h = mix64(h ^ uint64(tok.Hash))
			}
			if h != l.Hash {
				t.Fatalf("line %+v hash %x, its tokens give %x", l, l.Hash, h)
			}
			total += l.N
		}
		if total != len(d.Tokens) {
			t.Fatalf("lines cover %d of %d tokens", total, len(d.Tokens))
		}
		// The ASCII fast path gives exactly the tokens of the general path.
		if ref := generalTokens(s); !slices.Equal(ref, d.Tokens) {
			t.Fatalf("fast path %v, general path %v for %q", d.Tokens, ref, s)
		}
		// The folded text tokenizes to the same hashes as the original.
		f := Fold(s)
		var d2 Doc
		d2.Tokenize(f)
		if len(d2.Tokens) != len(d.Tokens) {
			t.Fatalf("Fold changed the token count: %q → %q", s, f)
		}
		for k := range d.Tokens {
			if d.Tokens[k].Hash != d2.Tokens[k].Hash {
				t.Fatalf("token %d hashes differently after Fold: %q → %q", k, s, f)
			}
		}
	})
}

// generalTokens tokenizes s through the general (rune by rune) path only.
func generalTokens(s string) []Token {
	var d Doc
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			i++
		case isSingleRuneWord(r):
			d.appendFolded(s, i, i+size)
			i += size
		case isWordRune(r):
			i = d.slowWord(s, i)
		default:
			i += size
		}
	}
	return d.Tokens
}

func TestFastPathTokens(t *testing.T) {
	for _, s := range []string{"Iran’s drones", "rock’n’roll x", "it’", "a’b’", "x’ y", "’s", "a'’b", "O'Neil’s’é", "x’é", "A’\n"} {
		var d Doc
		d.Tokenize(s)
		if ref := generalTokens(s); !slices.Equal(ref, d.Tokens) {
			t.Errorf("fast path %v, general path %v for %q", d.Tokens, ref, s)
		}
	}
}

// TestFoldASCII checks foldWord's ASCII path against its general path on
// random words of every ASCII byte.
func TestFoldASCII(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	collect := func(f func([]byte, string, func([]byte)) []byte, w string) []string {
		var out []string
		f(nil, w, func(p []byte) { out = append(out, string(p)) })
		return out
	}
	for range 20000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			if rng.IntN(3) == 0 {
				b[i] = byte(rng.IntN(128))
			} else {
				b[i] = "AZaz09'`-._ Ab"[rng.IntN(14)]
			}
		}
		w := string(b)
		got, want := collect(foldASCII, w), collect(foldUnicode, w)
		if !slices.Equal(got, want) {
			t.Fatalf("%q: ASCII path %q, general path %q", w, got, want)
		}
	}
}

// TestSingleRuneWordFastPath checks that no rune below
// firstSingleRuneWord belongs to a script of isSingleRuneWord.
func TestSingleRuneWordFastPath(t *testing.T) {
	for r := rune(0); r < firstSingleRuneWord; r++ {
		if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Thai, r) {
			t.Fatalf("%U is below firstSingleRuneWord but single-rune", r)
		}
	}
	if !isSingleRuneWord(0x0E01) || !isSingleRuneWord('新') || !isSingleRuneWord('の') {
		t.Fatal("Thai, Han or Hiragana not single-rune")
	}
}

// TestTokenizeLong: long texts, whose tokens outgrow the room made for
// them many times over, give at every shift of their words the tokens of
// the general path, and line hashes that are the mix of their tokens.
func TestTokenizeLong(t *testing.T) {
	piece := "Iran’s FM said: the drones weren't sent to Russia. Tehran — “no”.\nRaisi's 東京 café naïve "
	for shift := 0; shift < 40; shift++ {
		s := strings.Repeat("x", shift) + strings.Repeat(piece, 12000/len(piece)+2)
		var d Doc
		d.Tokenize(s)
		if ref := generalTokens(s); !slices.Equal(ref, d.Tokens) {
			t.Fatalf("shift %d: %d tokens, general path %d", shift, len(d.Tokens), len(ref))
		}
		total := 0
		for _, l := range d.Lines {
			h := lineSeed
			for _, tok := range d.Tokens[l.First : l.First+l.N] {
				h = mix64(h ^ uint64(tok.Hash))
			}
			if h != l.Hash || l.First != total {
				t.Fatalf("shift %d: line %+v", shift, l)
			}
			total += l.N
		}
		if total != len(d.Tokens) {
			t.Fatalf("shift %d: lines cover %d of %d tokens", shift, total, len(d.Tokens))
		}
	}
}
