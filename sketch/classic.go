package sketch

import "math/bits"

// Classic is the textbook K-permutation MinHash, kept as the reference the
// benchmarks compare one-permutation hashing against (and as a cross-check
// of its estimates in tests). Each of the K "permutations" is the universal
// hash h_i(x) = (a_i·x + b_i) mod (2^61 − 1), truncated to 32 bits — the
// scheme datasketch uses — so its cost is O(n·K).
type Classic struct {
	a, b []uint64
}

const mersenne61 = (1 << 61) - 1

// NewClassic returns a K-permutation MinHash with seeded coefficients.
func NewClassic(k int, seed uint64) *Classic {
	c := &Classic{a: make([]uint64, k), b: make([]uint64, k)}
	x := seed
	for i := 0; i < k; i++ {
		x = Mix64(x + 0x9e3779b97f4a7c15)
		c.a[i] = x%(mersenne61-1) + 1
		x = Mix64(x + 0x9e3779b97f4a7c15)
		c.b[i] = x % mersenne61
	}
	return c
}

// mulmod61 returns a·x mod 2^61−1.
func mulmod61(a, x uint64) uint64 {
	hi, lo := bits.Mul64(a, x)
	// a·x = hi·2^64 + lo; 2^64 ≡ 2^3 (mod 2^61−1)
	r := (lo & mersenne61) + (lo >> 61) + (hi << 3)
	r = (r & mersenne61) + (r >> 61)
	if r >= mersenne61 {
		r -= mersenne61
	}
	return r
}

// Sketch writes the K-permutation signature of the shingle set into sig.
func (c *Classic) Sketch(shingles []uint64, sig []uint32) []uint32 {
	k := len(c.a)
	if cap(sig) < k {
		sig = make([]uint32, k)
	}
	sig = sig[:k]
	for i := range sig {
		sig[i] = Empty
	}
	for _, x := range shingles {
		x &= mersenne61
		for i := 0; i < k; i++ {
			v := mulmod61(c.a[i], x) + c.b[i]
			if v >= mersenne61 {
				v -= mersenne61
			}
			if u := uint32(v); u < sig[i] {
				sig[i] = u
			}
		}
	}
	return sig
}
