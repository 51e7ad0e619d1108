package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Lease is the writer lease of a state that many processes share
// (redisstore.KV): the one ordered step. Acquire waits for it (and is
// reentrant: each Acquire is matched by one Release).
type Lease interface {
	Acquire(ctx context.Context, ttl time.Duration) error
	Release() error
}

// Watermark is kept by a shared state (redisstore.KV) beside its lease:
// the sequence number below which every article's writes are wholly
// applied, with a value describing that point (here the engine's
// counters there). A batch reaches a Redis Cluster node by node, so a
// process that reads while another writes can see one half applied;
// reading only below the watermark, it never does (CatchUpComplete).
type Watermark interface {
	SetWatermark(ctx context.Context, seq uint64, value []byte) error
	Watermark(ctx context.Context) (seq uint64, value []byte, err error)
}

// Lease timing: how long a lease lives unless renewed (its holder renews
// it while it lives), and how long a write waits for it.
const (
	LeaseTTL  = 10 * time.Second
	LeaseWait = 60 * time.Second
)

// Share makes l one of the writers of a state shared by many processes
// (OpenLive does it for a store that is a Lease): each write (Ingest, IngestMany, IngestPrepared, Delete) then takes the
// lease, first takes in what the other writers wrote since (CatchUp), so
// that it decides as one process taking every article in the same order
// would, writes, and gives the lease back.
func (l *Live) Share(ls Lease) { l.lease = ls }

// beginWrite takes the lease of a shared state and catches up; the
// returned function gives the lease back. It does nothing for a state of
// one process.
func (l *Live) beginWrite() (func(), error) {
	if l.lease == nil {
		return func() {}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), LeaseWait)
	defer cancel()
	if err := l.lease.Acquire(ctx, LeaseTTL); err != nil {
		return nil, fmt.Errorf("waiting for the writer lease: %w", err)
	}
	if _, err := l.CatchUp(); err != nil {
		l.lease.Release()
		return nil, err
	}
	return func() { l.lease.Release() }, nil
}

// counted returns the counters of the memory (the caller holds mu).
func (l *Live) counted() liveCounters {
	return liveCounters{Seq: l.next, Story: l.stories.next, Storyline: l.lines.next}
}

// publishWatermark records, after a sync of this writer of a shared
// state, that the articles below c are wholly applied: its own writes
// were applied by the sync, and every earlier writer's by the lease's
// recovery when this one took it. A failure leaves the watermark lower
// than it could be, which only delays readers: it is not the write's.
func (l *Live) publishWatermark(c liveCounters) {
	wm, ok := l.st.(Watermark)
	if !ok || l.lease == nil || l.stale.Load() {
		return
	}
	v, err := json.Marshal(c)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	wm.SetWatermark(ctx, c.Seq, v)
}

// watermark returns the counters at the shared state's watermark, or ok
// false for a state of one process (whose writes are never seen half
// applied).
func (l *Live) watermark() (c liveCounters, ok bool, err error) {
	wm, ok := l.st.(Watermark)
	if !ok {
		return c, false, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	seq, v, err := wm.Watermark(ctx)
	if err != nil || seq == 0 {
		return c, true, err
	}
	if err := json.Unmarshal(v, &c); err != nil || c.Seq != seq {
		return liveCounters{}, true, fmt.Errorf("watermark: corrupt value %q", v)
	}
	return c, true, nil
}
