package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/store"
)

// The API is tested as a client uses it: a real store and engine behind a
// real HTTP server on 127.0.0.1. Every answer of every test is also
// checked against openapi.json (apiEnv.do), and every error answer must
// be an apiError repeating its status.

// apiSeeds returns the five seed articles in file order (000 … 004).
func apiSeeds(t testing.TB) []article.Article {
	t.Helper()
	var out []article.Article
	dir := filepath.Join(testdata.Repo(), "testdata", "seeds")
	err := article.Read(context.Background(), []string{dir}, article.Options{}, func(r article.Record) error {
		out = append(out, r.Article)
		return nil
	}, func(is article.Issue) { t.Logf("input issue: %+v", is) })
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 5 {
		t.Fatalf("read %d seeds from %s, want 5", len(out), dir)
	}
	for i, a := range out {
		if want := "00" + string(rune('0'+i)); apiSeedNum(a.ID) != want {
			t.Fatalf("seed %d is %q, want %s_…", i, a.ID, want)
		}
	}
	return out
}

// apiSeedNum is the number of a seed id ("002_324f…" → "002").
func apiSeedNum(id string) string { n, _, _ := strings.Cut(filepath.Base(id), "_"); return n }

// apiEnv is a real server over a real store and engine.
type apiEnv struct {
	t     *testing.T
	srv   *Server
	st    *store.Store
	live  *engine.Live // nil until ready
	url   string
	token string // sent with every request unless a test says otherwise
}

// apiMemStore opens an empty in-memory store, closed when the test ends.
func apiMemStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.OpenMemory(store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newAPIEnv serves store st (nil: a new one in memory) with options o;
// ready false leaves the server without its engine (SetLive not called).
func newAPIEnv(t *testing.T, st *store.Store, o Options, ready bool) *apiEnv {
	t.Helper()
	if st == nil {
		st = apiMemStore(t)
	}
	e := &apiEnv{t: t, srv: New(st, o), st: st, token: o.Token}
	if ready {
		e.setLive()
	}
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)
	e.url = ts.URL
	return e
}

// setLive opens the engine on the store and gives it to the server.
func (e *apiEnv) setLive() {
	e.t.Helper()
	l, err := engine.OpenLive(e.st, engine.DefaultConfig())
	if err != nil {
		e.t.Fatal(err)
	}
	e.live = l
	e.srv.SetLive(l)
}

// apiReply is an HTTP answer.
type apiReply struct {
	Code   int
	Header http.Header
	Body   []byte
}

// noToken, as the value of an Authorization header pair, sends none.
const noToken = "\x00none"

// do sends a request (hdr: header name, value pairs; the env's token is
// sent unless an Authorization pair is given), checks the answer against
// openapi.json when the route is documented, and checks that an error
// answer under /v1 is an apiError with its status. Safe for concurrent
// use (failures are reported with Errorf).
func (e *apiEnv) do(method, path, ct string, body []byte, hdr ...string) apiReply {
	t := e.t
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return apiReply{}
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == noToken {
			req.Header.Del(hdr[i])
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return apiReply{}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("%s %s: reading the answer: %v", method, path, err)
	}
	r := apiReply{Code: resp.StatusCode, Header: resp.Header, Body: b}
	if r.Code >= 400 && strings.HasPrefix(path, "/v1/") {
		var ae apiError
		if err := json.Unmarshal(b, &ae); err != nil || ae.Status != r.Code || ae.Error == "" {
			t.Errorf("%s %s: %d answered %q, want an apiError with status %d", method, path, r.Code, b, r.Code)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: %d with Content-Type %q", method, path, r.Code, ct)
		}
	}
	// The request again, with the body the server read, for the check.
	vreq, _ := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	vreq.Header = req.Header.Clone()
	if err := specCheck(vreq, r, false); err != nil {
		t.Errorf("%s %s: answer does not match openapi.json: %v", method, path, err)
	}
	return r
}

func (e *apiEnv) get(path string, hdr ...string) apiReply {
	e.t.Helper()
	return e.do(http.MethodGet, path, "", nil, hdr...)
}

// post posts v (an article) as JSON.
func (e *apiEnv) post(v any, hdr ...string) apiReply {
	e.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(http.MethodPost, "/v1/articles", "application/json", b, hdr...)
}

// postBatch posts lines as a JSON Lines batch.
func (e *apiEnv) postBatch(lines ...string) apiReply {
	e.t.Helper()
	return e.do(http.MethodPost, "/v1/articles", "application/x-ndjson", []byte(strings.Join(lines, "\n")+"\n"))
}

// jsonLine marshals v for a batch.
func jsonLine(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// want fails the test unless the answer has status code.
func (r apiReply) want(t testing.TB, code int, what string) apiReply {
	t.Helper()
	if r.Code != code {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.Code, code, clipBody(r.Body))
	}
	return r
}

// wantError fails the test unless the answer is an error with status
// code whose message holds every one of parts.
func (r apiReply) wantError(t testing.TB, code int, what string, parts ...string) {
	t.Helper()
	r.want(t, code, what)
	var ae apiError
	if err := json.Unmarshal(r.Body, &ae); err != nil {
		t.Fatalf("%s: error body %s: %v", what, clipBody(r.Body), err)
	}
	for _, p := range parts {
		if !strings.Contains(ae.Error, p) {
			t.Errorf("%s: error %q does not say %q", what, ae.Error, p)
		}
	}
}

func clipBody(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// decodeAs decodes an answer's body.
func decodeAs[T any](t testing.TB, r apiReply) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("decoding %s: %v", clipBody(r.Body), err)
	}
	return v
}

// articleJSON is an article as a client posts it.
type articleJSON struct {
	ID        string `json:"id,omitempty"`
	Title     string `json:"title,omitempty"`
	Source    string `json:"source,omitempty"`
	Published string `json:"published,omitempty"`
	Text      string `json:"text,omitempty"`
}

// apiText returns an article text of n words drawn from a vocabulary of
// its own (a hash of seed): texts of different seeds share no words, so
// each opens its own story.
func apiText(seed string, n int) string {
	h := fnv.New64a()
	h.Write([]byte(seed))
	r := rand.New(rand.NewPCG(h.Sum64(), 1))
	vocab := make([]string, 40)
	for i := range vocab {
		w := make([]byte, 5+r.IntN(5))
		for j := range w {
			w[j] = byte('a' + r.IntN(26))
		}
		vocab[i] = string(w)
	}
	words := make([]string, n)
	for i := range words {
		words[i] = vocab[r.IntN(len(vocab))]
	}
	return strings.Join(words, " ")
}

// articleCount is how many articles the engine holds.
func (e *apiEnv) articleCount() uint64 {
	e.t.Helper()
	if e.live == nil {
		e.t.Fatal("no engine")
	}
	return e.live.Len()
}

