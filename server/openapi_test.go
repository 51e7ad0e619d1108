package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/provenance"
)

// openapi.json is checked three ways: it is a valid OpenAPI 3.1 document
// whose schemas have exactly the JSON fields of the Go types the server
// writes; its operations are exactly the routes the server registers
// (read from server.go and driven on a real server); and every answer of
// a scripted session, and of every API test (apiEnv.do), validates
// against it.

var spec struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
	mu     sync.Mutex // validation
}

// loadSpec loads, validates and routes openapi.json (once).
func loadSpec() (*openapi3.T, routers.Router, error) {
	spec.once.Do(func() {
		// A JSON Lines body is validated as a string; its lines are
		// checked against ArticleInput by the session test.
		openapi3filter.RegisterBodyDecoder("application/x-ndjson", openapi3filter.PlainBodyDecoder)
		// The provenance graph in Graphviz DOT is text.
		openapi3filter.RegisterBodyDecoder("text/vnd.graphviz", openapi3filter.PlainBodyDecoder)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(openapi)
		if err != nil {
			spec.err = fmt.Errorf("loading openapi.json: %w", err)
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			spec.err = fmt.Errorf("openapi.json is not valid: %w", err)
			return
		}
		spec.doc = doc
		spec.router, spec.err = gorillamux.NewRouter(doc)
	})
	return spec.doc, spec.router, spec.err
}

func mustSpec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	doc, router, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	return doc, router
}

// specCheck validates answer r to req against openapi.json: the status
// must be documented for the operation, and the headers and body must
// match. A request to a route the document does not have is an error only
// when strict.
func specCheck(req *http.Request, r apiReply, strict bool) error {
	_, router, err := loadSpec()
	if err != nil {
		return err
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		if strict {
			return fmt.Errorf("no operation for %s %s: %w", req.Method, req.URL.Path, err)
		}
		return nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 r.Code,
		Header:                 r.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(r.Body)
	spec.mu.Lock()
	defer spec.mu.Unlock()
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// specCheckRequest validates a request against openapi.json (a token is
// taken as valid when it is a bearer token).
func specCheckRequest(req *http.Request) error {
	_, router, err := loadSpec()
	if err != nil {
		return err
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("no operation for %s %s: %w", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: func(_ context.Context, ai *openapi3filter.AuthenticationInput) error {
			if !strings.HasPrefix(ai.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
				return errors.New("no bearer token")
			}
			return nil
		}}}
	spec.mu.Lock()
	defer spec.mu.Unlock()
	return openapi3filter.ValidateRequest(context.Background(), in)
}

func TestOpenAPIDocument(t *testing.T) {
	doc, _ := mustSpec(t)
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi %q, want 3.1", doc.OpenAPI)
	}
	// Served as it is embedded.
	e := newAPIEnv(t, nil, Options{}, false)
	r := e.get("/v1/openapi.json").want(t, http.StatusOK, "GET /v1/openapi.json")
	if !bytes.Equal(r.Body, openapi) || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("/v1/openapi.json serves %d bytes of %q, want the %d embedded bytes as application/json", len(r.Body), r.Header.Get("Content-Type"), len(openapi))
	}

	errorSchema := doc.Components.Schemas["Error"]
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			if op.OperationID == "" || op.Summary == "" {
				t.Errorf("%s: no operationId or summary", name)
			}
			codes := map[int]bool{}
			for code, resp := range op.Responses.Map() {
				n, err := strconv.Atoi(code)
				if err != nil {
					t.Errorf("%s: response %q is not a status code", name, code)
					continue
				}
				codes[n] = true
				if resp.Value.Description == nil || *resp.Value.Description == "" {
					t.Errorf("%s %d: no description", name, n)
				}
				if n >= 400 && strings.HasPrefix(path, "/v1/") {
					mt := resp.Value.Content.Get("application/json")
					if mt == nil || mt.Schema == nil || mt.Schema.Value != errorSchema.Value {
						t.Errorf("%s %d: the body is not the Error schema", name, n)
					}
				}
			}
			write := method == http.MethodPost || method == http.MethodDelete
			var want []int
			switch {
			case path == "/v1/openapi.json" || !strings.HasPrefix(path, "/v1/"):
				if op.Security != nil && len(*op.Security) > 0 {
					t.Errorf("%s: public, but security %v", name, *op.Security)
				}
			case write:
				want = []int{401, 500, 503, 507}
				if op.Security == nil || len(*op.Security) != 1 || (*op.Security)[0]["bearer"] == nil {
					t.Errorf("%s: a write without the bearer requirement", name)
				}
			default:
				want = []int{401, 500, 503}
				if op.Security == nil || len(*op.Security) != 2 || len((*op.Security)[0]) != 0 || (*op.Security)[1]["bearer"] == nil {
					t.Errorf("%s: a read without the optional bearer requirement", name)
				}
			}
			if name == "POST /v1/articles" {
				want = append(want, 200, 201, 400, 409, 413, 415)
			}
			for _, c := range want {
				if !codes[c] {
					t.Errorf("%s: status %d not documented", name, c)
				}
			}
		}
	}
	if s := doc.Components.SecuritySchemes["bearer"]; s == nil || s.Value.Type != "http" || s.Value.Scheme != "bearer" {
		t.Errorf("bearer security scheme: %+v", s)
	}
	post := doc.Paths.Find("/v1/articles").Post
	for _, ct := range []string{"application/json", "application/x-ndjson"} {
		if post.RequestBody.Value.Content.Get(ct) == nil {
			t.Errorf("POST /v1/articles: no request body for %s", ct)
		}
	}
}

