package index

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/reprint-news/reprint/internal/stateeq"
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
	testBucketsAgree(t, keys, want, n, b, m, maxBucket)
}

func testBucketsAgree(t *testing.T, keys []uint32, want []Pair, n, b, m, maxBucket int) {
	x := NewBuckets(Bands{B: b, R: 1, M: m}, maxBucket)
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
		if err := x.Add(uint64(d), ks); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(got)
	if capped == 0 {
		t.Fatal("no bucket was capped: the test does not exercise maxBucket")
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("bucket index: %d pairs; batch Candidates: %d pairs", len(got), len(want))
	}
}

// TestBucketsAgreeWithModel adds and removes articles at random (small key
// spaces: buckets of every size, head table slots that collide and are
// moved back on removal) and checks every lookup against a plain model:
// per bucket, the list of its members.
func TestBucketsAgreeWithModel(t *testing.T) {
	const b, m, maxBucket = 6, 2, 7
	rng := rand.New(rand.NewPCG(71, 72))
	x := NewBuckets(Bands{B: b, R: 1, M: m}, maxBucket)
	type bucket struct {
		band int
		key  uint32
	}
	model := map[bucket][]uint64{} // members, oldest first
	keysOf := map[uint64][]uint32{}
	lookup := func(ks []uint32, after uint64, capAt int) (want []uint64, capped int) {
		var members []uint64
		for band, k := range ks {
			ms := model[bucket{band, k}]
			var mine []uint64
			for _, s := range ms {
				if s > after || after == noSeq {
					mine = append(mine, s)
				}
			}
			if capAt > 0 && len(mine) > capAt {
				mine, capped = mine[len(mine)-capAt:], capped+1
			}
			members = append(members, mine...)
		}
		return x.sharingM(members), capped
	}
	// removeOne removes an article still held, at random.
	removeOne := func(step int) {
		if len(keysOf) == 0 {
			return
		}
		var victim uint64
		for s := range keysOf {
			victim = s
			break
		}
		vks := keysOf[victim]
		wantLater, _ := lookup(vks, victim, 0)
		if got := x.Later(victim); !slices.Equal(got, wantLater) {
			t.Fatalf("step %d: later than %d: %v, want %v", step, victim, got, wantLater)
		}
		x.Remove(victim)
		x.Remove(victim) // a second time: no-op
		delete(keysOf, victim)
		for band, k := range vks {
			bk := bucket{band, k}
			model[bk] = slices.DeleteFunc(model[bk], func(s uint64) bool { return s == victim })
		}
	}
	var seq uint64
	for step := range 6000 {
		ks := make([]uint32, b)
		for band := range ks {
			// Key spaces from 3 to 3000: tiny buckets and crowded ones.
			ks[band] = rng.Uint32N(3 + uint32(band*band*band*15))
		}
		want, wantCapped := lookup(ks, noSeq, maxBucket)
		got, capped, err := x.Candidates(ks)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) || capped != wantCapped {
			t.Fatalf("step %d: candidates %v capped %d; want %v capped %d", step, got, capped, want, wantCapped)
		}
		seq += 1 + uint64(rng.IntN(3)) // gaps, as deleted or too-short articles leave
		// Add right after Candidates of the same keys, or after
		// Candidates of other keys, or after a removal.
		switch rng.IntN(6) {
		case 0:
			other := slices.Clone(ks)
			other[rng.IntN(b)]++
			if _, _, err := x.Candidates(other); err != nil {
				t.Fatal(err)
			}
		case 1:
			removeOne(step)
		}
		if err := x.Add(seq, ks); err != nil {
			t.Fatal(err)
		}
		keysOf[seq] = ks
		for band, k := range ks {
			model[bucket{band, k}] = append(model[bucket{band, k}], seq)
		}
		if rng.IntN(4) == 0 {
			removeOne(step)
		}
		if x.Len() != len(keysOf) {
			t.Fatalf("step %d: Len %d, want %d", step, x.Len(), len(keysOf))
		}
	}
	if x.Later(seq+1) != nil {
		t.Fatal("Later of an article not in the index")
	}
	// Keys and links: 8 bytes per article and band, for every number up
	// to the last (pages), and a table slot per bucket.
	if min := int64(seq) * b * 8; x.Bytes() < min {
		t.Fatalf("Bytes %d, want at least %d", x.Bytes(), min)
	}
}

