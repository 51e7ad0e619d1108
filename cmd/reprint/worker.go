package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/queue"
	"github.com/reprint-news/reprint/redisstore"
	"github.com/reprint-news/reprint/store"
)

const workerUsage = `Usage: reprint worker [--redis ADDRS] [--nats URL] [flags]

Takes the articles 'reprint publish' puts on the NATS JetStream stream and
processes them into the state on a Redis Cluster, as 'reprint index' would.
Any number of workers, on any machines, share the stream and the state, and
the state is the one a single process taking every article in stream order
would build: whatever the number of workers and however their work
interleaves, 'reprint export' gives the same files.

A worker fetches up to --batch messages (each a chunk of consecutive
articles: 'reprint publish --chunk') and prepares their articles (tokens,
fingerprints, features: what depends on the article alone) while the
articles before them are decided. Then it waits for its turn — every
message before its first processed — taking in meanwhile the articles
the other workers have finished, takes the cluster's writer lease,
takes in what they wrote since, decides and writes its articles in
stream order, records the stream position, gives the lease back and
acknowledges them: an article is acknowledged only once its state is
durable. An article delivered again (a worker stopped before acknowledging
it) is processed idempotently: one already stored is answered from the
state. A worker waiting for its turn fetches more messages every quarter
of --ack-wait while the position does not move: those before its own may
be delivered again, after a worker that took them stopped. Rejected
articles (no text or id, a bad id, an id stored with another text, a
malformed message) are reported on stderr with their stream position and
reason, and acknowledged.

While Redis or NATS is out of reach, a worker waits for it: at start, and
in its turns, which fail and are tried again with a backoff up to 5 s,
their messages kept in progress.

Prints {"processed","messages","new","existing","rejected","turns",
"redelivered" (messages received that had been delivered before),
"passed" (when not 0: articles of such messages that another worker had
processed meanwhile, acknowledged without being processed again and not
counted in "processed"),
"renumbered" (when not 0: the times the stream numbered new messages from
below the position, as a NATS server that lost messages does, and the
position went back to take them),"seconds",
and where the time went: "prepare_seconds", "wait_seconds" (for the turn),
"catch_up_ahead_seconds" (taking in "caught_up_ahead" articles the
other workers finished, while waiting), "catch_up_seconds" (taking in
"caught_up" articles of other workers under the lease) and
"write_seconds" (deciding and writing: the ordered step)} on stdout when it
stops (SIGINT, SIGTERM, or --idle without articles).

Like 'reprint serve', a worker bounds its heap's growth between
collections to about 512 MiB unless GOGC or GOMEMLIMIT is set.

Flags:
`

