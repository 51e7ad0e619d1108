package engine

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/cluster"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/store"
)

// Ingestion in two stages (see Live for the steps):
//
//   - dedup (steps 1–5): the stored answer of a known id, or the
//     article's fingerprint, candidates, relations and duplicate group;
//     then, when it will be clustered, its weights for the story
//     clusterer. It ends by putting the article into the in-memory
//     bucket and search indexes and the boilerplate statistics, so that
//     the next article's dedup sees it.
//   - write (steps 6–7): its story and storyline, and the batch that
//     stores it.
//
// Ingest runs the two one after the other. IngestPrepared runs them as a
// pipeline: the dedup of article i+1 beside the write of article i. The
// stages share no mutable state: dedup owns the bucket and search
// indexes, the boilerplate statistics, the story Weigher and the sequence
// counter; write owns the clusterers and the story records. Dedup finds
// the articles still in the pipeline (in neither the store nor written
// yet) in an overlay (inflight); a representative founding its group is
// recorded by write from the stored record, so dedup never changes a
// record that write may be reading.

// staged is an article between the two stages.
type staged struct {
	rec *LiveArticle
	// rep is the id of the representative of the duplicate group rec
	// joins ("": none), repSeq its sequence number.
	rep    string
	repSeq uint64
	// w is rec weighed for the story clusterer; nil when it joins its
	// group's story as it is.
	w *cluster.Weighted
	// stems are rec's distinct stems, counted in the text reuse document
	// frequencies by the write stage once rec's own comparisons are made:
	// so that they see the articles before it, and only those, whether
	// ingested one by one or pipelined.
	stems []uint32
	// text is rec's text analyzed for text reuse (match.Analyze), so that
	// the write stage only weighs it.
	text *match.Text
}

// inflight holds the articles of a pipelined batch that dedup has
// decided, by id (by sequence number, they are in Live.recent). Dedup
// alone reads and writes it.
type inflight struct {
	byID map[string]*LiveArticle
}

func newInflight() *inflight {
	return &inflight{byID: map[string]*LiveArticle{}}
}

func (fl *inflight) add(a *LiveArticle) {
	if fl != nil {
		fl.byID[a.ID] = a
	}
}

// lookup returns article id, from the pipeline (fl, may be nil) or the
// store; store.ErrNotFound without a read when no article has its id's
// hash (a windowed engine keeps no id table, and reads).
func (l *Live) lookup(fl *inflight, id string) (*LiveArticle, error) {
	if fl != nil {
		if a, ok := fl.byID[id]; ok {
			return a, nil
		}
	}
	if l.knownAbsent(id) {
		return nil, store.ErrNotFound
	}
	return l.get(id)
}

// Ingest stores article a and returns its relations, group, story and
// storyline. The answer is durable when Ingest returns.
func (l *Live) Ingest(a article.Article) (*Ingested, error) {
	p := Prepare(a)
	done, err := l.beginWrite()
	if err != nil {
		return nil, err
	}
	defer done()
	l.mu.Lock()
	got, err := l.ingest(p, time.Now())
	mark := l.counted()
	l.mu.Unlock()
	if err != nil || !got.New {
		return got, err
	}
	// Outside the lock: concurrent writers' syncs share one fsync.
	if err := l.sync(); err != nil {
		return got, err
	}
	l.publishWatermark(mark)
	return got, nil
}

// IngestResult is one article's outcome in IngestMany.
type IngestResult struct {
	*Ingested
	Err error
}

// IngestMany ingests the articles in order, as Ingest would one by one,
// and makes them durable with one sync at the end (an article's answer
// may depend on the ones before it in the batch). They are prepared on
// other goroutines, in order, while the ones before them are ingested.
// An article's error does not stop the others; the returned error is the
// sync's.
func (l *Live) IngestMany(arts []article.Article) ([]IngestResult, error) {
	get := prepareAhead(arts, true) // before the lease: other writers may hold it meanwhile
	return l.ingestAll(len(arts), get, false)
}

