package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// evalFixture writes a tiny gold and prediction:
// gold {1,2,3},{4,5},{6} (story) and one topic; pred {1,2},{3,4,5,6} plus
// an item "7" that gold does not know. Hand-computed scores at level story
// (see eval.TestHandComputed, case "asymmetric"): pairwise P 2/7, R 1/2,
// F1 4/11; BCubed P 7/12, R 7/9, F1 2/3; ARI 4/109; NMI 2/3 − (4/9)ln2/ln3
// ≈ 0.38625.
func evalFixture(t *testing.T) (gold, pred string) {
	t.Helper()
	dir := t.TempDir()
	gold = filepath.Join(dir, "gold.jsonl")
	pred = filepath.Join(dir, "stories.jsonl")
	g := `{"id":"1","story":"a","topic":"T"}
{"id":"2","story":"a","topic":"T"}
{"id":"3","story":"a","topic":"T"}
{"id":"4","story":"b","topic":"T"}
{"id":"5","story":"b","topic":"T"}
{"id":"6","story":"c","topic":"T"}
`
	p := `{"id":"s1","title":"one","articles":["1","2"]}
{"id":"s2","title":"two","articles":["3","4","5","6","7"]}
`
	if err := os.WriteFile(gold, []byte(g), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pred, []byte(p), 0o644); err != nil {
		t.Fatal(err)
	}
	return gold, pred
}

func TestEvalTable(t *testing.T) {
	gold, pred := evalFixture(t)
	code, stdout, stderr := runCLI(t, "eval", "--gold", gold, "--pred", pred)
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d\nstderr:\n%s", code, stderr)
	}
	want := `level story: 6 items, gold 3 clusters, predicted 2 clusters (0 missing in prediction, 1 predicted items not in gold ignored)
              precision  recall      F1
  pairwise       0.2857  0.5000  0.3636
  BCubed         0.5833  0.7778  0.6667
  ARI 0.0367   NMI 0.3863
`
	if stdout != want {
		t.Errorf("got:\n%s\nwant:\n%s", stdout, want)
	}

	// Level topic: gold is one cluster of 6. Pred pairs 1 + C(4,2) = 7 (item
	// 7 is ignored), all gold-together: P 1, R 7/15; BCubed P 1,
	// R (2·2/6 + 4·4/6)/6 = 5/9.
	code, stdout, _ = runCLI(t, "eval", "--level", "topic", "--gold", gold, "--pred", pred)
	if code != exitOK || !strings.Contains(stdout, "  pairwise       1.0000  0.4667  0.6364\n") ||
		!strings.Contains(stdout, "  BCubed         1.0000  0.5556  0.7143\n") {
		t.Errorf("level topic: exit %d\n%s", code, stdout)
	}
}

