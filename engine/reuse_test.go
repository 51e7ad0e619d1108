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
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/provenance"
)

// relKey is a relation without its scores: the pair (in id order), the
// relation and the source.
func relKey(a, b, rel, source string) string {
	if b < a {
		a, b = b, a
	}
	return fmt.Sprintf("%s %s %s source=%s", a, b, rel, source)
}

// TestReuseSeeds checks the seeds' acceptance in the batch run: 001 is a
// rewrite of 000 (undirected: 000 has no publication time), with aligned
// sentence pairs; 002 and 004 are near duplicates; 003 relates to none of
// them (its own story).
func TestReuseSeeds(t *testing.T) {
	res := storiesRun(t, DefaultConfig(), seedsDir(), pressTVDir())
	var got []string
	for _, r := range res.Relations {
		src := ""
		if r.Source != nil {
			src = *r.Source
		}
		got = append(got, relKey(shortID(r.A), shortID(r.B), r.Relation, src))
		if strings.HasPrefix(r.A, "003") || strings.HasPrefix(r.B, "003") {
			t.Errorf("003 related: %+v", r)
		}
	}
	want := []string{relKey("000", "001", "rewrite", ""), relKey("002", "004", "near_duplicate", "")}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("relations %q, want %q", got, want)
	}
	for _, g := range res.Provenance {
		if slices.ContainsFunc(g.Nodes, func(n provenance.Article) bool { return strings.HasPrefix(n.ID, "001") }) {
			if !slices.Equal(g.FirstReportedBy, []string{"001_8a0ba1f05f835118"}) || g.Note == "" {
				t.Errorf("story of 001: first reported by %v (note %q), want 001 with a note on 000's missing time", g.FirstReportedBy, g.Note)
			}
		}
	}
}

