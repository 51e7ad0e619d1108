package eval

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// labels builds a Clustering of items "0", "1", ... from a label slice, the
// way scikit-learn takes labels_true / labels_pred.
func labels[T any](xs ...T) Clustering {
	c := make(Clustering, len(xs))
	for i, x := range xs {
		c[fmt.Sprint(i)] = fmt.Sprint(x)
	}
	return c
}

// clusters builds a Clustering from explicit clusters of item ids.
func clusters(cs ...[]string) Clustering {
	c := make(Clustering)
	for i, members := range cs {
		for _, m := range members {
			c[m] = fmt.Sprintf("c%d", i)
		}
	}
	return c
}

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol || got == want
}

type metric struct {
	name string
	get  func(Scores) float64
}

var metrics = []metric{
	{"PairPrecision", func(s Scores) float64 { return s.PairPrecision }},
	{"PairRecall", func(s Scores) float64 { return s.PairRecall }},
	{"PairF1", func(s Scores) float64 { return s.PairF1 }},
	{"BCubedPrecision", func(s Scores) float64 { return s.BCubedPrecision }},
	{"BCubedRecall", func(s Scores) float64 { return s.BCubedRecall }},
	{"BCubedF1", func(s Scores) float64 { return s.BCubedF1 }},
	{"ARI", func(s Scores) float64 { return s.ARI }},
	{"NMI", func(s Scores) float64 { return s.NMI }},
}

// want lists expected metric values in the order of metrics.
type want [8]float64

func checkScores(t *testing.T, name string, got Scores, w want, tol float64) {
	t.Helper()
	for i, m := range metrics {
		if g := m.get(got); !near(g, w[i], tol) {
			t.Errorf("%s: %s = %.17g, want %.17g", name, m.name, g, w[i])
		}
	}
}

