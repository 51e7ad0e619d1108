// Command fit derives the few numbers reprint ships from the development
// data in ../shared/data (or $REPRINT_DATA), reproducibly:
//
//	go run ./internal/fit background   # match/background_en.bin: background document frequencies
//	go run ./internal/fit sentence     # match/model_sentence.go: the sentence pair model, from MSRP
//	go run ./internal/fit reuse        # match/model_reuse.go: the reuse models (METER) and similarity (SemEval)
//	go run ./internal/fit eval         # the quality figures of text reuse (docs/QUALITY.md)
//
// Each output names the data it came from in the comment of the file that
// embeds it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/text"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./internal/fit background")
		os.Exit(2)
	}
	dir := testdata.Dir()
	if dir == "" {
		fmt.Fprintln(os.Stderr, "fit: development data not found (../shared/data or $REPRINT_DATA)")
		os.Exit(1)
	}
	var err error
	switch os.Args[1] {
	case "background":
		err = write("match/background_en.bin", func() ([]byte, string, error) { return fitBackground(dir) })
	case "sentence":
		err = write("match/model_sentence.go", func() ([]byte, string, error) { return fitSentence(dir) })
	case "reuse":
		err = write("match/model_reuse.go", func() ([]byte, string, error) { return fitReuse(dir) })
	case "eval":
		err = evalAll(dir)
	default:
		err = fmt.Errorf("unknown target %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fit:", err)
		os.Exit(1)
	}
}

// write writes what fit makes to path and prints its summary.
func write(path string, fit func() ([]byte, string, error)) error {
	src, summary, err := fit()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %s\n", path, summary)
	return nil
}

// backgroundCorpora are the article files the background frequencies
// are counted over: news text that no reuse evaluation scores.
var backgroundCorpora = []string{"ecbplus-dev.jsonl", "uci-headlines.jsonl"}

// fitBackground counts the background document frequencies and returns
// match/background_en.bin and a summary.
func fitBackground(dir string) ([]byte, string, error) {
	df := map[uint32]uint32{}
	n := 0
	var d text.Doc
	var words []text.Word
	var stems []uint32
	for _, name := range backgroundCorpora {
		err := eachArticle(filepath.Join(dir, name), func(title, body string) {
			s := title + "\n" + body
			d.Tokenize(s)
			words = text.Words(words[:0], s, d.Tokens, "en")
			stems = text.DistinctStems(stems[:0], words)
			for _, x := range stems {
				df[x]++
			}
			n++
		})
		if err != nil {
			return nil, "", err
		}
	}
	b := match.EncodeBackground(n, df, 2)
	return b, fmt.Sprintf("%d documents, %d stems (df ≥ 2 of %d), %d bytes", n, (len(b)-8)/8, len(df), len(b)), nil
}

// eachArticle calls f with the title and text of every article of a JSONL
// file (the title is empty when it repeats the text, as in headline
// corpora).
func eachArticle(path string, f func(title, body string)) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var a struct{ Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if a.Title == a.Text {
			a.Title = ""
		}
		f(a.Title, a.Text)
	}
	return sc.Err()
}
