package store

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

func mustOpen(t *testing.T, dir string, o Options) *Store {
	t.Helper()
	s, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func set(t *testing.T, s *Store, kv ...string) {
	t.Helper()
	b := s.NewBatch()
	for i := 0; i < len(kv); i += 2 {
		b.Set([]byte(kv[i]), []byte(kv[i+1]))
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, s *Store, key string) string {
	t.Helper()
	v, err := s.Get([]byte(key))
	if errors.Is(err, ErrNotFound) {
		return "<none>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(v)
}

func TestReopenKeepsWrites(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // created by Open
	s := mustOpen(t, dir, Options{})
	set(t, s, "a/1", "one", "a/2", "two")
	b := s.NewBatch()
	b.Delete([]byte("a/1"))
	b.Set([]byte("a/3"), []byte("three"))
	if b.Len() != 2 {
		t.Fatalf("batch len %d", b.Len())
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	s = mustOpen(t, dir, Options{})
	defer s.Close()
	for key, want := range map[string]string{"a/1": "<none>", "a/2": "two", "a/3": "three"} {
		if got := get(t, s, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if n, err := s.Size(); err != nil || n == 0 {
		t.Errorf("Size = %d, %v", n, err)
	}
}

func TestScanInKeyOrderWithinBounds(t *testing.T) {
	s, err := OpenMemory(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	set(t, s, "b/2", "x", "a/9", "x", "b/1", "x", "b\xff", "x", "b/10", "x", "c/1", "x")
	var keys []string
	if err := s.Scan([]byte("b/"), PrefixEnd([]byte("b/")), func(k, _ []byte) error {
		keys = append(keys, string(k))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(keys, " "), "b/1 b/10 b/2"; got != want {
		t.Fatalf("scan b/: %s, want %s", got, want)
	}
	keys = keys[:0]
	s.ScanReverse([]byte("b/"), PrefixEnd([]byte("b/")), func(k, _ []byte) error {
		keys = append(keys, string(k))
		return nil
	})
	if got, want := strings.Join(keys, " "), "b/2 b/10 b/1"; got != want {
		t.Fatalf("reverse scan b/: %s, want %s", got, want)
	}
	stop := errors.New("stop")
	n := 0
	err = s.Scan(nil, nil, func(k, _ []byte) error {
		if n++; n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Fatalf("stopped scan: n=%d err=%v", n, err)
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a", "b"}, {"a/", "a0"}, {"a\xff", "b"}, {"\xff\xff", ""}, {"", ""},
	} {
		got := PrefixEnd([]byte(c.in))
		if string(got) != c.want || (c.want == "" && got != nil) {
			t.Errorf("PrefixEnd(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestOtherFormatRefused(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{})
	set(t, s, string(FormatKey), "reprint-store/0")
	s.Close()
	_, err := Open(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), `holds format "reprint-store/0"`) {
		t.Fatalf("Open of another format: %v", err)
	}
}

func TestReadOnlyServesReadsRefusesWrites(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{})
	set(t, s, "k", "v")
	s.Close()
	s = mustOpen(t, dir, Options{ReadOnly: true})
	defer s.Close()
	if ro, _ := s.ReadOnly(); !ro {
		t.Fatal("not read-only")
	}
	if got := get(t, s, "k"); got != "v" {
		t.Fatalf("k = %q", got)
	}
	b := s.NewBatch()
	b.Set([]byte("k2"), []byte("v2"))
	if err := b.Commit(); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Commit on a read-only store: %v", err)
	}
	if got := get(t, s, "k2"); got != "<none>" {
		t.Fatalf("refused write is visible: %q", got)
	}
	// A read-only open of a directory that holds no store is an error,
	// not an empty store.
	if _, err := Open(t.TempDir(), Options{ReadOnly: true}); err == nil {
		t.Fatal("read-only open of an empty directory succeeded")
	}
}

func TestOpenOnAFileFails(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(f, Options{}); err == nil {
		t.Fatal("Open on a regular file succeeded")
	}
}

func TestConcurrentBatches(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				b := s.NewBatch()
				b.Set(fmt.Appendf(nil, "w%d/%03d", w, i), []byte("x"))
				b.Set(fmt.Appendf(nil, "n/%d/%03d", w, i), []byte("y"))
				if err := b.Commit(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	n := 0
	s.Scan([]byte("n/"), PrefixEnd([]byte("n/")), func(_, _ []byte) error { n++; return nil })
	if n != 200 {
		t.Fatalf("%d keys after concurrent batches, want 200", n)
	}
}

// TestAcknowledgedWritesSurviveKill runs a child process that commits
// batches and acknowledges each on stdout, kills it with SIGKILL in the
// middle of the stream, reopens the store and finds every acknowledged
// batch whole.
func TestAcknowledgedWritesSurviveKill(t *testing.T) {
	if dir := os.Getenv("REPRINT_STORE_KILL_CHILD"); dir != "" {
		killChild(dir, os.Getenv("REPRINT_STORE_KILL_PRIME") != "")
		return
	}
	// Primed, the log the child writes is a reused file whose blocks
	// still hold the filler PrimeLog wrote: replay must stop at the last
	// acknowledged batch, not read the filler as records.
	for _, primed := range []bool{false, true} {
		t.Run(fmt.Sprintf("primed=%v", primed), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestAcknowledgedWritesSurviveKill$")
			cmd.Env = append(os.Environ(), "REPRINT_STORE_KILL_CHILD="+dir)
			if primed {
				cmd.Env = append(cmd.Env, "REPRINT_STORE_KILL_PRIME=1")
			}
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			acked := -1
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if n, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
					acked, _ = strconv.Atoi(n)
					if acked == 300 {
						cmd.Process.Signal(syscall.SIGKILL)
						break
					}
				}
			}
			cmd.Wait()
			if acked < 300 {
				t.Fatalf("child acknowledged only %d batches", acked)
			}
			s := mustOpen(t, dir, Options{})
			defer s.Close()
			for i := 0; i <= acked; i++ {
				for _, k := range []string{"a/", "b/"} {
					if got := get(t, s, fmt.Sprintf("%s%06d", k, i)); got != strconv.Itoa(i) {
						t.Fatalf("acknowledged batch %d: %s = %q after kill -9", i, k, got)
					}
				}
			}
		})
	}
}

// killChild writes batches forever (after priming the log when primed);
// the parent kills it.
func killChild(dir string, primed bool) {
	s, err := Open(dir, Options{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	if primed {
		if err := s.PrimeLog(); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		b := s.NewBatch()
		v := []byte(strconv.Itoa(i))
		b.Set(fmt.Appendf(nil, "a/%06d", i), v)
		b.Set(fmt.Appendf(nil, "b/%06d", i), v)
		if err := b.Commit(); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Fprintf(w, "ack %d\n", i)
		w.Flush()
	}
}

// currentLogSize returns the size of the write-ahead log a store in dir
// writes now: the highest-numbered one.
func currentLogSize(t *testing.T, dir string) int64 {
	t.Helper()
	logs, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil || len(logs) == 0 {
		t.Fatalf("no write-ahead log in %s (%v)", dir, err)
	}
	slices.Sort(logs) // fixed-width numbers
	info, err := os.Stat(logs[len(logs)-1])
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

// TestPrimeLog checks that after PrimeLog the store writes into a reused
// log file already as long as a memtable (so a sync overwrites written
// blocks), that writes around it read back after a reopen, that it
// leaves stores in memory and read-only ones alone, and that it is
// refused short of disk space.
func TestPrimeLog(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{})
	set(t, s, "before", "1")
	if n := currentLogSize(t, dir); n >= primeChunk {
		t.Fatalf("a new store's log is %d bytes before priming", n)
	}
	if err := s.PrimeLog(); err != nil {
		t.Fatal(err)
	}
	if n := currentLogSize(t, dir); n < memTableBytes {
		t.Fatalf("after PrimeLog the current log is %d bytes, want a reused one of at least %d", n, memTableBytes)
	}
	set(t, s, "after", "2")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, dir, Options{})
	for k, want := range map[string]string{"before": "1", "after": "2"} {
		if got := get(t, s, k); got != want {
			t.Errorf("%s = %q after priming and a reopen, want %q", k, got, want)
		}
	}
	s.Close()

	m, err := OpenMemory(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.PrimeLog(); err != nil {
		t.Errorf("PrimeLog in memory: %v", err)
	}
	ro := mustOpen(t, dir, Options{ReadOnly: true})
	if err := ro.PrimeLog(); err != nil {
		t.Errorf("PrimeLog on a read-only store: %v", err)
	}
	ro.Close()
	full := mustOpen(t, dir, Options{MinFreeBytes: 1 << 60})
	defer full.Close()
	if err := full.PrimeLog(); !errors.Is(err, ErrDiskFull) {
		t.Errorf("PrimeLog short of disk space: %v, want ErrDiskFull", err)
	}
}

// TestValueSeparation checks that large values (article records) are kept
// in blob files once flushed, small ones in the tables, and that both read
// back after a reopen.
func TestValueSeparation(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{})
	big := strings.Repeat("A paragraph of an article, long enough to be separated. ", 40)
	for i := range 50 {
		set(t, s, fmt.Sprintf("q/%03d", i), fmt.Sprintf("%s%d", big, i), fmt.Sprintf("s/%03d", i), "small")
	}
	if err := s.db.Flush(); err != nil {
		t.Fatal(err)
	}
	m := s.db.Metrics()
	if m.BlobFiles.LiveCount == 0 || m.BlobFiles.ValueSize < 50*uint64(len(big)) {
		t.Fatalf("blob files: %d holding %d bytes of values; want the 50 large values (%d bytes each)",
			m.BlobFiles.LiveCount, m.BlobFiles.ValueSize, len(big))
	}
	if m.BlobFiles.ValueSize > 51*uint64(len(big)+3) {
		t.Fatalf("blob files hold %d bytes of values: more than the large values", m.BlobFiles.ValueSize)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, dir, Options{})
	defer s.Close()
	if got, want := get(t, s, "q/007"), big+"7"; got != want {
		t.Fatalf("q/007: %d bytes, want %d", len(got), len(want))
	}
	if got := get(t, s, "s/007"); got != "small" {
		t.Fatalf("s/007 = %q", got)
	}
}

// TestStats checks that the statistics follow the store's work: a flush
// and the bytes it wrote, and block reads through the cache.
func TestStats(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	if st := s.Stats(); st.Flushes != 0 || st.FlushedBytes != 0 {
		t.Fatalf("a new store: %+v", st)
	}
	big := strings.Repeat("A paragraph of an article, long enough to be separated. ", 40)
	for i := range 50 {
		set(t, s, fmt.Sprintf("q/%03d", i), big, fmt.Sprintf("s/%03d", i), "small")
	}
	if err := s.db.Flush(); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.Flushes != 1 || st.FlushedBytes == 0 || st.L0Tables != 1 {
		t.Fatalf("after one flush: %+v", st)
	}
	for range 2 {
		get(t, s, "q/007")
		get(t, s, "s/007")
	}
	after := s.Stats()
	if after.CacheMisses == 0 || after.CacheHits <= st.CacheHits {
		t.Fatalf("reading twice: %d cache hits (%d before), %d misses", after.CacheHits, st.CacheHits, after.CacheMisses)
	}
	s.Close()
	if got := s.Stats(); got != (Stats{}) {
		t.Fatalf("closed: %+v", got)
	}
}

// TestMaxOpenFiles checks that a store keeps the files it reads open, up
// to Options.MaxOpenFiles: read twice, a store with room for its files
// opens each once; one with too little room opens them again.
func TestMaxOpenFiles(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{})
	big := strings.Repeat("A paragraph of an article, long enough to be separated. ", 40)
	const files = 80 // flushes, each writing a blob file
	for i := range files {
		set(t, s, fmt.Sprintf("q/%03d", i), big)
		if err := s.db.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	readAll := func(s *Store) {
		for i := range files {
			get(t, s, fmt.Sprintf("q/%03d", i))
		}
	}
	for _, c := range []struct {
		max      int
		reopened bool
	}{{0, false}, {40, true}} { // 40: below Pebble's least, a file cache of 64
		s := mustOpen(t, dir, Options{MaxOpenFiles: c.max})
		readAll(s)
		first := s.Stats()
		readAll(s)
		second := s.Stats()
		s.Close()
		if first.FileCacheMisses < files {
			t.Fatalf("MaxOpenFiles %d: %d files opened reading %d blob files", c.max, first.FileCacheMisses, files)
		}
		if again := second.FileCacheMisses - first.FileCacheMisses; (again > 0) != c.reopened {
			t.Errorf("MaxOpenFiles %d: %d files opened again reading the same %d values a second time", c.max, again, files)
		}
	}
}

// TestDefaultMaxOpenFiles checks that the default follows the process's
// limit on open files, within its bounds.
func TestDefaultMaxOpenFiles(t *testing.T) {
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Skip(err)
	}
	defer syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
	for _, c := range []struct{ limit, want uint64 }{{1200, 1000}, {4000, 2000}, {100000, 16384}} {
		if c.limit > old.Max {
			continue
		}
		lim := syscall.Rlimit{Cur: c.limit, Max: old.Max}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			t.Fatal(err)
		}
		if got := defaultMaxOpenFiles(); uint64(got) != c.want {
			t.Errorf("open-file limit %d: defaultMaxOpenFiles() = %d, want %d", c.limit, got, c.want)
		}
	}
}

// TestDiscardAfterCommit checks that discarding a committed batch (the
// engine defers Discard on every batch) leaves alone the pooled batch its
// commit released, which another writer may hold by then.
func TestDiscardAfterCommit(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	for i := range 100 {
		b := s.NewBatch()
		b.Set(fmt.Appendf(nil, "a/%03d", i), []byte("1"))
		if err := b.CommitNoSync(); err != nil {
			t.Fatal(err)
		}
		next := s.NewBatch() // often the same pooled batch
		b.Discard()
		next.Set(fmt.Appendf(nil, "b/%03d", i), []byte("2"))
		if err := next.Commit(); err != nil {
			t.Fatalf("a batch taken after another's commit, then that one discarded: %v", err)
		}
		next.Discard()
	}
	if got := get(t, s, "b/099"); got != "2" {
		t.Fatalf("b/099 = %q", got)
	}
}