// IngestPrepared is IngestMany for prepared articles. Other writers wait
// for the batch; reads do not.
func (l *Live) IngestPrepared(ps []*Prepared) ([]IngestResult, error) {
	return l.ingestAll(len(ps), func(i int) *Prepared { return ps[i] }, false)
}

// IngestPreparedInOrder is IngestPrepared for a caller that submits again
// the articles the store failed to take (cmd/reprint worker), so that
// every article is decided after the ones before it in the input: an
// error of the store (a read or a write that failed: not the article's
// own, see ArticleError) stops the batch at the article it hit, and the
// articles after it are refused with ErrNotIngested rather than ingested
// without it. The articles before it stand (and are synced).
func (l *Live) IngestPreparedInOrder(ps []*Prepared) ([]IngestResult, error) {
	return l.ingestAll(len(ps), func(i int) *Prepared { return ps[i] }, true)
}

// ErrNotIngested refuses the articles of an IngestPreparedInOrder batch
// after one the store failed to take.
var ErrNotIngested = errors.New("not ingested: the store failed on an article before it in the batch")

// ArticleError reports whether err, an article's error from an ingest,
// is the article's own (no text, no id or a bad one, an id stored with
// another text): it would get it again. Any other is the store's.
func ArticleError(err error) bool {
	return errors.Is(err, ErrConflict) || errors.Is(err, ErrNoText) || errors.Is(err, ErrNoID) || errors.Is(err, ErrBadID)
}

// prepareAhead starts preparing arts (analyzed for text reuse when
// analyze is set: see prepare) on up to GOMAXPROCS goroutines and returns
// a function that waits for article i's preparation and returns it.
func prepareAhead(arts []article.Article, analyze bool) func(i int) *Prepared {
	ps := make([]*Prepared, len(arts))
	ready := make([]chan struct{}, len(arts))
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), (len(arts)+15)/16))
	for w := range workers {
		go func() {
			for i := w; i < len(arts); i += workers {
				ps[i] = prepare(arts[i], analyze)
				close(ready[i])
			}
		}()
	}
	return func(i int) *Prepared {
		<-ready[i]
		return ps[i]
	}
}

// ingestAll ingests n articles (get returns article i, prepared) and
// syncs once if any is new; inOrder: see IngestPreparedInOrder.
func (l *Live) ingestAll(n int, get func(i int) *Prepared, inOrder bool) ([]IngestResult, error) {
	done, err := l.beginWrite()
	if err != nil {
		return nil, err
	}
	defer done()
	out := make([]IngestResult, n)
	l.mu.Lock()
	l.pipeline(n, get, out, time.Now(), inOrder)
	mark := l.counted()
	l.mu.Unlock()
	anyNew := slices.ContainsFunc(out, func(r IngestResult) bool { return r.Err == nil && r.New })
	if !anyNew { // stored answers only (a read-only store takes no sync)
		return out, nil
	}
	if err := l.sync(); err != nil {
		return out, err
	}
	l.publishWatermark(mark)
	return out, nil
}

// sync makes the writes committed so far durable; when it fails, they
// may not be stored (a shared state drops them), and the memory that took
// them in is rebuilt from the store at the next write.
func (l *Live) sync() error {
	err := l.st.Sync()
	if err != nil {
		l.stale.Store(true)
	}
	return err
}

// errStale is dedup's answer, in a pipeline, when the engine's memory is
// stale: the pipeline stops, and the article is ingested again after the
// rebuild.
var errStale = errors.New("engine memory stale")

// pipelineDepth bounds the articles between the two stages.
const pipelineDepth = 64

