package index

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/reprint-news/reprint/store"
)

// TestBucketsAgreeWithBatchCandidates adds documents one at a time to a
// stored bucket index, asking for each one's candidates first, and finds
// exactly the pairs that the batch Candidates gives for the same keys —
// capped buckets included.
func TestBucketsAgreeWithBatchCandidates(t *testing.T) {
	const n, b, m, maxBucket = 400, 8, 2, 5
	rng := rand.New(rand.NewPCG(61, 62))
	keys := make([]uint32, n*b)
	for d := range n {
		for band := range b {
			// Small key spaces make buckets of every size, some over maxBucket.
			keys[d*b+band] = rng.Uint32N(uint32(4 + band*band*4))
		}
	}
	docs := make([]uint32, n)
	for d := range docs {
		docs[d] = uint32(d)
	}
	want, _ := Candidates(keys, docs, b, m, maxBucket, 2)
	// Without the filter, with a tiny one (most bits collide) and a large one.
	for _, filterBits := range []int{0, 6, 20} {
		t.Run(fmt.Sprintf("filter=%d", filterBits), func(t *testing.T) {
			testBucketsAgree(t, keys, want, n, b, m, maxBucket, filterBits)
		})
	}
}

func testBucketsAgree(t *testing.T, keys []uint32, want []Pair, n, b, m, maxBucket, filterBits int) {
	s, err := store.OpenMemory(store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	x := NewBuckets(s, Bands{B: b, R: 1, M: m}, maxBucket)
	if filterBits > 0 {
		x.UseFilter(filterBits)
	}
	var got []Pair
	capped := 0
	for d := range n {
		ks := keys[d*b : (d+1)*b]
		seqs, c, err := x.Candidates(ks)
		if err != nil {
			t.Fatal(err)
		}
		capped += c
		for _, seq := range seqs {
			got = append(got, MakePair(uint32(seq), uint32(d)))
		}
		batch := s.NewBatch()
		if err := x.Put(batch, uint64(d), ks); err != nil {
			t.Fatal(err)
		}
		if err := batch.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(got)
	if capped == 0 {
		t.Fatal("no bucket was capped: the test does not exercise maxBucket")
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("stored buckets: %d pairs; batch Candidates: %d pairs", len(got), len(want))
	}
}

func TestBucketsRemoveAndReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bands := Bands{B: 4, R: 1, M: 2}
	x := NewBuckets(s, bands, 0)
	put := func(seq uint64, ks ...uint32) {
		b := s.NewBatch()
		if err := x.Put(b, seq, ks); err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	put(1, 10, 20, 30, 40)
	put(2, 10, 20, 99, 99) // two shared buckets with 1
	put(3, 10, 98, 97, 96) // one shared bucket: not a candidate of 1
	cands := func(ks ...uint32) []uint64 {
		seqs, _, err := x.Candidates(ks)
		if err != nil {
			t.Fatal(err)
		}
		return seqs
	}
	if got := cands(10, 20, 30, 40); !slices.Equal(got, []uint64{1, 2}) {
		t.Fatalf("candidates %v, want [1 2]", got)
	}
	b := s.NewBatch()
	if err := x.Remove(b, 2, []uint32{10, 20, 99, 99}); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = store.Open(dir, store.Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	x = NewBuckets(s, bands, 0)
	if got := cands(10, 20, 30, 40); !slices.Equal(got, []uint64{1}) {
		t.Fatalf("after removing 2 and reopening: candidates %v, want [1]", got)
	}
}

// TestBucketsCapAtMaxBucket fills buckets around maxBucket members (some
// removed again) and checks that a lookup counts exactly the maxBucket
// newest members of each and reports the oversized ones as capped.
func TestBucketsCapAtMaxBucket(t *testing.T) {
	const maxBucket = 4
	s, err := store.OpenMemory(store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	x := NewBuckets(s, Bands{B: 2, R: 1, M: 2}, maxBucket)
	// Band key k's bucket gets sizes[k] members in both bands; in the
	// last, every third one is removed again.
	sizes := []int{0, 1, maxBucket - 1, maxBucket, maxBucket + 1, 3 * maxBucket}
	b := s.NewBatch()
	seq := uint64(0)
	live := make([][]uint64, len(sizes))
	for k, size := range sizes {
		for i := range size {
			seq++
			ks := []uint32{uint32(k), uint32(k)}
			if err := x.Put(b, seq, ks); err != nil {
				t.Fatal(err)
			}
			if k == len(sizes)-1 && i%3 == 2 {
				if err := x.Remove(b, seq, ks); err != nil {
					t.Fatal(err)
				}
				continue
			}
			live[k] = append(live[k], seq)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	for k := range sizes {
		want, wantCapped := live[k], 0
		if len(want) > maxBucket {
			want, wantCapped = want[len(want)-maxBucket:], 2
		}
		got, capped, err := x.Candidates([]uint32{uint32(k), uint32(k)})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) || capped != wantCapped {
			t.Errorf("bucket of %d live members: candidates %v, capped %d; want %v, %d", len(live[k]), got, capped, want, wantCapped)
		}
	}
}

// BenchmarkBucketsCandidates measures one article's candidate lookup (64
// bucket scans, M = 2) in a store holding 20,000 articles. The bucket keys
// are written in key order, as Put would write them, so that the store's
// flushed tables do not overlap: a lookup then costs what it costs in a
// service whose compactions keep up, not what it costs right after a bulk
// load of overlapping tables (up to ten times more, and varying with the
// compactions running during the benchmark).
func BenchmarkBucketsCandidates(b *testing.B) {
	b.Run("store", func(b *testing.B) { benchmarkBucketsCandidates(b, false) })
	b.Run("filter", func(b *testing.B) { benchmarkBucketsCandidates(b, true) })
}

// benchmarkBucketsCandidates looks up the buckets of unrelated new
// articles among 20,000 stored ones (with the in-memory filter: most
// lookups skip the store).
func benchmarkBucketsCandidates(b *testing.B, filter bool) {
	s, err := store.Open(b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	bands := Bands{B: 64, R: 4, M: 2}
	x := NewBuckets(s, bands, 0)
	rng := rand.New(rand.NewPCG(63, 64))
	type member struct {
		key uint32
		seq uint64
	}
	const n = 20000
	byBand := make([][]member, bands.B)
	for d := range n {
		for band := range byBand {
			byBand[band] = append(byBand[band], member{rng.Uint32(), uint64(d)})
		}
	}
	if filter {
		x.UseFilter(24)
		ks := make([]uint32, bands.B)
		for d := range n {
			for band := range ks {
				ks[band] = byBand[band][d].key
			}
			x.Mark(ks)
		}
	}
	batch := s.NewBatch()
	var k []byte
	for band, ms := range byBand {
		slices.SortFunc(ms, func(a, b member) int {
			if c := cmp.Compare(a.key, b.key); c != 0 {
				return c
			}
			return cmp.Compare(a.seq, b.seq)
		})
		for _, m := range ms {
			k = binary.BigEndian.AppendUint64(bucketKey(k[:0], band, m.key), m.seq)
			batch.Set(k, nil)
			if batch.Len() > 50000 {
				if err := batch.Commit(); err != nil {
					b.Fatal(err)
				}
				batch = s.NewBatch()
			}
		}
	}
	if err := batch.Commit(); err != nil {
		b.Fatal(err)
	}
	ks := make([]uint32, bands.B)
	b.ResetTimer()
	for b.Loop() {
		for i := range ks {
			ks[i] = rng.Uint32()
		}
		if _, _, err := x.Candidates(ks); err != nil {
			b.Fatal(err)
		}
	}
}
