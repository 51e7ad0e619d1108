package postings

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/reprint-news/reprint/internal/stateeq"
)

// TestGenerations adds articles with gaps to an index of generations of
// 300 numbers, removes some, drops the generations below a moving window,
// and checks every search against a plain model of the articles held
// (those of the generations kept); the generations stay to the window's;
// and the index written and read back is the same and answers alike.
func TestGenerations(t *testing.T) {
	const step, window = 300, 1000
	rng := rand.New(rand.NewPCG(5, 6))
	g := NewGenerations(step)
	held := map[uint64][]uint32{}
	var seq uint64
	dropped := 0
	for i := range 6000 {
		seq += 1 + uint64(rng.IntN(2))
		ws := make([]uint32, 1+rng.IntN(10))
		for k := range ws {
			ws[k] = uint32(rng.IntN(1+rng.IntN(200)) + 1)
		}
		if err := g.Add(seq, ws); err != nil {
			t.Fatal(err)
		}
		held[seq] = ws
		if rng.IntN(6) == 0 { // remove a held article
			for s, ws := range held {
				if g.Remove(s, ws) == 0 {
					t.Fatalf("step %d: article %d held but not removed", i, s)
				}
				delete(held, s)
				break
			}
		}
		if seq > window {
			below := seq - window
			n := g.Drop(below)
			dropped += n
			for s, ws := range held { // the model drops what Drop must
				if s-s%step+step <= below {
					n -= postingsOf(ws)
					delete(held, s)
				}
			}
			if n != 0 {
				t.Fatalf("step %d: Drop(%d) gave a count off by %d", i, below, n)
			}
			if len(g.gens) > window/step+2 {
				t.Fatalf("step %d: %d generations for a window of %d", i, len(g.gens), window)
			}
		}
		q := []uint32{uint32(rng.IntN(1+rng.IntN(40)) + 1)}
		if rng.IntN(3) == 0 {
			q = append(q, uint32(rng.IntN(10)+1))
		}
		limit := 1 + rng.IntN(30)
		if got, want := searchN(g, q, limit), modelHits(held, q, limit); !slices.Equal(got, want) {
			t.Fatalf("step %d: search %v: %v, want %v", i, q, got, want)
		}
	}
	if dropped == 0 {
		t.Fatal("nothing dropped")
	}
	if n := modelPostings(held); g.Len() != n {
		t.Fatalf("Len %d, want %d", g.Len(), n)
	}
	var buf bytes.Buffer
	if _, err := g.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back := NewGenerations(step)
	if _, err := back.ReadFrom(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	g.Compact() // as read back: no growth room beyond listRoom
	if d := stateeq.Diff(g, back, "block"); d != "" {
		t.Fatalf("read back differs: %s", d)
	}
	if _, err := NewGenerations(step * 2).ReadFrom(bytes.NewReader(buf.Bytes())); err == nil {
		t.Fatal("generations of another step read")
	}
	if _, err := NewGenerations(0).ReadFrom(bytes.NewReader(buf.Bytes())); err == nil {
		t.Fatal("generations read as one index")
	}
}

// TestOneGeneration: with step 0 the index is one Index, written as an
// Index is (snapshots of engines without a window read as before), and
// Drop does nothing.
func TestOneGeneration(t *testing.T) {
	g, x := NewGenerations(0), New()
	for seq := range uint64(500) {
		ws := []uint32{uint32(seq % 7), uint32(seq % 13), 99}
		g.Add(seq, ws)
		x.Add(seq, ws)
	}
	if g.Drop(400) != 0 || g.Len() != x.Len() {
		t.Fatalf("Drop or Len: %d postings, want %d", g.Len(), x.Len())
	}
	var a, b bytes.Buffer
	g.WriteTo(&a)
	x.WriteTo(&b)
	asIndex := New()
	if _, err := asIndex.ReadFrom(&a); err != nil {
		t.Fatalf("one generation is not written as an Index: %v", err)
	}
	x.Compact()
	if d := stateeq.Diff(x, asIndex, "block"); d != "" {
		t.Fatalf("one generation read as an Index differs: %s", d)
	}
	back := NewGenerations(0)
	if _, err := back.ReadFrom(&b); err != nil || back.Len() != x.Len() {
		t.Fatalf("an Index read as one generation: %v, %d postings", err, back.Len())
	}
	if err := g.Add(3, []uint32{1}); err == nil {
		t.Fatal("an article added below the last: no error")
	}
}