func TestHandComputed(t *testing.T) {
	ln2, ln3 := math.Log(2), math.Log(3)
	tests := []struct {
		name       string
		gold, pred Clustering
		want       want
		goldC      int
		predC      int
	}{
		{
			// Everything agrees: every metric is 1.
			name: "identical",
			gold: clusters([]string{"a", "b", "c"}, []string{"d", "e"}, []string{"f"}),
			pred: clusters([]string{"f"}, []string{"d", "e"}, []string{"a", "b", "c"}),
			want: want{1, 1, 1, 1, 1, 1, 1, 1}, goldC: 3, predC: 3,
		},
		{
			// gold {1,2,3},{4,5},{6}; pred {1,2},{3,4,5,6}. N = 6.
			// Contingency n_ij: (G1,P1)=2 (G1,P2)=1 (G2,P2)=2 (G3,P2)=1;
			// a = (3,2,1), b = (2,4).
			// Pairwise: gold pairs 3+1+0 = 4, pred pairs 1+6 = 7, TP = 1+0+1+0 = 2.
			//   P = 2/7, R = 2/4 = 1/2, F1 = 2·(2/7)(1/2)/(2/7+1/2) = (2/7)/(11/14) = 4/11.
			// BCubed: P = (1/6)(2²/2 + 1²/4 + 2²/4 + 1²/4) = (1/6)(3.5) = 7/12,
			//   R = (1/6)(2²/3 + 1²/3 + 2²/2 + 1²/1) = (1/6)(14/3) = 7/9,
			//   F1 = 2·(7/12)(7/9)/(7/12+7/9) = (49/54)/(49/36) = 2/3.
			// ARI: of C(6,2) = 15 pairs TP = 2, FN = 4−2 = 2, FP = 7−2 = 5, TN = 6.
			//   Hubert–Arabie: E = 4·7/15 = 28/15, max = (4+7)/2 = 11/2,
			//   ARI = (2 − 28/15)/(11/2 − 28/15) = (2/15)/(109/30) = 4/109.
			//   (pair form: 2(2·6 − 2·5)/((2+2)(2+6) + (2+5)(5+6)) = 4/109.)
			// NMI: MI = (2/6)ln(6·2/(3·2)) + (1/6)ln(6·1/(3·4)) + (2/6)ln(6·2/(2·4)) + (1/6)ln(6·1/(1·4))
			//        = (1/3)ln2 − (1/6)ln2 + (1/3)ln(3/2) + (1/6)ln(3/2) = (1/2)ln3 − (1/3)ln2;
			//   H(G) = (1/2)ln2 + (1/3)ln3 + (1/6)ln6 = (2/3)ln2 + (1/2)ln3;
			//   H(P) = (1/3)ln3 + (2/3)ln(3/2) = ln3 − (2/3)ln2;
			//   mean = (3/4)ln3, NMI = 2/3 − (4/9)·ln2/ln3 ≈ 0.3862.
			name: "asymmetric",
			gold: clusters([]string{"1", "2", "3"}, []string{"4", "5"}, []string{"6"}),
			pred: clusters([]string{"1", "2"}, []string{"3", "4", "5", "6"}),
			want: want{2.0 / 7, 1.0 / 2, 4.0 / 11, 7.0 / 12, 7.0 / 9, 2.0 / 3, 4.0 / 109,
				(ln3/2 - ln2/3) / (0.75 * ln3)},
			goldC: 3, predC: 2,
		},
		{
			// gold one cluster of 4, pred all singletons.
			// Pairwise: no predicted pairs, so P = 0/0 := 1; R = 0/6 = 0; F1 = 0.
			// BCubed: each item P = 1/1, R = 1/4; F1 = 2·1·(1/4)/(5/4) = 2/5.
			// ARI: TP = FP = TN = 0, FN = 6: 2(0 − 0)/(6·6 + 0) = 0.
			// NMI: H(G) = 0, so MI = Σ (1/4)ln(4·1/(4·1)) = 0 and NMI = 0.
			name: "one cluster vs all singletons",
			gold: labels(0, 0, 0, 0),
			pred: labels(0, 1, 2, 3),
			want: want{1, 0, 0, 1, 0.25, 0.4, 0, 0}, goldC: 1, predC: 4,
		},
		{
			// The mirror image: P and R swap, ARI and NMI stay 0.
			name: "all singletons vs one cluster",
			gold: labels(0, 1, 2, 3),
			pred: labels(0, 0, 0, 0),
			want: want{0, 1, 0, 0.25, 1, 0.4, 0, 0}, goldC: 4, predC: 1,
		},
		{
			// No pairs anywhere: pairwise 0/0 := 1 on both sides; BCubed 1;
			// identical, so ARI = 1; MI = 4·(1/4)ln4 = ln4 = H(G) = H(P), NMI = 1.
			name: "all singletons both",
			gold: labels("a", "b", "c", "d"),
			pred: labels(1, 2, 3, 4),
			want: want{1, 1, 1, 1, 1, 1, 1, 1}, goldC: 4, predC: 4,
		},
		{
			// One cluster both: both entropies 0, NMI 0/0 := 1; ARI identical → 1.
			name: "one cluster both",
			gold: labels(7, 7, 7),
			pred: labels(9, 9, 9),
			want: want{1, 1, 1, 1, 1, 1, 1, 1}, goldC: 1, predC: 1,
		},
		{
			name: "single item",
			gold: labels(0),
			pred: labels(5),
			want: want{1, 1, 1, 1, 1, 1, 1, 1}, goldC: 1, predC: 1,
		},
		{
			name: "empty",
			gold: Clustering{},
			pred: Clustering{},
			want: want{1, 1, 1, 1, 1, 1, 1, 1},
		},
		{
			// Worked in the style of Bagga & Baldwin's (1998) figure: gold
			// {1..5},{6,7},{8..12}; the response merges the two big chains.
			// Pairwise: gold pairs 10+1+10 = 21, pred pairs 45+1 = 46, TP = 21:
			//   P = 21/46, R = 1, F1 = 2(21/46)/(67/46) = 42/67.
			// BCubed: items 1–5 and 8–12 have P = 5/10, items 6,7 P = 2/2:
			//   P = (10·0.5 + 2)/12 = 7/12, R = 1, F1 = 2(7/12)/(19/12) = 14/19.
			// ARI: C(12,2) = 66 pairs, TP 21, FN 0, FP 25, TN 20:
			//   2(21·20 − 0)/((21)(20) + (46)(45)) = 840/2490 = 28/83.
			// NMI: MI = (5/12)ln(12·5/(5·10))·2 + (2/12)ln(12·2/(2·2))
			//        = (5/6)ln(6/5) + (1/6)ln6;
			//   H(G) = (5/6)ln(12/5) + (1/6)ln6, H(P) = (5/6)ln(6/5) + (1/6)ln6.
			name: "merge two chains",
			gold: clusters([]string{"1", "2", "3", "4", "5"}, []string{"6", "7"}, []string{"8", "9", "10", "11", "12"}),
			pred: clusters([]string{"1", "2", "3", "4", "5", "8", "9", "10", "11", "12"}, []string{"6", "7"}),
			want: want{21.0 / 46, 1, 42.0 / 67, 7.0 / 12, 1, 14.0 / 19, 28.0 / 83,
				(5.0/6*math.Log(6.0/5) + math.Log(6)/6) /
					((5.0/6*math.Log(12.0/5) + math.Log(6)/6 + 5.0/6*math.Log(6.0/5) + math.Log(6)/6) / 2)},
			goldC: 3, predC: 2,
		},
		{
			// Same gold; the response merges the small chain into the first.
			// Pairwise: pred pairs 21+10 = 31, TP = 10+1+10 = 21: P = 21/31, R = 1, F1 = 42/52 = 21/26.
			// BCubed: items 1–5 P = 5/7, 6,7 P = 2/7, 8–12 P = 1:
			//   P = (25/7 + 4/7 + 5)/12 = (64/7)/12 = 16/21, R = 1, F1 = 2(16/21)/(37/21) = 32/37.
			// ARI: TP 21, FN 0, FP 10, TN 66−31 = 35:
			//   2(21·35)/((21)(35) + (31)(45)) = 1470/2130 = 49/71.
			// NMI: MI = (5/12)ln(12/7) + (2/12)ln(12/7) + (5/12)ln(12/5)
			//        = (7/12)ln(12/7) + (5/12)ln(12/5) = H(P), so NMI = 2H(P)/(H(G)+H(P)).
			name: "absorb small chain",
			gold: clusters([]string{"1", "2", "3", "4", "5"}, []string{"6", "7"}, []string{"8", "9", "10", "11", "12"}),
			pred: clusters([]string{"1", "2", "3", "4", "5", "6", "7"}, []string{"8", "9", "10", "11", "12"}),
			want: want{21.0 / 31, 1, 21.0 / 26, 16.0 / 21, 1, 32.0 / 37, 49.0 / 71,
				func() float64 {
					hp := 7.0/12*math.Log(12.0/7) + 5.0/12*math.Log(12.0/5)
					hg := 2*5.0/12*math.Log(12.0/5) + 2.0/12*math.Log(6)
					return 2 * hp / (hg + hp)
				}()},
			goldC: 3, predC: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Score(tc.gold, tc.pred)
			checkScores(t, tc.name, s, tc.want, 1e-14)
			if s.Items != len(tc.gold) || s.GoldClusters != tc.goldC || s.PredClusters != tc.predC ||
				s.MissingInPred != 0 || s.ExtraInPred != 0 {
				t.Errorf("counts: %+v", s)
			}
		})
	}
}

