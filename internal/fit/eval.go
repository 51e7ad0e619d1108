package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/match"
)

// The quality figures of text reuse, through the engine as
// `reprint compare --pairs` answers (docs/QUALITY.md):
//
//   - MSRP: 10-fold cross-validation of the pair answer, the sentence
//     models fitted on nine folds and the tenth answered by the engine;
//     exact, near_duplicate, contains and rewrite count as paraphrase.
//   - METER: the committed models' answers (in-sample), the 10-fold
//     cross-validated figures of fitting them, as `fit reuse` prints, and
//     their mean over repeated shuffles of the folds.
//   - SemEval-2022: Pearson correlation of the similarity with "overall".

// paraphraseRelations are the answers that count as paraphrase in MSRP.
var paraphraseRelations = map[string]bool{"exact": true, "near_duplicate": true, "contains": true, "rewrite": true}

// msrpCorpus writes the MSRP sentences as a JSONL corpus (ids m<i>a,
// m<i>b) and returns its path and the pair queries.
func msrpCorpus(ps []msrpPair) (string, []engine.PairQuery, error) {
	f, err := os.CreateTemp("", "msrp-*.jsonl")
	if err != nil {
		return "", nil, err
	}
	enc := json.NewEncoder(f)
	qs := make([]engine.PairQuery, len(ps))
	for i, p := range ps {
		a, b := fmt.Sprintf("m%da", i), fmt.Sprintf("m%db", i)
		enc.Encode(map[string]string{"id": a, "text": p.a})
		enc.Encode(map[string]string{"id": b, "text": p.b})
		qs[i] = engine.PairQuery{A: a, B: b}
	}
	return f.Name(), qs, f.Close()
}

// msrpPipelineCV returns the 10-fold cross-validated accuracy of the
// engine's pair answer on MSRP.
func msrpPipelineCV(dir string) (float64, error) {
	ps, err := readMSRP(filepath.Join(dir, "msrp-train.tsv"))
	if err != nil {
		return 0, err
	}
	X, Y := msrpFeatures(ps)
	corpus, qs, err := msrpCorpus(ps)
	if err != nil {
		return 0, err
	}
	defer os.Remove(corpus)
	train, test := folds(len(X), 10, 1, 2)
	savedA, savedS := match.SentenceModel, match.ShortTextModel
	defer func() { match.SentenceModel, match.ShortTextModel = savedA, savedS }()
	correct := 0
	for fold := range 10 {
		var tx [][]float64
		var ty []bool
		for _, i := range train[fold] {
			tx, ty = append(tx, X[i]), append(ty, Y[i])
		}
		ma, ms, err := fitSentenceModels(tx, ty)
		if err != nil {
			return 0, err
		}
		match.SentenceModel, match.ShortTextModel = ma, ms
		var fq []engine.PairQuery
		for _, i := range test[fold] {
			fq = append(fq, qs[i])
		}
		res, err := engine.ComparePairs(context.Background(), []string{corpus}, fq, engine.DefaultConfig())
		if err != nil {
			return 0, err
		}
		for k, r := range res.Pairs {
			if r.Err != nil {
				return 0, r.Err
			}
			if paraphraseRelations[r.Relation] == Y[test[fold][k]] {
				correct++
			}
		}
	}
	return float64(correct) / float64(len(X)), nil
}

// meterShuffles is the number of shuffles the repeated METER
// cross-validation averages over.
const meterShuffles = 20

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// meterAnswers returns the engine's METER labels of every gold pair with
// the committed models (relation → wholly, partially, non).
func meterAnswers(dir string) ([]string, []string, []string, error) {
	gold, err := readMeterGold(filepath.Join(dir, "meter-dev.gold.jsonl"))
	if err != nil {
		return nil, nil, nil, err
	}
	qs := make([]engine.PairQuery, len(gold))
	for i, g := range gold {
		qs[i] = engine.PairQuery{A: g.B, B: g.A}
	}
	res, err := engine.ComparePairs(context.Background(), []string{filepath.Join(dir, "meter-dev.jsonl")}, qs, engine.DefaultConfig())
	if err != nil {
		return nil, nil, nil, err
	}
	var y, pred, sources []string
	for i, r := range res.Pairs {
		if r.Err != nil {
			return nil, nil, nil, r.Err
		}
		y = append(y, gold[i].Label)
		pred = append(pred, meterLabelOf(r.Relation))
		src := ""
		if r.Source != nil {
			src = *r.Source
		}
		sources = append(sources, src)
	}
	return y, pred, sources, nil
}

