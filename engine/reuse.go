package engine

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/provenance"
	"github.com/reprint-news/reprint/sketch"
	"github.com/reprint-news/reprint/text"
	"github.com/reprint-news/reprint/wordnet"
)

// Text reuse: the relation of two articles with its evidence, as the
// batch run (stories), the compare command and the service answer it.
//
// Each article is prepared once (reusePrepare): its tokens, its
// sentences outside boilerplate as bags of weighted stems (match.Prepare:
// IDF from the corpus, WordNet senses when installed), and its shingle set
// and exact hash as dedup makes them, so that exact, near_duplicate and
// contains mean here what they mean in pairs.jsonl. Two prepared articles
// are compared by match.Relate, given the direction that publication
// times, or failing them attribution in the text, establish
// (reuseDirection).

// ReuseAnswer is the relation of two articles with its evidence: one line
// of `reprint compare --pairs`, the body of /v1/compare's relation.
type ReuseAnswer struct {
	ReuseSummary
	// VerbatimA and VerbatimB are the shares of each article's words in
	// verbatim passages.
	VerbatimA float64 `json:"verbatim_a"`
	VerbatimB float64 `json:"verbatim_b"`
	// PDerived and PRewrite are the reuse models' probabilities for the
	// derived side (match.Relate).
	PDerived float64 `json:"p_derived"`
	PRewrite float64 `json:"p_rewrite"`
	// Sentences are the aligned sentence pairs, Passages the verbatim
	// passages; byte ranges refer to the two texts.
	Sentences []match.SentencePair `json:"sentences"`
	Passages  []match.Passage      `json:"passages"`
	// Truncated is set when an article had more sentences than alignment
	// looks at (match.MaxSentences): it was aligned on the window of them
	// that shares the most with the other, AlignedA or AlignedB, the byte
	// range of that window.
	Truncated bool    `json:"truncated,omitempty"`
	AlignedA  *[2]int `json:"aligned_a,omitempty"`
	AlignedB  *[2]int `json:"aligned_b,omitempty"`
	// SpansA and SpansB are the byte ranges of every sentence of each text
	// outside boilerplate (sentence i of a pair's "a" range is SpansA[i]);
	// filled by WithSpans, for showing the texts side by side.
	SpansA [][2]int `json:"spans_a,omitempty"`
	SpansB [][2]int `json:"spans_b,omitempty"`
	pa, pb *reusePrepared
	rel    *match.Reuse
}

// ReuseFeatures returns the reuse models' features of the pair with a
// (aDerived) or b as the derived text, for fitting the models
// (internal/fit).
func (r *ReuseAnswer) ReuseFeatures(aDerived bool) []float64 {
	return match.ReuseFeatures(&r.rel.Alignment, r.pa.doc, r.pb.doc, aDerived)
}

// SimilarityFeatures returns the similarity model's features of the pair
// (internal/fit).
func (r *ReuseAnswer) SimilarityFeatures() []float64 {
	return match.SimilarityFeatures(&r.rel.Alignment, r.pa.doc, r.pb.doc)
}

// WithSpans fills SpansA and SpansB.
func (r *ReuseAnswer) WithSpans() {
	spans := func(p *reusePrepared) [][2]int {
		out := [][2]int{}
		if p != nil {
			for _, s := range p.doc.Sentences {
				out = append(out, [2]int{s.Start, s.End})
			}
		}
		return out
	}
	r.SpansA, r.SpansB = spans(r.pa), spans(r.pb)
}

// keepStoriesApart turns a same_story answer into none when the story
// pass put the two articles in different stories (storyA, storyB; ""
// when not known): which story an article belongs to is the engine's
// answer to "one event", and two reports it keeps apart share at most a
// storyline (lineA, lineB), which the note says.
func (r *ReuseAnswer) keepStoriesApart(storyA, storyB, lineA, lineB string) {
	if r.Relation != match.SameStory.String() || storyA == "" || storyB == "" || storyA == storyB {
		return
	}
	r.Relation = match.None.String()
	r.Note = fmt.Sprintf("alike, but reports of different stories (%s, %s)", storyA, storyB)
	if lineA != "" && lineA == lineB {
		r.Note += fmt.Sprintf(" of one storyline (%s)", lineA)
	}
}

