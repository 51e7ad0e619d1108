package engine

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/text"
)

// Comparing pairs of articles of a corpus (`reprint compare ID ID PATH…`,
// `reprint compare --pairs PAIRS PATH…`).
//
// The corpus is read once, as dedup reads it: every article's lines feed
// the boilerplate statistics and its stems the document frequencies (in
// input order, so the answers do not depend on the number of workers),
// and the articles the pairs name are kept. Then every pair is compared
// with the corpus' boilerplate left out and its IDF weights, on all cores,
// and the answers come back in the pairs' order. When a pair comes out
// same_story, the story pass runs over the corpus (as `reprint stories`
// runs it), and two articles it puts in different stories are answered
// none, with a note naming the stories (ReuseAnswer.keepStoriesApart).

// PairQuery is one pair to compare, by article id.
type PairQuery struct {
	A, B string
}

// PairResult is the answer for one PairQuery: the comparison, or why
// there is none (an id not in the corpus).
type PairResult struct {
	*ReuseAnswer
	Err error
}

// CompareResult is the outcome of ComparePairs.
type CompareResult struct {
	Pairs []PairResult
	// Articles are the compared articles by id (their texts, for display).
	Articles map[string]*article.Article
	// Read is the number of articles read, Issues the records the readers
	// skipped or altered.
	Read   int
	Issues []article.Issue
}

// comparedWords is what the readers' goroutines compute per article for
// the corpus statistics.
type comparedWords struct {
	lines []text.Line
	stems []uint32 // distinct non-stop stems, sorted
}

// ComparePairs reads the articles under paths and compares the pairs.
func ComparePairs(ctx context.Context, paths []string, pairs []PairQuery, cfg Config) (*CompareResult, error) {
	cfg = cfg.withDefaults()
	want := map[string]bool{}
	for _, p := range pairs {
		want[p.A], want[p.B] = true, true
	}
	res := &CompareResult{Articles: map[string]*article.Article{}}
	bp := text.NewBoilerplate(cfg.Boilerplate)
	df := match.NewDocFreq("en")
	opts := cfg.Read
	if opts.Workers == 0 {
		opts.Workers = cfg.Workers
	}
	opts.NewProcessor = func() func(*article.Record) {
		var d text.Doc
		var words []text.Word
		return func(rec *article.Record) {
			a := &rec.Article
			d.Tokenize(a.Text)
			words = text.Words(words[:0], a.Text, d.Tokens, text.Language(a.Title, a.Text))
			rec.Derived = &comparedWords{lines: slices.Clone(d.Lines), stems: text.DistinctStems(nil, words)}
		}
	}
	seen := map[string]bool{}
	var mu sync.Mutex
	err := article.Read(ctx, paths, opts, func(rec article.Record) error {
		a := rec.Article
		if seen[a.ID] {
			mu.Lock()
			res.Issues = append(res.Issues, duplicateID(&rec))
			mu.Unlock()
			return nil
		}
		seen[a.ID] = true
		cw := rec.Derived.(*comparedWords)
		bp.Add(a.Text, cw.lines)
		df.AddStems(cw.stems)
		res.Read++
		if want[a.ID] {
			res.Articles[a.ID] = &a
		}
		return nil
	}, func(is article.Issue) {
		mu.Lock()
		res.Issues = append(res.Issues, is)
		mu.Unlock()
	})
	if err != nil {
		return nil, err
	}
	set := bp.Set()
	env := newReuseEnv(cfg, df, set.Has, time.Now()).withFinal(df)
	// Prepare each wanted article once, on all cores.
	prepared := map[string]*reusePrepared{}
	ids := make([]string, 0, len(res.Articles))
	for id := range res.Articles {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	preps := make([]*reusePrepared, len(ids))
	parallel(len(ids), cfg.Workers, func(i int) {
		preps[i] = env.prepare(reuseArticle(res.Articles[ids[i]]), nil)
	})
	for i, id := range ids {
		prepared[id] = preps[i]
	}
	res.Pairs = make([]PairResult, len(pairs))
	parallel(len(pairs), cfg.Workers, func(i int) {
		p := pairs[i]
		pa, pb := prepared[p.A], prepared[p.B]
		switch {
		case pa == nil:
			res.Pairs[i].Err = fmt.Errorf("unknown_id: %q is not an article of the input", p.A)
		case pb == nil:
			res.Pairs[i].Err = fmt.Errorf("unknown_id: %q is not an article of the input", p.B)
		default:
			ans := env.compare(pa, pb)
			res.Pairs[i].ReuseAnswer = &ans
		}
	})
	if err := keepCorpusStoriesApart(ctx, paths, cfg, res.Pairs); err != nil {
		return nil, err
	}
	return res, nil
}

// keepCorpusStoriesApart runs the story pass over the corpus when some
// answer is same_story, and keeps apart the pairs it puts in different
// stories.
func keepCorpusStoriesApart(ctx context.Context, paths []string, cfg Config, pairs []PairResult) error {
	if !slices.ContainsFunc(pairs, func(p PairResult) bool {
		return p.ReuseAnswer != nil && p.Relation == match.SameStory.String()
	}) {
		return nil
	}
	sc := cfg
	sc.Stories, sc.Relations, sc.Progress, sc.Finished = true, false, nil, nil
	res, err := Dedup(ctx, paths, sc)
	if err != nil {
		return fmt.Errorf("story pass: %w", err)
	}
	storyOf, lineOf := map[string]string{}, map[string]string{}
	for _, s := range res.Stories {
		for _, id := range s.Articles {
			storyOf[id] = s.ID
		}
	}
	for _, l := range res.Storylines {
		for _, s := range l.Stories {
			lineOf[s] = l.ID
		}
	}
	for _, p := range pairs {
		if p.ReuseAnswer != nil {
			sa, sb := storyOf[p.A], storyOf[p.B]
			p.keepStoriesApart(sa, sb, lineOf[sa], lineOf[sb])
		}
	}
	return nil
}

// parallel runs f(0..n-1) on up to workers goroutines (0: all cores).
func parallel(n, workers int, f func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n))
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	wg.Wait()
}
