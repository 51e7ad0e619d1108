package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/synth"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const seedsDir = "../../testdata/seeds"

// The one near-duplicate pair among the five seed articles.
const (
	seedA = "002_324ffcc579898aeb"
	seedB = "004_82913c69984263d3"
)

var outputFiles = []string{"pairs.jsonl", "groups.jsonl", "keep.txt", "boilerplate.jsonl", "rejects.jsonl", "summary.json"}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lines splits s into its newline-terminated lines; it fails when the last
// line is not terminated.
func lines(t *testing.T, name, s string) []string {
	t.Helper()
	if s == "" {
		return nil
	}
	if !strings.HasSuffix(s, "\n") {
		t.Errorf("%s does not end in a newline", name)
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// decodeLines decodes each JSONL line of file into a T, strictly.
func decodeLines[T any](t *testing.T, file string) []T {
	t.Helper()
	var out []T
	for i, l := range lines(t, file, readFile(t, file)) {
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		var v T
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s:%d: %v: %s", file, i+1, err, l)
		}
		out = append(out, v)
	}
	return out
}

// runDedupDir runs `reprint dedup -o DIR args...` and returns DIR and stderr.
func runDedupDir(t *testing.T, args ...string) (string, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out") // also checks that -o creates it
	code, stdout, stderr := runCLI(t, append([]string{"dedup", "-o", dir}, args...)...)
	if code != exitOK {
		t.Fatalf("dedup %q: exit %d\nstderr:\n%s", args, code, stderr)
	}
	if stdout != "" {
		t.Errorf("dedup -o wrote to stdout:\n%s", stdout)
	}
	for _, f := range outputFiles {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("output file missing: %v", err)
		}
	}
	return dir, stderr
}

// summaryFile is the part of summary.json the tests look at.
type summaryFile struct {
	Version string `json:"version"`
	Run     struct {
		Config struct {
			Threshold   float64 `json:"threshold"`
			Containment float64 `json:"containment"`
			K           int     `json:"k"`
			W           int     `json:"shingle_words"`
		} `json:"config"`
		LSH struct {
			Bands int `json:"bands"`
			Rows  int `json:"rows"`
			Min   int `json:"min_matching_bands"`
		} `json:"lsh"`
		Stats engine.Stats `json:"stats"`
	} `json:"run"`
	Elapsed *float64           `json:"elapsed_seconds"`
	Stages  map[string]float64 `json:"stage_seconds"`
}

