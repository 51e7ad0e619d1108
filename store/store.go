// Package store is reprint's persistent state: an embedded, ordered
// key-value store (Pebble) on disk, or in memory for tests and one-off
// runs, with a format version, atomic write batches that are synced to
// disk before they are acknowledged, and ordered range scans.
//
// The store knows nothing of articles: higher layers own their keys and
// values, and the whole key layout is written down in docs/STORE.md. The
// store owns one key, FormatKey, which records the layout's version: a
// directory written by another version is refused at Open, never read
// wrongly.
//
// Invariants kept here:
//   - A Batch is applied whole or not at all (Pebble's batch commit is
//     atomic), and Commit returns only after the write-ahead log is synced:
//     an acknowledged write survives a kill -9 or a power cut.
//   - A read-only store (opened with Options.ReadOnly, or because its
//     directory is not writable) serves reads and refuses every write with
//     ErrReadOnly; it never half-applies a batch.
package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// FormatVersion is the version of the key layout this build reads and
// writes (docs/STORE.md). Bump it with every incompatible layout change.
const FormatVersion = "reprint-store/2"

// FormatKey holds FormatVersion. Keys of higher layers never start with
// 0x00.
var FormatKey = []byte("\x00format")

// Errors returned by the store.
var (
	ErrNotFound = errors.New("store: key not found")
	ErrReadOnly = errors.New("store: read-only")
	ErrClosed   = errors.New("store: closed")
	// ErrInUse is returned by Open when another process holds the store.
	ErrInUse = errors.New("store: in use")
)

// Options configure Open.
type Options struct {
	// ReadOnly opens the store for reads only.
	ReadOnly bool
	// CacheBytes is the block cache size (default 64 MiB).
	CacheBytes int64
	// MaxOpenFiles is how many of the store's files Pebble keeps open at
	// once (0: half the process's open-file limit, at least 1,000 and at
	// most 16,384).
	MaxOpenFiles int
	// MinFreeBytes is the free disk space below which writes are refused
	// with ErrDiskFull: 0 means DefaultMinFreeBytes, < 0 never refuses.
	MinFreeBytes int64
}

// Store is an open store. Its methods are safe for concurrent use.
type Store struct {
	db       *pebble.DB
	dir      string // "" in memory
	readOnly bool
	// reason says why a store is read-only when the caller did not ask.
	reason string
	space  space
}

// Open opens (creating it when missing) the store in directory dir. When
// dir exists but cannot be written, the store opens read-only and
// ReadOnlyReason says why. A directory holding another format version, or
// files that are not a store, is an error.
func Open(dir string, o Options) (*Store, error) {
	s := &Store{dir: dir, readOnly: o.ReadOnly}
	if !s.readOnly {
		if err := os.MkdirAll(dir, 0o755); err != nil { // nil for an existing directory, writable or not
			return nil, fmt.Errorf("store: creating %s: %w", dir, err)
		}
		if err := probeWritable(dir); err != nil {
			s.readOnly, s.reason = true, err.Error()
		}
	}
	return s, s.open(&pebble.Options{ReadOnly: s.readOnly}, o)
}

// OpenMemory opens an empty store held in memory (lost on Close).
func OpenMemory(o Options) (*Store, error) {
	s := &Store{}
	return s, s.open(&pebble.Options{FS: vfs.NewMem()}, o)
}

func (s *Store) open(po *pebble.Options, o Options) error {
	cacheBytes := o.CacheBytes
	if cacheBytes <= 0 {
		cacheBytes = 64 << 20
	}
	s.space.min = o.MinFreeBytes
	if s.space.min == 0 {
		s.space.min = DefaultMinFreeBytes
	}
	po.MaxOpenFiles = o.MaxOpenFiles
	if po.MaxOpenFiles <= 0 {
		po.MaxOpenFiles = defaultMaxOpenFiles()
	}
	cache := pebble.NewCache(cacheBytes)
	defer cache.Unref()
	po.Cache = cache
	if s.dir != "" {
		// A larger memtable than Pebble's 4 MiB default: the service
		// rewrites a few records (a story's, its storyline's, the counters)
		// with every article, and every version that dies in the memtable
		// is one a compaction never copies.
		po.MemTableSize = memTableBytes
		po.L0CompactionThreshold = 4
		po.L0StopWritesThreshold = 24
	}
	// Value separation: records of at least valueSeparationBytes (the
	// article records, whose text is most of the store) go to blob files
	// when a memtable is flushed, and compactions move references to
	// them instead of rewriting the text at every level.
	po.FormatMajorVersion = pebble.FormatValueSeparation
	po.Experimental.ValueSeparationPolicy = func() pebble.ValueSeparationPolicy {
		return pebble.ValueSeparationPolicy{
			Enabled:               true,
			MinimumSize:           valueSeparationBytes,
			MaxBlobReferenceDepth: maxBlobReferenceDepth,
			RewriteMinimumAge:     5 * time.Minute,
			TargetGarbageRatio:    0.2,
		}
	}
	// Bloom filters in every table (Pebble has none by default): a point
	// read skips the tables that cannot hold its key, which is all of
	// them for a new article's id, and all but one for a stored record.
	for i := range po.Levels {
		po.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	po.Logger = quietLogger{}
	if s.readOnly {
		po.ErrorIfNotExists = true
	}
	db, err := pebble.Open(s.dir, po)
	if err != nil {
		where := s.dir
		if where == "" {
			where = "memory"
		}
		if errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN) || strings.Contains(err.Error(), "lock held by current process") {
			return fmt.Errorf("%w: %s is used by another reprint process (serve or index): stop it, or give another directory: %v", ErrInUse, where, err)
		}
		return fmt.Errorf("store: opening %s: %w", where, err)
	}
	s.db = db
	if err := s.checkFormat(); err != nil {
		db.Close()
		s.db = nil
		return err
	}
	return nil
}

