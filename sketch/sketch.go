// Package sketch computes an article's fingerprints from its token hashes:
// word shingles, an exact content hash, and a MinHash-family signature.
// Everything here is a pure function of its input and a seed, so
// fingerprints are stable across runs, machines and worker counts.
//
// # Shingles
//
// A shingle is W consecutive tokens (W = 5 by default). Its 64-bit hash is
// a polynomial rolling hash of the W token hashes, finalized by splitmix64;
// computing all shingles of a document is O(n). A document with fewer than
// W tokens has one shingle made of all its tokens.
//
// # Signature: one-permutation hashing with optimal densification
//
// The signature is K 32-bit values (K = 128 by default). Following Li, Owen
// & Zhang, "One Permutation Hashing" (NIPS 2012), each shingle hash is
// re-hashed once with the seed, h = splitmix64(shingle ⊕ seed); its top bits
// choose one of K bins and its low 32 bits are the value; each bin keeps its
// minimum. That is one hash per shingle instead of K.
//
// Bins that received no shingle are filled by the optimal densification of
// Shrivastava, "Optimal Densification for Fast and Accurate Minwise Hashing"
// (ICML 2017): empty bin i probes bins j = splitmix64(seed ⊕ i·2^32 ⊕ attempt) mod K
// for attempt = 1, 2, … and copies the value of the first bin that was
// non-empty before densification. The probe sequence depends only on
// (seed, i, attempt), so two documents fill the same empty bin from the same
// source bin whenever that bin is non-empty in both: this keeps
// Pr[sig_A[i] = sig_B[i]] = Jaccard(A, B) for every bin, with lower variance
// than rotation densification. Expected cost O(n + K) for n shingles.
//
// The scheme's parameters (W, K, seed and the hash functions) are part of
// the fingerprint format, versioned by text.FingerprintVersion.
package sketch

import (
	"math"
	"math/bits"
	"slices"
)

// Defaults for the signature and shingles.
const (
	// DefaultK is the signature length. 128 bins give a Jaccard standard
	// error ≤ 0.044 per pair and enough rows for the band layouts used.
	DefaultK = 128
	// DefaultW is the shingle width in words. Five-word shingles make two
	// unrelated news articles share almost nothing while one edited word
	// changes only five shingles.
	DefaultW = 5
	// DefaultSeed seeds the signature hash; changing it changes every signature.
	DefaultSeed uint64 = 0x5eed_2026_0000_0001
)

// Mix64 is the splitmix64 finalizer, the one 64-bit mixer used here.
func Mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

const polyBase uint64 = 0x100000001b3 // FNV-64 prime as the polynomial base

// Shingles appends the hashes of the W-token shingles of toks to dst and
// returns it. toks are token hashes in document order.
func Shingles(dst []uint64, toks []uint32, w int) []uint64 {
	dst, _ = shingles(dst, toks, w, false)
	return dst
}

// ShinglesExact is Shingles and Exact in one pass over toks: Exact's chain
// of mixes, each waiting for the one before, runs beside the shingles'
// independent ones instead of after them.
func ShinglesExact(dst []uint64, toks []uint32, w int) ([]uint64, uint64) {
	return shingles(dst, toks, w, true)
}

// shingles is Shingles, with Exact when exact is set (its chain of mixes
// is the loop's costliest part, and most callers need no exact hash).
func shingles(dst []uint64, toks []uint32, w int, exact bool) ([]uint64, uint64) {
	ex := exactSeed(len(toks))
	if len(toks) == 0 {
		return dst, ex
	}
	if w < 1 {
		w = 1
	}
	if len(toks) < w {
		w = len(toks)
	}
	pw := uint64(1) // polyBase^(w-1)
	for i := 1; i < w; i++ {
		pw *= polyBase
	}
	dst = slices.Grow(dst, len(toks)-w+1)
	var h uint64
	for _, t := range toks[:w] {
		h = h*polyBase + uint64(t) + 1
		if exact {
			ex = Mix64(ex ^ uint64(t))
		}
	}
	dst = append(dst, Mix64(h))
	for i := w; i < len(toks); i++ {
		t := uint64(toks[i])
		if exact {
			ex = Mix64(ex ^ t)
		}
		h = (h-(uint64(toks[i-w])+1)*pw)*polyBase + t + 1
		dst = append(dst, Mix64(h))
	}
	return dst, ex
}

// Exact returns the exact content hash of a token sequence: two documents
// get the same hash when their folded token sequences are identical
// (whitespace, case, punctuation and boilerplate lines do not count).
func Exact(toks []uint32) uint64 {
	h := exactSeed(len(toks))
	for _, t := range toks {
		h = Mix64(h ^ uint64(t))
	}
	return h
}

// exactSeed starts the exact hash of n tokens (Exact, ShinglesExact).
func exactSeed(n int) uint64 { return 0x243f6a8885a308d3 ^ uint64(n) }

// Sketcher computes one-permutation MinHash signatures.
type Sketcher struct {
	K     int
	Seed  uint64
	shift uint   // 64 - log2(K) when K is a power of two
	pow2  bool   // K is a power of two
	empty []bool // scratch
}

// NewSketcher returns a sketcher for signatures of length k (k ≥ 1).
func NewSketcher(k int, seed uint64) *Sketcher {
	if k < 1 {
		k = DefaultK
	}
	s := &Sketcher{K: k, Seed: seed}
	if k&(k-1) == 0 {
		s.pow2 = true
		s.shift = uint(64 - bits.TrailingZeros(uint(k)))
	}
	return s
}

// Empty is the value of every bin of the signature of an empty set.
const Empty = math.MaxUint32

// Sketch writes the signature of the shingle set to sig (len K) and returns
// it. Duplicate shingles do not matter (minimum is idempotent). A Sketcher
// is not safe for concurrent use; use one per goroutine.
func (s *Sketcher) Sketch(shingles []uint64, sig []uint32) []uint32 {
	k := s.K
	if cap(sig) < k {
		sig = make([]uint32, k)
	}
	sig = sig[:k]
	for i := range sig {
		sig[i] = Empty
	}
	if cap(s.empty) < k {
		s.empty = make([]bool, k)
	}
	empty := s.empty[:k]
	for i := range empty {
		empty[i] = true
	}
	// Branch-free inner loop: the minimum and the occupancy are updated
	// unconditionally (a data-dependent branch here mispredicts for about
	// every other shingle of a short document).
	for _, x := range shingles {
		h := Mix64(x ^ s.Seed)
		var bin uint64
		if s.pow2 {
			bin = h >> s.shift
		} else {
			bin, _ = bits.Mul64(h, uint64(k))
		}
		sig[bin] = min(sig[bin], uint32(h))
		empty[bin] = false
	}
	nonEmpty := 0
	for _, e := range empty {
		if !e {
			nonEmpty++
		}
	}
	if nonEmpty == 0 || nonEmpty == k {
		return sig
	}
	// Optimal densification: fill empty bins from originally non-empty ones.
	for i := 0; i < k; i++ {
		if !empty[i] {
			continue
		}
		for attempt := uint64(1); ; attempt++ {
			h := Mix64(s.Seed ^ uint64(i)<<32 ^ attempt)
			var j uint64
			if s.pow2 {
				j = h >> s.shift
			} else {
				j, _ = bits.Mul64(h, uint64(k))
			}
			if !empty[j] {
				sig[i] = sig[j]
				break
			}
		}
	}
	return sig
}

// Similarity estimates Jaccard similarity from two signatures of equal length.
func Similarity(a, b []uint32) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}
