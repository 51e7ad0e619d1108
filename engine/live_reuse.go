package engine

import (
	"container/list"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/provenance"
	"github.com/reprint-news/reprint/store"
	"github.com/reprint-news/reprint/text"
)

// Text reuse in the live engine.
//
// When an article has been placed in its story (the write stage), it is
// compared for text reuse (reuse.go) with the Config.StoryPairs most recent
// articles of that story, the answers with a relation other than none
// are kept in its record (LiveArticle.Reuse), and each of those articles
// gets a back-reference under its own sequence number (r/ older, newer →
// the answer), so that an article answers what later articles took from
// it ("copied by") without a scan. Document frequencies are those of the
// articles before it (the write stage counts an article's stems after its
// own comparisons, and replay counts them in the same order), so that a
// pipelined batch and the same articles one by one weigh words alike;
// boilerplate is the engine's as of the article written
// (live_boiler.go), whatever the dedup stage has taken in since, so that
// a pipelined batch and the same articles one by one leave out the same
// lines (TestExportSameState). The batch run compares each article with the
// Config.StoryPairs articles before it in publication order; the service,
// in arrival order, with the most recent ones: on the same articles in
// the same order, they give the same relations (TestReuseBatchAndLive).
//
// Prepared articles are kept in a small cache (reuseCacheSize, by
// sequence number, least recently used dropped first), since an article
// is compared with each of the next few of its story.

// reuseCacheSize is how many prepared articles the live engine keeps
// (about 60 KB each): the latest articles of the stories being written
// to. At 256, a generated corpus's interleaved stories missed the cache
// for most of them (790 against 1,020 articles/s in a 30k bulk load).
const reuseCacheSize = 2048

const livePrefixReuse = "r/"

// LiveReuse is one reuse relation of a stored article, as stored with it
// (the other article came before it) or in the back-reference of the
// earlier one.
type LiveReuse struct {
	ID         string  `json:"id"` // the other article
	Relation   string  `json:"relation"`
	Container  string  `json:"container,omitempty"`
	Source     string  `json:"source,omitempty"` // the earlier published of the two; "" undirected
	Direction  string  `json:"direction"`
	Note       string  `json:"note,omitempty"`
	Coverage   float64 `json:"coverage"`       // share of this article found in the other
	CoverageO  float64 `json:"coverage_other"` // share of the other found in this one
	Similarity float64 `json:"similarity"`
}

// reuseOf turns an answer (a = this article) into its LiveReuse.
func reuseOf(ans *ReuseSummary) LiveReuse {
	r := LiveReuse{ID: ans.B, Relation: ans.Relation, Container: ans.Container, Direction: ans.Direction, Note: ans.Note,
		Coverage: ans.CoverageA, CoverageO: ans.CoverageB, Similarity: ans.Similarity}
	if ans.Source != nil {
		r.Source = *ans.Source
	}
	return r
}

// summary is the relation as the batch run gives it, with id as a.
func (r LiveReuse) summary(id string) ReuseSummary {
	s := ReuseSummary{A: id, B: r.ID, Relation: r.Relation, Container: r.Container, Direction: r.Direction, Note: r.Note,
		CoverageA: r.Coverage, CoverageB: r.CoverageO, Similarity: r.Similarity}
	if r.Source != "" {
		src := r.Source
		s.Source = &src
	}
	return s
}

// flip returns the relation as the other article sees it (with id as the
// other).
func (r LiveReuse) flip(id string) LiveReuse {
	r.ID, r.Coverage, r.CoverageO = id, r.CoverageO, r.Coverage
	return r
}

// reuseCache keeps prepared articles by sequence number (writer's), the
// least recently used dropped first: the latest articles of a story that
// keeps receiving articles stay, however many other stories are written
// to meanwhile. Which articles it holds changes no answer: an article
// prepared again from its record is the same (prepareFrozen).
type reuseCache struct {
	mu    sync.Mutex
	m     map[uint64]*list.Element // → *reuseEntry
	order list.List                // most recently used first
}

type reuseEntry struct {
	seq uint64
	p   *reusePrepared
}

