// Package server is reprint's HTTP service: the JSON API under /v1 over
// the live engine (engine.Live), health and readiness probes, Prometheus
// metrics, the OpenAPI description and the embedded web UI.
//
// The server holds no algorithm: every answer is the engine's. It adds
// what a service needs around it — authentication of writes by a bearer
// token, limits on request and article sizes with clear 400/413 answers,
// a JSON error body for every failure, metrics per route — and reports
// every rejected record of a batch with its line and reason.
//
// A Server can exist before its engine: while the store is being replayed
// at start-up, /healthz answers, /readyz and the API answer 503, and
// SetLive makes it ready.
package server

import (
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/store"
)

// Options configure a Server.
type Options struct {
	// Token, when set, is the bearer token that writes (POST, DELETE)
	// need; with ProtectReads, reads need it too.
	Token        string
	ProtectReads bool
	// MaxBodyBytes bounds a request body (default 32 MiB); a larger one
	// is refused with 413.
	MaxBodyBytes int64
	// MaxArticleBytes bounds one article's text (default 2 MiB); a larger
	// one is refused with 413 (alone) or reported in the batch answer.
	MaxArticleBytes int
	// Logger receives one line per failed request (default: discard).
	Logger *slog.Logger
	// Ingest, when set, takes the posted articles instead of the engine
	// itself (engine.Live.IngestMany): a server whose writes go through a
	// queue to the workers of a shared state (reprint serve --nats)
	// answers once they are processed. Its results are in the order of
	// arts.
	Ingest func(l *engine.Live, arts []article.Article) ([]engine.IngestResult, error)
	// Collectors are more metrics for /metrics (the shared state's and
	// the stream's: reprint serve --redis, --nats).
	Collectors []prometheus.Collector
}

// Defaults of Options.
const (
	DefaultMaxBodyBytes    = 32 << 20
	DefaultMaxArticleBytes = 2 << 20
)

// Server is the HTTP service.
type Server struct {
	opts  Options
	st    store.KV
	live  atomic.Pointer[engine.Live]
	mux   *http.ServeMux
	reg   *prometheus.Registry
	dur   *prometheus.HistogramVec
	arts  *prometheus.CounterVec
	start time.Time
}

//go:embed openapi.json
var openapi []byte

//go:embed web
var webFS embed.FS

// New returns a server over the state st (a Store, or any store.KV such
// as a Redis Cluster); it answers 503 to the API until SetLive gives it
// the engine. The store's size and statistics are exported as metrics when
// st is a Store.
func New(st store.KV, o Options) *Server {
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.MaxArticleBytes <= 0 {
		o.MaxArticleBytes = DefaultMaxArticleBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: o, st: st, mux: http.NewServeMux(), reg: prometheus.NewRegistry(), start: time.Now()}
	s.metrics()
	s.routes()
	return s
}

// SetLive makes the server ready with engine l.
func (s *Server) SetLive(l *engine.Live) { s.live.Store(l) }

// Handler returns the server's handler.
func (s *Server) Handler() http.Handler { return s.mux }

func (s *Server) metrics() {
	s.dur = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "reprint_http_request_duration_seconds",
		Help:    "HTTP request latency by route, method and status code.",
		Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
	}, []string{"route", "method", "code"})
	s.arts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "reprint_articles_posted_total",
		Help: "Articles posted, by outcome: new, existing (stored before), rejected.",
	}, []string{"outcome"})
	gauge := func(name, help string, f func(*engine.Live) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			if l := s.live.Load(); l != nil {
				return f(l)
			}
			return 0
		})
	}
	s.reg.MustRegister(s.dur, s.arts,
		gauge("reprint_articles", "Articles stored.", func(l *engine.Live) float64 { return float64(l.Len()) }),
		gauge("reprint_stories", "Stories opened.", func(l *engine.Live) float64 { return float64(l.Counts().Stories) }),
		gauge("reprint_storylines", "Storylines opened.", func(l *engine.Live) float64 { return float64(l.Counts().Storylines) }),
	)
	if pst, ok := s.st.(*store.Store); ok {
		s.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "reprint_store_bytes", Help: "Size of the store on disk."}, func() float64 {
			n, _ := pst.Size()
			return float64(n)
		}), storeCollector{pst})
	}
	s.reg.MustRegister(
		gauge("reprint_bucket_index_bytes", "Memory held by the LSH bucket index.", func(l *engine.Live) float64 {
			b, _ := l.IndexBytes()
			return float64(b)
		}),
		gauge("reprint_search_index_bytes", "Memory held by the search index.", func(l *engine.Live) float64 {
			_, w := l.IndexBytes()
			return float64(w)
		}),
		gauge("reprint_index_window_articles", "The latest articles the in-memory indexes hold (0: every article; --window).", func(l *engine.Live) float64 {
			return float64(l.Config().Window)
		}),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	s.reg.MustRegister(s.opts.Collectors...)
}

