package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/sketch"
	"github.com/reprint-news/reprint/synth"
	"github.com/reprint-news/reprint/text"
)

const benchUsage = `Usage: reprint bench [flags]

Generates realistic corpora from the real article text in the development
data (package synth: edits, truncation, added headers and footers, paragraph
reordering, reprints inside longer articles), then for each size runs
'reprint dedup' in a child process and reports articles/s, MB/s and peak RSS,
plus LSH recall against an exact all-pairs computation (sizes up to
--recall-max), and the sketch stage against a classic 128-permutation MinHash.

Flags:
`

type benchRow struct {
	Articles     int                `json:"articles"`
	MB           float64            `json:"mb"`
	GenSeconds   float64            `json:"generate_seconds"`
	Seconds      float64            `json:"dedup_seconds"`
	ArticlesPerS float64            `json:"articles_per_second"`
	MBPerS       float64            `json:"mb_per_second"`
	PeakRSSMB    float64            `json:"peak_rss_mb"`
	Groups       int                `json:"groups"`
	Candidates   int                `json:"candidate_pairs"`
	Pairs        int                `json:"pairs"`
	Recall       float64            `json:"recall,omitempty"`
	RecallPairs  int                `json:"recall_expected_pairs,omitempty"`
	Stages       map[string]float64 `json:"stage_seconds"`
	// With --stories: the story pass alone.
	StoryArticlesPerS float64 `json:"story_articles_per_second,omitempty"`
	Stories           int     `json:"stories,omitempty"`
}

func runBench(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", benchUsage, stdout, stderr)
	data := fs.String("data", testdata.Dir(), "development data `DIR` (real article text)")
	sizes := fs.String("sizes", "10000,100000,1000000", "comma-separated corpus sizes (articles)")
	work := fs.String("dir", "", "working `DIR` for generated corpora (default: a temp dir, removed afterwards)")
	recallMax := fs.Int("recall-max", 100000, "compute LSH recall (exact all-pairs) for sizes up to this")
	workers := fs.Int("workers", 0, "workers for dedup (0 = all cores)")
	seed := fs.Uint64("seed", 1, "corpus seed")
	asJSON := fs.Bool("json", false, "print rows as JSON lines instead of a table")
	stories := fs.Bool("stories", false, "run 'reprint stories' instead of dedup and report the story pass's articles/s")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if *data == "" {
		return fmt.Errorf("%w: --data is required (development data not found beside the repository)", errUsage)
	}
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("%w: bad size %q", errUsage, s)
		}
		ns = append(ns, n)
	}
	pool, err := synth.LoadPool(*data)
	if err != nil {
		return err
	}
	dir := *work
	if dir == "" {
		if dir, err = os.MkdirTemp("", "reprint-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "reprint bench: %d cores, %s, data %s\n", runtime.NumCPU(), runtime.Version(), *data)
	if err := sketchRatio(pool, *seed, stdout); err != nil {
		return err
	}
	if !*asJSON {
		fmt.Fprintf(stdout, "\n%9s %8s %8s %9s %10s %7s %9s %8s %10s %9s %7s\n",
			"articles", "MB", "gen s", "dedup s", "articles/s", "MB/s", "peak RSS", "groups", "candidates", "pairs", "recall")
	}
	for _, n := range ns {
		corpus := filepath.Join(dir, fmt.Sprintf("corpus-%d", n))
		os.RemoveAll(corpus)
		t0 := time.Now()
		_, bytes, err := synth.WriteJSONL(corpus, pool, synth.Config{Articles: n, Seed: *seed}, 100000)
		if err != nil {
			return err
		}
		row := benchRow{Articles: n, MB: float64(bytes) / 1e6, GenSeconds: time.Since(t0).Seconds()}
		out := filepath.Join(dir, fmt.Sprintf("out-%d", n))
		sub := "dedup"
		if *stories {
			sub = "stories"
		}
		cmd := exec.Command(self, sub, "-q", "-o", out, "--workers", strconv.Itoa(*workers), "--tmp", dir, corpus)
		cmd.Stderr = stderr
		t0 = time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("dedup of %d articles: %w", n, err)
		}
		row.Seconds = time.Since(t0).Seconds()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			row.PeakRSSMB = float64(ru.Maxrss) / 1024 // Linux reports KiB
		}
		var sum struct {
			Run struct {
				Stats engine.Stats `json:"stats"`
			} `json:"run"`
			Stages map[string]float64 `json:"stage_seconds"`
		}
		b, err := os.ReadFile(filepath.Join(out, "summary.json"))
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &sum); err != nil {
			return err
		}
		st := sum.Run.Stats
		row.ArticlesPerS = float64(st.Articles) / row.Seconds
		row.MBPerS = float64(st.Bytes) / 1e6 / row.Seconds
		row.Groups = st.Groups
		row.Candidates = st.Candidates.Pairs
		for _, v := range st.Pairs {
			row.Pairs += v
		}
		row.Stages = sum.Stages
		if secs := sum.Stages["stories"]; secs > 0 && st.Story != nil {
			row.StoryArticlesPerS = float64(st.Story.Articles) / secs
			row.Stories = st.Story.Stories
		}
		if n <= *recallMax {
			cfg := engine.DefaultConfig()
			cfg.Workers, cfg.TempDir = *workers, dir
			_, rep, err := engine.DedupWithRecall(context.Background(), []string{corpus}, cfg, cfg.Threshold+0.05)
			if err != nil {
				return err
			}
			row.Recall, row.RecallPairs = rep.Recall, rep.Expected
		}
		os.RemoveAll(out)
		if *work == "" {
			os.RemoveAll(corpus)
		}
		if *asJSON {
			b, _ := json.Marshal(row)
			fmt.Fprintln(stdout, string(b))
			continue
		}
		recall := "-"
		if *recallMax >= n {
			recall = fmt.Sprintf("%.4f (%d/%d)", row.Recall, int(math.Round(row.Recall*float64(row.RecallPairs))), row.RecallPairs)
		}
		fmt.Fprintf(stdout, "%9d %8.0f %8.1f %9.2f %10.0f %7.1f %7.0fMB %8d %10d %9d %7s\n",
			n, row.MB, row.GenSeconds, row.Seconds, row.ArticlesPerS, row.MBPerS, row.PeakRSSMB, row.Groups, row.Candidates, row.Pairs, recall)
		fmt.Fprintf(stdout, "%9s stages: %s\n", "", stageLine(row.Stages))
		if row.StoryArticlesPerS > 0 {
			fmt.Fprintf(stdout, "%9s story pass: %d stories, %.0f articles/s\n", "", row.Stories, row.StoryArticlesPerS)
		}
	}
	return nil
}