// TestCompareSeeds checks the pair answers of `reprint compare`: the
// rewrite's aligned sentences (at least the eight the two articles retell
// in order), the near duplicates' differing boilerplate left unmatched.
func TestCompareSeeds(t *testing.T) {
	res, err := ComparePairs(context.Background(), []string{seedsDir(), pressTVDir()}, []PairQuery{
		{"000_d3bb93bdf804906a", "001_8a0ba1f05f835118"},
		{"002_324ffcc579898aeb", "004_82913c69984263d3"},
		{"003_e6b4cedbc97f4e06", "000_d3bb93bdf804906a"},
		{"003_e6b4cedbc97f4e06", "002_324ffcc579898aeb"},
		{"004_82913c69984263d3", "003_e6b4cedbc97f4e06"},
		{"003_e6b4cedbc97f4e06", "001_8a0ba1f05f835118"},
		{"000_d3bb93bdf804906a", "000_d3bb93bdf804906a"},
	}, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	rw := res.Pairs[0].ReuseAnswer
	if rw.Relation != "rewrite" || rw.Source != nil || rw.Note == "" {
		t.Errorf("000/001: %s source %v note %q, want an undirected rewrite with a note", rw.Relation, rw.Source, rw.Note)
	}
	ordered := 0
	for _, p := range rw.Sentences {
		if p.Ordered && p.Kind != match.KindQuote {
			ordered++
		}
	}
	if ordered < 8 {
		t.Errorf("000/001: %d ordered sentence pairs, want at least 8", ordered)
	}
	nd := res.Pairs[1].ReuseAnswer
	if nd.Relation != "near_duplicate" {
		t.Errorf("002/004: %s, want near_duplicate", nd.Relation)
	}
	// Copies are as close as two texts get, whatever the similarity model
	// makes of pairs so far beyond the reports it was fitted on.
	if same := res.Pairs[6]; same.Relation != "exact" || same.Similarity != 1 {
		t.Errorf("000/000: %s, similarity %v; want exact, 1", same.Relation, same.Similarity)
	}
	if nd.Similarity < rw.Similarity || nd.Similarity < 0.9 {
		t.Errorf("002/004: similarity %v, want at least the rewrite's %v and 0.9", nd.Similarity, rw.Similarity)
	}
	// 003 is an earlier story of the storyline: alike (one spokesman, one
	// subject, both on a Tuesday), but none, in whichever order.
	for _, p := range res.Pairs[2:6] {
		if p.Relation != "none" {
			t.Errorf("%s/%s: %s (similarity %.2f), want none", shortID(p.A), shortID(p.B), p.Relation, p.Similarity)
		}
	}
	if n := res.Pairs[3].Note; !strings.Contains(n, "different stories") || !strings.Contains(n, "one storyline") {
		t.Errorf("003/002: note %q, want the two stories of one storyline named", n)
	}
}

// TestCompareLiveKeepsStoriesApart checks the service's compare: 003 and
// 002 are alike but in different stories of the store, so not same_story.
func TestCompareLiveKeepsStoriesApart(t *testing.T) {
	_, l := openLive(t, t.TempDir())
	for _, a := range readArticles(t, seedsDir()) {
		if _, err := l.Ingest(a); err != nil {
			t.Fatal(err)
		}
	}
	get := func(id string) *LiveArticle {
		a, err := l.Article(id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a, b := get("003_e6b4cedbc97f4e06"), get("002_324ffcc579898aeb")
	if a.Story == b.Story {
		t.Fatalf("003 and 002 in one story %s", a.Story)
	}
	ans := l.CompareReuse(a, b)
	if ans.Relation != "none" || !strings.Contains(ans.Note, "different stories") {
		t.Errorf("003/002: %s (%q), want none: different stories", ans.Relation, ans.Note)
	}
	if ans := l.CompareReuse(get("002_324ffcc579898aeb"), get("004_82913c69984263d3")); ans.Relation != "near_duplicate" {
		t.Errorf("002/004: %s, want near_duplicate", ans.Relation)
	}
}

// TestReuseBatchAndLive checks that the batch run and the live engine
// give the same relations on the same articles in the same order.
func TestReuseBatchAndLive(t *testing.T) {
	res := storiesRun(t, DefaultConfig(), seedsDir(), pressTVDir())
	var batch []string
	for _, r := range res.Relations {
		src := ""
		if r.Source != nil {
			src = *r.Source
		}
		batch = append(batch, relKey(r.A, r.B, r.Relation, src))
	}
	_, l := openLive(t, t.TempDir())
	arts := readArticles(t, seedsDir(), pressTVDir())
	for _, a := range arts {
		if _, err := l.Ingest(a); err != nil {
			t.Fatal(err)
		}
	}
	var live []string
	for _, a := range arts {
		rec, err := l.Article(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rec.Reuse {
			live = append(live, relKey(rec.ID, r.ID, r.Relation, r.Source))
		}
	}
	slices.Sort(batch)
	slices.Sort(live)
	if !slices.Equal(batch, live) {
		t.Errorf("batch relations %q\nlive relations %q", batch, live)
	}
	// 000 is copied by 001? Undirected: neither lists the other as copied.
	rec, _ := l.Article("000_d3bb93bdf804906a")
	rels, err := l.ArticleReuse(rec)
	if err != nil || len(rels) != 1 || rels[0].ID != "001_8a0ba1f05f835118" {
		t.Errorf("000's reuse relations %+v (%v), want the rewrite by 001", rels, err)
	}
}

// TestReuseDirection checks how the source of a pair is told: by
// publication times, else by attribution, else not at all, with a note.
func TestReuseDirection(t *testing.T) {
	base := readArticles(t, seedsDir())
	var a000, a001 article.Article
	for _, a := range base {
		switch shortID(a.ID) {
		case "000":
			a000 = a
		case "001":
			a001 = a
		}
	}
	day := func(d int) time.Time { return time.Date(2023, 2, d, 12, 0, 0, 0, time.UTC) }
	cases := []struct {
		name               string
		pa, pb             time.Time
		srcA, srcB         string
		textB              string
		wantSource, wantBy string
		wantNote           string
	}{
		{name: "published order", pa: day(23), pb: day(24), wantSource: a000.ID, wantBy: "published"},
		{name: "published order reversed", pa: day(25), pb: day(24), wantSource: a001.ID, wantBy: "published"},
		{name: "equal times", pa: day(24), pb: day(24), wantBy: "undirected", wantNote: "same time"},
		{name: "future time", pa: time.Now().AddDate(1, 0, 0), pb: day(24), wantBy: "undirected", wantNote: "implausible"},
		{name: "missing time", pb: day(24), wantBy: "undirected", wantNote: "no publication time"},
		{name: "attribution", srcA: "Press TV", srcB: "Tehran Times", textB: "\nPress TV reported the remarks.", wantSource: a000.ID, wantBy: "attribution"},
		{name: "an outlet naming itself", srcA: "Press TV", srcB: "Press TV", textB: "\nPress TV reported the remarks.", wantBy: "undirected"},
	}
	for _, c := range cases {
		a, b := a000, a001
		a.Published, b.Published = c.pa, c.pb
		a.Source, b.Source = c.srcA, c.srcB
		b.Text += c.textB
		if c.pb.IsZero() && c.pa.IsZero() {
			b.Published = time.Time{} // 001's text date is not used here
		}
		ans := CompareTexts(&a, &b, DefaultConfig())
		src := ""
		if ans.Source != nil {
			src = *ans.Source
		}
		if ans.Relation != "rewrite" || src != c.wantSource || ans.Direction != c.wantBy || !strings.Contains(ans.Note, c.wantNote) {
			t.Errorf("%s: %s source %q by %s note %q; want rewrite, source %q by %s, note with %q", c.name, ans.Relation, src, ans.Direction, ans.Note, c.wantSource, c.wantBy, c.wantNote)
		}
	}
}

// TestReuseConcurrentReads compares stored articles for text reuse while
// others are ingested (run with -race).
func TestReuseConcurrentReads(t *testing.T) {
	_, l := openLive(t, "")
	arts := readArticles(t, seedsDir(), pressTVDir())
	for _, a := range arts[:2] {
		if _, err := l.Ingest(a); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, a := range arts[2:] {
			if _, err := l.Ingest(a); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	a, _ := l.Article(arts[0].ID)
	b, _ := l.Article(arts[1].ID)
	for range 20 {
		if ans := l.CompareReuse(a, b); ans.Relation == "" {
			t.Fatal("no relation")
		}
		if _, err := l.StoryProvenance(a.Story, 100); err != nil {
			t.Fatal(err)
		}
	}
	<-done
}

// TestRelationsInPieces checks that cutting stories into pieces for the
// workers changes nothing: the relations, graphs and outlet flows are
// those of whole stories compared in one piece each.
func TestRelationsInPieces(t *testing.T) {
	dir := synthCorpus(t, 1500, 5)
	cfg := DefaultConfig()
	cfg.StoryPairs = 3 // stories here have up to 7 articles: pieces start after a full window
	whole := storiesRun(t, cfg, dir)
	defer func(n int) { relationChunk = n }(relationChunk)
	relationChunk = 2
	cut := storiesRun(t, cfg, dir)
	if len(whole.Relations) == 0 || len(whole.Provenance) == 0 {
		t.Fatal("no relations: the test would prove nothing")
	}
	if !reflect.DeepEqual(whole.Relations, cut.Relations) || !reflect.DeepEqual(whole.Provenance, cut.Provenance) ||
		!reflect.DeepEqual(whole.Outlets, cut.Outlets) || whole.Stats.RelationsCompared != cut.Stats.RelationsCompared {
		t.Errorf("in pieces of 2: %d relations, %d compared; whole: %d, %d",
			len(cut.Relations), cut.Stats.RelationsCompared, len(whole.Relations), whole.Stats.RelationsCompared)
	}
}

// TestOutletFlows checks the service's per-outlet sums: with 000 from
// Press TV published before 001 from Tehran Times, Tehran Times takes
// from Press TV (one article) and Press TV reported the story first; the
// near duplicates 002/004 of one outlet (undated) make no flow. The same
// articles in the batch run give the same outlets.
func TestOutletFlows(t *testing.T) {
	var arts []article.Article
	for _, a := range readArticles(t, seedsDir()) {
		switch shortID(a.ID) {
		case "000":
			a.Source, a.Published = "Press TV", time.Date(2023, 2, 24, 9, 0, 0, 0, time.UTC)
		case "001":
			a.Source, a.Published = "Tehran Times", time.Date(2023, 2, 24, 15, 0, 0, 0, time.UTC)
		case "002", "004":
			a.Source = "Mehr News"
		}
		arts = append(arts, a)
	}
	_, l := openLive(t, t.TempDir())
	for _, a := range arts {
		if _, err := l.Ingest(a); err != nil {
			t.Fatal(err)
		}
	}
	outlets, n, err := l.OutletFlows(StoryQuery{}, 100, 1000)
	if err != nil || n == 0 {
		t.Fatalf("%d stories, %v", n, err)
	}
	by := map[string]provenance.Outlet{}
	for _, o := range outlets {
		by[o.Outlet] = o
	}
	tt, ptv := by["Tehran Times"], by["Press TV"]
	if tt.Derived != 1 || len(tt.TakesFrom) != 1 || tt.TakesFrom[0] != (provenance.OutletFlow{Outlet: "Press TV", Articles: 1}) {
		t.Errorf("Tehran Times: %+v", tt)
	}
	if ptv.First != 1 || len(ptv.CopiedBy) != 1 || ptv.CopiedBy[0].Outlet != "Tehran Times" || ptv.Derived != 0 {
		t.Errorf("Press TV: %+v", ptv)
	}
	if m := by["Mehr News"]; m.Articles != 2 || m.Derived != 0 || len(m.TakesFrom) != 0 {
		t.Errorf("Mehr News: %+v", m)
	}
	// Only stories with an article of Mehr News: Press TV's is left out.
	only, _, err := l.OutletFlows(StoryQuery{Source: "mehr news"}, 100, 1000)
	if err != nil || slices.ContainsFunc(only, func(o provenance.Outlet) bool { return o.Outlet == "Press TV" }) {
		t.Errorf("source filter: %+v %v", only, err)
	}
	dir := t.TempDir()
	for _, a := range arts {
		b, _ := json.Marshal(a)
		if err := os.WriteFile(filepath.Join(dir, shortID(a.ID)+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := storiesRun(t, DefaultConfig(), dir)
	if !reflect.DeepEqual(res.Outlets, outlets) {
		t.Errorf("batch outlets %+v\nservice outlets %+v", res.Outlets, outlets)
	}
}

// TestReuseCacheLRU: the reuse cache drops the least recently used
// article, not the oldest put: an article asked for again stays.
func TestReuseCacheLRU(t *testing.T) {
	var c reuseCache
	for seq := uint64(1); seq <= reuseCacheSize; seq++ {
		c.put(seq, &reusePrepared{})
	}
	if c.get(1) == nil {
		t.Fatal("article 1 missing from a cache not yet full")
	}
	c.put(reuseCacheSize+1, &reusePrepared{})
	if c.get(1) == nil {
		t.Error("article 1, used last, was dropped")
	}
	if c.get(2) != nil {
		t.Error("article 2, the least recently used, was kept")
	}
	if n := c.order.Len(); n != reuseCacheSize || len(c.m) != reuseCacheSize {
		t.Errorf("%d entries listed, %d mapped; want %d", n, len(c.m), reuseCacheSize)
	}
	c.reset()
	if c.get(1) != nil || c.order.Len() != 0 {
		t.Error("reset left entries")
	}
}

// TestRelationsBesidePass checks that comparing stories during the story
// pass, each as soon as no later article can join it, changes nothing:
// the relations, graphs and outlet flows are those of every story
// compared after the pass. Copies of early articles dated months later
// join their stories long after those closed (a duplicate group's later
// members join its story whatever its state), so a story handed over
// too early would miss their relations.
func TestRelationsBesidePass(t *testing.T) {
	dir := synthCorpus(t, 6000, 13) // more than the clusterer's sweep interval, over two years
	files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	slices.Sort(files)
	body, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var copies strings.Builder
	for i, line := range strings.SplitN(string(body), "\n", 41)[:40] {
		var a article.Article
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatal(err)
		}
		a.ID = fmt.Sprintf("late-copy-%02d", i)
		a.Published = a.Published.AddDate(0, 4, 0)
		b, _ := json.Marshal(a)
		copies.Write(append(b, '\n'))
	}
	if err := os.WriteFile(filepath.Join(dir, "zz-late-copies.jsonl"), []byte(copies.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	early := -1
	relationStageDone = func(rs *relationStage) { early = rs.early }
	defer func() { relationStageDone = nil }()
	beside := storiesRun(t, DefaultConfig(), dir)
	if early <= 0 {
		t.Fatalf("%d stories handed over during the pass: the test would prove nothing", early)
	}
	relationStageDone = nil
	relationsBesidePass = false
	defer func() { relationsBesidePass = true }()
	after := storiesRun(t, DefaultConfig(), dir)
	late := 0
	for _, r := range after.Relations {
		if strings.HasPrefix(r.A, "late-copy") || strings.HasPrefix(r.B, "late-copy") {
			late++
		}
	}
	if late == 0 {
		t.Fatal("no relation of a late copy: the test would prove nothing")
	}
	if !reflect.DeepEqual(beside.Relations, after.Relations) || !reflect.DeepEqual(beside.Provenance, after.Provenance) ||
		!reflect.DeepEqual(beside.Outlets, after.Outlets) || beside.Stats.RelationsCompared != after.Stats.RelationsCompared {
		t.Errorf("beside the pass (%d stories early): %d relations, %d compared; after it: %d, %d (%d of late copies)",
			early, len(beside.Relations), beside.Stats.RelationsCompared, len(after.Relations), after.Stats.RelationsCompared, late)
	}
	t.Logf("%d stories handed over during the pass; %d relations, %d of late copies", early, len(after.Relations), late)
}
