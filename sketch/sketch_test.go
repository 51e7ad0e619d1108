package sketch

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// refShingle hashes one window from scratch: the polynomial
// Σ (t_j + 1)·base^(w−1−j) mod 2^64, finalized by Mix64.
func refShingle(win []uint32) uint64 {
	var h uint64
	for _, t := range win {
		h = h*polyBase + uint64(t) + 1
	}
	return Mix64(h)
}

func randToks(rng *rand.Rand, n int, alphabet uint32) []uint32 {
	t := make([]uint32, n)
	for i := range t {
		t[i] = rng.Uint32N(alphabet)
	}
	return t
}

func TestShinglesCount(t *testing.T) {
	for _, w := range []int{1, 2, 5, 8} {
		for _, n := range []int{0, 1, w - 1, w, w + 1, 3 * w, 100} {
			if n < 0 {
				continue
			}
			toks := make([]uint32, n)
			for i := range toks {
				toks[i] = uint32(i * 7)
			}
			got := len(Shingles(nil, toks, w))
			var want int
			switch {
			case n == 0:
				want = 0
			case n < w:
				want = 1
			default:
				want = n - w + 1
			}
			if got != want {
				t.Errorf("w=%d n=%d: %d shingles, want %d", w, n, got, want)
			}
		}
	}
}

func TestShinglesAppends(t *testing.T) {
	prefix := []uint64{42, 43}
	got := Shingles(slices.Clone(prefix), []uint32{1, 2, 3, 4, 5, 6}, 5)
	if len(got) != 4 || got[0] != 42 || got[1] != 43 {
		t.Fatalf("Shingles did not append to dst: %v", got)
	}
	if want := Shingles(nil, []uint32{1, 2, 3, 4, 5, 6}, 5); !slices.Equal(got[2:], want) {
		t.Fatalf("appended shingles %v, want %v", got[2:], want)
	}
}

// The rolling hash must equal hashing every window from scratch.
func TestShinglesRollingMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, w := range []int{1, 2, 3, 5, 7} {
		for _, n := range []int{1, 2, w, w + 1, 50, 400} {
			// Full 32-bit token hashes, including values near 2^32 that make
			// t+1 overflow 32 bits.
			toks := randToks(rng, n, math.MaxUint32)
			if n > 3 {
				toks[1] = math.MaxUint32
				toks[2] = 0
			}
			got := Shingles(nil, toks, w)
			ew := min(w, n)
			want := make([]uint64, 0, n)
			for i := 0; i+ew <= n; i++ {
				want = append(want, refShingle(toks[i:i+ew]))
			}
			if !slices.Equal(got, want) {
				t.Fatalf("w=%d n=%d: rolling hashes differ from reference", w, n)
			}
		}
	}
}

func TestShinglesEqualWindowsEqualHashes(t *testing.T) {
	// "a b c d e" appears at positions 0 and 9; other windows differ.
	toks := []uint32{10, 11, 12, 13, 14, 99, 98, 97, 96, 10, 11, 12, 13, 14, 55}
	sh := Shingles(nil, toks, 5)
	if sh[0] != sh[9] {
		t.Fatalf("identical windows at 0 and 9 hash differently: %x vs %x", sh[0], sh[9])
	}
	seen := map[uint64]int{}
	for i, h := range sh {
		if j, ok := seen[h]; ok && !(j == 0 && i == 9) {
			t.Errorf("windows %d and %d differ but share hash %x", j, i, h)
		}
		seen[h] = i
	}
	// Same window in two different documents.
	other := Shingles(nil, []uint32{1, 2, 3, 10, 11, 12, 13, 14}, 5)
	if other[3] != sh[0] {
		t.Fatalf("identical window in another document hashes differently")
	}
	// Order inside a window matters.
	if refShingle([]uint32{1, 2, 3, 4, 5}) == refShingle([]uint32{2, 1, 3, 4, 5}) {
		t.Fatal("window hash ignores token order")
	}
}

