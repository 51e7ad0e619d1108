package text

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/reprint-news/reprint/internal/testdata"
)

// BenchmarkExtractFeatures measures tokenizing an article and extracting
// its story features (what the service's Prepare does per article), over
// the seed articles.
func BenchmarkExtractFeatures(b *testing.B) {
	paths, _ := filepath.Glob("../testdata/seeds/*.txt")
	if len(paths) == 0 {
		b.Skip("no seed articles")
	}
	var texts []string
	for _, p := range paths {
		t, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(t))
	}
	var fx FeatureExtractor
	var d Doc
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t := texts[i%len(texts)]
		d.Tokenize(t)
		fx.ExtractTokenized("", t, &d)
	}
}

// BenchmarkExtractFeaturesCorpus measures extracting the story features
// of the ECB+ development articles, one after another (tokenized ahead):
// what stage 1 of 'reprint stories' does per article.
func BenchmarkExtractFeaturesCorpus(b *testing.B) {
	var fx FeatureExtractor
	eachECB(b, func(s string, d *Doc) { fx.ExtractTokenized("", s, d) })
}

// BenchmarkTokenize measures tokenizing English articles (the seed
// articles), the fast path every article takes; it reports MB/s.
func BenchmarkTokenize(b *testing.B) {
	texts, size := readTexts(b, filepath.Join("..", "testdata", "seeds", "*.txt"))
	if size == 0 {
		b.Skip("no seed articles")
	}
	var d Doc
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, t := range texts {
			d.Tokenize(t)
		}
	}
}

// BenchmarkWords measures the stems of the ECB+ development articles'
// words (text.Words, what stories and text reuse stem every article with),
// one article after another so that the lookups meet a vocabulary; the
// parallel form runs it on every core at once.
func BenchmarkWords(b *testing.B) {
	var w []Word
	eachECB(b, func(s string, d *Doc) { w = Words(w[:0], s, d.Tokens, "en") })
}

// eachECB calls f with the ECB+ development articles (tokenized
// beforehand) one after another, an article an iteration.
func eachECB(b *testing.B, f func(s string, d *Doc)) {
	texts, docs, size := ecbDocs(b)
	b.SetBytes(size / int64(len(texts)))
	i := 0
	for b.Loop() {
		f(texts[i], &docs[i])
		i = (i + 1) % len(texts)
	}
}

func BenchmarkWordsParallel(b *testing.B) {
	texts, docs, size := ecbDocs(b)
	b.SetBytes(size / int64(len(texts)))
	b.RunParallel(func(pb *testing.PB) {
		var w []Word
		i := 0
		for pb.Next() {
			w = Words(w[:0], texts[i], docs[i].Tokens, "en")
			i = (i + 1) % len(texts)
		}
	})
}

// ecbDocs returns the ECB+ development articles' texts, tokenized, and
// their total size.
func ecbDocs(b *testing.B) ([]string, []Doc, int64) {
	texts := testdata.Texts(b, "ecbplus-dev.jsonl")
	docs := make([]Doc, len(texts))
	var size int64
	for i, s := range texts {
		docs[i].Tokenize(s)
		size += int64(len(s))
	}
	return texts, docs, size
}

// BenchmarkTokenizeScripts measures tokenizing the Chinese and Persian
// test articles (testdata/lang): the paths outside pure ASCII words.
func BenchmarkTokenizeScripts(b *testing.B) {
	for _, lang := range []string{"zh", "fa"} {
		texts, size := readTexts(b, filepath.Join("..", "testdata", "lang", lang, "*"))
		if size == 0 {
			b.Skip("no " + lang + " articles")
		}
		b.Run(lang, func(b *testing.B) {
			var d Doc
			b.SetBytes(int64(size))
			for b.Loop() {
				for _, t := range texts {
					d.Tokenize(t)
				}
			}
		})
	}
}

// readTexts returns the files matching glob and their total size.
func readTexts(b *testing.B, glob string) ([]string, int) {
	paths, _ := filepath.Glob(glob)
	var texts []string
	size := 0
	for _, p := range paths {
		t, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(t))
		size += len(t)
	}
	return texts, size
}

// BenchmarkSentences splits the ECB+ development articles into sentences
// (their tokens made beforehand), as text reuse does for every article it
// prepares.
func BenchmarkSentences(b *testing.B) {
	var out []Sentence
	eachECB(b, func(s string, d *Doc) { out = Sentences(out[:0], s, d.Tokens) })
}
