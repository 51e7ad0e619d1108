package article

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestInvalidUTF8Repaired(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", []byte("Good start \xff\xfe bad bytes"))
	writeFile(t, dir, "b.jsonl", []byte("{\"text\":\"ok\"}\n{\"title\":\"t\xc3\",\"text\":\"x \xe2\x82 y\"}\n"))
	writeFile(t, dir, "c.csv", []byte("text\nfine \xff\n"))
	recs, issues := readAll(t, []string{dir}, Options{})
	checkAccounting(t, recs, issues, 4)
	if len(recs) != 4 {
		t.Fatalf("got %d records", len(recs))
	}
	want := []Pos{{File: filepath.Join(dir, "a.txt")}, {File: filepath.Join(dir, "b.jsonl"), Line: 2}, {File: filepath.Join(dir, "c.csv"), Line: 2}}
	var got []Pos
	for _, is := range issues {
		if is.Reason != "invalid_utf8_repaired" || is.Skipped {
			t.Errorf("unexpected issue %v", is)
		}
		got = append(got, is.Pos)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("issue positions %v, want %v", got, want)
	}
	for _, r := range recs {
		if !utf8.ValidString(r.Article.Text) || !utf8.ValidString(r.Article.Title) {
			t.Errorf("invalid UTF-8 left in %+v", r.Article)
		}
	}
	if recs[0].Article.Text != "Good start \uFFFD bad bytes" {
		t.Errorf("txt repaired text %q", recs[0].Article.Text)
	}
	if recs[2].Article.Text != "x \uFFFD y" || recs[2].Article.Title != "t\uFFFD" {
		t.Errorf("jsonl repaired %+v", recs[2].Article)
	}
}

func TestEmptyText(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", []byte(" \n\t\r\n "))
	writeFile(t, dir, "b.jsonl", []byte(`{"text":"  "}`+"\n"+`{"text":"kept"}`+"\n"))
	writeFile(t, dir, "c.txt", []byte{})
	recs, issues := readAll(t, []string{dir}, Options{})
	checkAccounting(t, recs, issues, 4)
	if len(recs) != 1 || recs[0].Article.Text != "kept" {
		t.Errorf("records %v", recs)
	}
	var got []string
	for _, is := range issues {
		if is.Reason != "empty_text" || !is.Skipped {
			t.Errorf("issue %v", is)
		}
		got = append(got, is.Pos.String())
	}
	want := []string{filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.jsonl") + ":1", filepath.Join(dir, "c.txt")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("positions %v want %v", got, want)
	}
}

func TestTruncated(t *testing.T) {
	dir := t.TempDir()
	// 'é' is 2 bytes: a 101-byte limit falls inside one.
	big := strings.Repeat("é", 1000)
	writeFile(t, dir, "big.txt", []byte(big))
	writeFile(t, dir, "big.txt.gz", gz(t, []byte(big)))
	writeFile(t, dir, "big.jsonl", []byte(`{"text":"`+big+`"}`+"\n"))
	recs, issues := readAll(t, []string{dir}, Options{MaxArticleBytes: 101})
	checkAccounting(t, recs, issues, 3)
	if len(recs) != 3 {
		t.Fatalf("got %d records", len(recs))
	}
	for _, r := range recs {
		if r.Article.Text != strings.Repeat("é", 50) {
			t.Errorf("%v: text %d bytes, valid=%v", r.Pos, len(r.Article.Text), utf8.ValidString(r.Article.Text))
		}
	}
	n := 0
	for _, is := range issues {
		if is.Reason == "truncated" && !is.Skipped {
			n++
		}
	}
	if n != 3 {
		t.Errorf("truncated issues: %v", issues)
	}
}

