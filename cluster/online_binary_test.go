package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/reprint-news/reprint/internal/binenc"
	"github.com/reprint-news/reprint/internal/stateeq"
	"github.com/reprint-news/reprint/text"
)

// testConfig is the engine's story configuration, with clusters closing
// after a few days.
func testConfig() OnlineConfig {
	return OnlineConfig{
		Weights: [NumFields]float64{1, 0.5, 1, 1, 0.25}, Threshold: 0.26, Sublinear: true,
		TauDays: 1, GraceDays: 1, TopTerms: 12, Indexed: [NumFields]bool{true, true, true},
		ItemTerms: 64, MaxPosting: 16, MaxCandidates: 16, CentroidTerms: 40,
		SameLanguage: true, CloseAfterTaus: 2, ClosedTerms: 8,
	}
}

// testItems returns n items on topics that come and go (a topic lives a
// few hours to days), an hour apart, some undated and in two languages.
func testItems(n int) []*Item {
	rng := rand.New(rand.NewPCG(17, 18))
	term := func(topic, k int) text.Term {
		h := uint64(topic)*1_000_003 + uint64(k)*7919 + 1
		return text.Term{Hash: h * 0x9e3779b97f4a7c15, TF: float32(1 + rng.IntN(4)), Text: fmt.Sprintf("t%d.%d", topic, k)}
	}
	items := make([]*Item, n)
	for i := range items {
		topic := i/40 + rng.IntN(3)
		var it Item
		for f := range NumFields {
			seen := map[uint64]bool{}
			for range 3 + rng.IntN(20) {
				tp := topic
				if rng.IntN(4) == 0 {
					tp = rng.IntN(50) + 1_000_000 // common words
				}
				t := term(tp*NumFields+f, rng.IntN(30))
				if !seen[t.Hash] {
					seen[t.Hash] = true
					it.Fields[f] = append(it.Fields[f], t)
				}
			}
			slices.SortFunc(it.Fields[f], func(a, b text.Term) int {
				if a.Hash < b.Hash {
					return -1
				}
				if a.Hash > b.Hash {
					return 1
				}
				return 0
			})
		}
		if rng.IntN(10) != 0 {
			it.Time = 1.6e9 + int64(i)*3600
		}
		it.Lang = "en"
		if rng.IntN(8) == 0 {
			it.Lang = "fr"
		}
		items[i] = &it
	}
	return items
}

// feed weighs and places items, returning the cluster each joined.
func feed(o *Online, wr *Weigher, items []*Item) []int {
	out := make([]int, len(items))
	for i, it := range items {
		w := wr.Weigh(it)
		o.Observe(w)
		c, _ := o.Assign(w)
		if c >= 0 {
			o.Add(c, w)
		} else {
			c = o.New(w)
		}
		out[i] = c
	}
	return out
}

// scratch names the fields a clusterer rebuilds or uses only within a
// call.
var scratch = []string{"hits", "touched", "tfs", "ln", "scratch"}

// TestOnlineRoundTrip clusters items, writes the clusterer and its
// Weigher halfway (after clusters closed), reads them back, and feeds
// the rest to both: every decision, and the final state, are the same.
func TestOnlineRoundTrip(t *testing.T) {
	items := testItems(10000)
	half := 6000
	o := NewOnline(testConfig())
	wr := o.NewWeigher()
	feed(o, wr, items[:half])
	if !slices.Contains(o.closed, true) || len(o.open) == 0 {
		t.Fatal("no closed or no open clusters: the test does not exercise them")
	}
	var buf bytes.Buffer
	if _, err := o.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := wr.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	p := NewOnline(testConfig())
	pw := p.NewWeigher()
	r := bytes.NewReader(buf.Bytes())
	if _, err := p.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	if _, err := pw.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	if r.Len() != 0 {
		t.Fatalf("%d bytes left", r.Len())
	}
	if d := stateeq.Diff(o, p, scratch...); d != "" {
		t.Fatalf("clusterer read back differs: %s", d)
	}
	if d := stateeq.Diff(wr, pw, scratch...); d != "" {
		t.Fatalf("Weigher read back differs: %s", d)
	}
	a := feed(o, wr, items[half:])
	b := feed(p, pw, items[half:])
	if !slices.Equal(a, b) {
		t.Fatal("the clusterer read back decides otherwise")
	}
	if d := stateeq.Diff(o, p, scratch...); d != "" {
		t.Fatalf("after more items: %s", d)
	}
	for id := range o.Len() {
		if !slices.Equal(o.TopTerms(id, 5), p.TopTerms(id, 5)) {
			t.Fatalf("cluster %d: top terms differ", id)
		}
	}
}

