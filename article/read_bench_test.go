package article

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchCorpus returns about size bytes of JSONL with ~3 KB articles whose
// text has quotes, escapes and non-ASCII characters, as real news does.
func benchCorpus(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields(`the said Tehran Moscow ministry spokesman “defense” cooperation
		war Ukraine Russia Iran drones claims Western talks on Friday, with and of to in a
		Kanaani’s peace négociations über 2023 "quoted" officials—statement country`)
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		var text strings.Builder
		for text.Len() < 3000 {
			text.WriteString(words[rng.IntN(len(words))])
			if rng.IntN(12) == 0 {
				text.WriteString(".\n")
			} else {
				text.WriteByte(' ')
			}
		}
		t := strings.ReplaceAll(strings.ReplaceAll(text.String(), `"`, `\"`), "\n", `\n`)
		fmt.Fprintf(&b, `{"id":"a%d","source":"Wire","url":"https://example.com/a/%d","published":"2023-02-24T10:00:00Z","title":"Title number %d","text":"%s"}`+"\n", i, i, i, t)
	}
	return b.Bytes()
}

func BenchmarkReadJSONL(b *testing.B) {
	data := benchCorpus(32 << 20)
	p := filepath.Join(b.TempDir(), "bench.jsonl")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		n := 0
		err := Read(context.Background(), []string{p}, Options{}, func(Record) error { n++; return nil },
			func(i Issue) { b.Fatalf("issue %v", i) })
		if err != nil || n == 0 {
			b.Fatal(err, n)
		}
	}
}

// benchArticle returns a ~3 KB article text of the benchCorpus kind: a
// headline, optionally a date line, then paragraphs with numbers in them.
func benchArticle(dateLine string) string {
	rng := rand.New(rand.NewPCG(3, 4))
	words := strings.Fields(`the said Tehran Moscow ministry spokesman “defense” cooperation
		war Ukraine Russia Iran drones claims Western talks on Friday, with and of to in a
		Kanaani’s peace négociations über 2023 12:30 1,000 "quoted" officials—statement country`)
	var b strings.Builder
	b.WriteString("Iran disavows supply of drone to Russia, says backs peace to Ukraine war\n")
	if dateLine != "" {
		b.WriteString(dateLine + "\n")
	}
	for b.Len() < 3000 {
		b.WriteString(words[rng.IntN(len(words))])
		if rng.IntN(30) == 0 {
			b.WriteString(".\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func BenchmarkTextTime(b *testing.B) {
	for _, bc := range []struct{ name, line string }{
		{"dated", "First Published: June 13, 2013 4:59 PM EDT"},
		{"undated", ""},
	} {
		text := benchArticle(bc.line)
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				_, ok := TextTime(text)
				if ok != (bc.line != "") {
					b.Fatal(ok)
				}
			}
		})
	}
}
