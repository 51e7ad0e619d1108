package index

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortUint64(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, n := range []int{0, 1, 2, 63, 64, 65, 255, 256, 257, 1000, 100_000} {
		gens := map[string]func() uint64{
			"random":   rng.Uint64,
			"few":      func() uint64 { return rng.Uint64N(5) << 40 },
			"lowonly":  func() uint64 { return rng.Uint64N(1 << 16) },
			"highonly": func() uint64 { return rng.Uint64() &^ (1<<48 - 1) },
		}
		for name, gen := range gens {
			v := make([]uint64, n)
			for i := range v {
				v[i] = gen()
			}
			want := slices.Clone(v)
			slices.Sort(want)
			buf := make([]uint64, n+7) // longer than needed is fine
			SortUint64(v, buf)
			if !slices.Equal(v, want) {
				t.Fatalf("n=%d %s: SortUint64 differs from slices.Sort", n, name)
			}
		}
	}
	// Already sorted and reverse-sorted input.
	v := make([]uint64, 3000)
	for i := range v {
		v[i] = uint64(len(v)-i) * 0x0001_0001_0001_0001
	}
	want := slices.Clone(v)
	slices.Sort(want)
	SortUint64(v, make([]uint64, len(v)))
	if !slices.Equal(v, want) {
		t.Fatal("reverse-sorted input")
	}
	SortUint64(v, make([]uint64, len(v)))
	if !slices.Equal(v, want) {
		t.Fatal("sorted input")
	}
}

// bruteCandidates is the definition: pairs of listed documents whose keys
// agree in at least m bands (no bucket cap).
func bruteCandidates(keys []uint32, docs []uint32, b, m int) []Pair {
	var out []Pair
	for i := range docs {
		for j := i + 1; j < len(docs); j++ {
			x, y := int(docs[i]), int(docs[j])
			same := 0
			for band := range b {
				if keys[x*b+band] == keys[y*b+band] {
					same++
				}
			}
			if same >= m {
				out = append(out, MakePair(docs[i], docs[j]))
			}
		}
	}
	slices.Sort(out)
	return out
}

func allDocs(n int) []uint32 {
	d := make([]uint32, n)
	for i := range d {
		d[i] = uint32(i)
	}
	return d
}

func checkSortedUnique(t *testing.T, pairs []Pair) {
	t.Helper()
	for i, p := range pairs {
		a, b := p.Docs()
		if a >= b {
			t.Fatalf("pair %d = (%d,%d) not canonical", i, a, b)
		}
		if i > 0 && pairs[i-1] >= p {
			t.Fatalf("pairs not sorted/unique at %d", i)
		}
	}
}

func TestCandidatesIdenticalSignatures(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	bands := Bands{B: 32, R: 4, M: 1}
	const n = 40
	shared := make([]uint32, 128)
	for i := range shared {
		shared[i] = rng.Uint32()
	}
	dups := map[uint32]bool{0: true, 3: true, 17: true, 39: true}
	var keys []uint32
	for d := range n {
		sig := shared
		if !dups[uint32(d)] {
			sig = make([]uint32, 128)
			for i := range sig {
				sig[i] = rng.Uint32()
			}
		}
		keys = bands.Keys(keys, sig)
	}
	for _, m := range []int{1, 2, 32} {
		got, st := Candidates(keys, allDocs(n), bands.B, m, 0, 2)
		want := []Pair{MakePair(0, 3), MakePair(0, 17), MakePair(0, 39), MakePair(3, 17), MakePair(3, 39), MakePair(17, 39)}
		if !slices.Equal(got, want) {
			t.Fatalf("m=%d: got %v, want %v", m, got, want)
		}
		if st.Buckets != 32 || st.LargestBucket != 4 || st.CappedBuckets != 0 || st.RawPairs != 32*6 || st.Pairs != 6 {
			t.Fatalf("m=%d: stats %+v", m, st)
		}
	}
	// m above B: nothing can qualify.
	if got, _ := Candidates(keys, allDocs(n), bands.B, 33, 0, 2); len(got) != 0 {
		t.Fatalf("m > B gave %d pairs", len(got))
	}
}