func readSummary(t *testing.T, path string) summaryFile {
	t.Helper()
	var s summaryFile
	if err := json.Unmarshal([]byte(readFile(t, path)), &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

func TestDedupSeeds(t *testing.T) {
	dir, stderr := runDedupDir(t, seedsDir)

	pairs := decodeLines[engine.Pair](t, filepath.Join(dir, "pairs.jsonl"))
	if len(pairs) != 1 {
		t.Fatalf("pairs.jsonl has %d pairs, want 1: %+v", len(pairs), pairs)
	}
	p := pairs[0]
	if p.A != seedA || p.B != seedB || p.Relation != "near_duplicate" {
		t.Errorf("pair = %+v, want %s ~ %s near_duplicate", p, seedA, seedB)
	}
	if !(p.Jaccard > 0.9 && p.Jaccard <= 1) || !(p.Containment >= p.Jaccard && p.Containment <= 1) {
		t.Errorf("pair scores jaccard %v containment %v out of range", p.Jaccard, p.Containment)
	}

	groups := decodeLines[engine.Group](t, filepath.Join(dir, "groups.jsonl"))
	if len(groups) != 1 {
		t.Fatalf("groups.jsonl has %d groups, want 1: %+v", len(groups), groups)
	}
	g := groups[0]
	if g.ID == "" || (g.Representative != seedA && g.Representative != seedB) ||
		!reflect.DeepEqual(g.Members, []string{seedA, seedB}) {
		t.Errorf("group = %+v", g)
	}

	keep := lines(t, "keep.txt", readFile(t, filepath.Join(dir, "keep.txt")))
	want := []string{"000_d3bb93bdf804906a", "001_8a0ba1f05f835118", "003_e6b4cedbc97f4e06", g.Representative}
	if !sameSet(keep, want) {
		t.Errorf("keep.txt = %q, want %q (any order)", keep, want)
	}

	for _, f := range []string{"boilerplate.jsonl", "rejects.jsonl"} {
		if s := readFile(t, filepath.Join(dir, f)); s != "" {
			t.Errorf("%s not empty for the clean seeds:\n%s", f, s)
		}
	}

	sum := readSummary(t, filepath.Join(dir, "summary.json"))
	if sum.Run.Config.Threshold != 0.8 || sum.Run.Config.Containment != 0.8 || sum.Run.Config.K == 0 || sum.Run.Config.W == 0 {
		t.Errorf("summary config = %+v", sum.Run.Config)
	}
	if sum.Run.LSH.Bands <= 0 || sum.Run.LSH.Rows <= 0 || sum.Run.LSH.Bands*sum.Run.LSH.Rows > sum.Run.Config.K {
		t.Errorf("summary lsh = %+v (k %d)", sum.Run.LSH, sum.Run.Config.K)
	}
	st := sum.Run.Stats
	if st.Records != 5 || st.Articles != 5 || st.Groups != 1 || st.Keep != 4 || st.Pairs["near_duplicate"] != 1 {
		t.Errorf("summary stats = %+v", st)
	}
	if sum.Version != version || sum.Elapsed == nil || len(sum.Stages) == 0 {
		t.Errorf("summary version %q elapsed %v stages %v", sum.Version, sum.Elapsed, sum.Stages)
	}

	for _, s := range []string{"5 records read", "5 articles analyzed", "duplicate groups: 1 (2 articles); keep 4",
		"1 near_duplicate", "output: " + dir} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr summary lacks %q:\n%s", s, stderr)
		}
	}
	if strings.Contains(stderr, "skipped") {
		t.Errorf("stderr reports skipped records for the clean seeds:\n%s", stderr)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestDedupSeedsGolden pins the output format: any change to the records
// written for the seeds shows up as a diff of testdata/golden/seeds.
// Regenerate with `go test ./cmd/reprint -run Golden -update`.
func TestDedupSeedsGolden(t *testing.T) {
	dir, _ := runDedupDir(t, "-q", seedsDir)
	golden := filepath.Join("testdata", "golden", "seeds")
	for _, f := range []string{"pairs.jsonl", "groups.jsonl", "keep.txt"} {
		got := readFile(t, filepath.Join(dir, f))
		gp := filepath.Join(golden, f)
		if *update {
			if err := os.MkdirAll(golden, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(gp, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(gp)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s (run with -update if the change is intended)\ngot:\n%s\nwant:\n%s", f, gp, got, want)
		}
	}
}

func TestDedupInterspersedFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "dedup", seedsDir, "-o", out, "-q")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" || stderr != "" {
		t.Errorf("-q: stdout %q, stderr %q; want both empty", stdout, stderr)
	}
	if got := readFile(t, filepath.Join(out, "keep.txt")); strings.Count(got, "\n") != 4 {
		t.Errorf("keep.txt = %q", got)
	}

	// Flags between two paths, and --flag=value.
	out2 := filepath.Join(t.TempDir(), "out")
	code, _, stderr = runCLI(t, "dedup", seedsDir, "--threshold=0.7", "-o", out2, "../../testdata/presstv", "-q")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if sum := readSummary(t, filepath.Join(out2, "summary.json")); sum.Run.Stats.Records != 12 {
		t.Errorf("two paths with flags between them: %d records read, want 12", sum.Run.Stats.Records)
	}
}

// TestDedupDoubleDash: everything after "--" is a path, even if it looks
// like a flag.
func TestDedupDoubleDash(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := runCLI(t, "dedup", "-q", "-o", out, "--", seedsDir)
	if code != exitOK {
		t.Fatalf("dedup -- PATH: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{
		{"dedup", "-o", out, "--", seedsDir, "-q"},
		{"dedup", "-o", out, seedsDir, "--", "-q"},
		{"dedup", "--", "-o", out, seedsDir},
		{"dedup", "--", seedsDir, "-o", out},
		{"dedup", "-q", seedsDir, "--", seedsDir, "-o", out},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "stat -") {
			t.Errorf("reprint %q: exit %d, want %d with the flag-like path reported missing\nstdout:\n%s\nstderr:\n%s",
				args, code, exitUsage, stdout, stderr)
		}
	}

	// A "--" that is a flag's value is not the terminator.
	seeds, err := filepath.Abs(seedsDir)
	if err != nil {
		t.Fatal(err)
	}
	cwd := t.TempDir()
	t.Chdir(cwd)
	code, stdout, stderr := runCLI(t, "dedup", "-o", "--", seeds, "-q")
	if code != exitOK || stdout != "" || stderr != "" {
		t.Fatalf("dedup -o -- PATH -q: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(cwd, "--", "keep.txt")); err != nil {
		t.Error(err)
	}
}

// TestDedupStdout checks the JSONL stream written without -o, over inputs
// that produce every record type.
func TestDedupStdout(t *testing.T) {
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "empty.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "dedup", seedsDir, "../../testdata/presstv", bad)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "13 records read") || !strings.Contains(stderr, "skipped: 1 (empty_text 1)") {
		t.Errorf("stderr summary:\n%s", stderr)
	}
	order := map[string]int{"pair": 0, "group": 1, "keep": 2, "boilerplate": 3, "reject": 4, "summary": 5}
	counts := map[string]int{}
	ls := lines(t, "stdout", stdout)
	last := -1
	for i, l := range ls {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", i+1, err, l)
		}
		typ, _ := rec["type"].(string)
		o, ok := order[typ]
		if !ok {
			t.Fatalf("line %d: type %q: %s", i+1, typ, l)
		}
		if o < last {
			t.Errorf("line %d: %s record after a later type", i+1, typ)
		}
		last = o
		counts[typ]++
		switch typ {
		case "pair":
			if rec["a"] != seedA || rec["b"] != seedB || rec["relation"] != "near_duplicate" {
				t.Errorf("pair record: %s", l)
			}
		case "keep":
			if id, _ := rec["id"].(string); id == "" {
				t.Errorf("keep record without id: %s", l)
			}
		case "reject":
			if f, _ := rec["file"].(string); filepath.Base(f) != "empty.txt" || rec["reason"] != "empty_text" || rec["skipped"] != true {
				t.Errorf("reject record: %s", l)
			}
		case "boilerplate":
			if s, _ := rec["line"].(string); s == "" {
				t.Errorf("boilerplate record without line: %s", l)
			}
		}
	}
	want := map[string]int{"pair": 1, "group": 1, "keep": 11, "boilerplate": counts["boilerplate"], "reject": 1, "summary": 1}
	if counts["boilerplate"] == 0 || !reflect.DeepEqual(counts, want) {
		t.Errorf("record counts %v, want %v with boilerplate > 0", counts, want)
	}
	if len(ls) == 0 || !strings.Contains(ls[len(ls)-1], `"type":"summary"`) {
		t.Fatalf("last line is not the summary")
	}
	var sum summaryFile
	if err := json.Unmarshal([]byte(ls[len(ls)-1]), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Run.Config.Threshold != 0.8 || sum.Run.LSH.Bands == 0 || sum.Run.Stats.Records != 13 {
		t.Errorf("summary record: %s", ls[len(ls)-1])
	}
}

// withStdin runs f with os.Stdin reading content.
func withStdin(t *testing.T, content string, f func()) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	old := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = old }()
	f()
}

