package match

import (
	"github.com/reprint-news/reprint/internal/radix"
	"math"
	"slices"
)

// The relation of two texts.
//
// Relate decides one relation per pair, from the derived article's side:
// what share of its content comes from the other. The decision runs in
// order, the first that holds wins:
//
//  1. exact, near_duplicate, contains: from the two texts' shingle sets
//     (Classify, the dedup decision), given by the caller as an Overlap.
//  2. for two short texts (sentences): rewrite when the short-text model
//     (ShortTextModel) gives ReuseConfig.Paraphrase or more for the two
//     texts taken whole.
//  3. rewrite or partial: the reuse model (ReuseModel, a logistic
//     regression over the alignment's coverages, verbatim shares and
//     passages, fitted on METER's journalist labels) gives the
//     probability that the derived text was written from the other; at
//     ReuseConfig.Derived or more it is reuse, and it is a rewrite when
//     the rewrite model (RewriteModel) gives ReuseConfig.Rewrite or more
//     for "wholly derived", else partial. A text retold in other words
//     (ReuseConfig.RewriteCoverage, SourceCoverage, ParaphraseVerbatim)
//     is a rewrite too (DecideReuse).
//  4. same_story: the similarity of the two as reports of one event
//     (SimilarityModel: cosine of the texts, coverages, shared names and
//     numbers) is ReuseConfig.SameStory or more, and they do not name
//     different days (sameStory).
//  5. none.
//
// Which text is derived: the later published, when the caller knows
// (Direction). When it does not, both are tried as the derived one and
// the stronger answer is kept; the pair then has no source.

// ReuseConfig holds the relation thresholds.
type ReuseConfig struct {
	Align AlignConfig `json:"align"`
	// Dup holds the shingle-set thresholds of exact, near_duplicate and
	// contains.
	Dup Config `json:"dup"`
	// Derived is the reuse model's probability from which the derived
	// text is taken to be written from the other (partial or rewrite).
	Derived float64 `json:"derived"`
	// Rewrite is the rewrite model's probability from which reuse is a
	// rewrite (wholly derived) rather than partial.
	Rewrite float64 `json:"rewrite"`
	// SameStory is the similarity from which two texts not derived from
	// each other report the same story.
	SameStory float64 `json:"same_story"`
	// ScreenCosine, ScreenTrigrams and ScreenCosineUnshared screen out
	// pairs that cannot be reuse before they are aligned
	// (RelateSummary): a cosine of the texts' stem vectors under
	// ScreenCosine, or under ScreenCosineUnshared with less than
	// ScreenTrigrams of either text's word trigrams in the other.
	ScreenCosine         float64 `json:"screen_cosine"`
	ScreenTrigrams       float64 `json:"screen_trigrams"`
	ScreenCosineUnshared float64 `json:"screen_cosine_unshared"`
	// Paraphrase is the short-text model's probability from which two short
	// texts (ShortSentences sentences or fewer each: sentence pairs, as
	// in MSRP) are a rewrite of each other; they are compared whole.
	Paraphrase float64 `json:"paraphrase"`
	// RewriteCoverage, SourceCoverage and ParaphraseVerbatim make a
	// rewrite of a text retold in other words, which METER's wire-copy
	// reuse rarely shows (its wholly derived articles keep much of the
	// wording): at least RewriteCoverage of the derived text found in the
	// other in order, at least SourceCoverage of the other retold in it (a
	// retelling of the source, not a few of its passages), and less than
	// ParaphraseVerbatim of it verbatim.
	RewriteCoverage    float64 `json:"rewrite_coverage"`
	SourceCoverage     float64 `json:"source_coverage"`
	ParaphraseVerbatim float64 `json:"paraphrase_verbatim"`
}

