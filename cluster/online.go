package cluster

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/reprint-news/reprint/text"
)

// Online single-pass clustering of items (articles into stories, stories
// into storylines).
//
// An item has a TF vector per field (body terms, title terms, names,
// numbers, time expressions), a time and a language. Items arrive one at a time in publication order; each is
// compared with the centroids of a few candidate clusters and either joins
// the best one or opens a new cluster. This follows the streaming design of
// Miranda et al., "Multilingual Clustering of Streaming News" (EMNLP 2018):
// separate TF-IDF similarities per vector, document frequencies maintained
// online, a time feature, and a decision threshold.
//
// Similarity of item a and cluster c:
//
//	sim = Σ_f w_f · cos_f(a, c) / Σ_f w_f      over the fields f non-empty in both
//	score = sim · exp(−max(0, |t_a − t_c| − Grace) / Tau)   (time factor 1 when a time is unknown)
//
// cos_f uses current IDF weights idf(t) = ln((N+1)/(df(t)+1)) + 1 on the
// item's raw TF and on the cluster's mean TF; t_c is the cluster's newest
// time. The item joins the best-scoring candidate when score ≥ Threshold,
// else it opens a new cluster. A candidate whose time factor alone is below
// the threshold is not scored: it cannot reach it.
//
// Candidates come from an inverted index: for each field, the item's
// TopTerms terms of highest TF-IDF (rare terms and names first) are looked
// up in postings term → clusters, each capped at MaxPosting most recent
// clusters; the MaxCandidates clusters with the most hits are scored. No
// step scans all clusters, so the cost per item stays flat as the corpus
// grows. Centroids keep their CentroidTerms heaviest terms per field.
//
// Everything is deterministic: ties break on the lower cluster id, maps are
// never iterated where order matters.
//
// Weighing an item (counting it in the document frequencies, weighting its
// terms, picking its heaviest) depends only on the items before it, not on
// the clusters, so it is a separate step, Weigher.Weigh, that may run ahead
// on another goroutine; Online then observes, assigns and adds the Weighted
// items in the same order.

// OnlineConfig holds the parameters of the online clusterer.
type OnlineConfig struct {
	// Weights of the fields (FieldBody … FieldWhen) in the similarity.
	Weights   [NumFields]float64 `json:"weights"`
	Threshold float64            `json:"threshold"`
	TauDays   float64            `json:"tau_days"`
	GraceDays float64            `json:"grace_days"`
	TopTerms  int                `json:"top_terms"`
	// Indexed marks the fields whose TopTerms heaviest terms go into the
	// candidate index (rare words and names find candidates; common
	// numbers and weekdays would only crowd the postings).
	Indexed [NumFields]bool `json:"indexed"`
	// ItemTerms is how many of an item's heaviest terms per field are
	// scored (the long tail adds cost, hardly similarity).
	ItemTerms     int  `json:"item_terms"`
	MaxPosting    int  `json:"max_posting"`
	MaxCandidates int  `json:"max_candidates"`
	CentroidTerms int  `json:"centroid_terms"`
	SameLanguage  bool `json:"same_language"`
	// CloseAfterTaus closes a cluster once the newest item is more than
	// GraceDays + CloseAfterTaus·TauDays newer than the cluster's newest
	// member (its time factor is then below e^−CloseAfterTaus): a closed
	// cluster is no longer a candidate and keeps only its ClosedTerms
	// heaviest terms per field (none at 0: its TopTerms are then empty), so memory follows the active window, not
	// the corpus. 0 never closes. Undated items never close anything.
	CloseAfterTaus float64 `json:"close_after_taus"`
	ClosedTerms    int     `json:"closed_terms"`
	// ForgetClosed drops a closed cluster from memory altogether (its
	// terms, span and language; Held reports false, and Touch does
	// nothing to it), so that memory follows the open clusters only.
	ForgetClosed bool `json:"forget_closed,omitempty"`
	// Sublinear uses 1 + ln(tf) instead of raw counts, for items and
	// (summed per member) for centroids.
	Sublinear bool `json:"sublinear_tf"`
}

