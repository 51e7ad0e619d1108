package postings

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"

	"github.com/reprint-news/reprint/internal/binenc"
	"github.com/reprint-news/reprint/internal/stateeq"
)

// TestIndexRoundTrip writes an index of inline words, one-block and
// many-block lists and lists emptied by removals, and reads it back: the
// state of the index compacted, its size, and the same searches as both
// go on taking and losing articles.
func TestIndexRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	words := func() []uint32 {
		ws := make([]uint32, 1+rng.IntN(12))
		for i := range ws {
			ws[i] = uint32(rng.IntN(1+rng.IntN(2000)) + 1)
		}
		for w := range uint32(8) { // common words: lists of many blocks
			if rng.IntN(int(w)+2) == 0 {
				ws = append(ws, 5000+w)
			}
		}
		return ws
	}
	x := New()
	held := map[uint64][]uint32{}
	var seq uint64
	step := func(ix ...*Index) {
		seq += 1 + uint64(rng.IntN(2))
		ws := words()
		for _, i := range ix {
			if err := i.Add(seq, ws); err != nil {
				t.Fatal(err)
			}
		}
		held[seq] = ws
		if rng.IntN(4) == 0 { // one held article, chosen by rng alone
			seqs := slices.Sorted(maps.Keys(held))
			s := seqs[rng.IntN(len(seqs))]
			for _, i := range ix {
				i.Remove(s, held[s])
			}
			delete(held, s)
		}
	}
	for range 5000 {
		step(x)
	}
	for _, s := range slices.Sorted(maps.Keys(held)) { // lists emptied, left free
		if len(held) < 2000 {
			break
		}
		x.Remove(s, held[s])
		delete(held, s)
	}
	x.Compact()
	if len(x.free) == 0 || x.Words() == len(x.lists) {
		t.Fatal("no emptied lists or no inline words: the test does not exercise them")
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	y := New()
	if n, err := y.ReadFrom(bytes.NewReader(buf.Bytes())); err != nil || n != int64(buf.Len()) {
		t.Fatalf("read %d of %d bytes: %v", n, buf.Len(), err)
	}
	if d := stateeq.Diff(x, y, "block"); d != "" {
		t.Fatalf("read back differs: %s", d)
	}
	if x.Bytes() != y.Bytes() || x.Bytes() != x.countBytes() {
		t.Fatalf("bytes %d, read back %d, counted %d", x.Bytes(), y.Bytes(), x.countBytes())
	}
	for i := range 3000 {
		step(x, y)
		q := words()
		q = q[:min(len(q), 1+rng.IntN(2))]
		var gx, gy []uint64
		x.Search(q, 0, func(s uint64) bool { gx = append(gx, s); return true })
		y.Search(q, 0, func(s uint64) bool { gy = append(gy, s); return true })
		if !slices.Equal(gx, gy) {
			t.Fatalf("step %d: search %v: %v and %v", i, q, gx, gy)
		}
	}
	x.Compact()
	y.Compact()
	if d := stateeq.Diff(x, y, "block"); d != "" {
		t.Fatalf("after more articles: %s", d)
	}
}

func TestIndexReadBad(t *testing.T) {
	x := New()
	for seq := range uint64(300) {
		x.Add(seq, []uint32{1, uint32(seq), uint32(seq % 3)})
	}
	var buf bytes.Buffer
	x.WriteTo(&buf)
	for _, cut := range []int{0, 5, buf.Len() / 3, buf.Len() - 1} {
		y := New()
		_, err := y.ReadFrom(bytes.NewReader(buf.Bytes()[:cut]))
		if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, binenc.ErrCorrupt) {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if y.Len() != 0 || y.Words() != 0 {
			t.Fatalf("cut at %d: %d postings taken in", cut, y.Len())
		}
	}
}

// TestRoomAfterStart: after Compact (a rebuild) and after ReadFrom (a
// start from a snapshot), adding an article to a common word's long list
// appends in place instead of copying the list.
func TestRoomAfterStart(t *testing.T) {
	x := New()
	const w = 7
	for s := range uint64(3000) {
		if err := x.Add(s, []uint32{w, uint32(100 + s)}); err != nil {
			t.Fatal(err)
		}
	}
	x.Compact()
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	y := New()
	if _, err := y.ReadFrom(&buf); err != nil {
		t.Fatal(err)
	}
	for name, idx := range map[string]*Index{"compacted": x, "read": y} {
		l := &idx.lists[uint32(idx.slot[w])]
		if len(l.buf) < 1024 {
			t.Fatalf("the list holds %d bytes: the test needs a long one", len(l.buf))
		}
		before := unsafe.SliceData(l.buf)
		if err := idx.Add(3000, []uint32{w}); err != nil {
			t.Fatal(err)
		}
		if unsafe.SliceData(l.buf) != before {
			t.Errorf("%s: the first addition copied the word's list", name)
		}
	}
}
