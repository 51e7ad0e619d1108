package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/queue"
	"github.com/reprint-news/reprint/redisstore"
	"github.com/reprint-news/reprint/server"
	"github.com/reprint-news/reprint/store"
)

// streamIngest takes the articles posted to 'reprint serve --nats': it
// puts them on the stream as one message, waits until the workers have
// processed it (the position recorded in the shared state), takes in what
// they wrote and answers from the state.
type streamIngest struct {
	q       *queue.Queue
	kv      *redisstore.KV
	timeout time.Duration
}

func (s *streamIngest) ingest(l *engine.Live, arts []article.Article) ([]engine.IngestResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	// Stored before: answered as existing, not new.
	before := make([]bool, len(arts))
	for i, a := range arts {
		if got, err := l.Article(a.ID); err == nil && got.Text == a.Text {
			before[i] = true
		}
	}
	seq, err := s.q.PublishWait(ctx, arts)
	if err != nil {
		if ctx.Err() != nil { // NATS out of reach all along
			return nil, fmt.Errorf("%w: %w", server.ErrNotProcessed, err)
		}
		return nil, err
	}
	// When the stream stored it: a position numbered past seq before the
	// stream renumbered (a NATS that lost messages) is not past it. Gone
	// from the stream, it is processed (acknowledged).
	stored, err := s.q.StoredAt(ctx, seq)
	if err != nil {
		return nil, err
	}
	if _, err := awaitPos(ctx, s.kv, seq, stored, func(uint64) bool { return true }); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("message %d: %w by the workers (is a 'reprint worker' running?)", seq, server.ErrNotProcessed)
		}
		return nil, err
	}
	if _, err := l.CatchUpComplete(); err != nil {
		return nil, err
	}
	out := make([]engine.IngestResult, len(arts))
	for i, a := range arts {
		got, err := l.Article(a.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			out[i].Err = fmt.Errorf("article %q: rejected by the worker that processed message %d (its log says why)", a.ID, seq)
		case err != nil:
			out[i].Err = err
		case got.Text != a.Text:
			out[i].Err = engine.ErrConflict
		default:
			out[i].Ingested = &engine.Ingested{LiveArticle: got, New: !before[i]}
		}
	}
	return out, nil
}