func (c *reuseCache) get(seq uint64) *reusePrepared {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[seq]
	if !ok {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*reuseEntry).p
}

func (c *reuseCache) put(seq uint64, p *reusePrepared) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[uint64]*list.Element{}
	}
	if e, ok := c.m[seq]; ok {
		c.order.MoveToFront(e)
		return
	}
	if c.order.Len() >= reuseCacheSize {
		last := c.order.Back()
		delete(c.m, last.Value.(*reuseEntry).seq)
		c.order.Remove(last)
	}
	c.m[seq] = c.order.PushFront(&reuseEntry{seq: seq, p: p})
}

func (c *reuseCache) reset() {
	c.mu.Lock()
	c.m = nil
	c.order.Init()
	c.mu.Unlock()
}

// reuseEnv returns the environment of the engine's comparisons (the
// caller holds l.rmu for the boilerplate statistics while it prepares).
func (l *Live) reuseEnv(now time.Time) *reuseEnv {
	l.rmu.RLock() // a rebuild replaces the statistics
	df, bp := l.df, l.bp
	l.rmu.RUnlock()
	return newReuseEnv(l.cfg, df, bp.Has, now)
}

// reuseEnvAsOf is reuseEnv with the boilerplate as of article seq
// (live_boiler.go): the write stage's, whatever the dedup stage has taken
// in since.
func (l *Live) reuseEnvAsOf(now time.Time, seq uint64) *reuseEnv {
	l.rmu.RLock()
	df, bp, j := l.df, l.bp, &l.bpj
	l.rmu.RUnlock()
	return newReuseEnv(l.cfg, df, func(h uint64) bool { return j.has(bp, seq, h) }, now)
}

// liveReuseArticle is what reuse needs of a stored article.
func liveReuseArticle(a *LiveArticle) *ReuseArticle {
	return &ReuseArticle{ID: a.ID, Source: a.Source, Title: a.Title, Text: a.Text, Published: a.Published, PublishedFrom: a.PublishedFrom, Lang: a.Lang}
}

// preparedOf returns stored article a prepared, from the cache or made
// with env; t is its text analyzed, when the caller has it (nil: analyzed
// here). Only the write stage keeps what it made in the cache (keep), so
// that the relations it finds depend on the articles written, not on the
// reads served meanwhile.
func (l *Live) preparedOf(env *reuseEnv, a *LiveArticle, t *match.Text, keep bool) *reusePrepared {
	if p := l.reuse.get(a.Seq); p != nil && p.a.ID == a.ID {
		return p
	}
	ra := liveReuseArticle(a)
	if t == nil { // the text alone: outside the lock
		t = analyzeReuse(ra, nil)
	}
	var p *reusePrepared
	var f match.Frozen
	if len(a.Prep) > 0 && f.UnmarshalBinary(a.Prep) == nil {
		p = env.prepareFrozen(ra, t, &f)
	} else { // a record written before records kept it
		l.rmu.RLock() // the boilerplate statistics
		p = env.prepare(ra, t)
		l.rmu.RUnlock()
	}
	if keep {
		l.reuse.put(a.Seq, p)
	}
	return p
}

