package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/reprint-news/reprint/eval"
	"github.com/reprint-news/reprint/internal/langcheck"
)

// langCorpus writes the labelled non-English check (testdata/lang) into
// dir: every article, plus two near-duplicate copies per language (a1
// through the language's first keyboard variant, b1 through its last,
// each with a source line added at the end). It returns the gold story
// of every article id and the near-duplicate pairs to be found.
func langCorpus(t *testing.T, dir string) (gold eval.Clustering, dups map[string][2]string) {
	t.Helper()
	gold = eval.Clustering{}
	dups = map[string][2]string{}
	for _, lang := range langcheck.Languages {
		arts, err := langcheck.Load(lang)
		if err != nil || len(arts) == 0 {
			t.Fatalf("%s: %v", lang, err)
		}
		vs := langcheck.Variants(lang)
		for _, a := range arts {
			id := lang + "_" + a.Name
			write(t, dir, id, a.Text)
			gold[id] = a.Story()
			var v langcheck.Variant
			switch a.Name {
			case "a1":
				v = vs[0]
			case "b1":
				v = vs[len(vs)-1]
			default:
				continue
			}
			cid := id + "_" + v.Name
			write(t, dir, cid, v.Do(a.Text)+"\n"+lang+" news agency\n")
			gold[cid] = a.Story()
			dups[lang] = appendPair(dups[lang], id, cid)
		}
	}
	return gold, dups
}

func appendPair(p [2]string, a, b string) [2]string {
	if p[0] == "" {
		return [2]string{a + "|" + b}
	}
	p[1] = a + "|" + b
	return p
}

func write(t *testing.T, dir, id, s string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, id+".txt"), []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// LangFigures are the per-language results of the labelled check.
type langFigures struct {
	dups, dupsWanted int     // near-duplicate pairs found of those made
	falseDups        int     // near-duplicate or exact pairs between different articles
	purity, recall   float64 // BCubed precision and recall of the stories
	stories          int
	sameStory        int // independent reports of one event related as same_story (or a reuse relation)
	crossStory       int // relations between articles of different gold stories
}

// TestLangCheck runs the batch engine with stories and text reuse over
// the labelled check of Persian, Arabic, Urdu and Chinese articles and
// asserts its regression floors (docs/QUALITY.md, "Languages").
func TestLangCheck(t *testing.T) {
	dir := t.TempDir()
	gold, dups := langCorpus(t, dir)
	res := storiesRun(t, DefaultConfig(), dir)
	checkPartition(t, res)
	fig := map[string]*langFigures{}
	langOf := func(id string) string { return id[:2] }
	for _, l := range langcheck.Languages {
		fig[l] = &langFigures{dupsWanted: 2}
	}
	for _, p := range res.Pairs {
		l := langOf(p.A)
		pair := p.A + "|" + p.B
		rev := p.B + "|" + p.A
		if d := dups[l]; slices.Contains(d[:], pair) || slices.Contains(d[:], rev) {
			fig[l].dups++
		} else if p.Relation == "near_duplicate" || p.Relation == "exact" {
			fig[l].falseDups++
			t.Logf("false duplicate %s %s %s", p.A, p.B, p.Relation)
		}
	}
	pred := eval.Clustering{}
	for _, s := range res.Stories {
		langs := map[string]bool{}
		for _, a := range s.Articles {
			pred[a] = s.ID
			langs[langOf(a)] = true
		}
		if len(langs) > 1 {
			t.Errorf("story %s mixes languages: %v", s.ID, s.Articles)
		}
		for l := range langs {
			fig[l].stories++
		}
	}
	for _, r := range res.Relations {
		l := langOf(r.A)
		if gold[r.A] != gold[r.B] {
			fig[l].crossStory++
			t.Logf("cross-story relation %s %s %s", r.A, r.B, r.Relation)
			continue
		}
		if strings.HasSuffix(r.A, "1") && strings.HasSuffix(r.B, "2") || strings.HasSuffix(r.A, "2") && strings.HasSuffix(r.B, "1") {
			fig[l].sameStory++
		}
	}
	for _, l := range langcheck.Languages {
		g, p := eval.Clustering{}, eval.Clustering{}
		for id, s := range gold {
			if langOf(id) == l {
				g[id] = s
				p[id] = pred[id]
			}
		}
		sc := eval.Score(g, p)
		f := fig[l]
		f.purity, f.recall = sc.BCubedPrecision, sc.BCubedRecall
		t.Logf("%s: near duplicates %d/%d (false %d), stories %d, BCubed P %.3f R %.3f, a1–a2/b1–b2 related %d, cross-story relations %d",
			l, f.dups, f.dupsWanted, f.falseDups, f.stories, f.purity, f.recall, f.sameStory, f.crossStory)
	}
	for _, s := range res.Stories {
		t.Logf("story %s [%s] %v terms %v", s.ID, s.Lang, s.Articles, s.Terms[:min(6, len(s.Terms))])
	}
	// Floors: every keyboard-variant copy is found and nothing else is
	// called a duplicate; stories are pure; independent reports of one
	// event meet in one story in every language.
	for _, l := range langcheck.Languages {
		f := fig[l]
		if f.dups < f.dupsWanted || f.falseDups > 0 {
			t.Errorf("%s: near duplicates %d of %d, %d false", l, f.dups, f.dupsWanted, f.falseDups)
		}
		if f.purity < 1 {
			t.Errorf("%s: story purity %.3f, want 1", l, f.purity)
		}
		if f.recall < langRecallFloor[l] {
			t.Errorf("%s: story recall %.3f, want ≥ %.3f", l, f.recall, langRecallFloor[l])
		}
	}
}

// langRecallFloor are the BCubed recall floors of TestLangCheck: 1 where
// both events' reports meet, lower where one pair stays apart.
var langRecallFloor = map[string]float64{"fa": 1, "ar": 1, "ur": 1, "zh": 1}

var _ = fmt.Sprint