func TestRecordTooLong(t *testing.T) {
	for _, size := range []int{1001, 3 << 20} { // within and beyond the bufio buffer
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			dir := t.TempDir()
			long := `{"text":"` + strings.Repeat("x", size) + `"}`
			data := `{"text":"one"}` + "\n" + long + "\n" + `{"text":"three"}` + "\n" + long // no final newline
			p := writeFile(t, dir, "f.jsonl", []byte(data))
			recs, issues := readAll(t, []string{dir}, Options{MaxRecordBytes: 1000})
			checkAccounting(t, recs, issues, 4)
			if got := ids(recs); !reflect.DeepEqual(got, []string{"f.jsonl:1", "f.jsonl:3"}) {
				t.Errorf("ids %v", got)
			}
			want := []Issue{
				{Pos: Pos{File: p, Line: 2}, Reason: "record_too_long", Skipped: true},
				{Pos: Pos{File: p, Line: 4}, Reason: "record_too_long", Skipped: true},
			}
			checkIssues(t, issues, want)
		})
	}
}

func TestCSVRecordTooLong(t *testing.T) {
	dir := t.TempDir()
	// Record 2 spans lines 3-2003 and is skipped to its end; record 3,
	// on line 2004, is read. The too-long record's quote closes mid-line.
	p := writeFile(t, dir, "f.csv", []byte("id,text\n1,short\n2,\""+strings.Repeat("long\n", 2000)+"\",x\n3,after\n"))
	recs, issues := readAll(t, []string{dir}, Options{MaxRecordBytes: 1000})
	if got := ids(recs); !slices.Equal(got, []string{"1", "3"}) || recs[1].Pos.Line != 2004 {
		t.Errorf("records %v", recs)
	}
	if len(issues) != 1 || issues[0].Reason != "record_too_long" || issues[0].Pos != (Pos{File: p, Line: 3}) || !issues[0].Skipped ||
		!strings.Contains(issues[0].Detail, "lines 3-2003") {
		t.Errorf("issues %v", issues)
	}
	// An unquoted line over the bound is skipped alone.
	u := writeFile(t, dir+"/line", "h.csv", []byte("id,text\n1,short\n2,"+strings.Repeat("x", 20000)+"\n3,after\n"))
	recs, issues = readAll(t, []string{u}, Options{MaxRecordBytes: 1000})
	if got := ids(recs); !slices.Equal(got, []string{"1", "3"}) || len(issues) != 1 || issues[0].Pos != (Pos{File: u, Line: 3}) {
		t.Errorf("long line: records %v, issues %v", got, issues)
	}
	// A quote that never closes, past the bound: the lines not read are named.
	q := writeFile(t, dir+"/open", "g.csv", []byte("id,text\n1,short\n2,\""+strings.Repeat("long\n", 2000)))
	recs, issues = readAll(t, []string{q}, Options{MaxRecordBytes: 1000})
	if len(recs) != 1 || len(issues) != 1 || !strings.Contains(issues[0].Detail, "never closed; lines 3-2003 not read") {
		t.Errorf("open quote past the bound: records %v, issues %v", recs, issues)
	}
}