func TestAPIBadInput(t *testing.T) {
	e := newAPIEnv(t, nil, Options{MaxBodyBytes: 4 << 10, MaxArticleBytes: 1 << 10}, true)
	good := articleJSON{ID: "good", Text: apiText("good", 40)}
	e.post(good).want(t, http.StatusCreated, "a good article")
	raw := func(ct, body string) apiReply {
		t.Helper()
		return e.do(http.MethodPost, "/v1/articles", ct, []byte(body))
	}
	const js = "application/json"
	for _, c := range []struct {
		name, ct, body string
		code           int
		says           []string
	}{
		{"malformed JSON", js, `{"id":"x","text":"abc"`, 400, []string{"malformed_json"}},
		{"trailing data", js, `{"id":"x","text":"abc"} {"id":"y"}`, 400, []string{"malformed_json"}},
		{"not an object", js, `["x","abc"]`, 400, []string{"malformed_json"}},
		{"empty body", js, ``, 400, []string{"malformed_json"}},
		{"text not a string", js, `{"id":"x","text":42}`, 400, []string{"missing_text"}},
		{"missing text", js, `{"id":"x","title":"A title"}`, 400, []string{"missing_text"}},
		{"blank text", js, `{"id":"x","text":" \n\t "}`, 400, []string{"missing_text"}},
		{"missing id", js, `{"text":"some words here"}`, 400, []string{"missing_id"}},
		{"blank id", js, `{"id":"  ","text":"some words here"}`, 400, []string{"missing_id"}},
		{"bad id", js, `{"id":{"a":1},"text":"some words here"}`, 400, []string{"bad_id"}},
		{"dot id", js, `{"id":".","text":"some words here"}`, 400, []string{"bad_id", `"."`}},
		{"dot-dot id", js, `{"id":"..","text":"some words here"}`, 400, []string{"bad_id", `".."`}},
		{"bad date", js, `{"id":"x","text":"some words here","published":"yesterday-ish"}`, 400, []string{"bad_date"}},
		{"invalid UTF-8 in the text", js, "{\"id\":\"x\",\"text\":\"caf\xe9 au lait\"}", 400, []string{"invalid_utf8"}},
		{"invalid UTF-8 in the id", js, "{\"id\":\"x\xff\",\"text\":\"some words here\"}", 400, []string{"invalid_utf8"}},
		{"invalid UTF-8 in an unknown field", js, "{\"id\":\"x\",\"text\":\"some words here\",\"note\":\"\xff\"}", 400, []string{"invalid_utf8"}},
		{"wrong content type", "text/plain", `{"id":"x","text":"some words here"}`, 415, []string{"text/plain", "application/json", "application/x-ndjson"}},
		{"form content type", "application/x-www-form-urlencoded", `id=x&text=abc`, 415, []string{"application/x-www-form-urlencoded"}},
		{"no content type", "", `{"id":"x","text":"some words here"}`, 415, []string{"Content-Type"}},
		{"oversized body", js, `{"id":"x","text":"` + strings.Repeat("a ", 3<<10) + `"}`, 413, []string{"request body over 4096 bytes"}},
		{"oversized batch body", "application/x-ndjson", strings.Repeat(`{"id":"x","text":"some words here"}`+"\n", 200), 413, []string{"request body over 4096 bytes"}},
		{"oversized article", js, `{"id":"x","text":"` + strings.Repeat("a ", 600) + `"}`, 413, []string{"article_too_large", "1200 bytes", "1024"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.articleCount()
			raw(c.ct, c.body).wantError(t, c.code, c.name, c.says...)
			if n := e.articleCount(); n != before {
				t.Errorf("a refused article changed the count from %d to %d", before, n)
			}
		})
	}
	t.Run("JSON with charset", func(t *testing.T) {
		raw("application/json; charset=utf-8", jsonLine(t, articleJSON{ID: "cs", Text: apiText("cs", 30)})).want(t, http.StatusCreated, "charset")
	})
	t.Run("number id", func(t *testing.T) {
		r := decodeAs[Result](t, raw(js, `{"id":1234,"text":"a text with a numeric id"}`).want(t, http.StatusCreated, "number id"))
		if r.ID != "1234" {
			t.Errorf("id 1234 stored as %q", r.ID)
		}
		e.get("/v1/articles/1234").want(t, http.StatusOK, "GET the numeric id")
	})
	t.Run("oversized article in a batch", func(t *testing.T) {
		before := e.articleCount()
		r := e.postBatch(
			jsonLine(t, articleJSON{ID: "ok1", Text: apiText("ok1", 40)}),
			jsonLine(t, articleJSON{ID: "huge", Text: strings.Repeat("a ", 600)}),
			jsonLine(t, articleJSON{ID: "ok2", Text: apiText("ok2", 40)}),
		).want(t, http.StatusOK, "batch")
		b := decodeAs[BatchResult](t, r)
		if len(b.Results) != 3 || b.New != 2 || b.Rejected != 1 || b.Existing != 0 {
			t.Fatalf("batch answer %s", r.Body)
		}
		if l := b.Results[1]; l.Line != 2 || l.Status != 413 || !strings.Contains(l.Error, "article_too_large") || l.Result != nil {
			t.Errorf("line 2: %+v", l)
		}
		for _, i := range []int{0, 2} {
			if l := b.Results[i]; l.Result == nil || !l.New || l.Status != 0 || l.Error != "" {
				t.Errorf("line %d: %+v", i+1, l)
			}
		}
		if n := e.articleCount(); n != before+2 {
			t.Errorf("%d articles after the batch, want %d", n, before+2)
		}
		e.get("/v1/articles/huge").want(t, http.StatusNotFound, "the oversized article")
	})
}

func TestAPINotFound(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, true)
	e.post(articleJSON{ID: "a1", Text: apiText("a1", 40)}).want(t, http.StatusCreated, "a1")
	for _, c := range []struct{ method, path, says string }{
		{"GET", "/v1/articles/nope", `article "nope"`},
		{"DELETE", "/v1/articles/nope", `article "nope"`},
		{"GET", "/v1/compare?a=nope&b=a1", "nope"},
		{"GET", "/v1/compare?a=a1&b=nope", "nope"},
		{"GET", "/v1/stories/s999999", `story "s999999"`},
		{"GET", "/v1/stories/garbage", `story "garbage"`},
		{"GET", "/v1/stories/s000000", `story "s000000"`},
		{"GET", "/v1/storylines/l999999", `storyline "l999999"`},
		{"GET", "/v1/storylines/s000001", `storyline "s000001"`},
		{"GET", "/v1/nothing", "no such endpoint"},
		{"GET", "/v1/articles", "no such endpoint"},
		{"PUT", "/v1/articles/a1", "no such endpoint"},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			e.do(c.method, c.path, "", nil).wantError(t, http.StatusNotFound, c.path, c.says)
		})
	}
	if n := e.articleCount(); n != 1 {
		t.Errorf("%d articles, want 1", n)
	}
}

