package radix

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortSmallKeys: keys far below the type's range (positions, counts)
// sort, whatever the length.
func TestSortSmallKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{64, 500, msdMax, msdMax + 1} {
		for _, limit := range []uint64{1, 2, 255, 256, 1000, 1 << 20} {
			a := make([]uint64, n)
			for i := range a {
				a[i] = r.Uint64N(limit)
			}
			want := slices.Clone(a)
			slices.Sort(want)
			Sort(a, make([]uint64, n))
			if !slices.Equal(a, want) {
				t.Fatalf("n=%d, keys below %d: not sorted", n, limit)
			}
		}
	}
}

func TestSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 63, 64, 65, 500, msdMax, msdMax + 1, 100000} {
		a := make([]uint64, n)
		b := make([]uint32, n)
		for i := range a {
			a[i] = r.Uint64()
			b[i] = r.Uint32()
			if i%3 == 0 { // constant high digits exercise skipped passes
				a[i] &= 0xffff
			}
		}
		wa, wb := slices.Clone(a), slices.Clone(b)
		slices.Sort(wa)
		slices.Sort(wb)
		Sort(a, make([]uint64, n))
		Sort(b, make([]uint32, n))
		if !slices.Equal(a, wa) || !slices.Equal(b, wb) {
			t.Fatalf("n=%d: not sorted", n)
		}
	}
}

// BenchmarkSort sorts random keys of the lengths Sort meets: shingle
// sets (hundreds to thousands) and band keys (many thousands).
func BenchmarkSort(b *testing.B) {
	for _, n := range []int{500, 2000, 5000, 100000} {
		r := rand.New(rand.NewPCG(1, 2))
		src := make([]uint32, n)
		for i := range src {
			src[i] = r.Uint32()
		}
		v, buf := make([]uint32, n), make([]uint32, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				copy(v, src)
				Sort(v, buf)
			}
		})
	}
}

// TestSortHigh32: sorted by the high halves, equal ones in input order;
// an input in order of its low halves comes out as Sort leaves it.
func TestSortHigh32(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 2, 63, 500, 5000} {
		v := make([]uint64, n)
		for i := range v {
			v[i] = uint64(r.Uint32N(50))<<32 | uint64(i) // low halves in order, high halves repeating
		}
		want := slices.Clone(v)
		Sort(want, make([]uint64, n))
		SortHigh32(v, make([]uint64, n))
		if !slices.Equal(v, want) {
			t.Fatalf("n=%d: not sorted", n)
		}
		// Stability: equal high halves keep their (descending) input order.
		for i := range v {
			v[i] = uint64(r.Uint32N(50))<<32 | uint64(n-i)
		}
		SortHigh32(v, make([]uint64, n))
		for i := 1; i < n; i++ {
			if v[i]>>32 < v[i-1]>>32 || v[i]>>32 == v[i-1]>>32 && uint32(v[i]) > uint32(v[i-1]) {
				t.Fatalf("n=%d: %x after %x", n, v[i], v[i-1])
			}
		}
	}
}

// TestSortSmall: every length around the insertion bound, random and
// repeating keys, both types.
func TestSortSmall(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := range 2*smallMax + 2 {
		for _, limit := range []uint64{2, 1 << 40} {
			a := make([]uint64, n)
			b := make([]uint32, n)
			for i := range a {
				a[i], b[i] = r.Uint64N(limit), uint32(r.Uint64N(limit))
			}
			wa, wb := slices.Clone(a), slices.Clone(b)
			slices.Sort(wa)
			slices.Sort(wb)
			SortSmall(a)
			SortSmall(b)
			if !slices.Equal(a, wa) || !slices.Equal(b, wb) {
				t.Fatalf("n=%d, keys below %d: not sorted", n, limit)
			}
		}
	}
}

// BenchmarkSortSmall sorts random keys of the lengths of a sentence's
// words, against slices.Sort.
func BenchmarkSortSmall(b *testing.B) {
	for _, n := range []int{8, 24, 48, 96} {
		r := rand.New(rand.NewPCG(1, 2))
		src := make([][]uint64, 256)
		for i := range src {
			src[i] = make([]uint64, n)
			for k := range src[i] {
				src[i][k] = r.Uint64()
			}
		}
		v := make([]uint64, n)
		for _, c := range []struct {
			name string
			sort func([]uint64)
		}{{"SortSmall", SortSmall[uint64]}, {"slices.Sort", slices.Sort[[]uint64]}} {
			b.Run(fmt.Sprintf("%s/%d", c.name, n), func(b *testing.B) {
				i := 0
				for b.Loop() {
					copy(v, src[i])
					c.sort(v)
					i = (i + 1) % len(src)
				}
			})
		}
	}
}
