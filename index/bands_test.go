package index

import (
	"math"
	"testing"
)

// upperTail computes Pr[Binomial(n, q) ≥ m] by summing the upper tail
// directly (Prob sums the lower tail), with log-space binomial coefficients.
func upperTail(n int, q float64, m int) float64 {
	sum := 0.0
	for i := max(m, 0); i <= n; i++ {
		lg := lgamma(n+1) - lgamma(i+1) - lgamma(n-i+1)
		sum += math.Exp(lg) * math.Pow(q, float64(i)) * math.Pow(1-q, float64(n-i))
	}
	return sum
}

func lgamma(x int) float64 {
	v, _ := math.Lgamma(float64(x))
	return v
}

var layouts = []Bands{
	{B: 1, R: 1, M: 1}, {B: 16, R: 8, M: 1}, {B: 32, R: 4, M: 1}, {B: 64, R: 4, M: 2},
	{B: 85, R: 3, M: 4}, {B: 42, R: 3, M: 3}, {B: 11, R: 11, M: 2}, {B: 4, R: 2, M: 4},
}

func TestProbClassicFormula(t *testing.T) {
	for _, b := range []int{1, 2, 16, 42, 128} {
		for _, r := range []int{1, 2, 3, 5, 8} {
			p := Bands{B: b, R: r, M: 1}
			for s := 0.0; s <= 1.0; s += 0.05 {
				want := 1 - math.Pow(1-math.Pow(s, float64(r)), float64(b))
				if got := p.Prob(s); math.Abs(got-want) > 1e-12 {
					t.Fatalf("%+v Prob(%.2f) = %v, want 1-(1-s^R)^B = %v", p, s, got, want)
				}
			}
		}
	}
	// M = 0 behaves as M = 1.
	if a, b := (Bands{B: 20, R: 3}).Prob(0.5), (Bands{B: 20, R: 3, M: 1}).Prob(0.5); a != b {
		t.Fatalf("M=0 gives %v, M=1 gives %v", a, b)
	}
}

func TestProbBinomialTail(t *testing.T) {
	for _, p := range layouts {
		for s := 0.0; s <= 1.0; s += 0.01 {
			want := upperTail(p.B, math.Pow(s, float64(p.R)), p.M)
			if got := p.Prob(s); math.Abs(got-want) > 1e-9 {
				t.Fatalf("%+v Prob(%.2f) = %v, want Pr[Bin ≥ M] = %v", p, s, got, want)
			}
		}
	}
}

func TestProbShape(t *testing.T) {
	for _, p := range layouts {
		if got := p.Prob(0); got != 0 {
			t.Errorf("%+v Prob(0) = %v, want 0", p, got)
		}
		if got := p.Prob(1); math.Abs(got-1) > 1e-12 {
			t.Errorf("%+v Prob(1) = %v, want 1", p, got)
		}
		prev := -1.0
		for i := 0; i <= 1000; i++ {
			s := float64(i) / 1000
			v := p.Prob(s)
			if v < 0 || v > 1+1e-12 {
				t.Fatalf("%+v Prob(%v) = %v outside [0,1]", p, s, v)
			}
			if v < prev-1e-12 {
				t.Fatalf("%+v not monotone: Prob(%v) = %v < %v", p, s, v, prev)
			}
			prev = v
		}
		// Requiring more matching bands can only lower the curve.
		if p.M > 1 {
			one := Bands{B: p.B, R: p.R, M: 1}
			for i := 0; i <= 100; i++ {
				s := float64(i) / 100
				if p.Prob(s) > one.Prob(s)+1e-12 {
					t.Fatalf("%+v Prob(%v) = %v > M=1 value %v", p, s, p.Prob(s), one.Prob(s))
				}
			}
		}
		for m := 1; m < 4; m++ {
			lo, hi := Bands{B: p.B, R: p.R, M: m}, Bands{B: p.B, R: p.R, M: m + 1}
			for i := 0; i <= 100; i++ {
				s := float64(i) / 100
				if hi.Prob(s) > lo.Prob(s)+1e-12 {
					t.Fatalf("%+v Prob(%v) > %+v Prob", hi, s, lo)
				}
			}
		}
	}
}

func TestChooseBandsConstraints(t *testing.T) {
	for _, k := range []int{16, 64, 128, 200, 256} {
		for tt := 0.05; tt < 1; tt += 0.05 {
			p := ChooseBands(tt, k)
			if p.B < 1 || p.R < 1 || p.M < 1 || p.M > 4 || p.M > p.B {
				t.Fatalf("ChooseBands(%.2f, %d) = %+v: invalid layout", tt, k, p)
			}
			if p.B*p.R > k {
				t.Fatalf("ChooseBands(%.2f, %d) = %+v: B·R = %d > k", tt, k, p, p.B*p.R)
			}
			if got := p.Prob(tt); got < MinRecallAtTarget {
				// Allowed only when no layout reaches the target; then the
				// one with the highest recall, (k, 1, 1), is returned.
				if p != (Bands{B: k, R: 1, M: 1}) || (tt >= 0.1 && k >= 64) {
					t.Fatalf("ChooseBands(%.2f, %d) = %+v: Prob(t) = %.4f < %v", tt, k, p, got, MinRecallAtTarget)
				}
			}
		}
	}
}

// TestChooseBandsDefault pins the layout of the engine's default
// configuration (target 0.522 at K = 256).
func TestChooseBandsDefault(t *testing.T) {
	if got, want := ChooseBands(0.522, 256), (Bands{B: 64, R: 4, M: 2}); got != want {
		t.Fatalf("ChooseBands(0.522, 256) = %+v, want %+v", got, want)
	}
}

