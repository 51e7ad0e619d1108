package engine

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/cluster"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/store"
)

// Stories and storylines in the live engine.
//
// The story clusterer is the batch run's (cluster.Online with
// Config.Story), fed in arrival order instead of publication order: an
// article that joins a duplicate group joins its group's story as it is
// (no document frequencies, no centroid change), any other is weighed,
// assigned and added, or opens a story. Dates outside the plausible range
// (StoryConfig.MinYear, MaxFutureDays as of arrival) count as unknown.
//
// Storylines differ from the batch run in one way: the batch run clusters
// finished stories by their final centroids; a live story is placed in a
// storyline when it opens, by its first article (a stream has no finished
// stories). The storyline clusterer and its parameters are the batch
// run's.
//
// Stories and storylines are numbered from 1 in order of opening
// (ids "s000001", "l000001"); numbers are stored with the counters, so a
// number is never given twice.
//
// Records (docs/STORE.md), all written in the article's batch:
//
//	s/ story → LiveStory            n/ story, seq → ∅  (its articles)
//	t/ updated (unix s), story → ∅  (newest first)  z/ articles (u32), story → ∅ (largest first)
//	l/ storyline → LiveStoryline    k/ storyline, story → ∅ (its stories)

// LiveStory is a stored story.
type LiveStory struct {
	ID       string `json:"id"`
	Headline string `json:"headline"`
	// Titled is set when Headline is an article's real title (not a lead
	// taken from a text): a later article's title replaces a lead.
	Titled    bool      `json:"titled,omitempty"`
	Lang      string    `json:"lang"`
	FirstSeen time.Time `json:"first_seen,omitzero"` // first and last plausible publication time
	LastSeen  time.Time `json:"last_seen,omitzero"`
	// Updated is the newest of its articles' times (publication, or
	// arrival when undated): stories are listed newest first by it.
	Updated   time.Time `json:"updated"`
	Storyline string    `json:"storyline"`
	Articles  int       `json:"articles"`
	// Copies and Rewrites count its articles that are copies (exact,
	// near_duplicate, contains) or rewrites (rewrite, partial) of an
	// earlier article of the story (or undirected).
	Copies   int           `json:"copies"`
	Rewrites int           `json:"rewrites"`
	Sources  []SourceCount `json:"sources"`
	Terms    []string      `json:"terms"`
}

// SourceCount is an outlet and how many of a story's articles it
// published.
type SourceCount struct {
	Source   string `json:"source"`
	Articles int    `json:"articles"`
}

// LiveStoryline is a stored storyline.
type LiveStoryline struct {
	ID        string    `json:"id"`
	Stories   int       `json:"stories"`
	Articles  int       `json:"articles"`
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	Terms     []string  `json:"terms"`
}

const (
	livePrefixStory       = "s/"
	livePrefixStoryMember = "n/"
	livePrefixStoryTime   = "t/"
	livePrefixStorySize   = "z/"
	livePrefixStoryline   = "l/"
	livePrefixLineMember  = "k/"
)

// liveClusters is a clusterer with the stored numbers of its clusters.
type liveClusters struct {
	on   *cluster.Online
	wr   *cluster.Weigher
	num  []uint64       // clusterer index → stored number
	idx  map[uint64]int // stored number → clusterer index
	next uint64         // the next number to give out (from 1)
}

func newLiveClusters(cfg cluster.OnlineConfig) liveClusters {
	on := cluster.NewOnline(cfg)
	return liveClusters{on: on, wr: on.NewWeigher(), idx: map[uint64]int{}, next: 1}
}

// register records that clusterer index i holds stored number num (0: a
// new number).
func (c *liveClusters) register(i int, num uint64) uint64 {
	if num == 0 {
		num = c.next
	}
	c.next = max(c.next, num+1)
	for len(c.num) <= i {
		c.num = append(c.num, 0)
	}
	c.num[i] = num
	c.idx[num] = i
	return num
}

