// Package eval scores a predicted clustering of items (articles) against a
// gold clustering, and reads gold labels and predicted clusters from JSONL.
//
// All metrics are computed over the gold items only. A gold item that the
// prediction does not mention is scored as a predicted singleton (counted in
// Scores.MissingInPred); predicted items that are not in gold are ignored
// (counted in Scores.ExtraInPred). Everything is derived from the contingency
// table n_ij = |G_i ∩ P_j| between gold clusters G_i (sizes a_i) and predicted
// clusters P_j (sizes b_j) over N items, built in one pass with hash maps, so
// scoring is O(N) in time and memory (1M items take well under a second).
//
// # Pairwise precision, recall, F1
//
// Over the N(N-1)/2 unordered pairs of distinct items: a pair is predicted
// together when both items share a predicted cluster, and gold together when
// they share a gold cluster. TP = Σ_ij C(n_ij,2) pairs are both;
// predicted pairs = Σ_j C(b_j,2); gold pairs = Σ_i C(a_i,2).
//
//	precision = TP / predicted pairs   (1 when there are no predicted pairs: 0/0 := 1)
//	recall    = TP / gold pairs        (1 when there are no gold pairs:      0/0 := 1)
//	F1        = 2PR / (P+R)            (0 when P+R = 0)
//
// So an all-singletons prediction has pairwise precision 1 and recall 0 against
// any gold with a non-trivial cluster (F1 0), and 1/1/1 against all-singleton gold.
//
// # BCubed precision, recall, F1
//
// Bagga & Baldwin, "Algorithms for scoring coreference chains", LREC 1998
// workshop; in the form of Amigó, Gonzalo, Artiles & Verdejo, "A comparison of
// extrinsic clustering evaluation metrics based on formal constraints",
// Information Retrieval 12(4), 2009. For each item e, with gold cluster G(e)
// and predicted cluster P(e) (both containing e itself):
//
//	precision(e) = |G(e) ∩ P(e)| / |P(e)|      recall(e) = |G(e) ∩ P(e)| / |G(e)|
//
// BCubed precision and recall are the averages over the N items (each item
// weighs the same), i.e. P = (1/N) Σ_ij n_ij²/b_j and R = (1/N) Σ_ij n_ij²/a_i.
// BCubed F1 is the harmonic mean of the averaged P and R (Amigó et al.'s
// F with α = 0.5), not an average of per-item F values.
//
// # Adjusted Rand index
//
// Hubert & Arabie, "Comparing partitions", Journal of Classification 2(1),
// 1985: ARI = (Σ_ij C(n_ij,2) − E) / (½(Σ_i C(a_i,2) + Σ_j C(b_j,2)) − E) with
// E = Σ_i C(a_i,2) · Σ_j C(b_j,2) / C(N,2). It is computed in the equivalent
// pair-confusion form used by scikit-learn ≥ 1.1,
// ARI = 2(TP·TN − FN·FP) / ((TP+FN)(FN+TN) + (TP+FP)(FP+TN)), in exact integer
// arithmetic (math/big) and rounded once to float64. As in scikit-learn, when
// the two clusterings are identical (FP = FN = 0, which includes N ≤ 1,
// all-singletons vs all-singletons and one cluster vs one cluster) ARI = 1.
// The ARI is 0 in expectation for random labelings and can be negative;
// one cluster vs all singletons gives exactly 0.
//
// # Normalized mutual information
//
// NMI = MI(G,P) / mean(H(G), H(P)) with natural logarithms and the arithmetic
// mean (scikit-learn's normalized_mutual_info_score, average_method="arithmetic";
// Strehl & Ghosh 2002 use the geometric mean instead), where
//
//	MI = Σ_ij (n_ij/N) · ln(N·n_ij / (a_i·b_j))      H(G) = −Σ_i (a_i/N) ln(a_i/N)
//
// As in scikit-learn: when both clusterings have a single cluster (both
// entropies 0, or N = 0) NMI = 1 (0/0 := 1); otherwise when MI = 0 NMI = 0
// (this covers exactly one entropy being 0); MI is clipped at 0 against
// rounding.
package eval

import (
	"math"
	"math/big"
)

// Clustering maps item id → cluster label. Labels mean nothing beyond
// equality.
type Clustering map[string]string

// Scores of a predicted clustering against gold over the gold items.
type Scores struct {
	Items        int `json:"items"`         // gold items scored
	GoldClusters int `json:"gold_clusters"` // distinct gold labels
	// PredClusters counts the predicted clusters restricted to the gold
	// items, with every missing item counted as its own singleton cluster:
	// the clustering that is actually scored.
	PredClusters int `json:"pred_clusters"`

	PairPrecision float64 `json:"pair_precision"` // pairwise (pairs of items in the same cluster)
	PairRecall    float64 `json:"pair_recall"`
	PairF1        float64 `json:"pair_f1"`

	BCubedPrecision float64 `json:"bcubed_precision"` // Bagga & Baldwin 1998 / Amigó et al. 2009, item-averaged
	BCubedRecall    float64 `json:"bcubed_recall"`
	BCubedF1        float64 `json:"bcubed_f1"`

	ARI float64 `json:"ari"` // Hubert & Arabie 1985 adjusted Rand index
	NMI float64 `json:"nmi"` // normalized mutual information, arithmetic-mean normalization

	MissingInPred int `json:"missing_in_pred"` // gold items absent from the prediction (scored as singletons)
	ExtraInPred   int `json:"extra_in_pred"`   // predicted items absent from gold (ignored)
}

