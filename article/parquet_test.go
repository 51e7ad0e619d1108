package article

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
)

// writeParquet writes rows of type T to dir/name with the library.
func writeParquet[T any](t testing.TB, dir, name string, rows []T, opts ...parquet.WriterOption) string {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name, buf.Bytes())
}

func readPaths(t *testing.T, paths ...string) ([]Record, []Issue) {
	t.Helper()
	return collect(t, Options{}, func(p *producer) bool {
		for _, path := range paths {
			if !p.readPath(path) {
				return false
			}
		}
		return true
	})
}

const pqText = "The central bank raised interest rates on Tuesday, citing inflation."

// pqArticle is an article table with an extra column and mixed-case names.
type pqArticle struct {
	ID        string   `parquet:"Id"`
	Source    string   `parquet:"source"`
	URL       string   `parquet:"URL"`
	Published string   `parquet:"published"`
	Title     string   `parquet:"title"`
	Text      *string  `parquet:"TEXT,optional"`
	Words     int64    `parquet:"words"`
	Tags      []string `parquet:"tags,list"`
}

func strp(s string) *string { return &s }

func TestParquetFields(t *testing.T) {
	dir := t.TempDir()
	path := writeParquet(t, dir, "a.parquet", []pqArticle{
		{ID: "x1", Source: "Reuters", URL: "https://r/1", Published: "2024-03-05T10:00:00Z", Title: "Rates", Text: strp(pqText), Words: 10, Tags: []string{"a", "b"}},
		{Text: strp("Second article, without an id."), Published: "1709632800"},
		{ID: "x3", Text: nil},                                 // null text
		{ID: "x4", Text: strp("  \n")},                        // empty text
		{ID: "x5", Text: strp("bad date"), Published: "soon"}, // kept, bad_date
		{ID: "  ", Text: strp("blank id gets the default")},
	})
	recs, issues := readPaths(t, path)
	checkAccounting(t, recs, issues, 6)
	if got, want := ids(recs), []string{"x1", "a.parquet:2", "x5", "a.parquet:6"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids %v, want %v", got, want)
	}
	a := recs[0].Article
	if a.Source != "Reuters" || a.URL != "https://r/1" || a.Title != "Rates" || a.Text != pqText ||
		!a.Published.Equal(time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)) || a.PublishedFrom != PublishedFromRecord {
		t.Errorf("first article %+v", a)
	}
	if recs[0].Pos.Line != 1 || recs[1].Pos.Line != 2 || recs[2].Pos.Line != 5 {
		t.Errorf("positions %v %v %v", recs[0].Pos, recs[1].Pos, recs[2].Pos)
	}
	if !recs[1].Article.Published.Equal(time.Unix(1709632800, 0)) {
		t.Errorf("unix seconds string: %v", recs[1].Article.Published)
	}
	checkIssues(t, issues, []Issue{
		{Pos: Pos{File: path, Line: 3}, Reason: "missing_text", Skipped: true},
		{Pos: Pos{File: path, Line: 4}, Reason: "empty_text", Skipped: true},
		{Pos: Pos{File: path, Line: 5}, Reason: "bad_date"},
	})
}

type pqTimestamps struct {
	ID     string    `parquet:"id"`
	Millis time.Time `parquet:"published,timestamp(millisecond)"`
	Text   string    `parquet:"text"`
}

type pqMicrosLocal struct {
	ID     string    `parquet:"id"`
	Micros time.Time `parquet:"published,timestamp(microsecond:local)"`
	Text   string    `parquet:"text"`
}

type pqDate struct {
	ID   int64  `parquet:"id"`
	Day  int32  `parquet:"published,date"` // days since 1970-01-01
	Text string `parquet:"text"`
}

type pqUnix struct {
	ID   int32  `parquet:"id"`
	Pub  *int64 `parquet:"published,optional"`
	Text string `parquet:"text"`
}

type pqFloatDate struct {
	ID   float64 `parquet:"id"`
	Pub  float64 `parquet:"published"`
	Text string  `parquet:"text"`
}

type pqBadTypes struct {
	ID   bool   `parquet:"id"`
	Pub  bool   `parquet:"published"`
	URL  int64  `parquet:"url"`
	Text string `parquet:"text"`
}

type pqIntText struct {
	ID   string `parquet:"id"`
	Text int64  `parquet:"text"`
}

type pqNoText struct {
	ID   string `parquet:"id"`
	Body string `parquet:"body"`
}

type pqListText struct {
	ID   string   `parquet:"id"`
	Text []string `parquet:"text,list"`
}

func i64p(v int64) *int64 { return &v }

