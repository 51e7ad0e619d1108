package engine

import (
	"testing"

	"github.com/reprint-news/reprint/text"
)

// TestLiveRecent checks that verifying against the kept recent articles
// answers exactly as reading every candidate from the store: an engine
// with a small ring, fed in pipelined batches, against one that empties
// its ring before every article. The corpus must take all three ways:
// kept fingerprints still current, kept ones made again because outlets'
// lines became boilerplate since, and candidates older than the ring.
func TestLiveRecent(t *testing.T) {
	arts := readArticles(t, synthCorpus(t, 1500, 23))
	_, ring := openLive(t, "")
	ring.recent = recent{size: 128}
	var got []IngestResult
	for i := 0; i < len(arts); i += 100 {
		res, err := ring.IngestMany(arts[i:min(i+100, len(arts))])
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res...)
	}
	_, reads := openLive(t, "")
	want := make([]IngestResult, len(arts))
	for i, a := range arts {
		reads.recent.reset()
		want[i].Ingested, want[i].Err = reads.Ingest(a)
	}
	sameAnswers(t, arts, got, want)
	r := ring.recent
	t.Logf("candidates: %d kept, %d kept and made again, %d read", r.hits, r.remade, r.misses)
	if r.hits == 0 || r.remade == 0 || r.misses == 0 {
		t.Fatalf("candidates: %d kept, %d made again, %d read: the corpus does not take every way", r.hits, r.remade, r.misses)
	}
	if reads.recent.hits+reads.recent.remade != 0 {
		t.Fatalf("the engine that empties its ring found %d candidates in it", reads.recent.hits+reads.recent.remade)
	}
}

// TestFingerprintCurrent checks that a fingerprint is current exactly
// while its lines' boilerplate decisions hold.
func TestFingerprintCurrent(t *testing.T) {
	_, l := openLive(t, "")
	const header = "Breaking news from the wire service desk today"
	body := "The council approved the new budget after a long debate on Tuesday evening."
	var sc fpScratch
	_, fp := l.fingerprint(header+"\n"+body, false, &sc)
	if !fp.current(l.bp) {
		t.Fatal("a fresh fingerprint is not current")
	}
	// The header becomes boilerplate: many articles carry it.
	for i := 0; i < 200 && fp.current(l.bp); i++ {
		s := header + "\nStory number " + string(rune('a'+i%26)) + " of a long series of unrelated reports."
		var o text.Doc
		o.Tokenize(s)
		l.bp.Add(s, o.Lines)
	}
	if fp.current(l.bp) {
		t.Fatal("still current after its first line became boilerplate")
	}
	_, now := l.fingerprint(header+"\n"+body, false, &sc)
	if !now.current(l.bp) || len(now.set) >= len(fp.set) {
		t.Fatalf("made again: current %v, %d shingles (before %d)", now.current(l.bp), len(now.set), len(fp.set))
	}
}

// TestFetchCandidatesAtOnce checks that fetching an article's candidates
// several at once answers exactly as fetching them one by one: two
// engines that read every candidate from the store (their rings emptied
// before every article), one with a single fetcher.
func TestFetchCandidatesAtOnce(t *testing.T) {
	arts := readArticles(t, synthCorpus(t, 1500, 29))
	run := func(fetchers int) ([]IngestResult, recent) {
		defer func(n int) { candidateFetchers = n }(candidateFetchers)
		candidateFetchers = fetchers
		_, l := openLive(t, "")
		out := make([]IngestResult, len(arts))
		for i, a := range arts {
			l.recent.reset()
			out[i].Ingested, out[i].Err = l.Ingest(a)
		}
		return out, l.recent
	}
	want, one := run(1)
	got, four := run(4)
	sameAnswers(t, arts, got, want)
	if four.atOnce == 0 || one.atOnce != 0 {
		t.Fatalf("articles whose candidates were fetched at once: %d with four fetchers, %d with one: the test would prove nothing", four.atOnce, one.atOnce)
	}
	if four.misses != one.misses {
		t.Fatalf("candidates read: %d with four fetchers, %d with one", four.misses, one.misses)
	}
	t.Logf("%d articles with their candidates fetched at once; %d candidates read", four.atOnce, four.misses)
}
