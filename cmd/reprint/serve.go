package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/queue"
	"github.com/reprint-news/reprint/redisstore"
	"github.com/reprint-news/reprint/server"
	"github.com/reprint-news/reprint/store"
)

const serveUsage = `Usage: reprint serve (--data DIR | --redis ADDRS) [--addr HOST:PORT] [flags]

Serves the store in DIR (created if missing), or the state on a Redis
Cluster that other reprint processes share (--redis): the JSON API under /v1
(POST /v1/articles, GET /v1/stories, …; described at /v1/openapi.json),
the web UI at /, /healthz, /readyz and Prometheus /metrics.

The server listens at once; while the store is replayed at start-up
/readyz and the API answer 503. Writes need 'Authorization: Bearer TOKEN'
when --token (or REPRINT_TOKEN) is set; reads too with --protect-reads.
A store that cannot be written (--read-only, or a directory without write
permission) is served for reads; writes answer 503. Writes are refused
with 507 when the disk has less than --min-free-mb free.

Over a Redis Cluster, any number of 'reprint serve' and 'reprint worker'
processes share one state: a write takes the cluster's writer lease and
first takes in what the others wrote (so its answer is the one a single
process would give), and every --catch-up interval the server takes in
the others' articles for its search index and story lists. With --nats
(or $REPRINT_NATS) posted articles go through the stream instead, in the
one order the workers decide in, and are answered once processed.

With --data, the server starts from the snapshot of the engine's memory
in DIR/snapshot when it is valid for the store, and replays only the
articles stored after it (otherwise, or with --snapshot=false, every
stored article); it writes the snapshot at shutdown and, off the request
path, every --snapshot-every articles stored (writers wait while the
memory is encoded). A deletion makes the snapshot invalid until the next
start, which replays the store. Over a Redis Cluster each process keeps
a snapshot of its own memory when given --snapshot-file FILE, as
'reprint worker --snapshot FILE' does, and takes in only the articles
stored after it.

The server bounds its heap's growth between collections to about 512 MiB
(GOGC lowered as the live heap grows, down to 25) unless GOGC or
GOMEMLIMIT is set.

SIGINT or SIGTERM stops accepting requests, lets requests in flight
(writes included) finish for up to --shutdown-timeout, writes the
snapshot, and closes the store.

Flags:
`

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", serveUsage, stdout, stderr)
	sf := addStateFlags(fs)
	window := addWindowFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	token := fs.String("token", "", "bearer token for writes (default $REPRINT_TOKEN)")
	protectReads := fs.Bool("protect-reads", false, "reads need the token too")
	readOnly := fs.Bool("read-only", false, "serve reads only")
	primeLog := fs.Bool("prime-log", true, "before /readyz, prime the write-ahead log (about 80 MB of writes) so that single writes sync into a reused log file")
	maxBody := fs.Int64("max-body-bytes", server.DefaultMaxBodyBytes, "largest request body")
	maxArticle := fs.Int("max-article-bytes", server.DefaultMaxArticleBytes, "largest article text")
	minFree := fs.Int64("min-free-mb", store.DefaultMinFreeBytes>>20, "refuse writes below this much free disk space (MiB)")
	catchUp := fs.Duration("catch-up", time.Second, "over a Redis Cluster: how often to take in what other processes wrote")
	natsF := fs.String("nats", "", "over a Redis Cluster: take posted articles through the NATS JetStream stream at `URL` that 'reprint worker' processes (default $REPRINT_NATS), answering once they are processed")
	stream := fs.String("stream", queue.DefaultStream, "with --nats: the JetStream stream `NAME`")
	postTimeout := fs.Duration("post-timeout", time.Minute, "with --nats: how long a post waits for the workers")
	shutdown := fs.Duration("shutdown-timeout", 30*time.Second, "how long requests in flight may take to finish at shutdown")
	snapshot := fs.Bool("snapshot", true, "start from the snapshot of the engine's memory when valid, and write it at shutdown and every --snapshot-every articles (with --data: DIR/snapshot; over a Redis Cluster: only with --snapshot-file)")
	snapFile := fs.String("snapshot-file", "", "keep the snapshot in `FILE` (default DIR/snapshot with --data; over a Redis Cluster, each process's own file)")
	snapEvery := fs.Int("snapshot-every", 100000, "write the snapshot every `N` articles stored or taken in (0: only at shutdown)")
	quiet := fs.Bool("q", false, "log only errors")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to `FILE` (written at shutdown)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if err := sf.resolve(); err != nil {
		fs.Usage()
		return err
	}
	o, err := sf.store.options()
	if err != nil {
		return err
	}
	if *natsF != "" && !sf.shared() {
		return fmt.Errorf("%w: --nats takes posts through the workers of a shared state: give --redis too", errUsage)
	}
	if *natsF == "" && sf.shared() {
		*natsF = os.Getenv("REPRINT_NATS")
	}
	if *token == "" {
		*token = os.Getenv("REPRINT_TOKEN")
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelError
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	// A process that holds the engine's memory for long: see heap.go.
	stopHeap, _ := boundHeap(gcPercentFor)
	defer stopHeap()
	minFreeBytes := *minFree << 20
	if minFreeBytes == 0 {
		minFreeBytes = -1 // 0 MiB: never refuse
	}
	o.ReadOnly, o.MinFreeBytes = *readOnly, minFreeBytes
	// The port first: a server that cannot listen leaves no data
	// directory behind.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	redisSeconds := newRedisSeconds()
	sf.observe = func(op string, d time.Duration) { redisSeconds.WithLabelValues(op).Observe(d.Seconds()) }
	st, err := sf.open(o)
	if err != nil {
		ln.Close()
		return err
	}
	pst, _ := st.(*store.Store) // nil over a Redis Cluster
	// The store is closed once the replay is over (a shutdown during the
	// replay leaves it to the process exit: every write is synced).
	replaying := true
	defer func() {
		if !replaying {
			st.Close()
		}
	}()
	ro, why := *readOnly, "--read-only"
	if pst != nil {
		ro, why = pst.ReadOnly()
	}
	if ro {
		log.Warn("serving reads only", "reason", why)
	}
	so := server.Options{Token: *token, ProtectReads: *protectReads, MaxBodyBytes: *maxBody, MaxArticleBytes: *maxArticle, Logger: log}
	if sf.shared() {
		so.Collectors = append(so.Collectors, redisSeconds)
	}
	if *natsF != "" {
		qctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		q, err := queue.Open(qctx, *natsF, *stream, 0, func(err error) { log.Warn("waiting for NATS", "error", err) })
		cancel()
		if err != nil {
			ln.Close()
			st.Close()
			return err
		}
		defer q.Close()
		si := &streamIngest{q: q, kv: st.(*redisstore.KV), timeout: *postTimeout}
		so.Ingest = si.ingest
		so.Collectors = append(so.Collectors, streamCollector{q})
		log.Info("posts go through the stream", "nats", *natsF, "stream", *stream)
	}
	srv := server.New(st, so)
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // a large batch upload
		WriteTimeout:      5 * time.Minute, // ingesting a large batch
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	log.Info("listening", "addr", ln.Addr().String(), "state", sf.String(), "auth", *token != "")
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	snapPath := ""
	switch {
	case !*snapshot:
	case *snapFile != "":
		snapPath = *snapFile
	case !sf.shared():
		snapPath = filepath.Join(*sf.data, engine.SnapshotFile)
	}
	writeSnapshots := snapPath != "" && !ro
	var live *engine.Live // set before loaded is sent
	stopSnapshots := func() {}
	loaded := make(chan error, 1)
	go func() {
		t0 := time.Now()
		l, err := openEngine(st, engine.DefaultConfig(), *window, engine.Options{Snapshot: snapPath})
		if err == nil && snapPath != "" {
			switch s := l.Started(); {
			case s.Snapshot != "":
				log.Info("started from the snapshot", "path", s.Snapshot, "seq", s.SnapshotSeq,
					"read", s.SnapshotRead.Round(time.Millisecond).String(), "replayed_after", s.Replayed)
			case errors.Is(s.Ignored, os.ErrNotExist):
				log.Info("no snapshot: replayed the store", "articles", s.Replayed)
			default:
				log.Warn("snapshot not used: replayed the store", "reason", s.Ignored, "articles", s.Replayed)
			}
		}
		if err == nil {
			// Before the first write: a sync then overwrites log blocks
			// instead of growing a new file (store.PrimeLog).
			if *primeLog && !ro && pst != nil {
				p0 := time.Now()
				if perr := pst.PrimeLog(); perr != nil {
					log.Warn("write-ahead log not primed; single writes sync slower until two memtables are written", "error", perr)
				} else {
					log.Info("write-ahead log primed", "took", time.Since(p0).Round(time.Millisecond).String())
				}
			}
			srv.SetLive(l)
			if sf.shared() && *catchUp > 0 {
				go catchUpEvery(l, *catchUp, log)
			}
			if writeSnapshots && *snapEvery > 0 {
				stopSnapshots = snapshotEvery(l, snapPath, uint64(*snapEvery), log)
			}
			live = l
			c := l.Counts()
			log.Info("ready", "articles", c.Articles, "stories", c.Stories, "storylines", c.Storylines, "replay", time.Since(t0).Round(time.Millisecond).String(),
				"from_snapshot", l.Started().Snapshot != "")
		}
		loaded <- err
	}()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	var runErr error
	select {
	case err := <-served:
		return err
	case s := <-sig:
		log.Info("shutting down", "signal", s.String())
	case err := <-loaded:
		replaying = false
		if err != nil {
			runErr = fmt.Errorf("loading the store: %w", err)
			break
		}
		select {
		case err := <-served:
			return err
		case s := <-sig:
			log.Info("shutting down", "signal", s.String())
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *shutdown)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("shutdown", "error", err)
	}
	if !replaying && live != nil && writeSnapshots { // live is set once loaded was received
		stopSnapshots()
		writeSnapshot(live, snapPath, log)
	}
	return runErr
}