func TestEvalJSONAndTSV(t *testing.T) {
	gold, pred := evalFixture(t)
	code, stdout, stderr := runCLI(t, "eval", "--json", "--gold", gold, "--pred", pred)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r map[string]any
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(&r); err != nil || dec.More() {
		t.Fatalf("--json output is not one JSON object: %v\n%s", err, stdout)
	}
	num := func(k string) float64 { v, _ := r[k].(float64); return v }
	checks := map[string]float64{
		"items": 6, "gold_clusters": 3, "pred_clusters": 2, "missing_in_pred": 0, "extra_in_pred": 1,
		"pair_precision": 2.0 / 7, "pair_recall": 0.5, "pair_f1": 4.0 / 11,
		"bcubed_precision": 7.0 / 12, "bcubed_recall": 7.0 / 9, "bcubed_f1": 2.0 / 3,
		"ari": 4.0 / 109, "nmi": 2.0/3 - 4.0/9*math.Log(2)/math.Log(3),
	}
	for k, want := range checks {
		if got := num(k); math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	if r["level"] != "story" || r["gold"] != gold || r["pred"] != pred {
		t.Errorf("level/gold/pred: %v", r)
	}

	code, stdout, _ = runCLI(t, "eval", "--gold", gold, "--pred", pred, "--tsv", "--level=story")
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if code != exitOK || len(lines) != 2 {
		t.Fatalf("--tsv: exit %d\n%s", code, stdout)
	}
	head, vals := strings.Split(lines[0], "\t"), strings.Split(lines[1], "\t")
	if len(head) != len(vals) || head[0] != "level" || vals[0] != "story" {
		t.Fatalf("--tsv columns:\n%q\n%q", head, vals)
	}
	row := map[string]string{}
	for i, h := range head {
		row[h] = vals[i]
	}
	for k, want := range map[string]string{"items": "6", "pred_clusters": "2", "pair_f1": "0.3636", "bcubed_f1": "0.6667", "ari": "0.0367", "nmi": "0.3863"} {
		if row[k] != want {
			t.Errorf("--tsv %s = %q, want %q", k, row[k], want)
		}
	}
}

func TestEvalMissingInPred(t *testing.T) {
	gold, _ := evalFixture(t)
	pred := filepath.Join(t.TempDir(), "groups.jsonl")
	// Only {4,5} is predicted (as dedup's groups.jsonl lists only groups):
	// the other four are scored as singletons. Pairwise: 1 predicted pair, gold
	// pairs 3 + 1 = 4, TP 1: P 1, R 1/4, F1 2/5.
	os.WriteFile(pred, []byte(`{"id":"g1","representative":"4","members":["4","5"]}`+"\n"), 0o644)
	code, stdout, _ := runCLI(t, "eval", "--gold", gold, "--pred", pred)
	if code != exitOK || !strings.HasPrefix(stdout, "level story: 6 items, gold 3 clusters, predicted 5 clusters (4 missing in prediction)\n") ||
		!strings.Contains(stdout, "  pairwise       1.0000  0.2500  0.4000\n") {
		t.Errorf("exit %d\n%s", code, stdout)
	}
}

func TestEvalExitCodes(t *testing.T) {
	gold, pred := evalFixture(t)
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte(`{"id":"s1","articles":["1"]}`+"\n"+`{"id":"s2","articles":["1"]}`+"\n"), 0o644)
	missing := filepath.Join(t.TempDir(), "nope.jsonl")
	tests := []struct {
		name   string
		args   []string
		want   int
		stderr string
	}{
		{"help (on stdout)", []string{"eval", "--help"}, exitOK, ""},
		{"no flags", []string{"eval"}, exitUsage, "--gold and --pred are required"},
		{"no pred", []string{"eval", "--gold", gold}, exitUsage, "--gold and --pred are required"},
		{"positional", []string{"eval", "--gold", gold, "--pred", pred, "extra"}, exitUsage, `unexpected argument "extra"`},
		{"bad level", []string{"eval", "--gold", gold, "--pred", pred, "--level", "event"}, exitUsage, "--level must be one of"},
		{"json and tsv", []string{"eval", "--gold", gold, "--pred", pred, "--json", "--tsv"}, exitUsage, "exclude each other"},
		{"unknown flag", []string{"eval", "--gold", gold, "--pred", pred, "--nope"}, exitUsage, "flag provided but not defined"},
		{"missing gold file", []string{"eval", "--gold", missing, "--pred", pred}, exitFailure, "nope.jsonl"},
		{"missing pred file", []string{"eval", "--gold", gold, "--pred", missing}, exitFailure, "nope.jsonl"},
		{"duplicate membership", []string{"eval", "--gold", gold, "--pred", bad}, exitFailure, `bad.jsonl:2: item "1" is in two clusters`},
		{"level absent from gold", []string{"eval", "--gold", gold, "--pred", pred, "--level", "dup"}, exitFailure, `gold.jsonl:1: item "1": no "dup" field`},
	}
	for _, tc := range tests {
		code, stdout, stderr := runCLI(t, tc.args...)
		if code != tc.want || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%s: exit %d (want %d), stderr:\n%s", tc.name, code, tc.want, stderr)
		}
		if code != exitOK && stdout != "" {
			t.Errorf("%s: a failing command wrote to stdout:\n%s", tc.name, stdout)
		}
	}
}
