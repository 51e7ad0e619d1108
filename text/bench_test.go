package text

import (
	"os"
	"path/filepath"
	"testing"
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

// BenchmarkTokenize measures tokenizing English articles (the seed
// articles), the fast path every article takes; it reports MB/s.
func BenchmarkTokenize(b *testing.B) {
	paths, _ := filepath.Glob("../testdata/seeds/*.txt")
	if len(paths) == 0 {
		b.Skip("no seed articles")
	}
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
	var d Doc
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, t := range texts {
			d.Tokenize(t)
		}
	}
}