// TestCSVRunawayQuote checks that a quote opened and never closed does not
// swallow the rows after it: its line is rejected, naming the lines it ran
// over, and every later row is read.
func TestCSVRunawayQuote(t *testing.T) {
	rows := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "r%d,Title %d,words of row %d\n", i, i, i)
		}
		return b.String()
	}
	for name, first := range map[string]string{
		"in text":       "c1,T1,\"words that never end\n",
		"in title":      "c1,\"T1 oops,words\n",
		"closed late":   "c1,\"T1 oops,words\n" + "c2,T2,\"quoted\", more\n", // closes on line 3, with 3 fields
		"crlf, in text": "c1,T1,\"words that never end\r\n",
		"after a blank": "\nc1,T1,\"words that never end\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, "f.csv", []byte("id,title,text\n"+first+rows(1000)))
			recs, issues := readAll(t, []string{p}, Options{})
			line := 2
			if name == "after a blank" {
				line = 3
			}
			wantRows := 1000
			if name == "closed late" {
				wantRows = 1001 // c2's row is read again too (with its lazy quote)
			}
			if len(recs) != wantRows {
				t.Fatalf("%d records, want %d; issues %v", len(recs), wantRows, issues)
			}
			last := recs[len(recs)-1]
			if last.Article.ID != "r999" || last.Pos.Line != line+wantRows || last.Article.Text != "words of row 999" {
				t.Errorf("last record %s at line %d: %q", last.Article.ID, last.Pos.Line, last.Article.Text)
			}
			if len(issues) != 1 || issues[0].Reason != "malformed_csv" || issues[0].Pos != (Pos{File: p, Line: line}) ||
				!strings.Contains(issues[0].Detail, fmt.Sprintf("line %d skipped", line)) {
				t.Errorf("issues %v", issues)
			}
		})
	}
	// A quoted text over several lines, closed, is one record.
	dir := t.TempDir()
	p := writeFile(t, dir, "ok.csv", []byte("id,title,text\nc1,T1,\"one,\ntwo, three\nfour\"\n"+rows(2)))
	recs, issues := readAll(t, []string{p}, Options{})
	if len(recs) != 3 || len(issues) != 0 || recs[0].Article.Text != "one,\ntwo, three\nfour" || recs[2].Pos.Line != 6 {
		t.Errorf("multi-line text: %v, issues %v", recs, issues)
	}
}

