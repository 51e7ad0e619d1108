package text

import "github.com/RadhiFadlillah/whatlanggo"

// Undetermined is the language code of text whose language cannot be told
// reliably (short or mixed text).
const Undetermined = "und"

// langSample is how much text language detection looks at.
const langSample = 2000

// Language returns the ISO 639-1 code of the text's language (whatlanggo's
// trigram model over the title and the first 2,000 bytes of the body), or
// Undetermined when the detector is not confident.
func Language(title, body string) string {
	s := body
	if len(s) > langSample {
		cut := langSample
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut]
	}
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
