package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/eval"
	"github.com/reprint-news/reprint/internal/testdata"
)

func storiesRun(t *testing.T, cfg Config, paths ...string) *Result {
	t.Helper()
	cfg.Stories = true
	return dedup(t, cfg, paths...)
}

// checkPartition asserts that every analyzed article is in exactly one
// story, that storylines partition the stories, and that duplicate groups
// never straddle stories.
func checkPartition(t *testing.T, res *Result) {
	t.Helper()
	storyOf := map[string]string{}
	for _, s := range res.Stories {
		if len(s.Articles) == 0 {
			t.Fatalf("empty story %s", s.ID)
		}
		for _, a := range s.Articles {
			if prev, ok := storyOf[a]; ok {
				t.Fatalf("article %s in stories %s and %s", a, prev, s.ID)
			}
			storyOf[a] = s.ID
		}
	}
	if res.Stats.Story == nil || len(storyOf) != res.Stats.Story.Articles {
		t.Fatalf("%d articles in stories, stats say %+v", len(storyOf), res.Stats.Story)
	}
	for _, g := range res.Groups {
		for _, m := range g.Members {
			if storyOf[m] != storyOf[g.Members[0]] {
				t.Errorf("duplicate group %s split across stories", g.ID)
			}
		}
	}
	lineOf := map[string]string{}
	n := 0
	for _, l := range res.Storylines {
		var arts []string
		for _, s := range l.Stories {
			if prev, ok := lineOf[s]; ok {
				t.Fatalf("story %s in storylines %s and %s", s, prev, l.ID)
			}
			lineOf[s] = l.ID
		}
		for _, a := range l.Articles {
			arts = append(arts, a)
			if lineOf[storyOf[a]] != l.ID {
				t.Errorf("storyline %s lists article %s of story %s", l.ID, a, storyOf[a])
			}
		}
		n += len(arts)
	}
	if len(lineOf) != len(res.Stories) || n != len(storyOf) {
		t.Fatalf("storylines cover %d stories / %d articles of %d / %d", len(lineOf), n, len(res.Stories), len(storyOf))
	}
}

