package engine

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/internal/stateeq"
	"github.com/reprint-news/reprint/store"
)

// scratchFields names the fields of the engine's structures that are
// scratch space or caches rebuilt on demand: not state.
var scratchFields = []string{"hits", "touched", "tfs", "ln", "scratch", "uniq", "sts", "done", "block", "mu"}

// sameMemory checks that two engines on one store hold the same memory:
// indexes, statistics, clusterers, numbers, counters and id counts.
func sameMemory(t *testing.T, st store.KV, a, b *Live) {
	t.Helper()
	for _, c := range []struct {
		name string
		x, y any
	}{
		{"bucket index", a.bkt, b.bkt},
		{"search index", a.words, b.words},
		{"boilerplate statistics", a.bp, b.bp},
		{"document frequencies", a.df, b.df},
		{"stories", &a.stories, &b.stories},
		{"storylines", &a.lines, &b.lines},
	} {
		if d := stateeq.Diff(c.x, c.y, scratchFields...); d != "" {
			t.Errorf("%s differ: %s", c.name, d)
		}
	}
	if a.next != b.next || a.Len() != b.Len() || a.Counts() != b.Counts() {
		t.Errorf("counters: next %d and %d, %+v and %+v", a.next, b.next, a.Counts(), b.Counts())
	}
	ab, as := a.IndexBytes()
	bb, bs := b.IndexBytes()
	if ab != bb || as != bs {
		t.Errorf("index sizes %d/%d and %d/%d", ab, as, bb, bs)
	}
	// The id counts are keyed by seeded hashes: compared through the ids.
	// A windowed engine keeps none.
	if a.cfg.Window > 0 || b.cfg.Window > 0 {
		if len(a.ids)+len(b.ids) > 0 {
			t.Errorf("windowed engines with %d and %d id hashes", len(a.ids), len(b.ids))
		}
		return
	}
	if len(a.ids) != len(b.ids) {
		t.Errorf("%d and %d id hashes", len(a.ids), len(b.ids))
	}
	err := st.Scan([]byte(livePrefixArticle), store.PrefixEnd([]byte(livePrefixArticle)), func(k, _ []byte) error {
		id := string(k[len(livePrefixArticle):])
		if x, y := a.ids[a.idHash(id)], b.ids[b.idHash(id)]; x != y || x == 0 {
			t.Errorf("id %q counted %d and %d times", id, x, y)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRestartFromSnapshot is TestRestartSameState with a snapshot: the
// engine restarted halfway starts from a snapshot (written at the
// restart, or earlier with articles stored after it, which it replays),
// and the store ends as the one of the engine that never stopped. Right
// after the restart its memory is the one a full replay builds.
func TestRestartFromSnapshot(t *testing.T) {
	arts := readArticles(t, synthCorpus(t, 300, 11), seedsDir())
	half := len(arts) / 2
	for _, c := range []struct {
		name string
		at   int // the snapshot is written after this many articles
	}{
		{"at the restart", half},
		{"before the restart", half / 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			stA, straight := openLive(t, "")
			dir := t.TempDir()
			path := filepath.Join(dir, SnapshotFile)
			stB, err := store.Open(dir, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			restarted, err := OpenLiveWith(stB, DefaultConfig(), Options{Snapshot: path})
			if err != nil {
				t.Fatal(err)
			}
			if s := restarted.Started(); s.Snapshot != "" || !errors.Is(s.Ignored, fs.ErrNotExist) {
				t.Fatalf("started from a snapshot not written yet: %+v", s)
			}
			for i, a := range arts {
				if i == c.at {
					info, err := restarted.Snapshot(path)
					if err != nil {
						t.Fatal(err)
					}
					if info.Seq != uint64(i) || info.Articles != uint64(i) || info.Bytes == 0 {
						t.Fatalf("snapshot after %d articles: %+v", i, info)
					}
				}
				if i == half {
					stB.Close()
					if stB, err = store.Open(dir, store.Options{}); err != nil {
						t.Fatal(err)
					}
					if restarted, err = OpenLiveWith(stB, DefaultConfig(), Options{Snapshot: path}); err != nil {
						t.Fatal(err)
					}
					s := restarted.Started()
					if s.Snapshot != path || s.Ignored != nil || s.SnapshotSeq != uint64(c.at) || s.Replayed != half-c.at {
						t.Fatalf("start: %+v, want the snapshot at %d and %d articles replayed", s, c.at, half-c.at)
					}
					replayed, err := OpenLive(stB, DefaultConfig())
					if err != nil {
						t.Fatal(err)
					}
					sameMemory(t, stB, restarted, replayed)
				}
				for _, l := range []*Live{straight, restarted} {
					if _, err := l.Ingest(a); err != nil {
						t.Fatal(err)
					}
				}
			}
			defer stB.Close()
			sameExport(t, stA, stB, len(arts))
		})
	}
}

// TestSnapshotIgnored checks that a snapshot that cannot be the memory of
// the store — damaged, truncated, of other parameters, newer than the
// store, of another store, or older than a deletion — is ignored with a
// reason, and that the engine then holds what a full replay builds.
func TestSnapshotIgnored(t *testing.T) {
	arts := readArticles(t, synthCorpus(t, 120, 12), seedsDir())
	// build stores arts[:n] in a new store in dir with cfg and writes a
	// snapshot to path; the store stays open.
	build := func(dir string, cfg Config, arts []article.Article, path string) (*store.Store, *Live) {
		st, err := store.Open(dir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		l, err := OpenLive(st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.IngestMany(arts); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Snapshot(path); err != nil {
			t.Fatal(err)
		}
		return st, l
	}
	n := len(arts)
	for _, c := range []struct {
		name string
		// prepare returns the store to open and the snapshot to open it
		// with.
		prepare func(t *testing.T) (*store.Store, string)
		why     string
	}{
		{"damaged", func(t *testing.T) (*store.Store, string) {
			path := filepath.Join(t.TempDir(), "snap")
			st, _ := build(t.TempDir(), DefaultConfig(), arts, path)
			b, _ := os.ReadFile(path)
			b[len(b)/2] ^= 0x40
			os.WriteFile(path, b, 0o644)
			return st, path
		}, "checksum"},
		{"truncated", func(t *testing.T) (*store.Store, string) {
			path := filepath.Join(t.TempDir(), "snap")
			st, _ := build(t.TempDir(), DefaultConfig(), arts, path)
			b, _ := os.ReadFile(path)
			os.WriteFile(path, b[:len(b)*2/3], 0o644)
			return st, path
		}, "corrupt"},
		{"other parameters", func(t *testing.T) (*store.Store, string) {
			path := filepath.Join(t.TempDir(), "snap")
			cfg := DefaultConfig()
			cfg.Relations = !cfg.Relations
			build(t.TempDir(), cfg, arts, path)
			st, _ := build(t.TempDir(), DefaultConfig(), arts, filepath.Join(t.TempDir(), "other"))
			return st, path
		}, "other engine parameters"},
		{"newer than the store", func(t *testing.T) (*store.Store, string) {
			path := filepath.Join(t.TempDir(), "snap")
			build(t.TempDir(), DefaultConfig(), arts, path)
			st, _ := build(t.TempDir(), DefaultConfig(), arts[:n-10], filepath.Join(t.TempDir(), "other"))
			return st, path
		}, "newer than the store"},
		{"another store", func(t *testing.T) (*store.Store, string) {
			path := filepath.Join(t.TempDir(), "snap")
			m := n - 10
			build(t.TempDir(), DefaultConfig(), arts[:m], path)
			// The same articles but the snapshot's last one, and more:
			// counters beyond the snapshot's, another article at its
			// last sequence number.
			other := append(append(arts[:m-1:m-1], arts[n-1]), arts[m:n-1]...)
			st, _ := build(t.TempDir(), DefaultConfig(), other, filepath.Join(t.TempDir(), "other"))
			return st, path
		}, "another store"},
		{"deleted since", func(t *testing.T) (*store.Store, string) {
			path := filepath.Join(t.TempDir(), "snap")
			st, l := build(t.TempDir(), DefaultConfig(), arts, path)
			if err := l.Delete(arts[7].ID); err != nil {
				t.Fatal(err)
			}
			// The engine that deleted writes no snapshot, and removes the
			// one it wrote before.
			if _, err := l.Snapshot(path + "2"); !errors.Is(err, ErrSnapshotDiverged) {
				t.Fatalf("snapshot after a deletion: %v", err)
			}
			if _, err := os.Stat(path + "2"); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("a snapshot was written after a deletion: %v", err)
			}
			return st, path
		}, "deleted"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, path := c.prepare(t)
			l, err := OpenLiveWith(st, DefaultConfig(), Options{Snapshot: path})
			if err != nil {
				t.Fatal(err)
			}
			s := l.Started()
			if s.Snapshot != "" || s.Ignored == nil || !bytes.Contains([]byte(s.Ignored.Error()), []byte(c.why)) {
				t.Fatalf("start %+v (ignored: %v), want it ignored for %q", s, s.Ignored, c.why)
			}
			t.Logf("ignored: %v", s.Ignored)
			if s.Replayed != int(l.Len()) {
				t.Fatalf("%d articles replayed of %d", s.Replayed, l.Len())
			}
			replayed, err := OpenLive(st, DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			sameMemory(t, st, l, replayed)
			// After its full replay, an engine that deleted writes
			// snapshots again, and they are used.
			if _, err := l.Snapshot(path); err != nil {
				t.Fatal(err)
			}
			again, err := OpenLiveWith(st, DefaultConfig(), Options{Snapshot: path})
			if err != nil {
				t.Fatal(err)
			}
			if s := again.Started(); s.Snapshot != path || s.Replayed != 0 {
				t.Fatalf("a fresh snapshot was not used: %+v (%v)", s, s.Ignored)
			}
			sameMemory(t, st, again, replayed)
		})
	}
}

// TestSnapshotEmpty starts from the snapshot of an empty store, then
// takes articles as an engine that never stopped would.
func TestSnapshotEmpty(t *testing.T) {
	arts := readArticles(t, seedsDir())
	dir := t.TempDir()
	path := filepath.Join(dir, SnapshotFile)
	st, l := openLive(t, dir)
	if _, err := l.Snapshot(path); err != nil {
		t.Fatal(err)
	}
	l, err := OpenLiveWith(st, DefaultConfig(), Options{Snapshot: path})
	if err != nil {
		t.Fatal(err)
	}
	if s := l.Started(); s.Snapshot != path || s.Replayed != 0 || l.Len() != 0 {
		t.Fatalf("start %+v (%v), %d articles", s, s.Ignored, l.Len())
	}
	stB, straight := openLive(t, "")
	for _, a := range arts {
		for _, e := range []*Live{l, straight} {
			if _, err := e.Ingest(a); err != nil {
				t.Fatal(err)
			}
		}
	}
	sameMemory(t, st, l, straight)
	sameExport(t, st, stB, len(arts))
}