func TestAPIQueryParams(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, true)
	for i := range 3 {
		id := "q" + string(rune('a'+i))
		e.post(articleJSON{ID: id, Title: "Topic " + id, Text: apiText(id, 60)}).want(t, http.StatusCreated, id)
	}
	recent := decodeAs[StoryPage](t, e.get("/v1/stories?limit=1").want(t, http.StatusOK, "recent page"))
	if recent.Next == "" {
		t.Fatalf("no cursor after the first of several stories: %+v", recent)
	}
	for _, c := range []struct{ path, says string }{
		{"/v1/stories?limit=0", "limit"},
		{"/v1/stories?limit=-3", "limit"},
		{"/v1/stories?limit=abc", "limit"},
		{"/v1/stories?limit=501", "limit"},
		{"/v1/stories?from=garbage", "from"},
		{"/v1/stories?from=2024-13-45", "from"},
		{"/v1/stories?to=yesterday", "to"},
		{"/v1/stories?sort=weird", "sort"},
		{"/v1/stories?cursor=zz", "cursor"},
		{"/v1/stories?cursor=00ff", "cursor"},
		{"/v1/stories?sort=size&cursor=" + recent.Next, "cursor"},
		{"/v1/stories/s000001?limit=0", "limit"},
		{"/v1/stories/s000001?limit=x", "limit"},
		{"/v1/search", "q"},
		{"/v1/search?q=%20%20", "q"},
		{"/v1/search?q=topic&limit=0", "limit"},
		{"/v1/search?q=topic&limit=1000", "limit"},
		{"/v1/compare?a=qa", "a=ID&b=ID"},
		{"/v1/compare?b=qa", "a=ID&b=ID"},
		{"/v1/compare", "a=ID&b=ID"},
	} {
		t.Run(c.path, func(t *testing.T) {
			e.get(c.path).wantError(t, http.StatusBadRequest, c.path, c.says)
		})
	}
	for _, p := range []string{
		"/v1/stories?limit=500",
		"/v1/stories?sort=size&limit=1",
		"/v1/stories?from=2024-05-01",
		"/v1/stories?from=2024-05-01T00:00:00Z&to=2100-01-01",
		"/v1/stories?limit=1&cursor=" + recent.Next,
		"/v1/search?q=topic&limit=500",
	} {
		t.Run(p, func(t *testing.T) { e.get(p).want(t, http.StatusOK, p) })
	}
	t.Run("filters", func(t *testing.T) {
		f := newAPIEnv(t, nil, Options{}, true)
		old := decodeAs[Result](t, f.post(articleJSON{ID: "old", Source: "Daily Planet", Title: "Flood warning", Published: "2020-03-01T10:00:00Z", Text: apiText("old", 60)}).want(t, http.StatusCreated, "old"))
		recent := decodeAs[Result](t, f.post(articleJSON{ID: "new", Source: "Evening Star", Title: "Budget vote", Published: "2024-03-01T10:00:00Z", Text: apiText("new", 60)}).want(t, http.StatusCreated, "new"))
		if old.Story == recent.Story {
			t.Fatalf("both articles in story %s", old.Story)
		}
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"", []string{recent.Story, old.Story}},
			{"source=daily+planet", []string{old.Story}},
			{"source=Evening+Star", []string{recent.Story}},
			{"source=Evening", nil},
			{"term=flood", []string{old.Story}},
			{"term=BUDGET", []string{recent.Story}},
			{"from=2023-01-01", []string{recent.Story}},
			{"to=2021-01-01", []string{old.Story}},
			{"from=2019-01-01T00:00:00Z&to=2025-01-01T00:00:00Z", []string{recent.Story, old.Story}},
			{"from=2021-01-01&to=2022-01-01", nil},
			{"sort=size&source=daily+planet", []string{old.Story}},
		} {
			page := decodeAs[StoryPage](t, f.get("/v1/stories?"+c.query).want(t, http.StatusOK, c.query))
			var got []string
			for _, s := range page.Stories {
				got = append(got, s.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("stories?%s: %v, want %v", c.query, got, c.want)
			}
		}
	})
	t.Run("to keeps a story that began before it", func(t *testing.T) {
		f := newAPIEnv(t, nil, Options{}, true)
		text := apiText("span", 80)
		f.post(articleJSON{ID: "first", Published: "2020-03-01T00:00:00Z", Text: text}).want(t, http.StatusCreated, "first")
		r := decodeAs[Result](t, f.post(articleJSON{ID: "later", Published: "2024-03-01T00:00:00Z", Text: text + " updated"}).want(t, http.StatusCreated, "later"))
		if r.Group != "first" {
			t.Fatalf("the later copy is not in the first one's group: %+v", r)
		}
		for _, sort := range []string{"size", "recent"} {
			page := decodeAs[StoryPage](t, f.get("/v1/stories?to=2022-01-01&sort="+sort).want(t, http.StatusOK, sort))
			if len(page.Stories) != 1 || page.Stories[0].ID != r.Story {
				t.Errorf("sort=%s&to=2022-01-01: %+v, want story %s (2020 to 2024)", sort, page.Stories, r.Story)
			}
		}
	})
	t.Run("paging", func(t *testing.T) {
		var ids []string
		cursor := ""
		for range 10 {
			page := decodeAs[StoryPage](t, e.get("/v1/stories?limit=1&cursor="+cursor).want(t, http.StatusOK, "page"))
			for _, s := range page.Stories {
				ids = append(ids, s.ID)
			}
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		all := decodeAs[StoryPage](t, e.get("/v1/stories?limit=500").want(t, http.StatusOK, "all"))
		var want []string
		for _, s := range all.Stories {
			want = append(want, s.ID)
		}
		if len(want) < 2 || strings.Join(ids, ",") != strings.Join(want, ",") {
			t.Errorf("paging one by one gives %v, one page %v", ids, want)
		}
		if all.Next != "" {
			t.Errorf("a page holding every story has a next cursor %q", all.Next)
		}
	})
}

func TestAPIAuth(t *testing.T) {
	const tok = "s3cret-token"
	e := newAPIEnv(t, nil, Options{Token: tok}, true)
	a := articleJSON{ID: "auth1", Text: apiText("auth1", 40)}
	b, _ := json.Marshal(a)
	for _, c := range []struct{ name, header string }{
		{"no token", noToken},
		{"wrong token", "Bearer nope"},
		{"token prefix", "Bearer " + tok[:5]},
		{"token without Bearer", tok},
		{"basic auth", "Basic " + tok},
	} {
		t.Run("POST with "+c.name, func(t *testing.T) {
			r := e.do(http.MethodPost, "/v1/articles", "application/json", b, "Authorization", c.header)
			r.wantError(t, http.StatusUnauthorized, c.name, "bearer token")
			if got := r.Header.Get("WWW-Authenticate"); got != `Bearer realm="reprint"` {
				t.Errorf("WWW-Authenticate %q", got)
			}
			if n := e.articleCount(); n != 0 {
				t.Errorf("an unauthorized post stored %d articles", n)
			}
		})
	}
	t.Run("POST with the token", func(t *testing.T) {
		e.do(http.MethodPost, "/v1/articles", "application/json", b).want(t, http.StatusCreated, "POST with the token")
	})
	t.Run("batch without the token", func(t *testing.T) {
		r := e.do(http.MethodPost, "/v1/articles", "application/x-ndjson", b, "Authorization", noToken)
		r.wantError(t, http.StatusUnauthorized, "batch", "bearer token")
	})
	t.Run("reads are public", func(t *testing.T) {
		for _, p := range []string{"/v1/articles/auth1", "/v1/stories", "/v1/search?q=" + strings.Fields(a.Text)[0], "/v1/compare?a=auth1&b=auth1"} {
			e.get(p, "Authorization", noToken).want(t, http.StatusOK, p)
		}
	})
	t.Run("DELETE", func(t *testing.T) {
		r := e.do(http.MethodDelete, "/v1/articles/auth1", "", nil, "Authorization", noToken)
		r.wantError(t, http.StatusUnauthorized, "DELETE without the token", "bearer token")
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Error("no WWW-Authenticate")
		}
		e.do(http.MethodDelete, "/v1/articles/auth1", "", nil, "Authorization", "Bearer wrong").want(t, http.StatusUnauthorized, "DELETE with a wrong token")
		e.get("/v1/articles/auth1").want(t, http.StatusOK, "still there")
		e.do(http.MethodDelete, "/v1/articles/auth1", "", nil).want(t, http.StatusOK, "DELETE with the token")
	})
	t.Run("ProtectReads", func(t *testing.T) {
		p := newAPIEnv(t, e.st, Options{Token: tok, ProtectReads: true}, true)
		res := decodeAs[Result](t, p.post(a).want(t, http.StatusCreated, "POST"))
		for _, path := range []string{"/v1/articles/auth1", "/v1/stories", "/v1/stories/" + res.Story, "/v1/storylines/" + res.Storyline, "/v1/search?q=" + strings.Fields(a.Text)[0], "/v1/compare?a=auth1&b=auth1"} {
			r := p.get(path, "Authorization", noToken)
			r.wantError(t, http.StatusUnauthorized, path, "bearer token")
			if r.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: no WWW-Authenticate", path)
			}
			p.get(path, "Authorization", "Bearer wrong").want(t, http.StatusUnauthorized, path+" with a wrong token")
			p.get(path).want(t, http.StatusOK, path+" with the token")
		}
		for _, path := range []string{"/healthz", "/readyz", "/metrics", "/v1/openapi.json"} {
			p.get(path, "Authorization", noToken).want(t, http.StatusOK, path+" without a token")
		}
	})
	t.Run("no token configured", func(t *testing.T) {
		o := newAPIEnv(t, nil, Options{}, true)
		o.post(a, "Authorization", noToken).want(t, http.StatusCreated, "POST to a server without a token")
	})
}

