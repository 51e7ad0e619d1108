package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/reprint-news/reprint/article"
)

// TestAPIByteOrderMark checks that a body that starts with a UTF-8
// byte-order mark, as some exporters write files, is read as without it:
// one article and a batch.
func TestAPIByteOrderMark(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, true)
	one := article.BOM + `{"id":"bom1","text":"A byte-order mark before one article does not make it malformed JSON at all."}`
	if r := e.do(http.MethodPost, "/v1/articles", "application/json", []byte(one)); r.Code != http.StatusCreated {
		t.Errorf("one article: %d %s", r.Code, r.Body)
	}
	batch := article.BOM + `{"id":"bom2","text":"The first line of a batch after a byte-order mark is read like any other line."}` + "\n" +
		`{"id":"bom3","text":"The second line of that batch was never in doubt, and it is read as well."}` + "\n"
	r := e.do(http.MethodPost, "/v1/articles", "application/x-ndjson", []byte(batch))
	var res BatchResult
	if err := json.Unmarshal(r.Body, &res); err != nil || r.Code != http.StatusOK {
		t.Fatalf("batch: %d %s", r.Code, r.Body)
	}
	for _, lr := range res.Results {
		if lr.Error != "" {
			t.Errorf("batch line %d: %s", lr.Line, lr.Error)
		}
	}
	if len(res.Results) != 2 {
		t.Errorf("batch: %d results, want 2", len(res.Results))
	}
}

// TestAPIIDLimit checks the one id limit at the API: an id over
// article.MaxIDBytes or with a control character is a 400 (bad_id) alone
// and on its batch line; an id at the limit is stored and served.
func TestAPIIDLimit(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, true)
	text := "An article whose id is what this test is about, long enough to be read as an article."
	for _, id := range []string{strings.Repeat("x", 100<<10), strings.Repeat("x", article.MaxIDBytes+1), "a\nb", "tab\there"} {
		r := e.post(articleJSON{ID: id, Text: text})
		if r.Code != http.StatusBadRequest || !strings.Contains(string(r.Body), "bad_id") {
			t.Errorf("id of %d bytes: %d %.200s", len(id), r.Code, r.Body)
		}
	}
	r := e.postBatch(jsonLine(t, articleJSON{ID: strings.Repeat("z", article.MaxIDBytes+1), Text: text}), jsonLine(t, articleJSON{ID: "fine", Text: text}))
	var res BatchResult
	if err := json.Unmarshal(r.Body, &res); err != nil || len(res.Results) != 2 ||
		res.Results[0].Status != http.StatusBadRequest || !strings.Contains(res.Results[0].Error, "bad_id") || res.Results[1].Error != "" {
		t.Errorf("batch: %d %.300s", r.Code, r.Body)
	}
	// At the limit, with characters a URL must escape: stored, read, deleted.
	id := strings.Repeat("é/?", article.MaxIDBytes/4)
	if r := e.post(articleJSON{ID: id, Text: text}); r.Code != http.StatusCreated {
		t.Fatalf("id at the limit: %d %.200s", r.Code, r.Body)
	}
	path := "/v1/articles/" + url.PathEscape(id)
	if r := e.get(path); r.Code != http.StatusOK {
		t.Errorf("GET id at the limit: %d %.200s", r.Code, r.Body)
	}
	if r := e.do(http.MethodDelete, path, "", nil); r.Code != http.StatusOK && r.Code != http.StatusNoContent {
		t.Errorf("DELETE id at the limit: %d %.200s", r.Code, r.Body)
	}
}

// TestAPICompressedBody checks POST bodies with Content-Encoding gzip and
// zstd (one article and a batch), a coding the server does not know (415),
// a corrupt stream (400), and a body that decompresses past the body
// limit (413).
func TestAPICompressedBody(t *testing.T) {
	e := newAPIEnv(t, nil, Options{MaxBodyBytes: 64 << 10}, true)
	text := "A compressed article body is read like any other once the server has decompressed it."
	one, _ := json.Marshal(articleJSON{ID: "gz1", Text: text})
	batch := jsonLine(t, articleJSON{ID: "zs1", Text: text + " One."}) + "\n" + jsonLine(t, articleJSON{ID: "zs2", Text: text + " Two."}) + "\n"
	if r := e.do(http.MethodPost, "/v1/articles", "application/json", gzipBytes(t, one), "Content-Encoding", "gzip"); r.Code != http.StatusCreated {
		t.Errorf("gzip article: %d %s", r.Code, r.Body)
	}
	r := e.do(http.MethodPost, "/v1/articles", "application/x-ndjson", zstdBytes(t, []byte(batch)), "Content-Encoding", "zstd")
	var res BatchResult
	if err := json.Unmarshal(r.Body, &res); err != nil || r.Code != http.StatusOK || len(res.Results) != 2 || res.Results[0].Error != "" || res.Results[1].Error != "" {
		t.Errorf("zstd batch: %d %s", r.Code, r.Body)
	}
	if r := e.do(http.MethodPost, "/v1/articles", "application/json", one, "Content-Encoding", "br"); r.Code != http.StatusUnsupportedMediaType ||
		!strings.Contains(string(r.Body), "Content-Encoding") {
		t.Errorf("br: %d %s", r.Code, r.Body)
	}
	if r := e.do(http.MethodPost, "/v1/articles", "application/json", []byte("not gzip at all"), "Content-Encoding", "gzip"); r.Code != http.StatusBadRequest {
		t.Errorf("corrupt gzip: %d %s", r.Code, r.Body)
	}
	big := []byte(`{"id":"big","text":"` + strings.Repeat("a ", 64<<10) + `"}`)
	if r := e.do(http.MethodPost, "/v1/articles", "application/json", gzipBytes(t, big), "Content-Encoding", "gzip"); r.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("gzip bomb: %d %s", r.Code, r.Body)
	}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil || zw.Close() != nil {
		t.Fatal("gzip")
	}
	return buf.Bytes()
}

func zstdBytes(t *testing.T, b []byte) []byte {
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Close()
	return zw.EncodeAll(b, nil)
}