// ReuseArticle is what reuse needs of an article.
type ReuseArticle struct {
	ID, Source, Title, Text string
	Published               time.Time
	PublishedFrom           string
	Lang                    string // "" to detect
}

// reuseEnv is what preparing an article draws on: the corpus' word
// statistics and boilerplate.
type reuseEnv struct {
	// weights are the corpus' document frequencies (a DocFreq, or its
	// SealedFrozen table once the counts are final: final; nil: none).
	weights match.Weights
	// final says that weights and boiler no longer change and that the
	// weights are kept as a Frozen keeps them: an article is then prepared
	// with them as they are, not frozen first (withFinal).
	final  bool
	boiler func(uint64) bool
	senses func(uint32) []uint32
	w      int // shingle width
	cfg    match.ReuseConfig
	// times bounds plausible publication times.
	times timeWindow
}

// newReuseEnv returns the environment of config cfg over document
// frequencies df and boilerplate boiler (nil: none), as of now.
func newReuseEnv(cfg Config, df *match.DocFreq, boiler func(uint64) bool, now time.Time) *reuseEnv {
	e := &reuseEnv{boiler: boiler, w: cfg.W, cfg: cfg.reuseConfig()}
	if df != nil {
		e.weights = df
	}
	if syn, err := wordnet.Default(); err == nil {
		e.senses = syn.Senses
	}
	e.times = cfg.Story.window(now)
	return e
}

// reuseConfig is the relation thresholds with the dedup thresholds of
// the run.
func (c Config) reuseConfig() match.ReuseConfig {
	r := c.Reuse
	r.Dup = c.matchConfig()
	return r
}

// reusePrepared is an article prepared for comparison.
type reusePrepared struct {
	a     *ReuseArticle
	doc   *match.Doc
	set   []uint32
	exact uint64
	// frozen is what it took from the corpus (match.Frozen), stored with
	// a live article so that it can be prepared again alike.
	frozen *match.Frozen
}

// withFinal makes the environment final: the document frequencies df are
// all counted and the boilerplate decided (the batch run's relation stage,
// compare --pairs), so that an article is prepared with the weights
// Freeze would keep without freezing them (match.DocFreq.SealedFrozen).
func (e *reuseEnv) withFinal(df *match.DocFreq) *reuseEnv {
	if df != nil {
		e.weights = df.SealedFrozen()
	}
	e.final = true
	return e
}

// prepare prepares an article (t: its text analyzed, when the caller has
// it; nil to analyze it here).
func (e *reuseEnv) prepare(a *ReuseArticle, t *match.Text) *reusePrepared {
	if t == nil {
		t = analyzeReuse(a, nil)
	}
	if e.final {
		// What Freeze would take from the environment is what it gives.
		return e.prepareWith(a, t, e.matchEnv(), nil)
	}
	f := t.Freeze(e.matchEnv())
	return e.prepareFrozen(a, t, &f)
}

// matchEnv is the corpus statistics of the moment, with the word senses,
// as match takes them (Freeze takes no senses from it).
func (e *reuseEnv) matchEnv() match.Env {
	return match.Env{Boiler: e.boiler, Weights: e.weights, Senses: e.senses}
}

// prepareFrozen prepares an article (t: its text analyzed) with the
// weights and boilerplate frozen when it was first prepared (f): the same
// preparation, whatever the corpus statistics are now. Outside a final
// environment every preparation goes through here, the first one too, so
// that a prepared article kept in a cache and one made again from its
// stored record are the same.
func (e *reuseEnv) prepareFrozen(a *ReuseArticle, t *match.Text, f *match.Frozen) *reusePrepared {
	return e.prepareWith(a, t, f.Env(e.senses), f)
}

// prepareWith prepares an article with env (frozen: what it was frozen
// with, nil in a final environment).
func (e *reuseEnv) prepareWith(a *ReuseArticle, t *match.Text, env match.Env, f *match.Frozen) *reusePrepared {
	p := &reusePrepared{a: a, frozen: f}
	p.doc = t.Prepare(env)
	kept := p.doc.ContentHashes()
	shingles, exact := sketch.ShinglesExact(nil, kept, e.w)
	p.exact = exact
	p.set, _ = sketch.SetOf(nil, nil, shingles)
	return p
}