func TestDedupStdin(t *testing.T) {
	text := "The central bank raised its benchmark interest rate by half a point on Thursday, citing persistent inflation in food and energy prices across the region."
	other := "Heavy rain flooded dozens of villages in the north of the country overnight, and rescue teams evacuated hundreds of families to schools and mosques."
	var in strings.Builder
	for _, a := range []map[string]string{
		{"id": "s1", "title": "Rates up", "text": text},
		{"id": "s2", "title": "Rates rise", "text": text},
		{"id": "s3", "title": "Floods", "text": other},
	} {
		b, _ := json.Marshal(a)
		in.Write(b)
		in.WriteByte('\n')
	}
	out := filepath.Join(t.TempDir(), "out")
	var code int
	var stdout, stderr string
	withStdin(t, in.String(), func() { code, stdout, stderr = runCLI(t, "dedup", "-o", out, "-") })
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout: %q", stdout)
	}
	if !strings.Contains(stderr, "3 records read") || !strings.Contains(stderr, "1 exact") {
		t.Errorf("stderr summary:\n%s", stderr)
	}
	pairs := decodeLines[engine.Pair](t, filepath.Join(out, "pairs.jsonl"))
	if len(pairs) != 1 || pairs[0].A != "s1" || pairs[0].B != "s2" || pairs[0].Relation != "exact" || pairs[0].Jaccard != 1 {
		t.Errorf("pairs = %+v, want one exact pair s1 s2", pairs)
	}
	keep := lines(t, "keep.txt", readFile(t, filepath.Join(out, "keep.txt")))
	if len(keep) != 2 || keep[1] != "s3" || (keep[0] != "s1" && keep[0] != "s2") {
		t.Errorf("keep = %q", keep)
	}

	// Stdin in stream mode, mixed with a directory.
	withStdin(t, in.String(), func() { code, stdout, stderr = runCLI(t, "dedup", "-q", "-", seedsDir) })
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(stdout, `"type":"pair"`); n != 2 {
		t.Errorf("stdin + seeds: %d pairs, want 2:\n%s", n, stdout)
	}
}