// defaultMaxOpenFiles returns how many files a store keeps open unless
// told otherwise: half the process's limit on open files, at least 1,000
// (Pebble's default) and at most 16,384. A store of a million articles
// has about 1,600 tables and blob files, and random point reads (the
// candidates of a new article) touch them all: when they do not fit,
// reads keep closing and reopening files.
func defaultMaxOpenFiles() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 1000
	}
	return int(max(1000, min(lim.Cur/2, 16384)))
}

// checkFormat writes FormatVersion into a new store and refuses a store
// of another version.
func (s *Store) checkFormat() error {
	v, err := s.Get(FormatKey)
	switch {
	case errors.Is(err, ErrNotFound):
		if s.readOnly {
			return fmt.Errorf("store: %s holds no format version (not a reprint store, or never written)", s.dir)
		}
		b := s.NewBatch()
		b.Set(FormatKey, []byte(FormatVersion))
		return b.Commit()
	case err != nil:
		return err
	case string(v) != FormatVersion:
		return fmt.Errorf("store: %s holds format %q; this build reads %q", s.dir, v, FormatVersion)
	}
	return nil
}

// memTableBytes is the memtable size of an on-disk store.
const memTableBytes = 32 << 20

// valueSeparationBytes is the smallest value kept in a blob file.
const valueSeparationBytes = 1024

// maxBlobReferenceDepth bounds the blob files a table may refer to before
// a compaction rewrites its values into new ones.
const maxBlobReferenceDepth = 50

// probeWritable reports whether files can be created in dir.
func probeWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("directory %s is not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// Dir returns the store's directory ("" in memory).
func (s *Store) Dir() string { return s.dir }

// ReadOnly reports whether the store refuses writes, and why when the
// caller did not ask for it.
func (s *Store) ReadOnly() (bool, string) { return s.readOnly, s.reason }

// Close closes the store. Pending reads must have finished.
func (s *Store) Close() error {
	if s.db == nil {
		return ErrClosed
	}
	err := s.db.Close()
	s.db = nil
	return err
}

// Get returns a copy of the value of key, or ErrNotFound.
func (s *Store) Get(key []byte) ([]byte, error) {
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: get: %w", err)
	}
	out := bytes.Clone(v)
	closer.Close()
	return out, nil
}

// Scan calls fn for every key in [lower, upper) in key order (upper nil:
// to the end). The slices passed to fn are valid only during the call.
// fn's error stops the scan and is returned.
func (s *Store) Scan(lower, upper []byte, fn func(key, value []byte) error) error {
	return s.scan(lower, upper, false, fn)
}

// ScanReverse is Scan in descending key order.
func (s *Store) ScanReverse(lower, upper []byte, fn func(key, value []byte) error) error {
	return s.scan(lower, upper, true, fn)
}

func (s *Store) scan(lower, upper []byte, reverse bool, fn func(key, value []byte) error) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return fmt.Errorf("store: scan: %w", err)
	}
	first, next := it.First, it.Next
	if reverse {
		first, next = it.Last, it.Prev
	}
	for ok := first(); ok; ok = next() {
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return fmt.Errorf("store: scan: %w", err)
		}
		if err := fn(it.Key(), v); err != nil {
			it.Close()
			return err
		}
	}
	return it.Close()
}

// Iter reads many key ranges of one consistent view of the store through
// one Pebble iterator: opening an iterator costs more than seeking one, so
// a caller that scans many small ranges together (a lookup in many
// buckets) opens one Iter rather than calling Scan for each. The view is
// the store as it was at NewIter: later writes are not seen. An Iter is
// not safe for concurrent use; Close it when done.
type Iter struct {
	it *pebble.Iterator
}

// NewIter returns an iterator over the store as it is now.
func (s *Store) NewIter() (*Iter, error) {
	it, err := s.db.NewIter(nil)
	if err != nil {
		return nil, fmt.Errorf("store: iterator: %w", err)
	}
	return &Iter{it: it}, nil
}

