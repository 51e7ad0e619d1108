package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/wordnet"
)

// The committed models and tables are what `go run ./internal/fit`
// makes from the development data today: fitting is reproducible.
func TestModelsUpToDate(t *testing.T) {
	dir := testdata.Require(t)
	if _, err := wordnet.Default(); err != nil {
		testdata.Missing(t, "WordNet (Debian's wordnet-base) is not installed: "+err.Error())
	}
	for _, c := range []struct {
		path string
		fit  func(string) ([]byte, string, error)
	}{
		{"match/background_en.bin", fitBackground},
		{"match/model_sentence.go", fitSentence},
		{"match/model_reuse.go", fitReuse},
	} {
		got, summary, err := c.fit(dir)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", c.path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what `go run ./internal/fit` makes today (%s): run it and commit the result", c.path, summary)
		}
	}
}

// Regression floors of text reuse quality on the development data
// (docs/QUALITY.md has the figures; the floors sit a little below them).
func TestQualityFloors(t *testing.T) {
	dir := testdata.Require(t)
	if _, err := wordnet.Default(); err != nil {
		testdata.Missing(t, "WordNet (Debian's wordnet-base) is not installed: "+err.Error())
	}
	acc, err := msrpPipelineCV(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("MSRP 10-fold pair-answer accuracy %.4f", acc)
	if acc < 0.77 {
		t.Errorf("MSRP accuracy %.4f below the floor 0.77", acc)
	}
	y, pred, sources, err := meterAnswers(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := scoreMeter(y, pred)
	t.Logf("METER (committed models): accuracy %.3f, macro-F1 %.3f, derived-vs-non accuracy %.3f", s.acc, s.macroF1, s.binAcc)
	if s.macroF1 < 0.675 || s.binAcc < 0.83 {
		t.Errorf("METER macro-F1 %.3f (floor 0.675), derived-vs-non accuracy %.3f (floor 0.83)", s.macroF1, s.binAcc)
	}
	for i, src := range sources {
		if pred[i] != "non" && (len(src) < 14 || src[:14] != "meter:pagroup/") {
			t.Errorf("METER pair %d answered %s with source %q, want the wire copy", i, pred[i], src)
		}
	}
	X, Y, err := meterFeatures(dir, engineDefault())
	if err != nil {
		t.Fatal(err)
	}
	mds, mws, fold, err := cvReuse(X, Y)
	if err != nil {
		t.Fatal(err)
	}
	_, _, cv := bestThresholds(X, Y, mds, mws, fold)
	t.Logf("METER 10-fold: accuracy %.3f, macro-F1 %.3f, derived-vs-non accuracy %.3f", cv.acc, cv.macroF1, cv.binAcc)
	if cv.macroF1 < 0.655 || cv.binAcc < 0.815 {
		t.Errorf("METER 10-fold macro-F1 %.3f (floor 0.655), derived-vs-non accuracy %.3f (floor 0.815)", cv.macroF1, cv.binAcc)
	}
	r, err := semevalPearson(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SemEval Pearson %.3f", r)
	if math.Abs(r) < 0.82 {
		t.Errorf("SemEval |Pearson| %.3f below the floor 0.82", math.Abs(r))
	}
}
