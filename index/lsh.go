// Package index finds candidate pairs of similar articles without comparing
// every pair: banded locality-sensitive hashing over MinHash signatures.
//
// # Banding and the S-curve
//
// A signature of K values is cut into B bands of R rows (B·R ≤ K). Two
// articles become candidates when all R values agree in at least M of the
// B bands. For a pair with Jaccard similarity s each band agrees with
// probability p = s^R, independently, so the S-curve is the binomial tail
//
//	P(s) = Pr[Binomial(B, s^R) ≥ M]      (M = 1: the classic 1 − (1 − s^R)^B)
//
// Asking for M > 1 matching bands makes the curve much steeper for the same
// K: at K = 256 and the default target 0.522, (B, R, M) = (64, 4, 2) gives
// P(0.522) = 0.956 and P(0.572) = 0.994 while P(0.3) = 0.095 and
// P(0.2) = 0.005; with M = 1 the same bands give P(0.3) = 0.41 and
// P(0.2) = 0.097 — twenty times more false candidates among the many
// topically related article pairs.
//
// ChooseBands picks (B, R, M) from a target similarity t: among all layouts
// with B·R ≤ K and M ≤ 4 it keeps those with P(t) ≥ MinRecallAtTarget (0.9)
// and P(t + 0.05) ≥ MinRecallAboveTarget (0.99) and, of these, takes the
// one with the smallest false-positive area ∫₀ᵗ P(s) ds. When no layout
// qualifies (only for tiny K) it returns {K, 1, 1}, the most sensitive one. Pairs above t are then found with probability rising steeply
// towards 1, while pairs well below t rarely become candidates.
// Every candidate is verified on the real shingle sets afterwards (package
// match), so false positives cost time, never correctness.
//
// # Candidate generation
//
// Band keys are 32-bit hashes of a band's R values (collisions only add
// candidates that verification rejects). For each band, (key, doc) pairs
// are packed into uint64 and sorted; every run of equal keys is a bucket
// whose members are paired. A bucket larger than MaxBucket (a template
// repeated thousands of times) would yield quadratically many pairs, so each
// of its members is paired only with the next MaxBucket members of the run
// — enough for the duplicate groups to connect — and the event is counted.
// Bands are processed in parallel; the result is sorted and deduplicated,
// so it does not depend on the number of workers.
package index

import (
	"math"
	"slices"
	"sync"
	"unsafe"

	"github.com/reprint-news/reprint/internal/radix"
)

func pairsAsUint64(p []Pair) []uint64 {
	if len(p) == 0 {
		return nil
	}
	return unsafe.Slice((*uint64)(unsafe.Pointer(&p[0])), len(p))
}

// MinRecallAtTarget is the S-curve height required at the target similarity.
const MinRecallAtTarget = 0.9

// MinRecallAboveTarget is the S-curve height required at target + 0.05:
// the recall promise (≥ 0.99 of the pairs 0.05 above the target) holds for
// every target, not only for the defaults.
const MinRecallAboveTarget = 0.99

// DefaultMaxBucket bounds the pairs taken from one oversized bucket.
const DefaultMaxBucket = 256

// Bands is a banding layout.
type Bands struct {
	B int `json:"bands"`
	R int `json:"rows"`
	M int `json:"min_matching_bands"`
}

// Prob returns the probability that a pair with Jaccard s becomes a candidate.
func (p Bands) Prob(s float64) float64 {
	m := max(p.M, 1)
	q := math.Pow(s, float64(p.R))
	// 1 − Pr[Binomial(B, q) < M]
	below := 0.0
	for i := 0; i < m && i <= p.B; i++ {
		below += binom(p.B, i) * math.Pow(q, float64(i)) * math.Pow(1-q, float64(p.B-i))
	}
	return math.Max(0, 1-below)
}

func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

func (p Bands) fpArea(t float64) float64 {
	const steps = 200
	sum := 0.0
	for i := 0; i < steps; i++ {
		s := t * (float64(i) + 0.5) / steps
		sum += p.Prob(s)
	}
	return sum * t / steps
}

// ChooseBands returns the layout for target similarity t and signature
// length k (see the package comment for the rule).
func ChooseBands(t float64, k int) Bands {
	t = math.Min(math.Max(t, 0.01), 0.99)
	best := Bands{B: k, R: 1, M: 1}
	bestArea := math.Inf(1)
	for r := 1; r <= k; r++ {
		for m := 1; m <= 4; m++ {
			b := k / r
			if m > b {
				break
			}
			p := Bands{B: b, R: r, M: m}
			if p.Prob(t) < MinRecallAtTarget || p.Prob(math.Min(t+0.05, 1)) < MinRecallAboveTarget {
				continue
			}
			if a := p.fpArea(t); a < bestArea {
				best, bestArea = p, a
			}
		}
	}
	return best
}

