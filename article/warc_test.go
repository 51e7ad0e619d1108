package article

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// warcFixture is a WARC written by GNU Wget (see testdata/warc/mkfixture.go).
const warcFixture = "testdata/warc/news.warc.gz"

// warcFixtureRecords is the number of WARC records in the fixture.
const warcFixtureRecords = 21

func readWARCFixture(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(warcFixture)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gunzipAll decompresses every gzip member of b.
func gunzipAll(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWARC(t *testing.T) {
	recs, issues := readAll(t, []string{warcFixture}, Options{})
	checkAccounting(t, recs, issues, warcFixtureRecords)

	skipped := map[string]int{}
	for _, is := range issues {
		if is.Skipped {
			skipped[is.Reason]++
		}
		if is.Pos.File != warcFixture || is.Pos.Line < 1 || is.Pos.Line > warcFixtureRecords {
			t.Errorf("issue position %v", is.Pos)
		}
	}
	// warcinfo, 9 requests, metadata, resource; robots.txt and the image;
	// the 301 and the 404; the page without text.
	want := map[string]int{"warc_record_type": 12, "not_html": 2, "http_status": 2, "no_main_text": 1}
	if !reflect.DeepEqual(skipped, want) {
		t.Errorf("skipped by reason %v, want %v", skipped, want)
	}
	for _, c := range []struct{ reason, in string }{
		{"not_html", "robots.txt"}, {"not_html", "image/png"},
		{"http_status", "404 Not Found"}, {"http_status", "301 Moved Permanently"},
		{"warc_record_type", "warcinfo record"}, {"warc_record_type", "metadata record"},
		{"warc_record_type", "request record for http://"},
	} {
		found := false
		for _, is := range issues {
			found = found || (is.Reason == c.reason && strings.Contains(is.Detail, c.in))
		}
		if !found {
			t.Errorf("no %s issue mentioning %q", c.reason, c.in)
		}
	}

	if len(recs) != 4 {
		t.Fatalf("got %d articles: %v", len(recs), ids(recs))
	}
	host := strings.TrimSuffix(strings.TrimPrefix(recs[0].Article.URL, "http://"), "/news/harbour-fire.html")
	base := "http://" + host
	wantPaths := []string{"/news/harbour-fire.html", "/syndicated/harbour-fire", "/news/council-budget.html", "/news/weather?ref="}
	wantLines := []int{5, 7, 9, 19}
	for i, r := range recs {
		a := r.Article
		if !strings.HasPrefix(a.URL, base+wantPaths[i]) || r.Pos.Line != wantLines[i] {
			t.Errorf("article %d: url %.80q at %v", i, a.URL, r.Pos)
		}
		if i < 3 && a.ID != a.URL {
			t.Errorf("article %d: id %q, want its url %q", i, a.ID, a.URL)
		}
		if a.Source != "Harbour Gazette" {
			t.Errorf("article %d: source %q", i, a.Source)
		}
	}
	if a := recs[0].Article; !a.Published.Equal(time.Date(2024, 3, 5, 9, 30, 0, 0, time.UTC)) || a.PublishedFrom != PublishedFromHTML ||
		a.Title != "Warehouse fire closes harbour road" || !strings.Contains(a.Text, "Firefighters from three stations fought the blaze through the night, and") ||
		strings.Contains(a.Text, "Subscribe") || strings.Contains(a.Text, "Copyright") {
		t.Errorf("first article: %+v", a)
	}
	// Sent chunked and gzip-encoded, with no date of its own: the capture
	// date stands in.
	a := recs[1].Article
	if a.PublishedFrom != PublishedFromWARC || a.Published.IsZero() || a.Published.Year() < 2025 ||
		!strings.Contains(a.Text, "This story was first published by the Harbour Gazette.") {
		t.Errorf("syndicated article: %+v", a)
	}
	if a := recs[2].Article; !strings.Contains(a.Text, "Rue des Pêcheurs") || a.PublishedFrom != PublishedFromHTML {
		t.Errorf("council article: %+v", a)
	}
	// The long URL: a stable, shortened id, and the full URL.
	a = recs[3].Article
	if len(a.URL) <= MaxIDBytes || CheckID(a.ID) != nil || !strings.HasPrefix(a.URL, a.ID[:len(a.ID)-40]) || !strings.Contains(a.ID, "#sha256-") {
		t.Errorf("long url: id %q (%d bytes), url of %d bytes", a.ID, len(a.ID), len(a.URL))
	}
	if id, _ := warcID(a.URL); id != a.ID {
		t.Errorf("shortened id not stable: %q vs %q", id, a.ID)
	}
	if is, ok := findIssue(issues, "id_shortened"); !ok || is.Skipped || is.Pos != recs[3].Pos {
		t.Errorf("id_shortened issue: %v", is)
	}
}

// TestWARCCompressions: a .warc, a .warc.gz compressed as a whole and a
// .warc.zst give what the crawler's record-per-member .warc.gz gives.
func TestWARCCompressions(t *testing.T) {
	wantRecs, wantIssues := readAll(t, []string{warcFixture}, Options{})
	plain := gunzipAll(t, readWARCFixture(t))
	dir := t.TempDir()
	for _, name := range []string{"news.warc", "whole.warc.gz", "news.WARC.zst"} {
		data := plain
		switch {
		case strings.HasSuffix(name, ".gz"):
			data = gz(t, plain)
		case strings.HasSuffix(name, ".zst"):
			data = zst(t, plain)
		}
		p := writeFile(t, dir, name, data)
		recs, issues := readAll(t, []string{p}, Options{})
		if len(recs) != len(wantRecs) || len(issues) != len(wantIssues) {
			t.Fatalf("%s: %d records, %d issues; want %d, %d", name, len(recs), len(issues), len(wantRecs), len(wantIssues))
		}
		for i := range recs {
			if !reflect.DeepEqual(recs[i].Article, wantRecs[i].Article) || recs[i].Pos.Line != wantRecs[i].Pos.Line {
				t.Errorf("%s: record %d differs:\n%+v\n%+v", name, i, recs[i].Article, wantRecs[i].Article)
			}
		}
		for i := range issues {
			is, w := issues[i], wantIssues[i]
			is.Pos.File, w.Pos.File = "", ""
			if is != w {
				t.Errorf("%s: issue %d: %v, want %v", name, i, is, w)
			}
		}
	}
}

// TestWARCRecordBound: the record bound applies to the HTML payload.
func TestWARCRecordBound(t *testing.T) {
	recs, issues := readAll(t, []string{warcFixture}, Options{MaxRecordBytes: 1000})
	checkAccounting(t, recs, issues, warcFixtureRecords)
	n := 0
	for _, is := range issues {
		if is.Reason == "truncated" && !is.Skipped {
			n++
		}
	}
	if n == 0 {
		t.Errorf("no truncated issue: %v", issues)
	}
}

// TestWARCCorrupt: a truncated or damaged WARC never stops the run; every
// record is accounted for, and a damaged record-per-member .warc.gz is
// read on after the damaged member.
func TestWARCCorrupt(t *testing.T) {
	data := readWARCFixture(t)
	plain := gunzipAll(t, data)
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"cut.warc.gz", data[:len(data)*2/3]},
		{"cut1.warc.gz", data[:len(data)-1]},
		{"cut.warc", plain[:len(plain)/2]},
		{"garbage.warc", append(append([]byte("junk before\r\n"), plain...), "trailing junk"...)},
		{"empty.warc", nil},
		{"notwarc.warc", []byte("<html><body>hello</body></html>")},
	} {
		p := writeFile(t, dir, c.name, c.data)
		recs, issues := readAll(t, []string{p}, Options{})
		skipped := 0
		for _, is := range issues {
			if is.Skipped {
				skipped++
			}
		}
		t.Logf("%s: %d articles, %d skipped", c.name, len(recs), skipped)
		if c.name != "empty.warc" && skipped == 0 {
			t.Errorf("%s: nothing skipped", c.name)
		}
		if strings.HasPrefix(c.name, "cut") {
			last := issues[len(issues)-1]
			if !last.Skipped || !strings.Contains(last.Detail, "rest of file not read") {
				t.Errorf("%s: last issue %v", c.name, last)
			}
		}
	}

	// Damage the middle of the third record's gzip member (the robots.txt
	// response): the records after it are still read.
	members := gzipMembers(t, data)
	bad := bytes.Clone(data)
	m := members[2]
	for i := m[0] + 20; i < m[1]-10; i++ {
		bad[i] ^= 0x55
	}
	p := writeFile(t, dir, "damaged.warc.gz", bad)
	recs, issues := readAll(t, []string{p}, Options{})
	checkAccounting(t, recs, issues, warcFixtureRecords)
	if len(recs) != 4 {
		t.Errorf("damaged member: %d articles, want 4", len(recs))
	}
	if is, ok := findIssue(issues, "decompress_error"); !ok || is.Pos.Line != 3 || !strings.Contains(is.Detail, "up to the next record") {
		t.Errorf("damaged member: issue %v (%v)", is, issues)
	}
}