// specTypes are the schemas that describe Go types the server writes.
var specTypes = []struct {
	schema string
	typ    reflect.Type
	// oneOfEmbedded: the fields of an embedded pointer are in a oneOf
	// branch (present or absent together), not required.
	oneOfEmbedded bool
}{
	{"Error", reflect.TypeFor[apiError](), false},
	{"Result", reflect.TypeFor[Result](), false},
	{"LineResult", reflect.TypeFor[LineResult](), true},
	{"BatchResult", reflect.TypeFor[BatchResult](), false},
	{"ArticleView", reflect.TypeFor[ArticleView](), false},
	{"LiveRelation", reflect.TypeFor[engine.LiveRelation](), false},
	{"LiveStory", reflect.TypeFor[engine.LiveStory](), false},
	{"SourceCount", reflect.TypeFor[engine.SourceCount](), false},
	{"LiveStoryline", reflect.TypeFor[engine.LiveStoryline](), false},
	{"StoryPage", reflect.TypeFor[StoryPage](), false},
	{"GroupView", reflect.TypeFor[GroupView](), false},
	{"StoryView", reflect.TypeFor[StoryView](), false},
	{"StorylineView", reflect.TypeFor[StorylineView](), false},
	{"SearchResult", reflect.TypeFor[SearchResult](), false},
	{"Snippet", reflect.TypeFor[engine.Snippet](), false},
	{"CompareView", reflect.TypeFor[CompareView](), false},
	{"Passage", reflect.TypeFor[match.Passage](), false},
	{"LiveReuse", reflect.TypeFor[engine.LiveReuse](), false},
	{"ReuseAnswer", reflect.TypeFor[engine.ReuseAnswer](), false},
	{"SentencePair", reflect.TypeFor[match.SentencePair](), false},
	{"Provenance", reflect.TypeFor[ProvenanceView](), false},
	{"ProvenanceNode", reflect.TypeFor[provenance.Article](), false},
	{"ProvenanceEdge", reflect.TypeFor[provenance.Edge](), false},
	{"Outlets", reflect.TypeFor[OutletsView](), false},
	{"Outlet", reflect.TypeFor[provenance.Outlet](), false},
	{"OutletFlow", reflect.TypeFor[provenance.OutletFlow](), false},
}

// goField is a JSON field of a Go type.
type goField struct {
	typ      reflect.Type
	optional bool // omitempty or omitzero: may be absent
	embedded bool // from an embedded pointer
}

// goFields returns the JSON fields of struct type t as encoding/json
// writes them.
func goFields(t reflect.Type) map[string]goField {
	out := map[string]goField{}
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			ptr := ft.Kind() == reflect.Pointer
			if ptr {
				ft = ft.Elem()
			}
			for n, g := range goFields(ft) {
				g.embedded = g.embedded || ptr
				out[n] = g
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		optional := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		out[name] = goField{typ: f.Type, optional: optional}
	}
	return out
}