func TestUnreadable(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", []byte("good one"))
	if err := os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "b.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "sub"), filepath.Join(dir, "c.txt")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "d.txt.gz", []byte("not gzip at all"))
	writeFile(t, dir, "e.jsonl.zst", []byte("not zstd at all"))
	writeFile(t, dir, "f.txt", []byte("good two"))
	recs, issues := readAll(t, []string{dir, filepath.Join(dir, "b.txt")}, Options{})
	checkAccounting(t, recs, issues, 7)
	if got := ids(recs); !reflect.DeepEqual(got, []string{"a", "f"}) {
		t.Errorf("ids %v", got)
	}
	want := []string{"b.txt unreadable", "c.txt unreadable", "d.txt.gz decompress_error", "e.jsonl.zst decompress_error", "b.txt unreadable"}
	var got []string
	for _, is := range issues {
		got = append(got, filepath.Base(is.Pos.File)+" "+is.Reason)
		if !is.Skipped || is.Pos.Line != 0 {
			t.Errorf("issue %v", is)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("issues %v\nwant %v", got, want)
	}
}

func TestBinaryAndUnsupported(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", []byte("text\x00with nul"))
	writeFile(t, dir, "b.txt", bytes.Repeat([]byte{1, 2, 3, 'a'}, 100))
	writeFile(t, dir, "c.pdf", []byte("%PDF"))
	writeFile(t, dir, "README", []byte("hello"))
	writeFile(t, dir, ".hidden.txt", []byte("hello"))
	writeFile(t, dir, ".git/config", []byte("x"))
	writeFile(t, dir, "d.txt", []byte("fine\ttext\r\n"))
	recs, issues := readAll(t, []string{dir}, Options{})
	checkAccounting(t, recs, issues, 7)
	var got []string
	for _, is := range issues {
		got = append(got, filepath.Base(is.Pos.File)+" "+is.Reason)
	}
	want := []string{".git hidden_file", ".hidden.txt hidden_file", "README unsupported_file", "a.txt binary_file", "b.txt binary_file", "c.pdf unsupported_file"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("issues %v\nwant %v", got, want)
	}
	if len(recs) != 1 || recs[0].Article.ID != "d" {
		t.Errorf("records %v", recs)
	}
}

// jsonlLines returns n JSONL lines with varied text so that compressed
// output spans several blocks.
func jsonlLines(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"id":"r%d","text":"record %d %x %x %x"}`+"\n", i, i, i*7919, i*104729, i*1299709)
	}
	return b.Bytes()
}

func TestCorruptCompressedStream(t *testing.T) {
	const n = 20000
	data := jsonlLines(n)
	for _, c := range []struct {
		name string
		comp []byte
	}{{"f.jsonl.gz", gz(t, data)}, {"f.jsonl.zst", zst(t, data)}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			bad := bytes.Clone(c.comp)
			if strings.HasSuffix(c.name, ".gz") {
				bad = bad[:len(bad)*6/10] // truncated mid-stream
			} else {
				for i := len(bad) * 6 / 10; i < len(bad)*6/10+64; i++ {
					bad[i] ^= 0x5a // corrupted mid-stream
				}
			}
			p := writeFile(t, dir, "a/"+c.name, bad)
			writeFile(t, dir, "b/good.txt", []byte("after"))
			recs, issues := readAll(t, []string{dir}, Options{})
			if len(issues) != 1 || issues[0].Reason != "decompress_error" || !issues[0].Skipped || issues[0].Pos.File != p {
				t.Fatalf("issues %v", issues)
			}
			k := len(recs) - 1
			if k < 1000 || k >= n {
				t.Fatalf("%d records before the corruption", k)
			}
			for i, r := range recs[:k] {
				if r.Article.ID != fmt.Sprintf("r%d", i) {
					t.Fatalf("record %d is %q", i, r.Article.ID)
				}
			}
			if issues[0].Pos.Line != k+1 {
				t.Errorf("issue line %d, want %d", issues[0].Pos.Line, k+1)
			}
			if recs[k].Article.ID != "b/good" {
				t.Errorf("last record %q", recs[k].Article.ID)
			}
		})
	}
}

func TestGzipChecksumError(t *testing.T) {
	dir := t.TempDir()
	c := gz(t, []byte(`{"text":"one"}`+"\n"+`{"text":"two"}`+"\n"))
	c[len(c)-8] ^= 0xff // CRC32 trailer
	p := writeFile(t, dir, "f.jsonl.gz", c)
	recs, issues := readAll(t, []string{dir}, Options{})
	checkAccounting(t, recs, issues, 3)
	if len(issues) != 1 || issues[0].Reason != "decompress_error" || issues[0].Pos.File != p {
		t.Errorf("issues %v", issues)
	}
}

func TestJSONLProblems(t *testing.T) {
	dir := t.TempDir()
	data := strings.Join([]string{
		`{"id":"ok1","text":"fine"}`,
		`{"id":"bad1","text":"unterminated}`,
		`   `,
		`{"id":"nt","title":"no text"}`,
		`{"id":"num","text":12}`,
		`[1,2,3]`,
		`{"id":"d","text":"bad date kept","published":"last tuesday"}`,
		`{"id":{"x":1},"text":"object id"}`,
		`{"text":"trailing garbage"} x`,
		`null`,
		`{"id":"ok2","text":"fine","TEXT2":1}`,
	}, "\r\n")
	p := writeFile(t, dir, "f.jsonl", []byte(data))
	recs, issues := readAll(t, []string{dir}, Options{})
	checkAccounting(t, recs, issues, 10)
	if got := ids(recs); !reflect.DeepEqual(got, []string{"ok1", "d", "f.jsonl:8", "ok2"}) {
		t.Errorf("ids %v", got)
	}
	type ri struct {
		line   int
		reason string
		skip   bool
	}
	var got []ri
	for _, is := range issues {
		if is.Pos.File != p {
			t.Errorf("issue file %q", is.Pos.File)
		}
		got = append(got, ri{is.Pos.Line, is.Reason, is.Skipped})
	}
	want := []ri{
		{2, "malformed_json", true}, {4, "missing_text", true}, {5, "missing_text", true},
		{6, "malformed_json", true}, {7, "bad_date", false}, {8, "bad_id", false},
		{9, "malformed_json", true}, {10, "malformed_json", true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("issues %+v\nwant %+v", got, want)
	}
}