func TestAPIConcurrentSameID(t *testing.T) {
	const n = 20
	// run posts texts[i] from goroutine i, all at once, and returns the
	// answers.
	run := func(e *apiEnv, texts []string) []apiReply {
		out := make([]apiReply, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				out[i] = e.post(articleJSON{ID: "same", Text: texts[i]})
			})
		}
		close(start)
		wg.Wait()
		return out
	}
	t.Run("same text", func(t *testing.T) {
		e := newAPIEnv(t, nil, Options{}, true)
		text := apiText("same", 60)
		texts := make([]string, n)
		for i := range texts {
			texts[i] = text
		}
		created, existing := 0, 0
		var first Result
		for _, r := range run(e, texts) {
			res := decodeAs[Result](t, r)
			switch {
			case r.Code == http.StatusCreated && res.New:
				created++
				first = res
			case r.Code == http.StatusOK && !res.New:
				existing++
			default:
				t.Errorf("status %d, %s", r.Code, r.Body)
			}
		}
		if created != 1 || existing != n-1 {
			t.Fatalf("%d created, %d existing; want 1 and %d", created, existing, n-1)
		}
		if c := e.live.Counts(); c.Articles != 1 || c.Stories != 1 {
			t.Errorf("counts %+v, want one article in one story", c)
		}
		v := decodeAs[ArticleView](t, e.get("/v1/articles/same").want(t, http.StatusOK, "GET"))
		if v.Story != first.Story || v.Text != text {
			t.Errorf("stored %+v, created %+v", v, first)
		}
	})
	t.Run("different texts", func(t *testing.T) {
		e := newAPIEnv(t, nil, Options{}, true)
		texts := make([]string, n)
		for i := range texts {
			texts[i] = apiText("v"+strings.Repeat("x", i), 60)
		}
		winner := -1
		for i, r := range run(e, texts) {
			switch r.Code {
			case http.StatusCreated:
				if winner >= 0 {
					t.Errorf("two posts created the id")
				}
				winner = i
			case http.StatusConflict:
				r.wantError(t, http.StatusConflict, "loser", "another text")
			default:
				t.Errorf("status %d, %s", r.Code, r.Body)
			}
		}
		if winner < 0 {
			t.Fatal("no post created the id")
		}
		if c := e.articleCount(); c != 1 {
			t.Errorf("%d articles stored, want 1", c)
		}
		v := decodeAs[ArticleView](t, e.get("/v1/articles/same").want(t, http.StatusOK, "GET"))
		if v.Text != texts[winner] {
			t.Errorf("stored text is not the winner's")
		}
	})
}

func TestAPIBatch(t *testing.T) {
	e := newAPIEnv(t, nil, Options{MaxArticleBytes: 2 << 10}, true)
	pre := articleJSON{ID: "pre", Text: apiText("pre", 50)}
	e.post(pre).want(t, http.StatusCreated, "pre")
	lines := []string{
		jsonLine(t, articleJSON{ID: "n1", Text: apiText("n1", 50)}), // 1 new
		`{"id":"bad1","text":"unterminated`,                         // 2 malformed
		``,                                                          // 3 blank: no result
		jsonLine(t, pre),                                            // 4 existing
		`{"id":"nt"}`,                                               // 5 no text
		`{"text":"a text without an id"}`,                           // 6 no id
		jsonLine(t, articleJSON{ID: "pre", Text: "another text"}),              // 7 conflict
		jsonLine(t, articleJSON{ID: "big", Text: strings.Repeat("w ", 2<<10)}), // 8 too large
		"{\"id\":\"u8\",\"text\":\"bad \xff byte\"}",                           // 9 invalid UTF-8
		`   `, // 10 blank
		jsonLine(t, articleJSON{ID: "n2", Text: apiText("n2", 50)}), // 11 new
		jsonLine(t, articleJSON{ID: "n1", Text: apiText("n1", 50)}), // 12 n1 again: existing
		jsonLine(t, articleJSON{ID: "n2", Text: "n2 changed"}),      // 13 conflict with line 11
	}
	r := e.postBatch(lines...).want(t, http.StatusOK, "batch")
	b := decodeAs[BatchResult](t, r)
	type want struct {
		line   int
		status int    // 0: accepted
		new    bool   // accepted: new
		says   string // rejected: in the error
	}
	wants := []want{
		{1, 0, true, ""},
		{2, 400, false, "malformed_json"},
		{4, 0, false, ""},
		{5, 400, false, "missing_text"},
		{6, 400, false, "missing_id"},
		{7, 409, false, "another text"},
		{8, 413, false, "article_too_large"},
		{9, 400, false, "invalid_utf8"},
		{11, 0, true, ""},
		{12, 0, false, ""},
		{13, 409, false, "another text"},
	}
	if len(b.Results) != len(wants) {
		t.Fatalf("%d results, want %d: %s", len(b.Results), len(wants), r.Body)
	}
	for i, w := range wants {
		got := b.Results[i]
		if got.Line != w.line {
			t.Errorf("result %d is line %d, want %d", i, got.Line, w.line)
			continue
		}
		if w.status == 0 {
			if got.Result == nil || got.New != w.new || got.Error != "" || got.Status != 0 || got.Story == "" {
				t.Errorf("line %d: %+v, want accepted with new %v", w.line, got, w.new)
			}
			continue
		}
		if got.Result != nil || got.Status != w.status || !strings.Contains(got.Error, w.says) {
			t.Errorf("line %d: %+v, want status %d saying %q", w.line, got, w.status, w.says)
		}
	}
	if b.New != 2 || b.Existing != 2 || b.Rejected != 7 {
		t.Errorf("counts new %d existing %d rejected %d, want 2 2 7", b.New, b.Existing, b.Rejected)
	}
	if n := e.articleCount(); n != 3 {
		t.Errorf("%d articles stored, want 3", n)
	}
	// Line 12 answers what line 1 stored.
	if b.Results[9].Story != b.Results[0].Story {
		t.Errorf("n1 again: story %q, first %q", b.Results[9].Story, b.Results[0].Story)
	}
	t.Run("empty", func(t *testing.T) {
		r := e.do(http.MethodPost, "/v1/articles", "application/x-ndjson", nil).want(t, http.StatusOK, "empty batch")
		if b := decodeAs[BatchResult](t, r); b.Results == nil || len(b.Results) != 0 || b.New+b.Existing+b.Rejected != 0 {
			t.Errorf("empty batch: %s", r.Body)
		}
		if !bytes.Contains(r.Body, []byte(`"results":[]`)) {
			t.Errorf("empty batch results are not []: %s", r.Body)
		}
	})
	t.Run("other JSON Lines types", func(t *testing.T) {
		for i, ct := range []string{"application/jsonl", "application/jsonlines", "application/x-jsonlines", "application/x-ndjson; charset=utf-8"} {
			id := "ct" + string(rune('0'+i))
			r := e.do(http.MethodPost, "/v1/articles", ct, []byte(jsonLine(t, articleJSON{ID: id, Text: apiText(id, 30)}))).want(t, http.StatusOK, ct)
			if b := decodeAs[BatchResult](t, r); b.New != 1 {
				t.Errorf("%s: %s", ct, r.Body)
			}
		}
	})
	t.Run("over one chunk", func(t *testing.T) {
		// More lines than one hold of the writer lock takes
		// (batchChunk), bad lines among them: every answer stays on its
		// line.
		var lines []string
		for i := range batchChunk + 30 {
			if i%9 == 4 {
				lines = append(lines, fmt.Sprintf(`{"id":"c%d"}`, i))
				continue
			}
			lines = append(lines, jsonLine(t, articleJSON{ID: fmt.Sprintf("c%d", i), Text: fmt.Sprintf("chunk article number %d", i)}))
		}
		r := e.postBatch(lines...).want(t, http.StatusOK, "big batch")
		b := decodeAs[BatchResult](t, r)
		if len(b.Results) != len(lines) {
			t.Fatalf("%d results for %d lines", len(b.Results), len(lines))
		}
		for i, lr := range b.Results {
			bad := i%9 == 4
			if lr.Line != i+1 || bad != (lr.Result == nil) || !bad && lr.ID != fmt.Sprintf("c%d", i) {
				t.Fatalf("line %d answered %+v", i+1, lr)
			}
		}
		if b.Rejected != (len(lines)+4)/9 || b.New != len(lines)-b.Rejected {
			t.Errorf("counts %d new %d rejected", b.New, b.Rejected)
		}
	})
	t.Run("CRLF lines", func(t *testing.T) {
		body := jsonLine(t, articleJSON{ID: "cr1", Text: apiText("cr1", 30)}) + "\r\n" + jsonLine(t, articleJSON{ID: "cr2", Text: apiText("cr2", 30)}) + "\r\n"
		r := e.do(http.MethodPost, "/v1/articles", "application/x-ndjson", []byte(body)).want(t, http.StatusOK, "CRLF")
		if b := decodeAs[BatchResult](t, r); b.New != 2 || b.Results[1].Line != 2 {
			t.Errorf("CRLF batch: %s", r.Body)
		}
	})
}

