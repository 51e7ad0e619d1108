package engine

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/cluster"
	"github.com/reprint-news/reprint/provenance"
)

// Text reuse within stories (`reprint stories`: relations.jsonl,
// provenance.jsonl, outlets.jsonl).
//
// After the story pass, the articles of every story of two or more are
// compared pairwise for text reuse (reuse.go): each article with the
// Config.StoryPairs articles before it in the story's publication order,
// so that a story of hundreds of articles costs a bounded number of
// alignments per article. Stage 1 spilled every article (id, outlet,
// title, text, publication time, language) to a text spill and counted
// its stems for the document frequencies; boilerplate is the run's. Every
// pair with a relation other than none is reported, with its direction;
// from them each story gets its provenance graph (package provenance),
// and the outlets their flows.
//
// Stories are compared in parallel, each on one goroutine (its articles
// are prepared once), beside the story pass: a story is handed to the
// workers as soon as no later article can join it (relationStage). The
// output is in story order, so it depends neither on the number of
// workers nor on when each story was compared.

// Relation is one related pair of articles of a story.
type Relation struct {
	Story string `json:"story"`
	ReuseSummary
}

// ReuseSummary is the relation of two articles without its evidence.
type ReuseSummary struct {
	A string `json:"a"`
	B string `json:"b"`
	// Relation is exact, near_duplicate, contains, rewrite, partial,
	// same_story or none.
	Relation string `json:"relation"`
	// Container is, for contains, the id of the article that holds the
	// other.
	Container string `json:"container,omitempty"`
	// Source is the id of the earlier article, the one the other took
	// from; nil when the direction is unknown (Direction "undirected").
	Source *string `json:"source"`
	// Direction says how the source was told: "published" (publication
	// times), "attribution" (the derived text names the source's outlet)
	// or "undirected"; Note says why when undirected (or, in a compare,
	// why alike reports are not same_story).
	Direction string `json:"direction"`
	Note      string `json:"note,omitempty"`
	// CoverageA and CoverageB are the shares of each article's content
	// found in the other, verbatim or paraphrased (quotations both carry
	// left out).
	CoverageA float64 `json:"coverage_a"`
	CoverageB float64 `json:"coverage_b"`
	// Similarity is how close the two are as reports of one event (0–1,
	// for ranking).
	Similarity float64 `json:"similarity"`
}

// provenance is the relation as an edge of a provenance graph.
func (s *ReuseSummary) provenance() provenance.Relation {
	pr := provenance.Relation{A: s.A, B: s.B, Relation: s.Relation, CoverageA: s.CoverageA, CoverageB: s.CoverageB, Similarity: s.Similarity}
	if s.Source != nil {
		pr.Source = *s.Source
	}
	return pr
}

// encodeReuseArticle appends an article's reuse record (text spill).
func encodeReuseArticle(b []byte, a *article.Article, lang string) []byte {
	for _, s := range []string{a.ID, a.Source, a.Title, a.Text, a.PublishedFrom, lang} {
		b = appendString(b, s)
	}
	var t int64
	if !a.Published.IsZero() {
		t = a.Published.UnixNano()
	}
	return binary.AppendVarint(b, t)
}

func decodeReuseArticle(b []byte) (*ReuseArticle, error) {
	d := decoder{b: b}
	a := &ReuseArticle{ID: d.str(), Source: d.str(), Title: d.str(), Text: d.str(), PublishedFrom: d.str(), Lang: d.str()}
	t, n := binary.Varint(d.b)
	if d.err != nil || n <= 0 {
		return nil, fmt.Errorf("text spill corrupt")
	}
	if t != 0 {
		a.Published = time.Unix(0, t).UTC()
	}
	return a, nil
}

// storyRelations is one piece of a story's part of the relation stage:
// the comparisons of its articles from..to-1 with those before them.
type storyRelations struct {
	id       string   // the story's
	docs     []uint32 // the story's articles, final
	from, to int
	compared int
	rels     []Relation
	nodes    []provenance.Article
	edges    []provenance.Relation
	err      error
}

// relationChunk is the most articles of a story one piece of the relation
// stage compares: a story of thousands of articles is cut into pieces
// the workers share, each preparing the StoryPairs articles before its
// first again.
var relationChunk = 256