// tf is the weight of a term count: 1 + ln(x) when sublinear, for x ≥ 1.
// Counts below 1 (the mean TFs of centroids used as storyline items) stay
// linear, so weights are never negative and the curve is continuous at 1.
func (cfg *OnlineConfig) tf(x float32) float64 {
	if cfg.Sublinear && x > 1 {
		return 1 + math.Log(float64(x))
	}
	return float64(x)
}

// The fields of an item: body terms, title terms, capitalised names,
// numbers, and time expressions (see text.Features).
const (
	FieldBody = iota
	FieldTitle
	FieldEnt
	FieldNums
	FieldWhen
	NumFields
)

// Item is what the online clusterer sees of an article or a story.
type Item struct {
	// Fields holds the item's term vectors (FieldBody … FieldWhen), each
	// sorted by hash.
	Fields [NumFields][]text.Term
	Time   int64 // unix seconds, 0 when unknown
	Lang   string
}

type centroid struct {
	// terms holds each field's terms sorted by hash: TF summed over the
	// members (sublinear when configured) and the display text.
	terms  [NumFields]fieldTerms
	n      int
	first  int64
	last   int64
	lang   string
	pruned [NumFields]int // size at last pruning
	// norm holds the L2 norm of each field's TF-IDF centroid, as of its
	// last change or the last time the corpus size reached a power of two
	// (see centroidNorm).
	norm [NumFields]float64
}

// fieldTerms holds a centroid field's terms in three parallel slices
// sorted by hash: scoring walks only the hashes (8 bytes a term, so a
// centroid field of a few hundred terms stays in a few cache lines) and
// reads a TF only on a match. A term's display text is not kept here but
// once per term in Online.texts: text is a function of the hash.
type fieldTerms struct {
	h  []uint64
	tf []float32 // TF summed over the members (sublinear when configured)
	id []int32   // the term's dense id (its document frequency is Online.dfs[id], its text Online.texts[id])
}

func (ft *fieldTerms) len() int { return len(ft.h) }

// truncate keeps the first n terms.
func (ft *fieldTerms) truncate(n int) {
	ft.h, ft.tf, ft.id = ft.h[:n], ft.tf[:n], ft.id[:n]
}

// clone returns a copy with no spare capacity (the old arrays can be freed).
func (ft *fieldTerms) clone() fieldTerms {
	return fieldTerms{slices.Clip(slices.Clone(ft.h)), slices.Clip(slices.Clone(ft.tf)), slices.Clip(slices.Clone(ft.id))}
}

// Online is a single-pass clusterer.
type Online struct {
	cfg OnlineConfig
	n   int
	// dfs[id] is the document frequency of the term with dense id (see
	// Weigher), counted by Observe, and texts[id] its display text;
	// centroids keep their terms' ids, so IDF lookups are array reads, not
	// hash-map probes, and centroid arrays hold no pointers for the GC.
	dfs      []int32
	texts    []string
	clusters []*centroid
	// postings[postOf[id]-1] lists the clusters whose items had the term
	// with dense id among their top terms (see posting); postOf[id] is 0
	// for a term in no posting.
	postOf   []int32
	postings []posting
	hits     []uint16  // scratch: posting hits per cluster id
	closed   []bool    // closed[id]: cluster id is closed (dense, no pointer chase in the posting scan)
	tfs      []float32 // scratch for pruneTo
	touched  []int32   // scratch: clusters with hits
	ln       lnTable
	// open lists the clusters not yet closed; now is the newest item time.
	open    []int32
	now     int64
	sinceGC int
	onClose func(id int)
}

// NewOnline returns an empty clusterer.
func NewOnline(cfg OnlineConfig) *Online {
	return &Online{cfg: cfg}
}

// closeEvery is how many items pass between two sweeps for old clusters.
const closeEvery = 4096