func TestAPISeeds(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, true)
	seeds := apiSeeds(t)
	res := map[string]Result{}
	for _, a := range seeds[:4] {
		res[apiSeedNum(a.ID)] = decodeAs[Result](t, e.post(a).want(t, http.StatusCreated, a.ID))
	}
	// The acceptance line of the service: posting 004 after 002 answers
	// near_duplicate of 002, in 002's group.
	r4 := decodeAs[Result](t, e.post(seeds[4]).want(t, http.StatusCreated, "004"))
	id2 := seeds[2].ID
	if len(r4.Relations) != 1 || r4.Relations[0].ID != id2 || r4.Relations[0].Relation != match.NearDuplicate {
		t.Fatalf("004's relations %+v, want near_duplicate of %s", r4.Relations, id2)
	}
	if r4.Group != id2 || r4.Story != res["002"].Story || r4.Storyline != res["002"].Storyline {
		t.Fatalf("004 in group %q story %q, want %s's group and story %q", r4.Group, r4.Story, id2, res["002"].Story)
	}
	for n, r := range res {
		if len(r.Relations) != 0 || r.Group != "" {
			t.Errorf("%s: relations %+v group %q, want none", n, r.Relations, r.Group)
		}
	}
	v2 := decodeAs[ArticleView](t, e.get("/v1/articles/"+url.PathEscape(id2)).want(t, http.StatusOK, "002"))
	if v2.Group != id2 || !slices.Equal(v2.Members, []string{id2, seeds[4].ID}) || v2.Text != seeds[2].Text {
		t.Errorf("002: group %q members %v", v2.Group, v2.Members)
	}
	st := decodeAs[StoryView](t, e.get("/v1/stories/"+r4.Story).want(t, http.StatusOK, "story"))
	if st.Articles != 2 || len(st.Items) != 2 || len(st.Groups) != 1 || !slices.Equal(st.Groups[0].Articles, []string{id2, seeds[4].ID}) {
		t.Errorf("story %s: %d articles, items %d, groups %+v", st.ID, st.Articles, len(st.Items), st.Groups)
	}
	for _, it := range st.Items {
		if it.Text != "" {
			t.Errorf("story item %s carries its text", it.ID)
		}
	}
	cmp := decodeAs[CompareView](t, e.get("/v1/compare?a="+url.QueryEscape(seeds[4].ID)+"&b="+url.QueryEscape(id2)).want(t, http.StatusOK, "compare"))
	// Neither has a publication time: who was first is unknown, whatever
	// the order they came in.
	if cmp.Relation.Relation != match.NearDuplicate || cmp.Relation.ID != id2 || len(cmp.Passages) == 0 || cmp.First != "" {
		t.Errorf("compare 004 with 002: relation %+v first %q, %d passages", cmp.Relation, cmp.First, len(cmp.Passages))
	}
	for _, p := range cmp.Passages {
		if p.AStart < 0 || p.AEnd > len(cmp.A.Text) || p.BStart < 0 || p.BEnd > len(cmp.B.Text) || p.AStart >= p.AEnd {
			t.Fatalf("passage %+v out of the texts (%d, %d bytes)", p, len(cmp.A.Text), len(cmp.B.Text))
		}
		if a, b := cmp.A.Text[p.AStart:p.AEnd], cmp.B.Text[p.BStart:p.BEnd]; !strings.EqualFold(a, b) && p.Tokens > 0 && len(strings.Fields(a)) != len(strings.Fields(b)) {
			t.Errorf("passage %+v: %q vs %q", p, a, b)
		}
	}
	// Posting the seeds again answers the stored answers.
	again := decodeAs[Result](t, e.post(seeds[4]).want(t, http.StatusOK, "004 again"))
	if again.New || again.Group != r4.Group || again.Story != r4.Story || len(again.Relations) != 1 {
		t.Errorf("004 again: %+v, first %+v", again, r4)
	}
}

// TestAPIReuse checks the text reuse answers on the seeds, posted as a
// client posts them (with their outlets, and no publication time: the
// server reads 001's from its text).
func TestAPIReuse(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, true)
	seeds := apiSeeds(t)
	id := map[string]string{}
	res := map[string]Result{}
	for _, a := range seeds {
		n := apiSeedNum(a.ID)
		id[n] = a.ID
		res[n] = decodeAs[Result](t, e.post(articleJSON{ID: a.ID, Title: a.Title, Source: uiSeedOutlets[n], Text: a.Text}).want(t, http.StatusCreated, n))
	}
	article := func(n string) ArticleView {
		t.Helper()
		v := decodeAs[ArticleView](t, e.get("/v1/articles/"+url.PathEscape(id[n])).want(t, http.StatusOK, n))
		if v.Reuse == nil || v.CopiedBy == nil || v.CopiedFrom == nil {
			t.Errorf("%s: reuse %v, copied_by %v, copied_from %v: want all three, [] when empty", n, v.Reuse, v.CopiedBy, v.CopiedFrom)
		}
		return v
	}
	compare := func(a, b string) CompareView {
		t.Helper()
		return decodeAs[CompareView](t, e.get("/v1/compare?a="+url.QueryEscape(id[a])+"&b="+url.QueryEscape(id[b])).want(t, http.StatusOK, "compare "+a+" "+b))
	}

	// 001 is dated by its text; 000 has no date at all.
	v0, v1 := article("000"), article("001")
	if v1.Published == nil || v1.PublishedFrom != "text" || !strings.HasPrefix(v1.Published.Format(time.RFC3339), "2023-02-24") {
		t.Errorf("001: published %v from %q, want 2023-02-24 read from the text", v1.Published, v1.PublishedFrom)
	}
	if v0.Published != nil || v0.PublishedFrom != "" {
		t.Errorf("000: published %v from %q, want none", v0.Published, v0.PublishedFrom)
	}
	// 000 and 001 tell one event in other words: a rewrite whose source
	// cannot be told (000 is undated), on both articles' pages.
	for _, c := range []struct{ n, other string }{{"000", "001"}, {"001", "000"}} {
		v := map[string]ArticleView{"000": v0, "001": v1}[c.n]
		if len(v.Reuse) != 1 || v.Reuse[0].ID != id[c.other] || v.Reuse[0].Relation != "rewrite" || v.Reuse[0].Source != "" || v.Reuse[0].Note == "" {
			t.Errorf("%s: reuse %+v, want an undirected rewrite of %s with a note", c.n, v.Reuse, c.other)
		}
		if len(v.CopiedBy) != 0 || len(v.CopiedFrom) != 0 {
			t.Errorf("%s: copied by %v, from %v: an undirected relation says neither", c.n, v.CopiedBy, v.CopiedFrom)
		}
	}
	c := compare("001", "000")
	if c.Reuse.Relation != "rewrite" || c.Reuse.Source != nil || c.Reuse.Direction != "undirected" || !strings.Contains(c.Reuse.Note, id["000"]) {
		t.Errorf("compare 001/000: relation %q source %v direction %q note %q, want an undirected rewrite, noting that 000 has no date",
			c.Reuse.Relation, c.Reuse.Source, c.Reuse.Direction, c.Reuse.Note)
	}
	if c.First != "" {
		t.Errorf("compare 001/000: first %q, want \"\" (000 has no publication time)", c.First)
	}
	ordered := 0
	for _, p := range c.Reuse.Sentences {
		if p.Ordered {
			ordered++
		}
		if p.AStart < 0 || p.AStart >= p.AEnd || p.AEnd > len(c.A.Text) || p.BStart < 0 || p.BStart >= p.BEnd || p.BEnd > len(c.B.Text) {
			t.Fatalf("compare 001/000: pair %+v out of the texts", p)
		}
		if sa, sb := c.Reuse.SpansA[p.A[0]], c.Reuse.SpansB[p.B[0]]; sa[0] != p.AStart || sb[0] != p.BStart {
			t.Errorf("compare 001/000: pair %+v does not start at its sentences' spans %v %v", p, sa, sb)
		}
	}
	if ordered < 8 {
		t.Errorf("compare 001/000: %d ordered sentence pairs, want at least 8", ordered)
	}
	if len(c.Reuse.SpansA) == 0 || len(c.Reuse.SpansB) == 0 {
		t.Errorf("compare 001/000: no sentence spans")
	}

	// 002 and 004 are one article with other page furniture.
	if c := compare("002", "004"); c.Reuse.Relation != "near_duplicate" || c.Reuse.VerbatimA < 0.9 || c.Reuse.VerbatimB < 0.9 {
		t.Errorf("compare 002/004: %q, verbatim %v / %v, want near_duplicate, almost all verbatim", c.Reuse.Relation, c.Reuse.VerbatimA, c.Reuse.VerbatimB)
	}
	v2, v4 := article("002"), article("004")
	if len(v2.Reuse) != 1 || v2.Reuse[0].ID != id["004"] || len(v4.Reuse) != 1 || v4.Reuse[0].ID != id["002"] || v2.Reuse[0].Relation != "near_duplicate" {
		t.Errorf("002 reuse %+v, 004 reuse %+v: want each other, near_duplicate", v2.Reuse, v4.Reuse)
	}
	// Whichever way the engine directs it, the two pages agree.
	if src := v2.Reuse[0].Source; src != "" {
		by, from := map[string][]string{id["002"]: v2.CopiedBy, id["004"]: v4.CopiedBy}, map[string][]string{id["002"]: v2.CopiedFrom, id["004"]: v4.CopiedFrom}
		other := id["002"]
		if src == other {
			other = id["004"]
		}
		if !slices.Equal(by[src], []string{other}) || !slices.Equal(from[other], []string{src}) {
			t.Errorf("source %s: copied_by %v, copied_from %v", src, by, from)
		}
	}

	// 003 relates to nothing.
	if v3 := article("003"); len(v3.Reuse) != 0 || len(v3.CopiedBy) != 0 || len(v3.CopiedFrom) != 0 {
		t.Errorf("003: reuse %+v, copied by %v, from %v, want none", v3.Reuse, v3.CopiedBy, v3.CopiedFrom)
	}

	// The provenance of the story of 000 and 001: 001 first (the only
	// date), one undirected edge, and a note that 000 may have been first.
	story := res["000"].Story
	if res["001"].Story != story {
		t.Fatalf("000 in story %s, 001 in %s", story, res["001"].Story)
	}
	g := decodeAs[ProvenanceView](t, e.get("/v1/stories/"+story+"/provenance").want(t, http.StatusOK, "provenance"))
	if !slices.Equal(g.FirstReportedBy, []string{id["001"]}) || len(g.Edges) != 1 || g.Edges[0].Directed || g.Edges[0].Relation != "rewrite" ||
		g.Undirected != 1 || !strings.Contains(g.Note, id["000"]) {
		t.Errorf("provenance of %s: first %v, edges %+v, undirected %d, note %q", story, g.FirstReportedBy, g.Edges, g.Undirected, g.Note)
	}
	if !strings.Contains(g.DOT, "dir=none, style=dashed") {
		t.Errorf("provenance DOT of %s draws no undirected edge:\n%s", story, g.DOT)
	}
	dot := e.get("/v1/stories/"+story+"/provenance?format=dot").want(t, http.StatusOK, "provenance as DOT")
	if ct := dot.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/vnd.graphviz") || string(dot.Body) != g.DOT || dot.Header.Get("Server-Timing") == "" {
		t.Errorf("provenance as DOT: %q, %d bytes, Server-Timing %q", ct, len(dot.Body), dot.Header.Get("Server-Timing"))
	}
	e.get("/v1/stories/s999999/provenance").wantError(t, http.StatusNotFound, "provenance of an unknown story", "s999999")

	// Lists carry the publication source but not the reuse relations.
	st := decodeAs[StoryView](t, e.get("/v1/stories/"+story).want(t, http.StatusOK, "story"))
	for _, it := range st.Items {
		if it.Reuse != nil || it.CopiedBy != nil || it.CopiedFrom != nil {
			t.Errorf("story item %s carries its reuse", it.ID)
		}
		if it.ID == id["001"] && it.PublishedFrom != "text" {
			t.Errorf("story item 001: published_from %q", it.PublishedFrom)
		}
	}
	var raw map[string]any
	json.Unmarshal(e.get("/v1/stories").want(t, http.StatusOK, "stories").Body, &raw)
	for _, s := range raw["stories"].([]any) {
		m := s.(map[string]any)
		if _, ok := m["copies"]; !ok {
			t.Errorf("story %v without copies", m["id"])
		}
		if _, ok := m["rewrites"]; !ok {
			t.Errorf("story %v without rewrites", m["id"])
		}
	}
}