func TestCandidatesDisjointRandomSignatures(t *testing.T) {
	rng := rand.New(rand.NewPCG(45, 46))
	bands := Bands{B: 32, R: 4, M: 1}
	const n = 500
	var keys []uint32
	sig := make([]uint32, 128)
	for range n {
		for i := range sig {
			sig[i] = rng.Uint32()
		}
		keys = bands.Keys(keys, sig)
	}
	got, st := Candidates(keys, allDocs(n), bands.B, 1, 0, 3)
	if len(got) != 0 || st.Buckets != 0 || st.RawPairs != 0 {
		t.Fatalf("unrelated signatures produced %d pairs (%+v)", len(got), st)
	}
}

// M = 2 drops pairs that collide in only one band.
func TestCandidatesMinMatchingBands(t *testing.T) {
	const b = 4
	keys := []uint32{
		// band:  0    1    2    3
		/*0*/ 1, 2, 3, 4,
		/*1*/ 1, 90, 91, 92, // shares band 0 with 0 and 2
		/*2*/ 1, 2, 93, 94, // shares bands 0,1 with 0
		/*3*/ 95, 2, 3, 4, // shares bands 1,2,3 with 0; band 1 with 2
		/*4*/ 96, 97, 98, 99,
	}
	cases := map[int][]Pair{
		1: {MakePair(0, 1), MakePair(0, 2), MakePair(0, 3), MakePair(1, 2), MakePair(2, 3)},
		2: {MakePair(0, 2), MakePair(0, 3)},
		3: {MakePair(0, 3)},
		4: nil,
	}
	for m, want := range cases {
		for _, w := range []int{1, 4} {
			got, st := Candidates(keys, allDocs(5), b, m, 0, w)
			if !slices.Equal(got, want) {
				t.Errorf("m=%d workers=%d: got %v, want %v", m, w, got, want)
			}
			if st.RawPairs != 8 || st.Pairs != len(want) {
				t.Errorf("m=%d: stats %+v, want RawPairs 8, Pairs %d", m, st, len(want))
			}
			if !slices.Equal(got, bruteCandidates(keys, allDocs(5), b, m)) {
				t.Errorf("m=%d: differs from brute force", m)
			}
		}
	}
}

func TestCandidatesMaxBucket(t *testing.T) {
	const n, b, maxBucket = 1000, 4, 10
	keys := make([]uint32, n*b)
	for d := range n {
		keys[d*b+0] = 7 // bands 0..2: one huge bucket
		keys[d*b+1] = 8
		keys[d*b+2] = 7
		keys[d*b+3] = uint32(d) // band 3: all distinct
	}
	docs := allDocs(n)
	rand.New(rand.NewPCG(47, 48)).Shuffle(n, func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	for _, w := range []int{1, 4} {
		got, st := Candidates(keys, docs, b, 1, maxBucket, w)
		// Within a bucket, members are ordered by document id and each is
		// paired with the next maxBucket: (i, j) with 0 < j−i ≤ 10.
		var want []Pair
		for i := range n {
			for j := i + 1; j <= min(n-1, i+maxBucket); j++ {
				want = append(want, MakePair(uint32(i), uint32(j)))
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("workers=%d: %d pairs, want %d (each doc with the next %d)", w, len(got), len(want), maxBucket)
		}
		perDoc := make([]int, n)
		for _, p := range got {
			a, _ := p.Docs()
			perDoc[a]++
		}
		if mx := slices.Max(perDoc); mx > maxBucket {
			t.Fatalf("a document is paired with %d later documents, cap %d", mx, maxBucket)
		}
		wantSt := CandidateStats{Buckets: 3, CappedBuckets: 3, LargestBucket: n, RawPairs: 3 * len(want), Pairs: len(want)}
		if st != wantSt {
			t.Fatalf("workers=%d: stats %+v, want %+v", w, st, wantSt)
		}
		// With m = 3 the capped pairs (present in all three bands) survive.
		got3, _ := Candidates(keys, docs, b, 3, maxBucket, w)
		if !slices.Equal(got3, want) {
			t.Fatalf("m=3: %d pairs, want %d", len(got3), len(want))
		}
	}
}

// A bucket of exactly maxBucket members is not capped; one more member is
// capped but, at that size, every pair is still within reach.
func TestCandidatesMaxBucketBoundary(t *testing.T) {
	for _, size := range []int{10, 11} {
		keys := make([]uint32, size) // B = 1, all in one bucket
		got, st := Candidates(keys, allDocs(size), 1, 1, 10, 1)
		if len(got) != size*(size-1)/2 {
			t.Errorf("bucket of %d, cap 10: %d pairs, want all %d", size, len(got), size*(size-1)/2)
		}
		wantCapped := 0
		if size > 10 {
			wantCapped = 1
		}
		if st.CappedBuckets != wantCapped {
			t.Errorf("bucket of %d, cap 10: CappedBuckets = %d, want %d", size, st.CappedBuckets, wantCapped)
		}
	}
	// maxBucket ≤ 0 means DefaultMaxBucket.
	n := DefaultMaxBucket + 50
	keys := make([]uint32, n)
	got, st := Candidates(keys, allDocs(n), 1, 1, 0, 1)
	if st.CappedBuckets != 1 {
		t.Fatalf("default cap: CappedBuckets = %d, want 1", st.CappedBuckets)
	}
	for _, p := range got {
		if a, b := p.Docs(); b-a > DefaultMaxBucket {
			t.Fatalf("default cap: pair (%d,%d) is beyond the next %d", a, b, DefaultMaxBucket)
		}
	}
}

func randomKeys(rng *rand.Rand, n, b int, alphabet uint32) []uint32 {
	keys := make([]uint32, n*b)
	for i := range keys {
		keys[i] = rng.Uint32N(alphabet)
	}
	return keys
}

// The result is sorted, unique, equal to the brute-force definition and
// independent of the number of workers (stats included).
func TestCandidatesMatchesBruteForceAnyWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(49, 50))
	const n, b = 300, 8
	for _, alphabet := range []uint32{6, 40, 1 << 30} {
		keys := randomKeys(rng, n, b, alphabet)
		for _, m := range []int{1, 2, 3} {
			want := bruteCandidates(keys, allDocs(n), b, m)
			ref, refSt := Candidates(keys, allDocs(n), b, m, n, 1)
			for _, w := range []int{1, 2, 4, 16} {
				got, st := Candidates(keys, allDocs(n), b, m, n, w)
				checkSortedUnique(t, got)
				if !slices.Equal(got, want) {
					t.Fatalf("alphabet=%d m=%d workers=%d: %d pairs, brute force %d", alphabet, m, w, len(got), len(want))
				}
				if st != refSt {
					t.Fatalf("alphabet=%d m=%d: stats with %d workers %+v, with 1 %+v", alphabet, m, w, st, refSt)
				}
			}
			if !slices.Equal(ref, want) {
				t.Fatal("workers=1 differs from brute force")
			}
			if refSt.Pairs != len(want) {
				t.Fatalf("stats Pairs = %d, want %d", refSt.Pairs, len(want))
			}
		}
	}
}