// schemaFields returns the properties of s and of its allOf and oneOf
// parts, and the names required by s and its allOf parts.
func schemaFields(s *openapi3.Schema) (props map[string]*openapi3.SchemaRef, required map[string]bool) {
	props, required = map[string]*openapi3.SchemaRef{}, map[string]bool{}
	var walk func(s *openapi3.Schema, req bool)
	walk = func(s *openapi3.Schema, req bool) {
		for n, p := range s.Properties {
			props[n] = p
		}
		if req {
			for _, n := range s.Required {
				required[n] = true
			}
		}
		for _, p := range s.AllOf {
			walk(p.Value, req)
		}
		for _, p := range s.OneOf {
			walk(p.Value, false)
		}
	}
	walk(s, true)
	return props, required
}

// jsonType is the JSON type encoding/json writes for t (besides null).
func jsonType(t reflect.Type) string {
	if t == reflect.TypeFor[time.Time]() || t == reflect.TypeFor[*time.Time]() {
		return "string"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return jsonType(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}

func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	doc, _ := mustSpec(t)
	for _, c := range specTypes {
		ref := doc.Components.Schemas[c.schema]
		if ref == nil {
			t.Errorf("schema %s (%v) missing", c.schema, c.typ)
			continue
		}
		props, required := schemaFields(ref.Value)
		fields := goFields(c.typ)
		for name, f := range fields {
			p := props[name]
			if p == nil {
				t.Errorf("%s: %v writes %q, which the schema does not have", c.schema, c.typ, name)
				continue
			}
			if want := jsonType(f.typ); p.Value.Type == nil || !p.Value.Type.Includes(want) {
				t.Errorf("%s.%s: schema type %v, Go writes %s (%v)", c.schema, name, p.Value.Type, want, f.typ)
			}
			mustBe := !f.optional && !(f.embedded && c.oneOfEmbedded)
			if required[name] != mustBe {
				t.Errorf("%s.%s: required %v in the schema, but %v always writes it: %v", c.schema, name, required[name], c.typ, mustBe)
			}
		}
		for name := range props {
			if _, ok := fields[name]; !ok {
				t.Errorf("%s: property %q is not written by %v", c.schema, name, c.typ)
			}
		}
	}
	// The posted article: the fields the JSON decoder reads (Dateline is
	// found in the text and PublishedFrom set by the reader, never read
	// from JSON).
	in := doc.Components.Schemas["ArticleInput"].Value
	var want, got []string
	for n := range goFields(reflect.TypeFor[article.Article]()) {
		if n != "dateline" && n != "published_from" {
			want = append(want, n)
		}
	}
	for n := range in.Properties {
		got = append(got, n)
	}
	sort.Strings(want)
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("ArticleInput properties %v, want the article fields %v", got, want)
	}
}

// serverPatterns returns the ServeMux patterns server.go registers.
func serverPatterns(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "server.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || (sel.Sel.Name != "route" && sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		p, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
		return true
	})
	return out
}

// specOps returns the document's operations as "METHOD path".
func specOps(doc *openapi3.T) []string {
	var out []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+path)
		}
	}
	sort.Strings(out)
	return out
}

func TestOpenAPIRoutes(t *testing.T) {
	doc, _ := mustSpec(t)
	// The patterns that are not API routes: the answer for unknown /v1
	// paths and the web UI.
	notAPI := map[string]bool{"/v1/": true, "/": true}
	var registered []string
	for _, p := range serverPatterns(t) {
		if notAPI[p] {
			delete(notAPI, p)
			continue
		}
		registered = append(registered, p)
	}
	if len(notAPI) > 0 {
		t.Errorf("server.go no longer registers %v", notAPI)
	}
	sort.Strings(registered)
	documented := specOps(doc)
	if !slices.Equal(registered, documented) {
		t.Errorf("server.go registers\n\t%s\nopenapi.json documents\n\t%s", strings.Join(registered, "\n\t"), strings.Join(documented, "\n\t"))
	}

	// Every documented operation is served; no other method is served
	// at a documented path.
	e := newAPIEnv(t, nil, Options{Token: "tok"}, true)
	for _, op := range documented {
		method, path, _ := strings.Cut(op, " ")
		t.Run(op, func(t *testing.T) {
			p := strings.ReplaceAll(path, "{id}", "x")
			switch path {
			case "/v1/search":
				p += "?q=x"
			case "/v1/compare":
				p += "?a=x&b=y"
			}
			var body []byte
			ct := ""
			if method == http.MethodPost {
				body, ct = []byte(`{"id":"x","text":"a short text"}`), "application/json"
			}
			req, _ := http.NewRequest(method, e.url+p, bytes.NewReader(body))
			r := e.do(method, p, ct, body)
			if r.Code == http.StatusMethodNotAllowed || r.Code == http.StatusNotFound && bytes.Contains(r.Body, []byte("no such endpoint")) {
				t.Fatalf("%s %s: %d %s", method, p, r.Code, r.Body)
			}
			if err := specCheck(req, r, true); err != nil {
				t.Error(err)
			}
			for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
				if slices.Contains(documented, m+" "+path) {
					continue
				}
				r := e.do(m, p, "application/json", []byte(`{}`))
				served := r.Code != http.StatusMethodNotAllowed && !(r.Code == http.StatusNotFound && bytes.Contains(r.Body, []byte("no such endpoint")))
				if served {
					t.Errorf("%s %s is served (%d %s) but not documented", m, p, r.Code, clipBody(r.Body))
				}
			}
		})
	}
}