func TestParquetTypes(t *testing.T) {
	dir := t.TempDir()
	when := time.Date(2024, 3, 5, 10, 30, 15, 123_000_000, time.UTC)
	day := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	p1 := writeParquet(t, dir, "ms.parquet", []pqTimestamps{{ID: "ms", Millis: when, Text: pqText}})
	p2 := writeParquet(t, dir, "us.parquet", []pqMicrosLocal{{ID: "us", Micros: when, Text: pqText}})
	p3 := writeParquet(t, dir, "date.parquet", []pqDate{{ID: 42, Day: int32(day.Unix() / 86400), Text: pqText}})
	p4 := writeParquet(t, dir, "unix.parquet", []pqUnix{
		{ID: 1, Pub: i64p(when.Unix()), Text: pqText},
		{ID: 2, Pub: i64p(when.UnixMilli()), Text: pqText},
		{ID: 3, Pub: nil, Text: pqText},
	})
	p5 := writeParquet(t, dir, "float.parquet", []pqFloatDate{{ID: 7, Pub: float64(when.Unix()), Text: pqText}, {ID: 7.5, Pub: 1e300, Text: pqText}})
	p6 := writeParquet(t, dir, "bad.parquet", []pqBadTypes{{ID: true, Pub: true, URL: 5, Text: pqText}})
	recs, issues := readPaths(t, p1, p2, p3, p4, p5, p6)
	checkAccounting(t, recs, issues, 9)
	type got struct {
		id  string
		pub time.Time
	}
	var have []got
	for _, r := range recs {
		have = append(have, got{r.Article.ID, r.Article.Published})
		if r.Article.URL != "" {
			t.Errorf("%s: url %q from an integer column", r.Article.ID, r.Article.URL)
		}
	}
	want := []got{
		{"ms", when}, {"us", when}, {"42", day},
		{"1", when.Truncate(time.Second)}, {"2", when}, {"3", time.Time{}},
		{"7", when.Truncate(time.Second)}, {"7.5", time.Time{}},
		{"bad.parquet:1", time.Time{}},
	}
	if len(have) != len(want) {
		t.Fatalf("records %v, want %v", have, want)
	}
	for i := range want {
		if have[i].id != want[i].id || !have[i].pub.Equal(want[i].pub) {
			t.Errorf("record %d: %v, want %v", i, have[i], want[i])
		}
	}
	checkIssues(t, issues, []Issue{
		{Pos: Pos{File: p5, Line: 2}, Reason: "bad_date"},
		{Pos: Pos{File: p6, Line: 1}, Reason: "bad_id"},
		{Pos: Pos{File: p6, Line: 1}, Reason: "bad_date"},
	})
}

func TestParquetTextColumn(t *testing.T) {
	dir := t.TempDir()
	p1 := writeParquet(t, dir, "int.parquet", []pqIntText{{ID: "a", Text: 1}, {ID: "b", Text: 2}})
	p2 := writeParquet(t, dir, "none.parquet", []pqNoText{{ID: "a", Body: pqText}})
	p3 := writeParquet(t, dir, "list.parquet", []pqListText{{ID: "a", Text: []string{pqText}}})
	p4 := writeFile(t, dir, "x.parquet.gz", gz(t, []byte("PAR1")))
	recs, issues := readPaths(t, p1, p2, p3, p4)
	if len(recs) != 0 {
		t.Fatalf("records %v", ids(recs))
	}
	checkIssues(t, issues, []Issue{
		{Pos: Pos{File: p1, Line: 1}, Reason: "missing_text", Skipped: true},
		{Pos: Pos{File: p1, Line: 2}, Reason: "missing_text", Skipped: true},
		{Pos: Pos{File: p2}, Reason: "parquet_no_text_column", Skipped: true},
		{Pos: Pos{File: p3}, Reason: "parquet_no_text_column", Skipped: true},
		{Pos: Pos{File: p4}, Reason: "unsupported_file", Skipped: true},
	})
}

type pqSimple struct {
	ID    string `parquet:"id"`
	Title string `parquet:"title"`
	Text  string `parquet:"text"`
}

func simpleRows(n int) []pqSimple {
	rows := make([]pqSimple, n)
	for i := range rows {
		rows[i] = pqSimple{ID: fmt.Sprintf("r%04d", i), Title: fmt.Sprintf("Title %d", i),
			Text: fmt.Sprintf("Article number %d says something %s.", i, strings.Repeat("long ", i%50))}
	}
	return rows
}

// Row groups, runs of rows across them and compressed pages give the same
// records, with row numbers counted across the file.
func TestParquetRowGroupsAndCodecs(t *testing.T) {
	dir := t.TempDir()
	rows := simpleRows(1000)
	codecs := map[string]compress.Codec{
		"none": &parquet.Uncompressed, "snappy": &parquet.Snappy, "zstd": &parquet.Zstd,
		"gzip": &parquet.Gzip, "lz4": &parquet.Lz4Raw, "brotli": &parquet.Brotli,
	}
	for name, codec := range codecs {
		t.Run(name, func(t *testing.T) {
			path := writeParquet(t, dir, name+".parquet", rows,
				parquet.Compression(codec), parquet.MaxRowsPerRowGroup(300), parquet.PageBufferSize(4096))
			recs, issues := readPaths(t, path)
			if len(issues) != 0 {
				t.Fatalf("issues %v", issues)
			}
			if len(recs) != len(rows) {
				t.Fatalf("%d records, want %d", len(recs), len(rows))
			}
			for i, r := range recs {
				if r.Article.ID != rows[i].ID || r.Article.Title != rows[i].Title || r.Article.Text != rows[i].Text || r.Pos.Line != i+1 {
					t.Fatalf("row %d: %+v at %v", i, r.Article, r.Pos)
				}
			}
		})
	}
}

