package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/synth"
	"github.com/reprint-news/reprint/text"
)

// corpusRow is an article as a Parquet row, published as a timestamp.
type corpusRow struct {
	ID        string     `parquet:"id"`
	Source    string     `parquet:"source"`
	URL       string     `parquet:"url"`
	Published *time.Time `parquet:"published,optional,timestamp(millisecond)"`
	Title     string     `parquet:"title"`
	Text      string     `parquet:"text"`
	Extra     int64      `parquet:"extra_column"`
}

// jsonlToParquet writes the articles of a JSONL file as a Parquet table
// of several row groups, zstd-compressed.
func jsonlToParquet(t *testing.T, src, dst string) int {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[corpusRow](out, parquet.Compression(&parquet.Zstd), parquet.MaxRowsPerRowGroup(500))
	sc := bufio.NewScanner(in)
	sc.Buffer(nil, 16<<20)
	n := 0
	for sc.Scan() {
		var a struct{ ID, Source, URL, Published, Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		r := corpusRow{ID: a.ID, Source: a.Source, URL: a.URL, Title: a.Title, Text: a.Text, Extra: int64(n)}
		if a.Published != "" {
			p, err := time.Parse(time.RFC3339Nano, a.Published)
			if err != nil || !p.Equal(p.Truncate(time.Millisecond)) {
				t.Fatalf("published %q does not fit a millisecond timestamp", a.Published)
			}
			r.Published = &p
		}
		if _, err := w.Write([]corpusRow{r}); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return n
}

// parquetCorpus generates a corpus with duplicates as JSONL and the same
// articles as Parquet.
func parquetCorpus(t *testing.T, n int) (jsonl, pq string) {
	t.Helper()
	pool, err := synth.LoadPool(testdata.Require(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, _, err := synth.WriteJSONL(filepath.Join(dir, "j"), pool, synth.Config{Articles: n, Seed: 7}, n)
	if err != nil {
		t.Fatal(err)
	}
	pq = filepath.Join(dir, "corpus.parquet")
	if got := jsonlToParquet(t, files[0], pq); got != n {
		t.Fatalf("%d rows converted, want %d", got, n)
	}
	return files[0], pq
}

// The engine finds the same pairs, groups and articles to keep in a
// Parquet corpus as in the JSONL of the same articles.
func TestParquetCorpusSameDuplicates(t *testing.T) {
	jsonl, pq := parquetCorpus(t, 1500)
	cfg := engine.DefaultConfig()
	cfg.Workers = 2
	rj, err := engine.Dedup(context.Background(), []string{jsonl}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := engine.Dedup(context.Background(), []string{pq}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rj.Pairs) == 0 || len(rj.Groups) == 0 {
		t.Fatalf("the corpus has no duplicates: %d pairs, %d groups", len(rj.Pairs), len(rj.Groups))
	}
	if len(rj.Issues)+len(rp.Issues) != 0 {
		t.Fatalf("issues: jsonl %v, parquet %v", rj.Issues, rp.Issues)
	}
	if rj.Stats.Articles != rp.Stats.Articles {
		t.Errorf("articles: jsonl %d, parquet %d", rj.Stats.Articles, rp.Stats.Articles)
	}
	if !reflect.DeepEqual(rj.Pairs, rp.Pairs) {
		t.Errorf("pairs differ: jsonl %d, parquet %d", len(rj.Pairs), len(rp.Pairs))
	}
	if !reflect.DeepEqual(rj.Groups, rp.Groups) {
		t.Errorf("groups differ: jsonl %d, parquet %d", len(rj.Groups), len(rp.Groups))
	}
	if !reflect.DeepEqual(rj.Keep, rp.Keep) {
		t.Errorf("keep differs: jsonl %d, parquet %d", len(rj.Keep), len(rp.Keep))
	}
}

// readParquetRows reads a table written by --format parquet.
func readParquetRows[R any](t *testing.T, path string) []R {
	t.Helper()
	rows, err := parquet.ReadFile[R](path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// sameJSON fails unless a and b marshal to the same JSON.
func sameJSON(t *testing.T, name string, a, b any) {
	t.Helper()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("%s: parquet rows differ from the JSONL ones\nparquet %.600s\njsonl   %.600s", name, ja, jb)
	}
}

func convertAll[T, R any](items []T, conv func(T) R) []R {
	out := make([]R, 0, len(items))
	for _, it := range items {
		out = append(out, conv(it))
	}
	return out
}

// `reprint stories --format parquet` on the Parquet corpus writes the rows
// that --format jsonl writes for the JSONL corpus.
func TestParquetOutputMatchesJSONL(t *testing.T) {
	jsonl, pq := parquetCorpus(t, 600)
	dj := filepath.Join(t.TempDir(), "j")
	dp := filepath.Join(t.TempDir(), "p")
	for _, run := range [][]string{
		{"stories", "-q", "-o", dj, jsonl},
		{"stories", "-q", "--format", "parquet", "-o", dp, pq},
	} {
		if code, _, stderr := runCLI(t, run...); code != exitOK {
			t.Fatalf("%q: exit %d\n%s", run, code, stderr)
		}
	}
	for _, f := range []string{"pairs.jsonl", "groups.jsonl", "keep.txt", "boilerplate.jsonl", "stories.jsonl", "storylines.jsonl"} {
		if _, err := os.Stat(filepath.Join(dp, f)); err == nil {
			t.Errorf("--format parquet wrote %s", f)
		}
	}
	for _, f := range []string{"rejects.jsonl", "summary.json", "relations.jsonl", "provenance.jsonl", "outlets.jsonl"} {
		if _, err := os.Stat(filepath.Join(dp, f)); err != nil {
			t.Errorf("--format parquet: %v", err)
		}
	}
	for _, f := range []string{"relations.jsonl", "outlets.jsonl"} {
		if readFile(t, filepath.Join(dj, f)) != readFile(t, filepath.Join(dp, f)) {
			t.Errorf("%s differs between the JSONL and the Parquet corpus", f)
		}
	}

	pairs := decodeLines[engine.Pair](t, filepath.Join(dj, "pairs.jsonl"))
	if len(pairs) == 0 {
		t.Fatal("no pairs")
	}
	sameJSON(t, "pairs", readParquetRows[pairRow](t, filepath.Join(dp, "pairs.parquet")), convertAll(pairs, pairRowOf))
	sameJSON(t, "groups", readParquetRows[groupRow](t, filepath.Join(dp, "groups.parquet")),
		convertAll(decodeLines[engine.Group](t, filepath.Join(dj, "groups.jsonl")), groupRowOf))
	sameJSON(t, "keep", readParquetRows[keepRow](t, filepath.Join(dp, "keep.parquet")),
		convertAll(lines(t, "keep.txt", readFile(t, filepath.Join(dj, "keep.txt"))), keepRowOf))
	sameJSON(t, "boilerplate", readParquetRows[boilerplateRow](t, filepath.Join(dp, "boilerplate.parquet")),
		convertAll(decodeLines[text.BoilerplateLine](t, filepath.Join(dj, "boilerplate.jsonl")), boilerplateRowOf))
	stories := decodeLines[engine.Story](t, filepath.Join(dj, "stories.jsonl"))
	sameJSON(t, "stories", readParquetRows[storyRow](t, filepath.Join(dp, "stories.parquet")), convertAll(stories, storyRowOf))
	sameJSON(t, "storylines", readParquetRows[storylineRow](t, filepath.Join(dp, "storylines.parquet")),
		convertAll(decodeLines[engine.Storyline](t, filepath.Join(dj, "storylines.jsonl")), storylineRowOf))

	// The schema: LIST columns and UTC millisecond timestamps, by the
	// JSON field names.
	f, err := os.Open(filepath.Join(dp, "stories.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range pf.Root().Columns() {
		names = append(names, c.Name())
		lt := c.Type().LogicalType()
		switch c.Name() {
		case "first_seen", "last_seen":
			ts, ok := lt.Value.(*format.TimestampType)
			if !ok || !ts.IsAdjustedToUTC || ts.Unit.Value.Duration() != time.Millisecond || !c.Optional() {
				t.Errorf("%s: %v, optional %v", c.Name(), c.Type(), c.Optional())
			}
		case "articles", "sources", "groups", "terms":
			if _, ok := lt.Value.(*format.ListType); !ok {
				t.Errorf("%s is %v, not a LIST", c.Name(), c.Type())
			}
		}
	}
	if want := "id headline first_seen last_seen lang articles sources groups terms"; strings.Join(names, " ") != want {
		t.Errorf("columns %q, want %q", names, want)
	}
}

func TestParquetFormatUsage(t *testing.T) {
	for _, args := range [][]string{
		{"dedup", "--format", "parquet", seedsDir},
		{"stories", "--format=parquet", seedsDir},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, "needs -o DIR") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	code, _, stderr := runCLI(t, "dedup", "--format", "csv", "-o", t.TempDir(), seedsDir)
	if code != exitUsage || !strings.Contains(stderr, "jsonl or parquet") {
		t.Errorf("--format csv: exit %d, stderr %q", code, stderr)
	}
	_, stdout, _ := runCLI(t, "dedup", "--help")
	if !strings.Contains(stdout, "--format parquet") {
		t.Errorf("dedup --help does not describe --format parquet:\n%s", stdout)
	}
}
