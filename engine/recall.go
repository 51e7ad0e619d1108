package engine

import (
	"context"
	"time"

	"github.com/reprint-news/reprint/index"
	"github.com/reprint-news/reprint/match"
)

// RecallReport compares the pairs the pipeline found with the exact answer.
type RecallReport struct {
	// MinJaccard is the similarity from which pairs are expected to be
	// found (Threshold + 0.05 in the acceptance check).
	MinJaccard float64 `json:"min_jaccard"`
	// Expected is the number of article pairs with exact Jaccard ≥ MinJaccard.
	Expected int `json:"expected"`
	// Found is how many of those the pipeline reported (directly, or
	// through exact copies of a reported article).
	Found int `json:"found"`
	// Recall is Found / Expected (1 when nothing is expected).
	Recall float64 `json:"recall"`
	// Missed lists up to 20 missed pairs with their exact Jaccard.
	Missed []Pair `json:"missed,omitempty"`
	// AllPairs is the time the exact all-pairs computation took.
	AllPairs time.Duration `json:"-"`
}

// DedupWithRecall runs Dedup and then checks LSH recall against an exact
// all-pairs computation over the same shingle sets: a shingle → articles
// inverted index, from which every pair's intersection size is counted.
// Precision needs no check: every reported pair was verified on the real
// sets. Exact all-pairs costs the sum of squared posting-list lengths, so
// use it on corpora up to a few hundred thousand articles.
func DedupWithRecall(ctx context.Context, paths []string, cfg Config, minJaccard float64) (*Result, *RecallReport, error) {
	r, err := newRun(cfg)
	if err != nil {
		return nil, nil, err
	}
	defer r.close()
	start := time.Now()
	if err := r.ingest(ctx, paths); err != nil {
		return nil, nil, err
	}
	res, err := r.finish(ctx, start)
	if err != nil {
		return nil, nil, err
	}
	rep, err := r.recall(ctx, res, minJaccard)
	return res, rep, err
}

func (r *run) recall(ctx context.Context, res *Result, minJ float64) (*RecallReport, error) {
	t0 := time.Now()
	rep := &RecallReport{MinJaccard: minJ}
	// Exact-class representative of every article: pairs through exact
	// copies count as found.
	class := make([]uint32, len(r.docs))
	for i := range class {
		class[i] = uint32(i)
	}
	found := make(map[[2]uint32]bool)
	for _, p := range res.Pairs {
		if p.Relation == match.Exact {
			class[p.bi] = p.ai
		}
	}
	key := func(a, b uint32) [2]uint32 {
		a, b = class[a], class[b]
		if a > b {
			a, b = b, a
		}
		return [2]uint32{a, b}
	}
	for _, p := range res.Pairs {
		if p.Relation == match.NearDuplicate || p.Relation == match.Exact || p.Relation == match.Contains {
			found[key(p.ai, p.bi)] = true
		}
	}
	// Inverted index, packed: every (shingle, article) entry sorted by
	// shingle; runs of two or more articles are the posting lists.
	var entries []uint64
	var sb setBuilder
	setLen := make([]uint32, len(r.docs))
	for i := range r.docs {
		if r.docs[i].status != statusOK {
			continue
		}
		set, err := sb.readSet(r, uint32(i))
		if err != nil {
			return nil, err
		}
		setLen[i] = uint32(len(set))
		for _, s := range set {
			entries = append(entries, uint64(s)<<32|uint64(i))
		}
	}
	scratch := make([]uint64, len(entries))
	index.SortUint64(entries, scratch)
	var postDocs []uint32 // docs of all shared shingles, run after run
	var runStart []uint32 // run k is postDocs[runStart[k]:runStart[k+1]]
	byDoc := scratch[:0]  // (doc, run) entries, to be sorted by doc
	for lo := 0; lo < len(entries); {
		hi := lo + 1
		for hi < len(entries) && entries[hi]>>32 == entries[lo]>>32 {
			hi++
		}
		if hi-lo > 1 {
			run := uint64(len(runStart))
			runStart = append(runStart, uint32(len(postDocs)))
			for _, e := range entries[lo:hi] {
				postDocs = append(postDocs, uint32(e))
				byDoc = append(byDoc, uint64(uint32(e))<<32|run)
			}
		}
		lo = hi
	}
	runStart = append(runStart, uint32(len(postDocs)))
	entries = entries[:len(byDoc)]
	index.SortUint64(byDoc, entries)
	counts := make([]uint32, len(r.docs))
	var touched []uint32
	for lo := 0; lo < len(byDoc); {
		i := uint32(byDoc[lo] >> 32)
		hi := lo
		for hi < len(byDoc) && uint32(byDoc[hi]>>32) == i {
			run := uint32(byDoc[hi])
			for _, j := range postDocs[runStart[run]:runStart[run+1]] {
				if j <= i {
					continue
				}
				if counts[j] == 0 {
					touched = append(touched, j)
				}
				counts[j]++
			}
			hi++
		}
		lo = hi
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for _, j := range touched {
			inter := int(counts[j])
			counts[j] = 0
			o := match.Overlap{Inter: inter, SizeA: int(setLen[i]), SizeB: int(setLen[j])}
			jac := o.Jaccard()
			if jac < minJ {
				continue
			}
			rep.Expected++
			if class[i] == class[j] || found[key(i, j)] {
				rep.Found++
			} else if len(rep.Missed) < 20 {
				rep.Missed = append(rep.Missed, Pair{A: r.id(uint32(i)), B: r.id(uint32(j)), Jaccard: round4(jac), Containment: round4(o.Containment())})
			}
		}
		touched = touched[:0]
	}
	rep.Recall = 1
	if rep.Expected > 0 {
		rep.Recall = float64(rep.Found) / float64(rep.Expected)
	}
	rep.AllPairs = time.Since(t0)
	return rep, nil
}
