package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/reprint-news/reprint/eval"
)

const evalUsage = `Usage: reprint eval --gold GOLD.jsonl --pred PRED.jsonl [--level story|topic|dup] [--json | --tsv]

Scores predicted clusters against gold labels over the gold items.

GOLD.jsonl has one line per item, {"id", "story", "topic", "dup", ...}; --level
names the field that holds the gold cluster label. PRED.jsonl has one line per
predicted cluster, {"id", ..., "articles": [ids]} or {"id", ..., "members": [ids]}
(stories.jsonl, storylines.jsonl, groups.jsonl). Gold items that no predicted
cluster lists are scored as singletons; predicted items not in gold are ignored.

Metrics (see the eval package documentation for exact definitions):
  pairwise   precision/recall/F1 over pairs of items put in the same cluster
             (0/0 counts as 1)
  BCubed     per-item precision/recall, averaged over items (Bagga & Baldwin 1998)
  ARI        adjusted Rand index (Hubert & Arabie 1985)
  NMI        normalized mutual information, arithmetic-mean normalization

Output: a table; with --json one JSON object; with --tsv a header line and one
tab-separated line of values.

Flags:
`

// evalLevels are the gold fields reprint's data provides.
var evalLevels = []string{"story", "topic", "dup"}

type evalReport struct {
	Level string `json:"level"`
	Gold  string `json:"gold"`
	Pred  string `json:"pred"`
	eval.Scores
}

func runEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", evalUsage, stdout, stderr)
	gold := fs.String("gold", "", "gold labels `FILE` (JSONL, one line per item)")
	pred := fs.String("pred", "", "predicted clusters `FILE` (JSONL, one line per cluster)")
	level := fs.String("level", "story", "gold field to score against: "+strings.Join(evalLevels, ", "))
	asJSON := fs.Bool("json", false, "print one JSON object")
	asTSV := fs.Bool("tsv", false, "print a tab-separated header line and one line of values")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return fmt.Errorf("%w: unexpected argument %q (use --gold and --pred)", errUsage, pos[0])
	case *gold == "" || *pred == "":
		fs.Usage()
		return fmt.Errorf("%w: --gold and --pred are required", errUsage)
	case *asJSON && *asTSV:
		return fmt.Errorf("%w: --json and --tsv exclude each other", errUsage)
	}
	validLevel := false
	for _, l := range evalLevels {
		validLevel = validLevel || *level == l
	}
	if !validLevel {
		return fmt.Errorf("%w: --level must be one of %s, not %q", errUsage, strings.Join(evalLevels, ", "), *level)
	}

	g, err := eval.ReadGold(*gold, *level)
	if err != nil {
		return fmt.Errorf("reading gold: %w", err)
	}
	p, err := eval.ReadPred(*pred)
	if err != nil {
		return fmt.Errorf("reading prediction: %w", err)
	}
	rep := evalReport{Level: *level, Gold: *gold, Pred: *pred, Scores: eval.Score(g, p)}
	switch {
	case *asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	case *asTSV:
		_, err = io.WriteString(stdout, evalTSV(rep))
		return err
	}
	_, err = io.WriteString(stdout, evalTable(rep))
	return err
}

// evalTSVHeader names the columns of --tsv; reprint-news scripts/scoreboard
// relies on these names.
const evalTSVHeader = "level\titems\tgold_clusters\tpred_clusters\tmissing_in_pred\textra_in_pred\t" +
	"pair_precision\tpair_recall\tpair_f1\tbcubed_precision\tbcubed_recall\tbcubed_f1\tari\tnmi\n"

func evalTSV(r evalReport) string {
	s := r.Scores
	return evalTSVHeader + fmt.Sprintf("%s\t%d\t%d\t%d\t%d\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n",
		r.Level, s.Items, s.GoldClusters, s.PredClusters, s.MissingInPred, s.ExtraInPred,
		s.PairPrecision, s.PairRecall, s.PairF1, s.BCubedPrecision, s.BCubedRecall, s.BCubedF1, s.ARI, s.NMI)
}

func evalTable(r evalReport) string {
	s := r.Scores
	var b strings.Builder
	fmt.Fprintf(&b, "level %s: %d items, gold %d clusters, predicted %d clusters (%d missing in prediction",
		r.Level, s.Items, s.GoldClusters, s.PredClusters, s.MissingInPred)
	if s.ExtraInPred > 0 {
		fmt.Fprintf(&b, ", %d predicted items not in gold ignored", s.ExtraInPred)
	}
	b.WriteString(")\n")
	fmt.Fprintf(&b, "%-12s%11s%8s%8s\n", "", "precision", "recall", "F1")
	fmt.Fprintf(&b, "  %-10s%11.4f%8.4f%8.4f\n", "pairwise", s.PairPrecision, s.PairRecall, s.PairF1)
	fmt.Fprintf(&b, "  %-10s%11.4f%8.4f%8.4f\n", "BCubed", s.BCubedPrecision, s.BCubedRecall, s.BCubedF1)
	fmt.Fprintf(&b, "  ARI %.4f   NMI %.4f\n", s.ARI, s.NMI)
	return b.String()
}
