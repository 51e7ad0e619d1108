package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/provenance"
	"github.com/reprint-news/reprint/store"
)

// Result is the answer for one posted article.
type Result struct {
	ID        string                `json:"id"`
	New       bool                  `json:"new"` // false: stored before; this is the stored answer
	Relations []engine.LiveRelation `json:"relations"`
	Group     string                `json:"group,omitempty"`
	Story     string                `json:"story"`
	Storyline string                `json:"storyline"`
	Dedup     string                `json:"dedup,omitempty"`
}

func resultOf(in *engine.Ingested) Result {
	r := Result{ID: in.ID, New: in.New, Relations: in.Relations, Group: in.Group, Story: in.Story, Storyline: in.Storyline, Dedup: in.Dedup}
	if r.Relations == nil {
		r.Relations = []engine.LiveRelation{}
	}
	return r
}

// LineResult is one line's outcome in a batch answer: a Result, or the
// line's error and its status.
type LineResult struct {
	Line int `json:"line"`
	*Result
	Error  string `json:"error,omitempty"`
	Status int    `json:"status,omitempty"`
}

// BatchResult is the answer to a JSONL batch.
type BatchResult struct {
	Results  []LineResult `json:"results"`
	New      int          `json:"new"`
	Existing int          `json:"existing"`
	Rejected int          `json:"rejected"`
}

// batchChunk is how many articles of a batch are ingested under one hold
// of the engine's writer lock, in one pipeline and with one sync (other
// writers interleave between chunks; reads never wait for them). A batch
// of 500, as the load generator sends, is one chunk.
const batchChunk = 512

// ingest takes posted articles: through Options.Ingest when set, else
// straight into the engine.
func (s *Server) ingest(l *engine.Live, arts []article.Article) ([]engine.IngestResult, error) {
	if s.opts.Ingest != nil {
		return s.opts.Ingest(l, arts)
	}
	return l.IngestMany(arts)
}

// ingestOne is ingest for one article.
func (s *Server) ingestOne(l *engine.Live, a article.Article) (*engine.Ingested, error) {
	if s.opts.Ingest == nil {
		return l.Ingest(a)
	}
	res, err := s.opts.Ingest(l, []article.Article{a})
	if err != nil {
		return nil, err
	}
	return res[0].Ingested, res[0].Err
}