// Keys appends the B band keys of a signature to dst.
func (p Bands) Keys(dst []uint32, sig []uint32) []uint32 {
	for band := 0; band < p.B; band++ {
		h := uint64(band+1) * 0x9e3779b97f4a7c15
		for _, v := range sig[band*p.R : (band+1)*p.R] {
			h = mix64(h ^ uint64(v))
		}
		dst = append(dst, uint32(h>>32))
	}
	return dst
}

func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Pair packs two document indices a < b as a<<32 | b.
type Pair uint64

// MakePair returns the pair of i and j in canonical order.
func MakePair(i, j uint32) Pair {
	if i > j {
		i, j = j, i
	}
	return Pair(uint64(i)<<32 | uint64(j))
}

// Docs returns the two indices, smaller first.
func (p Pair) Docs() (uint32, uint32) { return uint32(p >> 32), uint32(p) }

// CandidateStats describes a candidate-generation run.
type CandidateStats struct {
	Buckets       int `json:"buckets"`        // buckets with two or more members
	CappedBuckets int `json:"capped_buckets"` // buckets larger than MaxBucket
	LargestBucket int `json:"largest_bucket"`
	RawPairs      int `json:"raw_pairs"` // pairs before deduplication across bands
	Pairs         int `json:"pairs"`     // distinct candidate pairs
}

// Candidates returns the distinct candidate pairs, sorted, among the
// documents listed in docs (distinct ids). keys holds B keys per document
// id: the keys of document d are keys[d*B:(d+1)*B]. workers ≥ 1 bands are processed at a time.
// A pair is kept when it collides in at least m bands.
func Candidates(keys []uint32, docs []uint32, b, m, maxBucket, workers int) ([]Pair, CandidateStats) {
	if maxBucket <= 0 {
		maxBucket = DefaultMaxBucket
	}
	if workers < 1 {
		workers = 1
	}
	n := len(docs)
	type result struct {
		pairs []Pair
		st    CandidateStats
	}
	results := make([]result, workers)
	// Each band's entries (key<<32 | doc) are made in docs' order: when
	// docs is sorted, sorting them by key alone, stably, sorts them whole.
	sortBand := SortUint64
	if slices.IsSorted(docs) {
		sortBand = radix.SortHigh32
	}
	var wg sync.WaitGroup
	next := make(chan int, b)
	for band := 0; band < b; band++ {
		next <- band
	}
	close(next)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			res := &results[w]
			entries := make([]uint64, n)
			scratch := make([]uint64, n)
			for band := range next {
				for i := 0; i < n; i++ {
					entries[i] = uint64(keys[int(docs[i])*b+band])<<32 | uint64(docs[i])
				}
				sortBand(entries, scratch)
				for lo := 0; lo < n; {
					hi := lo + 1
					key := entries[lo] >> 32
					for hi < n && entries[hi]>>32 == key {
						hi++
					}
					if m := hi - lo; m > 1 {
						res.st.Buckets++
						if m > res.st.LargestBucket {
							res.st.LargestBucket = m
						}
						if m > maxBucket {
							res.st.CappedBuckets++
						}
						for x := lo; x < hi; x++ {
							end := min(hi, x+1+maxBucket)
							for y := x + 1; y < end; y++ {
								res.pairs = append(res.pairs, MakePair(uint32(entries[x]), uint32(entries[y])))
							}
						}
					}
					lo = hi
				}
			}
		}(w)
	}
	wg.Wait()
	var st CandidateStats
	total := 0
	for _, r := range results {
		total += len(r.pairs)
	}
	all := make([]Pair, 0, total)
	for _, r := range results {
		all = append(all, r.pairs...)
		st.Buckets += r.st.Buckets
		st.CappedBuckets += r.st.CappedBuckets
		st.LargestBucket = max(st.LargestBucket, r.st.LargestBucket)
	}
	st.RawPairs = len(all)
	scratch := make([]uint64, len(all))
	SortUint64(pairsAsUint64(all), scratch)
	// Keep each pair once, and only when it collided in ≥ m bands.
	out := all[:0]
	for lo := 0; lo < len(all); {
		hi := lo + 1
		for hi < len(all) && all[hi] == all[lo] {
			hi++
		}
		if hi-lo >= m {
			out = append(out, all[lo])
		}
		lo = hi
	}
	st.Pairs = len(out)
	return slices.Clip(out), st
}

// SortUint64 sorts v in place using buf (at least as long) as scratch.
func SortUint64(v, buf []uint64) { radix.Sort(v, buf) }
