package engine

import (
	"errors"

	"github.com/reprint-news/reprint/store"
)

// recentSize is how many of the latest articles dedup keeps with their
// fingerprints (recent). It must exceed the articles a pipeline can hold
// between its stages (pipelineDepth, plus one in each stage), so that
// every article not yet stored is found in it.
const recentSize = 1 << 14

// A compile-time check of recentSize against pipelineDepth.
const _ = uint(recentSize - pipelineDepth - 3)

// recent holds the last recentSize articles dedup decided (those with
// band keys: the ones that can be candidates), by sequence number, with
// their fingerprints. Copies are mostly of recent articles: verifying a
// new article against one of them then takes neither a store read nor
// tokenizing its text again. A fingerprint is used only while the
// boilerplate decisions it was made with hold (fingerprint.current), and
// made again from the kept text otherwise, so answers are the same as
// without it.
//
// A record here may lag the stored one in two ways, neither of which
// dedup can tell apart: a representative founding its group has Group ""
// here and its own id in the store (both mean "represents its group"),
// and its later records' relations are not here (dedup does not read
// them). Delete, which re-elects representatives, empties it, and so does
// a rebuild. Dedup alone uses it, under Live.mu.
type recent struct {
	size int           // entries (0: recentSize; tests make it smaller)
	ring []recentEntry // by sequence number modulo size
	// How stored articles' fingerprints were found (storedFP): kept and
	// current, kept and made again, or made from the text.
	hits, remade, misses int
	// atOnce counts the articles whose candidates were fetched by several
	// fetchers (fetchCandidates).
	atOnce int
}

type recentEntry struct {
	a  *LiveArticle // nil: empty
	fp fingerprint  // without signature
}

// put keeps article a (its fingerprint: fp).
func (r *recent) put(a *LiveArticle, fp fingerprint) {
	if r.ring == nil {
		if r.size == 0 {
			r.size = recentSize
		}
		r.ring = make([]recentEntry, r.size)
	}
	fp.sig = nil
	r.ring[a.Seq%uint64(r.size)] = recentEntry{a: a, fp: fp}
}

// get returns the entry of article seq, or nil when it is not kept.
func (r *recent) get(seq uint64) *recentEntry {
	if r.ring == nil {
		return nil
	}
	e := &r.ring[seq%uint64(r.size)]
	if e.a == nil || e.a.Seq != seq {
		return nil
	}
	return e
}

// reset empties it.
func (r *recent) reset() { r.ring = nil }

// lookupSeq returns article seq: kept in recent (which holds the
// articles still in the pipeline), or from the store.
func (l *Live) lookupSeq(seq uint64) (*LiveArticle, error) {
	if e := l.recent.get(seq); e != nil {
		return e.a, nil
	}
	return l.bySeq(seq)
}

// storedFP returns the fingerprint of article a (stored or in the
// pipeline) with today's boilerplate: kept in recent while its
// boilerplate decisions hold, else made from its text.
func (l *Live) storedFP(a *LiveArticle) fingerprint {
	fp, how := l.storedFPWith(a, &l.fps)
	l.recent.count(how)
	return fp
}

// How storedFPWith found a fingerprint.
const (
	fpKept = iota
	fpRemade
	fpMade
)

// count counts a fingerprint found as how.
func (r *recent) count(how int) {
	switch how {
	case fpKept:
		r.hits++
	case fpRemade:
		r.remade++
	default:
		r.misses++
	}
}

// storedFPWith is storedFP with scratch sc, and without counting: it
// returns how it found the fingerprint. Calls for different articles may
// run at once (fetchCandidates); each writes only its own entry of recent.
func (l *Live) storedFPWith(a *LiveArticle, sc *fpScratch) (fingerprint, int) {
	e := l.recent.get(a.Seq)
	switch {
	case e == nil:
		_, fp := l.fingerprint(a.Text, false, sc)
		return fp, fpMade
	case e.fp.current(l.bp):
		return e.fp, fpKept
	default:
		_, e.fp = l.fingerprint(e.a.Text, false, sc)
		return e.fp, fpRemade
	}
}

// candidateFetchers is how many candidates fetchCandidates reads and
// fingerprints at once. A candidate not kept in recent is a store read
// (a first read of its blocks after a start, or a network round trip to
// a shared state) and a tokenization: an article copied many times over
// the years has tens of them, and their reads overlap.
var candidateFetchers = 4

// fetchCandidates returns the stored articles seqs, in order (nil for
// one deleted since), with their fingerprints (storedFP). Those not kept
// with a current fingerprint are read and fingerprinted up to
// candidateFetchers at once when there are two or more; the answers do not
// depend on it. Dedup alone calls it, under Live.mu: recent and the
// boilerplate statistics are only read meanwhile, but for the entries
// whose fingerprints are made again, each by one fetcher.
func (l *Live) fetchCandidates(seqs []uint64) ([]*LiveArticle, []fingerprint, error) {
	arts := make([]*LiveArticle, len(seqs))
	fps := make([]fingerprint, len(seqs))
	hows := make([]int, len(seqs))
	errs := make([]error, len(seqs))
	var work []int // candidates that take a read or a fingerprint
	for i, seq := range seqs {
		if e := l.recent.get(seq); e != nil && e.fp.current(l.bp) {
			arts[i], fps[i], hows[i] = e.a, e.fp, fpKept
			continue
		}
		work = append(work, i)
	}
	fetch := func(i int, sc *fpScratch) {
		a, err := l.lookupSeq(seqs[i])
		switch {
		case errors.Is(err, store.ErrNotFound):
			return
		case err != nil:
			errs[i] = err
			return
		}
		arts[i] = a
		fps[i], hows[i] = l.storedFPWith(a, sc)
	}
	if len(work) < 2 || candidateFetchers < 2 {
		for _, i := range work {
			fetch(i, &l.fps)
		}
	} else {
		l.recent.atOnce++
		parallel(len(work), min(candidateFetchers, len(work)), func(k int) {
			sc := l.fpPool.Get().(*fpScratch)
			fetch(work[k], sc)
			l.fpPool.Put(sc)
		})
	}
	for i := range seqs {
		if errs[i] != nil {
			return nil, nil, errs[i]
		}
		if arts[i] != nil {
			l.recent.count(hows[i])
		}
	}
	return arts, fps, nil
}
