package index

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/reprint-news/reprint/internal/binenc"
	"github.com/reprint-news/reprint/internal/stateeq"
)

// TestBucketsRoundTrip writes an index with crowded and removed members
// over several pages and reads it back: the same state, the same bytes
// when written again, and the same candidates and later members as the
// original as both go on taking articles.
func TestBucketsRoundTrip(t *testing.T) {
	const b, m, maxBucket = 6, 2, 7
	rng := rand.New(rand.NewPCG(5, 6))
	keys := crowdedKeys(rng, b)
	x := NewBuckets(Bands{B: b, R: 1, M: m}, maxBucket)
	var seq uint64
	for range 3 << pageBits { // three pages, and gaps
		seq += 1 + uint64(rng.IntN(2))
		if err := x.Add(seq, keys()); err != nil {
			t.Fatal(err)
		}
		if rng.IntN(5) == 0 {
			x.Remove(seq - uint64(rng.IntN(int(seq))))
		}
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	y := NewBuckets(Bands{B: b, R: 1, M: m}, maxBucket)
	n, err := y.ReadFrom(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("read %d of %d bytes", n, buf.Len())
	}
	if d := stateeq.Diff(x, y); d != "" {
		t.Fatalf("read back differs: %s", d)
	}
	var again bytes.Buffer
	y.WriteTo(&again)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatal("written again, other bytes")
	}
	for step := range 3000 {
		ks := keys()
		cx, capx, _ := x.Candidates(ks)
		cy, capy, _ := y.Candidates(ks)
		if !slices.Equal(cx, cy) || capx != capy {
			t.Fatalf("step %d: candidates %v (%d capped) and %v (%d)", step, cx, capx, cy, capy)
		}
		seq++
		x.Add(seq, ks)
		y.Add(seq, ks)
		if victim := seq - uint64(rng.IntN(int(seq))); step%7 == 0 {
			if !slices.Equal(x.Later(victim), y.Later(victim)) {
				t.Fatalf("step %d: later members of %d differ", step, victim)
			}
			x.Remove(victim)
			y.Remove(victim)
		}
	}
	if d := stateeq.Diff(x, y); d != "" {
		t.Fatalf("after more articles: %s", d)
	}
}

// TestBucketsReadBad checks that an index of another layout, or a
// truncated one, is refused and leaves the index as it was.
func TestBucketsReadBad(t *testing.T) {
	x := NewBuckets(Bands{B: 4, R: 2, M: 2}, 0)
	for seq := range uint64(100) {
		x.Add(seq, []uint32{uint32(seq % 7), uint32(seq % 5), 1, uint32(seq)})
	}
	var buf bytes.Buffer
	x.WriteTo(&buf)
	other := NewBuckets(Bands{B: 4, R: 2, M: 1}, 0)
	if _, err := other.ReadFrom(bytes.NewReader(buf.Bytes())); !errors.Is(err, binenc.ErrCorrupt) {
		t.Fatalf("other layout: %v", err)
	}
	for _, cut := range []int{1, 20, buf.Len() / 2, buf.Len() - 1} {
		y := NewBuckets(Bands{B: 4, R: 2, M: 2}, 0)
		_, err := y.ReadFrom(bytes.NewReader(buf.Bytes()[:cut]))
		if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, binenc.ErrCorrupt) {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if y.Len() != 0 {
			t.Fatalf("cut at %d: %d articles taken in", cut, y.Len())
		}
	}
}