// closeOld closes the open clusters that fell out of the time window.
func (o *Online) closeOld() {
	if o.cfg.CloseAfterTaus <= 0 || o.cfg.TauDays <= 0 || o.now == 0 {
		return
	}
	cutoff := o.now - int64((o.cfg.GraceDays+o.cfg.CloseAfterTaus*o.cfg.TauDays)*86400)
	keep := o.open[:0]
	for _, id := range o.open {
		c := o.clusters[id]
		if c.last != 0 && c.last < cutoff {
			o.closeCluster(id)
			continue
		}
		keep = append(keep, id)
	}
	o.open = keep
}

// OnClose makes Observe call f with the id of every cluster it closes for
// falling out of the time window. A closed cluster stays closed: it is
// never again a candidate of Assign, so no item but one the caller joins
// to it itself (Touch) comes to it.
func (o *Online) OnClose(f func(id int)) { o.onClose = f }

// closeCluster keeps only the heaviest ClosedTerms terms of each field,
// or nothing of the cluster (ForgetClosed).
func (o *Online) closeCluster(id int32) {
	c := o.clusters[id]
	o.closed[id] = true
	if o.onClose != nil {
		o.onClose(int(id))
	}
	if o.cfg.ForgetClosed {
		o.clusters[id] = nil
		return
	}
	for f := range c.terms {
		if o.cfg.ClosedTerms == 0 { // nothing kept
			c.terms[f] = fieldTerms{}
			continue
		}
		if c.terms[f].len() > o.cfg.ClosedTerms {
			o.pruneTo(c, f, o.cfg.ClosedTerms)
		}
		// A copy, not a reslice: the old backing arrays must be freed.
		c.terms[f] = c.terms[f].clone()
	}
}

// Len returns the number of clusters.
func (o *Online) Len() int { return len(o.clusters) }

// Held reports whether cluster id is in memory: not closed and forgotten
// (ForgetClosed). TopTerms, Centroid, Lang and Span answer only for a
// cluster held.
func (o *Online) Held(id int) bool { return o.clusters[id] != nil }

// idfOf returns the current IDF of the term with dense id,
// ln((n+1)/(df+1)) + 1. Observe keeps o.ln long enough (df ≤ n).
func (o *Online) idfOf(id int32) float64 {
	return o.ln[o.n+1] - o.ln[int(o.dfs[id])+1] + 1
}

// lnTable holds ln(k) for k = 0, 1, …, grown on demand (IDF needs only
// logs of integers).
type lnTable []float64

// of returns ln(k) (k ≥ 1).
func (t *lnTable) of(k int) float64 {
	for len(*t) <= k {
		*t = append(*t, math.Log(float64(len(*t))))
	}
	return (*t)[k]
}

// Observe counts a weighted item in the clusterer's document frequencies
// and clock. Call it once per item, in the order the Weigher saw them,
// before Assign.
func (o *Online) Observe(w *Weighted) {
	o.n++
	o.ln.of(o.n + 1) // grows the table for idfOf
	if t := w.Item.Time; t > o.now {
		o.now = t
	}
	if o.sinceGC++; o.sinceGC >= closeEvery {
		o.sinceGC = 0
		o.closeOld()
	}
	for f := range w.ids {
		for i, id := range w.ids[f] {
			if int(id) >= len(o.dfs) {
				o.dfs = append(o.dfs, make([]int32, int(id)+1-len(o.dfs))...)
				o.texts = append(o.texts, make([]string, int(id)+1-len(o.texts))...)
				o.postOf = append(o.postOf, make([]int32, int(id)+1-len(o.postOf))...)
			}
			if o.dfs[id] == 0 {
				// A copy: the item's text may be part of a larger
				// string (its article, its feature record) that must
				// not stay in memory for it.
				o.texts[id] = strings.Clone(w.Item.Fields[f][i].Text)
			}
			o.dfs[id]++
		}
	}
	// While the corpus is small every item moves the IDF weights; later,
	// at each power of two.
	if o.n <= exactNorms || o.n&(o.n-1) == 0 {
		for _, id := range o.open {
			o.refreshNorms(o.clusters[id])
		}
	}
}

