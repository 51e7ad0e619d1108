// Package queue is reprint's ingest queue on NATS JetStream: publishers
// put articles on a stream in input order ('reprint publish'), and workers
// ('reprint worker') take them through one shared durable consumer,
// process them in stream order and acknowledge each once its state is
// durable. The stream keeps a message until it is acknowledged (work-queue
// retention), on disk (file storage); a message not acknowledged in the
// consumer's AckWait is delivered again, to any worker.
//
// A message is a chunk of consecutive articles, one JSON object per line
// (article.Article's fields); its stream sequence number, then the line,
// is the articles' input position: the order in which they are decided.
// Chunks let one worker decide many articles in one turn.
package queue

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/reprint-news/reprint/article"
)

// Defaults.
const (
	// DefaultStream is the stream's name; its subject is the name in
	// lower case followed by ".articles".
	DefaultStream = "REPRINT"
	// Consumer is the durable consumer every worker takes from.
	Consumer = "workers"
	// DefaultAckWait is how long a delivered message may go
	// unacknowledged (workers that wait for their turn say they are still
	// at it) before it is delivered again.
	DefaultAckWait = 60 * time.Second
	// MaxAckPending bounds the messages delivered and not yet
	// acknowledged, over all workers.
	MaxAckPending = 8192
)

// Queue is a connection to the stream and its consumer.
type Queue struct {
	id      string        // names the messages this Queue publishes
	sent    atomic.Uint64 // messages this Queue published
	nc      *nats.Conn
	js      jetstream.JetStream
	name    string
	subject string
	// stream and cons are made again when the server lost them (reopen).
	mu     sync.Mutex
	stream jetstream.Stream
	cons   jetstream.Consumer
	// AckWait is the consumer's (Open).
	AckWait time.Duration
}

// Open connects to the NATS server at url and creates the stream name
// and its consumer when they do not exist; ackWait (0: DefaultAckWait)
// sets the consumer's. While the server cannot be reached or is starting,
// it tries again, with a backoff up to 2 s, until ctx ends, telling
// retrying (when not nil) each error it waits out.
func Open(ctx context.Context, url, name string, ackWait time.Duration, retrying func(error)) (*Queue, error) {
	for wait := 250 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		q, err := open(ctx, url, name, ackWait)
		if err == nil || !transient(err) {
			return q, err
		}
		if retrying != nil {
			retrying(err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (%w)", err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// transient reports whether an error of Open may go away by itself: the
// server out of reach or starting, not a refusal.
func transient(err error) bool {
	if errors.Is(err, nats.ErrAuthorization) || errors.Is(err, nats.ErrAuthExpired) || errors.Is(err, nats.ErrAuthRevoked) {
		return false
	}
	if e, ok := errors.AsType[*jetstream.APIError](err); ok {
		return e.Code == 503 // JetStream not ready
	}
	return true
}

func open(ctx context.Context, url, name string, ackWait time.Duration) (*Queue, error) {
	if ackWait <= 0 {
		ackWait = DefaultAckWait
	}
	if name == "" {
		name = DefaultStream
	}
	nc, err := nats.Connect(url, nats.Name("reprint"), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond))
	if err != nil {
		return nil, fmt.Errorf("queue: connecting to %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("queue: %w", err)
	}
	q := &Queue{id: rand.Text(), nc: nc, js: js, name: name, subject: strings.ToLower(name) + ".articles", AckWait: ackWait}
	if err := q.create(ctx); err != nil {
		nc.Close()
		return nil, err
	}
	return q, nil
}

// create creates the stream and its consumer when they do not exist.
func (q *Queue) create(ctx context.Context) error {
	stream, err := q.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:      q.name,
		Subjects:  []string{q.subject},
		Storage:   jetstream.FileStorage,
		Retention: jetstream.WorkQueuePolicy,
	})
	if err != nil {
		return fmt.Errorf("queue: stream %s: %w", q.name, err)
	}
	cons, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       Consumer,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       q.AckWait,
		MaxAckPending: MaxAckPending,
		MaxDeliver:    -1,
	})
	if err != nil {
		return fmt.Errorf("queue: consumer %s: %w", Consumer, err)
	}
	q.mu.Lock()
	q.stream, q.cons = stream, cons
	q.mu.Unlock()
	return nil
}

// handles returns the stream and the consumer.
func (q *Queue) handles() (jetstream.Stream, jetstream.Consumer) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.stream, q.cons
}

// gone reports whether err says the server no longer has the stream or
// its consumer: deleted, or lost with the server's storage.
func gone(err error) bool {
	return errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, jetstream.ErrConsumerNotFound) ||
		errors.Is(err, jetstream.ErrStreamNotFound)
}

// reopen creates the stream and its consumer again when err says the
// server lost them, and returns err: the caller tries again.
func (q *Queue) reopen(err error) error {
	if err == nil || !gone(err) {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), attemptTimeout)
	defer cancel()
	if cerr := q.create(ctx); cerr != nil {
		return fmt.Errorf("%w (creating them again: %w)", err, cerr)
	}
	return fmt.Errorf("%w (created again)", err)
}