func TestShinglesShortDocOneShingle(t *testing.T) {
	toks := []uint32{5, 6, 7}
	sh := Shingles(nil, toks, 5)
	if len(sh) != 1 || sh[0] != refShingle(toks) {
		t.Fatalf("short doc: got %v, want [%x]", sh, refShingle(toks))
	}
}

func TestExact(t *testing.T) {
	a := []uint32{1, 2, 3, 4, 5}
	if Exact(a) != Exact(slices.Clone(a)) {
		t.Fatal("equal sequences hash differently")
	}
	if Exact(a) == Exact([]uint32{2, 1, 3, 4, 5}) {
		t.Fatal("Exact is not order-sensitive")
	}
	if Exact(a) == Exact([]uint32{1, 2, 3, 4, 5, 0}) {
		t.Fatal("trailing zero token does not change Exact")
	}
	if Exact(nil) == Exact([]uint32{0}) {
		t.Fatal("empty and [0] share an Exact hash")
	}
	if Exact(a) == Exact([]uint32{1, 2, 3, 4}) {
		t.Fatal("prefix shares Exact hash")
	}
}

// TestFingerprintGolden pins the fingerprint format (shingle hash, exact
// hash, OPH signature with densification, at DefaultW/DefaultK/DefaultSeed).
// The constants were computed once from the implementation of
// text.FingerprintVersion 1 (version 2 changed only how Arabic-script
// words fold into token hashes, not what is computed here). If this test fails, stored fingerprints are no
// longer comparable with new ones: revert the change, or bump
// text.FingerprintVersion and update the constants.
func TestFingerprintGolden(t *testing.T) {
	toks := func(n int) []uint32 {
		t := make([]uint32, n)
		for i := range t {
			t[i] = uint32(i*2654435761 + 12345)
		}
		return t
	}
	const (
		goldenExact  uint64 = 0xe7d1866356040c6f
		goldenShingl uint64 = 0xee8e3a86c38b04b3
		goldenSparse uint64 = 0xf48c444e8d9fe438 // 20 shingles: mostly densified bins
		goldenDense  uint64 = 0x71ec320ab6485641 // 996 shingles: almost every bin filled directly
	)
	sk := NewSketcher(DefaultK, DefaultSeed)
	sh := Shingles(nil, toks(1000), DefaultW)
	lo := make([]uint32, len(sh))
	for i, h := range sh {
		lo[i] = uint32(h) ^ uint32(h>>32)
	}
	got := map[string]uint64{
		"Exact":              Exact(toks(1000)),
		"Shingles":           Exact(lo),
		"Sketch(20 shingle)": Exact(sk.Sketch(Shingles(nil, toks(24), DefaultW), nil)),
		"Sketch(996 shingl)": Exact(sk.Sketch(sh, nil)),
	}
	want := map[string]uint64{
		"Exact":              goldenExact,
		"Shingles":           goldenShingl,
		"Sketch(20 shingle)": goldenSparse,
		"Sketch(996 shingl)": goldenDense,
	}
	for name, g := range got {
		if g != want[name] {
			t.Errorf("%s golden hash = %#x, want %#x (fingerprint format changed: bump text.FingerprintVersion)", name, g, want[name])
		}
	}
}

// TestShinglesExact: the one-pass form gives each window's polynomial
// hash, computed afresh here for every window (not rolled), and Exact,
// for every length around the shingle width and for empty input.
func TestShinglesExact(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := 0; n < 40; n++ {
		toks := make([]uint32, n)
		for i := range toks {
			toks[i] = r.Uint32()
		}
		for _, w := range []int{0, 1, 5, 8} {
			ww := min(max(w, 1), n)
			want := []uint64{42}
			for i := 0; n > 0 && i+ww <= n; i++ {
				var h uint64
				for _, tok := range toks[i : i+ww] {
					h = h*polyBase + uint64(tok) + 1
				}
				want = append(want, Mix64(h))
			}
			got, ex := ShinglesExact([]uint64{42}, toks, w)
			if !slices.Equal(got, want) || ex != Exact(toks) {
				t.Fatalf("n=%d w=%d: %v %x, want %v %x", n, w, got, ex, want, Exact(toks))
			}
		}
	}
}