// Only the documents listed in docs take part; keys are indexed by id.
func TestCandidatesDocsSubset(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	const n, b = 200, 6
	keys := randomKeys(rng, n, b, 5)
	var docs []uint32
	for d := n - 1; d >= 0; d -= 3 { // unsorted subset
		docs = append(docs, uint32(d))
	}
	in := map[uint32]bool{}
	for _, d := range docs {
		in[d] = true
	}
	for _, m := range []int{1, 2} {
		got, _ := Candidates(keys, docs, b, m, n, 3)
		for _, p := range got {
			x, y := p.Docs()
			if !in[x] || !in[y] {
				t.Fatalf("pair (%d,%d) uses a document not in docs", x, y)
			}
		}
		if want := bruteCandidates(keys, docs, b, m); !slices.Equal(got, want) {
			t.Fatalf("m=%d: %d pairs, brute force over the subset %d", m, len(got), len(want))
		}
	}
	// No docs, or no bands: no pairs.
	if got, st := Candidates(keys, nil, b, 1, 0, 2); len(got) != 0 || st != (CandidateStats{}) {
		t.Fatalf("empty docs: %v %+v", got, st)
	}
	if got, _ := Candidates(nil, allDocs(3), 0, 1, 0, 2); len(got) != 0 {
		t.Fatalf("zero bands: %v", got)
	}
}

func BenchmarkCandidates(b *testing.B) {
	rng := rand.New(rand.NewPCG(53, 54))
	const n, bands = 20000, 64
	keys := randomKeys(rng, n, bands, 1<<14)
	docs := allDocs(n)
	for b.Loop() {
		Candidates(keys, docs, bands, 2, DefaultMaxBucket, 2)
	}
}

func BenchmarkSortUint64(b *testing.B) {
	rng := rand.New(rand.NewPCG(55, 56))
	src := make([]uint64, 1<<20)
	for i := range src {
		src[i] = rng.Uint64()
	}
	v := make([]uint64, len(src))
	buf := make([]uint64, len(src))
	for b.Loop() {
		copy(v, src)
		SortUint64(v, buf)
	}
}
