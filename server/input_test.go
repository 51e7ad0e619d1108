package server

import (
	"encoding/json"
	"net/http"
	"testing"

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