// Weigher gives every (field, term) a dense id, counts document
// frequencies as items arrive and weights each item's terms by TF-IDF as
// of its arrival. One Weigher feeds one Online and must see exactly the
// items that Online observes, in the same order; it shares no state with
// it, so it may run ahead on another goroutine.
type Weigher struct {
	cfg     OnlineConfig
	termID  map[uint64]int32 // keyed by postingKey(field, hash)
	dfs     []int32
	n       int
	ln      lnTable
	scratch []wterm
}

// NewWeigher returns the Weigher for o's items.
func (o *Online) NewWeigher() *Weigher {
	return &Weigher{cfg: o.cfg, termID: map[uint64]int32{}}
}

// Weighted is an item weighed by a Weigher: what Online needs of it.
type Weighted struct {
	Item *Item
	ids  [NumFields][]int32   // dense term ids, aligned with Item.Fields
	tfw  [NumFields][]float32 // TF weights (sublinear when configured), aligned with Item.Fields
	vec  [NumFields][]wterm   // the ItemTerms heaviest terms, in hash order
	top  [NumFields][]int32   // ids of the TopTerms heaviest, heaviest first
}

// Weigh counts the item in the document frequencies and weights its terms.
func (wr *Weigher) Weigh(it *Item) *Weighted {
	wr.n++
	lnN := wr.ln.of(wr.n + 1)
	total := 0
	for f := range it.Fields {
		total += len(it.Fields[f])
	}
	// One allocation per kind for all fields.
	ids := make([]int32, 0, total)
	tfws := make([]float32, 0, total)
	vecs := make([]wterm, 0, total)
	topIDs := make([]int32, 0, min(total, NumFields*max(wr.cfg.TopTerms, 0)))
	w := &Weighted{Item: it}
	for f := range it.Fields {
		lo := len(vecs)
		for _, t := range it.Fields[f] {
			key := postingKey(f, t.Hash)
			id, ok := wr.termID[key]
			if !ok {
				id = int32(len(wr.dfs))
				wr.termID[key] = id
				wr.dfs = append(wr.dfs, 0)
			}
			wr.dfs[id]++
			ids = append(ids, id)
			idf := lnN - wr.ln.of(int(wr.dfs[id])+1) + 1
			tw := wr.cfg.tf(t.TF)
			tfws = append(tfws, float32(tw))
			vecs = append(vecs, wterm{t.Hash, tw * idf, idf})
		}
		w.ids[f] = ids[len(ids)-len(it.Fields[f]):]
		w.tfw[f] = tfws[len(tfws)-len(it.Fields[f]):]
		vec := vecs[lo:]
		if k := wr.cfg.ItemTerms; k > 0 && len(vec) > k {
			// Keep the k heaviest in place, in hash order: the k-th
			// heaviest (heavierFirst is a total order) is the cut.
			wr.scratch = append(wr.scratch[:0], vec...)
			selectTop(wr.scratch, k)
			cut := slices.MinFunc(wr.scratch[:k], func(a, b wterm) int { return -heavierFirst(a, b) })
			vec = slices.DeleteFunc(vec, func(t wterm) bool { return heavierFirst(t, cut) > 0 })
			vecs = vecs[:lo+len(vec)]
		}
		w.vec[f] = slices.Clip(vec)
		n := len(topIDs)
		for _, t := range wr.heaviest(vec, wr.cfg.TopTerms) {
			// vec lost its alignment with the item's terms: find t's id.
			i, _ := slices.BinarySearchFunc(it.Fields[f], t.h, func(a text.Term, h uint64) int { return cmp.Compare(a.Hash, h) })
			topIDs = append(topIDs, w.ids[f][i])
		}
		w.top[f] = slices.Clip(topIDs[n:])
	}
	return w
}

// heaviest returns the k heaviest terms of v, heaviest first, in the
// Weigher's scratch (valid until the next call).
func (wr *Weigher) heaviest(v []wterm, k int) []wterm {
	top := append(wr.scratch[:0], v...)
	if len(top) > k {
		selectTop(top, k)
		top = top[:k]
	}
	slices.SortFunc(top, heavierFirst)
	wr.scratch = top
	return top
}

