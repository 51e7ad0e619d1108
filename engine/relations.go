package engine

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/reprint-news/reprint/article"
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
// are prepared once), and the output is in story order, so it does not
// depend on the number of workers.

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
	story    int
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

// relations compares the articles of every story of two or more (docs of
// story s: storyDocs[s], in the story pass's order) and fills
// res.Relations, res.Provenance and res.Outlets.
func (r *run) relations(res *Result, storyDocs [][]uint32) error {
	t0 := time.Now()
	if err := r.texts.flush(); err != nil {
		return err
	}
	// Every article is counted and the boilerplate decided by now.
	env := newReuseEnv(r.cfg, r.df, r.bpSet.Has, time.Now()).withFinal(r.df)
	// The pieces, longest first, so that the last to finish are short.
	var pieces []storyRelations
	for s, docs := range storyDocs {
		if len(docs) < 2 {
			continue
		}
		for from := 0; from < len(docs); from += relationChunk {
			pieces = append(pieces, storyRelations{story: s, from: from, to: min(len(docs), from+relationChunk)})
		}
	}
	order := make([]int, len(pieces))
	for i := range order {
		order[i] = i
	}
	size := func(i int) int { return pieces[i].to - pieces[i].from }
	slices.SortStableFunc(order, func(i, j int) int { return size(j) - size(i) })
	parallel(len(pieces), r.cfg.Workers, func(k int) {
		r.storyRelations(env, &pieces[order[k]], res.Stories[pieces[order[k]].story].ID, storyDocs[pieces[order[k]].story])
	})
	var graphs []provenance.Graph
	for i := 0; i < len(pieces); {
		s := pieces[i].story
		var nodes []provenance.Article
		var edges []provenance.Relation
		for ; i < len(pieces) && pieces[i].story == s; i++ {
			p := &pieces[i]
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
	return nil
}

// storyRelations compares the articles sr.from..sr.to-1 of a story (docs)
// each with the StoryPairs articles before it.
func (r *run) storyRelations(env *reuseEnv, sr *storyRelations, story string, docs []uint32) {
	from, to := sr.from, sr.to
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