// relationStage is the relation stage, run beside the story pass: the
// pass tells it of every story it opens (opened) and every duplicate
// group it places (placed), and at each batch of articles hands over the
// stories no later article can join (handOver): closed by the clusterer
// (out of its time window, never again a candidate) and past the last
// later member of the duplicate groups placed in them (which join a story
// whatever its state). The stories still open at the end follow (finish).
// Comparing them thus takes the CPU the serial clusterer leaves idle. The
// answers do not depend on when a story was handed over: every piece is
// compared alone, and wait puts them together in story order.
//
// A nil stage (a run without text reuse) does nothing.
type relationStage struct {
	r      *run
	env    *reuseEnv
	pieces [][]*storyRelations // by story; only the story pass touches it
	// The pass's hand-over: the stories closed and not handed over yet;
	// by story, the entry of the last later member of its groups; by
	// group, the entry of its last member.
	closing     []int
	pending     []int
	lastOfGroup []int
	early       int // stories handed over during the pass

	mu      sync.Mutex
	cond    sync.Cond
	queue   []*storyRelations
	closed  bool
	workers sync.WaitGroup
}

// relationsBesidePass lets the story pass hand stories over as they
// become final; when false, every story is handed over after the pass
// (for tests: the answers must be the same).
var relationsBesidePass = true

// relationStageDone, when set, is called with the stage when it is done
// (for tests).
var relationStageDone func(*relationStage)

// startRelations starts the relation stage's workers (Config.Workers)
// beside the story pass over entries (groupOf: their duplicate groups),
// whose clusterer is online; nil without text reuse. Every article is
// counted and the boilerplate decided by then.
func (r *run) startRelations(entries []storyEntry, groupOf map[uint32]int, online *cluster.Online) (*relationStage, error) {
	if !r.cfg.Relations {
		return nil, nil
	}
	if err := r.texts.flush(); err != nil {
		return nil, err
	}
	rs := &relationStage{r: r, env: newReuseEnv(r.cfg, r.df, r.bpSet.Has, time.Now()).withFinal(r.df)}
	rs.cond.L = &rs.mu
	rs.lastOfGroup = make([]int, len(r.groups))
	for k, e := range entries {
		if gi, ok := groupOf[e.doc]; ok {
			rs.lastOfGroup[gi] = k
		}
	}
	if relationsBesidePass {
		online.OnClose(func(s int) { rs.closing = append(rs.closing, s) })
	}
	workers := r.cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	for range workers {
		rs.workers.Add(1)
		go func() {
			defer rs.workers.Done()
			for p := rs.next(); p != nil; p = rs.next() {
				r.storyRelations(rs.env, p)
			}
		}()
	}
	return rs, nil
}

// opened notes the story the pass just opened (they are numbered in
// order).
func (rs *relationStage) opened() {
	if rs != nil {
		rs.pending = append(rs.pending, -1)
	}
}

// placed notes that the first member of duplicate group g went to story
// s: its later members join s too.
func (rs *relationStage) placed(s, g int) {
	if rs != nil {
		rs.pending[s] = max(rs.pending[s], rs.lastOfGroup[g])
	}
}

// handOver hands over the closed stories that no entry from k on joins
// (storyDocs: every story's articles so far).
func (rs *relationStage) handOver(k int, storyDocs [][]uint32) {
	if rs == nil {
		return
	}
	keep := rs.closing[:0]
	for _, s := range rs.closing {
		if rs.pending[s] >= k {
			keep = append(keep, s)
			continue
		}
		rs.early++
		rs.enqueue(rs.cut(s, storyDocs[s]))
	}
	rs.closing = keep
}

// next returns the next piece to compare, waiting for one; nil when the
// stage is closed and the queue empty.
func (rs *relationStage) next() *storyRelations {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for len(rs.queue) == 0 && !rs.closed {
		rs.cond.Wait()
	}
	if len(rs.queue) == 0 {
		return nil
	}
	p := rs.queue[0]
	rs.queue = rs.queue[1:]
	return p
}

// cut returns the pieces of story s (articles docs, final), or none for a
// story of one article.
func (rs *relationStage) cut(s int, docs []uint32) []*storyRelations {
	for len(rs.pieces) <= s {
		rs.pieces = append(rs.pieces, nil)
	}
	if len(docs) < 2 {
		return nil
	}
	for from := 0; from < len(docs); from += relationChunk {
		rs.pieces[s] = append(rs.pieces[s], &storyRelations{id: storyIDAt(s), docs: docs, from: from, to: min(len(docs), from+relationChunk)})
	}
	return rs.pieces[s]
}