// DefaultReuseConfig returns the defaults (docs/QUALITY.md).
func DefaultReuseConfig() ReuseConfig {
	return ReuseConfig{
		Align:      DefaultAlignConfig(),
		Dup:        Config{Threshold: 0.8, Containment: 0.8},
		Derived:    DefaultDerived,
		Rewrite:    DefaultRewrite,
		SameStory:  DefaultSameStory,
		Paraphrase: 0.5,
		// Measured on the 136,420 pairs of the stories of the first
		// 20,000 articles of the generated 100k corpus, decided without
		// screening: these skip 40% of the alignments, and 202 of the
		// 13,596 partial pairs (1.5%) are among the pairs skipped; no
		// rewrite, contains or near duplicate is.
		ScreenCosine:         0.2,
		ScreenTrigrams:       0.03,
		ScreenCosineUnshared: 0.4,
		// About half or more: the seed rewrite (Tehran Times retelling
		// Press TV, then adding the UN vote) has half of it retold.
		RewriteCoverage:    0.45,
		SourceCoverage:     0.4,
		ParaphraseVerbatim: 0.3,
	}
}

// Direction says which of two texts is the derived one.
type Direction int

// Directions.
const (
	// Unknown: no publication order (times missing or equal).
	Unknown Direction = iota
	// ADerived: a was published after b.
	ADerived
	// BDerived: b was published after a.
	BDerived
)

// Reuse is the relation of two texts with its evidence.
type Reuse struct {
	// Relation is the relation; for contains, ContainerA says which text
	// holds the other.
	Relation   Relation
	ContainerA bool
	// Derived is the side the relation was decided from: ADerived or
	// BDerived (the later text; with an Unknown direction, the side whose
	// answer is the stronger), Unknown for none.
	Derived Direction
	// PDerived and PRewrite are the models' probabilities for the derived
	// side.
	PDerived, PRewrite float64
	// Similarity is how close the two are as reports of one event, 0–1.
	Similarity float64
	Alignment
}

// reuseFeatureNames name the features of the reuse and rewrite models,
// from the derived text's side (d) against the other (o).
var reuseFeatureNames = []string{
	"coverage_d", "ordered_d", "verbatim_d", "cosine", "coverage_o", "length_ratio", "longest_passage_d", "passages_log",
	"trigrams_d", "strong_d", "quoted_d", "names_new_d", "numbers_new_d", "contained_d", "words_d", "words_o",
}

// ReuseFeatureNames returns the names of the reuse model's features.
func ReuseFeatureNames() []string { return append([]string(nil), reuseFeatureNames...) }

// side is one text's view of an alignment: its shares, and the other
// text.
type side struct {
	cov, ord, verb, tri, strong, quoted, contained, words float64
	d                                                     *Doc
}

// sides returns the alignment of a and b seen from a and from b.
func (al *Alignment) sides(a, b *Doc) (side, side) {
	return side{al.CoverageA, al.OrderedA, al.VerbatimA, al.TrigramsA, al.StrongA, al.QuoteA, al.ContainedA, al.WordsA, a},
		side{al.CoverageB, al.OrderedB, al.VerbatimB, al.TrigramsB, al.StrongB, al.QuoteB, al.ContainedB, al.WordsB, b}
}

// ReuseFeatures returns the reuse model's features of an alignment of a
// and b with a (aDerived) or b as the derived text.
func ReuseFeatures(al *Alignment, a, b *Doc, aDerived bool) []float64 {
	d, o := al.sides(a, b)
	if !aDerived {
		d, o = o, d
	}
	nd, no := len(d.d.content), len(o.d.content)
	longest := 0
	for _, p := range al.Passages {
		longest = max(longest, p.Tokens)
	}
	lr := 3.0
	if no > 0 {
		lr = min(3, float64(nd)/float64(no))
	}
	lp := 0.0
	if nd > 0 {
		lp = float64(longest) / float64(nd)
	}
	return []float64{d.cov, d.ord, d.verb, al.Cosine, o.cov, lr, lp, math.Log1p(float64(len(al.Passages))), d.tri, d.strong, d.quoted,
		newShare(d.d.names, o.d.names), newShare(d.d.nums, o.d.nums), d.contained, d.words,
		o.words}
}

// Relate decides the relation of texts a and b. o is the overlap of
// their shingle sets and sameExact whether their exact hashes agree (as
// dedup computes them); dir says which is derived, when known.
func Relate(a, b *Doc, o Overlap, sameExact bool, dir Direction, cfg ReuseConfig) Reuse {
	return relate(a, b, o, sameExact, dir, cfg, true)
}

