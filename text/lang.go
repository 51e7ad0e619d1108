package text

import "github.com/RadhiFadlillah/whatlanggo"

// Undetermined is the language code of text whose language cannot be told
// reliably (short or mixed text).
const Undetermined = "und"

// langSample is how much text language detection looks at: trigram
// detection is reliable on a few hundred bytes and its cost grows with
// the sample.
const langSample = 600

// englishShare is the share of English stop words among an article's
// first words above which it is taken as English without running the
// trigram detector (English prose runs at 40–50%; other languages written
// in Latin script stay under 10%).
const englishShare = 0.2

// languageOf decides the language from the folded words of the body (fast
// path for English, the common case) and falls back to Language.
func languageOf(title, body string, words []string) string {
	n := min(len(words), 100)
	if n >= 5 {
		sw := 0
		for _, w := range words[:n] {
			if stopWords.has(w) {
				sw++
			}
		}
		if float64(sw) >= englishShare*float64(n) {
			return "en"
		}
	}
	return Language(title, body)
}

// Language returns the ISO 639-1 code of the text's language (whatlanggo's
// trigram model over the title and the first 600 bytes of the body), or
// Undetermined when the detector is not confident.
func Language(title, body string) string {
	s := body[:cutAt(body, langSample)]
	if title != "" {
		s = title + "\n" + s
	}
	info := whatlanggo.Detect(s)
	if !info.IsReliable() {
		return Undetermined
	}
	if code := info.Lang.Iso6391(); code != "" {
		return code
	}
	return Undetermined
}

// LanguagesCompatible reports whether articles in languages a and b may
// share a story: the same language, or either undetermined.
func LanguagesCompatible(a, b string) bool {
	return a == b || a == Undetermined || b == Undetermined
}