func TestCSVProblems(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "a.csv", []byte("\uFEFFTitle,Text,ID\nt1,text one,x1\nonly-one-field\n\nt3,\"text \"\"three\"\"\",x3\n"))
	q := writeFile(t, dir, "b.csv", []byte("title,body\nt,b\n"))
	writeFile(t, dir, "c.csv", []byte(""))
	recs, issues := readAll(t, []string{dir}, Options{})
	checkAccounting(t, recs, issues, 4)
	if got := ids(recs); !reflect.DeepEqual(got, []string{"x1", "x3"}) {
		t.Errorf("ids %v", got)
	}
	if recs[1].Pos.Line != 5 || recs[1].Article.Text != `text "three"` {
		t.Errorf("record %+v", recs[1])
	}
	want := []Issue{
		{Pos: Pos{File: p, Line: 3}, Reason: "malformed_csv", Skipped: true},
		{Pos: Pos{File: q, Line: 1}, Reason: "csv_no_text_column", Skipped: true},
	}
	checkIssues(t, issues, want)
}

func TestEmitErrorAndCancel(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "f.jsonl", jsonlLines(50000))
	stop := errors.New("stop")
	n := 0
	err := Read(context.Background(), []string{dir}, Options{Workers: 2}, func(Record) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	}, nil)
	if err != stop || n != 10 {
		t.Errorf("err=%v n=%d", err, n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = Read(ctx, []string{dir}, Options{Workers: 2}, func(Record) error {
		n++
		if n == 10 {
			cancel()
		}
		return nil
	}, nil)
	if !errors.Is(err, context.Canceled) || n > 10+64 {
		t.Errorf("err=%v n=%d", err, n)
	}
	if err := Read(ctx, []string{dir}, Options{}, func(Record) error { return nil }, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("pre-cancelled: %v", err)
	}
}

// TestDeterminism reads a mixed tree with several worker counts and
// compares the full event sequences.
func TestDeterminism(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a/lines.jsonl", append(jsonlLines(3000), []byte("{bad\n{\"text\":\"\"}\n")...))
	writeFile(t, dir, "a/lines2.jsonl.gz", gz(t, jsonlLines(2000)))
	writeFile(t, dir, "b/page.html", []byte(htmlPage))
	writeFile(t, dir, "b/x.txt", []byte("Some headline here\nLONDON - body"))
	writeFile(t, dir, "b/y.txt", []byte("bin\x00"))
	writeFile(t, dir, "c/t.csv", []byte("text,id\nhello,1\nworld,2\n"))
	writeFile(t, dir, "c/zz.bin", []byte("x"))
	run := func(workers int) []string {
		var ev []string
		err := Read(context.Background(), []string{dir, "../testdata/seeds"}, Options{Workers: workers}, func(r Record) error {
			ev = append(ev, fmt.Sprintf("R %v %s %q %q", r.Pos, r.Article.ID, r.Article.Title, r.Article.Text))
			return nil
		}, func(i Issue) { ev = append(ev, "I "+i.String()) })
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	one := run(1)
	if len(one) != 3000+2+2000+1+2+2+1+5 {
		t.Errorf("%d events", len(one))
	}
	for _, w := range []int{2, 4, 7} {
		if got := run(w); !reflect.DeepEqual(got, one) {
			t.Errorf("workers=%d: sequence differs", w)
		}
	}
}

func TestSymlinkedRoot(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "real/a.txt", []byte("text a"))
	writeFile(t, dir, "real/sub/b.json", []byte(`{"text":"b"}`))
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "real"), link); err != nil {
		t.Fatal(err)
	}
	// A symlink loop inside the tree is not followed.
	if err := os.Symlink(link, filepath.Join(dir, "real", "loop")); err != nil {
		t.Fatal(err)
	}
	recs, issues := readAll(t, []string{link}, Options{})
	if got := ids(recs); !reflect.DeepEqual(got, []string{"a", "sub/b"}) {
		t.Errorf("ids %v", got)
	}
	if len(issues) != 1 || issues[0].Reason != "unsupported_file" || filepath.Base(issues[0].Pos.File) != "loop" {
		t.Errorf("issues %v", issues)
	}
	if recs[0].Pos.File != filepath.Join(link, "a.txt") {
		t.Errorf("pos %v", recs[0].Pos)
	}
}

