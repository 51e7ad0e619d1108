package text

// Arabic-script folding.
//
// Persian, Arabic and Urdu text is typed on keyboards that give different
// code points for the same letter, and copies are often retyped or passed
// through converters; so before hashing, every word in Arabic script is
// folded to one spelling (foldArabic, applied after NFKC):
//
//   - yeh: Arabic ي (U+064A), alef maksura ى (U+0649), Pashto ې (U+06D0)
//     and ۍ (U+06CD), and yeh with hamza ئ (U+0626) → Persian ی (U+06CC).
//     Urdu's yeh barree ے (U+06D2) is a letter of its own and stays.
//   - kaf: Arabic ك (U+0643) and swash kaf ڪ (U+06AA) → keheh ک (U+06A9).
//     Persian and Urdu write ی and ک, Arabic ي and ك: the Persian forms
//     serve two of the three languages, and only the choice of display
//     form depends on it.
//   - heh: teh marbuta ة (U+0629), heh with yeh above ۀ (U+06C0), Urdu's
//     heh goal ہ (U+06C1, with hamza ۂ U+06C2), do-chashmi heh ھ (U+06BE)
//     and ae ە (U+06D5) → heh ه (U+0647). An Arabic keyboard has only ه
//     and ة; a Persian writer types ۀ, ه‌ی or ه for the ezafe; an Urdu
//     writer on an Arabic keyboard types ه for both ہ and ھ. Folding them
//     all loses the Urdu distinction between the heh and the aspiration
//     mark, which no copy typed on another keyboard keeps anyway.
//   - alef: أ إ آ ٱ ٲ ٳ → ا; waw with hamza ؤ (U+0624) → و.
//   - removed: tatweel ـ (U+0640), the harakat and other marks
//     U+064B–U+065F, superscript alef U+0670, the Quranic marks
//     U+06D6–U+06ED.
//   - digits: Arabic-Indic ٠–٩ (U+0660–U+0669) and Persian ۰–۹
//     (U+06F0–U+06F9) → ASCII 0–9, so that numbers are numbers (story
//     features, sentence anchors) in any of the three digit sets.
//
// Inside a word, the zero-width joiner (U+200D) and the direction marks
// LRM (U+200E), RLM (U+200F) and ALM (U+061C) are left out: a word with a
// stray mark is the same word. The zero-width non-joiner (U+200C), which
// joins the parts of one Persian word (می‌شود, کتاب‌ها), separates tokens
// like a space: writers without it on their keyboard type a space far more
// often than they join the parts, and splitting on it measured better on
// the labelled check (testdata/lang, see docs/QUALITY.md).

// isArabicBlock reports whether r is in the Arabic block, the only one
// foldArabic changes; it keeps other scripts off the table lookup.
func isArabicBlock(r rune) bool { return r >= 0x0600 && r <= 0x06FF }

// foldArabic returns the folded form of a rune of the Arabic block, or -1
// when the rune is left out.
func foldArabic(r rune) rune {
	switch {
	case r >= 0x064B && r <= 0x065F, r == 0x0670, r >= 0x06D6 && r <= 0x06ED, r == 0x0640:
		return -1
	case r >= 0x0660 && r <= 0x0669:
		return '0' + r - 0x0660
	case r >= 0x06F0 && r <= 0x06F9:
		return '0' + r - 0x06F0
	}
	switch r {
	case 'ي', 'ى', 'ې', 'ۍ', 'ئ':
		return 'ی'
	case 'ك', 'ڪ':
		return 'ک'
	case 'ة', 'ۀ', 'ہ', 'ۂ', 'ھ', 'ە':
		return 'ه'
	case 'أ', 'إ', 'آ', 'ٱ', 'ٲ', 'ٳ':
		return 'ا'
	case 'ؤ':
		return 'و'
	}
	return r
}

// zwnjJoins says whether the zero-width non-joiner is dropped inside a
// word (true) or separates tokens (false); see the comment above.
const zwnjJoins = false

// isInWordFormat reports the invisible format characters that are left
// out when they stand between two letters of a word.
func isInWordFormat(r rune) bool {
	switch r {
	case 0x200D, 0x200E, 0x200F, 0x061C:
		return true
	case 0x200C:
		return zwnjJoins
	}
	return false
}
