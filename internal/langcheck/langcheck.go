// Package langcheck holds the labelled non-English check of testdata/lang:
// it reads the articles and makes their keyboard and script variants by
// the documented transformations below, for the tests of packages text
// and engine and for the figures of docs/QUALITY.md.
package langcheck

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/reprint-news/reprint/internal/testdata"
)

// Languages are the languages of the check, one directory each.
var Languages = []string{"fa", "ar", "ur", "zh"}

// Article is one article of the check. Its name tells its story: a1 and
// a2 report one event, b1 and b2 another, c1 a third (one article).
type Article struct {
	Lang, Name string
	Title      string // the first line
	Body       string // the rest
	Text       string // the whole file
}

// Story returns the story label of the article (its name's letter).
func (a Article) Story() string { return a.Lang + "/" + a.Name[:1] }

// Dir returns the directory of the check.
func Dir() string { return filepath.Join(testdata.Repo(), "testdata", "lang") }

// Load reads the articles of one language, in name order.
func Load(lang string) ([]Article, error) {
	paths, err := filepath.Glob(filepath.Join(Dir(), lang, "*.txt"))
	if err != nil {
		return nil, err
	}
	slices.Sort(paths)
	var out []Article
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		s := string(b)
		title, body, _ := strings.Cut(s, "\n")
		out = append(out, Article{
			Lang: lang, Name: strings.TrimSuffix(filepath.Base(p), ".txt"),
			Title: strings.TrimSpace(title), Body: strings.TrimSpace(body), Text: s,
		})
	}
	return out, nil
}

// A Variant is a transformation of a text that a copy of it may have
// gone through.
type Variant struct {
	Name string
	Do   func(string) string
}

// Variants returns the keyboard and script variants for a language. Each
// is what another keyboard, editor or converter makes of the same text:
//
//   - arabic-keyboard (fa, ur): Persian yeh and keheh typed as Arabic
//     ي and ك, Urdu's heh goal and do-chashmi heh as ه, yeh with hamza
//     above spelled ئ, Persian digits as Arabic-Indic ones, the
//     zero-width non-joiner typed as a space (an Arabic keyboard has none).
//   - arabic-keyboard-joined (fa): the same, the non-joiner left out
//     (the parts of the word written together).
//   - persian-keyboard (ar): Arabic yeh, alef maksura and kaf typed as
//     Persian ی and ک, Arabic-Indic digits as Persian ones.
//   - diacritics (fa, ar, ur): a vowel mark (fatha, kasra, damma, sukun in
//     turn) after every third Arabic letter, and a tatweel inside every
//     fifth word.
//   - ascii-digits (fa, ar, ur): every digit as an ASCII digit.
//   - marks (fa, ar, ur): a right-to-left mark inside every fourth word
//     and a zero-width joiner inside every seventh, as left by editors.
//   - fullwidth (zh): ASCII digits as full-width digits and the reverse
//     of the punctuation (what another input method gives).
func Variants(lang string) []Variant {
	switch lang {
	case "fa":
		return []Variant{
			{"arabic-keyboard", func(s string) string { return arabicKeyboard(s, " ") }},
			{"arabic-keyboard-joined", func(s string) string { return arabicKeyboard(s, "") }},
			{"diacritics", diacritics},
			{"ascii-digits", asciiDigits},
			{"marks", marks},
		}
	case "ur":
		return []Variant{
			{"arabic-keyboard", func(s string) string { return arabicKeyboard(s, " ") }},
			{"diacritics", diacritics},
			{"ascii-digits", asciiDigits},
			{"marks", marks},
		}
	case "ar":
		return []Variant{
			{"persian-keyboard", persianKeyboard},
			{"diacritics", diacritics},
			{"ascii-digits", asciiDigits},
			{"marks", marks},
		}
	case "zh":
		return []Variant{{"fullwidth", fullwidth}}
	}
	return nil
}

func arabicKeyboard(s, zwnj string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 'ی':
			b.WriteRune('ي')
		case r == 'ک':
			b.WriteRune('ك')
		case r == 'ہ' || r == 'ھ':
			b.WriteRune('ه')
		case r == 'ۀ':
			b.WriteRune('ه')
		case r >= '۰' && r <= '۹':
			b.WriteRune('٠' + r - '۰')
		case r == '\u200c':
			b.WriteString(zwnj)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func persianKeyboard(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 'ي' || r == 'ى':
			b.WriteRune('ی')
		case r == 'ك':
			b.WriteRune('ک')
		case r >= '٠' && r <= '٩':
			b.WriteRune('۰' + r - '٠')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isArabicLetter(r rune) bool { return r >= 0x0621 && r <= 0x064A || r >= 0x0671 && r <= 0x06D3 }

func diacritics(s string) string {
	var b strings.Builder
	harakat := []rune{'\u064e', '\u0650', '\u064f', '\u0652'}
	letters, words := 0, 0
	inWord := false
	for _, r := range s {
		if isArabicLetter(r) {
			if !inWord {
				words++
				inWord = true
			} else if words%5 == 0 && letters%2 == 0 {
				b.WriteRune('\u0640')
			}
			b.WriteRune(r)
			letters++
			if letters%3 == 0 {
				b.WriteRune(harakat[(letters/3)%len(harakat)])
			}
			continue
		}
		inWord = false
		b.WriteRune(r)
	}
	return b.String()
}

func asciiDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '۰' && r <= '۹':
			b.WriteRune('0' + r - '۰')
		case r >= '٠' && r <= '٩':
			b.WriteRune('0' + r - '٠')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func marks(s string) string {
	var b strings.Builder
	words := 0
	prevLetter, marked := false, false
	for _, r := range s {
		letter := isArabicLetter(r)
		switch {
		case letter && prevLetter && !marked:
			if words%4 == 0 {
				b.WriteRune('\u200f')
			} else if words%7 == 3 {
				b.WriteRune('\u200d')
			}
			marked = true
		case !letter && prevLetter:
			words++
			marked = false
		}
		prevLetter = letter
		b.WriteRune(r)
	}
	return b.String()
}

func fullwidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune('０' + r - '0')
		case r == '，':
			b.WriteRune(',')
		case r == '。':
			b.WriteRune('.')
		case r == '“' || r == '”':
			b.WriteRune('"')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
