package article

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const jsonlData = `{"id":"a1","source":"Wire","url":"http://x/1","published":"2023-02-24T10:00:00Z","title":"T1","text":"First article text."}

{"text":"No id here.","published":1677196800}
{"id":42,"text":"Numeric id.","published":"2023-02-24"}
`

func TestFormats(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a/one.txt", []byte("Headline of the story here\nBERLIN - Body text follows.\n"))
	writeFile(t, dir, "a/two.txt.gz", gz(t, []byte("Plain body only.")))
	writeFile(t, dir, "a/three.txt.zst", zst(t, []byte("Zstd body only.")))
	writeFile(t, dir, "b/art.json", []byte(`{"id":"j1","title":"JSON title","text":"JSON text.","published":"2023-02-24 12:30:00","extra":{"x":[1,2]}}`))
	writeFile(t, dir, "b/noid.json.gz", gz(t, []byte(`{"text":"no id json"}`)))
	writeFile(t, dir, "c/lines.jsonl", []byte(jsonlData))
	writeFile(t, dir, "c/lines.jsonl.gz", gz(t, []byte(jsonlData)))
	writeFile(t, dir, "c/lines.ndjson.zst", zst(t, []byte(jsonlData)))
	csvData := "ID,Title,Text,Published,ignored\n" +
		"c1,Title one,\"Multi-line\ntext, with \"\"quotes\"\"\",2023-02-24,zzz\n" +
		",No id,Second text,,\n"
	writeFile(t, dir, "d/table.csv", []byte(csvData))
	writeFile(t, dir, "d/table.csv.zst", zst(t, []byte(csvData)))

	recs, issues := readAll(t, []string{dir}, Options{Workers: 3})
	if len(issues) != 0 {
		t.Errorf("unexpected issues: %v", issues)
	}
	wantIDs := []string{
		"a/one", "a/three", "a/two",
		"j1", "b/noid",
		"a1", "c/lines.jsonl:3", "42",
		"a1", "c/lines.jsonl.gz:3", "42",
		"a1", "c/lines.ndjson.zst:3", "42",
		"c1", "d/table.csv:4",
		"c1", "d/table.csv.zst:4",
	}
	if got := ids(recs); !reflect.DeepEqual(got, wantIDs) {
		t.Fatalf("ids:\n got %q\nwant %q", got, wantIDs)
	}
	by := map[string]Record{}
	for _, r := range recs {
		if _, ok := by[r.Article.ID]; !ok {
			by[r.Article.ID] = r
		}
	}
	if a := by["a/one"].Article; a.Title != "Headline of the story here" || a.Dateline != "BERLIN" {
		t.Errorf("txt meta: %+v", a)
	}
	if a := by["a/three"].Article; a.Text != "Zstd body only." {
		t.Errorf("zst text %q", a.Text)
	}
	if a := by["j1"].Article; a.Title != "JSON title" || !a.Published.Equal(time.Date(2023, 2, 24, 12, 30, 0, 0, time.UTC)) {
		t.Errorf("json: %+v", a)
	}
	a1 := by["a1"]
	if a := a1.Article; a.Source != "Wire" || a.URL != "http://x/1" || a.Title != "T1" || a.Text != "First article text." ||
		!a.Published.Equal(time.Date(2023, 2, 24, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("jsonl: %+v", a)
	}
	if a1.Pos.Line != 1 || filepath.Base(a1.Pos.File) != "lines.jsonl" {
		t.Errorf("jsonl pos %v", a1.Pos)
	}
	if a := by["c/lines.jsonl:3"].Article; !a.Published.Equal(time.Unix(1677196800, 0)) {
		t.Errorf("unix date: %v", a.Published)
	}
	c1 := by["c1"]
	if a := c1.Article; a.Title != "Title one" || a.Text != "Multi-line\ntext, with \"quotes\"" || !a.Published.Equal(time.Date(2023, 2, 24, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("csv: %+v", a)
	}
	if c1.Pos.Line != 2 {
		t.Errorf("csv pos %v", c1.Pos)
	}
	if r := by["d/table.csv:4"]; r.Pos.Line != 4 || r.Article.Title != "No id" {
		t.Errorf("csv second: %+v", r)
	}
}

func TestExplicitFileAndStdin(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "sub/x.TXT", []byte("just text"))
	stdin := strings.NewReader(jsonlData)
	recs, issues := readAll(t, []string{p, "-"}, Options{Stdin: stdin})
	if len(issues) != 0 {
		t.Errorf("issues: %v", issues)
	}
	want := []string{"x", "a1", "stdin:3", "42"}
	if got := ids(recs); !reflect.DeepEqual(got, want) {
		t.Errorf("ids %q want %q", got, want)
	}
	if recs[2].Pos != (Pos{File: "-", Line: 3}) {
		t.Errorf("stdin pos %v", recs[2].Pos)
	}
	// Compressed stdin is detected by magic bytes.
	recs, _ = readAll(t, []string{"-"}, Options{Stdin: strings.NewReader(string(gz(t, []byte(jsonlData))))})
	if len(recs) != 3 {
		t.Errorf("gzip stdin: %d records", len(recs))
	}
}

func TestMissingPathIsFatal(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", []byte("text"))
	called := false
	err := Read(context.Background(), []string{dir, filepath.Join(dir, "nope")}, Options{},
		func(Record) error { called = true; return nil }, nil)
	if err == nil || called {
		t.Errorf("err=%v called=%v; want error before reading", err, called)
	}
}

func TestJSONDates(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{`"2023-02-24T10:00:00Z"`, time.Date(2023, 2, 24, 10, 0, 0, 0, time.UTC), true},
		{`"2023-02-24T10:00:00.123+02:00"`, time.Date(2023, 2, 24, 8, 0, 0, 123e6, time.UTC), true},
		{`"2023-02-24"`, time.Date(2023, 2, 24, 0, 0, 0, 0, time.UTC), true},
		{`"2023-02-24 10:00:00"`, time.Date(2023, 2, 24, 10, 0, 0, 0, time.UTC), true},
		{`1677196800`, time.Date(2023, 2, 24, 0, 0, 0, 0, time.UTC), true},
		{`1677196800000`, time.Date(2023, 2, 24, 0, 0, 0, 0, time.UTC), true},
		{`"1677196800"`, time.Date(2023, 2, 24, 0, 0, 0, 0, time.UTC), true},
		{`null`, time.Time{}, true},
		{`""`, time.Time{}, true},
		{`"yesterday"`, time.Time{}, false},
		{`true`, time.Time{}, false},
		{`{"a":1}`, time.Time{}, false},
	}
	for _, c := range cases {
		got, ok := jsonDate([]byte(c.in))
		if ok != c.ok || !got.Equal(c.want) {
			t.Errorf("jsonDate(%s) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestJSONStrings(t *testing.T) {
	for in, want := range map[string]string{
		`"plain"`:                  "plain",
		`"a\nb\t\"q\" \\ \/"`:      "a\nb\t\"q\" \\ /",
		`"\u00e9\u4e2d"`:           "é中",
		`"\ud83d\ude00 smile"`:     "😀 smile",
		`"lone \ud83d x"`:          "lone \uFFFD x",
		`"lone low \ude00"`:        "lone low \uFFFD",
		`"pair then \ud83d\u0041"`: "pair then \uFFFDA",
	} {
		got, ok, _ := jsonString([]byte(in))
		if !ok || got != want {
			t.Errorf("jsonString(%s) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if id, k := jsonID([]byte(`12.0`)); id != "12" || k != idOK {
		t.Errorf("jsonID(12.0) = %q", id)
	}
	if id, k := jsonID([]byte(`-7`)); id != "-7" || k != idOK {
		t.Errorf("jsonID(-7) = %q", id)
	}
	if _, k := jsonID([]byte(`[1]`)); k != idBad {
		t.Errorf("jsonID([1]) kind %d", k)
	}
}