// relateReuse compares new article rec (in story num, its record about
// to be written in b; t its text analyzed) with the most recent articles
// of its story, and puts the relations in rec and the back-references in
// b.
func (l *Live) relateReuse(b store.Batch, rec *LiveArticle, num uint64, t *match.Text) error {
	if !l.cfg.Relations || l.cfg.StoryPairs <= 0 {
		return nil
	}
	// The latest articles of the story by sequence number; an article
	// prepared before is taken from the cache without reading its record.
	seqs, err := collect(l.st, seqKey(livePrefixStoryMember, num), true, l.cfg.StoryPairs, func(seq uint64) (uint64, error) { return seq, nil })
	if err != nil {
		return err
	}
	rec.Reuse, rec.Prep = nil, nil
	env := l.reuseEnvAsOf(rec.Received, rec.Seq)
	if len(seqs) == 0 {
		// Nothing to compare with yet: only what a later comparison will
		// prepare it with.
		if t == nil {
			t = analyzeReuse(liveReuseArticle(rec), nil)
		}
		l.rmu.RLock() // the boilerplate statistics
		f := t.Freeze(env.matchEnv())
		l.rmu.RUnlock()
		rec.Prep, _ = f.MarshalBinary()
		return nil
	}
	p := l.preparedOf(env, rec, t, true)
	rec.Prep, _ = p.frozen.MarshalBinary()
	// Oldest first, as the batch run lists them. The comparisons are
	// independent: they run on all cores (a single article's answer waits
	// for them), and their answers are kept in that order.
	slices.Reverse(seqs)
	seqs = slices.DeleteFunc(seqs, func(seq uint64) bool { return seq == rec.Seq })
	answers := make([]ReuseSummary, len(seqs))
	errs := make([]error, len(seqs))
	parallel(len(seqs), 0, func(i int) {
		op := l.reuse.get(seqs[i])
		if op == nil {
			o, err := l.bySeq(seqs[i])
			if errors.Is(err, store.ErrNotFound) {
				return // deleted since
			} else if err != nil {
				errs[i] = err
				return
			}
			op = l.preparedOf(env, o, nil, true)
		}
		answers[i] = env.summarize(p, op)
	})
	for i, seq := range seqs {
		if errs[i] != nil {
			return errs[i]
		}
		ans := &answers[i]
		if ans.Relation == "" || ans.Relation == match.None.String() {
			continue
		}
		r := reuseOf(ans)
		rec.Reuse = append(rec.Reuse, r)
		if err := putJSON(b, seqKey(livePrefixReuse, seq, rec.Seq), r.flip(rec.ID)); err != nil {
			return err
		}
	}
	return nil
}

