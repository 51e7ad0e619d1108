package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/engine"
)

const compareUsage = `Usage:
  reprint compare [flags] FILE_A FILE_B          two articles on their own
  reprint compare [flags] ID_A ID_B PATH...      two articles of a corpus
  reprint compare --pairs PAIRS.jsonl [flags] PATH...

Tells how two articles relate, from the side of the one derived from the
other: exact, near_duplicate, contains (reprinted whole, with additions),
rewrite (mostly retold from the other, in the same order), partial (some
passages taken), same_story (independent reports of one event) or none;
which one is the source (the earlier published; undirected when times are
missing, and why); how much of each is found in the other; and the
evidence: aligned sentence pairs and verbatim passages, with byte offsets.

FILE_A and FILE_B are read as dedup reads a file (a .txt, .html or .json
article, or a .jsonl/.csv file holding one article). With PATHs, the ids
name articles of the corpus under them (read as dedup reads it), whose
boilerplate is left out and whose word statistics weigh the words.

Without --json the two texts are shown side by side, aligned sentence
against sentence, verbatim passages marked (in colour on a terminal,
between [[ and ]] otherwise), unmatched sentences against a gap. A copy
(exact, near_duplicate, contains) is shown as what differs: runs of
sentences the same on both sides are folded to a line that counts them
(--full shows them).

--pairs reads one {"a": ID, "b": ID} per line and writes one JSON line per
pair, in input order:
  {"a","b","relation","container","source","direction","note","coverage_a",
   "coverage_b","verbatim_a","verbatim_b","similarity","p_derived","p_rewrite",
   "sentences":[…],"passages":[…]}
A line that cannot be answered (malformed, an unknown id) gets
{"line","a","b","error"} and is counted on stderr.

Flags:
`

func runCompare(args []string, stdout, stderr io.Writer) error {
	cfg := engine.DefaultConfig()
	fs := newFlagSet("compare", compareUsage, stdout, stderr)
	pairsPath := fs.String("pairs", "", "compare the pairs of `PAIRS.jsonl` (one {\"a\",\"b\"} per line)")
	asJSON := fs.Bool("json", false, "write the answer as JSON")
	width := fs.Int("width", 0, "width of the side-by-side view (0: the terminal's, else 120)")
	color := fs.String("color", "auto", "colour the side-by-side view: auto, always, never")
	full := fs.Bool("full", false, "show every sentence of a copy (exact, near_duplicate, contains), not only what differs")
	fs.IntVar(&cfg.Workers, "workers", 0, "parallel workers (0 = all cores); output does not depend on it")
	fs.Int64Var(&cfg.Read.MaxArticleBytes, "max-article-bytes", 4<<20, "truncate longer article texts")
	fs.Int64Var(&cfg.Read.MaxRecordBytes, "max-record-bytes", 16<<20, "reject longer JSONL/CSV records, Parquet rows and .json/.html files")
	fs.IntVar(&cfg.Boilerplate.MinDocs, "boilerplate-min-docs", cfg.Boilerplate.MinDocs, "a line must recur in this many articles to be boilerplate")
	args, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch *color {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("%w: --color %q: want auto, always or never", errUsage, *color)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *pairsPath != "" {
		if len(args) == 0 {
			fs.Usage()
			return fmt.Errorf("%w: --pairs needs the PATHs of the articles", errUsage)
		}
		return comparePairs(ctx, *pairsPath, args, cfg, stdout, stderr)
	}
	if len(args) < 2 {
		fs.Usage()
		return fmt.Errorf("%w: give two files, or two ids and the PATHs holding them", errUsage)
	}
	var ans engine.ReuseAnswer
	var a, b *article.Article
	if len(args) == 2 {
		if a, err = readOne(ctx, args[0], cfg); err != nil {
			return err
		}
		if b, err = readOne(ctx, args[1], cfg); err != nil {
			return err
		}
		ans = engine.CompareTexts(a, b, cfg)
	} else {
		if err := checkPaths(args[2:]); err != nil {
			return err
		}
		res, err := engine.ComparePairs(ctx, args[2:], []engine.PairQuery{{A: args[0], B: args[1]}}, cfg)
		if err != nil {
			return err
		}
		if res.Pairs[0].Err != nil {
			return fmt.Errorf("%w: %v", errUsage, res.Pairs[0].Err)
		}
		ans = *res.Pairs[0].ReuseAnswer
		a, b = res.Articles[args[0]], res.Articles[args[1]]
	}
	ans.WithSpans()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(ans)
	}
	bw := newBufWriter(stdout)
	v := compareView{w: bw, width: *width, color: *color == "always", full: *full}
	if *color == "auto" {
		v.color = isTerminal(stdout)
	}
	if v.width <= 0 {
		v.width = terminalWidth(stdout, 120)
	}
	v.render(&ans, a, b)
	return bw.Flush()
}