// place observes and assigns w, adding it to the cluster found or to a
// new one (given the next number); it returns the clusterer index and the
// cluster's number.
func (c *liveClusters) place(w *cluster.Weighted) (int, uint64) {
	c.on.Observe(w)
	i, _ := c.on.Assign(w)
	if i >= 0 {
		c.on.Add(i, w)
		return i, c.num[i]
	}
	i = c.on.New(w)
	return i, c.register(i, 0)
}

// replay observes w and adds it to stored cluster num (opened when not in
// memory yet); it returns the clusterer index and whether it was opened.
func (c *liveClusters) replay(w *cluster.Weighted, num uint64) (int, bool) {
	c.on.Observe(w)
	if i, ok := c.idx[num]; ok {
		c.on.Add(i, w)
		return i, false
	}
	i := c.on.New(w)
	c.register(i, num)
	return i, true
}

func storyID(num uint64) string     { return fmt.Sprintf("s%06d", num) }
func storylineID(num uint64) string { return fmt.Sprintf("l%06d", num) }

// parseNum returns the number of id with prefix p ("s000012" → 12), or
// ok false.
func parseNum(id string, p byte) (uint64, bool) {
	if len(id) < 2 || id[0] != p {
		return 0, false
	}
	n, err := strconv.ParseUint(id[1:], 10, 64)
	return n, err == nil && n > 0
}

// plausibleTime returns a's publication time for the story clusterer
// (unix s), or 0 when unknown, read from the text (as in the batch run's
// story pass) or implausible as of now.
func (l *Live) plausibleTime(a *LiveArticle, now time.Time) int64 {
	if a.PublishedFrom == article.PublishedFromText {
		return 0
	}
	if t := unixOf(a.Published); l.cfg.Story.window(now).holds(t) {
		return t
	}
	return 0
}

// unixOf is t in unix seconds, 0 for the zero time.
func unixOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func unixTime(t int64) time.Time {
	if t == 0 {
		return time.Time{}
	}
	return time.Unix(t, 0).UTC()
}

