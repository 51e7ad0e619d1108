package engine

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/reprint-news/reprint/article"
)

// TestWARCLikeJSONL: a WARC corpus (written by GNU Wget) gives the same
// duplicate pairs and groups as the same articles in JSONL.
func TestWARCLikeJSONL(t *testing.T) {
	const warc = "../article/testdata/warc/news.warc.gz"
	var lines []byte
	err := article.Read(context.Background(), []string{warc}, article.Options{}, func(r article.Record) error {
		b, err := json.Marshal(r.Article)
		lines = append(append(lines, b...), '\n')
		return err
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	jsonl := filepath.Join(t.TempDir(), "news.jsonl")
	if err := os.WriteFile(jsonl, lines, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Workers = 2
	fromWARC, err := Dedup(context.Background(), []string{warc}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	fromJSONL, err := Dedup(context.Background(), []string{jsonl}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(fromWARC.Groups) != 1 || len(fromWARC.Groups[0].Members) != 2 || len(fromWARC.Pairs) != 1 {
		t.Fatalf("WARC: groups %+v, pairs %+v", fromWARC.Groups, fromWARC.Pairs)
	}
	if !reflect.DeepEqual(fromWARC.Groups, fromJSONL.Groups) || !reflect.DeepEqual(fromWARC.Pairs, fromJSONL.Pairs) ||
		!reflect.DeepEqual(fromWARC.Keep, fromJSONL.Keep) {
		t.Errorf("WARC and JSONL differ:\ngroups %+v\n       %+v\npairs %+v\n      %+v", fromWARC.Groups, fromJSONL.Groups, fromWARC.Pairs, fromJSONL.Pairs)
	}
	if s := fromWARC.Stats; s.Records != 21 || s.Articles != 4 {
		t.Errorf("WARC stats: %d records, %d articles, skipped %v", s.Records, s.Articles, s.Skipped)
	}
}
