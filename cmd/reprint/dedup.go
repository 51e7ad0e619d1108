package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/provenance"
)

const dedupUsage = `Usage: reprint dedup [flags] PATH...

Reads every article under PATH (directories of .txt/.html/.json files,
.jsonl/.ndjson, .csv and .warc files, any of them .gz or .zst compressed,
.parquet tables, or - for JSONL on stdin), finds exact copies,
near-duplicates and reprints with additions, groups duplicates and lists the
articles to keep.

WARC: each response record with an HTTP 2xx HTML page becomes an article (id
and url its WARC-Target-URI, its WARC-Date the date when the page has none);
every other record (request, metadata, warcinfo, revisit, non-HTML, HTTP
errors and redirects, pages without main text) is skipped and listed in
rejects.jsonl with the record's number in the file as its line.

With -o DIR it writes:
  pairs.jsonl        {"a","b","relation","jaccard","containment"} per verified pair
                     (relation exact | near_duplicate | contains; for contains, a holds b)
  groups.jsonl       {"id","representative","members"} per duplicate group
  keep.txt           one article id per line: representatives and singletons
  boilerplate.jsonl  the boilerplate lines found in the corpus
  rejects.jsonl      every skipped or altered input record, with position and reason
  summary.json       parameters, LSH layout and counts of the run
With -o DIR --format parquet the tables are Parquet instead, with columns named
like the JSON fields (lists as LIST columns): pairs.parquet, groups.parquet,
keep.parquet (column "id"), boilerplate.parquet; rejects.jsonl and
summary.json stay JSON.
Without -o it writes the same records as JSONL to stdout, each with a "type"
field (pair, group, keep, boilerplate, reject, summary); --format parquet
needs -o.

A summary goes to stderr (with a progress bar when stderr is a terminal).

Flags:
`

func runDedup(args []string, stdout, stderr io.Writer) error {
	cfg := engine.DefaultConfig()
	fs := newFlagSet("dedup", dedupUsage, stdout, stderr)
	ef := addEngineFlags(fs, &cfg)
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	return ef.run(paths, cfg, stdout, stderr, printSummary)
}

// engineFlags are the flags every engine command shares.
type engineFlags struct {
	fs         *flag.FlagSet
	out        *string
	format     *string
	quiet      *bool
	cpuProfile *string
	memProfile *string
}

// addEngineFlags defines the shared flags on fs, bound to cfg.
func addEngineFlags(fs *flag.FlagSet, cfg *engine.Config) *engineFlags {
	ef := &engineFlags{fs: fs}
	ef.out = fs.String("o", "", "output `DIR` (created if missing); default: JSONL on stdout")
	ef.format = fs.String("format", formatJSONL, "format of the tables written to -o DIR: `jsonl` or parquet (parquet needs -o)")
	ef.quiet = fs.Bool("q", false, "no summary or progress on stderr")
	fs.Float64Var(&cfg.Threshold, "threshold", cfg.Threshold, "Jaccard similarity of shingle sets from which two articles are near duplicates")
	fs.Float64Var(&cfg.Containment, "containment", cfg.Containment, "share of the smaller article's shingles the larger must hold for 'contains'")
	fs.Float64Var(&cfg.ContainRatio, "contain-ratio", cfg.ContainRatio, "smallest size ratio small/large searched for 'contains' (1 = tune LSH for --threshold only)")
	fs.IntVar(&cfg.W, "shingle", cfg.W, "shingle width in words")
	fs.IntVar(&cfg.K, "k", cfg.K, "MinHash signature length")
	fs.IntVar(&cfg.MinTokens, "min-tokens", cfg.MinTokens, "skip articles with fewer tokens")
	fs.IntVar(&cfg.Boilerplate.MinDocs, "boilerplate-min-docs", cfg.Boilerplate.MinDocs, "a line must recur in this many articles to be boilerplate")
	fs.IntVar(&cfg.Workers, "workers", 0, "parallel workers (0 = all cores); output does not depend on it")
	fs.StringVar(&cfg.TempDir, "tmp", "", "directory for spill files (default: system temp dir)")
	fs.Int64Var(&cfg.Read.MaxArticleBytes, "max-article-bytes", 4<<20, "truncate longer article texts")
	fs.Int64Var(&cfg.Read.MaxRecordBytes, "max-record-bytes", 16<<20, "reject longer JSONL/CSV records, Parquet rows and .json files; parse .html files and WARC pages from their start")
	ef.cpuProfile = fs.String("cpuprofile", "", "write a CPU profile to `FILE`")
	ef.memProfile = fs.String("memprofile", "", "write a heap profile (at the end of the run) to `FILE`")
	return ef
}