// timingFree returns summary.json without its elapsed and per-stage times.
func timingFree(t *testing.T, path string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(readFile(t, path)), &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, k := range []string{"elapsed_seconds", "stage_seconds"} {
		if _, ok := m[k]; !ok {
			t.Errorf("%s has no %q", path, k)
		}
		delete(m, k)
	}
	return m
}

// TestDedupDeterministic is an acceptance criterion: the output does not
// depend on the number of workers.
func TestDedupDeterministic(t *testing.T) {
	pool, err := synth.LoadPool(testdata.Require(t))
	if err != nil {
		t.Fatal(err)
	}
	corpus := filepath.Join(t.TempDir(), "corpus")
	n := 3000
	if testing.Short() {
		n = 1000
	}
	if _, _, err := synth.WriteJSONL(corpus, pool, synth.Config{Articles: n, Seed: 5}, 1000); err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, w := range []string{"1", "4", ""} {
		args := []string{"-q", corpus}
		if w != "" {
			args = append(args, "--workers", w)
		}
		dir, _ := runDedupDir(t, args...)
		dirs = append(dirs, dir)
	}
	if len(lines(t, "pairs.jsonl", readFile(t, filepath.Join(dirs[0], "pairs.jsonl")))) == 0 ||
		len(lines(t, "groups.jsonl", readFile(t, filepath.Join(dirs[0], "groups.jsonl")))) == 0 {
		t.Fatal("the generated corpus produced no pairs or groups; the test proves nothing")
	}
	for _, f := range []string{"pairs.jsonl", "groups.jsonl", "keep.txt", "boilerplate.jsonl", "rejects.jsonl"} {
		want := readFile(t, filepath.Join(dirs[0], f))
		for i, d := range dirs[1:] {
			if got := readFile(t, filepath.Join(d, f)); got != want {
				t.Errorf("%s differs between --workers 1 and run %d (%d vs %d bytes)", f, i+2, len(want), len(got))
			}
		}
	}
	want := timingFree(t, filepath.Join(dirs[0], "summary.json"))
	for i, d := range dirs[1:] {
		if got := timingFree(t, filepath.Join(d, "summary.json")); !reflect.DeepEqual(got, want) {
			t.Errorf("summary.json (without timings) differs between --workers 1 and run %d", i+2)
		}
	}
	if sum := readSummary(t, filepath.Join(dirs[0], "summary.json")); sum.Run.Stats.Records != int64(n) {
		t.Errorf("%d records read, want %d", sum.Run.Stats.Records, n)
	}
}