// postArticles is POST /v1/articles: one JSON article, or a JSONL batch
// (Content-Type application/x-ndjson or application/jsonl).
func (s *Server) postArticles(w http.ResponseWriter, r *http.Request, l *engine.Live) {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		ct = ""
	}
	batch := false
	switch ct {
	case "application/json":
	case "application/x-ndjson", "application/jsonl", "application/jsonlines", "application/x-jsonlines":
		batch = true
	default:
		s.fail(w, r, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %q: want application/json (one article) or application/x-ndjson (one article per line)", r.Header.Get("Content-Type")))
		return
	}
	// A compressed body (Content-Encoding gzip or zstd) is bounded before
	// and after decoding by the body limit.
	enc := r.Header.Get("Content-Encoding")
	dr, done, ok, err := article.DecodeContent(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes), enc)
	if !ok {
		s.fail(w, r, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Encoding %q: want gzip, zstd or none", enc))
		return
	}
	var body []byte
	if err == nil {
		defer done()
		body, err = io.ReadAll(io.LimitReader(dr, s.opts.MaxBodyBytes+1))
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes; send a smaller batch", tooBig.Limit))
			return
		}
		s.fail(w, r, http.StatusBadRequest, "reading the body: "+err.Error())
		return
	}
	if int64(len(body)) > s.opts.MaxBodyBytes {
		s.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes once decompressed; send a smaller batch", s.opts.MaxBodyBytes))
		return
	}
	body = bytes.TrimPrefix(body, []byte(article.BOM)) // as some exporters write files
	if !batch {
		a, code, err := s.decode(body, 0)
		if err != nil {
			s.arts.WithLabelValues("rejected").Inc()
			s.fail(w, r, code, err.Error())
			return
		}
		in, err := s.ingestOne(l, a)
		if err != nil {
			s.arts.WithLabelValues("rejected").Inc()
			s.failErr(w, r, err)
			return
		}
		code = http.StatusOK
		if in.New {
			code = http.StatusCreated
			s.arts.WithLabelValues("new").Inc()
		} else {
			s.arts.WithLabelValues("existing").Inc()
		}
		writeJSON(w, code, resultOf(in))
		return
	}
	// A batch: every line is answered, in order; bad lines do not stop it.
	var out BatchResult
	var arts []article.Article
	var lines []int // result index of each article in arts
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, int(s.opts.MaxBodyBytes)+1)
	for n := 1; sc.Scan(); n++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		a, code, err := s.decode(raw, n)
		if err != nil {
			out.Results = append(out.Results, LineResult{Line: n, Error: err.Error(), Status: code})
			continue
		}
		lines = append(lines, len(out.Results))
		out.Results = append(out.Results, LineResult{Line: n})
		arts = append(arts, a)
	}
	if err := sc.Err(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "reading the batch: "+err.Error())
		return
	}
	for lo := 0; lo < len(arts); lo += batchChunk {
		hi := min(lo+batchChunk, len(arts))
		res, err := s.ingest(l, arts[lo:hi])
		if err != nil { // the sync failed: nothing of the chunk is acknowledged
			s.failErr(w, r, err)
			return
		}
		for _, ir := range res {
			// A read-only store takes no writes at all: the whole batch is
			// refused (no line was written). A full disk is answered per
			// line (507), as it may pass.
			if errors.Is(ir.Err, store.ErrReadOnly) {
				s.failErr(w, r, ir.Err)
				return
			}
		}
		for k, ir := range res {
			lr := &out.Results[lines[lo+k]]
			if ir.Err != nil {
				lr.Error, lr.Status = ir.Err.Error(), statusOf(ir.Err)
				continue
			}
			res := resultOf(ir.Ingested)
			lr.Result = &res
		}
	}
	for _, lr := range out.Results {
		switch {
		case lr.Result == nil:
			out.Rejected++
		case lr.New:
			out.New++
		default:
			out.Existing++
		}
	}
	s.arts.WithLabelValues("new").Add(float64(out.New))
	s.arts.WithLabelValues("existing").Add(float64(out.Existing))
	s.arts.WithLabelValues("rejected").Add(float64(out.Rejected))
	if out.Results == nil {
		out.Results = []LineResult{}
	}
	writeJSON(w, http.StatusOK, out)
}

// decode decodes one posted article (line n of a batch, 0 alone) with the
// readers' JSON decoder, strictly: an API client is told what is wrong
// rather than having it repaired.
func (s *Server) decode(raw []byte, n int) (article.Article, int, error) {
	a, issues, ok := article.DecodeJSON(raw, article.Pos{File: "request", Line: n})
	for _, is := range issues {
		if !ok || is.Reason == "invalid_utf8_repaired" || is.Reason == "bad_date" || is.Reason == "bad_id" {
			return a, http.StatusBadRequest, fmt.Errorf("%s: %s", is.Reason, is.Detail)
		}
	}
	if !ok {
		return a, http.StatusBadRequest, errors.New("malformed article")
	}
	if !utf8.Valid(raw) {
		return a, http.StatusBadRequest, errors.New("invalid_utf8: the body is not valid UTF-8")
	}
	if strings.TrimSpace(a.ID) == "" {
		return a, http.StatusBadRequest, errors.New("missing_id: an article needs an \"id\"")
	}
	if a.ID == "." || a.ID == ".." {
		return a, http.StatusBadRequest, fmt.Errorf("bad_id: the id %q cannot be addressed in a URL path", a.ID)
	}
	if strings.TrimSpace(a.Text) == "" {
		return a, http.StatusBadRequest, errors.New("missing_text: an article needs a non-empty \"text\"")
	}
	if len(a.Text) > s.opts.MaxArticleBytes {
		return a, http.StatusRequestEntityTooLarge, fmt.Errorf("article_too_large: text of %d bytes, over the limit of %d", len(a.Text), s.opts.MaxArticleBytes)
	}
	return a, 0, nil
}