// pipeline ingests n articles (get returns article i) into out: dedup on
// this goroutine, write on another (l.mu held). When a write fails, the
// memory is ahead of the store (l.stale): the pipeline stops, and every
// article after the failed one is ingested again one at a time, after the
// rebuild. Should a write fail again, the rest of the batch is refused
// with that error rather than rebuilt for once more (a rebuild replays
// the whole store). With inOrder, the first error of the store refuses
// the rest of the batch (ErrNotIngested).
func (l *Live) pipeline(n int, get func(i int) *Prepared, out []IngestResult, now time.Time, inOrder bool) {
	if n < 2 || l.stale.Load() {
		if inOrder {
			l.refuse(out, l.oneByOne(0, n, get, out, now, true))
			return
		}
		for i := range n {
			out[i].Ingested, out[i].Err = l.ingest(get(i), now)
		}
		return
	}
	type job struct {
		i  int
		st *staged
	}
	jobs := make(chan job, pipelineDepth)
	var failed atomic.Bool
	redo := n // the first article to ingest again (set on a failed write)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for j := range jobs {
			if failed.Load() {
				continue
			}
			out[j.i].Ingested, out[j.i].Err = l.write(j.st)
			if out[j.i].Err != nil {
				failed.Store(true)
				redo = j.i + 1
			}
		}
	}()
	fl := newInflight()
	i := 0
	var stop stopAt
	for ; i < n && !failed.Load(); i++ {
		st, ans, err := l.dedup(get(i), now, fl)
		if l.stale.Load() {
			// A write failed, or dedup left its state half-updated: this
			// article and the rest again, after the rebuild.
			break
		}
		if st == nil {
			out[i].Ingested, out[i].Err = ans, err
			if inOrder && err != nil && !ArticleError(err) {
				stop = stopAt{i + 1, err}
				i++
				break
			}
			continue
		}
		jobs <- job{i, st}
	}
	close(jobs)
	<-done
	if failed.Load() {
		i = min(i, redo)
		if inOrder {
			stop = stopAt{redo, out[redo-1].Err}
		}
	}
	if stop.err == nil {
		stop = l.oneByOne(i, n, get, out, now, inOrder)
	}
	l.refuse(out, stop)
}

// stopAt says where a batch stopped on an error of the store (err nil:
// it did not), and why.
type stopAt struct {
	i   int
	err error
}

// refuse refuses the articles of out from s.i on, when s.err is set.
func (l *Live) refuse(out []IngestResult, s stopAt) {
	if s.err == nil {
		return
	}
	for i := s.i; i < len(out); i++ {
		out[i].Ingested, out[i].Err = nil, fmt.Errorf("%w: %w", ErrNotIngested, s.err)
	}
}

// oneByOne ingests articles from to n one at a time (after a rebuild,
// when the memory is stale). Should an article's write fail after a
// rebuild, or, inOrder, an error of the store hit an article, it stops
// and returns where the rest is to be refused, and why.
func (l *Live) oneByOne(from, n int, get func(i int) *Prepared, out []IngestResult, now time.Time, inOrder bool) stopAt {
	loads := l.loads
	for i := from; i < n; i++ {
		out[i].Ingested, out[i].Err = l.ingest(get(i), now)
		if err := out[i].Err; err != nil && (inOrder && !ArticleError(err) || l.stale.Load() && l.loads != loads) {
			// Rebuilt, and failed again; or the store failed, in order.
			if !inOrder {
				err = fmt.Errorf("not ingested: a write before it in the batch failed: %w", err)
				for i++; i < n; i++ {
					out[i].Ingested, out[i].Err = nil, err
				}
				return stopAt{}
			}
			return stopAt{i + 1, err}
		}
	}
	return stopAt{}
}

// ingest is Ingest under l.mu, without the sync: the two stages, one
// after the other.
func (l *Live) ingest(p *Prepared, now time.Time) (*Ingested, error) {
	st, ans, err := l.dedup(p, now, nil)
	if st == nil {
		return ans, err
	}
	return l.write(st)
}