// The numbers quoted in the package comment.
func TestChooseBandsPackageDocClaims(t *testing.T) {
	p := ChooseBands(0.522, 256)
	for _, c := range []struct {
		b    Bands
		s, v float64
	}{
		{p, 0.522, 0.956}, {p, 0.572, 0.994}, {p, 0.3, 0.095}, {p, 0.2, 0.005},
		{Bands{B: 64, R: 4, M: 1}, 0.3, 0.41}, {Bands{B: 64, R: 4, M: 1}, 0.2, 0.097},
	} {
		if got := c.b.Prob(c.s); math.Abs(got-c.v) > 0.0051 {
			t.Errorf("%+v Prob(%.3f) = %.4f, doc says %.3f", c.b, c.s, got, c.v)
		}
	}
}

// TestChooseBandsRecallAboveTarget checks the recall promise: pairs 0.05
// above the target are found with probability ≥ 0.99, for any target.
func TestChooseBandsRecallAboveTarget(t *testing.T) {
	for _, tt := range []float64{0.3, 0.4, 0.5, 0.52, 0.6, 0.7, 0.8, 0.9} {
		p := ChooseBands(tt, 256)
		if v := p.Prob(tt + 0.05); v < 0.99 {
			t.Errorf("ChooseBands(%.2f, 256) = %+v: Prob(t+0.05) = %.4f < 0.99", tt, p, v)
		}
	}
}

func TestChooseBandsClampsTarget(t *testing.T) {
	for _, c := range []struct{ in, clamped float64 }{{-1, 0.01}, {0, 0.01}, {1, 0.99}, {5, 0.99}} {
		if a, b := ChooseBands(c.in, 128), ChooseBands(c.clamped, 128); a != b {
			t.Errorf("ChooseBands(%v) = %+v, want same as ChooseBands(%v) = %+v", c.in, a, c.clamped, b)
		}
	}
}

// ChooseBands should prefer fewer false positives: against the plain
// M = 1 layouts that meet the recall target, its false-positive area is no
// larger (checked with an independent midpoint integral).
func TestChooseBandsBeatsClassicLayouts(t *testing.T) {
	area := func(p Bands, t float64) float64 {
		const n = 2000
		sum := 0.0
		for i := range n {
			sum += p.Prob(t * (float64(i) + 0.5) / n)
		}
		return sum * t / n
	}
	for _, tt := range []float64{0.3, 0.5, 0.7, 0.9} {
		best := ChooseBands(tt, 256)
		ab := area(best, tt)
		for r := 1; r <= 256; r++ {
			p := Bands{B: 256 / r, R: r, M: 1}
			if p.Prob(tt) < MinRecallAtTarget || p.Prob(math.Min(tt+0.05, 1)) < MinRecallAboveTarget {
				continue
			}
			if a := area(p, tt); a < ab*(1-1e-3) {
				t.Errorf("t=%.1f: %+v has false-positive area %.5f < chosen %+v %.5f", tt, p, a, best, ab)
			}
		}
	}
}

func TestKeys(t *testing.T) {
	p := Bands{B: 4, R: 3, M: 1}
	sig := []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99, 98} // extra values unused
	k1 := p.Keys(nil, sig)
	if len(k1) != 4 {
		t.Fatalf("%d keys, want 4", len(k1))
	}
	// Appends to dst.
	k2 := p.Keys([]uint32{77}, sig)
	if len(k2) != 5 || k2[0] != 77 {
		t.Fatalf("Keys did not append: %v", k2)
	}
	for i := range k1 {
		if k1[i] != k2[i+1] {
			t.Fatal("Keys not deterministic")
		}
	}
	// Values beyond B·R do not matter.
	sig2 := append([]uint32(nil), sig...)
	sig2[12], sig2[13] = 0, 0
	if k := p.Keys(nil, sig2); k[3] != k1[3] {
		t.Fatal("values beyond B·R change the keys")
	}
	// Changing one value changes exactly that band's key.
	for i := 0; i < 12; i++ {
		s := append([]uint32(nil), sig...)
		s[i] ^= 0x80000000
		k := p.Keys(nil, s)
		for band := range 4 {
			changed := k[band] != k1[band]
			if changed != (band == i/3) {
				t.Fatalf("changing value %d: band %d key changed=%v", i, band, changed)
			}
		}
	}
	// Same values in different bands give different keys (band index is hashed).
	same := []uint32{5, 5, 5, 5, 5, 5}
	k := Bands{B: 2, R: 3}.Keys(nil, same)
	if k[0] == k[1] {
		t.Fatal("equal rows in bands 0 and 1 give equal keys")
	}
	// Order within a band matters.
	a := Bands{B: 1, R: 2}.Keys(nil, []uint32{1, 2})
	b := Bands{B: 1, R: 2}.Keys(nil, []uint32{2, 1})
	if a[0] == b[0] {
		t.Fatal("band key ignores row order")
	}
}

func TestMakePair(t *testing.T) {
	for _, c := range [][2]uint32{{3, 5}, {5, 3}, {0, 0xffffffff}, {0xffffffff, 0}, {7, 7}} {
		p := MakePair(c[0], c[1])
		a, b := p.Docs()
		lo, hi := min(c[0], c[1]), max(c[0], c[1])
		if a != lo || b != hi {
			t.Errorf("MakePair(%d,%d).Docs() = (%d,%d), want (%d,%d)", c[0], c[1], a, b, lo, hi)
		}
	}
	// Pairs sort by first then second document.
	if !(MakePair(1, 9) < MakePair(2, 3) && MakePair(2, 3) < MakePair(2, 4)) {
		t.Fatal("Pair order is not (first, second)")
	}
}