// meterLabelOf maps a relation to METER's classes.
func meterLabelOf(rel string) string {
	switch rel {
	case "exact", "near_duplicate", "contains", "rewrite":
		return "wholly"
	case "partial":
		return "partially"
	}
	return "non"
}

// semevalPearson returns the Pearson correlation of the engine's
// similarity (as reprint compare --pairs answers it) with SemEval's
// overall score.
func semevalPearson(dir string) (float64, error) {
	_, ys, sims, err := semevalFeatures(dir, engine.DefaultConfig())
	if err != nil {
		return 0, err
	}
	return pearson(sims, ys), nil
}

// similarityPearson is the Pearson correlation of the committed
// similarity model's scores of X with ys.
func similarityPearson(X [][]float64, ys []float64) float64 {
	p := make([]float64, len(X))
	for i, x := range X {
		p[i] = match.SimilarityModel.Prob(x)
	}
	return pearson(p, ys)
}

func evalAll(dir string) error {
	acc, err := msrpPipelineCV(dir)
	if err != nil {
		return err
	}
	fmt.Printf("MSRP, 10-fold, pair answer (exact/near_duplicate/contains/rewrite = paraphrase): accuracy %.4f\n", acc)
	y, pred, sources, err := meterAnswers(dir)
	if err != nil {
		return err
	}
	s := scoreMeter(y, pred)
	wire := 0
	derived := 0
	for i, src := range sources {
		if pred[i] != "non" {
			derived++
			if strings.HasPrefix(src, "meter:pagrou") {
				wire++
			}
		}
	}
	fmt.Printf("METER, committed models (fitted on this data): 3-class accuracy %.3f, macro-F1 %.3f; derived vs non accuracy %.3f, macro-F1 %.3f; source = the wire copy in %d of %d pairs answered as derived\n",
		s.acc, s.macroF1, s.binAcc, s.binF1, wire, derived)
	X, Y, err := meterFeatures(dir, engine.DefaultConfig())
	if err != nil {
		return err
	}
	mds, mws, fold, err := cvReuse(X, Y)
	if err != nil {
		return err
	}
	tD, tW, cv := bestThresholds(X, Y, mds, mws, fold)
	fmt.Printf("METER, 10-fold cross-validated (thresholds %.2f, %.2f chosen on the folds' predictions): 3-class accuracy %.3f, macro-F1 %.3f; derived vs non accuracy %.3f, macro-F1 %.3f\n",
		tD, tW, cv.acc, cv.macroF1, cv.binAcc, cv.binF1)
	// One shuffle's folds swing macro-F1 by about ±0.01 on 410 pairs:
	// the mean over repeated shuffles is the steadier figure.
	var f1s, bins []float64
	for k := range meterShuffles {
		mds, mws, fold, err := cvReuseShuffled(X, Y, uint64(100+2*k), uint64(101+2*k))
		if err != nil {
			return err
		}
		_, _, s := bestThresholds(X, Y, mds, mws, fold)
		f1s, bins = append(f1s, s.macroF1), append(bins, s.binAcc)
	}
	fmt.Printf("METER, 10-fold cross-validated over %d shuffles: 3-class macro-F1 mean %.3f (%.3f–%.3f); derived vs non accuracy mean %.3f (%.3f–%.3f)\n",
		meterShuffles, mean(f1s), slices.Min(f1s), slices.Max(f1s), mean(bins), slices.Min(bins), slices.Max(bins))
	SX, sy, sims, err := semevalFeatures(dir, engine.DefaultConfig())
	if err != nil {
		return err
	}
	fmt.Printf("SemEval-2022 (354 pairs): Pearson with overall of the answered similarity %.3f, of the committed similarity model alone %.3f\n", pearson(sims, sy), similarityPearson(SX, sy))
	sp, err := cvSimilarity(SX, sy)
	if err != nil {
		return err
	}
	fmt.Printf("SemEval-2022, 10-fold cross-validated: Pearson %.3f\n", pearson(sp, sy))
	return nil
}

// engineDefault is the engine's default configuration.
func engineDefault() engine.Config { return engine.DefaultConfig() }