// ArticleReuse returns every reuse relation of stored article a: those
// found when it came in (with earlier articles of its story) and those
// later articles found with it, the latter from its back-references.
func (l *Live) ArticleReuse(a *LiveArticle) ([]LiveReuse, error) {
	out := slices.Clone(a.Reuse)
	prefix := seqKey(livePrefixReuse, a.Seq)
	err := l.st.Scan(prefix, store.PrefixEnd(prefix), func(k, v []byte) error {
		var r LiveReuse
		if err := decodeRecord(v, &r); err != nil {
			return fmt.Errorf("reuse record of %s: %w", a.ID, err)
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// CopiedBy returns the ids of the articles that took from a (a is the
// source of their relation), and those a took from.
func CopiedBy(a *LiveArticle, rels []LiveReuse) (copiedBy, copiedFrom []string) {
	for _, r := range rels {
		if !match.Relation(r.Relation).Copy() {
			continue
		}
		switch r.Source {
		case a.ID:
			copiedBy = append(copiedBy, r.ID)
		case r.ID:
			copiedFrom = append(copiedFrom, r.ID)
		}
	}
	return copiedBy, copiedFrom
}

// StoryProvenance returns the provenance graph of story id from its
// articles' reuse relations (up to limit articles, arrival order).
func (l *Live) StoryProvenance(id string, limit int) (*provenance.Graph, error) {
	if _, err := l.Story(id); err != nil {
		return nil, err
	}
	return l.storyProvenance(id, limit)
}

// storyProvenance is StoryProvenance of a story known to exist.
func (l *Live) storyProvenance(id string, limit int) (*provenance.Graph, error) {
	arts, err := l.StoryArticles(id, limit)
	if err != nil {
		return nil, err
	}
	window := l.cfg.Story.window(time.Now())
	var nodes []provenance.Article
	var rels []provenance.Relation
	for _, a := range arts {
		nodes = append(nodes, provenanceNode(liveReuseArticle(a), window))
		for _, r := range a.Reuse {
			s := r.summary(a.ID)
			rels = append(rels, s.provenance())
		}
	}
	g := provenance.Build(id, nodes, rels)
	return &g, nil
}

// CompareReuse compares stored articles a and b for text reuse, with the
// engine's document frequencies and boilerplate of now. Two articles of
// different stories are not same_story (ReuseAnswer.keepStoriesApart).
func (l *Live) CompareReuse(a, b *LiveArticle) ReuseAnswer { return l.compareReuse(a, b, nil, nil) }

// compareReuse is CompareReuse with the two tokenized texts when the
// caller has them (nil: tokenized here).
func (l *Live) compareReuse(a, b *LiveArticle, da, db *text.Doc) ReuseAnswer {
	env := l.reuseEnv(time.Now())
	prep := func(x *LiveArticle, d *text.Doc) *reusePrepared {
		var t *match.Text
		if p := l.reuse.get(x.Seq); p == nil && d != nil {
			t = analyzeReuse(liveReuseArticle(x), d)
		}
		return l.preparedOf(env, x, t, false)
	}
	ans := env.compare(prep(a, da), prep(b, db))
	ans.WithSpans()
	line := func(story string) string {
		if s, err := l.Story(story); err == nil {
			return s.Storyline
		}
		return ""
	}
	if ans.Relation == match.SameStory.String() && a.Story != b.Story {
		ans.keepStoriesApart(a.Story, b.Story, line(a.Story), line(b.Story))
	}
	return ans
}

// deleteReuse removes article a's reuse records: its back-references and
// those it left in the articles it related to.
func (l *Live) deleteReuse(b store.Batch, a *LiveArticle, load func(string) (*LiveArticle, error)) error {
	prefix := seqKey(livePrefixReuse, a.Seq)
	var later []string
	err := l.st.Scan(prefix, store.PrefixEnd(prefix), func(k, v []byte) error {
		b.Delete(slices.Clone(k))
		var r LiveReuse
		if err := decodeRecord(v, &r); err != nil {
			return fmt.Errorf("reuse record of %s: %w", a.ID, err)
		}
		later = append(later, r.ID)
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range later {
		r, err := load(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		r.Reuse = slices.DeleteFunc(r.Reuse, func(x LiveReuse) bool { return x.ID == a.ID })
	}
	for _, r := range a.Reuse {
		o, err := l.get(r.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		b.Delete(seqKey(livePrefixReuse, o.Seq, a.Seq))
	}
	l.reuse.reset()
	return nil
}

// reuseCounts returns whether article rec is a copy (exact,
// near_duplicate or contains of an earlier article, or undirected) and
// whether it is a rewrite (rewrite or partial), by its own relations.
func reuseCounts(rec *LiveArticle) (copied, rewrote int) {
	for _, r := range rec.Reuse {
		if r.Source == rec.ID {
			continue
		}
		switch match.Relation(r.Relation) {
		case match.Exact, match.NearDuplicate, match.Contains:
			copied = 1
		case match.Rewrite, match.Partial:
			rewrote = 1
		}
	}
	if copied == 1 {
		rewrote = 0
	}
	return copied, rewrote
}

// OutletFlows sums the provenance graphs of the most recent stories (up to
// stories of them, newest updated first; From and To of q bound their
// span, Source keeps those with an article of that outlet) per outlet, as
// the batch run's outlets.jsonl does over all stories
// (provenance.Outlets): which outlets each takes from and how often. It
// returns the outlets and the number of stories summed. Each story counts
// its first perStory articles.
func (l *Live) OutletFlows(q StoryQuery, stories, perStory int) ([]provenance.Outlet, int, error) {
	q.Sort, q.Cursor = "recent", ""
	var graphs []provenance.Graph
	for len(graphs) < stories {
		q.Limit = min(500, stories-len(graphs))
		page, next, err := l.Stories(q)
		if err != nil {
			return nil, 0, err
		}
		for _, s := range page {
			g, err := l.storyProvenance(s.ID, perStory)
			if err != nil {
				return nil, 0, err
			}
			if len(g.Nodes) == 0 {
				continue // deleted since it was listed
			}
			graphs = append(graphs, *g)
		}
		if next == "" || len(page) == 0 {
			break
		}
		q.Cursor = next
	}
	return provenance.Outlets(graphs), len(graphs), nil
}