func runWorker(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("worker", workerUsage, stdout, stderr)
	sf := addStateFlags(fs)
	window := addWindowFlag(fs)
	natsF := natsFlag(fs)
	stream := fs.String("stream", queue.DefaultStream, "JetStream stream `NAME`")
	ackWait := fs.Duration("ack-wait", queue.DefaultAckWait, "how long a message taken by a worker may go unacknowledged before another worker gets it (the stream's consumer keeps the last value set)")
	batch := fs.Int("batch", 16, "messages (chunks of articles) fetched at once")
	idle := fs.Duration("idle", 0, "stop after this long without articles (0: run until SIGINT or SIGTERM)")
	quiet := fs.Bool("q", false, "log only errors")
	snapPath := fs.String("snapshot", "", "start from the snapshot of the engine's memory in `FILE` when it is valid for the shared state (then take in only the articles stored after it), and write it there at shutdown and every --snapshot-every articles")
	snapEvery := fs.Int("snapshot-every", 100000, "with --snapshot: write it every `N` articles taken in (0: only at shutdown)")
	metricsAddr := fs.String("metrics", "", "serve Prometheus /metrics at `ADDR` (host:port): articles by outcome, redeliveries, renumberings, time per phase, Redis latency, the stream's lag")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 || *batch < 1 {
		fs.Usage()
		return fmt.Errorf("%w: a worker takes no PATH, and --batch must be positive", errUsage)
	}
	if err := sf.resolve(); err != nil {
		fs.Usage()
		return err
	}
	if !sf.shared() {
		fs.Usage()
		return fmt.Errorf("%w: a worker processes into a state shared on a Redis Cluster: give --redis ADDRS (or set REPRINT_REDIS)", errUsage)
	}
	url, err := natsURL(*natsF)
	if err != nil {
		fs.Usage()
		return err
	}
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelError
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	// A process that holds the engine's memory for long: see heap.go.
	stopHeap, _ := boundHeap(gcPercentFor)
	defer stopHeap()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	t0 := time.Now()
	o, err := sf.store.options()
	if err != nil {
		return err
	}
	var ln net.Listener
	if *metricsAddr != "" {
		if ln, err = net.Listen("tcp", *metricsAddr); err != nil {
			return err
		}
		defer ln.Close()
	}
	redisSeconds := newRedisSeconds()
	sf.observe = func(op string, d time.Duration) { redisSeconds.WithLabelValues(op).Observe(d.Seconds()) }
	// Stopped (SIGINT, SIGTERM) while it waited for Redis or NATS: a stop
	// like any, with nothing processed.
	stoppedEarly := func(err error) error {
		if ctx.Err() == nil {
			return err
		}
		log.Warn("stopped before it was ready", "error", err)
		return json.NewEncoder(stdout).Encode(workerSummary{Seconds: time.Since(t0).Seconds()})
	}
	kv, l, err := openShared(ctx, sf, o, *window, *snapPath, log)
	if err != nil {
		return stoppedEarly(err)
	}
	defer kv.Close()
	if *snapPath != "" {
		if s := l.Started(); s.Snapshot != "" {
			log.Info("started from the snapshot", "path", s.Snapshot, "seq", s.SnapshotSeq, "taken_in_after", s.Replayed)
		} else if s.Ignored != nil && !errors.Is(s.Ignored, iofs.ErrNotExist) {
			log.Warn("snapshot not used: replayed the shared state", "reason", s.Ignored, "articles", s.Replayed)
		}
		defer writeSnapshot(l, *snapPath, log) // at shutdown, after the periodic ones stopped
		if *snapEvery > 0 {
			defer snapshotEvery(l, *snapPath, uint64(*snapEvery), log)()
		}
	}
	q, err := queue.Open(ctx, url, *stream, *ackWait, func(err error) { log.Warn("waiting for NATS", "error", err) })
	if err != nil {
		return stoppedEarly(err)
	}
	defer q.Close()
	log.Info("worker ready", "state", sf.String(), "stream", *stream, "articles", l.Len(), "took", time.Since(t0).Round(time.Millisecond).String())
	w := &worker{l: l, kv: kv, q: q, log: log, rej: newRejectWriter(stderr), stream: *stream, batch: *batch}
	if ln != nil {
		w.m = newWorkerMetrics(q)
		w.m.reg.MustRegister(redisSeconds)
		w.m.serve(ln, log)
		log.Info("serving metrics", "addr", ln.Addr().String())
	}
	lastWork := time.Now()
	for ctx.Err() == nil {
		msgs, err := q.Fetch(ctx, *batch, time.Second)
		if err != nil && ctx.Err() == nil {
			log.Warn("fetching articles", "error", err)
			time.Sleep(time.Second)
		}
		if len(msgs) == 0 {
			if *idle > 0 && time.Since(lastWork) >= *idle {
				break
			}
			continue
		}
		lastWork = time.Now()
		if err := w.process(ctx, msgs); err != nil {
			break // stopped: what was not acknowledged is delivered again
		}
	}
	w.sum.Seconds = time.Since(t0).Seconds()
	if !*quiet {
		passed := ""
		if w.sum.Passed > 0 {
			passed = fmt.Sprintf("; %d delivered again after another worker processed them, acknowledged", w.sum.Passed)
		}
		fmt.Fprintf(stderr, "worker: %d articles processed (%d new, %d already stored, %d rejected)%s in %d turns, %.1fs\n",
			w.sum.Processed, w.sum.New, w.sum.Existing, w.sum.Rejected, passed, w.sum.Turns, w.sum.Seconds)
	}
	return json.NewEncoder(stdout).Encode(w.sum)
}

