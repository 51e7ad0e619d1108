package stateeq

import (
	"math"
	"strings"
	"testing"
)

type inner struct {
	xs  []uint32
	f   float64
	tmp []int // scratch
}

type outer struct {
	name string
	in   *inner
	m    map[uint64]*inner
	fs   []float32
}

func TestDiff(t *testing.T) {
	a := outer{name: "a", in: &inner{xs: []uint32{}, f: 1}, m: map[uint64]*inner{7: {f: 2}}, fs: []float32{1, 2}}
	b := outer{name: "a", in: &inner{f: 1, tmp: []int{3}}, m: map[uint64]*inner{7: {f: 2}}, fs: []float32{1, 2}}
	if d := Diff(a, b, "tmp"); d != "" {
		t.Fatalf("equal states differ: %s", d)
	}
	if d := Diff(a, b); !strings.Contains(d, ".in.tmp") {
		t.Fatalf("scratch not skipped: %q", d)
	}
	b.m[7].f = math.Copysign(2, 1)
	b.fs[1] = 3
	if d := Diff(a, b, "tmp"); !strings.Contains(d, ".fs") {
		t.Fatalf("a float slice differs: %q", d)
	}
	b.fs[1] = 2
	b.m[7].f = math.Nextafter(2, 3)
	if d := Diff(a, b, "tmp"); !strings.Contains(d, ".m[7].f") {
		t.Fatalf("a float in a map differs: %q", d)
	}
	if d := Diff(0.0, math.Copysign(0, -1)); d == "" {
		t.Fatal("0 and -0 differ by their bits")
	}
}