// TestByteOrderMark checks that a UTF-8 byte-order mark before the first
// record of a JSONL file, standard input, a .json file or a CSV file is
// not part of the record.
func TestByteOrderMark(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", []byte(BOM+`{"id":"a","text":"first"}`+"\n"+`{"id":"b","text":"second"}`+"\n"))
	writeFile(t, dir, "c.json", []byte(BOM+`{"id":"c","text":"whole file"}`))
	writeFile(t, dir, "d.jsonl.gz", gz(t, []byte(BOM+`{"id":"d","text":"compressed"}`+"\n")))
	writeFile(t, dir, "e.csv", []byte(BOM+"id,text\ne,row\n"))
	writeFile(t, dir, "f.txt", []byte(BOM+"plain text"))
	recs, issues := readAll(t, []string{dir}, Options{})
	if len(issues) != 0 {
		t.Errorf("issues %v", issues)
	}
	got := map[string]string{}
	for _, r := range recs {
		got[r.Article.ID] = r.Article.Text
	}
	want := map[string]string{"a": "first", "b": "second", "c": "whole file", "d": "compressed", "e": "row", "f": "plain text"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records %v, want %v", got, want)
	}
	recs, issues = readAll(t, []string{StdinPath}, Options{Stdin: strings.NewReader(BOM + `{"id":"s","text":"piped"}` + "\n")})
	if len(recs) != 1 || recs[0].Article.Text != "piped" || len(issues) != 0 {
		t.Errorf("stdin: records %v, issues %v", recs, issues)
	}
}

// TestBadID checks the one id limit at the readers: an id over MaxIDBytes
// or with a control character is rejected as bad_id at its position, in
// JSONL and CSV records and in ids made from file names.
func TestBadID(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("x", MaxIDBytes+1)
	ok := strings.Repeat("y", MaxIDBytes)
	p := writeFile(t, dir, "a.jsonl", []byte(`{"id":"`+long+`","text":"t1"}`+"\n"+`{"id":"`+ok+`","text":"t2"}`+"\n"+`{"id":"a\tb","text":"t3"}`+"\n"))
	c := writeFile(t, dir, "b.csv", []byte("id,text\n\"x\ty\",t4\nfine,t5\n"))
	f := writeFile(t, dir, "c\x01d.txt", []byte("t6"))
	recs, issues := readAll(t, []string{dir}, Options{})
	if got := ids(recs); !slices.Equal(got, []string{ok, "fine"}) {
		t.Errorf("records %v", got)
	}
	checkIssues(t, issues, []Issue{
		{Pos: Pos{File: p, Line: 1}, Reason: "bad_id", Skipped: true},
		{Pos: Pos{File: p, Line: 3}, Reason: "bad_id", Skipped: true},
		{Pos: Pos{File: c, Line: 2}, Reason: "bad_id", Skipped: true},
		{Pos: Pos{File: f}, Reason: "bad_id", Skipped: true},
	})
}

// TestSameFileID checks that two files whose paths differ only in their
// extensions (a.txt, a.txt.gz, a.html) get different ids: the first its
// path without extensions, the next ones their full paths, reported.
func TestSameFileID(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.txt", []byte("first"))
	b := writeFile(t, dir, "a.txt.gz", gz(t, []byte("second")))
	c := writeFile(t, dir, "sub/a.html", []byte("<html><body><article><p>third, in another folder, is its own id</p></article></body></html>"))
	recs, issues := readAll(t, []string{dir}, Options{})
	got := map[string]string{}
	for _, r := range recs {
		got[r.Article.ID] = r.Pos.File
	}
	if want := map[string]string{"a": a, "a.txt.gz": b, "sub/a": c}; !reflect.DeepEqual(got, want) {
		t.Errorf("ids %v, want %v", got, want)
	}
	checkIssues(t, issues, []Issue{{Pos: Pos{File: b}, Reason: "id_from_full_path"}})
}
