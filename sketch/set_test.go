package sketch

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"
)

// refSetOf is the obvious implementation: low 32 bits, sort, compact.
func refSetOf(shingles []uint64) []uint32 {
	out := make([]uint32, len(shingles))
	for i, s := range shingles {
		out[i] = uint32(s)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestSetOfMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{0, 1, 63, 64, 65, 500, 5000} {
		gens := map[string]func() uint64{
			// Random high bits, low 32 bits from a small range: many
			// duplicates, upper digits all equal.
			"small":  func() uint64 { return rng.Uint64()<<32 | rng.Uint64N(4) },
			"n":      func() uint64 { return rng.Uint64()<<32 | rng.Uint64N(uint64(n)+1) },
			"random": rng.Uint64,
			// Lowest digit constant, higher digits varying.
			"lowconst": func() uint64 { return rng.Uint64() &^ 0xff },
			// Only the top digit of the low 32 bits varies.
			"topdigit": func() uint64 { return rng.Uint64N(256) << 24 },
		}
		for spread, gen := range gens {
			sh := make([]uint64, n)
			for i := range sh {
				sh[i] = gen()
			}
			in := slices.Clone(sh)
			got, _ := SetOf(nil, nil, sh)
			want := refSetOf(sh)
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d %s: SetOf differs from sort+compact (len %d vs %d)", n, spread, len(got), len(want))
			}
			if !slices.Equal(sh, in) {
				t.Fatalf("n=%d: SetOf modified its input", n)
			}
		}
	}
}

func TestSetOfReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	var dst, buf []uint32
	// Large, then small (reuse), then large again (grow), then tiny.
	for _, n := range []int{5000, 70, 10, 600, 5000, 1, 0, 65} {
		sh := make([]uint64, n)
		for i := range sh {
			sh[i] = rng.Uint64N(uint64(n)/2 + 1)
		}
		want := refSetOf(sh)
		var got []uint32
		got, buf = SetOf(dst, buf, sh)
		if !slices.Equal(got, want) {
			t.Fatalf("n=%d with reused buffers: wrong set", n)
		}
		dst = got
	}
	// With large enough buffers, SetOf must not allocate.
	sh := make([]uint64, 500)
	for i := range sh {
		sh[i] = rng.Uint64()
	}
	dst, buf = make([]uint32, 0, 500), make([]uint32, 0, 500)
	allocs := testing.AllocsPerRun(20, func() {
		dst, buf = SetOf(dst, buf, sh)
	})
	if allocs != 0 {
		t.Fatalf("SetOf with sufficient buffers allocates %.1f times per call", allocs)
	}
	if !slices.Equal(dst, refSetOf(sh)) {
		t.Fatal("wrong set after repeated reuse")
	}
}

// shinglesFromBytes decodes 8 bytes per shingle (little endian); a short
// tail becomes one more shingle.
func shinglesFromBytes(data []byte) []uint64 {
	var out []uint64
	for len(data) > 0 {
		var b [8]byte
		n := copy(b[:], data)
		out = append(out, binary.LittleEndian.Uint64(b[:]))
		data = data[n:]
	}
	return out
}

// FuzzSetOf compares SetOf with sort+compact, with fresh and with reused
// (dirty) buffers. Seed corpus: testdata/fuzz/FuzzSetOf.
func FuzzSetOf(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		sh := shinglesFromBytes(data)
		want := refSetOf(sh)
		got, _ := SetOf(nil, nil, sh)
		if !slices.Equal(got, want) {
			t.Fatalf("SetOf(%x) = %x, want %x", sh, got, want)
		}
		for i := 1; i < len(got); i++ {
			if got[i-1] >= got[i] {
				t.Fatalf("not strictly increasing at %d", i)
			}
		}
		dirty := make([]uint32, 2*len(sh)+3)
		for i := range dirty {
			dirty[i] = 0xdeadbeef
		}
		buf := slices.Clone(dirty)
		got2, _ := SetOf(dirty[:1], buf[:0], sh)
		if !slices.Equal(got2, want) {
			t.Fatalf("SetOf with reused buffers = %x, want %x", got2, want)
		}
	})
}
