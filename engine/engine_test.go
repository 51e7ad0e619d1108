package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/index"
	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/synth"
)

func seedsDir() string   { return filepath.Join(testdata.Repo(), "testdata", "seeds") }
func pressTVDir() string { return filepath.Join(testdata.Repo(), "testdata", "presstv") }
func dedup(t *testing.T, cfg Config, paths ...string) *Result {
	t.Helper()
	cfg.TempDir = t.TempDir()
	res, err := Dedup(context.Background(), paths, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestSeeds(t *testing.T) {
	res := dedup(t, DefaultConfig(), seedsDir())
	if res.Stats.Articles != 5 {
		t.Fatalf("analyzed %d articles, want 5", res.Stats.Articles)
	}
	if len(res.Groups) != 1 {
		t.Fatalf("groups = %+v, want exactly one", res.Groups)
	}
	g := res.Groups[0]
	if want := []string{"002_324ffcc579898aeb", "004_82913c69984263d3"}; !slices.Equal(g.Members, want) {
		t.Fatalf("group members %v, want %v", g.Members, want)
	}
	if len(res.Pairs) != 1 || res.Pairs[0].Relation != "near_duplicate" {
		t.Fatalf("pairs = %+v, want one near_duplicate pair", res.Pairs)
	}
	if len(res.Keep) != 4 {
		t.Fatalf("keep = %v, want 4 articles", res.Keep)
	}
}

func TestBoilerplateLearnedFromOutlet(t *testing.T) {
	// Seeds alone: too few Press TV articles to call anything boilerplate.
	if res := dedup(t, DefaultConfig(), seedsDir()); len(res.Boilerplate) != 0 {
		t.Fatalf("seeds alone: boilerplate %+v, want none", res.Boilerplate)
	}
	res := dedup(t, DefaultConfig(), seedsDir(), pressTVDir())
	var lines []string
	for _, b := range res.Boilerplate {
		lines = append(lines, b.Text)
	}
	for _, want := range []string{"SHARE THIS ARTICLE", "Press TV News Roku", "www.presstv.co.uk",
		"Press TV’s website can also be accessed at the following alternate addresses:"} {
		if !slices.Contains(lines, want) {
			t.Errorf("boilerplate %q not detected; found %q", want, lines)
		}
	}
	// The duplicate answer does not change, and the Press TV articles,
	// which share only their furniture, are not related.
	if len(res.Groups) != 1 || len(res.Pairs) != 1 {
		t.Fatalf("groups %+v pairs %+v, want the single {002, 004} pair", res.Groups, res.Pairs)
	}
}

// writeJSONL writes articles as a JSONL file and returns its path.
func writeJSONL(t *testing.T, arts []article.Article) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.jsonl")
	var b strings.Builder
	for _, a := range arts {
		j, _ := json.Marshal(map[string]string{"id": a.ID, "source": a.Source, "text": a.Text})
		b.Write(j)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSyndicatedCopiesAreNotBoilerplate(t *testing.T) {
	data := testdata.Require(t)
	pool, err := synth.LoadPool(data)
	if err != nil {
		t.Fatal(err)
	}
	var originals []article.Article
	synth.Generate(pool, synth.Config{Articles: 40, Seed: 7, DupFraction: 0.0001}, func(a article.Article) error {
		originals = append(originals, a)
		return nil
	}, nil)
	// One wire story reprinted by 30 outlets, each with its own footer,
	// plus 39 unrelated articles.
	var arts []article.Article
	wire := originals[0].Text
	for i := 0; i < 30; i++ {
		arts = append(arts, article.Article{ID: fmt.Sprintf("wire-%02d", i), Text: wire + fmt.Sprintf("\n\nRead more at outlet number %d today", i)})
	}
	for _, a := range originals[1:] {
		a.ID = "other-" + a.ID
		arts = append(arts, a)
	}
	res := dedup(t, DefaultConfig(), writeJSONL(t, arts))
	for _, b := range res.Boilerplate {
		if strings.Contains(wire, b.Text) && len(b.Text) > 40 {
			t.Errorf("wire-story line taken for boilerplate: %q", b.Text)
		}
	}
	found := false
	for _, g := range res.Groups {
		if len(g.Members) == 30 && strings.HasPrefix(g.Members[0], "wire-") {
			found = true
		}
	}
	if !found {
		t.Fatalf("the 30 wire copies are not one group: %+v", res.Groups)
	}
}

func TestBadInputAccounting(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("The minister said the talks would continue next week in Geneva. ", 20)
	lines := []string{
		`{"id":"a","text":` + jsonString(long) + `}`,
		`{"id":"b","text":` + jsonString(long) + `}`,
		`{"id":"a","text":"a duplicate id with some other text in it that is long enough to count"}`,
		`{"id":"tiny","text":"too short"}`,
		`{"id":"broken", "text": `,
		`{"id":"notext"}`,
		"{\"id\":\"utf\",\"text\":\"invalid \xff\xfe bytes " + strings.Repeat("word ", 20) + "\"}",
	}
	if err := os.WriteFile(filepath.Join(dir, "in.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := dedup(t, DefaultConfig(), dir)
	st := res.Stats
	var skipped int64
	for _, n := range st.Skipped {
		skipped += n
	}
	if st.Records != 7 {
		t.Errorf("records = %d, want 7", st.Records)
	}
	if int64(st.Articles)+skipped != st.Records {
		t.Errorf("accounting: %d analyzed + %d skipped != %d records (%v)", st.Articles, skipped, st.Records, st.Skipped)
	}
	for _, reason := range []string{"duplicate_id", "too_short", "malformed_json", "missing_text"} {
		if st.Skipped[reason] != 1 {
			t.Errorf("skipped[%s] = %d, want 1 (all: %v)", reason, st.Skipped[reason], st.Skipped)
		}
	}
	if st.Altered["invalid_utf8_repaired"] != 1 {
		t.Errorf("altered = %v, want invalid_utf8_repaired 1", st.Altered)
	}
	for _, is := range res.Issues {
		if is.Pos.File == "" || (is.Reason != "duplicate_id" && is.Pos.Line == 0) {
			t.Errorf("issue without position: %+v", is)
		}
	}
	if len(res.Pairs) != 1 || res.Pairs[0].Relation != "exact" {
		t.Errorf("pairs %+v, want a/b exact", res.Pairs)
	}
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

// synthCorpus writes a generated corpus of n articles and returns its dir.
func synthCorpus(t testing.TB, n int, seed uint64) string {
	t.Helper()
	data := testdata.Require(t)
	pool, err := synth.LoadPool(data)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, _, err := synth.WriteJSONL(dir, pool, synth.Config{Articles: n, Seed: seed}, 5000); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestDeterminismAcrossWorkers: the same result with 1, 2 and 4 workers,
// and with a verification set cache so small that it starts again before
// almost every pair (the last run).
func TestDeterminismAcrossWorkers(t *testing.T) {
	dir := synthCorpus(t, 4000, 11)
	var first *Result
	for k, w := range []int{1, 2, 4, 2} {
		cfg := DefaultConfig()
		cfg.Workers = w
		if k == 3 {
			defer func(m int) { setCacheMax = m }(setCacheMax)
			setCacheMax = 1
		}
		res := dedup(t, cfg, dir)
		res.Stats.Elapsed, res.Stats.Stages = 0, nil
		res.Config.Workers = 0
		if first == nil {
			first = res
			if len(res.Pairs) == 0 || len(res.Groups) == 0 {
				t.Fatal("corpus produced no pairs: the test would prove nothing")
			}
			continue
		}
		if !reflect.DeepEqual(first.Pairs, res.Pairs) || !reflect.DeepEqual(first.Groups, res.Groups) ||
			!reflect.DeepEqual(first.Keep, res.Keep) || !reflect.DeepEqual(first.Boilerplate, res.Boilerplate) ||
			!reflect.DeepEqual(first.Issues, res.Issues) || !reflect.DeepEqual(first.Stats, res.Stats) {
			t.Fatalf("run %d (workers=%d) gives a different result than workers=1", k, w)
		}
	}
}

// TestRecall is the LSH acceptance check: on 20,000 generated articles
// with planted near-duplicates, ≥ 0.99 of the pairs whose exact Jaccard is
// ≥ threshold + 0.05 are found.
func TestRecall(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := synthCorpus(t, 20000, 2026)
	cfg := DefaultConfig()
	cfg.TempDir = t.TempDir()
	res, rep, err := DedupWithRecall(context.Background(), []string{dir}, cfg, cfg.Threshold+0.05)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("articles %d, candidates %d, pairs %v, expected %d, found %d, recall %.4f",
		res.Stats.Articles, res.Stats.Candidates.Pairs, res.Stats.Pairs, rep.Expected, rep.Found, rep.Recall)
	if rep.Expected < 1000 {
		t.Fatalf("only %d pairs above threshold: the corpus does not exercise LSH", rep.Expected)
	}
	if rep.Recall < 0.99 {
		t.Fatalf("recall %.4f < 0.99; missed e.g. %+v", rep.Recall, rep.Missed)
	}
}

// TestVerifyOrder: verification takes the pairs component by component,
// each component's pairs in order, and its units never cut a component.
func TestVerifyOrder(t *testing.T) {
	// Components {0,1,5}, {2,3}, {4,6,7} (7 joined last, through 6).
	pairs := []index.Pair{index.MakePair(0, 1), index.MakePair(1, 5), index.MakePair(2, 3), index.MakePair(4, 6), index.MakePair(6, 7), index.MakePair(0, 5)}
	slices.Sort(pairs)
	comps := verifyOrder(pairs, 8)
	want := [][]index.Pair{
		{index.MakePair(0, 1), index.MakePair(0, 5), index.MakePair(1, 5)},
		{index.MakePair(2, 3)},
		{index.MakePair(4, 6), index.MakePair(6, 7)},
	}
	if !reflect.DeepEqual(comps, want) {
		t.Fatalf("components %v, want %v", comps, want)
	}
	units := verifyUnits(comps, 2)
	wantUnits := [][]index.Pair{want[0], append(append([]index.Pair{}, want[1]...), want[2]...)}
	if !reflect.DeepEqual(units, wantUnits) {
		t.Fatalf("units %v, want %v", units, wantUnits)
	}
	if u := verifyUnits(comps, 100); len(u) != 1 || len(u[0]) != len(pairs) {
		t.Fatalf("one unit expected, got %v", u)
	}
}
