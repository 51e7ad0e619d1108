package engine

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/cluster"
	"github.com/reprint-news/reprint/text"
)

// Stories and storylines.
//
// When Config.Stories is set, stage 1 also extracts every article's story
// features (text.FeatureExtractor: body terms, title terms, capitalised
// names) and language, and appends them with the article's headline to a
// feature spill file. After duplicate groups are known, the story pass
// reads the articles back in publication order and assigns each to a story
// with cluster.Online; then stories, as items made of their centroids, are
// clustered the same way into storylines over a wider time scale.
//
// Rules (counted in StoryStats):
//
//   - Order: by publication time; an article without a (plausible) date
//     takes the time of the nearest earlier dated article in input order
//     for ordering only, so undated input keeps its input order. Ties keep
//     input order.
//   - Dates before MinYear or more than MaxFutureDays ahead of the run are
//     implausible: treated as unknown (no time factor) and counted.
//   - No title: the first line of the text is the headline when it is
//     short; the title field is simply empty for clustering. Counted.
//   - Language: detected per article (text.Language); an article only joins
//     stories of its own language (or undetermined ones). Counted by language.
//   - Duplicates: the first member of a duplicate group (in publication
//     order) is clustered; later members join its story without touching
//     document frequencies or the centroid, so a syndicated article neither
//     pulls a story apart nor inflates it.
//   - Articles skipped by dedup as too short or empty after boilerplate
//     still get a story (headlines are short); records rejected by the
//     readers or as duplicate ids do not.

// StoryConfig holds the story and storyline parameters.
type StoryConfig struct {
	Story     cluster.OnlineConfig `json:"story"`
	Storyline cluster.OnlineConfig `json:"storyline"`
	// MinYear and MaxFutureDays bound plausible publication dates.
	MinYear       int     `json:"min_year"`
	MaxFutureDays float64 `json:"max_future_days"`
	// Terms is the number of terms listed per story and storyline.
	Terms int `json:"terms"`
}

// DefaultStoryConfig returns the defaults. The thresholds were tuned on the
// odd-numbered ECB+ development topics only (internal/tune, REPRINT_TUNE=1)
// and are reported on the even-numbered ones; see docs/QUALITY.md.
func DefaultStoryConfig() StoryConfig {
	return StoryConfig{
		Story: cluster.OnlineConfig{
			Weights:        [cluster.NumFields]float64{1, 0.5, 1, 1, 0.25},
			Threshold:      0.26,
			Sublinear:      true,
			TauDays:        3,
			GraceDays:      2,
			TopTerms:       12,
			Indexed:        [cluster.NumFields]bool{true, true, true, false, false},
			ItemTerms:      64,
			MaxPosting:     64,
			MaxCandidates:  16,
			CentroidTerms:  200,
			SameLanguage:   true,
			CloseAfterTaus: 5,
			ClosedTerms:    16,
		},
		Storyline: cluster.OnlineConfig{
			Weights:        [cluster.NumFields]float64{1, 0, 1, 0, 0},
			Threshold:      0.12,
			Sublinear:      true,
			TauDays:        60,
			GraceDays:      30,
			TopTerms:       12,
			Indexed:        [cluster.NumFields]bool{true, true, true, false, false},
			ItemTerms:      64,
			MaxPosting:     64,
			MaxCandidates:  24,
			CentroidTerms:  200,
			SameLanguage:   true,
			CloseAfterTaus: 5,
			ClosedTerms:    16,
		},
		MinYear:       1980,
		MaxFutureDays: 2,
		Terms:         10,
	}
}

// Story is one story in the output.
type Story struct {
	ID        string     `json:"id"`
	Headline  string     `json:"headline"`
	FirstSeen *time.Time `json:"first_seen"`
	LastSeen  *time.Time `json:"last_seen"`
	Lang      string     `json:"lang"`
	Articles  []string   `json:"articles"`
	Sources   []string   `json:"sources"`
	Groups    []string   `json:"groups"`
	Terms     []string   `json:"terms"`
}

// Storyline is one storyline in the output.
type Storyline struct {
	ID       string   `json:"id"`
	Stories  []string `json:"stories"`
	Articles []string `json:"articles"`
	Terms    []string `json:"terms"`
}