// analyzeReuse analyzes an article for prepare (its language told from
// its text when a.Lang is empty); d holds its tokens, nil to tokenize it
// here.
func analyzeReuse(a *ReuseArticle, d *text.Doc) *match.Text {
	if d == nil {
		d = new(text.Doc)
		d.Tokenize(a.Text)
	}
	if a.Lang == "" {
		a.Lang = text.Language(a.Title, a.Text)
	}
	return match.Analyze(a.Text, d, a.Lang)
}

// compare decides the relation of two prepared articles, with its
// evidence.
func (e *reuseEnv) compare(a, b *reusePrepared) ReuseAnswer { return e.relate(a, b, true) }

// summarize decides the relation of two prepared articles, with evidence
// only where the relation needs it (match.RelateSummary): for the
// relations the batch run and the service keep.
func (e *reuseEnv) summarize(a, b *reusePrepared) ReuseSummary {
	return e.relate(a, b, false).ReuseSummary
}

func (e *reuseEnv) relate(a, b *reusePrepared, evidence bool) ReuseAnswer {
	dir, basis, note := e.direction(a.a, b.a)
	o := match.Compare(a.set, b.set)
	rel := match.RelateSummary
	if evidence {
		rel = match.Relate
	}
	r := rel(a.doc, b.doc, o, a.exact == b.exact && len(a.set) > 0, dir, e.cfg)
	ans := ReuseAnswer{
		ReuseSummary: ReuseSummary{A: a.a.ID, B: b.a.ID, Relation: r.Relation.String(),
			CoverageA: r.CoverageA, CoverageB: r.CoverageB, Similarity: r.Similarity, Direction: "undirected"},
		VerbatimA: r.VerbatimA, VerbatimB: r.VerbatimB, PDerived: r.PDerived, PRewrite: r.PRewrite,
		Sentences: r.Pairs, Passages: r.Passages, Truncated: r.Truncated,
		pa: a, pb: b, rel: &r,
	}
	if evidence {
		ans.AlignedA, ans.AlignedB = alignedBytes(a.doc, r.WindowA), alignedBytes(b.doc, r.WindowB)
	}
	if r.Relation == match.Contains {
		ans.Container = a.a.ID
		if !r.ContainerA {
			ans.Container = b.a.ID
		}
	}
	if ans.Sentences == nil {
		ans.Sentences = []match.SentencePair{}
	}
	if ans.Passages == nil {
		ans.Passages = []match.Passage{}
	}
	switch {
	case r.Relation.Copy() && dir != match.Unknown:
		src := b.a.ID
		if dir == match.BDerived {
			src = a.a.ID
		}
		ans.Source, ans.Direction = &src, basis
	case r.Relation.Copy():
		ans.Note = note
	case dir != match.Unknown:
		ans.Direction = basis // no copy: the order is only who came first
	}
	return ans
}

// alignedBytes is the byte range of d's sentences in window w when the
// window leaves some of them out (nil otherwise: all were aligned, or the
// pair was not aligned).
func alignedBytes(d *match.Doc, w [2]int) *[2]int {
	if w[1] <= w[0] || w[0] == 0 && w[1] == len(d.Sentences) {
		return nil
	}
	return &[2]int{d.Sentences[w[0]].Start, d.Sentences[w[1]-1].End}
}

// attributionMinRunes is the shortest outlet name looked for in the other
// text as attribution ("AP" and "PA" are too short to tell from words).
const attributionMinRunes = 4

// direction tells which of a and b is derived: the later published (both
// times known, plausible and different), else the one whose text names
// the other's outlet (attribution: "…, Press TV reported"), else
// unknown, with a note saying why.
func (e *reuseEnv) direction(a, b *ReuseArticle) (match.Direction, string, string) {
	ta, oka := e.plausible(a)
	tb, okb := e.plausible(b)
	switch {
	case oka && okb && !ta.Equal(tb):
		if ta.Before(tb) {
			return match.BDerived, "published", ""
		}
		return match.ADerived, "published", ""
	}
	// An outlet naming itself (a licence line, a byline) is no attribution.
	var na, nb bool
	if !strings.EqualFold(strings.TrimSpace(a.Source), strings.TrimSpace(b.Source)) {
		na, nb = names(b.Text, a.Source), names(a.Text, b.Source)
	}
	switch {
	case na && !nb:
		return match.BDerived, "attribution", ""
	case nb && !na:
		return match.ADerived, "attribution", ""
	}
	var missing []string
	for _, x := range []struct {
		a  *ReuseArticle
		ok bool
	}{{a, oka}, {b, okb}} {
		if !x.ok {
			why := "has no publication time"
			if !x.a.Published.IsZero() {
				why = "has an implausible publication time (" + x.a.Published.Format(time.RFC3339) + ")"
			}
			missing = append(missing, x.a.ID+" "+why)
		}
	}
	if len(missing) == 0 {
		return match.Unknown, "undirected", "both were published at the same time (" + ta.Format(time.RFC3339) + ") and neither names the other's outlet"
	}
	return match.Unknown, "undirected", strings.Join(missing, "; ") + ", and neither names the other's outlet"
}