// placeStory decides rec's story and storyline (step 6 of Live) and puts
// the story and storyline records into b. rep is the representative of
// the duplicate group rec joins (nil: none), whose story it joins as it
// is; w is rec weighed for the story clusterer (when rep is nil); t is
// rec's text analyzed for text reuse.
func (l *Live) placeStory(b store.Batch, rec *LiveArticle, rep *LiveArticle, w *cluster.Weighted, t *match.Text) error {
	sc := &l.stories
	var s int
	if rep != nil {
		num, valid := parseNum(rep.Story, 's')
		var ok bool
		if s, ok = sc.idx[num]; !valid || !ok {
			return fmt.Errorf("story %q of group %q not in memory", rep.Story, rep.ID)
		}
		sc.on.Touch(s, rec.T)
	} else {
		s, _ = sc.place(w)
		rec.Clustered = true
	}
	num := sc.num[s]
	rec.Story = storyID(num)
	if err := l.relateReuse(b, rec, num, t); err != nil {
		return err
	}
	copied, rewrote := reuseCounts(rec)
	sr, err := l.storyRecs.get(num, l.story)
	switch {
	case errors.Is(err, store.ErrNotFound):
		headline, titled := headlineOf(rec.Title, rec.Text)
		sr = &LiveStory{ID: rec.Story, Headline: headline, Titled: titled, Sources: []SourceCount{}, Terms: []string{}}
		l.storyRecs.put(num, sr)
	case err != nil:
		return err
	default: // its ordering keys move
		b.Delete(storyTimeKey(sr.Updated, num))
		b.Delete(storySizeKey(sr.Articles, num))
		if !sr.Titled && rec.Title != "" { // a real title beats a lead
			sr.Headline, sr.Titled = headlineOf(rec.Title, rec.Text)
		}
	}
	sr.Articles++
	sr.Copies += copied
	sr.Rewrites += rewrote
	sr.Sources = addSource(sr.Sources, rec.Source, 1)
	// First and last seen: the publication times of its articles,
	// those read from the text too (which the clusterer leaves out).
	if t := rec.Published.UTC(); l.cfg.Story.window(rec.Received).holds(unixOf(t)) {
		if sr.FirstSeen.IsZero() || t.Before(sr.FirstSeen) {
			sr.FirstSeen = t
		}
		if t.After(sr.LastSeen) {
			sr.LastSeen = t
		}
	}
	// A closed story a windowed engine forgot keeps its record's
	// language and terms.
	if sc.on.Held(s) {
		sr.Lang = sc.on.Lang(s)
		if termsDue(sr.Articles) {
			sr.Terms = sc.on.TopTerms(s, l.cfg.Story.Terms)
		}
	}
	upd := rec.T
	if upd == 0 {
		upd = rec.Received.Unix()
	}
	if u := unixTime(upd); u.After(sr.Updated) {
		sr.Updated = u
	}
	// A story without a storyline (a new one) is placed in one by its
	// centroid as it is now.
	lc := &l.lines
	var lr *LiveStoryline
	var lnum uint64
	if sr.Storyline == "" {
		var li int
		li, lnum = lc.place(lc.wr.Weigh(storyItem(sc.on, s)))
		sr.Storyline = storylineID(lnum)
		if lr, err = l.lineRecs.get(lnum, l.storyline); errors.Is(err, store.ErrNotFound) {
			lr = &LiveStoryline{ID: sr.Storyline, Terms: []string{}}
			l.lineRecs.put(lnum, lr)
		} else if err != nil {
			return err
		}
		lr.Stories++
		if termsDue(lr.Stories) {
			lr.Terms = lc.on.TopTerms(li, l.cfg.Story.Terms)
		}
		b.Set(seqKey(livePrefixLineMember, lnum, num), nil)
	} else {
		lnum, _ = parseNum(sr.Storyline, 'l')
		if lr, err = l.lineRecs.get(lnum, l.storyline); err != nil {
			return fmt.Errorf("storyline of story %s: %w", sr.ID, err)
		}
	}
	rec.Storyline = sr.Storyline
	lr.Articles++
	if !sr.FirstSeen.IsZero() && (lr.FirstSeen.IsZero() || sr.FirstSeen.Before(lr.FirstSeen)) {
		lr.FirstSeen = sr.FirstSeen
	}
	if sr.LastSeen.After(lr.LastSeen) {
		lr.LastSeen = sr.LastSeen
	}
	if err := putJSON(b, []byte(livePrefixStory+key64(num)), sr); err != nil {
		return err
	}
	if err := putJSON(b, []byte(livePrefixStoryline+key64(lnum)), lr); err != nil {
		return err
	}
	b.Set(storyTimeKey(sr.Updated, num), nil)
	b.Set(storySizeKey(sr.Articles, num), nil)
	b.Set(seqKey(livePrefixStoryMember, num, rec.Seq), nil)
	return nil
}

// records keeps the story or storyline records the write stage rewrites
// with every article, the most recently used ones, so that an article's
// story and storyline are read from the store only when they were not
// touched for a while: two generations of at most recordsKept each (a
// full one becomes the old one, and the old one is dropped). The write
// stage owns them, and changes a record here before its batch commits: a
// failed commit makes the engine stale, and the rebuild empties them;
// Delete, which rewrites records itself, empties them too.
type records[T any] struct {
	cur, old map[uint64]*T
}

// recordsKept bounds a generation of records.
const recordsKept = 1 << 14

// get returns record num: kept, or read with load (and kept).
func (r *records[T]) get(num uint64, load func(uint64) (*T, error)) (*T, error) {
	if v, ok := r.cur[num]; ok {
		return v, nil
	}
	v, ok := r.old[num]
	if !ok {
		var err error
		if v, err = load(num); err != nil {
			return nil, err
		}
	}
	r.put(num, v)
	return v, nil
}