// ArticleView is an article as the API shows it.
type ArticleView struct {
	ID     string `json:"id"`
	Source string `json:"source,omitempty"`
	URL    string `json:"url,omitempty"`
	Title  string `json:"title,omitempty"`
	// Published is the publication time, absent when unknown (Received is
	// never one); PublishedFrom says where it was read: "record", "html"
	// or "text".
	Published     *time.Time            `json:"published,omitempty"`
	PublishedFrom string                `json:"published_from,omitempty"`
	Received      time.Time             `json:"received"`
	Text          string                `json:"text,omitempty"`
	Dedup         string                `json:"dedup,omitempty"`
	Relations     []engine.LiveRelation `json:"relations"`
	Group         string                `json:"group,omitempty"`
	Members       []string              `json:"group_members,omitempty"` // the group's articles, representative first
	Story         string                `json:"story"`
	Storyline     string                `json:"storyline"`
	// Reuse, CopiedBy and CopiedFrom are written by GET
	// /v1/articles/{id} only (always, [] when empty): every text reuse
	// relation of the article (with earlier and later articles of its
	// story), the later articles that took from it (it is their source),
	// and the earlier ones it took from.
	Reuse      []engine.LiveReuse `json:"reuse,omitzero"`
	CopiedBy   []string           `json:"copied_by,omitzero"`
	CopiedFrom []string           `json:"copied_from,omitzero"`
	// Snippet is written by GET /v1/search only (always): a passage of
	// the text around the words the article was found by.
	Snippet *engine.Snippet `json:"snippet,omitempty"`
}

func viewOf(a *engine.LiveArticle, withText bool) ArticleView {
	v := ArticleView{ID: a.ID, Source: a.Source, URL: a.URL, Title: a.Title, Received: a.Received,
		Dedup: a.Dedup, Relations: a.Relations, Group: a.Group, Story: a.Story, Storyline: a.Storyline}
	if !a.Published.IsZero() {
		p := a.Published
		v.Published, v.PublishedFrom = &p, a.PublishedFrom
	}
	if withText {
		v.Text = a.Text
	}
	if v.Relations == nil {
		v.Relations = []engine.LiveRelation{}
	}
	return v
}

func (s *Server) getArticle(w http.ResponseWriter, r *http.Request, l *engine.Live) {
	a, err := l.Article(r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, fmt.Errorf("article %q: %w", r.PathValue("id"), err))
		return
	}
	v := viewOf(a, true)
	if a.Group != "" {
		if v.Members, err = l.Members(a.Group); err != nil {
			s.failErr(w, r, err)
			return
		}
	}
	if v.Reuse, err = l.ArticleReuse(a); err != nil {
		s.failErr(w, r, err)
		return
	}
	v.CopiedBy, v.CopiedFrom = engine.CopiedBy(a, v.Reuse)
	v.Reuse, v.CopiedBy, v.CopiedFrom = nonNil(v.Reuse), nonNil(v.CopiedBy), nonNil(v.CopiedFrom)
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) deleteArticle(w http.ResponseWriter, r *http.Request, l *engine.Live) {
	id := r.PathValue("id")
	if err := l.Delete(id); err != nil {
		s.failErr(w, r, fmt.Errorf("article %q: %w", id, err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "deleted": true})
}

// intParam returns query parameter name as an int in [1, max], def when
// absent.
func intParam(r *http.Request, name string, def, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, fmt.Errorf("%s=%q: want a number from 1 to %d", name, v, max)
	}
	return n, nil
}

// timeParam parses query parameter name as RFC 3339 or a date
// (YYYY-MM-DD).
func timeParam(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s=%q: want RFC 3339 (2024-05-01T00:00:00Z) or a date (2024-05-01)", name, v)
}