// dedup is the first stage of ingestion (steps 1–5 of Live). It returns
// the staged article, or the answer of an article that is not new (the
// stored one), or an error; fl holds the articles still in the pipeline
// (nil: none). An error leaves the engine as it was, except one that sets
// l.stale.
func (l *Live) dedup(p *Prepared, now time.Time, fl *inflight) (*staged, *Ingested, error) {
	a := &p.a
	if strings.TrimSpace(a.ID) == "" {
		return nil, nil, ErrNoID
	}
	if a.ID == "." || a.ID == ".." {
		return nil, nil, ErrBadID
	}
	if strings.TrimSpace(a.Text) == "" {
		return nil, nil, ErrNoText
	}
	if old, err := l.lookup(fl, a.ID); err == nil {
		if old.Text != a.Text {
			return nil, nil, ErrConflict
		}
		return nil, &Ingested{LiveArticle: old}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, nil, err
	}
	if err := l.st.Writable(); err != nil {
		return nil, nil, err
	}
	if l.stale.Load() {
		if fl != nil {
			// In a pipeline the write stage may still be running: the
			// pipeline stops and ingests the rest after the rebuild.
			return nil, nil, errStale
		}
		if _, err := l.load(); err != nil {
			return nil, nil, fmt.Errorf("rebuilding the engine state after a failed write: %w", err)
		}
	}
	nTok, fp := l.fingerprintDoc(&p.doc, true, &l.fps)
	rec := &LiveArticle{
		Seq: l.next, ID: a.ID, Source: a.Source, URL: a.URL, Title: a.Title,
		Published: a.Published, PublishedFrom: a.PublishedFrom, Received: now.UTC().Truncate(time.Millisecond), Text: a.Text, Exact: fp.exact,
		Lang: p.feat.Lang,
	}
	var cands []candidate // every verified candidate, earliest first
	if nTok < l.cfg.MinTokens {
		rec.Dedup, rec.Exact, fp.sig = "too_short", 0, nil
	}
	if fp.sig != nil {
		rec.Keys = l.bands.Keys(nil, fp.sig)
		seqs, _, err := l.bkt.CandidatesSince(rec.Keys, l.windowFrom(rec.Seq))
		if err != nil {
			return nil, nil, err
		}
		others, ofps, err := l.fetchCandidates(seqs)
		if err != nil {
			return nil, nil, err
		}
		for i, other := range others {
			if other == nil {
				// Deleted by another process sharing the state, which
				// took it out of its own index: skipped, as there.
				continue
			}
			c := candidate{other, l.relateFP(fp, ofps[i], other.ID)}
			cands = append(cands, c)
			if c.rel.Relation != match.None {
				rec.Relations = append(rec.Relations, c.rel)
			}
		}
	}
	rep, err := l.group(fp, cands, fl)
	if err != nil {
		return nil, nil, err
	}
	st := &staged{rec: rec, stems: p.stems, text: p.reuse}
	rec.T = l.plausibleTime(rec, now)
	if rep != nil {
		rec.Group, st.rep, st.repSeq = rep.ID, rep.ID, rep.Seq
	} else { // clustered: weighed now, in the order the clusterer will see it
		fr := featRecord{f: p.feat, lang: p.feat.Lang}
		st.w = l.stories.wr.Weigh(fr.item(rec.T))
	}
	// The next article's dedup sees this one.
	l.next++
	l.rmu.Lock()
	err = l.addIndexes(rec, p)
	l.bpj.add(l.bp, rec.Seq, a.Text, p.doc.Lines)
	l.rmu.Unlock()
	l.publishIndexBytes()
	if err != nil {
		l.stale.Store(true)
		return nil, nil, err
	}
	fl.add(rec)
	l.countID(rec.ID)
	if rec.Keys != nil {
		l.recent.put(rec, fp)
	}
	return st, nil, nil
}

// write is the second stage of ingestion (steps 6–7 of Live): the story
// and storyline of a staged article, and the batch that stores it. An
// error sets l.stale: the first stage has moved on.
func (l *Live) write(st *staged) (*Ingested, error) {
	got, err := l.writeBatch(st)
	if err != nil {
		l.stale.Store(true)
	}
	return got, err
}