// put keeps record num.
func (r *records[T]) put(num uint64, v *T) {
	if len(r.cur) >= recordsKept || r.cur == nil {
		r.old, r.cur = r.cur, make(map[uint64]*T, recordsKept)
	}
	r.cur[num] = v
}

// reset empties it.
func (r *records[T]) reset() { r.cur, r.old = nil, nil }

// termsDue reports whether a story's or storyline's listed terms are
// recomputed at its n-th member: at 1–8 members, then every 8th (ranking
// a centroid's terms costs more than the rest of the record, and a large
// story's top terms move slowly).
func termsDue(n int) bool { return n <= 8 || n%8 == 0 }

// replayStory gives the clusterers stored article a as they had it (see
// load): a group member that joined as it was touches its story; any
// other is weighed, observed and added to its stored story, which opens
// (and is placed in its stored storyline) when not in memory yet. p is a
// prepared.
func (l *Live) replayStory(a *LiveArticle, p *Prepared) error {
	num, ok := parseNum(a.Story, 's')
	if !ok {
		return fmt.Errorf("stored story id %q", a.Story)
	}
	sc := &l.stories
	if s, ok := sc.idx[num]; ok && !a.Clustered {
		sc.on.Touch(s, a.T)
		return nil
	}
	fr := featRecord{f: p.feat, lang: p.feat.Lang}
	s, opened := sc.replay(sc.wr.Weigh(fr.item(a.T)), num)
	if !opened {
		return nil
	}
	sr, err := l.story(num)
	if err != nil {
		return fmt.Errorf("story %s: %w", storyID(num), err)
	}
	lnum, ok := parseNum(sr.Storyline, 'l')
	if !ok {
		return fmt.Errorf("story %s: stored storyline id %q", sr.ID, sr.Storyline)
	}
	lc := &l.lines
	lc.replay(lc.wr.Weigh(storyItem(sc.on, s)), lnum)
	return nil
}

// addSource adds n (±) to source's count, keeping the list sorted by
// source and without zero counts. An empty source is not listed.
func addSource(ss []SourceCount, source string, n int) []SourceCount {
	if source == "" {
		return ss
	}
	i, found := slices.BinarySearchFunc(ss, source, func(c SourceCount, s string) int { return strings.Compare(c.Source, s) })
	if !found {
		if n <= 0 {
			return ss
		}
		return slices.Insert(ss, i, SourceCount{Source: source, Articles: n})
	}
	ss[i].Articles += n
	if ss[i].Articles <= 0 {
		return slices.Delete(ss, i, i+1)
	}
	return ss
}

func key64(n uint64) string { return string(binary.BigEndian.AppendUint64(nil, n)) }

func storyTimeKey(t time.Time, num uint64) []byte {
	return seqKey(livePrefixStoryTime, uint64(max(t.Unix(), 0)), num)
}

func storySizeKey(n int, num uint64) []byte {
	k := binary.BigEndian.AppendUint32([]byte(livePrefixStorySize), uint32(n))
	return binary.BigEndian.AppendUint64(k, num)
}

func putJSON(b store.Batch, key []byte, v any) error {
	j, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.Set(key, j)
	return nil
}

func (l *Live) getJSON(key []byte, what string, v any) error {
	j, err := l.st.Get(key)
	if err != nil {
		return err
	}
	if err := decodeRecord(j, v); err != nil {
		return fmt.Errorf("%s: corrupt record: %w", what, err)
	}
	return nil
}

// story returns stored story num, or store.ErrNotFound.
func (l *Live) story(num uint64) (*LiveStory, error) {
	var s LiveStory
	if err := l.getJSON([]byte(livePrefixStory+key64(num)), "story "+storyID(num), &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// storyline returns stored storyline num, or store.ErrNotFound.
func (l *Live) storyline(num uint64) (*LiveStoryline, error) {
	var s LiveStoryline
	if err := l.getJSON([]byte(livePrefixStoryline+key64(num)), "storyline "+storylineID(num), &s); err != nil {
		return nil, err
	}
	return &s, nil
}