// TestAPICompareLong: a digest of more than 400 sentences reprinting 000
// at its end is compared on its end; /v1/compare names the part aligned.
func TestAPICompareLong(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, true)
	var s0 article.Article
	for _, a := range apiSeeds(t) {
		if apiSeedNum(a.ID) == "000" {
			s0 = a
		}
	}
	filler := testdata.Filler(450)
	lead := len(filler)
	e.post(articleJSON{ID: s0.ID, Source: "Press TV", Text: s0.Text}).want(t, http.StatusCreated, "000")
	e.post(articleJSON{ID: "digest", Source: "Digest", Text: filler + s0.Text}).want(t, http.StatusCreated, "digest")
	c := decodeAs[CompareView](t, e.get("/v1/compare?a=digest&b="+url.QueryEscape(s0.ID)).want(t, http.StatusOK, "compare"))
	r := c.Reuse
	if r.Relation != "contains" || !r.Truncated || r.AlignedA == nil || r.AlignedB != nil || r.AlignedA[0] >= lead || r.CoverageB < 0.95 {
		t.Errorf("digest/000: %s, truncated %v, aligned %v %v (000 from byte %d), coverage of 000 %.3f",
			r.Relation, r.Truncated, r.AlignedA, r.AlignedB, lead, r.CoverageB)
		return
	}
	for _, p := range r.Sentences {
		if p.AStart < r.AlignedA[0] || p.AEnd > r.AlignedA[1] {
			t.Errorf("pair at bytes %d–%d outside the aligned part %v", p.AStart, p.AEnd, *r.AlignedA)
		}
	}
}

// apiWrittenDir returns a store directory holding the five seeds, closed.
func apiWrittenDir(t *testing.T) (string, []article.Article) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := engine.OpenLive(st, engine.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	seeds := apiSeeds(t)
	if _, err := l.IngestMany(seeds); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, seeds
}

func TestAPIReadOnly(t *testing.T) {
	dir, seeds := apiWrittenDir(t)
	st, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newAPIEnv(t, st, Options{}, true)
	fresh := articleJSON{ID: "fresh", Text: apiText("fresh", 50)}
	t.Run("POST", func(t *testing.T) {
		e.post(fresh).wantError(t, http.StatusServiceUnavailable, "POST to a read-only store", "read-only")
	})
	t.Run("batch", func(t *testing.T) {
		e.postBatch(jsonLine(t, fresh)).wantError(t, http.StatusServiceUnavailable, "batch to a read-only store", "read-only")
	})
	t.Run("DELETE", func(t *testing.T) {
		e.do(http.MethodDelete, "/v1/articles/"+url.PathEscape(seeds[0].ID), "", nil).wantError(t, http.StatusServiceUnavailable, "DELETE in a read-only store", "read-only")
	})
	t.Run("GET", func(t *testing.T) {
		v := decodeAs[ArticleView](t, e.get("/v1/articles/"+url.PathEscape(seeds[4].ID)).want(t, http.StatusOK, "GET 004"))
		if v.Group != seeds[2].ID {
			t.Errorf("004 in group %q", v.Group)
		}
		e.get("/v1/stories").want(t, http.StatusOK, "stories")
		e.get("/v1/search?q=Kanaani").want(t, http.StatusOK, "search")
		e.get("/v1/compare?a="+url.QueryEscape(seeds[4].ID)+"&b="+url.QueryEscape(seeds[2].ID)).want(t, http.StatusOK, "compare")
		e.get("/v1/articles/fresh").want(t, http.StatusNotFound, "the refused article")
	})
	t.Run("POST a stored article", func(t *testing.T) {
		r := decodeAs[Result](t, e.post(seeds[4]).want(t, http.StatusOK, "POST 004 again"))
		if r.New || r.Group != seeds[2].ID {
			t.Errorf("004 again: %+v", r)
		}
	})
	t.Run("batch of stored articles", func(t *testing.T) {
		r := e.postBatch(jsonLine(t, seeds[1]), jsonLine(t, seeds[4])).want(t, http.StatusOK, "batch of stored articles")
		if b := decodeAs[BatchResult](t, r); b.Existing != 2 || b.Results[1].Group != seeds[2].ID {
			t.Errorf("batch of stored articles: %s", r.Body)
		}
	})
	t.Run("readyz", func(t *testing.T) {
		r := e.get("/readyz").want(t, http.StatusOK, "readyz")
		v := decodeAs[map[string]string](t, r)
		if v["status"] != "ready" || !strings.Contains(v["writes"], "read-only") {
			t.Errorf("readyz %s", r.Body)
		}
	})
	if n := e.articleCount(); n != 5 {
		t.Errorf("%d articles, want 5", n)
	}
}