// snapshotEvery writes l's snapshot to path each time every articles
// more are stored, checking every second, until the returned function is
// called (which waits for a snapshot being written).
func snapshotEvery(l *engine.Live, path string, every uint64, log *slog.Logger) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		last := l.Len()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
			}
			if n := l.Len(); n >= last+every {
				last = n
				writeSnapshot(l, path, log)
			} else if n < last {
				last = n // deletions
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// writeSnapshot writes l's snapshot to path and logs the outcome.
func writeSnapshot(l *engine.Live, path string, log *slog.Logger) {
	info, err := l.Snapshot(path)
	switch {
	case errors.Is(err, engine.ErrSnapshotDiverged):
		log.Info("no snapshot written: an article was deleted since start-up; the next start replays the store")
	case err != nil:
		log.Error("writing the snapshot", "path", path, "error", err)
	default:
		log.Info("snapshot written", "path", path, "seq", info.Seq, "articles", info.Articles, "mb", float64(info.Bytes)/1e6,
			"writers_held", info.Held.Round(time.Millisecond).String(), "took", info.Took.Round(time.Millisecond).String())
	}
}

// catchUpEvery takes into l, every interval, the articles other processes
// sharing its state wrote (engine.Live.CatchUpComplete: those whose writes
// are wholly applied), for as long as the process runs.
func catchUpEvery(l *engine.Live, interval time.Duration, log *slog.Logger) {
	for range time.Tick(interval) {
		if n, err := l.CatchUpComplete(); err != nil {
			log.Warn("catching up with the shared state", "error", err)
		} else if n > 0 {
			log.Debug("caught up", "articles", n)
		}
	}
}