func TestOnlineReadBad(t *testing.T) {
	o := NewOnline(testConfig())
	wr := o.NewWeigher()
	feed(o, wr, testItems(300))
	var buf bytes.Buffer
	o.WriteTo(&buf)
	cfg := testConfig()
	cfg.Threshold = 0.3
	if _, err := NewOnline(cfg).ReadFrom(bytes.NewReader(buf.Bytes())); !errors.Is(err, binenc.ErrCorrupt) {
		t.Fatalf("other parameters: %v", err)
	}
	for _, cut := range []int{2, buf.Len() / 2, buf.Len() - 1} {
		p := NewOnline(testConfig())
		if _, err := p.ReadFrom(bytes.NewReader(buf.Bytes()[:cut])); !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, binenc.ErrCorrupt) {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if p.Len() != 0 {
			t.Fatalf("cut at %d: taken in", cut)
		}
	}
	var wbuf bytes.Buffer
	wr.WriteTo(&wbuf)
	if _, err := o.NewWeigher().ReadFrom(bytes.NewReader(wbuf.Bytes()[:wbuf.Len()-1])); err == nil {
		t.Fatal("a truncated Weigher was read")
	}
}

// TestDropClosedAfterReplay replays a clusterer's items (Observe, then
// Add to the cluster each joined or New: no Assign, as the engine's
// replay does): after DropClosed the replayed clusterer and the one that
// assigned them hold the same state, postings included.
func TestDropClosedAfterReplay(t *testing.T) {
	items := testItems(9000)
	o := NewOnline(testConfig())
	joined := feed(o, o.NewWeigher(), items)
	r := NewOnline(testConfig())
	wr := r.NewWeigher()
	for i, it := range items {
		w := wr.Weigh(it)
		r.Observe(w)
		if joined[i] < r.Len() {
			r.Add(joined[i], w)
		} else {
			r.New(w)
		}
	}
	if d := stateeq.Diff(o, r, scratch...); !strings.Contains(d, ".postings") {
		t.Fatalf("the replayed postings do not hold closed clusters: the test does not exercise DropClosed (%q)", d)
	}
	o.DropClosed()
	r.DropClosed()
	if d := stateeq.Diff(o, r, scratch...); d != "" {
		t.Fatalf("replayed clusterer differs: %s", d)
	}
}

// TestForgetClosed clusters the same items with closed clusters kept and
// forgotten (ForgetClosed): the same decisions, the forgotten ones not
// held (and touching one does nothing), the open ones with the same
// terms; and a forgetting clusterer written and read back goes on
// deciding alike.
func TestForgetClosed(t *testing.T) {
	items := testItems(10000)
	keep := NewOnline(testConfig())
	cfg := testConfig()
	cfg.ForgetClosed = true
	forget := NewOnline(cfg)
	kw, fw := keep.NewWeigher(), forget.NewWeigher()
	half := 6000
	if a, b := feed(keep, kw, items[:half]), feed(forget, fw, items[:half]); !slices.Equal(a, b) {
		t.Fatal("forgetting closed clusters changed a decision")
	}
	held := 0
	for id := range forget.Len() {
		switch {
		case forget.closed[id] == forget.Held(id):
			t.Fatalf("cluster %d: closed %v, held %v", id, forget.closed[id], forget.Held(id))
		case forget.Held(id):
			held++
			if !slices.Equal(keep.TopTerms(id, 5), forget.TopTerms(id, 5)) {
				t.Fatalf("open cluster %d: top terms differ", id)
			}
		default:
			forget.Touch(id, 2e9)
		}
	}
	if held == 0 || held == forget.Len() {
		t.Fatalf("%d of %d clusters held: the test does not exercise forgetting", held, forget.Len())
	}
	var buf bytes.Buffer
	forget.WriteTo(&buf)
	back := NewOnline(cfg)
	if _, err := back.ReadFrom(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	if d := stateeq.Diff(forget, back, scratch...); d != "" {
		t.Fatalf("read back differs: %s", d)
	}
	// A clusterer that keeps its clusters refuses a forgetting one's.
	if _, err := NewOnline(testConfig()).ReadFrom(bytes.NewReader(buf.Bytes())); err == nil {
		t.Fatal("a clusterer keeping closed clusters read one that forgot them")
	}
	bw := NewOnline(cfg).NewWeigher()
	var wbuf bytes.Buffer
	fw.WriteTo(&wbuf)
	bw.ReadFrom(&wbuf)
	a := feed(keep, kw, items[half:])
	b := feed(forget, fw, items[half:])
	c := feed(back, bw, items[half:])
	if !slices.Equal(a, b) || !slices.Equal(b, c) {
		t.Fatal("after more items, the forgetting clusterers decide otherwise")
	}
}