// TestOpenAPISession validates every answer of a session that goes
// through every operation and every documented status but 500 against
// openapi.json, and the requests a client may send against it too.
func TestOpenAPISession(t *testing.T) {
	const tok = "s3cret"
	doc, _ := mustSpec(t)
	e := newAPIEnv(t, nil, Options{Token: tok, MaxBodyBytes: 64 << 10, MaxArticleBytes: 8 << 10}, false)
	cur := e                          // the server step talks to
	seen := map[string]map[int]bool{} // operation → statuses answered

	// step sends a request, checks its status and validates the answer
	// (and, valid, the request) against the document.
	step := func(code int, valid bool, method, path, ct string, body []byte, hdr ...string) apiReply {
		t.Helper()
		r := cur.do(method, path, ct, body, hdr...)
		if r.Code != code {
			t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Code, code, clipBody(r.Body))
		}
		req, _ := http.NewRequest(method, cur.url+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		for i := 0; i+1 < len(hdr); i += 2 {
			if hdr[i+1] == noToken {
				req.Header.Del(hdr[i])
			} else {
				req.Header.Set(hdr[i], hdr[i+1])
			}
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if err := specCheck(req, r, true); err != nil {
			t.Errorf("%s %s → %d: %v", method, path, r.Code, err)
		}
		route, _, err := spec.router.FindRoute(req)
		if err == nil {
			op := method + " " + route.Path
			if seen[op] == nil {
				seen[op] = map[int]bool{}
			}
			seen[op][r.Code] = true
		}
		if valid {
			vreq := req.Clone(context.Background())
			vreq.Body = http.NoBody
			if body != nil {
				vreq, _ = http.NewRequest(method, cur.url+path, bytes.NewReader(body))
				vreq.Header = req.Header.Clone()
			}
			if err := specCheckRequest(vreq); err != nil {
				t.Errorf("%s %s: a valid request that the document refuses: %v", method, path, err)
			}
		}
		return r
	}
	get := func(code int, path string, hdr ...string) apiReply {
		t.Helper()
		return step(code, code < 400, http.MethodGet, path, "", nil, hdr...)
	}
	postJSON := func(code int, v any, hdr ...string) apiReply {
		t.Helper()
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return step(code, code < 400 || code == http.StatusConflict, http.MethodPost, "/v1/articles", "application/json", b, hdr...)
	}

	// Loading.
	reads := []string{"/v1/articles/x", "/v1/stories", "/v1/stories/s000001", "/v1/stories/s000001/provenance", "/v1/storylines/l000001", "/v1/search?q=x", "/v1/compare?a=x&b=y", "/v1/outlets"}
	get(http.StatusOK, "/healthz")
	get(http.StatusServiceUnavailable, "/readyz")
	for _, p := range reads {
		get(http.StatusServiceUnavailable, p)
	}
	postJSON(http.StatusServiceUnavailable, articleJSON{ID: "x", Text: "some text"})
	step(http.StatusServiceUnavailable, false, http.MethodDelete, "/v1/articles/x", "", nil)
	e.setLive()
	get(http.StatusOK, "/readyz")

	// Writes.
	seeds := apiSeeds(t)
	results := map[string]Result{}
	for _, a := range seeds {
		results[apiSeedNum(a.ID)] = decodeAs[Result](t, postJSON(http.StatusCreated, a))
	}
	again := decodeAs[Result](t, postJSON(http.StatusOK, seeds[4]))
	if again.New || again.Group != results["004"].Group {
		t.Fatalf("posting 004 again: %+v", again)
	}
	// Every kind of answer: an exact copy, a reprint with additions
	// (contains), an article too short to compare.
	exact := decodeAs[Result](t, postJSON(http.StatusCreated, articleJSON{ID: "copy-of-000", Text: seeds[0].Text}))
	both := decodeAs[Result](t, postJSON(http.StatusCreated, articleJSON{ID: "003-plus", Text: seeds[3].Text + "\n\n" + apiText("plus", 400)}))
	short := decodeAs[Result](t, postJSON(http.StatusCreated, articleJSON{ID: "short", Text: "three short words"}))
	if len(exact.Relations) != 1 || exact.Relations[0].Relation != match.Exact ||
		len(both.Relations) != 1 || both.Relations[0].Relation != match.Contains || both.Relations[0].Contains != "new" ||
		short.Dedup != "too_short" {
		t.Fatalf("exact %+v, contains %+v, short %+v", exact, both, short)
	}
	changed := seeds[4]
	changed.Text += "\nAnd one more line."
	postJSON(http.StatusConflict, changed)
	postJSON(http.StatusUnauthorized, articleJSON{ID: "y", Text: "text"}, "Authorization", noToken)
	postJSON(http.StatusUnauthorized, articleJSON{ID: "y", Text: "text"}, "Authorization", "Bearer wrong")
	step(http.StatusBadRequest, false, http.MethodPost, "/v1/articles", "application/json", []byte(`{"id":"y","text":`))
	postJSON(http.StatusBadRequest, articleJSON{ID: "y"})
	postJSON(http.StatusBadRequest, articleJSON{Text: "text"})
	postJSON(http.StatusRequestEntityTooLarge, articleJSON{ID: "big", Text: strings.Repeat("word ", 2000)})
	step(http.StatusRequestEntityTooLarge, false, http.MethodPost, "/v1/articles", "application/x-ndjson", bytes.Repeat([]byte(`{"id":"z","text":"0123456789"}`+"\n"), 3000))
	step(http.StatusUnsupportedMediaType, false, http.MethodPost, "/v1/articles", "text/plain", []byte("text"))
	lines := []string{
		jsonLine(t, articleJSON{ID: "b1", Title: "Harbour bridge", Text: apiText("b1", 80)}),
		`{"id":"b2","text":`,
		"",
		jsonLine(t, seeds[0]),
		jsonLine(t, articleJSON{ID: "b3", Text: strings.Repeat("word ", 2000)}),
		jsonLine(t, articleJSON{ID: seeds[1].ID, Text: "another text"}),
	}
	batch := decodeAs[BatchResult](t, step(http.StatusOK, true, http.MethodPost, "/v1/articles", "application/x-ndjson", []byte(strings.Join(lines, "\n"))))
	if batch.New != 1 || batch.Existing != 1 || batch.Rejected != 3 {
		t.Fatalf("batch: %+v", batch)
	}
	for _, l := range lines {
		if l == "" || !json.Valid([]byte(l)) {
			continue
		}
		var v any
		json.Unmarshal([]byte(l), &v)
		if err := doc.Components.Schemas["ArticleInput"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
			t.Errorf("batch line %s: %v", clipBody([]byte(l)), err)
		}
	}

	// Reads.
	id4 := url.PathEscape(seeds[4].ID)
	view := decodeAs[ArticleView](t, get(http.StatusOK, "/v1/articles/"+id4))
	if len(view.Members) != 2 {
		t.Errorf("004's group members %v", view.Members)
	}
	get(http.StatusNotFound, "/v1/articles/nope")
	page := decodeAs[StoryPage](t, get(http.StatusOK, "/v1/stories?sort=size&limit=2"))
	if page.Next == "" {
		t.Fatalf("first page of 2 stories has no next cursor: %+v", page)
	}
	get(http.StatusOK, "/v1/stories?sort=size&limit=2&cursor="+page.Next)
	get(http.StatusOK, "/v1/stories?sort=recent&from=2000-01-01&to=2100-01-01T00:00:00Z&source=x&term=iran&limit=500")
	get(http.StatusBadRequest, "/v1/stories?limit=0")
	get(http.StatusBadRequest, "/v1/stories?cursor=zz")
	story := results["002"].Story
	get(http.StatusOK, "/v1/stories/"+story)
	get(http.StatusOK, "/v1/stories/"+story+"?limit=1")
	get(http.StatusBadRequest, "/v1/stories/"+story+"?limit=0")
	get(http.StatusNotFound, "/v1/stories/s999999")
	prov := decodeAs[ProvenanceView](t, get(http.StatusOK, "/v1/stories/"+results["000"].Story+"/provenance"))
	if len(prov.Nodes) < 2 || len(prov.Edges) == 0 || !strings.HasPrefix(prov.DOT, "digraph") {
		t.Errorf("provenance of the story of 000: %+v", prov)
	}
	if dot := get(http.StatusOK, "/v1/stories/"+results["000"].Story+"/provenance?format=dot&limit=10"); !strings.HasPrefix(dot.Header.Get("Content-Type"), "text/vnd.graphviz") || string(dot.Body) != prov.DOT {
		t.Errorf("provenance as DOT: %q %q, want the JSON answer's dot", dot.Header.Get("Content-Type"), clipBody(dot.Body))
	}
	get(http.StatusOK, "/v1/stories/"+story+"/provenance?format=json")
	get(http.StatusBadRequest, "/v1/stories/"+story+"/provenance?format=svg")
	get(http.StatusBadRequest, "/v1/stories/"+story+"/provenance?limit=0")
	get(http.StatusNotFound, "/v1/stories/s999999/provenance")
	outlets := decodeAs[OutletsView](t, get(http.StatusOK, "/v1/outlets"))
	if outlets.Stories == 0 {
		t.Errorf("outlets: %+v", outlets)
	}
	get(http.StatusOK, "/v1/outlets?stories=2&from=2000-01-01&to=2100-01-01&source=x")
	get(http.StatusBadRequest, "/v1/outlets?stories=0")
	get(http.StatusBadRequest, "/v1/outlets?from=yesterday")
	get(http.StatusOK, "/v1/storylines/"+results["002"].Storyline)
	get(http.StatusNotFound, "/v1/storylines/l999999")
	get(http.StatusOK, "/v1/search?q=Kanaani")
	get(http.StatusOK, "/v1/search?q=Kanaani&limit=1")
	get(http.StatusBadRequest, "/v1/search")
	cmp := decodeAs[CompareView](t, get(http.StatusOK, "/v1/compare?a="+id4+"&b="+url.QueryEscape(seeds[2].ID)))
	if len(cmp.Passages) == 0 {
		t.Errorf("compare 004 and 002: no passages")
	}
	get(http.StatusOK, "/v1/compare?a="+url.QueryEscape(seeds[0].ID)+"&b="+url.QueryEscape(seeds[3].ID))
	get(http.StatusOK, "/v1/compare?a="+url.QueryEscape(seeds[3].ID)+"&b=003-plus")
	get(http.StatusOK, "/v1/articles/short")
	get(http.StatusOK, "/v1/articles/003-plus")
	get(http.StatusBadRequest, "/v1/compare?a=x")
	get(http.StatusNotFound, "/v1/compare?a=x&b="+id4)
	get(http.StatusOK, "/metrics")
	get(http.StatusOK, "/v1/openapi.json")

	// Deletes.
	step(http.StatusUnauthorized, false, http.MethodDelete, "/v1/articles/b1", "", nil, "Authorization", noToken)
	step(http.StatusOK, true, http.MethodDelete, "/v1/articles/b1", "", nil)
	step(http.StatusNotFound, true, http.MethodDelete, "/v1/articles/b1", "", nil)

	// Reads with ProtectReads.
	cur = newAPIEnv(t, e.st, Options{Token: tok, ProtectReads: true}, true)
	for _, p := range reads {
		get(http.StatusUnauthorized, p, "Authorization", noToken)
	}
	get(http.StatusOK, "/v1/stories")

	// Every operation was answered with every status it documents but
	// 500 (a failing store) and 507 (a full disk: TestAPIDiskFull).
	for _, op := range specOps(doc) {
		method, path, _ := strings.Cut(op, " ")
		for code := range doc.Paths.Find(path).GetOperation(method).Responses.Map() {
			if n, _ := strconv.Atoi(code); n != 500 && n != 507 && !seen[op][n] {
				t.Errorf("%s: status %d documented, not answered in the session", op, n)
			}
		}
	}
}
