package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/format"
	"math"
	"os"
	"path/filepath"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/match"
)

// The reuse models, from METER: the journalists' labels of newspaper
// articles against the Press Association copy of their story (wholly,
// partially or not derived). Each labelled newspaper article is compared
// with its wire group through the engine (engine.ComparePairs over
// meter-dev.jsonl, as `reprint compare --pairs` would), the newspaper
// article being the derived side. Two logistic regressions: derived
// (wholly or partially) against non, and wholly against partially among
// the derived. The two decision thresholds are those that maximise the
// three-class macro-F1 of 10-fold cross-validated probabilities.

// meterLabel is one gold line of meter-dev.gold.jsonl.
type meterLabel struct {
	A     string `json:"a"` // the wire group
	B     string `json:"b"` // the newspaper article
	Label string `json:"label"`
}

func readMeterGold(path string) ([]meterLabel, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []meterLabel
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l meterLabel
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, l)
	}
	return out, sc.Err()
}

// meterFeatures compares every labelled pair and returns the reuse
// features (newspaper derived) and labels.
func meterFeatures(dir string, cfg engine.Config) ([][]float64, []string, error) {
	gold, err := readMeterGold(filepath.Join(dir, "meter-dev.gold.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	qs := make([]engine.PairQuery, len(gold))
	for i, g := range gold {
		qs[i] = engine.PairQuery{A: g.B, B: g.A}
	}
	res, err := engine.ComparePairs(context.Background(), []string{filepath.Join(dir, "meter-dev.jsonl")}, qs, cfg)
	if err != nil {
		return nil, nil, err
	}
	var X [][]float64
	var Y []string
	for i, r := range res.Pairs {
		if r.Err != nil {
			return nil, nil, r.Err
		}
		X = append(X, r.ReuseFeatures(true))
		Y = append(Y, gold[i].Label)
	}
	return X, Y, nil
}

// reuseL2 is the L2 penalty of the reuse models.
const reuseL2 = 3.0

// meterScores are the metrics of a METER prediction.
type meterScores struct {
	acc, macroF1, binAcc, binF1 float64
}

func scoreMeter(gold, pred []string) meterScores {
	cls := []string{"wholly", "partially", "non"}
	var s meterScores
	conf := map[[2]string]int{}
	for i := range gold {
		conf[[2]string{gold[i], pred[i]}]++
		if gold[i] == pred[i] {
			s.acc++
		}
		if (gold[i] == "non") == (pred[i] == "non") {
			s.binAcc++
		}
	}
	n := float64(len(gold))
	s.acc /= n
	s.binAcc /= n
	f1 := func(isC func(string) bool) float64 {
		tp, fp, fn := 0, 0, 0
		for i := range gold {
			g, p := isC(gold[i]), isC(pred[i])
			switch {
			case g && p:
				tp++
			case p:
				fp++
			case g:
				fn++
			}
		}
		if tp == 0 {
			return 0
		}
		pr, re := float64(tp)/float64(tp+fp), float64(tp)/float64(tp+fn)
		return 2 * pr * re / (pr + re)
	}
	for _, c := range cls {
		s.macroF1 += f1(func(x string) bool { return x == c }) / 3
	}
	s.binF1 = (f1(func(x string) bool { return x != "non" }) + f1(func(x string) bool { return x == "non" })) / 2
	return s
}

// predictMeter turns a decision into a METER label.
func predictMeter(f []float64, md, mw *match.Logit, tD, tW float64) string {
	cfg := match.DefaultReuseConfig()
	cfg.Derived, cfg.Rewrite = tD, tW
	rel, _, _ := match.DecideReuseWith(f, cfg, md, mw)
	switch rel {
	case match.Rewrite:
		return "wholly"
	case match.Partial:
		return "partially"
	}
	return "non"
}

// fitReuseModels fits the two models on rows X, Y.
func fitReuseModels(X [][]float64, Y []string) (*match.Logit, *match.Logit, error) {
	var yd []bool
	var xw [][]float64
	var yw []bool
	for i, x := range X {
		yd = append(yd, Y[i] != "non")
		if Y[i] != "non" {
			xw, yw = append(xw, x), append(yw, Y[i] == "wholly")
		}
	}
	md, err := match.FitLogit(match.ReuseFeatureNames(), X, yd, reuseL2)
	if err != nil {
		return nil, nil, err
	}
	mw, err := match.FitLogit(match.ReuseFeatureNames(), xw, yw, reuseL2)
	return md, mw, err
}

// cvReuse returns the models fitted on each of 10 folds' training part
// and each row's fold.
func cvReuse(X [][]float64, Y []string) ([]*match.Logit, []*match.Logit, []int, error) {
	return cvReuseShuffled(X, Y, 3, 4)
}

// cvReuseShuffled is cvReuse over the folds of the shuffle seeded s1, s2.
func cvReuseShuffled(X [][]float64, Y []string, s1, s2 uint64) ([]*match.Logit, []*match.Logit, []int, error) {
	train, test := folds(len(X), 10, s1, s2)
	fold := make([]int, len(X))
	var mds, mws []*match.Logit
	for k := range 10 {
		var tx [][]float64
		var ty []string
		for _, i := range train[k] {
			tx, ty = append(tx, X[i]), append(ty, Y[i])
		}
		for _, i := range test[k] {
			fold[i] = k
		}
		md, mw, err := fitReuseModels(tx, ty)
		if err != nil {
			return nil, nil, nil, err
		}
		mds, mws = append(mds, md), append(mws, mw)
	}
	return mds, mws, fold, nil
}

// bestThresholds searches the grid for the thresholds of the best
// cross-validated macro-F1 (each row predicted by its fold's models).
func bestThresholds(X [][]float64, Y []string, mds, mws []*match.Logit, fold []int) (float64, float64, meterScores) {
	var bd, bw float64
	var best meterScores
	pred := make([]string, len(Y))
	for tD := 0.30; tD <= 0.951; tD += 0.02 {
		for tW := 0.10; tW <= 0.901; tW += 0.02 {
			for i := range Y {
				pred[i] = predictMeter(X[i], mds[fold[i]], mws[fold[i]], tD, tW)
			}
			if s := scoreMeter(Y, pred); s.macroF1 > best.macroF1+1e-12 {
				bd, bw, best = tD, tW, s
			}
		}
	}
	return round2(bd), round2(bw), best
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// semevalPair is one line of semeval2022-en-pairs.jsonl.
type semevalPair struct {
	ID      string  `json:"pair_id"`
	Text1   string  `json:"text1"`
	Text2   string  `json:"text2"`
	Overall float64 `json:"overall"`
}

// semevalFeatures compares every SemEval pair (through a JSONL corpus of
// its texts written to a temporary file) and returns the similarity
// features, the overall scores (1 very similar … 4 very dissimilar) and
// the engine's answered similarities.
func semevalFeatures(dir string, cfg engine.Config) ([][]float64, []float64, []float64, error) {
	f, err := os.Open(filepath.Join(dir, "semeval2022-en-pairs.jsonl"))
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	tmp, err := os.CreateTemp("", "semeval-*.jsonl")
	if err != nil {
		return nil, nil, nil, err
	}
	defer os.Remove(tmp.Name())
	var qs []engine.PairQuery
	var ys []float64
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	enc := json.NewEncoder(tmp)
	for sc.Scan() {
		var p semevalPair
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, nil, nil, err
		}
		a, b := p.ID+"/1", p.ID+"/2"
		enc.Encode(map[string]string{"id": a, "text": p.Text1})
		enc.Encode(map[string]string{"id": b, "text": p.Text2})
		qs = append(qs, engine.PairQuery{A: a, B: b})
		ys = append(ys, p.Overall)
	}
	if err := tmp.Close(); err != nil {
		return nil, nil, nil, err
	}
	res, err := engine.ComparePairs(context.Background(), []string{tmp.Name()}, qs, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	var X [][]float64
	var sims []float64
	for _, r := range res.Pairs {
		if r.Err != nil {
			return nil, nil, nil, r.Err
		}
		X, sims = append(X, r.SimilarityFeatures()), append(sims, r.Similarity)
	}
	return X, ys, sims, nil
}

// sameStoryOverall is the SemEval overall score (1 very similar … 4 very
// dissimilar) up to which a pair counts as one story for the similarity
// model, as the data's README suggests (≤ 1.5 same story, ≥ 3.5
// different); the model is fitted on all pairs.
const sameStoryOverall = 2.5

// similarityL2 is the L2 penalty of the similarity model.
const similarityL2 = 1.0

func pearson(x, y []float64) float64 {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += x[i] / n
		my += y[i] / n
	}
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

// sameStoryThreshold returns the score threshold with the best accuracy
// for "overall ≤ 1.5" (the same story) against the rest, and the accuracy.
func sameStoryThreshold(p, ys []float64) (float64, float64) {
	bt, best := 0.5, 0.0
	for t := 0.30; t <= 0.991; t += 0.01 {
		c := 0
		for i := range p {
			if (p[i] >= t) == (ys[i] <= 1.5) {
				c++
			}
		}
		if a := float64(c) / float64(len(p)); a > best+1e-12 {
			bt, best = t, a
		}
	}
	return round2(bt), best
}

func cvSimilarity(X [][]float64, ys []float64) ([]float64, error) {
	train, test := folds(len(X), 10, 5, 6)
	p := make([]float64, len(X))
	for fold := range 10 {
		var tx [][]float64
		var ty []bool
		for _, i := range train[fold] {
			tx, ty = append(tx, X[i]), append(ty, ys[i] <= sameStoryOverall)
		}
		m, err := match.FitLogit(match.SimilarityFeatureNames(), tx, ty, similarityL2)
		if err != nil {
			return nil, err
		}
		for _, i := range test[fold] {
			p[i] = m.Prob(X[i])
		}
	}
	return p, nil
}

// fitReuse fits the reuse and similarity models and returns the Go
// source of match/model_reuse.go and a summary.
func fitReuse(dir string) ([]byte, string, error) {
	cfg := engine.DefaultConfig()
	X, Y, err := meterFeatures(dir, cfg)
	if err != nil {
		return nil, "", err
	}
	mds, mws, fold, err := cvReuse(X, Y)
	if err != nil {
		return nil, "", err
	}
	tD, tW, cv := bestThresholds(X, Y, mds, mws, fold)
	md, mw, err := fitReuseModels(X, Y)
	if err != nil {
		return nil, "", err
	}
	SX, sy, _, err := semevalFeatures(dir, cfg)
	if err != nil {
		return nil, "", err
	}
	sp, err := cvSimilarity(SX, sy)
	if err != nil {
		return nil, "", err
	}
	r := pearson(sp, sy)
	tS, accS := sameStoryThreshold(sp, sy)
	var sY []bool
	for _, y := range sy {
		sY = append(sY, y <= sameStoryOverall)
	}
	ms, err := match.FitLogit(match.SimilarityFeatureNames(), SX, sY, similarityL2)
	if err != nil {
		return nil, "", err
	}
	counts := map[string]int{}
	for _, y := range Y {
		counts[y]++
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `// Code generated by "go run ./internal/fit reuse"; DO NOT EDIT.

package match

// ReuseModel and RewriteModel decide reuse from the derived text's side
// (Relate). Fitted on METER (meter-dev.jsonl and meter-dev.gold.jsonl:
// %d newspaper articles labelled by journalists against the Press
// Association copy of their story: %d wholly, %d partially, %d non
// derived), each newspaper article compared with its wire group by the
// engine; logistic regressions with L2 penalty %g. ReuseModel: derived
// (wholly or partially) against non; RewriteModel: wholly against
// partially among the derived.
//
// 10-fold cross-validated on that data, with the thresholds below:
// three-class accuracy %.3f, macro-F1 %.3f; derived against non:
// accuracy %.3f, macro-F1 %.3f.
var (
	ReuseModel = %s
	RewriteModel = %s
)

// DefaultDerived and DefaultRewrite are the thresholds on ReuseModel and
// RewriteModel that maximise the cross-validated macro-F1 above.
const (
	DefaultDerived = %v
	DefaultRewrite = %v
)

// SimilarityModel scores two texts as reports of one event (Relate's
// Similarity). Fitted on the SemEval-2022 Task 8 English sample
// (semeval2022-en-pairs.jsonl, %d pairs): logistic regression with L2
// penalty %g for "overall" ≤ %v (1 = very similar … 4 = very dissimilar).
// 10-fold cross-validated Pearson correlation of the score with
// "overall": %.3f.
var SimilarityModel = %s

// DefaultSameStory is the similarity from which two texts not derived
// from each other are reports of the same story: the threshold that best
// tells the SemEval pairs rated the same story (overall ≤ 1.5) from the
// rest, on the cross-validated scores (accuracy %.3f).
const DefaultSameStory = %v
`, len(Y), counts["wholly"], counts["partially"], counts["non"], reuseL2, cv.acc, cv.macroF1, cv.binAcc, cv.binF1,
		logitLiteral(md), logitLiteral(mw), tD, tW,
		len(sy), similarityL2, sameStoryOverall, r, logitLiteral(ms), accS, tS)
	src, err := format.Source(b.Bytes())
	return src, fmt.Sprintf("METER 10-fold: accuracy %.3f, macro-F1 %.3f, derived-vs-non accuracy %.3f (thresholds %.2f, %.2f); SemEval 10-fold Pearson %.3f",
		cv.acc, cv.macroF1, cv.binAcc, tD, tW, r), err
}
