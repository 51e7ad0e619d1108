package sketch

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// pairWithJaccard returns two sets of random 64-bit shingles whose exact
// Jaccard similarity is close to j, and that exact value. The smaller set
// has nmin elements, the larger one up to nmin/j (as unequal as j allows).
func pairWithJaccard(rng *rand.Rand, j float64, nmin int) (a, b []uint64, exact float64) {
	ratio := 1 + rng.Float64()*(1/j-1)
	nmax := max(nmin, int(float64(nmin)*ratio))
	inter := min(nmin, int(math.Round(j*float64(nmin+nmax)/(1+j))))
	a = make([]uint64, 0, nmax)
	b = make([]uint64, 0, nmin)
	for range inter {
		x := rng.Uint64()
		a = append(a, x)
		b = append(b, x)
	}
	for len(a) < nmax {
		a = append(a, rng.Uint64())
	}
	for len(b) < nmin {
		b = append(b, rng.Uint64())
	}
	rng.Shuffle(len(a), func(i, k int) { a[i], a[k] = a[k], a[i] })
	if rng.IntN(2) == 0 {
		a, b = b, a
	}
	return a, b, float64(inter) / float64(nmin+nmax-inter)
}

type estimator struct {
	name   string
	k      int
	sketch func(sh []uint64, sig []uint32) []uint32
}

// TestEstimatorAccuracy checks that the signature similarity is an unbiased
// estimate of Jaccard with the variance MinHash theory predicts:
// σ = √(J(1−J)/K), so the mean absolute error is √(2/π)·σ. The test allows
// 25% above that (densified tiny sets are a little noisier than the
// K-permutation scheme) and requires the mean error to be within 0.015 of 0.
//
// Note: at K = 128 and J = 0.5 the theoretical mean absolute error is 0.035,
// so no correct 128-bin estimator can meet a flat 0.03; at K = 256 the bound
// below is ≤ 0.031.
func TestEstimatorAccuracy(t *testing.T) {
	const pairs = 200
	ests := []estimator{
		{"OPH", 128, NewSketcher(128, DefaultSeed).Sketch},
		{"OPH", 256, NewSketcher(256, DefaultSeed).Sketch},
		{"OPH", 100, NewSketcher(100, DefaultSeed).Sketch}, // not a power of two
		{"Classic", 128, NewClassic(128, DefaultSeed).Sketch},
	}
	rng := rand.New(rand.NewPCG(2026, 1))
	for _, e := range ests {
		for _, j := range []float64{0.2, 0.5, 0.8, 0.95} {
			var sumAbs, sumErr, sumJ float64
			var sigA, sigB []uint32
			for p := range pairs {
				var nmin int
				switch p % 4 {
				case 0: // smaller than K: densification at work
					nmin = 8 + rng.IntN(e.k-8)
				case 1:
					nmin = 50 + rng.IntN(200)
				default:
					nmin = 50 + rng.IntN(1951)
				}
				if e.name == "Classic" {
					nmin = min(nmin, 600) // O(n·K): keep the test fast
				}
				a, b, exact := pairWithJaccard(rng, j, nmin)
				sigA = e.sketch(a, sigA)
				sigB = e.sketch(b, sigB)
				est := Similarity(sigA, sigB)
				sumAbs += math.Abs(est - exact)
				sumErr += est - exact
				sumJ += exact
			}
			mae, bias, mj := sumAbs/pairs, sumErr/pairs, sumJ/pairs
			theory := math.Sqrt(2/math.Pi) * math.Sqrt(mj*(1-mj)/float64(e.k))
			t.Logf("%-7s K=%3d J=%.2f: mean|err|=%.4f (theory %.4f) bias=%+.4f", e.name, e.k, j, mae, theory, bias)
			if mae > 1.25*theory {
				t.Errorf("%s K=%d J=%.2f: mean |estimate-true| = %.4f, want ≤ %.4f", e.name, e.k, j, mae, 1.25*theory)
			}
			if math.Abs(bias) > 0.015 {
				t.Errorf("%s K=%d J=%.2f: mean bias = %+.4f, want |bias| ≤ 0.015", e.name, e.k, j, bias)
			}
		}
	}
}