// StoryPage is the answer of GET /v1/stories.
type StoryPage struct {
	Stories []*engine.LiveStory `json:"stories"`
	Next    string              `json:"next,omitempty"` // cursor of the next page
}

func (s *Server) getStories(w http.ResponseWriter, r *http.Request, l *engine.Live) {
	q := engine.StoryQuery{Sort: r.URL.Query().Get("sort"), Source: r.URL.Query().Get("source"),
		Term: r.URL.Query().Get("term"), Cursor: r.URL.Query().Get("cursor")}
	var err error
	if q.Limit, err = intParam(r, "limit", 20, 500); err == nil {
		if q.From, err = timeParam(r, "from"); err == nil {
			q.To, err = timeParam(r, "to")
		}
	}
	if err == nil && q.Sort != "" && q.Sort != "recent" && q.Sort != "size" {
		err = fmt.Errorf("sort=%q: want recent or size", q.Sort)
	}
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	page, next, err := l.Stories(q)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if page == nil {
		page = []*engine.LiveStory{}
	}
	writeJSON(w, http.StatusOK, StoryPage{Stories: page, Next: next})
}

// GroupView is a duplicate group within a story: its representative and
// how many of the story's articles it holds.
type GroupView struct {
	ID       string   `json:"id"`
	Articles []string `json:"articles"`
}

// StoryView is the answer of GET /v1/stories/{id}.
type StoryView struct {
	*engine.LiveStory
	// Items are the story's articles in arrival order (up to limit),
	// without their text.
	Items  []ArticleView `json:"items"`
	Groups []GroupView   `json:"groups"`
}

func (s *Server) getStory(w http.ResponseWriter, r *http.Request, l *engine.Live) {
	id := r.PathValue("id")
	limit, err := intParam(r, "limit", 1000, 10000)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	st, err := l.Story(id)
	if err != nil {
		s.failErr(w, r, fmt.Errorf("story %q: %w", id, err))
		return
	}
	arts, err := l.StoryArticles(id, limit)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	v := StoryView{LiveStory: st, Items: []ArticleView{}, Groups: []GroupView{}}
	groups := map[string]int{}
	for _, a := range arts {
		v.Items = append(v.Items, viewOf(a, false))
		if a.Group == "" {
			continue
		}
		g, ok := groups[a.Group]
		if !ok {
			g = len(v.Groups)
			groups[a.Group] = g
			v.Groups = append(v.Groups, GroupView{ID: a.Group})
		}
		v.Groups[g].Articles = append(v.Groups[g].Articles, a.ID)
	}
	writeJSON(w, http.StatusOK, v)
}

// StorylineView is the answer of GET /v1/storylines/{id}.
type StorylineView struct {
	*engine.LiveStoryline
	Items []*engine.LiveStory `json:"items"` // its stories in order of opening
}

func (s *Server) getStoryline(w http.ResponseWriter, r *http.Request, l *engine.Live) {
	id := r.PathValue("id")
	line, err := l.Storyline(id)
	if err != nil {
		s.failErr(w, r, fmt.Errorf("storyline %q: %w", id, err))
		return
	}
	stories, err := l.StorylineStories(id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if stories == nil {
		stories = []*engine.LiveStory{}
	}
	writeJSON(w, http.StatusOK, StorylineView{LiveStoryline: line, Items: stories})
}

// SearchResult is the answer of GET /v1/search.
type SearchResult struct {
	Query    string        `json:"query"`
	Articles []ArticleView `json:"articles"` // with their snippets
}

func (s *Server) search(w http.ResponseWriter, r *http.Request, l *engine.Live) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	limit, err := intParam(r, "limit", 20, 500)
	if err == nil && q == "" {
		err = errors.New("q: give the words to search for")
	}
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	found, err := l.Search(q, limit)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	out := SearchResult{Query: q, Articles: []ArticleView{}}
	for _, h := range found {
		v := viewOf(h.Article, false)
		v.Snippet = &h.Snippet
		out.Articles = append(out.Articles, v)
	}
	writeJSON(w, http.StatusOK, out)
}