func stageLine(m map[string]float64) string {
	order := []string{"read+tokenize", "fingerprint", "exact", "candidates", "verify", "group", "stories"}
	var parts []string
	for _, k := range order {
		if v, ok := m[k]; ok {
			parts = append(parts, fmt.Sprintf("%s %.2fs", k, v))
		}
	}
	return strings.Join(parts, ", ")
}

// sketchRatio times the sketch stage — one-permutation hashing with
// densification against a classic 128-permutation MinHash over the same
// shingles of 2,000 generated articles — and prints the ratio.
func sketchRatio(pool *synth.Pool, seed uint64, w io.Writer) error {
	var sets [][]uint64
	var d text.Doc
	var toks []uint32
	err := synth.Generate(pool, synth.Config{Articles: 2000, Seed: seed}, func(a article.Article) error {
		d.Tokenize(a.Text)
		toks = d.Hashes(toks[:0])
		sets = append(sets, sketch.Shingles(nil, toks, sketch.DefaultW))
		return nil
	}, nil)
	if err != nil {
		return err
	}
	timeIt := func(f func([]uint64)) time.Duration {
		best := time.Duration(1 << 62)
		for rep := 0; rep < 3; rep++ {
			t0 := time.Now()
			for _, s := range sets {
				f(s)
			}
			best = min(best, time.Since(t0))
		}
		return best
	}
	var sig []uint32
	classic := sketch.NewClassic(128, sketch.DefaultSeed)
	tc := timeIt(func(s []uint64) { sig = classic.Sketch(s, sig) })
	oph128 := sketch.NewSketcher(128, sketch.DefaultSeed)
	t128 := timeIt(func(s []uint64) { sig = oph128.Sketch(s, sig) })
	k := engine.DefaultConfig().K
	ophK := sketch.NewSketcher(k, sketch.DefaultSeed)
	tk := timeIt(func(s []uint64) { sig = ophK.Sketch(s, sig) })
	per := func(t time.Duration) float64 { return float64(t.Microseconds()) / float64(len(sets)) }
	fmt.Fprintf(w, "sketch stage over %d articles' shingles: classic MinHash K=128 %.1f µs/article; OPH K=128 %.2f µs (%.0f× faster); OPH K=%d (default) %.2f µs (%.0f× faster)\n",
		len(sets), per(tc), per(t128), float64(tc)/float64(t128), k, per(tk), float64(tc)/float64(tk))
	return nil
}