// plausible returns a's publication time when it is known and plausible
// (StoryConfig.MinYear to MaxFutureDays ahead).
func (e *reuseEnv) plausible(a *ReuseArticle) (time.Time, bool) {
	return a.Published, e.times.holds(unixOf(a.Published))
}

// node returns article a as a node of a provenance graph: outlet, headline
// and its publication time when plausible.
func (e *reuseEnv) node(a *ReuseArticle) provenance.Article { return provenanceNode(a, e.times) }

// provenanceNode is article a as a node of a provenance graph, with its
// publication time when it lies in the plausible window.
func provenanceNode(a *ReuseArticle, window timeWindow) provenance.Article {
	n := provenance.Article{ID: a.ID, Source: a.Source, PublishedFrom: a.PublishedFrom}
	n.Headline, _ = headlineOf(a.Title, a.Text)
	if window.holds(unixOf(a.Published)) {
		t := a.Published
		n.Published = &t
	}
	return n
}

// names reports whether text names outlet (case-insensitively, as whole
// words) in its first attributionScan bytes or anywhere: "Press TV",
// "presstv.ir" count for "Press TV"; outlets shorter than
// attributionMinRunes are not looked for.
func names(s, outlet string) bool {
	outlet = strings.TrimSpace(outlet)
	if utf8.RuneCountInString(outlet) < attributionMinRunes {
		return false
	}
	ls, lo := strings.ToLower(s), strings.ToLower(outlet)
	for i := 0; ; {
		k := strings.Index(ls[i:], lo)
		if k < 0 {
			return false
		}
		k += i
		before, _ := utf8.DecodeLastRuneInString(ls[:k])
		after, _ := utf8.DecodeRuneInString(ls[k+len(lo):])
		if k == 0 || !isWordRune(before) {
			if k+len(lo) == len(ls) || !isWordRune(after) {
				return true
			}
		}
		i = k + len(lo)
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// reuseArticle converts a read article.
func reuseArticle(a *article.Article) *ReuseArticle {
	return &ReuseArticle{ID: a.ID, Source: a.Source, Title: a.Title, Text: a.Text, Published: a.Published, PublishedFrom: a.PublishedFrom}
}

// CompareTexts compares two articles on their own (no corpus: document
// frequencies from the background table and the two texts, no
// boilerplate), as `reprint compare FILE FILE` does.
func CompareTexts(a, b *article.Article, cfg Config) ReuseAnswer {
	cfg = cfg.withDefaults()
	df := match.NewDocFreq("en")
	ra, rb := reuseArticle(a), reuseArticle(b)
	ta, tb := analyzeReuse(ra, nil), analyzeReuse(rb, nil)
	df.AddStems(ta.Stems())
	df.AddStems(tb.Stems())
	e := newReuseEnv(cfg, df, nil, time.Now())
	return e.compare(e.prepare(ra, ta), e.prepare(rb, tb))
}

// withDefaults fills the zero parameters of a Config made by hand.
func (c Config) withDefaults() Config {
	def := DefaultConfig()
	if c.W <= 0 {
		c.W = def.W
	}
	if c.Threshold <= 0 {
		c.Threshold = def.Threshold
	}
	if c.Containment <= 0 {
		c.Containment = def.Containment
	}
	if c.Reuse.Align.MinScore <= 0 {
		c.Reuse = def.Reuse
	}
	if c.Story.MinYear == 0 {
		c.Story = def.Story
	}
	return c
}
