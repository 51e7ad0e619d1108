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
