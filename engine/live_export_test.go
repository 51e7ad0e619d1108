package engine

import (
	"bytes"

	"github.com/reprint-news/reprint/store"
	"os"
	"path/filepath"
	"testing"
)

// TestExportSameState checks that the same articles, loaded in batches
// (as reprint index does) and posted one by one, export to byte-identical
// files, and that the export holds what the articles' answers hold.
func TestExportSameState(t *testing.T) {
	arts := readArticles(t, synthCorpus(t, 600, 9), seedsDir())
	stA, bulk := openLive(t, "")
	for lo := 0; lo < len(arts); lo += 100 {
		if _, err := bulk.IngestMany(arts[lo:min(lo+100, len(arts))]); err != nil {
			t.Fatal(err)
		}
	}
	stB, one := openLive(t, "")
	for _, a := range arts {
		if _, err := one.Ingest(a); err != nil {
			t.Fatal(err)
		}
	}
	da, db := t.TempDir(), t.TempDir()
	sa, err := Export(stA, da)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := Export(stB, db)
	if err != nil {
		t.Fatal(err)
	}
	if sa != sb || sa.Articles != len(arts) || sa.Pairs == 0 || sa.Groups == 0 || sa.Stories == 0 || sa.Relations == 0 {
		t.Fatalf("bulk %+v, one by one %+v (%d articles)", sa, sb, len(arts))
	}
	for _, f := range []string{"pairs.jsonl", "groups.jsonl", "stories.jsonl", "storylines.jsonl", "relations.jsonl"} {
		x, err := os.ReadFile(filepath.Join(da, f))
		if err != nil {
			t.Fatal(err)
		}
		y, _ := os.ReadFile(filepath.Join(db, f))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between the bulk load and the articles posted one by one", f)
		}
	}
	// The seeds' answers are in it.
	pairs, _ := os.ReadFile(filepath.Join(da, "pairs.jsonl"))
	if !bytes.Contains(pairs, []byte(`{"a":"002_324ffcc579898aeb","b":"004_82913c69984263d3","relation":"near_duplicate"`)) {
		t.Errorf("pairs.jsonl lacks 002/004")
	}
	rels, _ := os.ReadFile(filepath.Join(da, "relations.jsonl"))
	if !bytes.Contains(rels, []byte(`"a":"000_d3bb93bdf804906a","b":"001_8a0ba1f05f835118","relation":"rewrite"`)) {
		t.Errorf("relations.jsonl lacks the 000/001 rewrite")
	}
}

// TestRestartSameState checks that a restart halfway changes nothing: the
// articles written after it are compared with those before it as they
// would have been without it (an earlier article is prepared for text
// reuse with what it took from the corpus when it was written, kept in its
// record, not with the statistics after the restart).
func TestRestartSameState(t *testing.T) {
	arts := readArticles(t, synthCorpus(t, 300, 11), seedsDir())
	stA, straight := openLive(t, "")
	dir := t.TempDir()
	reopen := func() (*store.Store, *Live) {
		st, err := store.Open(dir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		l, err := OpenLive(st, DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		return st, l
	}
	stB, restarted := reopen()
	half := len(arts) / 2
	for i, a := range arts {
		if i == half {
			stB.Close()
			stB, restarted = reopen()
		}
		for _, l := range []*Live{straight, restarted} {
			if _, err := l.Ingest(a); err != nil {
				t.Fatal(err)
			}
		}
	}
	defer stB.Close()
	da, db := t.TempDir(), t.TempDir()
	if _, err := Export(stA, da); err != nil {
		t.Fatal(err)
	}
	if _, err := Export(stB, db); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"pairs.jsonl", "groups.jsonl", "stories.jsonl", "storylines.jsonl", "relations.jsonl"} {
		x, _ := os.ReadFile(filepath.Join(da, f))
		y, err := os.ReadFile(filepath.Join(db, f))
		if err != nil {
			t.Fatal(err)
		}
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs after a restart (%d and %d bytes)", f, len(x), len(y))
		}
	}
}