// route registers handler h for pattern (a ServeMux pattern with its
// method) under name in the metrics, with authentication.
func (s *Server) route(pattern, name string, write bool, h func(http.ResponseWriter, *http.Request, *engine.Live)) {
	method, _, _ := strings.Cut(pattern, " ")
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		rw := &statusWriter{ResponseWriter: w, t0: t0, code: http.StatusOK}
		defer func() {
			s.dur.WithLabelValues(name, method, strconv.Itoa(rw.code)).Observe(time.Since(t0).Seconds())
		}()
		if (write || s.opts.ProtectReads) && !s.authorized(r) {
			rw.Header().Set("WWW-Authenticate", `Bearer realm="reprint"`)
			s.fail(rw, r, http.StatusUnauthorized, "missing or wrong bearer token")
			return
		}
		if h == nil { // no engine needed
			return
		}
		l := s.live.Load()
		if l == nil {
			rw.Header().Set("Retry-After", "5")
			s.fail(rw, r, http.StatusServiceUnavailable, "loading the store; not ready yet")
			return
		}
		h(rw, r, l)
	})
}

func (s *Server) authorized(r *http.Request) bool {
	if s.opts.Token == "" {
		return true
	}
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.opts.Token)) == 1
}

func (s *Server) routes() {
	s.route("POST /v1/articles", "articles_post", true, s.postArticles)
	s.route("GET /v1/articles/{id}", "article", false, s.getArticle)
	s.route("DELETE /v1/articles/{id}", "article_delete", true, s.deleteArticle)
	s.route("GET /v1/stories", "stories", false, s.getStories)
	s.route("GET /v1/stories/{id}", "story", false, s.getStory)
	s.route("GET /v1/stories/{id}/provenance", "story_provenance", false, s.getProvenance)
	s.route("GET /v1/storylines/{id}", "storyline", false, s.getStoryline)
	s.route("GET /v1/outlets", "outlets", false, s.getOutlets)
	s.route("GET /v1/search", "search", false, s.search)
	s.route("GET /v1/compare", "compare", false, s.compare)
	s.mux.HandleFunc("GET /v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openapi)
	})
	s.mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "uptime_s": int(time.Since(s.start).Seconds())})
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if s.live.Load() == nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "loading"})
			return
		}
		st := map[string]any{"status": "ready"}
		if err := s.st.Writable(); err != nil {
			st["writes"] = err.Error() // ready for reads
		}
		writeJSON(w, http.StatusOK, st)
	})
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	web, err := fs.Sub(webFS, "web")
	if err != nil {
		panic(err) // the embedded tree is part of the binary
	}
	files := http.FileServerFS(web)
	s.mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			s.fail(w, r, http.StatusMethodNotAllowed, "the web UI is read with GET")
			return
		}
		// The UI is one page; its routes (#/story/…) live in the fragment.
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	}))
}

// statusWriter remembers the status code written, and puts the time the
// server took until then into the answer's Server-Timing header (metric
// "app", in milliseconds): a client can tell the server's own time from
// the network's and its own scheduling.
type statusWriter struct {
	http.ResponseWriter
	t0    time.Time
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.wrote { // superfluous: net/http reports it
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.code, w.wrote = code, true
	w.Header().Set("Server-Timing", serverTiming(time.Since(w.t0)))
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// serverTiming is the Server-Timing header value for d.
func serverTiming(d time.Duration) string {
	return "app;dur=" + strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 3, 64)
}

// apiError is the body of every error answer.
type apiError struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	s.opts.Logger.Info("request failed", "method", r.Method, "path", r.URL.Path, "status", code, "error", msg)
	writeJSON(w, code, apiError{Error: msg, Status: code})
}