// heavierFirst orders terms by weight, heaviest first, then by hash.
func heavierFirst(a, b wterm) int {
	if c := cmp.Compare(b.w, a.w); c != 0 {
		return c
	}
	return cmp.Compare(a.h, b.h)
}

// selectTop moves the k heaviest terms (by heavierFirst) to the front of v,
// in no particular order: quickselect, O(len(v)) expected, deterministic
// (the pivot is the median of three fixed positions).
func selectTop(v []wterm, k int) {
	lo, hi := 0, len(v)
	for hi-lo > 1 {
		a, b, c := lo, lo+(hi-lo)/2, hi-1
		if heavierFirst(v[b], v[a]) < 0 {
			a, b = b, a
		}
		if heavierFirst(v[c], v[b]) < 0 {
			b = c
			if heavierFirst(v[b], v[a]) < 0 {
				b = a
			}
		}
		pivot := v[b]
		// Three-way partition: heavier | equal | lighter.
		i, lt, gt := lo, lo, hi
		for i < gt {
			switch c := heavierFirst(v[i], pivot); {
			case c < 0:
				v[lt], v[i] = v[i], v[lt]
				lt++
				i++
			case c > 0:
				gt--
				v[gt], v[i] = v[i], v[gt]
			default:
				i++
			}
		}
		switch {
		case k <= lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return
		}
	}
}

type wterm struct {
	h   uint64
	w   float64 // tf-idf weight
	idf float64
}

func postingKey(f int, h uint64) uint64 { return h ^ uint64(f+1)*0x9e3779b97f4a7c15 }

// Assign finds the best cluster for the item. It returns the cluster id and
// its score, or -1 and the best score below the threshold when the item
// should open a new cluster (clusters too old to reach the threshold are
// not scored).
func (o *Online) Assign(w *Weighted) (int, float64) {
	it := w.Item
	if len(o.hits) < len(o.clusters) {
		o.hits = append(o.hits, make([]uint16, len(o.clusters)-len(o.hits))...)
	}
	o.touched = o.touched[:0]
	for f := range w.top {
		if !o.cfg.Indexed[f] {
			continue
		}
		for _, id := range w.top[f] {
			p := o.postOf[id]
			if p == 0 {
				continue
			}
			ps := &o.postings[p-1]
			keep := 0
			for k, c := range ps.c {
				if o.closed[c] {
					continue // closed clusters take no candidate slot, and leave the posting
				}
				if keep != k {
					ps.c[keep], ps.seq[keep] = c, ps.seq[k]
				}
				keep++
				if o.hits[c] == 0 {
					o.touched = append(o.touched, c)
				}
				if o.hits[c] < math.MaxUint16 {
					o.hits[c]++
				}
			}
			if keep < len(ps.c) {
				ps.c, ps.seq = ps.c[:keep], ps.seq[:keep]
			}
		}
	}
	// The MaxCandidates clusters with the most hits (newer first among
	// equals), kept sorted in a small buffer: no sort of all touched clusters.
	type cand struct {
		c    int32
		hits uint16
	}
	better := func(a, b cand) bool { return a.hits > b.hits || (a.hits == b.hits && a.c > b.c) }
	cands := make([]cand, 0, o.cfg.MaxCandidates+1)
	for _, c := range o.touched {
		cd := cand{c, o.hits[c]}
		o.hits[c] = 0
		if len(cands) == o.cfg.MaxCandidates && !better(cd, cands[len(cands)-1]) {
			continue
		}
		i := len(cands)
		cands = append(cands, cd)
		for i > 0 && better(cd, cands[i-1]) {
			cands[i] = cands[i-1]
			i--
		}
		cands[i] = cd
		if len(cands) > o.cfg.MaxCandidates {
			cands = cands[:o.cfg.MaxCandidates]
		}
	}
	best, bestScore := -1, 0.0
	for _, cd := range cands {
		c := o.clusters[cd.c]
		if o.cfg.SameLanguage && !text.LanguagesCompatible(c.lang, it.Lang) {
			continue
		}
		decay := o.decay(it.Time, c)
		if decay < o.cfg.Threshold {
			continue // too old to reach the threshold whatever its similarity
		}
		s := o.score(&w.vec, c) * decay
		if s > bestScore || (s == bestScore && best >= 0 && int(cd.c) < best) {
			best, bestScore = int(cd.c), s
		}
	}
	if best >= 0 && bestScore >= o.cfg.Threshold {
		return best, bestScore
	}
	return -1, bestScore
}