// openShared opens the shared state and the engine over it (from the
// snapshot at snapPath, if any). While the cluster does not answer, it
// tries again, with a backoff up to 2 s, until ctx ends.
func openShared(ctx context.Context, sf *stateFlags, o store.Options, window uint64, snapPath string, log *slog.Logger) (*redisstore.KV, *engine.Live, error) {
	for wait := 250 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		st, err := sf.open(o)
		if err == nil {
			kv := st.(*redisstore.KV)
			var l *engine.Live
			if l, err = openEngine(kv, engine.DefaultConfig(), window, engine.Options{Snapshot: snapPath}); err == nil {
				return kv, l, nil
			}
			kv.Close()
		}
		if !redisstore.Unreachable(err) {
			return nil, nil, err
		}
		log.Warn("waiting for Redis", "error", err)
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("%w (%w)", err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// worker processes fetched articles in stream order.
type worker struct {
	l      *engine.Live
	kv     *redisstore.KV
	q      *queue.Queue
	log    *slog.Logger
	rej    *rejectWriter
	stream string
	batch  int
	sum    workerSummary
	m      *workerMetrics // nil without --metrics
	// aheadSpent is the time taken catching up while waiting for turns.
	aheadSpent time.Duration
}

// workerSummary is what 'reprint worker' prints on stdout.
type workerSummary struct {
	Processed int `json:"processed"`
	Messages  int `json:"messages"`
	New       int `json:"new"`
	Existing  int `json:"existing"`
	Rejected  int `json:"rejected"`
	Turns     int `json:"turns"`
	// Redelivered counts the messages received that had been delivered
	// before; Passed the articles of those among them that another worker
	// had processed meanwhile, acknowledged without being processed again
	// (not in Processed).
	Redelivered int `json:"redelivered"`
	Passed      int `json:"passed,omitempty"`
	// Renumbered counts the times the position went back because the
	// stream numbered new messages from below it (renumber).
	Renumbered int     `json:"renumbered,omitempty"`
	Seconds    float64 `json:"seconds"`
	// Where the time went: preparing articles (all cores, before the
	// turn), waiting for the turn, taking in the other workers' articles,
	// and deciding and writing them (the ordered step, under the lease).
	PrepareSeconds float64 `json:"prepare_seconds"`
	WaitSeconds    float64 `json:"wait_seconds"`
	CatchUpSeconds float64 `json:"catch_up_seconds"`
	CaughtUp       int     `json:"caught_up"`
	// Taking in the others' finished articles while waiting, before the
	// lease (counted apart from the wait).
	CatchUpAheadSeconds float64 `json:"catch_up_ahead_seconds"`
	CaughtUpAhead       int     `json:"caught_up_ahead"`
	WriteSeconds        float64 `json:"write_seconds"`
}

// prepared is a fetched chunk with its articles prepared (nil where the
// article is rejected before the engine: errs says why).
type prepared struct {
	msg  *queue.Msg
	ps   []*engine.Prepared
	errs []error
}

// process prepares msgs, then decides and writes them in stream order, a
// turn at a time, and acknowledges them.
func (w *worker) process(ctx context.Context, msgs []*queue.Msg) error {
	todo := w.prepare(msgs)
	// A turn that fails for the state's sake (Redis unreachable, failing
	// over, the lease lost) is tried again until it succeeds: nothing it
	// did is acknowledged, and what it wrote is taken as written (an
	// article stored before is answered from the state).
	backoff := 100 * time.Millisecond
	for len(todo) > 0 {
		n, more, err := w.turn(ctx, todo)
		if len(more) > 0 { // fetched while the turn would not come
			todo = merge(todo, w.prepare(more))
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			w.log.Warn("turn failed; trying again", "first", todo[0].msg.Seq, "in", backoff.String(), "error", err)
			for _, t := range todo {
				t.msg.InProgress()
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		todo = todo[n:]
	}
	return nil
}

// prepare reads msgs' articles (msgs in stream order, as queue.Fetch gives
// them) and prepares them with all cores. An article that cannot be taken
// in (a malformed line, a bad id) is rejected before the engine.
func (w *worker) prepare(msgs []*queue.Msg) []prepared {
	todo := make([]prepared, len(msgs))
	var arts []article.Article
	type at struct{ i, k int }
	var where []at
	for i, m := range msgs {
		todo[i] = prepared{msg: m, ps: make([]*engine.Prepared, len(m.Articles)), errs: make([]error, len(m.Articles))}
		for k, a := range m.Articles {
			err := m.Errs[k]
			if err == nil {
				if err = article.CheckID(a.ID); err != nil {
					err = fmt.Errorf("%w: %v", errBadID, err)
				}
			}
			if err != nil {
				todo[i].errs[k] = err
				continue
			}
			arts = append(arts, a)
			where = append(where, at{i, k})
		}
	}
	t0 := time.Now()
	for j, p := range engine.PrepareMany(arts) {
		todo[where[j].i].ps[where[j].k] = p
	}
	w.sum.PrepareSeconds += time.Since(t0).Seconds()
	w.m.spent("prepare", time.Since(t0))
	// Messages delivered before (to a worker that stopped, or ran out of
	// --ack-wait): processed like any, answered from the state where they
	// were.
	again, most, firstAgain := 0, uint64(0), uint64(0)
	for _, m := range msgs {
		if m.Delivered > 1 {
			if again == 0 {
				firstAgain = m.Seq
			}
			again++
			most = max(most, m.Delivered)
		}
	}
	if again > 0 {
		w.sum.Redelivered += again
		w.m.redelivered(again)
		w.log.Info("messages delivered again", "messages", again, "first", firstAgain, "most_deliveries", most)
	}
	return todo
}

// merge merges the prepared messages more into todo, both in stream order;
// a message in both (delivered again to this worker) is kept in its later
// delivery.
func merge(todo, more []prepared) []prepared {
	out := make([]prepared, 0, len(todo)+len(more))
	i, j := 0, 0
	for i < len(todo) || j < len(more) {
		switch {
		case j == len(more) || i < len(todo) && todo[i].msg.Seq < more[j].msg.Seq:
			out = append(out, todo[i])
			i++
		case i == len(todo) || more[j].msg.Seq < todo[i].msg.Seq:
			out = append(out, more[j])
			j++
		default:
			out = append(out, more[j])
			i, j = i+1, j+1
		}
	}
	return out
}

// turn waits until the messages before todo[0] are processed, then, under
// the writer lease, processes the run of todo that follows the recorded
// position, and returns how many messages of todo it took; or, when the
// position stopped short of todo[0], the messages it fetched meanwhile
// (see waitFor).
func (w *worker) turn(ctx context.Context, todo []prepared) (int, []*queue.Msg, error) {
	first := todo[0].msg.Seq
	t0 := time.Now()
	ahead0 := w.aheadSpent
	pos, more, err := w.waitFor(ctx, first, todo)
	waited := time.Since(t0) - (w.aheadSpent - ahead0)
	w.sum.WaitSeconds += waited.Seconds()
	w.m.spent("wait", waited)
	if err != nil || len(more) > 0 {
		return 0, more, err
	}
	// Processed before (delivered again): acknowledged only, without the
	// lease (the position only grows, but for renumber).
	done := 0
	for done < len(todo) && pos.Covers(todo[done].msg.Seq, todo[done].msg.Stored) {
		done++
	}
	if done > 0 {
		w.ack(todo[:done], false)
		return done, nil, nil
	}
	lctx, cancel := context.WithTimeout(ctx, engine.LeaseWait)
	err = w.kv.Acquire(lctx, engine.LeaseTTL)
	cancel()
	if err != nil {
		return 0, nil, err
	}
	defer w.kv.Release()
	if pos, err = w.kv.Pos(ctx); err != nil {
		return 0, nil, err
	}
	switch {
	case pos.Covers(first, todo[0].msg.Stored): // processed meanwhile by another
		return 0, nil, nil
	case first <= pos.Seq: // numbered below the position, stored after it
		return 0, nil, w.renumber(ctx, pos, todo[0].msg)
	case first != pos.Seq+1:
		return 0, nil, nil // another worker's articles come first: wait again
	}
	run := 1
	for run < len(todo) && todo[run].msg.Seq == first+uint64(run) {
		run++
	}
	var ps []*engine.Prepared
	type at struct{ i, k int }
	var where []at
	for i, t := range todo[:run] {
		for k, p := range t.ps {
			if p != nil {
				ps = append(ps, p)
				where = append(where, at{i, k})
			}
		}
	}
	t1 := time.Now()
	n, err := w.l.CatchUp()
	if err != nil {
		return 0, nil, err
	}
	t2 := time.Now()
	w.sum.CaughtUp += n
	w.sum.CatchUpSeconds += t2.Sub(t1).Seconds()
	w.m.spent("catch_up", t2.Sub(t1))
	res, err := w.l.IngestPreparedInOrder(ps)
	w.sum.WriteSeconds += time.Since(t2).Seconds()
	w.m.spent("write", time.Since(t2))
	if err != nil {
		return 0, nil, err
	}
	// An article the state failed to take (not for its own sake), and the
	// ones after it (refused: IngestPreparedInOrder), are retried: the turn
	// ends with the message before it.
	for j, r := range res {
		if r.Err != nil && !engine.ArticleError(r.Err) {
			if where[j].i == 0 {
				return 0, nil, r.Err
			}
			run = where[j].i
			res, where = res[:j], where[:j]
			break
		}
	}
	if err := w.kv.SetPos(ctx, redisstore.Position{Seq: todo[run-1].msg.Seq, Stored: todo[run-1].msg.Stored}); err != nil {
		return 0, nil, err
	}
	for j, r := range res {
		if where[j].i >= run {
			break
		}
		switch {
		case r.Err != nil:
			todo[where[j].i].errs[where[j].k] = r.Err
		case r.New:
			w.sum.New++
			w.m.add("new", 1)
		default:
			w.sum.Existing++
			w.m.add("existing", 1)
		}
	}
	for _, t := range todo[:run] {
		for k, err := range t.errs {
			if err != nil {
				w.sum.Rejected++
				w.m.add("rejected", 1)
				w.rej.write(article.Issue{Pos: article.Pos{File: fmt.Sprintf("stream %s message %d", w.stream, t.msg.Seq), Line: k + 1},
					Reason: rejectReason(err), Detail: fmt.Sprintf("%q: %v", t.msg.Articles[k].ID, err), Skipped: true})
			}
		}
	}
	w.sum.Turns++
	w.ack(todo[:run], true)
	return run, nil, nil
}

// renumber moves the position back (under the lease) when the stream
// numbers new messages again from below it, as one does that lost
// messages it had stored: a NATS server killed before it wrote them, or
// its storage lost (the stream then made again). Message m is one of
// them: numbered at or below the position, stored after the message of
// the position. The new position is the message before the first one the
// stream stored after the position's, with the position's time, so that
// the messages before it (processed, or older than the loss) count as
// processed and the new ones are taken in stream order. What the stream
// lost and no worker had processed is not on it any more: 'reprint
// publish' tells (its numbering goes back too) and says from which
// article to publish again.
func (w *worker) renumber(ctx context.Context, pos redisstore.Position, m *queue.Msg) error {
	first, err := w.q.FirstStoredAfter(ctx, pos.Stored)
	if err != nil {
		return err
	}
	if first == 0 || first > m.Seq {
		first = m.Seq
	}
	to := redisstore.Position{Seq: first - 1, Stored: pos.Stored}
	if err := w.kv.SetPos(ctx, to); err != nil {
		return err
	}
	w.sum.Renumbered++
	w.m.renumber()
	w.log.Error("the stream numbers messages again from below the position: NATS lost messages it had stored (killed before it wrote them, or its storage lost); the position goes back to the message before the first one stored since",
		"position", pos.Seq, "stored", time.Unix(0, pos.Stored).UTC().Format(time.RFC3339Nano), "message", m.Seq, "first_stored_since", first)
	return nil
}

// errBadID rejects an article whose id article.CheckID refuses.
var errBadID = errors.New("bad id")

// rejectReason is the reason reported for an article rejected with err:
// the readers' names where they have one.
func rejectReason(err error) string {
	switch {
	case errors.Is(err, queue.ErrMalformed):
		return "malformed_json"
	case errors.Is(err, engine.ErrNoText):
		return "missing_text"
	case errors.Is(err, engine.ErrNoID):
		return "missing_id"
	case errors.Is(err, engine.ErrBadID), errors.Is(err, errBadID):
		return "bad_id"
	case errors.Is(err, engine.ErrConflict):
		return "id_conflict"
	}
	return "engine"
}

// waitFor returns once the recorded position is at least seq-1, telling
// the server meanwhile that todo's messages are being worked on.
//
// The messages before seq may be nobody's: taken by a worker that stopped
// or was killed, they are delivered again after its --ack-wait, to
// whoever fetches next, and the other workers may all be waiting like
// this one. So while the position does not move, the worker fetches what
// is there every quarter of --ack-wait (the server delivers such messages
// first) and returns what it got.
func (w *worker) waitFor(ctx context.Context, seq uint64, todo []prepared) (pos redisstore.Position, more []*queue.Msg, err error) {
	told, moved, fetched := time.Now(), time.Now(), time.Now()
	last := uint64(0)
	pos, err = awaitPos(ctx, w.kv, seq-1, 0, func(at uint64) bool {
		now := time.Now()
		if now.Sub(told) > w.q.AckWait/4 {
			for _, t := range todo {
				t.msg.InProgress()
			}
			told = now
		}
		if at != last {
			last, moved = at, now
			w.catchUpAhead()
			return true
		}
		if now.Sub(moved) > w.q.AckWait/4 && now.Sub(fetched) > w.q.AckWait/4 {
			fetched = now
			var err error
			if more, err = w.q.FetchNoWait(w.batch); err != nil {
				w.log.Warn("fetching articles while waiting for the turn", "error", err)
			}
			return len(more) == 0
		}
		return true
	})
	return pos, more, err
}

// catchUpAhead takes in, while the worker waits for its turn, the other
// workers' articles whose writes are wholly applied (below the state's
// watermark: engine.Live.CatchUpComplete), so that its turn, under the
// lease, takes in only what was written since: catching up leaves the
// ordered step. A failure is left to the turn's own catch-up.
func (w *worker) catchUpAhead() {
	t := time.Now()
	n, err := w.l.CatchUpComplete()
	d := time.Since(t)
	w.aheadSpent += d
	w.sum.CaughtUpAhead += n
	w.sum.CatchUpAheadSeconds += d.Seconds()
	w.m.spent("catch_up_ahead", d)
	if err != nil {
		w.log.Warn("taking in the other workers' articles while waiting", "error", err)
	}
}

// awaitPos returns the position recorded in the shared state once it is
// at least message seq and, when stored is not 0, at a message stored at
// or after stored (Unix nanoseconds: so that a position numbered past seq
// before the stream renumbered does not count), polling it (and calling
// tick with the position after each poll) with a backoff from 100 µs to 2
// ms, or ctx's error when it ends first; or the position when tick
// returns false.
func awaitPos(ctx context.Context, kv *redisstore.KV, seq uint64, stored int64, tick func(at uint64) bool) (redisstore.Position, error) {
	for delay := 100 * time.Microsecond; ; delay = min(2*delay, 2*time.Millisecond) {
		at, err := kv.Pos(ctx)
		if err != nil {
			return redisstore.Position{}, err
		}
		if at.Covers(seq, stored) || !tick(at.Seq) {
			return at, nil
		}
		select {
		case <-ctx.Done():
			return redisstore.Position{}, ctx.Err()
		case <-time.After(delay):
		}
	}
}

// ack acknowledges messages: processed by this worker, or (processed
// false) found behind the position, processed before by a worker that
// did not acknowledge them in time (counted as passed, not processed).
func (w *worker) ack(done []prepared, processed bool) {
	for _, t := range done {
		if err := t.msg.Ack(); err != nil {
			// Delivered again later and acknowledged then (its position
			// is recorded).
			w.log.Warn("acknowledging", "message", t.msg.Seq, "error", err)
		}
		w.sum.Messages++
		if processed {
			w.sum.Processed += len(t.msg.Articles)
		} else {
			w.sum.Passed += len(t.msg.Articles)
		}
	}
}
