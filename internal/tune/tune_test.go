// Package tune holds the reproducible tuning runs behind the story
// defaults. They are not part of the regular suite: run them with
//
//	REPRINT_TUNE=1 go test -v -run TestTune ./internal/tune/
//
// The rule: thresholds are chosen on the odd-numbered ECB+ development
// topics and reported on the even-numbered ones, whose labels the choice
// never looks at.
package tune

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/eval"
	"github.com/reprint-news/reprint/internal/testdata"
)

func odd(id string) bool {
	var tp int
	fmt.Sscanf(id, "%d_", &tp)
	return tp%2 == 1
}

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

func TestTune(t *testing.T) {
	if os.Getenv("REPRINT_TUNE") == "" {
		t.Skip("set REPRINT_TUNE=1 to run the tuning grid")
	}
	data := testdata.Require(t)
	ecb := filepath.Join(data, "ecbplus-dev.jsonl")
	run := func(sc engine.StoryConfig) *engine.Result {
		cfg := engine.DefaultConfig()
		cfg.Stories, cfg.Story, cfg.TempDir = true, sc, t.TempDir()
		res, err := engine.Dedup(context.Background(), []string{ecb}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, level := range []string{"story", "topic"} {
		gold, err := eval.ReadGold(filepath.Join(data, "ecbplus-dev.gold.jsonl"), level)
		if err != nil {
			t.Fatal(err)
		}
		grid := []float64{0.15, 0.2, 0.25, 0.3, 0.35, 0.4}
		if level == "topic" {
			grid = []float64{0.02, 0.04, 0.06, 0.08, 0.1, 0.15}
		}
		for _, th := range grid {
			sc := engine.DefaultStoryConfig()
			if level == "story" {
				sc.Story.Threshold = th
			} else {
				sc.Storyline.Threshold = th
			}
			p := clusters(run(sc), level == "topic")
			so := eval.Score(subset(gold, odd), subset(p, odd))
			se := eval.Score(subset(gold, func(s string) bool { return !odd(s) }), subset(p, func(s string) bool { return !odd(s) }))
			fmt.Printf("%-5s threshold %.2f  tuning (odd) BCubed F1 %.3f (P %.3f R %.3f)  held-out (even) BCubed F1 %.3f ARI %.3f\n",
				level, th, so.BCubedF1, so.BCubedPrecision, so.BCubedRecall, se.BCubedF1, se.ARI)
		}
	}
}