// TestSklearnReference checks the values documented in scikit-learn's
// docstrings and user guide (sklearn.metrics.adjusted_rand_score,
// normalized_mutual_info_score).
func TestSklearnReference(t *testing.T) {
	ariCases := []struct {
		truth, pred []int
		want        float64
	}{
		// Documented as 0.57...; sklearn < 1.1 (Hubert–Arabie form in
		// floats) printed 0.5714285714285715. The exact value is 4/7, whose
		// nearest float64 is 0.5714285714285714: we compute exactly and
		// round once, so allow one ulp.
		{[]int{0, 0, 1, 2}, []int{0, 0, 1, 1}, 0.5714285714285715},
		{[]int{0, 0, 1, 1}, []int{0, 0, 1, 2}, 0.5714285714285715},
		{[]int{0, 0, 0, 0}, []int{0, 1, 2, 3}, 0.0},
		{[]int{0, 0, 1, 1}, []int{0, 0, 1, 1}, 1.0},
		{[]int{0, 0, 1, 1}, []int{1, 1, 0, 0}, 1.0},
		// A negative ARI (sklearn ≥ 1.1's docstring example of a
		// discordant labelling). By hand: every cell n_ij = 1, so of the 6
		// pairs TP = 0, FP = 2, FN = 2, TN = 2:
		// 2(0·2 − 2·2)/((0+2)(2+2) + (0+2)(2+2)) = −8/16 = −0.5.
		{[]int{0, 0, 1, 1}, []int{0, 1, 0, 1}, -0.5},
	}
	for _, c := range ariCases {
		got := Score(labels(c.truth...), labels(c.pred...)).ARI
		if !near(got, c.want, 2.3e-16) {
			t.Errorf("adjusted_rand_score(%v, %v) = %.17g, want %.17g", c.truth, c.pred, got, c.want)
		}
	}
	if got := Score(labels(0, 0, 1, 2), labels(0, 0, 1, 1)).ARI; got != 4.0/7 {
		t.Errorf("ARI = %.17g, want exactly float64(4/7) = %.17g", got, 4.0/7)
	}

	if got := Score(labels(0, 0, 1, 1), labels(1, 1, 0, 0)).NMI; got != 1 {
		t.Errorf("normalized_mutual_info_score([0,0,1,1],[1,1,0,0]) = %v, want 1", got)
	}
	// labels_true = [0,0,0,1,1,1], labels_pred = [0,0,1,1,2,2], N = 6.
	// Contingency: (0,0)=2 (0,1)=1 (1,1)=1 (1,2)=2; a = (3,3), b = (2,2,2).
	// MI = (2/6)ln(6·2/(3·2)) + (1/6)ln(6·1/(3·2)) + (1/6)ln(6·1/(3·2)) + (2/6)ln(6·2/(3·2))
	//    = (1/3)ln2 + 0 + 0 + (1/3)ln2 = (2/3)ln2 ≈ 0.46210;
	// H(true) = ln2, H(pred) = ln3; NMI = (2/3)ln2 / ((ln2+ln3)/2) = 4ln2/(3ln6) ≈ 0.51580.
	want := 4 * math.Log(2) / (3 * math.Log(6))
	if got := Score(labels(0, 0, 0, 1, 1, 1), labels(0, 0, 1, 1, 2, 2)).NMI; !near(got, want, 1e-12) {
		t.Errorf("NMI = %.17g, want 4ln2/(3ln6) = %.17g", got, want)
	}
	if !near(want, 0.5158037429793889, 1e-15) {
		t.Errorf("4ln2/(3ln6) = %.17g", want)
	}
}

