package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/store"
)

const indexUsage = `Usage: reprint index (--data DIR | --redis ADDRS) [flags] PATH...

Loads every article under PATH (the formats of 'reprint dedup') into the
store in DIR (created if missing), or into the state on a Redis Cluster
that other reprint processes share (--redis; each batch is written under
the cluster's writer lease, after what the others wrote), through the same engine as
'reprint serve' and in input order: each article gets its relations,
duplicate group, story and storyline exactly as if it had been posted to
the API one at a time. Articles already in the store are skipped (same
id and text) or reported as conflicts (same id, other text).

With --data, the engine starts from the snapshot of its memory in
DIR/snapshot when it is valid for the store (replaying only the articles
stored after it; otherwise every stored article), and a load that ends
without error writes the snapshot, so that 'reprint serve' starts from
it (--snapshot=false: neither).

Writes are committed per article and synced once per batch (--batch); an
interrupted load keeps every batch it reported. Every input record that is
rejected, by the readers or by the engine, is reported on stderr with its
position and reason (or to --rejects FILE as JSONL).

Flags:
`

// indexBatch is the default number of articles per sync.
const indexBatch = 1024

func runIndex(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("index", indexUsage, stdout, stderr)
	sf := addStateFlags(fs)
	window := addWindowFlag(fs)
	batch := fs.Int("batch", indexBatch, "articles per synced batch")
	rejects := fs.String("rejects", "", "write rejected records as JSONL to `FILE` (default: stderr)")
	quiet := fs.Bool("q", false, "no summary or progress on stderr")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to `FILE`")
	snapshot := fs.Bool("snapshot", true, "with --data: start from DIR/snapshot when valid, and write it at the end")
	relations := fs.Bool("relations", true, "a new store compares each article for text reuse with the latest articles of its story (a store keeps the setting it was created with)")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 || *batch < 1 {
		fs.Usage()
		return fmt.Errorf("%w: give --data DIR or --redis ADDRS, and at least one PATH", errUsage)
	}
	if err := sf.resolve(); err != nil {
		fs.Usage()
		return err
	}
	if err := checkPaths(paths); err != nil {
		return err
	}
	o, err := sf.store.options()
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	var sum indexSummary
	t0 := time.Now()
	st, err := sf.open(o)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Writable(); err != nil {
		return err
	}
	cfg := engine.DefaultConfig()
	cfg.Relations = *relations
	snapPath := ""
	if *snapshot && !sf.shared() {
		snapPath = filepath.Join(*sf.data, engine.SnapshotFile)
	}
	l, err := openEngine(st, cfg, *window, engine.Options{Snapshot: snapPath})
	if err != nil {
		return err
	}
	if s := l.Started(); s.Snapshot != "" {
		sum.FromSnapshot = true
	} else if s.Ignored != nil && !errors.Is(s.Ignored, os.ErrNotExist) && !*quiet {
		fmt.Fprintf(stderr, "snapshot not used: %v\n", s.Ignored)
	}
	before := l.Len()
	tOpen := time.Since(t0)

	rej, closeRej, err := openRejects(*rejects, stderr)
	if err != nil {
		return err
	}
	defer closeRej()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var prog *progress
	if !*quiet {
		prog = newProgress(stderr, inputSize(paths))
	}
	var readBytes int64
	var pending []*engine.Prepared
	var pendingPos []article.Pos
	flush := func() error {
		res, err := l.IngestPrepared(pending)
		if err != nil {
			return err
		}
		for i, r := range res {
			switch {
			case r.Err != nil:
				sum.Rejected++
				rej.write(article.Issue{Pos: pendingPos[i], Reason: "engine", Detail: r.Err.Error(), Skipped: true})
			case r.New:
				sum.New++
			default:
				sum.Existing++
			}
		}
		pending, pendingPos = pending[:0], pendingPos[:0]
		return nil
	}
	// The readers' goroutines prepare each article (tokens, features)
	// ahead of the engine.
	opts := article.Options{NewProcessor: func() func(*article.Record) {
		return func(r *article.Record) { r.Derived = engine.Prepare(r.Article) }
	}}
	err = article.Read(ctx, paths, opts, func(r article.Record) error {
		pending = append(pending, r.Derived.(*engine.Prepared))
		pendingPos = append(pendingPos, r.Pos)
		readBytes += r.Bytes
		if len(pending) == *batch {
			prog.update("index", readBytes, 0)
			return flush()
		}
		return nil
	}, sum.issues(rej))
	if err == nil && len(pending) > 0 {
		err = flush()
	}
	prog.finish()
	if err != nil {
		return err
	}
	tLoaded := time.Now()
	if snapPath != "" {
		// The articles are stored: a snapshot that cannot be written
		// costs the next start a full replay, not the load.
		if info, err := l.Snapshot(snapPath); err != nil {
			fmt.Fprintf(stderr, "no snapshot written (the next start replays the store): %v\n", err)
		} else {
			sum.SnapshotBytes, sum.SnapshotSeconds = info.Bytes, info.Took.Seconds()
		}
	}
	sum.Seconds = time.Since(t0).Seconds()
	sum.OpenSeconds = tOpen.Seconds()
	sum.Stored = l.Len()
	sum.Before = before
	sum.Counts = l.Counts()
	if pst, ok := st.(*store.Store); ok {
		sum.StoreBytes, _ = pst.Size()
	}
	if n := sum.New + sum.Existing; n > 0 {
		sum.PerSecond = float64(n) / tLoaded.Sub(t0.Add(tOpen)).Seconds()
	}
	if !*quiet {
		fmt.Fprintf(stderr, "indexed %d new articles (%d already stored, %d rejected, %d repaired) in %.1fs: %.0f articles/s; store %d articles, %d stories, %d storylines, %.1f MB\n",
			sum.New, sum.Existing, sum.Rejected, sum.Repaired, sum.Seconds, sum.PerSecond, sum.Stored, sum.Counts.Stories, sum.Counts.Storylines, float64(sum.StoreBytes)/1e6)
		if sum.SnapshotBytes > 0 {
			fmt.Fprintf(stderr, "snapshot %s: %.1f MB in %.2fs\n", snapPath, float64(sum.SnapshotBytes)/1e6, sum.SnapshotSeconds)
		}
	}
	enc := json.NewEncoder(stdout)
	return enc.Encode(sum)
}

