package text_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/reprint-news/reprint/internal/langcheck"
	"github.com/reprint-news/reprint/sketch"
	"github.com/reprint-news/reprint/text"
)

// shingleSet is the verification set of a text: 5-token shingles of its
// token hashes, as the engine compares articles.
func shingleSet(s string) []uint32 {
	var d text.Doc
	d.Tokenize(s)
	sh := sketch.Shingles(nil, d.Hashes(nil), sketch.DefaultW)
	set, _ := sketch.SetOf(nil, nil, sh)
	return set
}

func jaccard(a, b []uint32) float64 {
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	u := len(a) + len(b) - inter
	if u == 0 {
		return 0
	}
	return float64(inter) / float64(u)
}

// TestScriptVariantsAreNearDuplicates checks that every keyboard and
// script variant of every article of the labelled check (testdata/lang)
// has a Jaccard similarity of at least 0.8 with the article, the
// near-duplicate threshold, while the articles of one language stay far
// apart.
func TestScriptVariantsAreNearDuplicates(t *testing.T) {
	for _, lang := range langcheck.Languages {
		arts, err := langcheck.Load(lang)
		if err != nil || len(arts) == 0 {
			t.Fatalf("%s: %v (%d articles)", lang, err, len(arts))
		}
		for _, v := range langcheck.Variants(lang) {
			low := 1.0
			for _, a := range arts {
				j := jaccard(shingleSet(a.Text), shingleSet(v.Do(a.Text)))
				low = min(low, j)
			}
			t.Logf("%s %-24s lowest Jaccard %.3f", lang, v.Name, low)
			floor := 0.8
			if v.Name == "arabic-keyboard-joined" {
				floor = 0.25 // the non-joiner separates tokens: see text/arabic.go
			}
			if low < floor {
				t.Errorf("%s %s: lowest Jaccard %.3f, want ≥ %.2f", lang, v.Name, low, floor)
			}
		}
		for i := range arts {
			for k := i + 1; k < len(arts); k++ {
				if j := jaccard(shingleSet(arts[i].Text), shingleSet(arts[k].Text)); j > 0.1 {
					t.Errorf("%s/%s and %s: Jaccard %.3f between different articles", lang, arts[i].Name, arts[k].Name, j)
				}
			}
		}
	}
}

// TestArabicScriptOffsets checks that the byte offsets of folded
// Arabic-script tokens cut the original words out of the text.
func TestArabicScriptOffsets(t *testing.T) {
	s := "كتاب\u200cها ﻻ مُحَمَّد ۱۴۰۲ ٢٠٢٣م مـــدرسة أ\u200fحمد"
	want := []string{"كتاب", "ها", "ﻻ", "مُحَمَّد", "۱۴۰۲", "٢٠٢٣م", "مـــدرسة", "أ\u200fحمد"}
	var d text.Doc
	d.Tokenize(s)
	var got []string
	for _, tok := range d.Tokens {
		got = append(got, s[tok.Start:tok.End])
	}
	if !slices.Equal(got, want) {
		t.Fatalf("tokens %q, want %q", got, want)
	}
	folded := strings.Fields(text.Fold(s))
	wantFolded := []string{"کتاب", "ها", "لا", "محمد", "1402", "2023م", "مدرسه", "احمد"}
	if !slices.Equal(folded, wantFolded) {
		t.Fatalf("folded %q, want %q", folded, wantFolded)
	}
}

// TestArabicScriptFolding checks each folding rule of text/arabic.go.
func TestArabicScriptFolding(t *testing.T) {
	same := [][2]string{
		{"علي", "علی"}, {"على", "علی"}, {"كتاب", "کتاب"}, {"ڪتاب", "کتاب"}, // yeh, kaf
		{"ېۍ", "یی"},                                                           // Pashto yeh
		{"مدرسة", "مدرسه"}, {"خانۀ", "خانه"}, {"خانہ", "خانه"}, {"بھی", "بهی"}, // heh
		{"أحمد", "احمد"}, {"إسلام", "اسلام"}, {"آب", "اب"}, {"ٱلله", "الله"}, // alef
		{"مؤسسه", "موسسه"}, {"مسئول", "مسیول"}, // hamza on waw and yeh
		{"مـــدرسه", "مدرسه"}, {"مُحَمَّدٌ", "محمد"}, {"رحمٰن", "رحمن"}, // tatweel, harakat, superscript alef
		{"۱۴۰۲", "1402"}, {"٢٠٢٣", "2023"}, // digits
		{"ا\u200fحمد", "احمد"}, {"ا\u200dحمد", "احمد"}, {"ا\u061cحمد", "احمد"}, // marks inside a word
		{"می\u200cشود", "می شود"}, // the non-joiner separates
	}
	for _, c := range same {
		if a, b := text.Fold(c[0]), text.Fold(c[1]); a != b {
			t.Errorf("%q folds to %q, %q to %q", c[0], a, c[1], b)
		}
	}
	differ := [][2]string{{"کتاب", "کتب"}, {"ے", "ی"}, {"ء", ""}}
	for _, c := range differ {
		if text.Fold(c[0]) == text.Fold(c[1]) {
			t.Errorf("%q and %q fold alike", c[0], c[1])
		}
	}
}

func ExampleFold_arabicScript() {
	fmt.Println(text.Fold("كتاب‌هاي مدرسة ۱۴۰۲"))
	// Output: کتاب های مدرسه 1402
}
