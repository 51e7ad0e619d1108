package store

import (
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// ErrDiskFull is returned by Commit and CommitNoSync when the file system
// holding the store has less free space than Options.MinFreeBytes: the
// store refuses writes before the disk is really full, so that the
// write-ahead log, compactions and reads keep working, and it accepts
// writes again once space is freed.
var ErrDiskFull = errors.New("store: not enough free disk space")

// DefaultMinFreeBytes is the free space below which writes are refused
// when Options.MinFreeBytes is 0: room for a memtable flush and a
// compaction of the default sizes.
const DefaultMinFreeBytes = 256 << 20

// spaceCheckEvery bounds how often the free space is asked of the file
// system (statfs costs a system call; a batch of writes costs less).
const spaceCheckEvery = 500 * time.Millisecond

// space watches the free space of the store's file system.
type space struct {
	mu      sync.Mutex
	min     int64 // < 0: never checked (in memory)
	checked time.Time
	free    int64
}

// check returns ErrDiskFull (with the numbers) when free space is below
// the minimum.
func (s *Store) checkSpace() error {
	sp := &s.space
	if sp.min < 0 || s.dir == "" {
		return nil
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if now := time.Now(); now.Sub(sp.checked) >= spaceCheckEvery || sp.free < sp.min {
		var fs syscall.Statfs_t
		if err := syscall.Statfs(s.dir, &fs); err != nil {
			return fmt.Errorf("store: free space of %s: %w", s.dir, err)
		}
		sp.free = int64(fs.Bavail) * int64(fs.Bsize)
		sp.checked = now
	}
	if sp.free < sp.min {
		return fmt.Errorf("%w: %d MB free in %s, writes need %d MB", ErrDiskFull, sp.free>>20, s.dir, sp.min>>20)
	}
	return nil
}

// CommitNoSync applies the batch atomically, like Commit, but returns
// before the write-ahead log reaches the disk: a crash may lose it, and
// with it every later batch, never an earlier one alone. Store.Sync makes
// it durable. Many batches then one Sync cost one fsync, not one each.
func (b *pebbleBatch) CommitNoSync() error { return b.commit(pebble.NoSync) }

// Sync returns once every batch committed before it is durable. Syncs
// from concurrent writers share fsyncs (Pebble's group commit).
func (s *Store) Sync() error {
	if s.readOnly {
		return ErrReadOnly
	}
	if err := s.db.LogData(nil, pebble.Sync); err != nil {
		return fmt.Errorf("store: sync: %w", err)
	}
	return nil
}

// Writable returns nil when the store takes writes now, else why not
// (ErrReadOnly, ErrDiskFull): writers that must do irreversible work
// before their batch commits ask first.
func (s *Store) Writable() error {
	if s.readOnly {
		if s.reason != "" {
			return fmt.Errorf("%w: %s", ErrReadOnly, s.reason)
		}
		return ErrReadOnly
	}
	return s.checkSpace()
}

// primeChunk is the size of one filler record PrimeLog writes.
const primeChunk = 1 << 20

// PrimeLog makes the write-ahead log files the store writes next ones
// whose blocks are already written, so that a sync after a small batch
// costs one flush of its data and no update of the file's size. An
// fdatasync that extends a file must also commit the file's new size to
// the file system's journal (as it must for blocks that were only
// preallocated); one that overwrites blocks within the file does not, and
// took 10–30% less time on this project's development machine
// (docs/PERFORMANCE.md, "The write-ahead log sync"). Pebble reuses the log files
// of the running process once their memtable is flushed, but never those
// of an earlier one, so after Open every sync extends a new file until
// two memtables have been written.
//
// PrimeLog writes filler records (which replay ignores) of a memtable
// and a quarter into the current log, flushes, does the same with the
// next, and flushes again: the log then written is the first one reused,
// and the log after it will be the second. It costs about 80 MB of
// writes and two flushes of whatever the memtable holds; it does nothing
// to a store in memory or a read-only one, and is refused when the disk
// is short of space. Writes may run meanwhile.
func (s *Store) PrimeLog() error {
	if s.dir == "" || s.readOnly {
		return nil
	}
	filler := make([]byte, primeChunk)
	per := (memTableBytes + memTableBytes/4) / primeChunk
	for range 2 {
		if err := s.checkSpace(); err != nil {
			return err
		}
		for range per {
			if err := s.db.LogData(filler, pebble.NoSync); err != nil {
				return fmt.Errorf("store: priming the log: %w", err)
			}
		}
		if err := s.db.Flush(); err != nil {
			return fmt.Errorf("store: priming the log: %w", err)
		}
	}
	return nil
}