// Tiny sets (far fewer shingles than bins) are where a wrong densification
// shows up as bias: most bins are copies.
func TestOPHTinySetsUnbiased(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	s := NewSketcher(256, DefaultSeed)
	for _, j := range []float64{0.3, 0.6, 0.9} {
		var sumErr float64
		const pairs = 400
		for range pairs {
			a, b, exact := pairWithJaccard(rng, j, 4+rng.IntN(20))
			sumErr += Similarity(s.Sketch(a, nil), s.Sketch(b, nil)) - exact
		}
		if bias := sumErr / pairs; math.Abs(bias) > 0.015 {
			t.Errorf("J≈%.1f, sets of 4–24 shingles, K=256: bias %+.4f", j, bias)
		}
	}
}

func TestSketchSingleElement(t *testing.T) {
	for _, k := range []int{1, 2, 100, 128, 256} {
		s := NewSketcher(k, DefaultSeed)
		for _, x := range []uint64{0, 1, 0xdeadbeef, math.MaxUint64} {
			want := uint32(Mix64(x ^ DefaultSeed))
			sig := s.Sketch([]uint64{x}, nil)
			if len(sig) != k {
				t.Fatalf("K=%d: signature length %d", k, len(sig))
			}
			for i, v := range sig {
				if v != want {
					t.Fatalf("K=%d x=%#x: bin %d = %#x, want every bin = %#x", k, x, i, v, want)
				}
			}
			// Duplicates of the single element change nothing.
			if sig2 := s.Sketch([]uint64{x, x, x}, nil); !slices.Equal(sig, sig2) {
				t.Fatalf("K=%d: duplicates change the signature", k)
			}
		}
	}
}

func TestSketchEmpty(t *testing.T) {
	for _, k := range []int{1, 100, 128} {
		sig := NewSketcher(k, DefaultSeed).Sketch(nil, []uint32{1, 2, 3})
		if len(sig) != k {
			t.Fatalf("K=%d: signature length %d", k, len(sig))
		}
		for i, v := range sig {
			if v != Empty {
				t.Fatalf("K=%d: bin %d of empty set = %#x, want Empty", k, i, v)
			}
		}
		csig := NewClassic(k, DefaultSeed).Sketch(nil, nil)
		for i, v := range csig {
			if v != Empty {
				t.Fatalf("Classic K=%d: bin %d of empty set = %#x, want Empty", k, i, v)
			}
		}
	}
}

// Every bin's value must be the (low 32 bits of the) hash of an element of
// the set, and every bin that received a shingle must hold the minimum of
// its shingles. The bin of a shingle is the top of h·K (h the seeded hash),
// which for K a power of two is the top log2(K) bits of h.
func TestSketchBinsAreMinima(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const seed = 99
	for _, k := range []int{64, 100, 128} {
		s := NewSketcher(k, seed)
		for _, n := range []int{3, 40, 1000} {
			sh := make([]uint64, n)
			for i := range sh {
				sh[i] = rng.Uint64()
			}
			sig := s.Sketch(sh, nil)
			values := map[uint32]bool{}
			minima := make([]uint32, k)
			filled := make([]bool, k)
			for i := range minima {
				minima[i] = Empty
			}
			for _, x := range sh {
				h := Mix64(x ^ seed)
				bin, _ := bits.Mul64(h, uint64(k))
				filled[bin] = true
				minima[bin] = min(minima[bin], uint32(h))
				values[uint32(h)] = true
			}
			for i, v := range sig {
				if !values[v] {
					t.Fatalf("K=%d n=%d: bin %d holds %#x, not the hash of any element", k, n, i, v)
				}
				if filled[i] && v != minima[i] {
					t.Fatalf("K=%d n=%d: bin %d = %#x, want its minimum %#x", k, n, i, v, minima[i])
				}
			}
		}
	}
}

func TestSketchDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	sh := make([]uint64, 60) // < K: densification involved
	for i := range sh {
		sh[i] = rng.Uint64()
	}
	s1 := NewSketcher(128, DefaultSeed)
	s2 := NewSketcher(128, DefaultSeed)
	a := s1.Sketch(sh, nil)
	b := s2.Sketch(sh, nil)
	if !slices.Equal(a, b) {
		t.Fatal("two sketchers with the same seed disagree")
	}
	// Reusing the sketcher and the output buffer, and shuffling the input.
	rev := slices.Clone(sh)
	slices.Reverse(rev)
	buf := make([]uint32, 128)
	for i := range buf {
		buf[i] = 7
	}
	if c := s1.Sketch(rev, buf); !slices.Equal(a, c) {
		t.Fatal("signature depends on shingle order or on the previous call")
	}
	other := NewSketcher(128, DefaultSeed+1).Sketch(sh, nil)
	if eq := Similarity(a, other); eq > 0.2 {
		t.Fatalf("different seed gives a nearly identical signature (%.2f of bins equal)", eq)
	}
	ca := NewClassic(128, 1).Sketch(sh, nil)
	if !slices.Equal(ca, NewClassic(128, 1).Sketch(sh, nil)) {
		t.Fatal("Classic is not deterministic")
	}
	if Similarity(ca, NewClassic(128, 2).Sketch(sh, nil)) > 0.2 {
		t.Fatal("Classic: different seed gives a nearly identical signature")
	}
}

func TestSketchIgnoresDuplicates(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	sh := make([]uint64, 300)
	for i := range sh {
		sh[i] = rng.Uint64()
	}
	dup := append(slices.Clone(sh), sh[:150]...)
	s := NewSketcher(128, DefaultSeed)
	if !slices.Equal(s.Sketch(sh, nil), s.Sketch(dup, nil)) {
		t.Fatal("duplicate shingles change the OPH signature")
	}
	c := NewClassic(64, DefaultSeed)
	if !slices.Equal(c.Sketch(sh, nil), c.Sketch(dup, nil)) {
		t.Fatal("duplicate shingles change the Classic signature")
	}
}

func TestNewSketcherDefaultK(t *testing.T) {
	if s := NewSketcher(0, 1); s.K != DefaultK {
		t.Fatalf("NewSketcher(0).K = %d, want DefaultK", s.K)
	}
}

func TestSimilarity(t *testing.T) {
	cases := []struct {
		a, b []uint32
		want float64
	}{
		{nil, nil, 0},
		{[]uint32{1, 2}, []uint32{1}, 0},
		{[]uint32{1, 2, 3, 4}, []uint32{1, 2, 3, 4}, 1},
		{[]uint32{1, 2, 3, 4}, []uint32{1, 0, 3, 0}, 0.5},
		{[]uint32{1, 2, 3, 4}, []uint32{2, 1, 4, 3}, 0},
	}
	for _, c := range cases {
		if got := Similarity(c.a, c.b); got != c.want {
			t.Errorf("Similarity(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestMulmod61(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	p := uint64(mersenne61)
	edge := []uint64{0, 1, 2, p - 1, p, p + 1, 1 << 60, 1<<61 - 2}
	check := func(a, x uint64) {
		// Reference: schoolbook with 128-bit remainder via big-ish steps.
		want := refMulmod(a%p, x%p, p)
		if got := mulmod61(a, x); got != want {
			t.Fatalf("mulmod61(%#x, %#x) = %#x, want %#x", a, x, got, want)
		}
	}
	for _, a := range edge {
		for _, x := range edge {
			if a < 1<<61 && x < 1<<61 {
				check(a, x)
			}
		}
	}
	for range 10000 {
		check(rng.Uint64N(p), rng.Uint64()&p)
	}
}

// refMulmod computes a·x mod p by double-and-add (a, x < p < 2^62).
func refMulmod(a, x, p uint64) uint64 {
	var r uint64
	for a > 0 {
		if a&1 == 1 {
			r = (r + x) % p
		}
		x = (x + x) % p
		a >>= 1
	}
	return r
}