// TestDedupBadInput: bad records are skipped and listed, never fatal.
func TestDedupBadInput(t *testing.T) {
	in := t.TempDir()
	seed, err := os.ReadFile(filepath.Join(seedsDir, "000_d3bb93bdf804906a.txt"))
	if err != nil {
		t.Fatal(err)
	}
	jsonl := `{"id":"x1","text":"one two three four five six seven eight nine ten eleven twelve"}
{"id":"x2", this is not json
{"id":"x1","text":"alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"}
{"id":"x3","text":"the rain in spain stays mainly in the plain said the professor twice"}
`
	files := map[string][]byte{
		"good.txt":         seed,
		"in.jsonl":         []byte(jsonl),
		"binary.txt":       []byte("abc\x00\x01\x02\x03def\x00"),
		"empty.txt":        nil,
		"corrupt.jsonl.gz": {0x1f, 0x8b, 0x08, 0x00, 'n', 'o', 't', ' ', 'd', 'e', 'f', 'l', 'a', 't', 'e'},
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(in, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir, stderr := runDedupDir(t, in)

	type rej struct {
		File, Reason string
		Line         int
	}
	var got []rej
	for _, r := range decodeLines[rejectRecord](t, filepath.Join(dir, "rejects.jsonl")) {
		if !strings.HasPrefix(r.File, in) {
			t.Errorf("reject file %q is not under the input dir %q", r.File, in)
		}
		if !r.Skipped || r.Detail == "" || r.Type != "" {
			t.Errorf("reject %+v: want skipped with a detail and no type", r)
		}
		got = append(got, rej{filepath.Base(r.File), r.Reason, r.Line})
	}
	want := []rej{
		{"binary.txt", "binary_file", 0},
		{"corrupt.jsonl.gz", "decompress_error", 1},
		{"empty.txt", "empty_text", 0},
		{"in.jsonl", "malformed_json", 2},
		{"in.jsonl", "duplicate_id", 3},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rejects.jsonl:\n got %+v\nwant %+v", got, want)
	}

	keep := lines(t, "keep.txt", readFile(t, filepath.Join(dir, "keep.txt")))
	if !sameSet(keep, []string{"good", "x1", "x3"}) {
		t.Errorf("keep.txt = %q", keep)
	}
	for _, s := range []string{"8 records read", "3 articles analyzed",
		"skipped: 5 (binary_file 1, decompress_error 1, duplicate_id 1, empty_text 1, malformed_json 1)"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	sum := readSummary(t, filepath.Join(dir, "summary.json"))
	if sum.Run.Stats.Skipped["duplicate_id"] != 1 || sum.Run.Stats.Articles != 3 {
		t.Errorf("summary stats: %+v", sum.Run.Stats)
	}
}

// A directory with nothing usable is not an error either.
func TestDedupEmptyDir(t *testing.T) {
	dir, stderr := runDedupDir(t, t.TempDir())
	for _, f := range []string{"pairs.jsonl", "groups.jsonl", "keep.txt", "boilerplate.jsonl", "rejects.jsonl"} {
		if s := readFile(t, filepath.Join(dir, f)); s != "" {
			t.Errorf("%s = %q, want empty", f, s)
		}
	}
	if !strings.Contains(stderr, "0 records read") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if strings.Contains(stderr, "NaN") || strings.Contains(stderr, "Inf") {
		t.Errorf("stderr summary has NaN/Inf rates:\n%s", stderr)
	}
	if sum := readSummary(t, filepath.Join(dir, "summary.json")); sum.Run.Stats.Records != 0 || sum.Run.LSH.Bands == 0 {
		t.Errorf("summary stats %+v lsh %+v", sum.Run.Stats, sum.Run.LSH)
	}
}