// TestMissingAndExtra: gold items absent from pred are singletons that
// cannot collide with any predicted label; pred-only items are ignored.
func TestMissingAndExtra(t *testing.T) {
	gold := Clustering{"a": "g", "b": "g", "c": "g", "d": "h"}
	// "c" and "d" are missing; the predicted labels include ones that look
	// like anything a synthetic singleton label could be.
	pred := Clustering{"a": "", "b": "", "x": "0", "y": "1", "z": ""}
	s := Score(gold, pred)
	if s.MissingInPred != 2 || s.ExtraInPred != 3 || s.Items != 4 || s.GoldClusters != 2 || s.PredClusters != 3 {
		t.Fatalf("counts: %+v", s)
	}
	// Scored as pred {a,b},{c},{d}: gold pairs 3, pred pairs 1, TP 1.
	want := Score(gold, Clustering{"a": "1", "b": "1", "c": "2", "d": "3"})
	want.MissingInPred, want.ExtraInPred = 2, 3
	if s != want {
		t.Errorf("got %+v\nwant %+v", s, want)
	}
	if s.PairPrecision != 1 || s.PairRecall != 1.0/3 {
		t.Errorf("pairwise %v/%v, want 1 and 1/3", s.PairPrecision, s.PairRecall)
	}
}

