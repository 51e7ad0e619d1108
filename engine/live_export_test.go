package engine

import (
	"bytes"
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