// enqueue hands pieces to the workers.
func (rs *relationStage) enqueue(ps []*storyRelations) {
	if len(ps) == 0 {
		return
	}
	rs.mu.Lock()
	rs.queue = append(rs.queue, ps...)
	rs.mu.Unlock()
	rs.cond.Broadcast()
}

// finish hands over the stories not handed over yet (storyDocs: every
// story's articles; one of two or more was handed over if it has
// pieces), the longest pieces first, so that the last to finish are
// short.
func (rs *relationStage) finish(storyDocs [][]uint32) {
	if rs == nil {
		return
	}
	var rest []*storyRelations
	for s, docs := range storyDocs {
		if s >= len(rs.pieces) || rs.pieces[s] == nil {
			rest = append(rest, rs.cut(s, docs)...)
		}
	}
	slices.SortStableFunc(rest, func(a, b *storyRelations) int { return (b.to - b.from) - (a.to - a.from) })
	rs.enqueue(rest)
}

// stop lets the workers end once the queue is empty, and waits for them.
func (rs *relationStage) stop() {
	rs.mu.Lock()
	rs.closed = true
	rs.mu.Unlock()
	rs.cond.Broadcast()
	rs.workers.Wait()
}

// abandon is stop for a pass that failed: the pieces not begun are
// dropped. After wait it does nothing.
func (rs *relationStage) abandon() {
	if rs == nil {
		return
	}
	rs.mu.Lock()
	rs.queue = nil
	rs.mu.Unlock()
	rs.stop()
}

// wait waits for every piece handed over and fills res.Relations,
// res.Provenance and res.Outlets, in story order. The stage's time is
// what it takes after the story pass.
func (rs *relationStage) wait(res *Result) error {
	if rs == nil {
		return nil
	}
	t0 := time.Now()
	rs.stop()
	r := rs.r
	var graphs []provenance.Graph
	for s, ps := range rs.pieces {
		if len(ps) == 0 {
			continue
		}
		var nodes []provenance.Article
		var edges []provenance.Relation
		for _, p := range ps {
			if p.err != nil {
				return p.err
			}
			res.Relations = append(res.Relations, p.rels...)
			r.stats.RelationsCompared += p.compared
			nodes, edges = append(nodes, p.nodes...), append(edges, p.edges...)
		}
		graphs = append(graphs, provenance.Build(res.Stories[s].ID, nodes, edges))
	}
	res.Provenance = graphs
	res.Outlets = provenance.Outlets(graphs)
	r.stats.Relations = map[string]int{}
	for _, rel := range res.Relations {
		r.stats.Relations[rel.Relation]++
	}
	r.stages["relations"] = time.Since(t0)
	if relationStageDone != nil {
		relationStageDone(rs)
	}
	return nil
}

// storyRelations compares the articles sr.from..sr.to-1 of a story (docs)
// each with the StoryPairs articles before it.
func (r *run) storyRelations(env *reuseEnv, sr *storyRelations) {
	from, to, story, docs := sr.from, sr.to, sr.id, sr.docs
	// The StoryPairs articles before the current one, prepared (a ring):
	// a story of thousands of articles holds only those in memory.
	window := make([]*reusePrepared, max(1, r.cfg.StoryPairs))
	var buf []byte
	for k := max(0, from-r.cfg.StoryPairs); k < to; k++ {
		d := &r.docs[docs[k]]
		var err error
		if buf, err = r.texts.readAt(d.textOff, int(d.textLen), buf); err != nil {
			sr.err = err
			return
		}
		a, err := decodeReuseArticle(buf)
		if err != nil {
			sr.err = err
			return
		}
		p := env.prepare(a, nil)
		if k < from {
			window[k%len(window)] = p
			continue
		}
		sr.nodes = append(sr.nodes, env.node(a))
		for j := max(0, k-r.cfg.StoryPairs); j < k; j++ {
			sum := env.summarize(window[j%len(window)], p)
			sr.compared++
			if sum.Relation == "none" {
				continue
			}
			sr.rels = append(sr.rels, Relation{Story: story, ReuseSummary: sum})
			sr.edges = append(sr.edges, sum.provenance())
		}
		window[k%len(window)] = p
	}
}