// StoryStats counts what the story pass did and which rules it applied.
type StoryStats struct {
	Articles          int            `json:"articles"`
	Stories           int            `json:"stories"`
	Singletons        int            `json:"singleton_stories"`
	Storylines        int            `json:"storylines"`
	NoDate            int            `json:"no_date"`
	ImplausibleDate   int            `json:"implausible_date"`
	NoTitle           int            `json:"no_title"`
	JoinedAsDuplicate int            `json:"joined_as_duplicate"`
	Languages         map[string]int `json:"languages"`
}

// featRecord is what stage 1 keeps per article for the story pass.
type featRecord struct {
	headline string
	hasTitle bool
	lang     string
	f        text.Features
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// vectors returns the record's term vectors in the clusterer's field order
// (cluster.FieldBody … cluster.FieldWhen), which is also their order in the
// feature spill.
func (r *featRecord) vectors() [cluster.NumFields]*[]text.Term {
	return [cluster.NumFields]*[]text.Term{&r.f.Body, &r.f.Title, &r.f.Ent, &r.f.Nums, &r.f.When}
}

func encodeFeatures(b []byte, r *featRecord) []byte {
	b = appendString(b, r.headline)
	b = appendString(b, r.lang)
	if r.hasTitle {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	for _, v := range r.vectors() {
		b = binary.AppendUvarint(b, uint64(len(*v)))
		for _, t := range *v {
			b = binary.LittleEndian.AppendUint64(b, t.Hash)
			b = binary.AppendUvarint(b, uint64(t.TF))
			b = appendString(b, t.Text)
		}
	}
	return b
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = fmt.Errorf("feature spill corrupt")
		d.b = nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

// next returns the next length-prefixed bytes (nil, and the decoder
// failed, when the record is cut short).
func (d *decoder) next() []byte {
	n := d.uvarint()
	if uint64(len(d.b)) < n {
		d.err = fmt.Errorf("feature spill corrupt")
		d.b = nil
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

func (d *decoder) str() string { return string(d.next()) }

// substr is str for a string taken from rest, a copy of the decoder's
// bytes when n0 of them were left: no allocation.
func (d *decoder) substr(rest string, n0 int) string {
	b := d.next()
	end := n0 - len(d.b)
	if d.err != nil {
		return ""
	}
	return rest[end-len(b) : end]
}

func decodeFeatures(b []byte) (featRecord, error) {
	d := decoder{b: b}
	var r featRecord
	r.headline = d.str()
	r.lang = d.str()
	if len(d.b) > 0 {
		r.hasTitle = d.b[0] == 1
		d.b = d.b[1:]
	}
	// The terms' texts are substrings of one copy of the rest of the
	// record: one allocation a record instead of one a term (the clusterer
	// copies the few it keeps: cluster.Online.Observe).
	rest, n0 := string(d.b), len(d.b)
	for _, dst := range r.vectors() {
		if d.err != nil {
			break
		}
		n := d.uvarint()
		v := make([]text.Term, 0, min(n, 1<<16))
		for i := uint64(0); i < n && d.err == nil; i++ {
			if len(d.b) < 8 {
				d.err = fmt.Errorf("feature spill corrupt")
				break
			}
			h := binary.LittleEndian.Uint64(d.b)
			d.b = d.b[8:]
			tf := d.uvarint()
			v = append(v, text.Term{Hash: h, TF: float32(tf), Text: d.substr(rest, n0)})
		}
		*dst = v
	}
	return r, d.err
}

// item returns the record as an item of the story clusterer, at time t
// (unix s, 0 unknown).
func (r *featRecord) item(t int64) *cluster.Item {
	it := &cluster.Item{Time: t, Lang: r.lang}
	for f, v := range r.vectors() {
		it.Fields[f] = *v
	}
	return it
}

// timeWindow is the span of plausible publication times (unix s).
type timeWindow struct{ minT, maxT int64 }

// window returns the plausible publication times as of now: from MinYear
// to MaxFutureDays ahead.
func (sc *StoryConfig) window(now time.Time) timeWindow {
	return timeWindow{
		minT: time.Date(sc.MinYear, 1, 1, 0, 0, 0, 0, time.UTC).Unix(),
		maxT: now.Add(time.Duration(sc.MaxFutureDays * 24 * float64(time.Hour))).Unix(),
	}
}

// holds reports whether unix time t (0: unknown) is plausible.
func (w timeWindow) holds(t int64) bool { return t != 0 && t >= w.minT && t <= w.maxT }

// headlineOf returns the headline of an article (article.Headline: the
// title, else the first line of the text that is not a date line, a
// breadcrumb or a dateline) and whether it is a real title.
func headlineOf(title, body string) (string, bool) {
	return article.Headline(title, body, nil)
}

// storyEntry is an article of the story pass: its doc, its plausible
// publication time (unix s, 0 unknown) and its ordering key.
type storyEntry struct {
	doc   uint32
	t     int64
	order int64
}

// storyInput is an article prepared for the clusterer: its feature record,
// its duplicate group (-1: none) and its weighed item, or a nil item for a
// later member of a duplicate group (it joins its group's story as it is).
type storyInput struct {
	fr    featRecord
	group int
	w     *cluster.Weighted
}

// featBatch is a run of prepared articles; err is set when the record
// after the last one could not be read.
type featBatch struct {
	in  []storyInput
	err error
}

// featBatchSize is how many articles prepareAhead hands over at once (one
// hand-over per batch, not per article).
const featBatchSize = 256

// prepareAhead reads and decodes the feature records of the entries, in
// order, and weighs the items the clusterer will observe (all but later
// members of duplicate groups), on a second goroutine ahead of the
// clusterer: weighing depends only on the items before, never on the
// clusters. It stops after a batch carrying an error, or when stop is
// closed. groupOf is only read.
func (r *run) prepareAhead(entries []storyEntry, groupOf map[uint32]int, wr *cluster.Weigher, stop <-chan struct{}) <-chan featBatch {
	batches := make(chan featBatch, 4)
	go func() {
		defer close(batches)
		var buf []byte
		seenGroup := make([]bool, len(r.groups))
		langs := make(map[string]string)
		for lo := 0; lo < len(entries); lo += featBatchSize {
			b := featBatch{in: make([]storyInput, 0, featBatchSize)}
			for _, e := range entries[lo:min(lo+featBatchSize, len(entries))] {
				d := &r.docs[e.doc]
				var in storyInput
				if buf, b.err = r.feats.readAt(d.featOff, int(d.featLen), buf); b.err == nil {
					in.fr, b.err = decodeFeatures(buf)
				}
				if b.err != nil {
					break
				}
				// One string per language: the clusterer compares languages
				// for every candidate, and equal pointers compare at once.
				if l, ok := langs[in.fr.lang]; ok {
					in.fr.lang = l
				} else {
					langs[in.fr.lang] = in.fr.lang
				}
				gi, inGroup := groupOf[e.doc]
				in.group = -1
				if inGroup {
					in.group = gi
				}
				if !inGroup || !seenGroup[gi] {
					if inGroup {
						seenGroup[gi] = true
					}
					in.w = wr.Weigh(in.fr.item(e.t))
				}
				b.in = append(b.in, in)
			}
			select {
			case batches <- b:
			case <-stop:
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	return batches
}

// storyIDAt returns the id of the batch run's story s (counted from 0).
func storyIDAt(s int) string { return storyID(uint64(s) + 1) }

// stories is the story and storyline pass.
func (r *run) stories(res *Result) error {
	t0 := time.Now()
	if err := r.feats.flush(); err != nil {
		return err
	}
	sc := r.cfg.Story
	win := sc.window(time.Now())
	st := StoryStats{Languages: map[string]int{}}

	// Articles of the story pass, with plausible times and ordering keys.
	var entries []storyEntry
	var lastDated int64
	for i := range r.docs {
		d := &r.docs[i]
		if d.featLen == 0 {
			continue
		}
		var t int64
		switch {
		case d.published == 0 || d.textDate:
			st.NoDate++
		default:
			t = d.published / 1e9
			if !win.holds(t) {
				st.ImplausibleDate++
				t = 0
			}
		}
		if t != 0 {
			lastDated = t
		}
		o := t
		if o == 0 {
			o = lastDated
		}
		entries = append(entries, storyEntry{uint32(i), t, o})
	}
	slices.SortStableFunc(entries, func(a, b storyEntry) int { return cmp.Compare(a.order, b.order) })
	st.Articles = len(entries)

	groupOf := make(map[uint32]int, len(res.Groups))
	for gi, g := range r.groups {
		for _, m := range g.Members {
			groupOf[m] = gi
		}
	}
	groupStory := make([]int, len(r.groups)) // story of each duplicate group, once its first member is placed
	online := cluster.NewOnline(sc.Story)
	storyDocs := [][]uint32{}
	storyHeadline := []string{}
	storyTitled := []bool{} // the headline is a real title
	stop := make(chan struct{})
	defer close(stop)
	batches := r.prepareAhead(entries, groupOf, online.NewWeigher(), stop)
	// Text reuse runs beside the pass (relationStage).
	rs, err := r.startRelations(entries, groupOf, online)
	if err != nil {
		return err
	}
	defer rs.abandon()
	var batch featBatch
	for k, e := range entries {
		if k%featBatchSize == 0 {
			batch = <-batches
			rs.handOver(k, storyDocs)
		}
		if k%featBatchSize >= len(batch.in) {
			return batch.err // the record the producer failed on
		}
		in := &batch.in[k%featBatchSize]
		fr := &in.fr
		st.Languages[fr.lang]++
		if !fr.hasTitle {
			st.NoTitle++
		}
		w := in.w
		if w == nil { // a later member of a duplicate group: prepareAhead did not weigh it
			s := groupStory[in.group]
			online.Touch(s, e.t)
			storyDocs[s] = append(storyDocs[s], e.doc)
			st.JoinedAsDuplicate++
			continue
		}
		online.Observe(w)
		s, _ := online.Assign(w)
		if s < 0 {
			s = online.New(w)
			storyDocs = append(storyDocs, nil)
			storyHeadline = append(storyHeadline, fr.headline)
			storyTitled = append(storyTitled, fr.hasTitle)
			rs.opened()
		} else {
			online.Add(s, w)
			if fr.hasTitle && !storyTitled[s] { // a real title beats a lead
				storyHeadline[s], storyTitled[s] = fr.headline, true
			}
		}
		storyDocs[s] = append(storyDocs[s], e.doc)
		if in.group >= 0 {
			groupStory[in.group] = s
			rs.placed(s, in.group)
		}
	}
	rs.finish(storyDocs)

	// Storylines: stories as items, in the order they were opened.
	lines, lineStories := storylines(online, sc.Storyline)

	// Output.
	for s, docs := range storyDocs {
		out := Story{ID: storyIDAt(s), Headline: storyHeadline[s], Lang: online.Lang(s), Terms: online.TopTerms(s, sc.Terms)}
		// First and last seen: its articles' plausible publication times,
		// those read from the text too (the clusterer leaves them out).
		var first, last int64
		for _, di := range docs {
			if t := r.docs[di].published / 1e9; win.holds(t) {
				if first == 0 || t < first {
					first = t
				}
				last = max(last, t)
			}
		}
		if first != 0 {
			f, l := time.Unix(first, 0).UTC(), time.Unix(last, 0).UTC()
			out.FirstSeen, out.LastSeen = &f, &l
		}
		seenSrc := map[string]bool{}
		seenGrp := map[int]bool{}
		for _, di := range docs {
			d := &r.docs[di]
			out.Articles = append(out.Articles, r.id(di))
			if src := r.sources.list[d.source]; src != "" && !seenSrc[src] {
				seenSrc[src] = true
				out.Sources = append(out.Sources, src)
			}
			if gi, ok := groupOf[di]; ok && !seenGrp[gi] {
				seenGrp[gi] = true
				out.Groups = append(out.Groups, res.Groups[gi].ID) // res.Groups[gi] is r.groups[gi]
			}
		}
		slices.Sort(out.Sources)
		if out.Sources == nil {
			out.Sources = []string{}
		}
		if out.Groups == nil {
			out.Groups = []string{}
		}
		if len(docs) == 1 {
			st.Singletons++
		}
		res.Stories = append(res.Stories, out)
	}
	for l, ss := range lineStories {
		out := Storyline{ID: fmt.Sprintf("l%06d", l+1), Terms: lines.TopTerms(l, sc.Terms)}
		for _, s := range ss {
			out.Stories = append(out.Stories, storyIDAt(s))
			out.Articles = append(out.Articles, res.Stories[s].Articles...)
		}
		res.Storylines = append(res.Storylines, out)
	}
	st.Stories = len(res.Stories)
	st.Storylines = len(res.Storylines)
	r.stats.Story = &st
	r.stages["stories"] = time.Since(t0)
	return rs.wait(res)
}