// indexSummary is what 'reprint index' prints on stdout.
type indexSummary struct {
	New      int `json:"new"`
	Existing int `json:"existing"`
	readCounts
	Before      uint64            `json:"stored_before"`
	Stored      uint64            `json:"stored"`
	Counts      engine.LiveCounts `json:"counts"`
	StoreBytes  int64             `json:"store_bytes"`
	Seconds     float64           `json:"seconds"`
	OpenSeconds float64           `json:"open_seconds"`
	PerSecond   float64           `json:"articles_per_second"`
	// FromSnapshot: the engine started from the store's snapshot;
	// SnapshotBytes and SnapshotSeconds describe the one written at the
	// end (--data).
	FromSnapshot    bool    `json:"from_snapshot,omitempty"`
	SnapshotBytes   int64   `json:"snapshot_bytes,omitempty"`
	SnapshotSeconds float64 `json:"snapshot_seconds,omitempty"`
}

// readCounts are the input records rejected (by the readers or the
// engine) and repaired (by the readers).
type readCounts struct {
	Rejected int `json:"rejected"`
	Repaired int `json:"repaired"`
}

// issues returns the readers' issue callback: it counts each issue and
// reports it to rej.
func (c *readCounts) issues(rej *rejectWriter) func(article.Issue) {
	return func(is article.Issue) {
		if is.Skipped {
			c.Rejected++
		} else {
			c.Repaired++
		}
		rej.write(is)
	}
}

// rejectWriter reports rejected records: as text lines or JSONL.
type rejectWriter struct {
	w     io.Writer
	jsonl bool
}

func newRejectWriter(w io.Writer) *rejectWriter { return &rejectWriter{w: w} }

// openRejects returns the writer of rejected records: JSONL to the file
// path, or text lines to stderr when path is ""; close closes the file.
func openRejects(path string, stderr io.Writer) (rej *rejectWriter, close func(), err error) {
	if path == "" {
		return newRejectWriter(stderr), func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	rej = newRejectWriter(f)
	rej.jsonl = true
	return rej, func() { f.Close() }, nil
}

func (r *rejectWriter) write(is article.Issue) {
	if r.jsonl {
		b, _ := json.Marshal(reject(is))
		fmt.Fprintf(r.w, "%s\n", b)
		return
	}
	what := "repaired"
	if is.Skipped {
		what = "rejected"
	}
	fmt.Fprintf(r.w, "%s: %s: %s: %s\n", is.Pos, what, is.Reason, is.Detail)
}