// readOne reads the one article of a file.
func readOne(ctx context.Context, path string, cfg engine.Config) (*article.Article, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	var got []article.Article
	var issues []article.Issue
	err := article.Read(ctx, []string{path}, cfg.Read, func(r article.Record) error {
		got = append(got, r.Article)
		return nil
	}, func(is article.Issue) { issues = append(issues, is) })
	if err != nil {
		return nil, err
	}
	switch {
	case len(got) == 1:
		return &got[0], nil
	case len(got) == 0 && len(issues) > 0:
		return nil, fmt.Errorf("%s: no article: %s", path, issues[0])
	case len(got) == 0:
		return nil, fmt.Errorf("%s: no article", path)
	}
	return nil, fmt.Errorf("%w: %s holds %d articles; give their ids and the file as a PATH", errUsage, path, len(got))
}

// pairLine is one line of the --pairs output that could not be answered.
type pairLine struct {
	Line  int    `json:"line"`
	A     string `json:"a"`
	B     string `json:"b"`
	Error string `json:"error"`
}

// comparePairs answers --pairs.
func comparePairs(ctx context.Context, pairsPath string, paths []string, cfg engine.Config, stdout, stderr io.Writer) error {
	f, err := os.Open(pairsPath)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	defer f.Close()
	type entry struct {
		line int
		q    engine.PairQuery
		err  string
	}
	var entries []entry
	var queries []engine.PairQuery
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for n := 1; sc.Scan(); n++ {
		raw := bytes.TrimSpace(bytes.TrimPrefix(sc.Bytes(), []byte(article.BOM)))
		if len(raw) == 0 {
			continue
		}
		var q struct {
			A *string `json:"a"`
			B *string `json:"b"`
		}
		e := entry{line: n}
		switch err := json.Unmarshal(raw, &q); {
		case err != nil:
			e.err = "malformed_json: " + err.Error()
		case q.A == nil || q.B == nil:
			e.err = `missing_id: a line needs "a" and "b"`
		default:
			e.q = engine.PairQuery{A: *q.A, B: *q.B}
			queries = append(queries, e.q)
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", pairsPath, err)
	}
	if err := checkPaths(paths); err != nil {
		return err
	}
	res, err := engine.ComparePairs(ctx, paths, queries, cfg)
	if err != nil {
		return err
	}
	bw := newBufWriter(stdout)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	k, failed := 0, 0
	counts := map[string]int{}
	for _, e := range entries {
		var v any
		switch {
		case e.err != "":
			v = pairLine{Line: e.line, Error: e.err}
			failed++
		default:
			r := res.Pairs[k]
			k++
			if r.Err != nil {
				v = pairLine{Line: e.line, A: e.q.A, B: e.q.B, Error: r.Err.Error()}
				failed++
			} else {
				v = r.ReuseAnswer
				counts[r.Relation]++
			}
		}
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "reprint compare: %d pairs, %d answered, %d not (malformed lines or unknown ids); %d articles read\n", len(entries), len(entries)-failed, failed, res.Read)
	printCounts(stderr, "  relations", toInt64(counts))
	printCounts(stderr, "  input records skipped or altered", issueCounts(res.Issues))
	return nil
}

func toInt64(m map[string]int) map[string]int64 {
	out := map[string]int64{}
	for k, v := range m {
		out[k] = int64(v)
	}
	return out
}

func issueCounts(is []article.Issue) map[string]int64 {
	out := map[string]int64{}
	for _, i := range is {
		out[i.Reason]++
	}
	return out
}