// run checks the arguments, runs the engine and writes its output.
func (ef *engineFlags) run(paths []string, cfg engine.Config, stdout, stderr io.Writer, summary func(io.Writer, *engine.Result, string)) error {
	if *ef.cpuProfile != "" {
		stopProfile, err := startCPUProfile(*ef.cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	if len(paths) == 0 {
		ef.fs.Usage()
		return fmt.Errorf("%w: no input PATH given", errUsage)
	}
	// A run that allocates fast over a small live heap: see heap.go.
	stopHeap, _ := boundHeap(batchGCPercent)
	defer stopHeap()
	switch *ef.format {
	case formatJSONL:
	case formatParquet:
		if *ef.out == "" {
			return fmt.Errorf("%w: --format parquet writes files and needs -o DIR (standard output is JSONL only)", errUsage)
		}
	default:
		return fmt.Errorf("%w: --format must be jsonl or parquet, not %q", errUsage, *ef.format)
	}
	if cfg.Threshold <= 0 || cfg.Threshold > 1 || cfg.Containment <= 0 || cfg.Containment > 1 {
		return fmt.Errorf("%w: --threshold and --containment must be in (0, 1]", errUsage)
	}
	if err := checkPaths(paths); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var prog *progress
	if !*ef.quiet {
		prog = newProgress(stderr, inputSize(paths))
		cfg.Progress = prog.update
	}
	if *ef.memProfile != "" {
		cfg.Finished = func() { writeHeapProfile(*ef.memProfile, stderr) }
	}
	res, err := engine.Dedup(ctx, paths, cfg)
	prog.finish()
	if err != nil {
		return err
	}
	if *ef.out != "" {
		err = writeDir(*ef.out, res, *ef.format)
	} else {
		err = writeStream(stdout, res)
	}
	if err != nil {
		return err
	}
	if !*ef.quiet {
		summary(stderr, res, *ef.out)
	}
	return nil
}

// inputSize sums the sizes of regular files under paths (0 for stdin).
func inputSize(paths []string) int64 {
	var total int64
	for _, p := range paths {
		if p == "-" {
			continue
		}
		filepath.WalkDir(p, func(_ string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				if info, err := d.Info(); err == nil {
					total += info.Size()
				}
			}
			return nil
		})
	}
	return total
}

type summaryRecord struct {
	Version    string             `json:"version"`
	Result     *engine.Result     `json:"run"`
	ElapsedSec float64            `json:"elapsed_seconds"`
	StageSec   map[string]float64 `json:"stage_seconds"`
}

func summaryOf(res *engine.Result) summaryRecord {
	st := map[string]float64{}
	for k, v := range res.Stats.Stages {
		st[k] = round3(v.Seconds())
	}
	return summaryRecord{Version: version, Result: res, ElapsedSec: round3(res.Stats.Elapsed.Seconds()), StageSec: st}
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

type rejectRecord struct {
	// Type is never set: rejects.jsonl has no type, and the stdout stream
	// adds it (typedWriter). It is here so that readers of either can
	// decode into one struct.
	Type    string `json:"type,omitempty"`
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Reason  string `json:"reason"`
	Detail  string `json:"detail,omitempty"`
	Skipped bool   `json:"skipped"`
}

func writeJSONL[T any](path string, items []T, conv func(T) any) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := newBufWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, it := range items {
		if err := enc.Encode(conv(it)); err != nil {
			f.Close()
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}

func id[T any](x T) any { return x }

// provenanceRecord is a story's provenance graph with its Graphviz DOT.
func provenanceRecord(g provenance.Graph) any {
	return struct {
		provenance.Graph
		DOT string `json:"dot"`
	}{g, g.DOT()}
}

// writeTable writes one table of the run to dir: name.parquet with rows
// made by row when pq, name.jsonl of the items as they are otherwise.
func writeTable[T, R any](dir, name string, pq bool, items []T, row func(T) R) error {
	if pq {
		return writeParquet(filepath.Join(dir, name+".parquet"), items, row)
	}
	return writeJSONL(filepath.Join(dir, name+".jsonl"), items, id)
}

// writeDir writes the run's output files to dir, its tables as JSONL or
// Parquet (format); rejects, summary, relations, provenance and outlets are
// JSON in either case.
func writeDir(dir string, res *engine.Result, format string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating output dir: %w", err)
	}
	pq := format == formatParquet
	if err := writeTable(dir, "pairs", pq, res.Pairs, pairRowOf); err != nil {
		return err
	}
	if err := writeTable(dir, "groups", pq, res.Groups, groupRowOf); err != nil {
		return err
	}
	if err := writeTable(dir, "boilerplate", pq, res.Boilerplate, boilerplateRowOf); err != nil {
		return err
	}
	if err := writeJSONL(filepath.Join(dir, "rejects.jsonl"), res.Issues, func(is article.Issue) any { return reject(is) }); err != nil {
		return err
	}
	if res.Config.Stories && res.Config.Relations {
		if err := writeJSONL(filepath.Join(dir, "relations.jsonl"), res.Relations, id); err != nil {
			return err
		}
		if err := writeJSONL(filepath.Join(dir, "provenance.jsonl"), res.Provenance, provenanceRecord); err != nil {
			return err
		}
		if err := writeJSONL(filepath.Join(dir, "outlets.jsonl"), res.Outlets, id); err != nil {
			return err
		}
	}
	if res.Config.Stories {
		if err := writeTable(dir, "stories", pq, res.Stories, storyRowOf); err != nil {
			return err
		}
		if err := writeTable(dir, "storylines", pq, res.Storylines, storylineRowOf); err != nil {
			return err
		}
	}
	if pq {
		if err := writeParquet(filepath.Join(dir, "keep.parquet"), res.Keep, keepRowOf); err != nil {
			return err
		}
	} else {
		keep := strings.Join(res.Keep, "\n")
		if len(res.Keep) > 0 {
			keep += "\n"
		}
		if err := os.WriteFile(filepath.Join(dir, "keep.txt"), []byte(keep), 0o644); err != nil {
			return fmt.Errorf("writing keep.txt: %w", err)
		}
	}
	b, err := json.MarshalIndent(summaryOf(res), "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "summary.json"), append(b, '\n'), 0o644)
}

func writeStream(w io.Writer, res *engine.Result) error {
	bw := newBufWriter(w)
	tw := typedWriter{w: bw}
	for _, p := range res.Pairs {
		tw.write("pair", p)
	}
	for _, g := range res.Groups {
		tw.write("group", g)
	}
	for _, k := range res.Keep {
		tw.write("keep", struct {
			ID string `json:"id"`
		}{k})
	}
	for _, b := range res.Boilerplate {
		tw.write("boilerplate", b)
	}
	for _, st := range res.Stories {
		tw.write("story", st)
	}
	for _, sl := range res.Storylines {
		tw.write("storyline", sl)
	}
	for _, rel := range res.Relations {
		tw.write("relation", rel)
	}
	for _, g := range res.Provenance {
		tw.write("provenance", provenanceRecord(g))
	}
	for _, o := range res.Outlets {
		tw.write("outlet", o)
	}
	for _, is := range res.Issues {
		tw.write("reject", reject(is))
	}
	tw.write("summary", summaryOf(res))
	if tw.err != nil {
		return tw.err
	}
	return bw.Flush()
}

// typedWriter writes JSON objects as lines with a leading "type" field.
type typedWriter struct {
	w   io.Writer
	err error
}

func (t *typedWriter) write(typ string, v any) {
	if t.err != nil {
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if t.err = enc.Encode(v); t.err != nil {
		return
	}
	b := buf.Bytes()
	sep := ","
	if bytes.HasPrefix(b, []byte("{}")) {
		sep = ""
	}
	_, t.err = fmt.Fprintf(t.w, "{\"type\":%q%s%s", typ, sep, b[1:])
}

func printSummary(w io.Writer, res *engine.Result, out string) {
	st := res.Stats
	secs := max(st.Elapsed.Seconds(), 1e-9)
	fmt.Fprintf(w, "reprint dedup: %d records read, %d articles analyzed, %.1f MB in %.2fs (%.0f articles/s, %.1f MB/s)\n",
		st.Records, st.Articles, float64(st.Bytes)/1e6, secs, float64(st.Articles)/secs, float64(st.Bytes)/1e6/secs)
	printCounts(w, "  skipped", st.Skipped)
	printCounts(w, "  altered (kept)", st.Altered)
	fmt.Fprintf(w, "  boilerplate lines: %d\n", st.Boilerplate)
	fmt.Fprintf(w, "  LSH: %d bands × %d rows, ≥%d matching (target Jaccard %.3f); %d candidate pairs, %d verified\n",
		res.Bands.B, res.Bands.R, res.Bands.M, res.Config.LSHTarget(), st.Candidates.Pairs, st.Verified)
	fmt.Fprintf(w, "  pairs: %d exact, %d near_duplicate, %d contains\n", st.Pairs["exact"], st.Pairs["near_duplicate"], st.Pairs["contains"])
	fmt.Fprintf(w, "  duplicate groups: %d (%d articles); keep %d\n", st.Groups, st.GroupedArticles, st.Keep)
	stages := make([]string, 0, len(st.Stages))
	for k := range st.Stages {
		stages = append(stages, k)
	}
	sort.Strings(stages)
	var parts []string
	for _, k := range stages {
		parts = append(parts, fmt.Sprintf("%s %.2fs", k, st.Stages[k].Seconds()))
	}
	fmt.Fprintf(w, "  stages: %s\n", strings.Join(parts, ", "))
	if out != "" {
		fmt.Fprintf(w, "  output: %s\n", out)
	}
}

func printCounts(w io.Writer, label string, m map[string]int64) {
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	var total int64
	for k, v := range m {
		keys = append(keys, k)
		total += v
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	fmt.Fprintf(w, "%s: %d (%s)\n", label, total, strings.Join(parts, ", "))
}
