// Package tune holds the reproducible tuning runs behind the story
// defaults. They are not part of the regular suite: run them with
//
//	REPRINT_TUNE=1 go test -v -run TestTune ./internal/tune/
//
// The rule: parameters are chosen on the odd-numbered ECB+ development
// topics (the highest BCubed F1 there; ties go to the first in grid
// order) and reported on the even-numbered ones, whose labels the choice
// never looks at. The story level is tuned first (field weights and
// threshold), among the settings that split the five seed articles into
// their three gold stories (the seeds are an acceptance test, so they are
// a constraint of the choice, not a score of it); the unconstrained best
// is printed too. Then the storyline threshold is tuned on top of the
// chosen stories.
package tune

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/reprint-news/reprint/cluster"
	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/eval"
	"github.com/reprint-news/reprint/internal/testdata"
)

func odd(id string) bool {
	var tp int
	fmt.Sscanf(id, "%d_", &tp)
	return tp%2 == 1
}

func even(id string) bool { return !odd(id) }

func subset(c eval.Clustering, keep func(string) bool) eval.Clustering {
	o := eval.Clustering{}
	for k, v := range c {
		if keep(k) {
			o[k] = v
		}
	}
	return o
}

func clusters(res *engine.Result, lines bool) eval.Clustering {
	c := eval.Clustering{}
	if lines {
		for _, l := range res.Storylines {
			for _, a := range l.Articles {
				c[a] = l.ID
			}
		}
		return c
	}
	for _, s := range res.Stories {
		for _, a := range s.Articles {
			c[a] = s.ID
		}
	}
	return c
}

// grid returns lo, lo+step, …, hi (rounded to the step's precision).
func grid(lo, hi, step float64) []float64 {
	var g []float64
	for k := 0; lo+float64(k)*step <= hi+1e-9; k++ {
		g = append(g, float64(int((lo+float64(k)*step)*1000+0.5))/1000)
	}
	return g
}

func TestTune(t *testing.T) {
	if os.Getenv("REPRINT_TUNE") == "" {
		t.Skip("set REPRINT_TUNE=1 to run the tuning grid")
	}
	data := testdata.Require(t)
	ecb := filepath.Join(data, "ecbplus-dev.jsonl")
	seeds := filepath.Join(data, "seeds")
	seedGold, err := eval.ReadGold(filepath.Join(data, "seeds.gold.jsonl"), "story")
	if err != nil {
		t.Fatal(err)
	}
	runOn := func(in string, sc engine.StoryConfig) *engine.Result {
		cfg := engine.DefaultConfig()
		cfg.Stories, cfg.Story, cfg.TempDir = true, sc, t.TempDir()
		res, err := engine.Dedup(context.Background(), []string{in}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	run := func(sc engine.StoryConfig) *engine.Result { return runOn(ecb, sc) }
	gold := map[string]eval.Clustering{}
	for _, level := range []string{"story", "topic"} {
		g, err := eval.ReadGold(filepath.Join(data, "ecbplus-dev.gold.jsonl"), level)
		if err != nil {
			t.Fatal(err)
		}
		gold[level] = g
	}
	score := func(level string, p eval.Clustering) (tuning, heldOut eval.Scores) {
		g := gold[level]
		return eval.Score(subset(g, odd), subset(p, odd)), eval.Score(subset(g, even), subset(p, even))
	}

	// Story level: the weights of the numbers and time-expression fields
	// (body 1, title 0.5 and names 1 stay as in Miranda et al.'s spirit)
	// and the threshold.
	sc := engine.DefaultStoryConfig()
	best, bestF1 := sc, -1.0
	free, freeF1 := sc, -1.0
	for _, wn := range []float64{0, 0.5, 1} {
		for _, ww := range []float64{0, 0.25, 0.5} {
			for _, th := range grid(0.15, 0.35, 0.01) {
				c := engine.DefaultStoryConfig()
				c.Story.Weights[cluster.FieldNums], c.Story.Weights[cluster.FieldWhen] = wn, ww
				c.Story.Threshold = th
				so, se := score("story", clusters(run(c), false))
				seedsOK := eval.Score(seedGold, clusters(runOn(seeds, c), false)).BCubedF1 == 1
				fmt.Printf("story  nums %.2f when %.2f threshold %.2f  tuning (odd) BCubed F1 %.3f (P %.3f R %.3f)  held-out (even) BCubed F1 %.3f ARI %.3f  seeds right %v\n",
					wn, ww, th, so.BCubedF1, so.BCubedPrecision, so.BCubedRecall, se.BCubedF1, se.ARI, seedsOK)
				if so.BCubedF1 > freeF1 {
					free, freeF1 = c, so.BCubedF1
				}
				if seedsOK && so.BCubedF1 > bestF1 {
					best, bestF1 = c, so.BCubedF1
				}
			}
		}
	}
	fmt.Printf("unconstrained best story: nums %.2f when %.2f threshold %.2f (tuning F1 %.3f)\n",
		free.Story.Weights[cluster.FieldNums], free.Story.Weights[cluster.FieldWhen], free.Story.Threshold, freeF1)
	fmt.Printf("chosen story: nums %.2f when %.2f threshold %.2f (tuning F1 %.3f)\n",
		best.Story.Weights[cluster.FieldNums], best.Story.Weights[cluster.FieldWhen], best.Story.Threshold, bestF1)

	// Storyline level on top of the chosen story parameters.
	bestLine, bestLineF1 := 0.0, -1.0
	for _, th := range grid(0.02, 0.20, 0.02) {
		c := best
		c.Storyline.Threshold = th
		so, se := score("topic", clusters(run(c), true))
		fmt.Printf("topic  threshold %.2f  tuning (odd) BCubed F1 %.3f (P %.3f R %.3f)  held-out (even) BCubed F1 %.3f ARI %.3f\n",
			th, so.BCubedF1, so.BCubedPrecision, so.BCubedRecall, se.BCubedF1, se.ARI)
		if so.BCubedF1 > bestLineF1 {
			bestLine, bestLineF1 = th, so.BCubedF1
		}
	}
	fmt.Printf("chosen storyline threshold %.2f (tuning F1 %.3f)\n", bestLine, bestLineF1)
}