// StoredAt returns when the stream stored message seq (Unix
// nanoseconds), 0 when it is no longer on the stream (acknowledged).
func (q *Queue) StoredAt(ctx context.Context, seq uint64) (int64, error) {
	stream, _ := q.handles()
	m, err := stream.GetMsg(ctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("queue: message %d: %w", seq, err)
	}
	return m.Time.UnixNano(), nil
}

// FirstStoredAfter returns the lowest sequence number of a message on the
// stream stored after stored (Unix nanoseconds), 0 when there is none:
// the first message of a stream that numbered messages again from below
// a position (redisstore.Position) after losing some. Messages are stored
// in sequence order, so it is a binary search over the messages still on
// the stream (each probe asks for the first one at or after a number).
func (q *Queue) FirstStoredAfter(ctx context.Context, stored int64) (uint64, error) {
	stream, _ := q.handles()
	si, err := stream.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("queue: %w", q.reopen(err))
	}
	lo, hi, first := si.State.FirstSeq, si.State.LastSeq, uint64(0)
	for lo != 0 && lo <= hi {
		mid := lo + (hi-lo)/2
		m, err := stream.GetMsg(ctx, mid, jetstream.WithGetMsgSubject(q.subject))
		switch {
		case errors.Is(err, jetstream.ErrMsgNotFound) || err == nil && m.Sequence > hi:
			hi = mid - 1 // none left in [mid, hi]
		case err != nil:
			return 0, fmt.Errorf("queue: message %d: %w", mid, err)
		case m.Time.UnixNano() > stored:
			first, hi = m.Sequence, mid-1
		default:
			lo = m.Sequence + 1
		}
	}
	return first, nil
}

// Close closes the connection.
func (q *Queue) Close() { q.nc.Close() }

