package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/internal/testdata"
)

// seed returns the path of seed article n ("000" … "004").
func seed(t *testing.T, n string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(seedsDir, n+"_*.txt"))
	if len(m) != 1 {
		t.Fatalf("seed %s: %v", n, m)
	}
	return m[0]
}

// rowsMarked counts the rows of a side-by-side view whose marker column
// (after the left column of col runes) is mark.
func rowsMarked(view string, col int, mark rune) int {
	n := 0
	for _, ln := range strings.Split(view, "\n") {
		if r := []rune(ln); len(r) > col+1 && r[col+1] == mark && r[col] == ' ' {
			n++
		}
	}
	return n
}

// TestCompareView: the seeds through `reprint compare` as a user runs it:
// 001 a rewrite of 000 shown sentence against sentence, 002/004 a near
// duplicate shown as what differs, and --full, --json and the corpus form.
func TestCompareView(t *testing.T) {
	code, out, errOut := runCLI(t, "compare", "--color", "never", "--width", "120", seed(t, "000"), seed(t, "001"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	col := (120 - 3) / 2
	if !strings.Contains(out, "relation: rewrite") || !strings.Contains(out, "published 2023-02-24") {
		t.Fatalf("000/001 header:\n%s", out[:min(len(out), 600)])
	}
	if n := rowsMarked(out, col, '~'); n < 8 {
		t.Errorf("000/001: %d paraphrase rows, want at least 8:\n%s", n, out)
	}
	if !strings.Contains(out, "[[") {
		t.Error("000/001: no verbatim passage marked")
	}

	near := []string{"compare", "--color", "never", "--width", "120", seed(t, "002"), seed(t, "004")}
	code, folded, _ := runCLI(t, near...)
	if code != exitOK || !strings.Contains(folded, "relation: near_duplicate") {
		t.Fatalf("002/004: exit %d\n%s", code, folded)
	}
	if !strings.Contains(folded, "identical sentences ···") {
		t.Errorf("002/004: the identical sentences are not folded:\n%s", folded)
	}
	// What differs stays: 004's headline and the two captures' footers.
	for _, s := range []string{"Iran disavows supply of drone", "Creative Commons", "Leave a Comment"} {
		if !strings.Contains(folded, s) {
			t.Errorf("002/004: %q missing from the diff", s)
		}
	}
	code, full, _ := runCLI(t, append(near, "--full")...)
	if code != exitOK || strings.Contains(full, "identical sentences") || rowsMarked(full, col, '=') <= rowsMarked(folded, col, '=') {
		t.Errorf("002/004 --full: exit %d, %d verbatim rows against %d folded", code, rowsMarked(full, col, '='), rowsMarked(folded, col, '='))
	}

	code, js, _ := runCLI(t, "compare", "--json", seed(t, "002"), seed(t, "004"))
	var ans engine.ReuseAnswer
	if err := json.Unmarshal([]byte(js), &ans); code != exitOK || err != nil {
		t.Fatalf("--json: exit %d, %v", code, err)
	}
	a, _ := os.ReadFile(seed(t, "002"))
	b, _ := os.ReadFile(seed(t, "004"))
	if ans.Relation != "near_duplicate" || ans.Similarity < 0.9 || len(ans.Sentences) == 0 {
		t.Fatalf("--json: %s similarity %v, %d sentence pairs", ans.Relation, ans.Similarity, len(ans.Sentences))
	}
	for _, p := range ans.Sentences {
		if p.AEnd > len(a) || p.BEnd > len(b) || p.AStart >= p.AEnd || p.BStart >= p.BEnd {
			t.Fatalf("--json: sentence pair %+v outside the texts (%d, %d bytes)", p, len(a), len(b))
		}
	}

	// Ids of a corpus: 003 is another story of the storyline.
	code, out, _ = runCLI(t, "compare", "--color", "never", "003_e6b4cedbc97f4e06", "000_d3bb93bdf804906a", seedsDir)
	if code != exitOK || !strings.Contains(out, "relation: none") {
		t.Errorf("003/000 in the corpus: exit %d\n%s", code, out[:min(len(out), 400)])
	}
}

// TestCompareLong: a digest of more than 400 sentences that reprints 000
// at its end is aligned on that end, and the view and --json say so.
func TestCompareLong(t *testing.T) {
	story, err := os.ReadFile(seed(t, "000"))
	if err != nil {
		t.Fatal(err)
	}
	filler := testdata.Filler(450)
	lead, digest := len(filler), filler+string(story)
	path := filepath.Join(t.TempDir(), "digest.txt")
	if err := os.WriteFile(path, []byte(digest), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "compare", "--color", "never", path, seed(t, "000"))
	if code != exitOK || !strings.Contains(out, "relation: contains") || !strings.Contains(out, "the 400 that share the most with the other were aligned (a bytes") {
		t.Fatalf("exit %d %s\n%s", code, errOut, out[:min(len(out), 800)])
	}
	code, js, _ := runCLI(t, "compare", "--json", path, seed(t, "000"))
	var ans engine.ReuseAnswer
	if err := json.Unmarshal([]byte(js), &ans); code != exitOK || err != nil {
		t.Fatalf("--json: exit %d, %v", code, err)
	}
	if !ans.Truncated || ans.AlignedA == nil || ans.AlignedB != nil || ans.AlignedA[1] != len(digest) || ans.AlignedA[0] >= lead {
		t.Fatalf("--json: truncated %v, aligned %v %v (story from byte %d of %d)", ans.Truncated, ans.AlignedA, ans.AlignedB, lead, len(digest))
	}
	if ans.CoverageB < 0.95 {
		t.Errorf("000 in the digest: coverage %.3f", ans.CoverageB)
	}
}

// TestComparePairsLines: --pairs answers every line in input order; a
// malformed line, one without an id and an unknown id each get an error
// line with their position, counted on stderr.
func TestComparePairsLines(t *testing.T) {
	pairs := filepath.Join(t.TempDir(), "pairs.jsonl")
	lines := strings.Join([]string{
		`{"a":"000_d3bb93bdf804906a","b":"001_8a0ba1f05f835118"}`,
		`{"a":"002_324ffcc579898aeb"`,
		`{"a":"002_324ffcc579898aeb"}`,
		``,
		`{"a":"002_324ffcc579898aeb","b":"nope"}`,
		`{"a":"004_82913c69984263d3","b":"002_324ffcc579898aeb"}`,
	}, "\n")
	if err := os.WriteFile(pairs, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "compare", "--pairs", pairs, seedsDir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := strings.Split(strings.TrimSpace(out), "\n")
	if len(got) != 5 {
		t.Fatalf("%d answer lines, want 5:\n%s", len(got), out)
	}
	type answer struct {
		Line     int    `json:"line"`
		Relation string `json:"relation"`
		Error    string `json:"error"`
	}
	want := []answer{{Relation: "rewrite"}, {Line: 2, Error: "malformed_json"}, {Line: 3, Error: "missing_id"}, {Line: 5, Error: "nope"}, {Relation: "near_duplicate"}}
	for k, ln := range got {
		var a answer
		if err := json.Unmarshal([]byte(ln), &a); err != nil {
			t.Fatalf("line %d: %v", k+1, err)
		}
		w := want[k]
		if a.Line != w.Line || a.Relation != w.Relation || !strings.Contains(a.Error, w.Error) || (w.Error == "") != (a.Error == "") {
			t.Errorf("answer %d: %+v, want %+v", k+1, a, w)
		}
	}
	if !strings.Contains(errOut, "5 pairs, 2 answered, 3 not") {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestCompareUsage(t *testing.T) {
	for _, args := range [][]string{
		{"compare", seedsDir},
		{"compare", "--color", "pink", seedsDir + "/x", seedsDir + "/y"},
		{"compare", "--pairs", filepath.Join(t.TempDir(), "missing.jsonl"), seedsDir},
		{"compare", "000_d3bb93bdf804906a", "not-an-id", seedsDir},
	} {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
