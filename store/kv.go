package store

// KV is the state the live engine keeps, as the engine sees it: an
// ordered key-value store with atomic write batches and ordered range
// scans. Store (Pebble, on disk or in memory) is one implementation;
// package redisstore keeps the same keys on a Redis Cluster, so that many
// reprint processes share one state. The engine owns the keys
// (docs/STORE.md); a KV knows nothing of articles.
//
// Every implementation keeps these rules, which the engine relies on:
//   - Get returns ErrNotFound for a missing key, and a copy of the value.
//   - Scan and ScanReverse visit the keys of [lower, upper) in key order
//     (upper nil: to the end; an implementation that scans by families,
//     like redisstore, to the end of lower's family); the
//     slices passed to fn are valid only during the call, fn's error
//     stops the scan and is returned.
//   - A Batch is applied whole or not at all, also across a crash of the
//     writer; Commit returns once it is durable, CommitNoSync may return
//     before, and Sync makes every batch committed before it durable.
//   - Writable returns nil when writes are taken now, else why not
//     (ErrReadOnly, ErrDiskFull or the implementation's own reason).
type KV interface {
	Get(key []byte) ([]byte, error)
	Scan(lower, upper []byte, fn func(key, value []byte) error) error
	ScanReverse(lower, upper []byte, fn func(key, value []byte) error) error
	NewBatch() Batch
	Sync() error
	Writable() error
	Close() error
}

// Batch collects writes that Commit applies atomically. A batch is used
// by one goroutine.
type Batch interface {
	// Set sets key to value. Both may be reused once Set returns.
	Set(key, value []byte)
	// Delete removes key.
	Delete(key []byte)
	// Len returns the number of writes in the batch.
	Len() int
	// Commit applies the batch atomically and returns once it is durable.
	Commit() error
	// CommitNoSync applies the batch atomically but may return before it
	// is durable; KV.Sync makes it so.
	CommitNoSync() error
	// Discard drops an uncommitted batch; it does nothing to one that
	// was committed.
	Discard()
}

var _ KV = (*Store)(nil)