// score returns the weighted mean of the per-field cosines of the item's
// vectors and cluster c's centroid (time not included; see decay).
func (o *Online) score(vecs *[NumFields][]wterm, c *centroid) float64 {
	num, den := 0.0, 0.0
	for f := range NumFields {
		w := o.cfg.Weights[f]
		if len(vecs[f]) == 0 || c.terms[f].len() == 0 {
			continue
		}
		if w == 0 {
			continue
		}
		cs := o.cosine(f, vecs[f], c)
		num += w * cs
		den += w
	}
	if den == 0 {
		return 0
	}
	return num / den
}

// decay is the time factor of an item at time t and cluster c: 1 within
// GraceDays of the cluster's span, then falling by e every TauDays; 1 when
// either time is unknown.
func (o *Online) decay(t int64, c *centroid) float64 {
	if t == 0 || c.last == 0 || o.cfg.TauDays <= 0 {
		return 1
	}
	d := math.Abs(float64(t-c.last)) / 86400
	if t < c.first {
		d = float64(c.first-t) / 86400
	} else if t <= c.last {
		d = 0
	}
	return math.Exp(-math.Max(0, d-o.cfg.GraceDays) / o.cfg.TauDays)
}

func (o *Online) cosine(f int, a []wterm, c *centroid) float64 {
	// a is sorted by hash, like c.terms[f]: a merge join that steps through
	// the centroid's hashes (sequential, no lookups; sequential reads beat
	// galloping searches here, measured with BenchmarkOnlineStories).
	na, dot := 0.0, 0.0
	inv := 1 / float64(c.n)
	ct := &c.terms[f]
	hs := ct.h
	j := 0
	for _, t := range a {
		na += t.w * t.w
		for j < len(hs) && hs[j] < t.h {
			j++
		}
		if j < len(hs) && hs[j] == t.h {
			dot += t.w * float64(ct.tf[j]) * inv * t.idf
		}
	}
	if dot == 0 {
		return 0
	}
	return dot / math.Sqrt(na) / o.centroidNorm(f, c)
}

// centroidNorm returns the norm of cluster c's field-f TF-IDF centroid.
// It is computed when the centroid changes (Add) and, for every open
// cluster, after each of the first exactNorms items and then whenever the
// number of items observed reaches a power of two (IDF weights drift only
// logarithmically with corpus size), never on demand:
// so it is a function of the item sequence alone, and a clusterer rebuilt
// by replaying the items (Observe, New, Add: no scoring) holds the norms
// of the one that scored them. Scoring a candidate then costs in
// proportion to the item's terms, not the centroid's.
func (o *Online) centroidNorm(f int, c *centroid) float64 { return c.norm[f] }

// exactNorms is the corpus size up to which every open cluster's norms
// are computed again after each item (as exact as computing them when
// scored).
const exactNorms = 256

// refreshNorms computes cluster c's centroid norms with the IDF of now.
func (o *Online) refreshNorms(c *centroid) {
	inv := 1 / float64(c.n)
	for f := range c.terms {
		nc := 0.0
		ct := &c.terms[f]
		for k, id := range ct.id {
			w := float64(ct.tf[k]) * inv * o.idfOf(id)
			nc += w * w
		}
		c.norm[f] = math.Sqrt(nc)
	}
}

