package engine

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
	r := &l.recent
	e := r.get(a.Seq)
	switch {
	case e == nil:
		r.misses++
		_, fp := l.fingerprint(a.Text, false, &l.fps)
		return fp
	case e.fp.current(l.bp):
		r.hits++
	default:
		r.remade++
		_, e.fp = l.fingerprint(e.a.Text, false, &l.fps)
	}
	return e.fp
}