// gzipMembers returns the [start, end) offsets of the gzip members of b.
func gzipMembers(t testing.TB, b []byte) [][2]int {
	t.Helper()
	var out [][2]int
	r := bytes.NewReader(b)
	for r.Len() > 0 {
		start := len(b) - r.Len()
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		zr.Multistream(false)
		if _, err := io.Copy(io.Discard, zr); err != nil {
			t.Fatal(err)
		}
		out = append(out, [2]int{start, len(b) - r.Len()})
	}
	return out
}

func TestWARCID(t *testing.T) {
	if id, note := warcID("http://a.example/x"); id != "http://a.example/x" || note != "" {
		t.Errorf("plain: %q %q", id, note)
	}
	if id, note := warcID("http://a.example/x\ty\xff"); id != "http://a.example/x%09y%FF" || note == "" {
		t.Errorf("control: %q %q", id, note)
	}
	long := "http://a.example/" + strings.Repeat("é", 1500)
	id, note := warcID(long)
	if CheckID(id) != nil || len(id) > MaxIDBytes || note == "" {
		t.Errorf("long: %d bytes, %v", len(id), CheckID(id))
	}
	if id2, _ := warcID(long + "x"); id2 == id {
		t.Errorf("long URLs sharing their start share an id")
	}
}

func FuzzWARC(f *testing.F) {
	plain, err := os.ReadFile(warcFixture)
	if err != nil {
		f.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(plain))
	if err != nil {
		f.Fatal(err)
	}
	plain, err = io.ReadAll(zr)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(plain[:4000])
	f.Add([]byte("WARC/1.1\r\nWARC-Type: response\r\nContent-Type: application/http;msgtype=response\r\nWARC-Target-URI: http://x/\r\nContent-Length: 60\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n<p>hi</p>\r\n\r\n\r\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "f.warc")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		recs, issues := readAll(t, []string{p}, Options{MaxRecordBytes: 1 << 16})
		for _, r := range recs {
			if CheckID(r.Article.ID) != nil || r.Pos.Line < 1 {
				t.Errorf("bad record %v %q", r.Pos, r.Article.ID)
			}
		}
		for _, is := range issues {
			if is.Pos.File != p {
				t.Errorf("issue position %v", is.Pos)
			}
		}
	})
}