// PublishWait puts a chunk of articles on the stream as one message and
// returns its sequence number once the server has stored it. A chunk the
// server does not acknowledge (out of reach, restarting, killed with the
// chunk unread) is sent again, under the same message id, until it is
// stored or ctx ends: the server stores it once (a copy within the
// stream's duplicate window, 2 minutes, is acknowledged with the first's
// sequence number). Chunks published one call after another are stored
// in the order of the calls, also across a restart of the server.
func (q *Queue) PublishWait(ctx context.Context, arts []article.Article) (uint64, error) {
	b, err := encode(arts)
	if err != nil {
		return 0, err
	}
	id := q.id + "-" + strconv.FormatUint(q.sent.Add(1), 10)
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		actx, cancel := context.WithTimeout(ctx, attemptTimeout)
		ack, err := q.js.Publish(actx, q.subject, b, jetstream.WithMsgID(id))
		cancel()
		if err == nil {
			return ack.Sequence, nil
		}
		if errors.Is(err, nats.ErrMaxPayload) {
			return 0, fmt.Errorf("queue: publishing: %w", err)
		}
		if errors.Is(err, jetstream.ErrNoStreamResponse) {
			// No stream takes the subject: the server lost it with its
			// storage, or it is still starting. Made again if missing.
			cctx, cancel := context.WithTimeout(ctx, attemptTimeout)
			q.create(cctx)
			cancel()
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("queue: publishing: not stored by the server (%v): %w", err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// attemptTimeout bounds one attempt to publish a chunk.
const attemptTimeout = 5 * time.Second

// encode writes arts as JSON lines.
func encode(arts []article.Article) ([]byte, error) {
	var out []byte
	for i := range arts {
		b, err := json.Marshal(&arts[i])
		if err != nil {
			return nil, err
		}
		out = append(append(out, b...), '\n')
	}
	return out, nil
}

// Processed returns the sequence number up to which every message has
// been acknowledged by the workers, and the last sequence number the
// stream has taken.
func (q *Queue) Processed(ctx context.Context) (acked, last uint64, err error) {
	stream, cons := q.handles()
	ci, err := cons.Info(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("queue: %w", q.reopen(err))
	}
	si, err := stream.Info(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("queue: %w", err)
	}
	return ci.AckFloor.Stream, si.State.LastSeq, nil
}

// WaitProcessed returns once every message up to sequence seq has been
// acknowledged, polling every interval. The server's errors (out of
// reach, restarting) are waited out until they have lasted for patience.
//
// A stream whose last message is numbered below seq lost messages it had
// acknowledged (a NATS server killed before it wrote them, or its storage
// lost): WaitProcessed then returns a *LostError.
func (q *Queue) WaitProcessed(ctx context.Context, seq uint64, interval, patience time.Duration) error {
	var failing time.Time // since when the polls fail
	var processed uint64  // the acknowledgement floor while the stream held seq
	for {
		acked, last, err := q.Processed(ctx)
		switch {
		case err == nil && last < seq:
			return &LostError{Last: last, Processed: processed}
		case err == nil && acked >= seq:
			return nil
		case err == nil:
			processed, failing = acked, time.Time{}
		case failing.IsZero():
			failing = time.Now()
		case time.Since(failing) > patience:
			return fmt.Errorf("waiting for message %d to be processed: the server failed for %s: %w", seq, patience, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("queue: waiting for message %d to be processed (processed up to %d): %w", seq, acked, ctx.Err())
		case <-time.After(interval):
		}
	}
}

// LostError says that the stream no longer holds messages it
// acknowledged: its last message is numbered Last, below one it
// acknowledged. Processed is the number up to which the workers had
// acknowledged every message before (0: none seen): the messages after it
// may be lost.
type LostError struct{ Last, Processed uint64 }

func (e *LostError) Error() string {
	return fmt.Sprintf("the stream lost messages it had acknowledged: its last message is now %d (processed up to %d before)", e.Last, e.Processed)
}

// Stats are the consumer's counts: the stream's lag behind the workers.
type Stats struct {
	Pending     uint64 // on the stream, not delivered yet
	AckPending  int    // delivered, not acknowledged yet
	Redelivered int    // delivered more than once and not acknowledged yet
	AckFloor    uint64 // every message up to this one is acknowledged
}

// Stats returns the consumer's counts.
func (q *Queue) Stats(ctx context.Context) (Stats, error) {
	_, cons := q.handles()
	ci, err := cons.Info(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("queue: %w", err)
	}
	return Stats{Pending: ci.NumPending, AckPending: ci.NumAckPending, Redelivered: ci.NumRedelivered, AckFloor: ci.AckFloor.Stream}, nil
}

// Msg is one delivered chunk of articles.
type Msg struct {
	// Seq is its stream sequence number: its position in the input.
	Seq uint64
	// Delivered is how many times it was delivered (1: the first time).
	Delivered uint64
	// Stored is when the stream stored it (Unix nanoseconds).
	Stored int64
	// Articles are its articles, in order; Errs[i] says why line i could
	// not be read (its article is then to be reported, not retried).
	Articles []article.Article
	Errs     []error
	m        jetstream.Msg
}

// ErrMalformed is the error of a message line that is not an article's
// JSON object.
var ErrMalformed = errors.New("malformed article JSON")

// decode reads a chunk's lines.
func decode(data []byte) ([]article.Article, []error) {
	var arts []article.Article
	var errs []error
	for line := range bytes.SplitSeq(bytes.TrimRight(data, "\n"), []byte("\n")) {
		var a article.Article
		var err error
		if e := json.Unmarshal(line, &a); e != nil {
			err = fmt.Errorf("%w: %w", ErrMalformed, e)
		}
		arts, errs = append(arts, a), append(errs, err)
	}
	return arts, errs
}

// Fetch returns up to n delivered chunks, in stream order: it waits up
// to wait for the first, then takes what else is there without waiting.
func (q *Queue) Fetch(ctx context.Context, n int, wait time.Duration) ([]*Msg, error) {
	_, cons := q.handles()
	first, err := cons.Fetch(1, jetstream.FetchMaxWait(wait))
	if err != nil {
		return nil, fmt.Errorf("queue: fetch: %w", q.reopen(err))
	}
	out, err := collect(nil, first)
	if err != nil || len(out) == 0 || n == 1 {
		return out, q.reopen(err)
	}
	more, err := q.FetchNoWait(n - 1)
	out = append(out, more...)
	slices.SortFunc(out, func(a, b *Msg) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, err
}

// FetchNoWait returns up to n chunks that can be delivered now, in stream
// order, without waiting.
func (q *Queue) FetchNoWait(n int) ([]*Msg, error) {
	_, cons := q.handles()
	batch, err := cons.FetchNoWait(n)
	if err != nil {
		return nil, fmt.Errorf("queue: fetch: %w", q.reopen(err))
	}
	out, err := collect(nil, batch)
	slices.SortFunc(out, func(a, b *Msg) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, q.reopen(err)
}

// collect appends a fetched batch's chunks to out.
func collect(out []*Msg, batch jetstream.MessageBatch) ([]*Msg, error) {
	for m := range batch.Messages() {
		md, err := m.Metadata()
		if err != nil {
			return out, fmt.Errorf("queue: message metadata: %w", err)
		}
		msg := &Msg{Seq: md.Sequence.Stream, Delivered: md.NumDelivered, Stored: md.Timestamp.UnixNano(), m: m}
		msg.Articles, msg.Errs = decode(m.Data())
		out = append(out, msg)
	}
	if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, jetstream.ErrNoMessages) {
		return out, fmt.Errorf("queue: fetch: %w", err)
	}
	return out, nil
}

// Ack acknowledges m without waiting for the server to confirm it: an
// acknowledgement lost on the way means one more delivery of an article
// already processed, which a worker answers from the state.
func (m *Msg) Ack() error { return m.m.Ack() }

// InProgress tells the server m is still being worked on (its AckWait
// starts again).
func (m *Msg) InProgress() error { return m.m.InProgress() }