// New opens a cluster holding the item and returns its id.
func (o *Online) New(w *Weighted) int {
	it := w.Item
	c := &centroid{first: it.Time, last: it.Time, lang: it.Lang}
	o.clusters = append(o.clusters, c)
	o.closed = append(o.closed, false)
	id := len(o.clusters) - 1
	o.open = append(o.open, int32(id))
	o.Add(id, w)
	return id
}

// Add puts the item into cluster id: its terms join the centroid and the
// cluster joins the postings of the item's top terms.
func (o *Online) Add(id int, w *Weighted) {
	it := w.Item
	c := o.clusters[id]
	c.n++
	if c.lang == text.Undetermined {
		c.lang = it.Lang // a story opened by an undetermined article takes the first known language
	}
	o.Touch(id, it.Time)
	for f := range it.Fields {
		o.merge(&c.terms[f], it.Fields[f], w.ids[f], w.tfw[f])
		if c.terms[f].len() > 2*max(o.cfg.CentroidTerms, c.pruned[f]) {
			o.pruneTo(c, f, o.cfg.CentroidTerms)
		}
		if !o.cfg.Indexed[f] {
			continue
		}
		for _, t := range w.top[f] {
			if o.postOf[t] == 0 {
				o.postings = append(o.postings, posting{})
				o.postOf[t] = int32(len(o.postings))
			}
			o.postings[o.postOf[t]-1].add(int32(id), o.cfg.MaxPosting)
		}
	}
	o.refreshNorms(c) // the centroid changed
}

// posting lists the open clusters among the last MaxPosting clusters
// appended for a term, oldest first. Closed clusters are dropped when a
// scan meets them (they never reopen); each entry keeps its append number,
// so the window of the last MaxPosting appends is the same as if they had
// stayed.
type posting struct {
	n   int32   // appends so far
	c   []int32 // cluster ids
	seq []int32 // append number of each
}

// add appends cluster id unless it was the last one appended, and drops
// the entries that fell out of the window of the last max appends.
func (p *posting) add(id int32, max int) {
	if k := len(p.c) - 1; k >= 0 && p.c[k] == id && p.seq[k] == p.n-1 {
		return
	}
	p.c, p.seq = append(p.c, id), append(p.seq, p.n)
	p.n++
	drop := 0
	for drop < len(p.seq) && p.seq[drop] < p.n-int32(max) {
		drop++
	}
	if drop > 0 {
		p.c = append(p.c[:0], p.c[drop:]...)
		p.seq = append(p.seq[:0], p.seq[drop:]...)
	}
}

// DropClosed drops the closed clusters from every posting, as Assign's
// scans do for the postings they meet. A clusterer rebuilt by replaying
// its items (Observe, New, Add: no Assign) still holds them; after
// DropClosed both hold the same postings, and decide alike either way
// (a closed cluster is never a candidate).
func (o *Online) DropClosed() {
	for i := range o.postings {
		ps := &o.postings[i]
		keep := 0
		for k, c := range ps.c {
			if !o.closed[c] {
				ps.c[keep], ps.seq[keep] = c, ps.seq[k]
				keep++
			}
		}
		ps.c, ps.seq = ps.c[:keep], ps.seq[:keep]
	}
}

// Touch widens cluster id's time span to include t (for an article that
// joins without changing the centroid, such as a duplicate).
func (o *Online) Touch(id int, t int64) {
	c := o.clusters[id]
	if t == 0 || c == nil {
		return
	}
	if c.first == 0 || t < c.first {
		c.first = t
	}
	if t > c.last {
		c.last = t
	}
}