// Score compares pred with gold over the items of gold. See the package
// documentation for the definitions and conventions.
func Score(gold, pred Clustering) Scores {
	var s Scores
	s.Items = len(gold)

	goldID := make(map[string]int32)
	predID := make(map[string]int32)
	var a, b []int64 // cluster sizes, indexed by dense cluster number
	cont := make(map[uint64]int64, len(gold))
	for item, gl := range gold {
		gi, ok := goldID[gl]
		if !ok {
			gi = int32(len(a))
			goldID[gl] = gi
			a = append(a, 0)
		}
		a[gi]++
		var pj int32
		if pl, ok := pred[item]; ok {
			if pj, ok = predID[pl]; !ok {
				pj = int32(len(b))
				predID[pl] = pj
				b = append(b, 0)
			}
		} else {
			// A fresh cluster that no label can collide with.
			s.MissingInPred++
			pj = int32(len(b))
			b = append(b, 0)
		}
		b[pj]++
		cont[uint64(uint32(gi))<<32|uint64(uint32(pj))]++
	}
	for item := range pred {
		if _, ok := gold[item]; !ok {
			s.ExtraInPred++
		}
	}
	s.GoldClusters, s.PredClusters = len(a), len(b)

	n := int64(s.Items)
	var tp, goldPairs, predPairs int64
	for _, x := range a {
		goldPairs += comb2(x)
	}
	for _, x := range b {
		predPairs += comb2(x)
	}

	var bp, br, mi sum
	fn := float64(n)
	for key, nij := range cont {
		ai, bj := a[key>>32], b[uint32(key)]
		tp += comb2(nij)
		sq := float64(nij) * float64(nij)
		bp.add(sq / float64(bj))
		br.add(sq / float64(ai))
		// N·n_ij and a_i·b_j are exact in float64 up to 2^53, so an
		// independent cell gives ln(1) = 0 exactly.
		if t := float64(nij) / fn * math.Log(float64(n*nij)/(float64(ai)*float64(bj))); math.Abs(t) >= 0x1p-52 {
			mi.add(t)
		}
	}

	s.PairPrecision = ratio1(tp, predPairs)
	s.PairRecall = ratio1(tp, goldPairs)
	s.PairF1 = f1(s.PairPrecision, s.PairRecall)

	if n == 0 {
		s.BCubedPrecision, s.BCubedRecall = 1, 1
	} else {
		s.BCubedPrecision = bp.value() / fn
		s.BCubedRecall = br.value() / fn
	}
	s.BCubedF1 = f1(s.BCubedPrecision, s.BCubedRecall)

	s.ARI = ari(tp, goldPairs-tp, predPairs-tp, comb2(n))
	s.NMI = nmi(math.Max(mi.value(), 0), a, b, n)
	return s
}

func comb2(x int64) int64 { return x * (x - 1) / 2 }

// ratio1 is num/den with 0/0 := 1.
func ratio1(num, den int64) float64 {
	if den == 0 {
		return 1
	}
	return float64(num) / float64(den)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// ari computes the adjusted Rand index from unordered pair counts: tp pairs
// together in both, fn together in gold only, fp together in pred only, out
// of total pairs.
func ari(tp, fn, fp, total int64) float64 {
	if fn == 0 && fp == 0 {
		return 1
	}
	tn := total - tp - fn - fp
	B := func(x int64) *big.Int { return big.NewInt(x) }
	mul := func(x, y *big.Int) *big.Int { return new(big.Int).Mul(x, y) }
	add := func(x, y *big.Int) *big.Int { return new(big.Int).Add(x, y) }
	num := new(big.Int).Sub(mul(B(tp), B(tn)), mul(B(fn), B(fp)))
	num.Lsh(num, 1)
	den := add(mul(add(B(tp), B(fn)), add(B(fn), B(tn))), mul(add(B(tp), B(fp)), add(B(fp), B(tn))))
	// den > 0: fn > 0 makes the first product ≥ fn², fp > 0 the second ≥ fp².
	f, _ := new(big.Rat).SetFrac(num, den).Float64()
	return f
}

func nmi(mi float64, a, b []int64, n int64) float64 {
	if len(a) == len(b) && len(a) <= 1 {
		return 1 // both entropies 0 (or no items): 0/0 := 1
	}
	if mi == 0 {
		return 0
	}
	mean := (entropy(a, n) + entropy(b, n)) / 2
	return mi / mean
}

// entropy is −Σ (x/n) ln(x/n) over the cluster sizes.
func entropy(sizes []int64, n int64) float64 {
	var h sum
	fn := float64(n)
	for _, x := range sizes {
		p := float64(x) / fn
		h.add(-p * math.Log(p))
	}
	return h.value()
}

// sum is Neumaier's compensated summation, so that a million terms add up
// to within a few ulps.
type sum struct{ s, c float64 }

func (k *sum) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *sum) value() float64 { return k.s + k.c }
