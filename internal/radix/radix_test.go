package radix

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 63, 64, 65, 500, 100000} {
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

func BenchmarkSort500(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	v := make([]uint32, 500)
	src := make([]uint32, 500)
	for i := range src {
		src[i] = r.Uint32()
	}
	buf := make([]uint32, 500)
	for b.Loop() {
		copy(v, src)
		Sort(v, buf)
	}
}
