package engine

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/store"
	"github.com/reprint-news/reprint/text"
)

// ingestSeeds ingests the five seeds in order and returns the answers by
// seed number.
func ingestSeeds(t *testing.T, l *Live) (map[string]*Ingested, []article.Article) {
	t.Helper()
	seeds := readArticles(t, seedsDir())
	answers := map[string]*Ingested{}
	for _, a := range seeds {
		got, err := l.Ingest(a)
		if err != nil {
			t.Fatalf("%s: %v", a.ID, err)
		}
		answers[shortID(a.ID)] = got
	}
	return answers, seeds
}

func TestLiveSeedStories(t *testing.T) {
	_, l := openLive(t, "")
	ans, _ := ingestSeeds(t, l)
	story := func(n string) string { return ans[n].Story }
	// The gold (data README): {000, 001}, {002, 004}, {003}; one storyline.
	if story("000") != story("001") || story("002") != story("004") {
		t.Errorf("stories %v", map[string]string{"000": story("000"), "001": story("001"), "002": story("002"), "004": story("004")})
	}
	if story("003") == story("000") || story("003") == story("002") || story("000") == story("002") {
		t.Errorf("stories not kept apart: 000 %s, 002 %s, 003 %s", story("000"), story("002"), story("003"))
	}
	if ans["004"].Clustered || !ans["002"].Clustered {
		t.Errorf("004 should join 002's story as its duplicate, unclustered")
	}
	lines := map[string]bool{}
	for _, a := range ans {
		lines[a.Storyline] = true
	}
	if len(lines) != 1 { // the gold: one storyline for all five
		t.Errorf("storylines %v, want one", lines)
	}

	s, err := l.Story(story("000"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Articles != 2 || len(s.Sources) != 0 && s.Sources[0].Articles == 0 {
		t.Errorf("story record %+v", s)
	}
	arts, err := l.StoryArticles(s.ID, 0)
	if err != nil || len(arts) != 2 || shortID(arts[0].ID) != "000" || shortID(arts[1].ID) != "001" {
		t.Fatalf("story articles %v, %v", arts, err)
	}
	page, next, err := l.Stories(StoryQuery{Limit: 2})
	if err != nil || len(page) != 2 || next == "" {
		t.Fatalf("first page: %d stories, next %q, %v", len(page), next, err)
	}
	rest, next2, err := l.Stories(StoryQuery{Limit: 2, Cursor: next})
	if err != nil || len(rest) != 1 || next2 != "" {
		t.Fatalf("second page: %d stories, next %q, %v", len(rest), next2, err)
	}
	bySize, _, err := l.Stories(StoryQuery{Sort: "size", Limit: 10})
	if err != nil || len(bySize) != 3 || bySize[0].Articles != 2 || bySize[2].Articles != 1 {
		t.Fatalf("by size: %v, %v", bySize, err)
	}
	if _, _, err := l.Stories(StoryQuery{Cursor: "zz"}); !errors.Is(err, ErrBadCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
	line, err := l.Storyline(s.Storyline)
	if err != nil || line.Articles < 2 {
		t.Fatalf("storyline %+v, %v", line, err)
	}
	ls, err := l.StorylineStories(s.Storyline)
	if err != nil || !slices.ContainsFunc(ls, func(x *LiveStory) bool { return x.ID == s.ID }) {
		t.Fatalf("storyline stories %v, %v", ls, err)
	}

	found, err := l.Search("Kanaani Sputnik", 10)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("search: %d", len(found))
	drones, err := l.Search("drones", 10)
	if err != nil || len(drones) == 0 {
		t.Fatalf("search drones: %v, %v", drones, err)
	}
	for i := 1; i < len(drones); i++ {
		if drones[i].Article.Seq > drones[i-1].Article.Seq {
			t.Fatalf("search results not newest first")
		}
	}
	if none, err := l.Search("xylophonequartz", 10); err != nil || len(none) != 0 {
		t.Fatalf("search for a word in no article: %v, %v", none, err)
	}
}

// TestLiveReplay checks that an engine restarted half-way answers the
// second half exactly as one that never stopped.
func TestLiveReplay(t *testing.T) {
	arts := readArticles(t, synthCorpus(t, 1200, 5))
	_, whole := openLive(t, "")
	for _, a := range arts {
		if _, err := whole.Ingest(a); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "data")
	st, half := openLive(t, dir)
	if _, err := half.IngestMany(arts[:700]); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, half = openLive(t, dir)
	res, err := half.IngestMany(arts[700:])
	if err != nil {
		t.Fatal(err)
	}
	differ := 0
	for i, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		w, err := whole.Article(arts[700+i].ID)
		if err != nil {
			t.Fatal(err)
		}
		r, err := half.Article(arts[700+i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if w.Story != r.Story || w.Storyline != r.Storyline || w.Group != r.Group || !slices.Equal(w.Relations, r.Relations) {
			differ++
			if differ < 5 {
				t.Errorf("%s: after restart story %s line %s group %q rel %v; without: %s %s %q %v",
					r.ID, r.Story, r.Storyline, r.Group, r.Relations, w.Story, w.Storyline, w.Group, w.Relations)
			}
		}
	}
	if differ > 0 {
		t.Fatalf("%d of %d answers differ after a restart", differ, len(res))
	}
	if half.Len() != whole.Len() {
		t.Fatalf("%d articles, want %d", half.Len(), whole.Len())
	}
	// Ids stored before the restart: the stored answers, or a conflict
	// for another text.
	again, err := half.IngestMany(arts[:50])
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range again {
		if r.Err != nil || r.New || r.Seq != uint64(i) {
			t.Fatalf("%s again after the restart: %+v", arts[i].ID, r)
		}
	}
	changed := arts[0]
	changed.Text += "\n\nA paragraph more."
	if _, err := half.Ingest(changed); !errors.Is(err, ErrConflict) {
		t.Fatalf("a stored id with another text after the restart: %v", err)
	}
}

// checkStoryCounts fails unless every story's and storyline's stored
// counts are those of its stored members.
func checkStoryCounts(t *testing.T, l *Live) {
	t.Helper()
	stories, _, err := l.Stories(StoryQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]int{}
	for _, s := range stories {
		arts, err := l.StoryArticles(s.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if s.Articles != len(arts) {
			t.Fatalf("story %s counts %d articles and holds %d", s.ID, s.Articles, len(arts))
		}
		lines[s.Storyline] += len(arts)
	}
	for id, n := range lines {
		ln, err := l.Storyline(id)
		if err != nil {
			t.Fatal(err)
		}
		if ln.Articles != n {
			t.Fatalf("storyline %s counts %d articles and its stories hold %d", id, ln.Articles, n)
		}
	}
}

func TestLiveDelete(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	st, l := openLive(t, dir)
	ans, seeds := ingestSeeds(t, l)
	id2, id4 := ans["002"].ID, ans["004"].ID
	s2 := ans["002"].Story
	before, err := l.Story(s2)
	if err != nil {
		t.Fatal(err)
	}
	// 002 represents the group {002, 004}; 004 relates to it.
	if err := l.Delete(id2); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Article(id2); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted article still there: %v", err)
	}
	a4, err := l.Article(id4)
	if err != nil {
		t.Fatal(err)
	}
	if a4.Group != "" || len(a4.Relations) != 0 {
		t.Fatalf("004 after deleting 002: group %q relations %v", a4.Group, a4.Relations)
	}
	after, err := l.Story(s2)
	if err != nil || after.Articles != before.Articles-1 {
		t.Fatalf("story after delete: %+v, %v", after, err)
	}
	arts, _ := l.StoryArticles(s2, 0)
	if len(arts) != 1 || arts[0].ID != id4 {
		t.Fatalf("story articles after delete: %v", arts)
	}
	if err := l.Delete(id2); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	// Its buckets are gone: a copy of 002 under a new id finds 004 only.
	again := seeds[2]
	if shortID(again.ID) != "002" {
		t.Fatal("seed order")
	}
	again.ID = "copy-of-002"
	got, err := l.Ingest(again)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Relations) != 1 || got.Relations[0].ID != id4 || got.Group != id4 {
		t.Fatalf("copy of deleted 002: relations %v group %q", got.Relations, got.Group)
	}
	checkStoryCounts(t, l)
	// Deleting the only article of a story removes the story.
	s3 := ans["003"].Story
	if err := l.Delete(ans["003"].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Story(s3); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("emptied story still there: %v", err)
	}
	page, _, _ := l.Stories(StoryQuery{Limit: 10})
	for _, s := range page {
		if s.ID == s3 {
			t.Fatalf("emptied story still listed")
		}
	}
	// Nothing of a deleted article is found by search.
	for _, a := range []string{id2, ans["003"].ID} {
		found, _ := l.Search("Iran", 50)
		for _, f := range found {
			if f.Article.ID == a {
				t.Fatalf("search finds deleted %s", a)
			}
		}
	}
	// A restart replays what is left.
	n := l.Len()
	st.Close()
	_, l = openLive(t, dir)
	if l.Len() != n || n != 4 {
		t.Fatalf("%d articles after restart, want %d (4)", l.Len(), n)
	}
	// A deleted id is free again; a kept one still answers as stored.
	for _, a := range seeds {
		got, err := l.Ingest(a)
		if err != nil {
			t.Fatal(err)
		}
		if deleted := a.ID == id2 || a.ID == ans["003"].ID; got.New != deleted {
			t.Fatalf("%s again: new %v, want %v", shortID(a.ID), got.New, deleted)
		}
	}
	checkStoryCounts(t, l)
}

func TestLiveCompare(t *testing.T) {
	_, l := openLive(t, "")
	ans, _ := ingestSeeds(t, l)
	c, err := l.Compare(ans["004"].ID, ans["002"].ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Relation.Relation != "near_duplicate" || len(c.Passages) == 0 {
		t.Fatalf("004 vs 002: %+v, %d passages", c.Relation, len(c.Passages))
	}
	covered := 0
	for _, p := range c.Passages {
		covered += p.Tokens
		if c.A.Text[p.AStart:p.AEnd] == "" || c.B.Text[p.BStart:p.BEnd] == "" {
			t.Fatalf("empty passage %+v", p)
		}
	}
	if covered < 300 {
		t.Fatalf("004 and 002 share %d tokens in passages", covered)
	}
	r, err := l.Compare(ans["000"].ID, ans["001"].ID)
	if err != nil || r.Relation.Relation != "" || len(r.Passages) > 3 {
		t.Fatalf("000 vs 001 (a rewrite, not a copy): %+v, %d passages, %v", r.Relation, len(r.Passages), err)
	}
	if _, err := l.Compare("nope", ans["000"].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
}

// TestLiveSearchStems checks search by stems on the seeds: plurals and
// inflections match, stop words alone match nothing, snippets mark the
// matched words exactly, deleted articles are not found.
func TestLiveSearchStems(t *testing.T) {
	_, l := openLive(t, "")
	ans, _ := ingestSeeds(t, l)
	found := func(q string) []string {
		t.Helper()
		hits, err := l.Search(q, 20)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for i, h := range hits {
			if i > 0 && h.Article.Seq > hits[i-1].Article.Seq {
				t.Fatalf("%q: not newest first", q)
			}
			ids = append(ids, h.Article.ID)
			sn := h.Snippet
			if len(sn.Text) > snippetLen+2*len("… ") {
				t.Errorf("%q: snippet of %d bytes", q, len(sn.Text))
			}
			for _, m := range sn.Marks {
				w := sn.Text[m[0]:m[1]]
				if !slices.ContainsFunc(strings.Fields(q), func(qw string) bool {
					return stemOf(qw) == stemOf(w)
				}) {
					t.Errorf("%q in %s: mark %v is %q", q, h.Article.ID, m, w)
				}
			}
			if len(sn.Marks) == 0 {
				t.Errorf("%q in %s: no marks in snippet %q", q, h.Article.ID, sn.Text)
			}
		}
		return ids
	}
	want := func(q string, seeds ...string) {
		t.Helper()
		got := found(q)
		var ids []string
		for i := len(seeds) - 1; i >= 0; i-- {
			ids = append(ids, ans[seeds[i]].ID)
		}
		if !slices.Equal(got, ids) {
			t.Fatalf("%q: %v, want %v", q, got, ids)
		}
	}
	want("drones", "000", "001", "002", "004")
	want("drone", "000", "001", "002", "004")
	want("denies", "001")
	want("the of and")
	want("xylophonequartz")
	if err := l.Delete(ans["002"].ID); err != nil {
		t.Fatal(err)
	}
	want("drones", "000", "001", "004")
}

// stemOf returns the stem of the one word w (as search stems it).
func stemOf(w string) uint32 {
	var d text.Doc
	d.Tokenize(w)
	ws := text.Words(nil, w, d.Tokens, text.Undetermined)
	if len(ws) != 1 {
		return 0
	}
	return ws[0].Stem
}

func TestSnippet(t *testing.T) {
	set := func(words ...string) [][]uint32 {
		var s []uint32
		for _, w := range words {
			s = append(s, stemOf(w))
		}
		slices.Sort(s)
		return [][]uint32{s}
	}
	long := strings.Repeat("Filler words go here and there. ", 20)
	for _, c := range []struct {
		text  string
		q     []string
		want  string
		marks []string
	}{
		{"Drones flew.\n\nThe drone  fell.", []string{"drones"}, "Drones flew. The drone fell.", []string{"Drones", "drone"}},
		{long + "Then the drones came back, denying it.", []string{"drone", "denied"}, "", []string{"drones", "denying"}},
		{"No match here.", []string{"zebra"}, "No match here.", nil},
		{"", []string{"zebra"}, "", nil},
	} {
		sn := snippet(c.text, "en", set(c.q...))
		if c.want != "" && sn.Text != c.want {
			t.Errorf("%q: %q, want %q", c.text, sn.Text, c.want)
		}
		if len(sn.Text) > snippetLen+2*len("… ") {
			t.Errorf("%q: %d bytes", c.text, len(sn.Text))
		}
		var marks []string
		for _, m := range sn.Marks {
			marks = append(marks, sn.Text[m[0]:m[1]])
		}
		if !slices.Equal(marks, c.marks) {
			t.Errorf("%q: marks %q, want %q", sn.Text, marks, c.marks)
		}
		if len(c.text) > snippetLen && !strings.HasPrefix(sn.Text, "… ") {
			t.Errorf("cut snippet %q without an ellipsis", sn.Text)
		}
	}
}