// RelateSummary is Relate for callers that keep the relation, not its
// evidence (the batch run's relations, the service's stored ones), and
// compare many pairs of one story: a pair that the shingle sets make
// exact, near_duplicate or contains is not aligned (its coverages are the
// sets' containments), nor is a pair that screens out as unrelated
// (ReuseConfig.ScreenCosine: it can then only be same_story or none, by
// its similarity without coverage). Sentences and passages are left out.
func RelateSummary(a, b *Doc, o Overlap, sameExact bool, dir Direction, cfg ReuseConfig) Reuse {
	return relate(a, b, o, sameExact, dir, cfg, false)
}

func relate(a, b *Doc, o Overlap, sameExact bool, dir Direction, cfg ReuseConfig, evidence bool) Reuse {
	rel, aContains := Classify(o, sameExact, cfg.Dup)
	var r Reuse
	r.textShares(a, b)
	screened := rel == None && !evidence &&
		(r.Cosine < cfg.ScreenCosine || max(r.TrigramsA, r.TrigramsB) < cfg.ScreenTrigrams && r.Cosine < cfg.ScreenCosineUnshared)
	switch {
	case screened:
		r.Similarity = similarity(&r.Alignment, a, b)
		if sameStory(&r, a, b, cfg) {
			r.Relation = SameStory
		}
		return r
	case rel == None || evidence:
		r.align(a, b, cfg.Align)
	default:
		if o.SizeA > 0 && o.SizeB > 0 {
			r.CoverageA, r.CoverageB = round4(float64(o.Inter)/float64(o.SizeA)), round4(float64(o.Inter)/float64(o.SizeB))
			r.OrderedA, r.OrderedB = r.CoverageA, r.CoverageB
		}
	}
	r.Similarity = similarity(&r.Alignment, a, b)
	switch rel {
	// Copies of one text are at least as close as the text they share: the
	// model, fitted on distinct reports, scores pairs beyond its data (two
	// identical texts, every share at 1) below some it has seen.
	case Exact:
		r.Similarity = 1
	case NearDuplicate:
		r.Similarity = max(r.Similarity, round4(o.Jaccard()))
	}
	if rel != None {
		r.Relation, r.ContainerA = rel, aContains
		r.Derived = dir
		if rel == Contains && dir == Unknown {
			// The contained text is the one taken whole.
			r.Derived = BDerived
			if !aContains {
				r.Derived = ADerived
			}
		}
		r.PDerived, r.PRewrite = 1, 1
		return r
	}
	if len(a.sents) <= ShortSentences && len(b.sents) <= ShortSentences && len(a.sents) > 0 && len(b.sents) > 0 {
		// Short texts: compared whole by the sentence model.
		p := round4(shortScore(a.whole(), b.whole()))
		r.PDerived, r.PRewrite = p, p
		switch {
		case p >= cfg.Paraphrase:
			r.Relation, r.Derived = Rewrite, dir
		case sameStory(&r, a, b, cfg):
			r.Relation = SameStory
		}
		return r
	}
	try := func(first bool) (Relation, float64, float64) {
		return DecideReuse(ReuseFeatures(&r.Alignment, a, b, first), cfg)
	}
	var rel2 Relation
	switch dir {
	case ADerived:
		rel2, r.PDerived, r.PRewrite = try(true)
	case BDerived:
		rel2, r.PDerived, r.PRewrite = try(false)
	default:
		// Both ways; the stronger answer (a copy over none, rewrite over
		// partial, then the higher probability).
		ra, pa, wa := try(true)
		rb, pb, wb := try(false)
		rel2, r.PDerived, r.PRewrite, dir = ra, pa, wa, ADerived
		if strength(rb) > strength(ra) || strength(rb) == strength(ra) && pb > pa {
			rel2, r.PDerived, r.PRewrite, dir = rb, pb, wb, BDerived
		}
	}
	r.PDerived, r.PRewrite = round4(r.PDerived), round4(r.PRewrite)
	switch {
	case rel2 != None:
		r.Relation, r.Derived = rel2, dir
	case sameStory(&r, a, b, cfg):
		r.Relation = SameStory
	}
	return r
}