func TestAPIDiskFull(t *testing.T) {
	dir, seeds := apiWrittenDir(t)
	st, err := store.Open(dir, store.Options{MinFreeBytes: 1 << 62})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newAPIEnv(t, st, Options{}, true)
	fresh := articleJSON{ID: "fresh", Text: apiText("fresh", 50)}
	for i := range 3 { // the server keeps answering
		e.post(fresh).wantError(t, http.StatusInsufficientStorage, "POST to a full disk", "not enough free disk space", "MB free")
		if i == 0 {
			r := e.postBatch(jsonLine(t, fresh), jsonLine(t, articleJSON{ID: "fresh2", Text: apiText("fresh2", 50)})).want(t, http.StatusOK, "batch")
			b := decodeAs[BatchResult](t, r)
			if b.Rejected != 2 || b.New != 0 || b.Results[0].Status != http.StatusInsufficientStorage || !strings.Contains(b.Results[1].Error, "free disk space") {
				t.Errorf("batch to a full disk: %s", r.Body)
			}
			e.do(http.MethodDelete, "/v1/articles/"+url.PathEscape(seeds[0].ID), "", nil).wantError(t, http.StatusInsufficientStorage, "DELETE on a full disk", "free disk space")
		}
		e.get("/v1/articles/"+url.PathEscape(seeds[0].ID)).want(t, http.StatusOK, "GET a stored article")
		e.get("/v1/stories").want(t, http.StatusOK, "stories")
		e.get("/v1/articles/fresh").want(t, http.StatusNotFound, "the refused article")
	}
	if n := e.articleCount(); n != 5 {
		t.Errorf("%d articles, want 5", n)
	}
	r := e.get("/readyz").want(t, http.StatusOK, "readyz")
	if v := decodeAs[map[string]string](t, r); v["status"] != "ready" || !strings.Contains(v["writes"], "free disk space") {
		t.Errorf("readyz %s", r.Body)
	}
	e.get("/healthz").want(t, http.StatusOK, "healthz")
	// An article stored before is still answered (nothing to write).
	again := decodeAs[Result](t, e.post(seeds[4]).want(t, http.StatusOK, "004 again"))
	if again.New || again.Group != seeds[2].ID {
		t.Errorf("004 again: %+v", again)
	}
	// Nothing was written: the store read again holds the five seeds.
	st.Close()
	st2, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	l, err := engine.OpenLive(st2, engine.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 5 {
		t.Errorf("reopened: %d articles, want 5", l.Len())
	}
	if _, err := l.Article("fresh"); err == nil {
		t.Error("the refused article was written")
	}
}

func TestAPINotReady(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, false)
	e.get("/healthz").want(t, http.StatusOK, "healthz while loading")
	r := e.get("/readyz").want(t, http.StatusServiceUnavailable, "readyz while loading")
	if v := decodeAs[map[string]string](t, r); v["status"] != "loading" {
		t.Errorf("readyz %s", r.Body)
	}
	for _, p := range []string{"/v1/articles/x", "/v1/stories", "/v1/stories/s000001", "/v1/storylines/l000001", "/v1/search?q=x", "/v1/compare?a=x&b=y"} {
		r := e.get(p)
		r.wantError(t, http.StatusServiceUnavailable, p, "not ready")
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", p)
		}
	}
	e.post(articleJSON{ID: "x", Text: "some text"}).wantError(t, http.StatusServiceUnavailable, "POST while loading", "not ready")
	e.do(http.MethodDelete, "/v1/articles/x", "", nil).wantError(t, http.StatusServiceUnavailable, "DELETE while loading", "not ready")
	e.get("/metrics").want(t, http.StatusOK, "metrics while loading")
	e.setLive()
	e.get("/readyz").want(t, http.StatusOK, "readyz when ready")
	e.get("/v1/stories").want(t, http.StatusOK, "stories when ready")
}

func TestAPIDelete(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, true)
	seeds := apiSeeds(t)
	for _, a := range seeds {
		e.post(a).want(t, http.StatusCreated, a.ID)
	}
	id2, id4 := seeds[2].ID, seeds[4].ID
	found := func(q string) []string {
		t.Helper()
		var ids []string
		for _, a := range decodeAs[SearchResult](t, e.get("/v1/search?q="+url.QueryEscape(q)).want(t, http.StatusOK, "search")).Articles {
			ids = append(ids, a.ID)
		}
		return ids
	}
	// 004's title words are found in 004 only.
	if got := found("disavows"); !slices.Equal(got, []string{id4}) {
		t.Fatalf("search disavows before the delete: %v", got)
	}
	before := found("Kanaani")
	if !slices.Contains(before, id4) {
		t.Fatalf("search Kanaani before the delete: %v", before)
	}
	story := decodeAs[StoryView](t, e.get("/v1/stories/"+url.PathEscape(decodeAs[ArticleView](t, e.get("/v1/articles/"+url.PathEscape(id4))).Story)))

	r := e.do(http.MethodDelete, "/v1/articles/"+url.PathEscape(id4), "", nil).want(t, http.StatusOK, "DELETE 004")
	if v := decodeAs[map[string]any](t, r); v["id"] != id4 || v["deleted"] != true {
		t.Errorf("DELETE answered %s", r.Body)
	}
	e.get("/v1/articles/"+url.PathEscape(id4)).wantError(t, http.StatusNotFound, "GET after DELETE", id4)
	e.do(http.MethodDelete, "/v1/articles/"+url.PathEscape(id4), "", nil).want(t, http.StatusNotFound, "DELETE again")
	e.get("/v1/compare?a="+url.QueryEscape(id4)+"&b="+url.QueryEscape(id2)).want(t, http.StatusNotFound, "compare with the deleted article")
	if got := found("disavows"); len(got) != 0 {
		t.Errorf("search disavows after the delete: %v", got)
	}
	if got := found("Kanaani"); slices.Contains(got, id4) || len(got) != len(before)-1 {
		t.Errorf("search Kanaani after the delete: %v (before %v)", got, before)
	}
	if n := e.articleCount(); n != 4 {
		t.Errorf("%d articles, want 4", n)
	}
	// 002's group is dissolved; its story lost one article.
	v2 := decodeAs[ArticleView](t, e.get("/v1/articles/"+url.PathEscape(id2)).want(t, http.StatusOK, "002"))
	if v2.Group != "" || len(v2.Members) != 0 {
		t.Errorf("002 after 004 left: group %q members %v", v2.Group, v2.Members)
	}
	after := decodeAs[StoryView](t, e.get("/v1/stories/"+story.ID).want(t, http.StatusOK, "story"))
	if after.Articles != story.Articles-1 || len(after.Items) != len(story.Items)-1 || len(after.Groups) != 0 {
		t.Errorf("story after the delete: %d articles, %d items, groups %+v (before %d)", after.Articles, len(after.Items), after.Groups, story.Articles)
	}
	// Posting it again makes it new again, in 002's group.
	r4 := decodeAs[Result](t, e.post(seeds[4]).want(t, http.StatusCreated, "004 posted again"))
	if r4.Group != id2 {
		t.Errorf("004 posted again: group %q, want %s", r4.Group, id2)
	}
	t.Run("representative", func(t *testing.T) {
		// A third copy of 002; deleting 002, the group's representative,
		// hands the group to 004, the earliest remaining member.
		third := articleJSON{ID: "002-again", Text: seeds[2].Text + "\nRead more on our site."}
		r := decodeAs[Result](t, e.post(third).want(t, http.StatusCreated, "third copy"))
		if r.Group != id2 {
			t.Fatalf("the third copy is in group %q, want %s", r.Group, id2)
		}
		e.do(http.MethodDelete, "/v1/articles/"+url.PathEscape(id2), "", nil).want(t, http.StatusOK, "DELETE 002")
		v4 := decodeAs[ArticleView](t, e.get("/v1/articles/"+url.PathEscape(id4)).want(t, http.StatusOK, "004"))
		if v4.Group != id4 || !slices.Equal(v4.Members, []string{id4, third.ID}) {
			t.Errorf("004 after 002 left: group %q members %v", v4.Group, v4.Members)
		}
		for _, rel := range v4.Relations {
			if rel.ID == id2 {
				t.Errorf("004 still relates to the deleted 002: %+v", v4.Relations)
			}
		}
		v3 := decodeAs[ArticleView](t, e.get("/v1/articles/"+url.PathEscape(third.ID)).want(t, http.StatusOK, "third"))
		if v3.Group != id4 {
			t.Errorf("the third copy in group %q, want %s", v3.Group, id4)
		}
	})
}

