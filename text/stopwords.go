package text

import (
	"strings"

	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
)

// Stop words per language.
//
// English has the list of features.go (function words and news filler),
// used for articles in English and of undetermined language as before.
// French, Spanish, Russian, Swedish, Norwegian and Hungarian take the
// Snowball project's stop-word lists as github.com/kljensen/snowball ships
// them (IsStopWord of each stemmer package). Persian, Arabic and Urdu,
// for which no maintained Go module serves a list, have the short lists
// below: the function words (prepositions, conjunctions, pronouns,
// auxiliaries and copulas, the Persian verbal prefix and plural suffix
// that the zero-width non-joiner separates) and the reporting verbs of
// news text, written for this project from the grammar of each language
// and kept in their folded spelling (text/arabic.go), so that a list word
// typed on any keyboard is found. Chinese and Japanese have the particles
// and function characters that stand alone as one-character tokens.
//
// A stop word is no story term (FeatureExtractor) and weighs nothing in
// sentence comparison (Words, kind Stop).

var persianStopWords = `و در به از که این آن را با است برای یک تا بر هم نیز شده شد شود می نمی ها های
ای ام اند ایم اید بود بودند باشد باشند کرد کرده کند کنند کنیم کردند کردن خود دیگر پس اما یا اگر همه هر ما
او آنها ایشان من تو شما وی چه چون بی اند گفت گفته گویند گفتند داد دارد دارند داشت خواهد خواهند شوند
شده‌اند کرده‌اند وجود روی پیش بین میان سوی زیرا ولی همین همان چند هیچ چنین نه آیا اکنون امروز دو سه
بیش کم حدود طی طبق مورد براساس گزارش اعلام افزود ادامه`

var arabicStopWords = `في من على إلى الى عن مع هذا هذه ذلك تلك التي الذي الذين اللذين كان كانت يكون
تكون قد لا ما لم لن هو هي هم هن أنا نحن أنت و أو ثم بعد قبل حتى إن أن إذا كل بين عند أي غير منذ خلال
وقال قال قالت وقد وفي كما أيضا إلا لكن بل ضمن حول نحو لدى فيه فيها عليه عليها منه منها إليه به بها له
لها هناك هنا أمس اليوم وأكد أكد وأضاف أضاف وأوضح أوضح وذكر ذكر بحسب وفق وفقا حيث عام عن التي وهو وهي
ولا كانوا يكونوا سوف ليس`

var urduStopWords = `کے کی کا میں سے نے کو اور ہے ہیں تھا تھی تھے تھیں پر یہ وہ ہو ہوا ہوئے ہوئی گیا گئی
گئے کہ بھی جو کر رہے رہا رہی ایک لیے لئے تک ساتھ اس ان جس جن نہیں کیا کیے کی دیا دی دیے جا جائے جائیں گا
گی گے بعد پہلے والے والی والا ہوں کوئی کچھ سب اپنے اپنی اپنا مطابق کہا بتایا جبکہ لیکن مگر یا اگر تو ہی
نہ کیونکہ دوران طور`

var cjkStopWords = `的 了 在 是 和 也 有 就 都 而 及 与 着 或 等 被 对 将 从 为 这 那 之 于 其 以 把 让 向 但 并 又
の に は を た が で て と し も な や か`

// langStopWords maps languages to their stop-word tests (English: the
// list of features.go).
var langStopWords = map[string]func(string) bool{
	"fr": french.IsStopWord, "es": spanish.IsStopWord, "ru": russian.IsStopWord,
	"sv": swedish.IsStopWord, "no": norwegian.IsStopWord, "nb": norwegian.IsStopWord,
	"hu": hungarian.IsStopWord,
	"fa": inList(persianStopWords), "ar": inList(arabicStopWords), "ur": inList(urduStopWords),
	"zh": inList(cjkStopWords), "ja": inList(cjkStopWords),
}

// inList returns a membership test for a space-separated word list, its
// words folded as the tokenizer folds them.
func inList(list string) func(string) bool {
	var words []string
	for _, w := range strings.Fields(list) {
		words = append(words, strings.Fields(Fold(w))...)
	}
	return newWordSet(words).has
}

// IsStopWord reports whether the folded word w is a stop word of language
// lang: English's (features.go) for "en" and Undetermined, the language's
// own list elsewhere, none for a language without one.
func IsStopWord(lang, w string) bool {
	if lang == "en" || lang == Undetermined {
		return stopWords.has(w)
	}
	if f := langStopWords[lang]; f != nil {
		return f(w)
	}
	return false
}