func TestStoriesSeeds(t *testing.T) {
	res := storiesRun(t, DefaultConfig(), seedsDir(), pressTVDir())
	checkPartition(t, res)
	// One storyline holds all five seeds (acceptance, storyline level).
	var line []string
	for _, l := range res.Storylines {
		if slices.Contains(l.Articles, "000_d3bb93bdf804906a") {
			line = l.Articles
		}
	}
	for _, id := range []string{"000_d3bb93bdf804906a", "001_8a0ba1f05f835118", "002_324ffcc579898aeb", "003_e6b4cedbc97f4e06", "004_82913c69984263d3"} {
		if !slices.Contains(line, id) {
			t.Errorf("seed %s not in the seeds' storyline %v", id, line)
		}
	}
	// Three stories (acceptance, story level): the Sputnik interview
	// {000, 001}, the Večernji list interview {002, 004}, whose duplicate
	// group is listed, and the Sullivan response {003}. The Press TV
	// furniture corpus is in the run only for boilerplate learning.
	want := [][]string{
		{"000_d3bb93bdf804906a", "001_8a0ba1f05f835118"},
		{"002_324ffcc579898aeb", "004_82913c69984263d3"},
		{"003_e6b4cedbc97f4e06"},
	}
	for _, w := range want {
		var got []string
		for _, s := range res.Stories {
			if slices.Contains(s.Articles, w[0]) {
				for _, a := range s.Articles {
					if !strings.HasPrefix(a, "ptv-") {
						got = append(got, a)
					}
				}
				if w[0] == "002_324ffcc579898aeb" && len(s.Groups) != 1 {
					t.Errorf("story %+v should list the 002/004 group", s)
				}
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, w) {
			t.Errorf("seed story of %s = %v, want %v", w[0], got, w)
		}
	}
	if res.Stats.Story.JoinedAsDuplicate != 1 {
		t.Errorf("joined as duplicate = %d, want 1", res.Stats.Story.JoinedAsDuplicate)
	}
}

func TestStoriesRules(t *testing.T) {
	lohan := "Lindsay Lohan has left the Betty Ford Center and checked into a rehab facility in Malibu, her lawyer Shawn Holley told the court in Los Angeles. Lohan must stay in treatment for ninety days under the plea deal."
	arts := []article.Article{
		{ID: "en1", Text: lohan},
		{ID: "en2", Text: "Lindsay Lohan moved from the Betty Ford Center to a rehab clinic in Malibu, lawyer Shawn Holley said. The Los Angeles court ordered ninety days of treatment for Lohan."},
		{ID: "de1", Text: "Lindsay Lohan hat das Betty Ford Center verlassen und ist in eine Entzugsklinik in Malibu gezogen, sagte ihre Anwältin Shawn Holley vor dem Gericht in Los Angeles. Lohan muss neunzig Tage in Behandlung bleiben."},
		{ID: "tiny", Text: "Lohan leaves Betty Ford"},
	}
	p := filepath.Join(t.TempDir(), "in.jsonl")
	writeArticles(t, p, arts, map[string]string{"en1": "2013-06-13", "en2": "2999-01-01", "de1": "1850-01-01"})
	res := storiesRun(t, DefaultConfig(), p)
	checkPartition(t, res)
	st := res.Stats.Story
	if st.Articles != 4 {
		t.Errorf("story articles = %d, want 4 (the too-short one included)", st.Articles)
	}
	if st.NoDate != 1 || st.ImplausibleDate != 2 || st.NoTitle != 4 {
		t.Errorf("rule counts %+v", st)
	}
	if st.Languages["de"] != 1 {
		t.Errorf("languages %v, want one de", st.Languages)
	}
	storyOf := map[string]string{}
	for _, s := range res.Stories {
		for _, a := range s.Articles {
			storyOf[a] = s.ID
		}
	}
	if storyOf["en1"] != storyOf["en2"] {
		t.Errorf("the two English reports are not one story: %v", storyOf)
	}
	if storyOf["de1"] == storyOf["en1"] {
		t.Errorf("the German article was forced into the English story")
	}
}

func writeArticles(t *testing.T, path string, arts []article.Article, dates map[string]string) {
	t.Helper()
	var b strings.Builder
	for _, a := range arts {
		fmt.Fprintf(&b, "{\"id\":%q,\"published\":%q,\"text\":%q}\n", a.ID, dates[a.ID], a.Text)
	}
	if err := writeFile(path, b.String()); err != nil {
		t.Fatal(err)
	}
}

func TestStoriesDeterministic(t *testing.T) {
	data := testdata.Require(t)
	in := filepath.Join(data, "ecbplus-dev.jsonl")
	var first *Result
	for _, w := range []int{1, 4} {
		cfg := DefaultConfig()
		cfg.Workers = w
		res := storiesRun(t, cfg, in)
		if first == nil {
			first = res
			continue
		}
		if !reflect.DeepEqual(first.Stories, res.Stories) || !reflect.DeepEqual(first.Storylines, res.Storylines) {
			t.Fatal("stories differ between 1 and 4 workers")
		}
	}
}

// TestStoriesECBFloor is a regression floor on the held-out half of the
// ECB+ development topics (the even ones: the defaults were tuned on the
// odd ones). Measured: story BCubed F1 0.910, storyline 0.887.
func TestStoriesECBFloor(t *testing.T) {
	data := testdata.Require(t)
	res := storiesRun(t, DefaultConfig(), filepath.Join(data, "ecbplus-dev.jsonl"))
	checkPartition(t, res)
	even := func(id string) bool {
		var tp int
		fmt.Sscanf(id, "%d_", &tp)
		return tp%2 == 0
	}
	for _, c := range []struct {
		level string
		lines bool
		floor float64
	}{{"story", false, 0.90}, {"topic", true, 0.87}} {
		gold, err := eval.ReadGold(filepath.Join(data, "ecbplus-dev.gold.jsonl"), c.level)
		if err != nil {
			t.Fatal(err)
		}
		pred := eval.Clustering{}
		if c.lines {
			for _, l := range res.Storylines {
				for _, a := range l.Articles {
					pred[a] = l.ID
				}
			}
		} else {
			for _, s := range res.Stories {
				for _, a := range s.Articles {
					pred[a] = s.ID
				}
			}
		}
		g, p := eval.Clustering{}, eval.Clustering{}
		for k, v := range gold {
			if even(k) {
				g[k] = v
			}
		}
		for k, v := range pred {
			if even(k) {
				p[k] = v
			}
		}
		s := eval.Score(g, p)
		t.Logf("%s level, held-out topics: BCubed F1 %.3f (P %.3f R %.3f), ARI %.3f", c.level, s.BCubedF1, s.BCubedPrecision, s.BCubedRecall, s.ARI)
		if s.BCubedF1 < c.floor {
			t.Errorf("%s level BCubed F1 %.3f fell below the floor %.2f", c.level, s.BCubedF1, c.floor)
		}
	}
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }
