package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/reprint-news/reprint/engine"
)

const storiesUsage = `Usage: reprint stories [flags] PATH...

Groups articles into stories (one event, whoever wrote it and however it is
worded) and stories into storylines (one subject over weeks and months),
after finding duplicates exactly as 'reprint dedup' does. Input as for dedup.

Articles are taken in publication order (input order where dates are
missing) and each joins the most similar recent story or opens a new one;
duplicates join their group's story. See docs/ARCHITECTURE.md.

With -o DIR it writes everything 'reprint dedup' writes, plus:
  stories.jsonl     {"id","headline","first_seen","last_seen","lang","articles","sources","groups","terms"}
                    per story; every analyzed article is in exactly one story
  storylines.jsonl  {"id","stories","articles","terms"} per storyline
  relations.jsonl   {"story","a","b","relation","container","source","direction","note",
                    "coverage_a","coverage_b","similarity"} per related pair of a story's
                    articles: exact, near_duplicate, contains, rewrite, partial, same_story;
                    source is the earlier published (null when undirected, note says why)
  provenance.jsonl  per story of two or more: its who-copied-whom graph (nodes, edges,
                    first_reported_by, originals, copies, rewrites, note) and "dot" (Graphviz)
  outlets.jsonl     per outlet: articles, stories reported first, the outlets it takes
                    from and that take from it, with counts
(--relations=false leaves these three out.)
With --format parquet, stories.parquet and storylines.parquet take the place
of stories.jsonl and storylines.jsonl (first_seen and last_seen as
TIMESTAMP(millisecond, UTC), null when unknown; lists as LIST columns), beside
the Parquet tables of dedup; relations, provenance and outlets stay JSONL.
Without -o the same records go to stdout as JSONL with a "type" field.

Flags:
`

func runStories(args []string, stdout, stderr io.Writer) error {
	cfg := engine.DefaultConfig()
	cfg.Stories = true
	fs := newFlagSet("stories", storiesUsage, stdout, stderr)
	ef := addEngineFlags(fs, &cfg)
	fs.Float64Var(&cfg.Story.Story.Threshold, "story-threshold", cfg.Story.Story.Threshold, "similarity from which an article joins a story")
	fs.Float64Var(&cfg.Story.Story.TauDays, "story-tau", cfg.Story.Story.TauDays, "days over which a story's attraction decays (after --story-grace)")
	fs.Float64Var(&cfg.Story.Storyline.Threshold, "storyline-threshold", cfg.Story.Storyline.Threshold, "similarity from which a story joins a storyline")
	fs.Float64Var(&cfg.Story.Storyline.TauDays, "storyline-tau", cfg.Story.Storyline.TauDays, "days over which a storyline's attraction decays")
	fs.BoolVar(&cfg.Relations, "relations", cfg.Relations, "compare the articles of every story for text reuse (relations.jsonl, provenance.jsonl, outlets.jsonl)")
	fs.IntVar(&cfg.StoryPairs, "story-pairs", cfg.StoryPairs, "compare each article with at most this many earlier articles of its story")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	for _, v := range []float64{cfg.Story.Story.Threshold, cfg.Story.Storyline.Threshold} {
		if v < 0 || v > 1 {
			return fmt.Errorf("%w: --story-threshold and --storyline-threshold must be in [0, 1]", errUsage)
		}
	}
	return ef.run(paths, cfg, stdout, stderr, printStoriesSummary)
}

func printStoriesSummary(w io.Writer, res *engine.Result, out string) {
	printSummary(w, res, out)
	st := res.Stats.Story
	if st == nil {
		return
	}
	fmt.Fprintf(w, "\nstories: %d articles → %d stories (%d singletons) → %d storylines\n", st.Articles, st.Stories, st.Singletons, st.Storylines)
	fmt.Fprintf(w, "  rules applied: %d without date, %d implausible dates ignored, %d without title, %d joined as duplicates\n",
		st.NoDate, st.ImplausibleDate, st.NoTitle, st.JoinedAsDuplicate)
	langs := make([]string, 0, len(st.Languages))
	for l := range st.Languages {
		langs = append(langs, l)
	}
	sort.Slice(langs, func(i, j int) bool {
		if st.Languages[langs[i]] != st.Languages[langs[j]] {
			return st.Languages[langs[i]] > st.Languages[langs[j]]
		}
		return langs[i] < langs[j]
	})
	var parts []string
	for _, l := range langs {
		parts = append(parts, fmt.Sprintf("%s %d", l, st.Languages[l]))
	}
	fmt.Fprintf(w, "  languages: %s\n", strings.Join(parts, ", "))
	if res.Config.Relations {
		total := 0
		for _, n := range res.Stats.Relations {
			total += n
		}
		if total > 0 {
			printCounts(w, "  text reuse within stories: related pairs", toInt64(res.Stats.Relations))
		} else {
			fmt.Fprintln(w, "  text reuse within stories: no related pairs")
		}
	}
	idx := largestFirst(len(res.Stories), func(i int) int { return len(res.Stories[i].Articles) })
	fmt.Fprintf(w, "\n  %-8s %8s %7s  %-10s  %s\n", "story", "articles", "sources", "first seen", "headline")
	for _, i := range idx[:min(10, len(idx))] {
		s := res.Stories[i]
		first := "-"
		if s.FirstSeen != nil {
			first = s.FirstSeen.Format("2006-01-02")
		}
		fmt.Fprintf(w, "  %-8s %8d %7d  %-10s  %s\n", s.ID, len(s.Articles), len(s.Sources), first, clipDisplay(s.Headline, 70))
	}
	if len(res.Storylines) > 0 {
		lidx := largestFirst(len(res.Storylines), func(i int) int { return len(res.Storylines[i].Articles) })
		fmt.Fprintf(w, "\n  %-8s %7s %8s  %s\n", "line", "stories", "articles", "terms")
		for _, i := range lidx[:min(5, len(lidx))] {
			l := res.Storylines[i]
			fmt.Fprintf(w, "  %-8s %7d %8d  %s\n", l.ID, len(l.Stories), len(l.Articles), clipDisplay(strings.Join(l.Terms, ", "), 70))
		}
	}
}

// largestFirst returns the indices 0..n-1 ordered by size, largest first
// (stable: equal sizes keep their order).
func largestFirst(n int, size func(i int) int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return size(b) - size(a) })
	return idx
}

func clipDisplay(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