// sameStory reports whether two texts not derived from each other report
// one story: their similarity reaches ReuseConfig.SameStory, and they do
// not tell of different days: when both name weekdays or months, they
// share one (two reports of one storyline's events a week apart, which
// the similarity model rates alike, name different days).
func sameStory(r *Reuse, a, b *Doc, cfg ReuseConfig) bool {
	if r.Similarity < cfg.SameStory {
		return false
	}
	return len(a.when) == 0 || len(b.when) == 0 || inter(a.when, b.when) > 0
}

// ShortSentences is the most sentences a text may have for Relate to
// compare it whole, as a sentence (see ReuseConfig.Paraphrase).
const ShortSentences = 2

// strength orders the reuse relations: rewrite, partial, none.
func strength(r Relation) int {
	switch r {
	case Rewrite:
		return 2
	case Partial:
		return 1
	}
	return 0
}

// DecideReuse decides rewrite, partial or none from the reuse features f
// of the derived side, and returns the two models' probabilities:
// partial or more when ReuseModel gives Derived or more, or when the
// text is a paraphrased rewrite; rewrite when RewriteModel gives Rewrite
// or more, or when it is a paraphrased rewrite (ReuseConfig.RewriteCoverage).
func DecideReuse(f []float64, cfg ReuseConfig) (Relation, float64, float64) {
	return DecideReuseWith(f, cfg, ReuseModel, RewriteModel)
}

// DecideReuseWith is DecideReuse with the given reuse and rewrite models
// (for fitting them).
func DecideReuseWith(f []float64, cfg ReuseConfig, reuse, rewrite *Logit) (Relation, float64, float64) {
	pd, pw := reuse.Prob(f), rewrite.Prob(f)
	// ordered_d, coverage_o, verbatim_d
	paraphrased := f[1] >= cfg.RewriteCoverage && f[4] >= cfg.SourceCoverage && f[2] < cfg.ParaphraseVerbatim
	switch {
	case paraphrased || pd >= cfg.Derived && pw >= cfg.Rewrite:
		return Rewrite, pd, pw
	case pd >= cfg.Derived:
		return Partial, pd, pw
	}
	return None, pd, pw
}

// similarityFeatureNames name the features of the similarity model.
var similarityFeatureNames = []string{"cosine", "coverage_max", "coverage_min", "names", "numbers", "words_max", "words_min", "trigrams_max", "trigrams_min"}

// SimilarityFeatureNames returns the names of the similarity model's
// features.
func SimilarityFeatureNames() []string { return append([]string(nil), similarityFeatureNames...) }

// SimilarityFeatures returns the similarity model's features of an
// alignment of a and b (for fitting).
func SimilarityFeatures(al *Alignment, a, b *Doc) []float64 {
	return []float64{
		al.Cosine, max(al.CoverageA, al.CoverageB), min(al.CoverageA, al.CoverageB),
		Compare(a.names, b.names).Jaccard(), Compare(a.nums, b.nums).Jaccard(), max(al.WordsA, al.WordsB), min(al.WordsA, al.WordsB), max(al.TrigramsA, al.TrigramsB), min(al.TrigramsA, al.TrigramsB),
	}
}

// similarity scores a and b as reports of one event.
func similarity(al *Alignment, a, b *Doc) float64 {
	return round4(SimilarityModel.Prob(SimilarityFeatures(al, a, b)))
}

// makeAnchors collects the text's names and numbers (Prepare does, once).
func (d *Doc) makeAnchors() (names, nums []uint32) {
	for k := range d.sents {
		names = append(names, d.sents[k].names...)
		nums = append(nums, d.sents[k].nums...)
	}
	radix.SortSmall(names)
	radix.SortSmall(nums)
	return slices.Compact(names), slices.Compact(nums)
}

// newShare returns the share of d's items not in o (0 when d has none).
func newShare(d, o []uint32) float64 {
	if len(d) == 0 {
		return 0
	}
	return float64(len(d)-inter(d, o)) / float64(len(d))
}