// nonNil returns s, or an empty slice for nil (JSON [] rather than
// null or absent).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// CompareView is the answer of GET /v1/compare.
type CompareView struct {
	A        ArticleView         `json:"a"`
	B        ArticleView         `json:"b"`
	Relation engine.LiveRelation `json:"relation"` // a's relation to b (dedup)
	// First is the id of the one published first, by publication time
	// only: "" when either has none or both have the same.
	First    string          `json:"first"`
	Passages []match.Passage `json:"passages"` // byte offsets into a.text and b.text
	// Reuse is the text reuse answer (relation, source, coverages,
	// aligned sentences, verbatim passages, the sentence spans of both
	// texts).
	Reuse engine.ReuseAnswer `json:"reuse"`
}

// firstPublished returns the id of the one of a and b published first,
// "" when either has no publication time or both have the same: arrival
// order says nothing of who was first.
func firstPublished(a, b *engine.LiveArticle) string {
	switch {
	case a.Published.IsZero() || b.Published.IsZero() || a.Published.Equal(b.Published):
		return ""
	case a.Published.Before(b.Published):
		return a.ID
	}
	return b.ID
}

func (s *Server) compare(w http.ResponseWriter, r *http.Request, l *engine.Live) {
	a, b := r.URL.Query().Get("a"), r.URL.Query().Get("b")
	if a == "" || b == "" {
		s.fail(w, r, http.StatusBadRequest, "give two article ids: ?a=ID&b=ID")
		return
	}
	c, err := l.Compare(a, b)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	v := CompareView{A: viewOf(c.A, true), B: viewOf(c.B, true), Relation: c.Relation, First: firstPublished(c.A, c.B),
		Passages: nonNil(c.Passages), Reuse: c.Reuse}
	writeJSON(w, http.StatusOK, v)
}

// ProvenanceView is the answer of GET /v1/stories/{id}/provenance: the
// story's provenance graph and the same in Graphviz DOT.
type ProvenanceView struct {
	provenance.Graph
	DOT string `json:"dot"`
}

// OutletsView is the answer of GET /v1/outlets: per outlet, summed over
// the most recent stories, its articles, the stories it reported first,
// its articles derived from other outlets' and the flows between outlets.
type OutletsView struct {
	// Stories is how many stories were summed.
	Stories int                 `json:"stories"`
	Outlets []provenance.Outlet `json:"outlets"`
}

func (s *Server) getOutlets(w http.ResponseWriter, r *http.Request, l *engine.Live) {
	q := engine.StoryQuery{Source: r.URL.Query().Get("source")}
	stories, err := intParam(r, "stories", 1000, 20000)
	if err == nil {
		if q.From, err = timeParam(r, "from"); err == nil {
			q.To, err = timeParam(r, "to")
		}
	}
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	outlets, n, err := l.OutletFlows(q, stories, 1000)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, OutletsView{Stories: n, Outlets: nonNil(outlets)})
}

func (s *Server) getProvenance(w http.ResponseWriter, r *http.Request, l *engine.Live) {
	id := r.PathValue("id")
	limit, err := intParam(r, "limit", 1000, 10000)
	format := r.URL.Query().Get("format")
	if err == nil && format != "" && format != "json" && format != "dot" {
		err = fmt.Errorf("format=%q: want json or dot", format)
	}
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	g, err := l.StoryProvenance(id, limit)
	if err != nil {
		s.failErr(w, r, fmt.Errorf("story %q: %w", id, err))
		return
	}
	if format == "dot" {
		w.Header().Set("Content-Type", "text/vnd.graphviz; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, g.DOT())
		return
	}
	writeJSON(w, http.StatusOK, ProvenanceView{Graph: *g, DOT: g.DOT()})
}