// failErr answers err with its status (statusOf).
func (s *Server) failErr(w http.ResponseWriter, r *http.Request, err error) {
	msg := err.Error()
	if errors.Is(err, store.ErrReadOnly) {
		msg = "writes are refused: " + msg
	}
	s.fail(w, r, statusOf(err), msg)
}

// statusOf maps engine and store errors to HTTP status codes.
// ErrNotProcessed is for Options.Ingest to return when the articles were
// taken but not processed in time (answered 503: posting them again is
// safe, a stored article is answered as existing).
var ErrNotProcessed = errors.New("not processed in time")

func statusOf(err error) int {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, engine.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, engine.ErrNoText), errors.Is(err, engine.ErrNoID), errors.Is(err, engine.ErrBadID), errors.Is(err, engine.ErrBadCursor):
		return http.StatusBadRequest
	case errors.Is(err, store.ErrReadOnly), errors.Is(err, ErrNotProcessed):
		return http.StatusServiceUnavailable
	case errors.Is(err, store.ErrDiskFull):
		return http.StatusInsufficientStorage
	}
	return http.StatusInternalServerError
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// storeCollector exports the store's statistics (store.Stats), read once
// per scrape.
type storeCollector struct{ st *store.Store }

// storeMetrics are the metrics storeCollector exports, each with the
// statistic it reads.
var storeMetrics = []struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	value func(store.Stats) float64
}{
	{storeDesc("flushes_total", "Memtable flushes completed since start."), prometheus.CounterValue,
		func(s store.Stats) float64 { return float64(s.Flushes) }},
	{storeDesc("compactions_total", "Compactions completed since start."), prometheus.CounterValue,
		func(s store.Stats) float64 { return float64(s.Compactions) }},
	{storeDesc("flushed_bytes_total", "Bytes written by flushes since start (tables and blob files)."), prometheus.CounterValue,
		func(s store.Stats) float64 { return float64(s.FlushedBytes) }},
	{storeDesc("compacted_bytes_total", "Bytes written by compactions since start (tables and blob files)."), prometheus.CounterValue,
		func(s store.Stats) float64 { return float64(s.CompactedBytes) }},
	{storeDesc("compaction_debt_bytes", "Estimated bytes still to compact for the store to settle."), prometheus.GaugeValue,
		func(s store.Stats) float64 { return float64(s.CompactionDebt) }},
	{storeDesc("l0_tables", "Tables in level 0 (writes stall when they pile up)."), prometheus.GaugeValue,
		func(s store.Stats) float64 { return float64(s.L0Tables) }},
	{storeDesc("block_cache_hits_total", "Block cache lookups that found their block."), prometheus.CounterValue,
		func(s store.Stats) float64 { return float64(s.CacheHits) }},
	{storeDesc("block_cache_misses_total", "Block cache lookups that read their block from disk."), prometheus.CounterValue,
		func(s store.Stats) float64 { return float64(s.CacheMisses) }},
	{storeDesc("file_cache_hits_total", "Reads that found their table or blob file open."), prometheus.CounterValue,
		func(s store.Stats) float64 { return float64(s.FileCacheHits) }},
	{storeDesc("file_cache_misses_total", "Reads that had to open their table or blob file (the store reads more files than it keeps open)."), prometheus.CounterValue,
		func(s store.Stats) float64 { return float64(s.FileCacheMisses) }},
}

func storeDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("reprint_store_"+name, help, nil, nil)
}

func (c storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range storeMetrics {
		ch <- m.desc
	}
}

func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.st.Stats()
	for _, m := range storeMetrics {
		ch <- prometheus.MustNewConstMetric(m.desc, m.kind, m.value(st))
	}
}