func TestBucketsRejects(t *testing.T) {
	x := NewBuckets(Bands{B: 2, R: 1, M: 1}, 0)
	if err := x.Add(5, []uint32{1}); err == nil {
		t.Error("Add with one key for two bands: no error")
	}
	if _, _, err := x.Candidates([]uint32{1, 2, 3}); err == nil {
		t.Error("Candidates with three keys for two bands: no error")
	}
	if err := x.Add(5, []uint32{1, 2}); err != nil {
		t.Fatal(err)
	}
	if err := x.Add(5, []uint32{1, 2}); err == nil {
		t.Error("Add of an article number not above the last: no error")
	}
	if err := x.Add(maxSeq+1, []uint32{1, 2}); err == nil {
		t.Error("Add over the sequence limit: no error")
	}
}

// TestBucketsCapAtMaxBucket fills buckets around maxBucket members (some
// removed again) and checks that a lookup counts exactly the maxBucket
// newest members of each and reports the oversized ones as capped.
func TestBucketsCapAtMaxBucket(t *testing.T) {
	const maxBucket = 4
	x := NewBuckets(Bands{B: 2, R: 1, M: 2}, maxBucket)
	// Band key k's bucket gets sizes[k] members in both bands; in the
	// last, every third one is removed again.
	sizes := []int{0, 1, maxBucket - 1, maxBucket, maxBucket + 1, 3 * maxBucket}
	seq := uint64(0)
	live := make([][]uint64, len(sizes))
	for k, size := range sizes {
		for i := range size {
			seq++
			if err := x.Add(seq, []uint32{uint32(k), uint32(k)}); err != nil {
				t.Fatal(err)
			}
			if k == len(sizes)-1 && i%3 == 2 {
				x.Remove(seq)
				continue
			}
			live[k] = append(live[k], seq)
		}
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
// bands, M = 2) among n articles held, for unrelated new articles (most
// buckets empty) and for near-copies of held ones (every bucket hit).
func BenchmarkBucketsCandidates(b *testing.B) {
	for _, n := range []int{20_000, 1_000_000} {
		bands := Bands{B: 64, R: 4, M: 2}
		x := NewBuckets(bands, 0)
		rng := rand.New(rand.NewPCG(63, 64))
		held := make([]uint32, n*bands.B)
		for d := range n {
			ks := held[d*bands.B : (d+1)*bands.B]
			for band := range ks {
				ks[band] = rng.Uint32()
			}
			if err := x.Add(uint64(d), ks); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(fmt.Sprintf("n=%d/unrelated", n), func(b *testing.B) {
			ks := make([]uint32, bands.B)
			for b.Loop() {
				for i := range ks {
					ks[i] = rng.Uint32()
				}
				if _, _, err := x.Candidates(ks); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/copy", n), func(b *testing.B) {
			for b.Loop() {
				d := rng.IntN(n)
				if _, _, err := x.Candidates(held[d*bands.B : (d+1)*bands.B]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(x.Bytes())/float64(n), "index-B/article")
		})
	}
}

// TestBucketsWindow runs a windowed index (Evict after every Add) beside
// an index that keeps everything: every lookup within the window, and
// every Later of an article still held, gives the same answer; memory
// stays to the window's pages; and a windowed index written and read back
// goes on answering alike.
func TestBucketsWindow(t *testing.T) {
	const b, m, maxBucket = 6, 2, 7
	const window = 5 << pageBits / 2 // two and a half pages
	rng := rand.New(rand.NewPCG(81, 82))
	keys := crowdedKeys(rng, b)
	x := NewBuckets(Bands{B: b, R: 1, M: m}, maxBucket)
	all := NewBuckets(Bands{B: b, R: 1, M: m}, maxBucket)
	var seq uint64
	evicted, maxBytes := 0, int64(0)
	check := func(step int, x *Buckets, ks []uint32, from uint64) {
		got, gc, err := x.CandidatesSince(ks, from)
		if err != nil {
			t.Fatal(err)
		}
		want, wc, _ := all.CandidatesSince(ks, from)
		if !slices.Equal(got, want) || gc != wc {
			t.Fatalf("step %d: windowed candidates %v (%d capped), want %v (%d)", step, got, gc, want, wc)
		}
	}
	var y *Buckets // x read back, once
	for step := range 12 << pageBits {
		seq += 1 + uint64(rng.IntN(2))
		ks := keys()
		from := uint64(0)
		if seq > window {
			from = seq - window
		}
		check(step, x, ks, from)
		if y != nil {
			check(step, y, ks, from)
		}
		for _, z := range []*Buckets{x, all, y} {
			if z == nil {
				continue
			}
			if err := z.Add(seq, ks); err != nil {
				t.Fatal(err)
			}
		}
		if seq+1 > window {
			evicted += x.Evict(seq + 1 - window)
			if y != nil {
				y.Evict(seq + 1 - window)
			}
		}
		if x.Floor() > seq+1-min(seq+1, window) {
			t.Fatalf("step %d: floor %d above the window's start", step, x.Floor())
		}
		if victim := seq - uint64(rng.IntN(window)); step%5 == 0 && victim >= x.Floor() {
			if got, want := x.Later(victim), all.Later(victim); !slices.Equal(got, want) {
				t.Fatalf("step %d: later than %d: %v, want %v", step, victim, got, want)
			}
			for _, z := range []*Buckets{x, all, y} {
				if z != nil {
					z.Remove(victim)
				}
			}
		}
		maxBytes = max(maxBytes, x.Bytes())
		if step == 7<<pageBits {
			var buf bytes.Buffer
			if _, err := x.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			y = NewBuckets(Bands{B: b, R: 1, M: m}, maxBucket)
			if _, err := y.ReadFrom(&buf); err != nil {
				t.Fatal(err)
			}
			if d := stateeq.Diff(x, y); d != "" {
				t.Fatalf("read back differs: %s", d)
			}
		}
	}
	if evicted == 0 || x.Len() >= all.Len() {
		t.Fatalf("nothing evicted: %d held of %d", x.Len(), all.Len())
	}
	// Keys and links of at most the window's pages and one more, and the
	// head tables: well under what the whole index holds.
	pageBytes := int64(2*b<<pageBits)*4 + 1<<pageBits/8
	if limit := (window>>pageBits+2)*pageBytes + all.Bytes()/4; maxBytes > limit || maxBytes >= all.Bytes() {
		t.Fatalf("windowed index held up to %d bytes (limit %d; whole index %d)", maxBytes, limit, all.Bytes())
	}
	if d := stateeq.Diff(x, y); d != "" {
		t.Fatalf("after more articles, the index read back differs: %s", d)
	}
}

// crowdedKeys returns a maker of band keys for b bands, from key spaces of
// 3 to thousands: tiny buckets and crowded ones.
func crowdedKeys(rng *rand.Rand, b int) func() []uint32 {
	return func() []uint32 {
		ks := make([]uint32, b)
		for band := range ks {
			ks[band] = rng.Uint32N(3 + uint32(band*band*band*15))
		}
		return ks
	}
}

// BenchmarkBucketsEvict evicts the first page (8,192 articles) of an index
// of four pages of 64 bands, on a fresh index each time; it reports the
// time per article evicted.
func BenchmarkBucketsEvict(b *testing.B) {
	bands := Bands{B: 64, R: 4, M: 2}
	const n = 4 << pageBits
	rng := rand.New(rand.NewPCG(65, 66))
	held := make([]uint32, n*bands.B)
	for i := range held {
		held[i] = rng.Uint32N(1 << 20) // some buckets shared
	}
	for b.Loop() {
		b.StopTimer()
		x := NewBuckets(bands, 0)
		for d := range n {
			if err := x.Add(uint64(d), held[d*bands.B:(d+1)*bands.B]); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if x.Evict(1<<pageBits) != 1<<pageBits {
			b.Fatal("not a page evicted")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(1<<pageBits), "ns/article")
}