func (l *Live) writeBatch(st *staged) (*Ingested, error) {
	rec := st.rec
	b := l.st.NewBatch()
	defer b.Discard()
	var rep *LiveArticle
	if st.rep != "" {
		// Stored by now (its write came first); read again, as the record
		// dedup saw may be older.
		var err error
		if rep, err = l.bySeq(st.repSeq); err != nil {
			return nil, fmt.Errorf("group %q: %w", st.rep, err)
		}
		if rep.Group == "" { // rep founds the group
			rep.Group = rep.ID
			if err := putJSON(b, seqKey(livePrefixSeq, rep.Seq), rep); err != nil {
				return nil, err
			}
		}
		b.Set(seqKey(livePrefixMember, st.repSeq, rec.Seq), nil)
	}
	if err := l.placeStory(b, rec, rep, st.w, st.text); err != nil {
		return nil, err
	}
	l.df.AddStems(st.stems)
	l.rmu.Lock()
	l.bpj.passed(rec.Seq)
	l.rmu.Unlock()
	if err := putArticle(b, rec); err != nil {
		return nil, err
	}
	c := liveCounters{Seq: rec.Seq + 1, Story: l.stories.next, Storyline: l.lines.next}
	if err := putJSON(b, []byte(liveKeyCounters), c); err != nil {
		return nil, err
	}
	if l.writeFault != nil {
		if err := l.writeFault(rec); err != nil {
			return nil, err
		}
	}
	if err := b.CommitNoSync(); err != nil {
		return nil, err
	}
	l.count.Add(1)
	l.publishCounts()
	return &Ingested{LiveArticle: rec, New: true}, nil
}

// candidate is a stored article verified against the new one.
type candidate struct {
	a   *LiveArticle
	rel LiveRelation
}

// relate verifies the new article (fp) against a stored one.
func (l *Live) relate(fp fingerprint, other *LiveArticle) LiveRelation {
	return l.relateFP(fp, l.storedFP(other), other.ID)
}

// relateFP classifies the relation of an article (fp) to article other
// (ofp).
func (l *Live) relateFP(fp, ofp fingerprint, other string) LiveRelation {
	o := match.Compare(fp.set, ofp.set)
	rel, newContains := match.Classify(o, fp.exact == ofp.exact, l.cfg.matchConfig())
	r := LiveRelation{ID: other, Relation: rel, Jaccard: round4(o.Jaccard()), Containment: round4(o.Containment())}
	if rel == match.Contains {
		r.Contains = "other"
		if newContains {
			r.Contains = "new"
		}
	}
	return r
}

// group returns the representative of the duplicate group the new
// article (fp) joins, or nil (step 5 of Live): the first exact or
// near-duplicate candidate whose representative the article is within the
// threshold of. A candidate in no group is the representative of the
// group it founds. Relations to representatives among the candidates are
// not computed again. fl: as for dedup.
func (l *Live) group(fp fingerprint, cands []candidate, fl *inflight) (*LiveArticle, error) {
	isDup := func(r LiveRelation) bool { return r.Relation == match.Exact || r.Relation == match.NearDuplicate }
	for _, c := range cands {
		if !isDup(c.rel) {
			continue
		}
		if c.a.Group == "" || c.a.Group == c.a.ID {
			return c.a, nil
		}
		i := slices.IndexFunc(cands, func(r candidate) bool { return r.a.ID == c.a.Group })
		if i >= 0 {
			if isDup(cands[i].rel) {
				return cands[i].a, nil
			}
			continue
		}
		rep, err := l.lookup(fl, c.a.Group)
		if err != nil {
			return nil, fmt.Errorf("group %q: %w", c.a.Group, err)
		}
		if isDup(l.relate(fp, rep)) {
			return rep, nil
		}
		// Within the threshold of the duplicate, not of its representative.
	}
	return nil, nil
}
