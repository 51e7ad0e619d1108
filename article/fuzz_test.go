package article

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// collect runs produce through the pipeline and returns what came out.
func collect(t *testing.T, opts Options, produce func(*producer) bool) ([]Record, []Issue) {
	t.Helper()
	var recs []Record
	var issues []Issue
	err := pipeline(context.Background(), opts.withDefaults(), produce,
		func(r Record) error { recs = append(recs, r); return nil },
		func(i Issue) { issues = append(issues, i) })
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range issues {
		if i.Reason == "internal_error" {
			t.Fatalf("decoder panicked: %v", i)
		}
	}
	return recs, issues
}

func skippedCount(issues []Issue) int {
	n := 0
	for _, i := range issues {
		if i.Skipped {
			n++
		}
	}
	return n
}

func FuzzJSONL(f *testing.F) {
	f.Add([]byte(jsonlData))
	f.Add([]byte(`{"id":1e2,"text":"a\u00e9\ud800","published":-1.5e12}`))
	f.Add([]byte("{\"text\":\"x\xff\"}\r\n\n{\"TEXT\":\"y\",\"text\":\"z\"}"))
	f.Add([]byte(`{"a":[{"b":[]}],"text":"deep"} `))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Scanner against encoding/json, line by line.
		lr := lineReader{br: newTestBufReader(data), max: 1 << 20}
		lines := 0
		for {
			line, _, _, err := lr.next()
			if err != nil {
				break
			}
			if isBlank(line) {
				continue
			}
			lines++
			var ja jsonArticle
			serr := scanArticle(line, &ja)
			want := json.Valid(line) && bytes.TrimLeft(line, " \t\r\n")[0] == '{'
			if (serr == nil) != want {
				t.Fatalf("scanArticle(%q) err=%v; encoding/json valid object=%v", line, serr, want)
			}
			if serr != nil || !utf8.Valid(line) {
				continue
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatalf("unmarshal valid %q: %v", line, err)
			}
			folds := 0
			for k := range m {
				if strings.EqualFold(k, "text") {
					folds++
				}
			}
			var s string
			if json.Unmarshal(m["text"], &s) == nil && folds == 1 && bytes.Count(line, []byte(`"text"`)) == 1 {
				got, ok, _ := jsonString(ja.Text)
				if !ok || got != s {
					t.Fatalf("text of %q: got %q, encoding/json %q", line, got, s)
				}
			}
		}
		// The whole pipeline, with a small record bound.
		recs, issues := collect(t, Options{Stdin: bytes.NewReader(data), MaxRecordBytes: 200, MaxArticleBytes: 50, Workers: 2},
			func(p *producer) bool { return p.readPath("-") })
		n := 0
		lr = lineReader{br: newTestBufReader(data), max: 200}
		for {
			line, _, tooLong, err := lr.next()
			if err != nil {
				break
			}
			if tooLong || !isBlank(line) {
				n++
			}
		}
		if len(recs)+skippedCount(issues) != n {
			t.Fatalf("accounting: %d emitted + %d skipped != %d lines", len(recs), skippedCount(issues), n)
		}
		for _, r := range recs {
			if !utf8.ValidString(r.Article.Text) || len(r.Article.Text) > 50 || r.Article.ID == "" {
				t.Fatalf("bad record %+v", r)
			}
		}
	})
}

func FuzzTxt(f *testing.F) {
	f.Add([]byte("Iran disavows supply of drone to Russia\nTEHRAN - The spokesman said.\n"))
	f.Add([]byte(" date 2023-02-24 TEHRAN - Iranian Foreign Ministry spokesman"))
	f.Add([]byte("News   /   Defense\n\nA headline: here\n\nBody."))
	f.Add([]byte("WASHINGTON, Feb 24 (Reuters) — text\xff"))
	f.Add([]byte("DATE:2023-13-45 x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		title, _, dateline := txtMeta(string(data))
		if title != "" && !strings.Contains(strings.Join(strings.Fields(string(data)), " "), title) {
			t.Fatalf("title %q not in text", title)
		}
		if dateline != "" && !strings.Contains(string(data), dateline) {
			t.Fatalf("dateline %q not in text", dateline)
		}
		var res result
		u := unit{kind: kindTxt, pos: Pos{File: "f.txt"}, id: "f"}
		opts := Options{}.withDefaults()
		decodeUnit(&u, data, &opts, &res)
		if skippedCount(res.issues) > 1 || (res.ok && skippedCount(res.issues) != 0) || (!res.ok && skippedCount(res.issues) != 1) {
			t.Fatalf("accounting: ok=%v issues=%v", res.ok, res.issues)
		}
		if res.ok && res.rec.Article.Text != strings.ToValidUTF8(string(data), "\uFFFD") {
			t.Fatalf("text altered: %q", res.rec.Article.Text)
		}
	})
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("id,title,text,published\n1,t,\"multi\nline \"\"q\"\"\",2023-02-24\n2,,plain,bad\n"))
	f.Add([]byte("\uFEFFTEXT\n\"unterminated\n"))
	f.Add([]byte("text,id\n,\n\n\"a\"b,c\r\nx"))
	f.Add([]byte("title\nno text column\n"))
	f.Add([]byte("id,title,text\nc1,\"T1,words\nc2,T2,x\nc3,T3,\"y\", z\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, issues := collect(t, Options{MaxRecordBytes: 100, MaxArticleBytes: 40, Workers: 2}, func(p *producer) bool {
			return p.readCSV(source{r: bytes.NewReader(data), pos: Pos{File: "f.csv"}}, "f.csv")
		})
		last := 0
		for _, r := range recs {
			if r.Pos.Line <= last {
				t.Fatalf("lines not increasing: %v after %d", r.Pos, last)
			}
			last = r.Pos.Line
			if !utf8.ValidString(r.Article.Text) || len(r.Article.Text) > 40 || strings.TrimSpace(r.Article.Text) == "" {
				t.Fatalf("bad record %+v", r)
			}
		}
		for _, i := range issues {
			if i.Pos.File != "f.csv" {
				t.Fatalf("issue %v", i)
			}
		}
	})
}

func FuzzTextTime(f *testing.F) {
	f.Add("Headline\nFirst Published: June 13, 2013 4:59 PM EDT\nBody.")
	f.Add(" date 2023-02-24 TEHRAN - text")
	f.Add("WASHINGTON, March 8, 2013 12:46 EST (Reuters) - text")
	f.Add("Updated 10:34 AM ET, Mon March 11, 2013")
	f.Add("4 October 2013, 18:07 (GMT+05:00")
	f.Add("2013-03-08T12:46:00+99:99\n11/30/09 05:40 PM ET\n\xff")
	f.Fuzz(func(t *testing.T, text string) {
		got, ok := TextTime(text)
		again, ok2 := TextTime(text)
		if ok != ok2 || !got.Equal(again) {
			t.Fatalf("not deterministic: %v %v / %v %v", got, ok, again, ok2)
		}
		if !ok {
			if !got.IsZero() {
				t.Fatalf("not ok but %v", got)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("location %v", got.Location())
		}
		// 1900-01-01 00:00 at +14:00 is 1899-12-31 in UTC.
		if y := got.Year(); y < textTimeMinYear-1 || y > textTimeMaxYear+1 {
			t.Fatalf("year %d", y)
		}
		// Only the head counts.
		if len(text) > TextTimeMaxBytes {
			if h, ok := TextTime(text[:TextTimeMaxBytes+1] + "\nMarch 8, 2013"); !ok || !h.Equal(got) {
				t.Fatalf("depends on more than the head: %v, %v", h, got)
			}
		}
	})
}
