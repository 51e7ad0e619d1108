package engine

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/reprint-news/reprint/store"
)

// TestLiveWindow runs a generated corpus through an engine that keeps
// everything and through one with a window of 1,000 articles (so that
// the LSH buckets free their first page and the search index drops its
// first generation):
// every article's near-duplicate relations in the windowed engine are the
// other's within its window, and some beyond it are left out; search
// finds the window's articles only; deleting articles inside and outside
// the window works; and the windowed engine restarted from a snapshot
// and by a full replay holds the memory of the one that never stopped.
func TestLiveWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 articles")
	}
	const window = 1000
	arts := readArticles(t, synthCorpus(t, 10000, 23))
	_, all := openLive(t, "")
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Window = window
	win, err := OpenLive(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*Live{all, win} {
		for lo := 0; lo < len(arts); lo += 500 {
			res, err := l.IngestMany(arts[lo:min(lo+500, len(arts))])
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				if r.Err != nil {
					t.Fatal(r.Err)
				}
			}
		}
	}
	recOf := map[string]*LiveArticle{} // as the engine keeping everything stored them
	for _, a := range arts {
		r, err := all.Article(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		recOf[a.ID] = r
	}
	beyond, within := 0, 0
	for _, a := range arts {
		ra := recOf[a.ID]
		rw, err := win.Article(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rw.Seq != ra.Seq {
			t.Fatalf("%s: numbered %d and %d", a.ID, rw.Seq, ra.Seq)
		}
		want := slices.DeleteFunc(slices.Clone(ra.Relations), func(r LiveRelation) bool {
			if recOf[r.ID].Seq+window < ra.Seq {
				beyond++
				return true
			}
			return false
		})
		within += len(want)
		if !slices.Equal(rw.Relations, want) {
			t.Fatalf("%s (#%d): relations %+v in the window, want %+v", a.ID, ra.Seq, rw.Relations, want)
		}
	}
	if beyond == 0 || within == 0 {
		t.Fatalf("%d relations within the window, %d beyond: the corpus does not test the window", within, beyond)
	}
	if win.bkt.Floor() == 0 || win.bkt.Len() >= all.bkt.Len() || win.words.Len() >= all.words.Len() {
		t.Fatalf("nothing left memory: buckets floor %d, %d of %d articles; search %d of %d postings",
			win.bkt.Floor(), win.bkt.Len(), all.bkt.Len(), win.words.Len(), all.words.Len())
	}
	t.Logf("relations: %d within the window, %d beyond; buckets hold %d of %d articles (%d of %d bytes), search %d of %d postings",
		within, beyond, win.bkt.Len(), all.bkt.Len(), win.bkt.Bytes(), all.bkt.Bytes(), win.words.Len(), all.words.Len())

	from := win.windowFrom(win.next)
	for _, q := range []string{"minister", "police said", "government"} {
		hw, err := win.Search(q, 1000)
		if err != nil {
			t.Fatal(err)
		}
		ha, err := all.Search(q, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var want []uint64
		for _, h := range ha {
			if h.Article.Seq >= from {
				want = append(want, h.Article.Seq)
			}
		}
		var got []uint64
		for _, h := range hw {
			got = append(got, h.Article.Seq)
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Fatalf("search %q: %d hits in the window, want %d", q, len(got), len(want))
		}
	}

	// An id stored long before the window is known without an id table:
	// the same article again is the stored one, another text a conflict.
	again, err := win.Ingest(arts[5])
	if err != nil || again.New || again.ID != arts[5].ID {
		t.Fatalf("an article of the store posted again: %+v, %v", again, err)
	}
	other := arts[5]
	other.Text += " And one more sentence."
	if _, err := win.Ingest(other); err != ErrConflict {
		t.Fatalf("another text under a stored id: %v, want ErrConflict", err)
	}

	// Deletions: one article long out of the window, one inside it.
	n := win.Len()
	for _, i := range []int{10, len(arts) - 100} {
		if err := win.Delete(arts[i].ID); err != nil {
			t.Fatalf("deleting #%d: %v", i, err)
		}
	}
	if err := win.Delete(arts[10].ID); err == nil {
		t.Fatal("deleted twice")
	}
	if win.Len() != n-2 {
		t.Fatalf("%d articles after deleting two of %d", win.Len(), n)
	}

	// Restarts: from a snapshot, and by replaying the store. Deleting
	// left the memory behind the store (by design), so first a fresh
	// start writes the snapshot.
	st.Close()
	if st, err = store.Open(dir, store.Options{}); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	path := filepath.Join(dir, SnapshotFile)
	straight, err := OpenLiveWith(st, DefaultConfig(), Options{Snapshot: path})
	if err != nil {
		t.Fatal(err)
	}
	if straight.Config().Window != window {
		t.Fatalf("the store's window is %d, want %d", straight.Config().Window, window)
	}
	if _, err := straight.Snapshot(path); err != nil {
		t.Fatal(err)
	}
	restarted, err := OpenLiveWith(st, DefaultConfig(), Options{Snapshot: path})
	if err != nil {
		t.Fatal(err)
	}
	if s := restarted.Started(); s.Snapshot != path {
		t.Fatalf("not started from the snapshot: %+v", s)
	}
	sameMemory(t, st, straight, restarted)
	replayed, err := OpenLive(st, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	sameMemory(t, st, straight, replayed)
}