// Scan is Store.Scan on the iterator's view: it calls fn for every key in
// [lower, upper) in key order (upper nil: to the end). The slices passed
// to fn are valid only during the call. fn's error stops the scan and is
// returned. An empty range costs one seek.
func (i *Iter) Scan(lower, upper []byte, fn func(key, value []byte) error) error {
	i.it.SetBounds(lower, upper)
	return i.walk(i.it.First(), i.it.Next, fn)
}

// ScanReverse is Scan in descending key order.
func (i *Iter) ScanReverse(lower, upper []byte, fn func(key, value []byte) error) error {
	i.it.SetBounds(lower, upper)
	return i.walk(i.it.Last(), i.it.Prev, fn)
}

// walk calls fn on the iterator's keys from its current position on.
func (i *Iter) walk(ok bool, next func() bool, fn func(key, value []byte) error) error {
	for ; ok; ok = next() {
		v, err := i.it.ValueAndErr()
		if err != nil {
			return fmt.Errorf("store: scan: %w", err)
		}
		if err := fn(i.it.Key(), v); err != nil {
			return err
		}
	}
	if err := i.it.Error(); err != nil {
		return fmt.Errorf("store: scan: %w", err)
	}
	return nil
}

// Close releases the iterator and its view.
func (i *Iter) Close() error {
	if err := i.it.Close(); err != nil {
		return fmt.Errorf("store: iterator: %w", err)
	}
	return nil
}

// PrefixEnd returns the smallest key greater than every key starting with
// prefix (nil when there is none), the upper bound of a prefix Scan.
func PrefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// pebbleBatch is Batch for a Store.
type pebbleBatch struct {
	s *Store
	b *pebble.Batch
	// closed is set once b went back to Pebble's pool (by a commit or
	// Discard): closing it again could release a batch another writer
	// has taken from the pool since.
	closed bool
}

// NewBatch returns an empty batch.
func (s *Store) NewBatch() Batch { return &pebbleBatch{s: s, b: s.db.NewBatch()} }

func (b *pebbleBatch) Set(key, value []byte) { b.b.Set(key, value, nil) }

func (b *pebbleBatch) Delete(key []byte) { b.b.Delete(key, nil) }

func (b *pebbleBatch) Len() int { return int(b.b.Count()) }

// Commit applies the batch atomically and returns once it is synced to
// disk. A read-only store returns ErrReadOnly and applies nothing.
func (b *pebbleBatch) Commit() error { return b.commit(pebble.Sync) }

// commit applies the batch with write options o, unless the store takes
// no writes now (Store.Writable).
func (b *pebbleBatch) commit(o *pebble.WriteOptions) error {
	defer b.close()
	if err := b.s.Writable(); err != nil {
		return err
	}
	if err := b.b.Commit(o); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

func (b *pebbleBatch) Discard() { b.close() }

// close returns the batch to Pebble once.
func (b *pebbleBatch) close() {
	if !b.closed {
		b.closed = true
		b.b.Close()
	}
}

// Size returns the bytes the store's files take on disk (0 in memory).
func (s *Store) Size() (int64, error) {
	if s.dir == "" {
		return 0, nil
	}
	var n int64
	err := filepath.WalkDir(s.dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n, err
}

// Stats is what the store's engine reports of its own work, for
// monitoring: flushes and compactions run in the background and compete
// with requests for the CPU and the disk.
type Stats struct {
	// Flushes and Compactions completed since the store was opened, and
	// the bytes they wrote (tables and blob files).
	Flushes, Compactions         int64
	FlushedBytes, CompactedBytes uint64
	// CompactionDebt estimates the bytes still to compact for the store
	// to settle; L0Tables is the tables in level 0 (writes stall at
	// L0StopWritesThreshold).
	CompactionDebt uint64
	L0Tables       int64
	// Block cache lookups that found their block, and that read it.
	CacheHits, CacheMisses int64
	// File cache lookups that found the table or blob file open, and
	// that opened it (Options.MaxOpenFiles bounds the files kept open).
	FileCacheHits, FileCacheMisses int64
}

// Stats returns the store's statistics (zero values once closed).
func (s *Store) Stats() Stats {
	if s.db == nil {
		return Stats{}
	}
	m := s.db.Metrics()
	st := Stats{
		Flushes:         m.Flush.Count,
		Compactions:     m.Compact.Count,
		CompactionDebt:  m.Compact.EstimatedDebt,
		L0Tables:        m.Levels[0].TablesCount,
		CacheHits:       m.BlockCache.Hits,
		CacheMisses:     m.BlockCache.Misses,
		FileCacheHits:   m.FileCache.Hits,
		FileCacheMisses: m.FileCache.Misses,
	}
	for _, lv := range m.Levels {
		st.FlushedBytes += lv.TableBytesFlushed + lv.BlobBytesFlushed
		st.CompactedBytes += lv.TableBytesCompacted + lv.BlobBytesCompacted
	}
	return st
}

// quietLogger drops Pebble's informational messages and keeps its errors
// on stderr.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any) {}
func (quietLogger) Errorf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "store: "+format+"\n", args...)
}
func (quietLogger) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "store: fatal: "+format+"\n", args...)
	os.Exit(1)
}