// brute computes every metric from its definition, pair by pair and item by
// item, in O(N²): an independent reference for Score.
func brute(gold, pred Clustering) want {
	ids := make([]string, 0, len(gold))
	for id := range gold {
		ids = append(ids, id)
	}
	p := func(id string) string {
		if l, ok := pred[id]; ok {
			return "p" + l
		}
		return "missing:" + id
	}
	var tp, fp, fn, tn float64
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			g := gold[ids[i]] == gold[ids[j]]
			q := p(ids[i]) == p(ids[j])
			switch {
			case g && q:
				tp++
			case q:
				fp++
			case g:
				fn++
			default:
				tn++
			}
		}
	}
	div1 := func(a, b float64) float64 {
		if b == 0 {
			return 1
		}
		return a / b
	}
	hm := func(a, b float64) float64 {
		if a+b == 0 {
			return 0
		}
		return 2 * a * b / (a + b)
	}
	pp, pr := div1(tp, tp+fp), div1(tp, tp+fn)
	var bp, br float64
	for _, e := range ids {
		var same, inP, inG float64
		for _, f := range ids {
			sg, sp := gold[e] == gold[f], p(e) == p(f)
			if sg && sp {
				same++
			}
			if sp {
				inP++
			}
			if sg {
				inG++
			}
		}
		bp += same / inP
		br += same / inG
	}
	n := float64(len(ids))
	if n > 0 {
		bp, br = bp/n, br/n
	} else {
		bp, br = 1, 1
	}
	// Hubert & Arabie with expected index.
	total := n * (n - 1) / 2
	ari := 1.0
	if fp != 0 || fn != 0 {
		exp := (tp + fn) * (tp + fp) / total
		ari = (tp - exp) / (((tp+fn)+(tp+fp))/2 - exp)
	}
	// NMI from joint and marginal probabilities.
	joint := map[[2]string]float64{}
	mg, mp := map[string]float64{}, map[string]float64{}
	for _, e := range ids {
		joint[[2]string{gold[e], p(e)}]++
		mg[gold[e]]++
		mp[p(e)]++
	}
	nmi := 1.0
	if !(len(mg) <= 1 && len(mp) <= 1) {
		var mi, hg, hp float64
		for k, c := range joint {
			mi += c / n * math.Log((c/n)/((mg[k[0]]/n)*(mp[k[1]]/n)))
		}
		for _, c := range mg {
			hg -= c / n * math.Log(c/n)
		}
		for _, c := range mp {
			hp -= c / n * math.Log(c/n)
		}
		if mi < 1e-12 {
			nmi = 0
		} else {
			nmi = mi / ((hg + hp) / 2)
		}
	}
	return want{pp, pr, hm(pp, pr), bp, br, hm(bp, br), ari, nmi}
}

func randomClustering(r *rand.Rand, n, k int, missing float64) (gold, pred Clustering) {
	gold, pred = Clustering{}, Clustering{}
	for i := range n {
		id := fmt.Sprintf("i%d", i)
		gold[id] = fmt.Sprint(r.IntN(k))
		if r.Float64() >= missing {
			// Correlated with gold half of the time.
			if r.IntN(2) == 0 {
				pred[id] = "x" + gold[id]
			} else {
				pred[id] = fmt.Sprint(r.IntN(k + 1))
			}
		}
	}
	for i := range r.IntN(3) {
		pred[fmt.Sprintf("extra%d", i)] = "0"
	}
	return gold, pred
}

func TestAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		n := 1 + r.IntN(40)
		k := 1 + r.IntN(8)
		gold, pred := randomClustering(r, n, k, 0.1*float64(trial%3))
		checkScores(t, fmt.Sprintf("trial %d (n=%d k=%d)", trial, n, k), Score(gold, pred), brute(gold, pred), 1e-12)
	}
}

// relabel returns c with every label renamed by a bijection.
func relabel(c Clustering) Clustering {
	out := make(Clustering, len(c))
	for id, l := range c {
		out[id] = "renamed/" + l + "/x"
	}
	return out
}