// merge adds an item's terms (sorted by hash, with their dense ids and TF
// weights) into a centroid field, in
// place: it counts the new terms, grows the slices once (amortized, no
// allocation per item) and merges from the back.
func (o *Online) merge(dst *fieldTerms, add []text.Term, ids []int32, tfw []float32) {
	n := dst.len()
	fresh, i := 0, 0
	for _, t := range add {
		for i < n && dst.h[i] < t.Hash {
			i++
		}
		if i == n || dst.h[i] != t.Hash {
			fresh++
		}
	}
	if fresh > 0 {
		dst.h = slices.Grow(dst.h, fresh)[:n+fresh]
		dst.tf = slices.Grow(dst.tf, fresh)[:n+fresh]
		dst.id = slices.Grow(dst.id, fresh)[:n+fresh]
	}
	i, j, k := n-1, len(add)-1, n+fresh-1
	for j >= 0 {
		switch {
		case i >= 0 && dst.h[i] > add[j].Hash:
			dst.h[k], dst.tf[k], dst.id[k] = dst.h[i], dst.tf[i], dst.id[i]
			i--
		case i >= 0 && dst.h[i] == add[j].Hash:
			dst.h[k], dst.tf[k], dst.id[k] = dst.h[i], dst.tf[i]+tfw[j], dst.id[i]
			i--
			j--
		default:
			dst.h[k], dst.tf[k], dst.id[k] = add[j].Hash, tfw[j], ids[j]
			j--
		}
		k--
	}
	// The terms before i+1 (= k+1) are already in place.
}

// pruneTo keeps the k heaviest terms of field f: it finds the k-th
// largest TF and filters in place, so the terms stay sorted by hash
// without sorting (ties at the cut are kept in hash order).
func (o *Online) pruneTo(c *centroid, f, k int) {
	ts := &c.terms[f]
	if ts.len() <= k {
		return
	}
	o.tfs = append(o.tfs[:0], ts.tf...)
	cut := kthLargest(o.tfs, k)
	above := 0
	for _, tf := range ts.tf {
		if tf > cut {
			above++
		}
	}
	ties := k - above // terms equal to cut that still fit
	out := 0
	for i, tf := range ts.tf {
		if tf > cut || (tf == cut && ties > 0) {
			if tf == cut {
				ties--
			}
			ts.h[out], ts.tf[out], ts.id[out] = ts.h[i], tf, ts.id[i]
			out++
		}
	}
	ts.truncate(out)
	c.pruned[f] = out
}

// kthLargest returns the k-th largest value of v (1-based), reordering v.
func kthLargest(v []float32, k int) float32 {
	lo, hi, target := 0, len(v)-1, k-1
	for lo < hi {
		p := v[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for v[i] > p {
				i++
			}
			for v[j] < p {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case target <= j:
			hi = j
		case target >= i:
			lo = i
		default:
			return v[target]
		}
	}
	return v[target]
}

// TopTerms returns the display text of cluster id's n heaviest terms by
// TF-IDF, entities first, then body terms.
func (o *Online) TopTerms(id, n int) []string {
	c := o.clusters[id]
	var out []string
	seen := map[string]bool{}
	for _, f := range []int{2, 0} {
		ct := &c.terms[f]
		ws := make([]wterm, ct.len())
		for k, h := range ct.h {
			// idf holds the term's index: the heaviest are looked up by it.
			ws[k] = wterm{h: h, w: float64(ct.tf[k]) * o.idfOf(ct.id[k]), idf: float64(k)}
		}
		slices.SortFunc(ws, heavierFirst)
		for _, w := range ws {
			if len(out) == n {
				return out
			}
			if s := o.texts[ct.id[int(w.idf)]]; !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// Centroid returns cluster id's mean TF vectors (for building the items of
// a higher level, e.g. a story as an item of the storyline clusterer).
func (o *Online) Centroid(id int) [NumFields][]text.Term {
	c := o.clusters[id]
	var out [NumFields][]text.Term
	for f := range c.terms {
		ct := &c.terms[f]
		out[f] = make([]text.Term, ct.len())
		for k, h := range ct.h {
			out[f][k] = text.Term{Hash: h, TF: ct.tf[k] / float32(c.n), Text: o.texts[ct.id[k]]}
		}
	}
	return out
}

// Lang returns cluster id's language.
func (o *Online) Lang(id int) string { return o.clusters[id].lang }

// Span returns cluster id's first and last time (0 when unknown).
func (o *Online) Span(id int) (first, last int64) {
	c := o.clusters[id]
	return c.first, c.last
}