// TestAPIReadsDuringDelete lists and searches while articles are deleted:
// every answer must be a 200 (the articles found or listed are those
// present at some moment).
func TestAPIReadsDuringDelete(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, true)
	const n = 100
	var lines []string
	for i := range n {
		id := fmt.Sprintf("r%03d", i)
		lines = append(lines, jsonLine(t, articleJSON{ID: id, Title: "Common " + id, Text: apiText(id, 40)}))
	}
	e.postBatch(lines...).want(t, http.StatusOK, "batch")
	var done atomic.Bool
	var wg sync.WaitGroup
	for _, p := range []string{"/v1/search?q=common&limit=500", "/v1/stories?limit=500"} {
		wg.Go(func() {
			for !done.Load() {
				if r := e.get(p); r.Code != http.StatusOK {
					t.Errorf("%s during deletes: %d %s", p, r.Code, r.Body)
					done.Store(true)
				}
			}
		})
	}
	for i := 0; i < n && !done.Load(); i++ {
		e.do(http.MethodDelete, fmt.Sprintf("/v1/articles/r%03d", i), "", nil).want(t, http.StatusOK, "DELETE")
	}
	done.Store(true)
	wg.Wait()
}

func TestAPIEscapedIDs(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, true)
	for _, id := range []string{"2024/05/story one", "ä?b#c&d=e", "a%2Fb", "a b+c"} {
		t.Run(id, func(t *testing.T) {
			e.post(articleJSON{ID: id, Text: apiText(id, 40)}).want(t, http.StatusCreated, "POST")
			v := decodeAs[ArticleView](t, e.get("/v1/articles/"+url.PathEscape(id)).want(t, http.StatusOK, "GET"))
			if v.ID != id {
				t.Errorf("GET %q answered %q", id, v.ID)
			}
			e.get("/v1/compare?a="+url.QueryEscape(id)+"&b="+url.QueryEscape(id)).want(t, http.StatusOK, "compare")
			e.do(http.MethodDelete, "/v1/articles/"+url.PathEscape(id), "", nil).want(t, http.StatusOK, "DELETE")
			e.get("/v1/articles/"+url.PathEscape(id)).want(t, http.StatusNotFound, "GET after DELETE")
		})
	}
}

func TestAPIMetrics(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, true)
	seeds := apiSeeds(t)
	for _, a := range seeds {
		e.post(a).want(t, http.StatusCreated, a.ID)
	}
	e.post(seeds[0]).want(t, http.StatusOK, "again")
	e.post(articleJSON{ID: "x"}).want(t, http.StatusBadRequest, "no text")
	e.get("/v1/articles/"+url.PathEscape(seeds[0].ID)).want(t, http.StatusOK, "GET")
	e.get("/v1/articles/nope").want(t, http.StatusNotFound, "GET unknown")
	e.get("/v1/stories").want(t, http.StatusOK, "stories")
	r := e.get("/metrics").want(t, http.StatusOK, "metrics")
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("metrics Content-Type %q", ct)
	}
	m := string(r.Body)
	for _, want := range []string{
		`reprint_http_request_duration_seconds_count{code="201",method="POST",route="articles_post"} 5`,
		`reprint_http_request_duration_seconds_count{code="200",method="POST",route="articles_post"} 1`,
		`reprint_http_request_duration_seconds_count{code="400",method="POST",route="articles_post"} 1`,
		`reprint_http_request_duration_seconds_count{code="200",method="GET",route="article"} 1`,
		`reprint_http_request_duration_seconds_count{code="404",method="GET",route="article"} 1`,
		`reprint_http_request_duration_seconds_count{code="200",method="GET",route="stories"} 1`,
		`reprint_http_request_duration_seconds_bucket{code="200",method="GET",route="stories",le="+Inf"} 1`,
		`reprint_articles_posted_total{outcome="new"} 5`,
		`reprint_articles_posted_total{outcome="existing"} 1`,
		`reprint_articles_posted_total{outcome="rejected"} 1`,
		"\nreprint_articles 5\n",
		"\nreprint_stories 3\n",
		"\nreprint_storylines ",
		"\nreprint_store_bytes ",
		"\nreprint_bucket_index_bytes ",
		"\nreprint_search_index_bytes ",
		"\nreprint_index_window_articles 0\n",
		"\nreprint_store_flushes_total ",
		"\nreprint_store_compaction_debt_bytes ",
		"\nreprint_store_block_cache_misses_total ",
		"\nreprint_store_file_cache_misses_total ",
		"# TYPE reprint_store_compactions_total counter",
		"# TYPE reprint_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestAPIServerTiming checks that the answers of the API's routes,
// errors included, tell the server's own time in a Server-Timing header.
func TestAPIServerTiming(t *testing.T) {
	e := newAPIEnv(t, nil, Options{}, true)
	seeds := apiSeeds(t)
	timing := regexp.MustCompile(`^app;dur=[0-9]+\.[0-9]{3}$`)
	for _, r := range []struct {
		what  string
		reply apiReply
		code  int
	}{
		{"POST new", e.post(seeds[0]), http.StatusCreated},
		{"POST again", e.post(seeds[0]), http.StatusOK},
		{"POST without text", e.post(articleJSON{ID: "x"}), http.StatusBadRequest},
		{"GET article", e.get("/v1/articles/" + url.PathEscape(seeds[0].ID)), http.StatusOK},
		{"GET unknown", e.get("/v1/articles/nope"), http.StatusNotFound},
		{"GET stories", e.get("/v1/stories"), http.StatusOK},
		{"search", e.get("/v1/search?q=drones"), http.StatusOK},
		{"DELETE unknown", e.do(http.MethodDelete, "/v1/articles/nope", "", nil), http.StatusNotFound},
	} {
		r.reply.want(t, r.code, r.what)
		if h := r.reply.Header.Get("Server-Timing"); !timing.MatchString(h) {
			t.Errorf("%s: Server-Timing %q, want app;dur=MS", r.what, h)
		}
	}
}

// headerCounter counts the WriteHeader calls that reach it.
type headerCounter struct {
	*httptest.ResponseRecorder
	calls int
}

func (h *headerCounter) WriteHeader(code int) {
	h.calls++
	h.ResponseRecorder.WriteHeader(code)
}

// TestStatusWriter checks that an answer written in several pieces gets
// one status line with its Server-Timing, and that a later WriteHeader
// changes nothing that was sent.
func TestStatusWriter(t *testing.T) {
	rec := &headerCounter{ResponseRecorder: httptest.NewRecorder()}
	w := &statusWriter{ResponseWriter: rec, t0: time.Now(), code: http.StatusOK}
	w.Write([]byte("a"))
	w.Write([]byte("b"))
	if rec.calls != 1 || w.code != http.StatusOK || rec.Body.String() != "ab" {
		t.Fatalf("two writes: %d WriteHeader calls, code %d, body %q", rec.calls, w.code, rec.Body)
	}
	if h := rec.Header().Get("Server-Timing"); !strings.HasPrefix(h, "app;dur=") {
		t.Fatalf("Server-Timing %q", h)
	}
	w.WriteHeader(http.StatusTeapot) // superfluous: passed on for net/http to report
	if w.code != http.StatusOK || rec.Code != http.StatusOK {
		t.Fatalf("after a superfluous WriteHeader: code %d, sent %d", w.code, rec.Code)
	}
}