func TestInvariances(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		gold, pred := randomClustering(r, 1+r.IntN(60), 1+r.IntN(10), 0)
		// Pred covers gold exactly, so the two can swap roles.
		for id := range pred {
			if _, ok := gold[id]; !ok {
				delete(pred, id)
			}
		}
		s := Score(gold, pred)
		if rl := Score(gold, relabel(pred)); rl != s {
			t.Fatalf("trial %d: relabelling pred changed scores:\n%+v\n%+v", trial, s, rl)
		}
		if rl := Score(relabel(gold), pred); rl != s {
			t.Fatalf("trial %d: relabelling gold changed scores:\n%+v\n%+v", trial, s, rl)
		}
		sw := Score(pred, gold)
		eq := func(a, b float64) bool { return near(a, b, 1e-12) }
		if sw.PairPrecision != s.PairRecall || sw.PairRecall != s.PairPrecision || sw.PairF1 != s.PairF1 ||
			!eq(sw.BCubedPrecision, s.BCubedRecall) || !eq(sw.BCubedRecall, s.BCubedPrecision) || !eq(sw.BCubedF1, s.BCubedF1) ||
			sw.ARI != s.ARI || !eq(sw.NMI, s.NMI) ||
			sw.GoldClusters != s.PredClusters || sw.PredClusters != s.GoldClusters {
			t.Fatalf("trial %d: swapping gold and pred:\n%+v\n%+v", trial, s, sw)
		}
	}
}

func TestRanges(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		gold, pred := randomClustering(r, 1+r.IntN(100), 1+r.IntN(20), 0.2)
		s := Score(gold, pred)
		for _, m := range metrics {
			v := m.get(s)
			lo := 0.0
			if m.name == "ARI" {
				lo = -1
			}
			if math.IsNaN(v) || v < lo || v > 1+1e-12 {
				t.Fatalf("%s = %v out of range: %+v", m.name, v, s)
			}
		}
	}
}

// bigClusterings builds n items in n/100 gold clusters and a prediction that
// moves every 10th item to the next cluster and splits every gold cluster in
// two.
func bigClusterings(n int) (gold, pred Clustering) {
	gold, pred = make(Clustering, n), make(Clustering, n)
	for i := range n {
		id := fmt.Sprintf("item-%07d", i)
		g := i / 100
		gold[id] = fmt.Sprintf("g%d", g)
		if i%10 == 0 {
			g++
		}
		pred[id] = fmt.Sprintf("p%d-%d", g, i%2)
	}
	return gold, pred
}

func TestMillionItems(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	gold, pred := bigClusterings(1_000_000)
	start := time.Now()
	s := Score(gold, pred)
	el := time.Since(start)
	t.Logf("1M items: %v; %+v", el, s)
	if el > 20*time.Second {
		t.Errorf("Score on 1M items took %v", el)
	}
	if s.Items != 1_000_000 || s.GoldClusters != 10_000 || s.MissingInPred != 0 {
		t.Errorf("counts: %+v", s)
	}
	// Exact pairwise recall: in each gold cluster of 100 items the 10 at
	// offsets 0,10,…,90 (all even) move together to the next cluster's even
	// half, and the rest split by parity into 40 even and 50 odd items. Gold
	// pairs C(100,2) = 4950, of which predicted together:
	// C(40,2) + C(50,2) + C(10,2) = 780 + 1225 + 45 = 2050.
	if want := 2050.0 / 4950; !near(s.PairRecall, want, 1e-12) {
		t.Errorf("PairRecall = %.17g, want %.17g", s.PairRecall, want)
	}
	// Identical clusterings at scale: every metric exactly 1 (up to rounding).
	id := Score(gold, relabel(gold))
	checkScores(t, "1M identical", id, want{1, 1, 1, 1, 1, 1, 1, 1}, 1e-12)
}

func BenchmarkScore1M(b *testing.B) {
	gold, pred := bigClusterings(1_000_000)
	b.ResetTimer()
	for range b.N {
		Score(gold, pred)
	}
}
