package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/store"
)

func readArticles(t testing.TB, paths ...string) []article.Article {
	t.Helper()
	var out []article.Article
	err := article.Read(context.Background(), paths, article.Options{}, func(r article.Record) error {
		out = append(out, r.Article)
		return nil
	}, func(is article.Issue) { t.Logf("input issue: %+v", is) })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// openLive opens a live engine with the default configuration on a store
// in dir ("": in memory), closed when the test ends.
func openLive(t testing.TB, dir string) (*store.Store, *Live) {
	t.Helper()
	var st *store.Store
	var err error
	if dir == "" {
		st, err = store.OpenMemory(store.Options{})
	} else {
		st, err = store.Open(dir, store.Options{})
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	l, err := OpenLive(st, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return st, l
}

// shortID is the seed number of a seed id ("002_324f…" → "002").
func shortID(id string) string { return strings.SplitN(filepath.Base(id), "_", 2)[0] }

func TestLiveSeeds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	st, l := openLive(t, dir)
	seeds := readArticles(t, seedsDir())
	if len(seeds) != 5 {
		t.Fatalf("%d seeds", len(seeds))
	}
	answers := map[string]*Ingested{}
	for _, a := range seeds {
		got, err := l.Ingest(a)
		if err != nil {
			t.Fatalf("%s: %v", a.ID, err)
		}
		if !got.New {
			t.Fatalf("%s: not new", a.ID)
		}
		answers[shortID(a.ID)] = got
	}
	// 004 is 002 captured again with other boilerplate.
	a4 := answers["004"]
	if len(a4.Relations) != 1 || shortID(a4.Relations[0].ID) != "002" || a4.Relations[0].Relation != match.NearDuplicate {
		t.Fatalf("004 relations %+v, want near_duplicate of 002", a4.Relations)
	}
	if shortID(a4.Group) != "002" {
		t.Fatalf("004 in group %q, want 002's", a4.Group)
	}
	// 001 retells 000 in other words: not a copy. 003 is another story.
	for _, n := range []string{"000", "001", "002", "003"} {
		if rs := answers[n].Relations; len(rs) != 0 {
			t.Errorf("%s relations %+v, want none", n, rs)
		}
	}
	members, err := l.Members(a4.Group)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{shortID(members[0]), shortID(members[1])}; len(members) != 2 || !slices.Equal(got, []string{"002", "004"}) {
		t.Fatalf("group members %v", members)
	}

	// Posting an article again answers with the stored answer; another
	// text under a stored id is a conflict.
	again, err := l.Ingest(seeds[4])
	if err != nil || again.New || again.Group != a4.Group {
		t.Fatalf("re-post: %+v, %v", again, err)
	}
	changed := seeds[4]
	changed.Text += "\nOne more line."
	if _, err := l.Ingest(changed); !errors.Is(err, ErrConflict) {
		t.Fatalf("changed text under a stored id: %v", err)
	}

	// After a restart the engine holds the same articles and answers.
	st.Close()
	_, l = openLive(t, dir)
	if l.Len() != 5 {
		t.Fatalf("%d articles after reopening, want 5", l.Len())
	}
	stored, err := l.Article(seeds[4].ID)
	if err != nil || stored.Group != a4.Group || len(stored.Relations) != 1 {
		t.Fatalf("stored 004 after reopening: %+v, %v", stored, err)
	}
	if _, err := l.Article("no such id"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
}

func TestLiveBadInput(t *testing.T) {
	_, l := openLive(t, "")
	for _, c := range []struct {
		a    article.Article
		want error
	}{
		{article.Article{Text: "some text"}, ErrNoID},
		{article.Article{ID: "x", Text: " \n "}, ErrNoText},
		{article.Article{ID: ".", Text: "some text"}, ErrBadID},
		{article.Article{ID: "..", Text: "some text"}, ErrBadID},
	} {
		if _, err := l.Ingest(c.a); !errors.Is(err, c.want) {
			t.Errorf("%+v: %v, want %v", c.a, err, c.want)
		}
	}
	if l.Len() != 0 {
		t.Fatalf("rejected articles were stored: %d", l.Len())
	}
	// A short article (a headline) is not compared but gets a story, as
	// in the batch run.
	got, err := l.Ingest(article.Article{ID: "x", Text: "three short words"})
	if err != nil || got.Dedup != "too_short" || got.Keys != nil || got.Story == "" || got.Storyline == "" {
		t.Fatalf("short article: %+v, %v", got, err)
	}
}

// BenchmarkLiveIngest measures Ingest (one article, synced batch) into an
// on-disk store that already holds 5,000 generated articles; ns/op is the
// latency of one article.
func BenchmarkLiveIngest(b *testing.B) {
	arts := readArticles(b, synthCorpus(b, 5000+20000, 3))
	_, l := openLive(b, b.TempDir())
	for _, a := range arts[:5000] {
		if _, err := l.Ingest(a); err != nil {
			b.Fatal(err)
		}
	}
	i := 5000
	b.ResetTimer()
	for b.Loop() {
		if i == len(arts) {
			b.Fatal("benchmark ran past the generated articles")
		}
		if _, err := l.Ingest(arts[i]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// pipelineArticles returns a synthetic corpus with what the pipelined
// batch must get right when an article's candidates are still in the
// pipeline: exact copies and near-copies right after their originals, a
// copy of a copy, an id repeated with its text (the stored answer) and
// with another text (a conflict), and an article without text.
func pipelineArticles(t *testing.T) []article.Article {
	arts := readArticles(t, synthCorpus(t, 400, 21))
	var out []article.Article
	for i, a := range arts {
		out = append(out, a)
		switch i % 40 {
		case 3: // an exact copy, and a copy of it with a line more
			c := a
			c.ID += "-copy"
			out = append(out, c)
			c2 := c
			c2.ID += "-more"
			c2.Text += "\n\nA line the copy added at its end, of its own words entirely."
			out = append(out, c2)
		case 7: // the same id again, same text and another text
			out = append(out, a)
			c := a
			c.Text = "Another text under a known id."
			out = append(out, c)
		case 11:
			out = append(out, article.Article{ID: a.ID + "-empty"})
		}
	}
	return out
}

// sameAnswers fails unless got answers like want, article by article.
func sameAnswers(t *testing.T, arts []article.Article, got, want []IngestResult) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d answers, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if (g.Err == nil) != (w.Err == nil) || g.Err != nil && g.Err.Error() != w.Err.Error() {
			t.Fatalf("%s: error %v, want %v", arts[i].ID, g.Err, w.Err)
		}
		if g.Err != nil {
			continue
		}
		if g.New != w.New || g.Story != w.Story || g.Storyline != w.Storyline || g.Group != w.Group ||
			g.Seq != w.Seq || !slices.Equal(g.Relations, w.Relations) {
			t.Fatalf("%s: new %v story %s line %s group %q seq %d rel %v; want %v %s %s %q %d %v", arts[i].ID,
				g.New, g.Story, g.Storyline, g.Group, g.Seq, g.Relations, w.New, w.Story, w.Storyline, w.Group, w.Seq, w.Relations)
		}
	}
}

// ingestOneByOne ingests arts with Ingest, one call each.
func ingestOneByOne(t *testing.T, l *Live, arts []article.Article) []IngestResult {
	t.Helper()
	out := make([]IngestResult, len(arts))
	for i, a := range arts {
		out[i].Ingested, out[i].Err = l.Ingest(a)
	}
	return out
}

// TestLivePipeline checks that a pipelined batch (IngestMany: the dedup of
// one article beside the write of the one before) answers exactly as
// Ingest one article at a time, on a corpus whose copies arrive while
// their originals are still in the pipeline.
func TestLivePipeline(t *testing.T) {
	arts := pipelineArticles(t)
	_, one := openLive(t, "")
	want := ingestOneByOne(t, one, arts)
	groups, conflicts := 0, 0
	for _, r := range want {
		if r.Err == nil && r.Group != "" {
			groups++
		}
		if errors.Is(r.Err, ErrConflict) {
			conflicts++
		}
	}
	if groups == 0 || conflicts == 0 {
		t.Fatalf("the corpus has %d grouped articles and %d conflicts: it does not test the pipeline", groups, conflicts)
	}
	_, many := openLive(t, "")
	got, err := many.IngestMany(arts)
	if err != nil {
		t.Fatal(err)
	}
	sameAnswers(t, arts, got, want)
	if many.Counts() != one.Counts() {
		t.Fatalf("counts %+v, want %+v", many.Counts(), one.Counts())
	}
}

// firstNewID returns the first index from i on whose article's id no
// earlier article has: a fault injected by id then hits that article
// itself.
func firstNewID(arts []article.Article, i int) int {
	for slices.ContainsFunc(arts[:i], func(a article.Article) bool { return a.ID == arts[i].ID }) {
		i++
	}
	return i
}

// TestLivePipelineWriteFails makes one write in the middle of a pipelined
// batch fail: that article gets the error, and every other one the answer
// it gets from an engine that never saw it (the articles after it are
// ingested again, after the engine's memory is rebuilt from the store).
func TestLivePipelineWriteFails(t *testing.T) {
	arts := pipelineArticles(t)
	// slow: the memory is marked stale while the write stage is still
	// busy with the failing article, early in the batch, while dedup runs
	// on (the pipeline is not full yet): dedup must neither rebuild the
	// memory under the write stage nor go on.
	for _, c := range writeFailCases {
		c.bad = firstNewID(arts, c.bad)
		t.Run(fmt.Sprintf("bad=%d,slow=%v", c.bad, c.slow), func(t *testing.T) {
			_, one := openLive(t, "")
			want := ingestOneByOne(t, one, slices.Delete(slices.Clone(arts), c.bad, c.bad+1))
			want = slices.Insert(want, c.bad, IngestResult{Err: errors.New("injected")})
			_, many := openLive(t, "")
			failWrite(many, arts[c.bad].ID, c.slow, nil)
			got, err := many.IngestMany(arts)
			if err != nil {
				t.Fatal(err)
			}
			sameAnswers(t, arts, got, want)
			if many.stale.Load() {
				t.Fatal("still stale after the batch")
			}
		})
	}
}

// writeFailCases are the failed writes of the pipeline tests: the
// article (the first new one from this index on) and whether its write
// fails slowly (failWrite).
var writeFailCases = []struct {
	bad  int
	slow bool
}{{150, false}, {2, true}}

// failWrite makes l's writes of article id fail ("injected") while *on
// holds (on nil: always); slow ones first mark the memory stale and
// wait, as a write that fails late.
func failWrite(l *Live, id string, slow bool, on *bool) {
	l.writeFault = func(a *LiveArticle) error {
		if (on != nil && !*on) || a.ID != id {
			return nil
		}
		if slow {
			l.stale.Store(true)
			time.Sleep(100 * time.Millisecond)
		}
		return errors.New("injected")
	}
}

// TestLiveIngestInOrder makes one write in the middle of a batch ingested
// in order (IngestPreparedInOrder, as the workers of a shared state do)
// fail: the articles before it are stored, it gets the error and every
// one after it ErrNotIngested; the batch submitted again from the failed
// article gives every article the answer of an engine that never failed.
func TestLiveIngestInOrder(t *testing.T) {
	arts := pipelineArticles(t)
	_, one := openLive(t, "")
	want := ingestOneByOne(t, one, arts)
	ps := make([]*Prepared, len(arts))
	for i, a := range arts {
		ps[i] = Prepare(a)
	}
	for _, c := range writeFailCases {
		c.bad = firstNewID(arts, c.bad)
		t.Run(fmt.Sprintf("bad=%d,slow=%v", c.bad, c.slow), func(t *testing.T) {
			_, l := openLive(t, "")
			fail := true
			failWrite(l, arts[c.bad].ID, c.slow, &fail)
			got, err := l.IngestPreparedInOrder(ps)
			if err != nil {
				t.Fatal(err)
			}
			sameAnswers(t, arts[:c.bad], got[:c.bad], want[:c.bad])
			if err := got[c.bad].Err; err == nil || errors.Is(err, ErrNotIngested) {
				t.Fatalf("%s, the failing write: %v", arts[c.bad].ID, err)
			}
			for i := c.bad + 1; i < len(arts); i++ {
				if !errors.Is(got[i].Err, ErrNotIngested) {
					t.Fatalf("%s, after the failing write: %v, want ErrNotIngested", arts[i].ID, got[i].Err)
				}
			}
			fail = false
			again, err := l.IngestPreparedInOrder(ps[c.bad:])
			if err != nil {
				t.Fatal(err)
			}
			sameAnswers(t, arts[c.bad:], again, want[c.bad:])
		})
	}
}

// TestLivePipelineWritesKeepFailing makes every write fail from one
// article on (a store that has gone bad): the articles before it are
// stored, it and every one after it get an error, and the engine rebuilds
// its memory once for the batch, not once per article.
func TestLivePipelineWritesKeepFailing(t *testing.T) {
	arts := pipelineArticles(t)
	bad := firstNewID(arts, 100)
	_, one := openLive(t, "")
	want := ingestOneByOne(t, one, arts[:bad])
	_, many := openLive(t, "")
	badSeq := uint64(0)
	faults := 0
	many.writeFault = func(a *LiveArticle) error {
		if a.ID == arts[bad].ID {
			badSeq = a.Seq
		}
		if badSeq > 0 && a.Seq >= badSeq {
			faults++
			return errors.New("injected")
		}
		return nil
	}
	got, err := many.IngestMany(arts)
	if err != nil {
		t.Fatal(err)
	}
	sameAnswers(t, arts[:bad], got[:bad], want)
	for i := bad; i < len(arts); i++ {
		if got[i].Err == nil {
			t.Fatalf("%s, after the failing write: stored", arts[i].ID)
		}
	}
	if faults > 2 {
		t.Fatalf("%d writes tried after the store went bad, want at most 2 (one rebuild)", faults)
	}
}

// TestLiveReadsDuringBatch reads (search, compare, counts, articles) while
// a pipelined batch is written: with -race, it checks the engine's locks.
func TestLiveReadsDuringBatch(t *testing.T) {
	arts := pipelineArticles(t)
	_, l := openLive(t, "")
	first, err := l.IngestMany(arts[:20])
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for _, r := range first {
		if r.Err == nil {
			stored = append(stored, r.ID)
		}
	}
	// A word of a stored article, so that the searches read the index.
	q := ""
	for _, w := range strings.Fields(arts[0].Text) {
		if len(w) > len(q) && strings.Trim(w, ".,;:'\"()") == w {
			q = w
		}
	}
	if hits, err := l.Search(q, 5); err != nil || len(hits) == 0 {
		t.Fatalf("search %q: %d hits, %v", q, len(hits), err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := l.IngestMany(arts[20:]); err != nil {
			t.Error(err)
		}
	}()
	for reads := 0; ; reads++ {
		select {
		case <-done:
			if l.Len() == 0 || reads == 0 {
				t.Fatalf("%d articles, %d reads", l.Len(), reads)
			}
			return
		default:
		}
		if _, err := l.Search(q, 5); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Compare(stored[0], stored[1]); err != nil {
			t.Fatal(err)
		}
		_ = l.Counts()
		if _, err := l.Article(stored[reads%len(stored)]); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDecodeRecord checks that decodeRecord (goccy/go-json) reads every
// record the engine writes (articles, stories, storylines) exactly as
// encoding/json does.
func TestDecodeRecord(t *testing.T) {
	arts := pipelineArticles(t)
	arts = append(arts, article.Article{
		ID: "escapes", Title: `"Quoted" <b>&amp;</b> \ back\slash`,
		Text: "Line one with \"quotes\", a tab\tand <html> & ampersands.\n\nÜnïcödé, emoji 🚀, " +
			"line separator \u2028 and paragraph separator \u2029, CJK 新闻, RTL خبر, a NUL-free control \u0001 char.",
	})
	st, l := openLive(t, "")
	if _, err := l.IngestMany(arts); err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	check := func(prefix string, fresh func() any) {
		err := st.Scan([]byte(prefix), store.PrefixEnd([]byte(prefix)), func(k, v []byte) error {
			a, b := fresh(), fresh()
			if err := json.Unmarshal(v, a); err != nil {
				return err
			}
			if err := decodeRecord(v, b); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			if !reflect.DeepEqual(a, b) {
				return fmt.Errorf("%s: decodeRecord gives %+v, encoding/json %+v", k, b, a)
			}
			n[prefix]++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check(livePrefixSeq, func() any { return new(LiveArticle) })
	check(livePrefixStory, func() any { return new(LiveStory) })
	check(livePrefixStoryline, func() any { return new(LiveStoryline) })
	if n[livePrefixSeq] < 400 || n[livePrefixStory] == 0 || n[livePrefixStoryline] == 0 {
		t.Fatalf("records checked: %v", n)
	}
}