// A Parquet table and a JSONL file of the same articles read the same.
func TestParquetMatchesJSONL(t *testing.T) {
	dir := t.TempDir()
	var jsonl bytes.Buffer
	var rows []pqArticle
	for i := range 50 {
		a := map[string]any{"id": fmt.Sprintf("n%d", i), "source": "S", "url": fmt.Sprintf("https://s/%d", i),
			"published": fmt.Sprintf("2024-01-%02dT08:00:00Z", 1+i%28), "title": fmt.Sprintf("T%d", i),
			"text": fmt.Sprintf("WASHINGTON - Article %d, with a dateline and some words.", i)}
		b, _ := json.Marshal(a)
		jsonl.Write(append(b, '\n'))
		rows = append(rows, pqArticle{ID: a["id"].(string), Source: "S", URL: a["url"].(string),
			Published: a["published"].(string), Title: a["title"].(string), Text: strp(a["text"].(string))})
	}
	pj := writeFile(t, dir, "c.jsonl", jsonl.Bytes())
	pp := writeParquet(t, dir, "c.parquet", rows)
	rj, ij := readPaths(t, pj)
	rp, ip := readPaths(t, pp)
	if len(ij)+len(ip) != 0 {
		t.Fatalf("issues %v %v", ij, ip)
	}
	if len(rj) != len(rp) {
		t.Fatalf("%d vs %d records", len(rj), len(rp))
	}
	for i := range rj {
		if !reflect.DeepEqual(rj[i].Article, rp[i].Article) || rj[i].Pos.Line != rp[i].Pos.Line {
			t.Fatalf("record %d:\njsonl   %+v\nparquet %+v", i, rj[i], rp[i])
		}
	}
}

// A damaged file is one reject at the row where reading stopped, never a
// crash, and the records before it are kept.
func TestParquetCorrupt(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[pqSimple](&buf, parquet.MaxRowsPerRowGroup(100), parquet.Compression(&parquet.Snappy))
	if _, err := w.Write(simpleRows(400)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	cases := map[string][]byte{
		"empty":     {},
		"magic":     []byte("PAR1"),
		"garbage":   []byte(strings.Repeat("not parquet at all ", 20)),
		"truncated": good[:len(good)/2],
		"nofooter":  good[:len(good)-8],
	}
	// Damage the page data but keep the footer: reading fails midway.
	for i, at := range []int{10, 200, len(good) / 3, len(good) / 2} {
		b := bytes.Clone(good)
		for j := at; j < at+40 && j < len(b)-8; j++ {
			b[j] ^= 0x5a
		}
		cases[fmt.Sprintf("flipped%d", i)] = b
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, dir, name+".parquet", data)
			recs, issues := readPaths(t, path)
			if skippedCount(issues) == 0 && len(recs) != 400 {
				t.Fatalf("%d records and no reject", len(recs))
			}
			for _, is := range issues {
				if is.Skipped && is.Reason != "corrupt_parquet" && is.Reason != "missing_text" && is.Reason != "empty_text" {
					t.Errorf("unexpected issue %v", is)
				}
			}
			if name == "truncated" || name == "garbage" || name == "empty" {
				if len(recs) != 0 || len(issues) != 1 || issues[0].Reason != "corrupt_parquet" || issues[0].Pos.Line != 0 {
					t.Errorf("got %d records, issues %v", len(recs), issues)
				}
			}
		})
	}
}

func FuzzParquet(f *testing.F) {
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[pqArticle](&buf, parquet.Compression(&parquet.Snappy))
	w.Write([]pqArticle{{ID: "a", Text: strp(pqText), Published: "2024-01-01", Tags: []string{"x"}}, {Text: nil}})
	w.Close()
	f.Add(buf.Bytes())
	buf.Reset()
	w2 := parquet.NewGenericWriter[pqTimestamps](&buf)
	w2.Write([]pqTimestamps{{ID: "b", Millis: time.Unix(1e9, 0), Text: pqText}})
	w2.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "f.parquet")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		recs, issues := readPaths(t, path)
		for _, is := range issues {
			if is.Reason == "internal_error" {
				t.Fatalf("panic: %v", is)
			}
		}
		_ = recs
	})
}

// A row over the record bound is rejected by its row number; the others
// are read.
func TestParquetRecordTooLong(t *testing.T) {
	dir := t.TempDir()
	path := writeParquet(t, dir, "long.parquet", []pqSimple{
		{ID: "a", Text: pqText}, {ID: "b", Text: strings.Repeat("word ", 100)}, {ID: "c", Text: pqText},
	})
	recs, issues := collect(t, Options{MaxRecordBytes: 200}, func(p *producer) bool { return p.readPath(path) })
	if got := ids(recs); !reflect.DeepEqual(got, []string{"a", "c"}) {
		t.Errorf("ids %v", got)
	}
	checkIssues(t, issues, []Issue{{Pos: Pos{File: path, Line: 2}, Reason: "record_too_long", Skipped: true}})
}
