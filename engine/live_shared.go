package engine

import (
	"context"
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
