package match

import (
	"math"
	"slices"
	"sync"

	"github.com/reprint-news/reprint/internal/radix"
	"github.com/reprint-news/reprint/text"
)

// Sentence alignment.
//
// Align pairs the sentences of two texts the way passim aligns passages and
// Smith–Waterman aligns sequences, at sentence level: a dynamic program
// over the matrix of sentence similarities finds the order-preserving
// alignment with gaps that maximises Σ (score − MinScore) over its pairs,
// where a pair is one sentence of each text, or two adjacent sentences of
// one text against one of the other (a sentence split in two, or two merged
// into one). Unaligned sentences cost nothing: additions, cuts and
// reordered material are gaps. Sentences left out of the ordered alignment
// that still find a counterpart elsewhere in the other text (a paragraph
// moved up) are then paired too, marked not Ordered.
//
// A pair's score is the sentence model's probability that the two say the
// same thing (SentenceModel over pairFeatures), for the pairs whose
// weighted Dice coefficient reaches PrefilterDice; the others score 0.
// Names weigh more, stop words nothing, and differing numbers lower the
// score (sentences.go).
//
// A pair whose shared words stand inside quotation marks on both sides
// (at least QuoteShare of the shared weight) is a shared quotation: two
// outlets quoting one speaker. It is reported (Kind "quote") but does not
// count as reuse in the coverages.
//
// Cost: one merge join of the two texts' (stem, sentence) entries finds the
// pairs that can pass the prefilter, the sentence model scores those, and
// the program runs over the n·m cells. Two 3 KB articles (about 20
// sentences each) align in well under 200 µs; MaxSentences bounds the
// worst case: a longer text is aligned on the window of MaxSentences of
// its sentences that shares the most with the other (alignWindow).

// AlignConfig holds the alignment parameters.
type AlignConfig struct {
	// MinScore is the score from which two sentences (or a sentence and
	// two merged ones) align.
	MinScore float64 `json:"min_score"`
	// QuoteShare is the share of a pair's shared weight inside quotation
	// marks on both sides from which the pair is a shared quotation.
	QuoteShare float64 `json:"quote_share"`
	// PassageMinTokens is the shortest verbatim passage reported.
	PassageMinTokens int `json:"passage_min_tokens"`
	// VerbatimShare is the share of both sentences' bytes inside verbatim
	// passages from which a pair is verbatim rather than paraphrased.
	VerbatimShare float64 `json:"verbatim_share"`
}

// DefaultAlignConfig returns the defaults (docs/QUALITY.md).
func DefaultAlignConfig() AlignConfig {
	return AlignConfig{MinScore: 0.2, QuoteShare: 0.7, PassageMinTokens: 8, VerbatimShare: 0.8}
}

// Kinds of sentence pairs.
const (
	KindVerbatim   = "verbatim"
	KindParaphrase = "paraphrase"
	KindQuote      = "quote"
)

// SentencePair is one aligned pair: sentences A[0]..A[1]-1 of the first
// text and B[0]..B[1]-1 of the second (one sentence on at least one side),
// with byte ranges into the original texts.
type SentencePair struct {
	A      [2]int  `json:"a"`
	B      [2]int  `json:"b"`
	AStart int     `json:"a_start"`
	AEnd   int     `json:"a_end"`
	BStart int     `json:"b_start"`
	BEnd   int     `json:"b_end"`
	Score  float64 `json:"score"`
	// Kind is "verbatim" (the words are the same), "paraphrase" (retold)
	// or "quote" (a quotation both carry).
	Kind string `json:"kind"`
	// Ordered is set for pairs of the order-preserving alignment; a pair
	// found out of order (moved material) has it unset.
	Ordered bool `json:"ordered"`
}

// Alignment is the result of Align.
type Alignment struct {
	Pairs []SentencePair
	// Passages are the verbatim passages of at least PassageMinTokens
	// tokens, in order of the first text.
	Passages []Passage
	// CoverageA is the share of the first text's content (its sentences'
	// weight) in sentences paired with the second, quotations left out;
	// CoverageB the same for the second.
	CoverageA, CoverageB float64
	// OrderedA and OrderedB are the coverages from ordered pairs only.
	OrderedA, OrderedB float64
	// VerbatimA and VerbatimB are the shares of each text's content tokens
	// inside verbatim passages.
	VerbatimA, VerbatimB float64
	// QuoteA and QuoteB are the shares of each text's weight in shared
	// quotations.
	QuoteA, QuoteB float64
	// TrigramsA and TrigramsB are the shares of each text's word trigrams
	// (outside boilerplate) found in the other.
	TrigramsA, TrigramsB float64
	// StrongA and StrongB are the shares of each text's weight in pairs
	// scoring at least StrongScore.
	StrongA, StrongB float64
	// ContainedA and ContainedB: each sentence's largest weighted share of
	// its words found in one sentence of the other text, averaged over the
	// text by weight.
	ContainedA, ContainedB float64
	// WordsA and WordsB are the weighted shares of each text's distinct
	// stems found anywhere in the other.
	WordsA, WordsB float64
	// Cosine is the cosine of the two texts' weighted stem vectors.
	Cosine float64
	// Truncated is set when a text had more than MaxSentences sentences
	// (it was aligned on the window of them that shares most with the
	// other text) or more than MaxPrepared (the rest was not looked at).
	Truncated bool
	// WindowA and WindowB are the sentences of each text that were
	// aligned, [from, to): all of them unless the text has more than
	// MaxSentences.
	WindowA, WindowB [2]int
}

// cell is a scored sentence pair of the similarity matrix.
type cell struct {
	score, inA, inB, quoted float32
}

// PrefilterDice is the weighted Dice coefficient below which a sentence
// pair is not scored by the sentence model (its score is 0): pairs that
// share that little are never paraphrases, and most pairs of two articles
// are such pairs.
const PrefilterDice = 0.25

// pairScore scores sentences x and y: the sentence model's probability
// that they say the same thing, 0 below the prefilter.
func pairScore(x, y *sentence) cell {
	d, ia, ib, q := sim(x, y)
	if d < PrefilterDice {
		return cell{}
	}
	var f [numPairFeatures]float64
	pairFeatures(x, y, &f, false)
	return cell{float32(SentenceModel.Prob(f[:numAlignFeatures])), float32(ia), float32(ib), float32(q)}
}

// shortScore scores two short texts taken whole (x and y are their
// merged sentences): the short-text model's probability that they say
// the same thing, 0 below the prefilter.
func shortScore(x, y *sentence) float64 {
	if d, _, _, _ := sim(x, y); d < PrefilterDice {
		return 0
	}
	var f [numPairFeatures]float64
	pairFeatures(x, y, &f, true)
	return ShortTextModel.Prob(f[:])
}

// MergeContain is the share of each of two adjacent sentences' weight
// that must be found in one sentence of the other text for the program to
// try them merged against it (a sentence split in two, or two merged):
// halves of a split sentence are each mostly in the whole.
const MergeContain = 0.4

// Back-pointers of the dynamic program.
const (
	backNone  uint8 = iota // start
	backSkipA              // sentence i left unaligned
	backSkipB              // sentence j left unaligned
	back11                 // i with j
	back21                 // i-1, i with j
	back12                 // i with j-1, j
)

// alignScratch is the work space of one alignment (its score matrix and
// dynamic program), reused through alignPool: none of it outlives the
// alignment.
type alignScratch struct {
	ea, eb []entry // the windows' entries of texts over MaxSentences
	S      []cell
	shared []float32
	best   []float64
	back   []uint8
}

var alignPool = sync.Pool{New: func() any { return new(alignScratch) }}

// zeroed returns s resized to n zero values, reusing its storage when it
// can.
func zeroed[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// Align aligns texts a and b.
func Align(a, b *Doc, cfg AlignConfig) Alignment {
	var al Alignment
	al.textShares(a, b)
	al.align(a, b, cfg)
	return al
}

// textShares fills the shares that compare the two texts whole: the
// cosine of their stem vectors, the weighted shares of their stems and
// the shares of their word trigrams found in the other.
func (al *Alignment) textShares(a, b *Doc) {
	al.Cosine, al.WordsA, al.WordsB = vectorOverlap(a, b)
	al.TrigramsA, al.TrigramsB = trigramShares(a.tris, b.tris)
}

// align fills the rest of al (textShares filled).
func (al *Alignment) align(a, b *Doc, cfg AlignConfig) {
	al.Truncated = a.Truncated || b.Truncated
	al.Passages = b.passagesWith(a.content, cfg.PassageMinTokens)
	al.VerbatimA, al.VerbatimB = passageShares(al.Passages, a.content, b.content)
	if len(a.sents) == 0 || len(b.sents) == 0 {
		return
	}
	a.extras()
	b.extras()
	sc := alignPool.Get().(*alignScratch)
	defer alignPool.Put(sc)
	// A text of more than MaxSentences is aligned on the window of them
	// that shares the most with the other text.
	wa, wb := alignWindow(a, b), alignWindow(b, a)
	al.WindowA, al.WindowB = wa, wb
	al.Truncated = al.Truncated || !a.allIn(wa) || !b.allIn(wb)
	sa, sb := a.sents[wa[0]:wa[1]], b.sents[wb[0]:wb[1]]
	ea, eb := a.windowEntries(wa, &sc.ea), b.windowEntries(wb, &sc.eb)
	n, m := len(sa), len(sb)
	sc.S = zeroed(sc.S, n*m)
	S := sc.S
	// Only the pairs whose shared weight can reach the prefilter are
	// scored: a merge join of the two texts' (stem, sentence) entries
	// sums each pair's shared weight (an upper bound of what sim finds, as
	// it leaves out the numbers' agreement).
	sc.shared = zeroed(sc.shared, n*m)
	shared := sc.shared
	for x, y := 0, 0; x < len(ea) && y < len(eb); {
		switch {
		case ea[x].stem < eb[y].stem:
			x++
		case ea[x].stem > eb[y].stem:
			y++
		default:
			s := ea[x].stem
			x1, y1 := x, y
			for x1 < len(ea) && ea[x1].stem == s {
				x1++
			}
			for y1 < len(eb) && eb[y1].stem == s {
				y1++
			}
			for _, p := range ea[x:x1] {
				for _, q := range eb[y:y1] {
					shared[int(p.sent)*m+int(q.sent)] += p.w + q.w
				}
			}
			x, y = x1, y1
		}
	}
	for i := range n {
		for j := range m {
			if float64(shared[i*m+j]) >= PrefilterDice*(sa[i].mass+sb[j].mass) {
				S[i*m+j] = pairScore(&sa[i], &sb[j])
			}
		}
	}
	th := cfg.MinScore
	gain := func(s float64) float64 {
		if s < th {
			return math.Inf(-1)
		}
		return s - th + 1e-9 // a pair at the threshold still beats a gap
	}
	// Pairs are numbered within the windows until every step that reads
	// S is done, then in the whole texts.
	pair := func(i0, i1, j0, j1 int, c cell, ordered bool) SentencePair {
		return sentencePair(a.Sentences[wa[0]:], b.Sentences[wb[0]:], i0, i1, j0, j1, c, ordered)
	}
	// best[(i)*(m+1)+j]: the best alignment of sa[:i] and sb[:j].
	W := m + 1
	sc.best, sc.back = zeroed(sc.best, (n+1)*W), zeroed(sc.back, (n+1)*W)
	best, back := sc.best, sc.back
	mergedA := make(map[int]cell) // i*m+j → score of sa[i-1..i] with sb[j]
	mergedB := make(map[int]cell) // i*m+j → score of sa[i] with sb[j-1..j]
	for i := 0; i <= n; i++ {
		for j := 0; j <= m; j++ {
			if i == 0 && j == 0 {
				continue
			}
			v, bk := math.Inf(-1), backNone
			if i > 0 && best[(i-1)*W+j] > v {
				v, bk = best[(i-1)*W+j], backSkipA
			}
			if j > 0 && best[i*W+j-1] > v {
				v, bk = best[i*W+j-1], backSkipB
			}
			if i > 0 && j > 0 {
				c := S[(i-1)*m+j-1]
				if g := best[(i-1)*W+j-1] + gain(float64(c.score)); g > v {
					v, bk = g, back11
				}
				// Two sentences of a with one of b: most of each must be
				// in it.
				if i > 1 && c.inA >= MergeContain && S[(i-2)*m+j-1].inA >= MergeContain {
					mc := mergedCell(&sa[i-2], &sa[i-1], &sb[j-1], false)
					mergedA[(i-1)*m+j-1] = mc
					if g := best[(i-2)*W+j-1] + gain(float64(mc.score)); g > v {
						v, bk = g, back21
					}
				}
				if j > 1 && c.inB >= MergeContain && S[(i-1)*m+j-2].inB >= MergeContain {
					mc := mergedCell(&sb[j-2], &sb[j-1], &sa[i-1], true)
					mergedB[(i-1)*m+j-1] = mc
					if g := best[(i-1)*W+j-2] + gain(float64(mc.score)); g > v {
						v, bk = g, back12
					}
				}
			}
			best[i*W+j], back[i*W+j] = v, bk
		}
	}
	// Trace back.
	alignedA := make([]bool, n)
	alignedB := make([]bool, m)
	var pairs []SentencePair
	for i, j := n, m; i > 0 || j > 0; {
		switch back[i*W+j] {
		case backSkipA:
			i--
		case backSkipB:
			j--
		case back11:
			pairs = append(pairs, pair(i-1, i, j-1, j, S[(i-1)*m+j-1], true))
			i, j = i-1, j-1
		case back21:
			pairs = append(pairs, pair(i-2, i, j-1, j, mergedA[(i-1)*m+j-1], true))
			i, j = i-2, j-1
		case back12:
			pairs = append(pairs, pair(i-1, i, j-2, j, mergedB[(i-1)*m+j-1], true))
			i, j = i-1, j-2
		default:
			i, j = 0, 0
		}
	}
	slices.Reverse(pairs)
	for _, p := range pairs {
		for k := p.A[0]; k < p.A[1]; k++ {
			alignedA[k] = true
		}
		for k := p.B[0]; k < p.B[1]; k++ {
			alignedB[k] = true
		}
	}
	// Moved material: an unaligned sentence's best counterpart anywhere.
	for i := range n {
		if alignedA[i] {
			continue
		}
		if bj := bestAbove(m, float32(th), func(j int) float32 { return S[i*m+j].score }); bj >= 0 {
			pairs = append(pairs, pair(i, i+1, bj, bj+1, S[i*m+bj], false))
		}
	}
	for j := range m {
		if alignedB[j] {
			continue
		}
		bi := bestAbove(n, float32(th), func(i int) float32 { return S[i*m+j].score })
		if bi >= 0 && !slices.ContainsFunc(pairs, func(p SentencePair) bool { return p.A[0] == bi && p.B[0] == j && !p.Ordered }) {
			pairs = append(pairs, pair(bi, bi+1, j, j+1, S[bi*m+j], false))
		}
	}
	slices.SortStableFunc(pairs, func(x, y SentencePair) int {
		if x.A[0] != y.A[0] {
			return x.A[0] - y.A[0]
		}
		return x.B[0] - y.B[0]
	})
	markVerbatim(pairs, al.Passages, cfg.VerbatimShare)
	for k := range pairs {
		p := &pairs[k]
		if p.Kind != KindVerbatim && float64(cellQuoted(*p, S, m)) >= cfg.QuoteShare {
			p.Kind = KindQuote
		}
		p.A[0], p.A[1], p.B[0], p.B[1] = p.A[0]+wa[0], p.A[1]+wa[0], p.B[0]+wb[0], p.B[1]+wb[0]
	}
	al.Pairs = pairs
	al.ContainedA, al.ContainedB = contained(sa, sb, a.mass, b.mass, S)
	outA := verbatimOutside(a, wa, al.Passages, func(p Passage) [2]int { return [2]int{p.AStart, p.AEnd} })
	outB := verbatimOutside(b, wb, al.Passages, func(p Passage) [2]int { return [2]int{p.BStart, p.BEnd} })
	al.CoverageA, al.OrderedA, al.QuoteA = sideCoverage(a, pairs, outA, func(p SentencePair) [2]int { return p.A })
	al.CoverageB, al.OrderedB, al.QuoteB = sideCoverage(b, pairs, outB, func(p SentencePair) [2]int { return p.B })
	al.StrongA = strongShare(a, pairs, func(p SentencePair) [2]int { return p.A })
	al.StrongB = strongShare(b, pairs, func(p SentencePair) [2]int { return p.B })
}

// alignWindow returns the sentences of d that alignment with other looks
// at, [lo, hi): all of them, or for a text of more than MaxSentences the
// run of MaxSentences holding the most weight in stems the other text has
// (the earliest such run on a tie). The choice costs one merge join of
// d's entries with other's stem vector.
func alignWindow(d, other *Doc) [2]int {
	n := len(d.sents)
	if n <= MaxSentences {
		return [2]int{0, n}
	}
	in := make([]float64, n)
	v := other.vec
	for x, y := 0, 0; x < len(d.entries) && y < len(v); {
		switch e := d.entries[x]; {
		case e.stem < v[y].stem:
			x++
		case e.stem > v[y].stem:
			y++
		default:
			in[e.sent] += float64(e.w)
			x++
		}
	}
	var sum float64
	for _, w := range in[:MaxSentences] {
		sum += w
	}
	lo, top := 0, sum
	for k := MaxSentences; k < n; k++ {
		sum += in[k] - in[k-MaxSentences]
		if sum > top+1e-9 {
			lo, top = k-MaxSentences+1, sum
		}
	}
	return [2]int{lo, lo + MaxSentences}
}

// allIn reports whether window w holds every sentence of d.
func (d *Doc) allIn(w [2]int) bool { return w == [2]int{0, len(d.sents)} }

// windowEntries returns d's entries of the sentences in window w,
// numbered from its start (d.entries itself when w is all of them; buf is
// reused otherwise).
func (d *Doc) windowEntries(w [2]int, buf *[]entry) []entry {
	if d.allIn(w) {
		return d.entries
	}
	out := (*buf)[:0]
	for _, e := range d.entries {
		if k := int(e.sent); k >= w[0] && k < w[1] {
			out = append(out, entry{stem: e.stem, sent: int32(k - w[0]), w: e.w})
		}
	}
	*buf = out
	return out
}

// bestAbove returns the k in [0, n) of the highest score(k) at or above th
// (the last on a tie), or -1.
func bestAbove(n int, th float32, score func(k int) float32) int {
	bk := -1
	for k := range n {
		if s := score(k); s >= th {
			bk, th = k, s
		}
	}
	return bk
}

// cellQuoted returns the quoted share of a pair: the mean over its
// sentence cells.
func cellQuoted(p SentencePair, S []cell, m int) float32 {
	var q float32
	k := 0
	for i := p.A[0]; i < p.A[1]; i++ {
		for j := p.B[0]; j < p.B[1]; j++ {
			q += S[i*m+j].quoted
			k++
		}
	}
	return q / float32(k)
}

// mergedCell scores sentences x and y merged against z (swap: z is of the
// first text).
func mergedCell(x, y, z *sentence, swap bool) cell {
	mg := merge(x, y)
	if swap {
		return pairScore(z, &mg)
	}
	return pairScore(&mg, z)
}

// sentencePair builds the SentencePair of sentences [i0,i1) of sa and
// [j0,j1) of sb.
func sentencePair(sa, sb []text.Sentence, i0, i1, j0, j1 int, c cell, ordered bool) SentencePair {
	return SentencePair{
		A: [2]int{i0, i1}, B: [2]int{j0, j1},
		AStart: sa[i0].Start, AEnd: sa[i1-1].End,
		BStart: sb[j0].Start, BEnd: sb[j1-1].End,
		Score: round4(float64(c.score)), Kind: KindParaphrase, Ordered: ordered,
	}
}

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }

// markVerbatim marks the pairs whose bytes on both sides lie at least
// share inside verbatim passages.
func markVerbatim(pairs []SentencePair, ps []Passage, share float64) {
	for k := range pairs {
		p := &pairs[k]
		var inA, inB int
		for _, q := range ps {
			inA += overlap(p.AStart, p.AEnd, q.AStart, q.AEnd)
			inB += overlap(p.BStart, p.BEnd, q.BStart, q.BEnd)
		}
		if float64(inA) >= share*float64(p.AEnd-p.AStart) && float64(inB) >= share*float64(p.BEnd-p.BStart) {
			p.Kind = KindVerbatim
		}
	}
}

func overlap(s0, e0, s1, e1 int) int { return max(0, min(e0, e1)-max(s0, s1)) }

// sideCoverage returns the share of d's weight found in the other text
// (each sentence counts with its weight times the best score of the pairs
// it is in: the probability that it is retold there), the same from
// ordered pairs only, and the share in shared quotations. Sentences that
// only meet the other text in a shared quotation are left out of the
// first two shares altogether: two outlets quoting one speaker is no
// evidence of copying, nor against it. side picks d's sentence range of a
// pair. outside is the credit of the sentences outside the aligned window
// (verbatimOutside; nil when there are none).
func sideCoverage(d *Doc, pairs []SentencePair, outside []float64, side func(SentencePair) [2]int) (all, ordered, quoted float64) {
	if d.mass == 0 {
		return 0, 0, 0
	}
	credit := make([]float64, len(d.sents))
	ordCredit := make([]float64, len(d.sents))
	if outside != nil {
		copy(credit, outside)
		copy(ordCredit, outside)
	}
	inQuote := make([]bool, len(d.sents))
	for _, p := range pairs {
		r := side(p)
		for k := r[0]; k < r[1]; k++ {
			if p.Kind == KindQuote {
				inQuote[k] = true
				continue
			}
			c := p.Score
			if p.Ordered {
				c = 1 // in the order-preserving alignment: its place confirms it
				ordCredit[k] = 1
			}
			credit[k] = max(credit[k], c)
		}
	}
	for k := range d.sents {
		w := d.sents[k].mass
		all += w * credit[k]
		ordered += w * ordCredit[k]
		if inQuote[k] && credit[k] == 0 {
			quoted += w
		}
	}
	// Shared quotations are neutral: they count neither for reuse nor
	// against it (the share is of the rest of the text).
	rest := d.mass - quoted
	if rest <= 0 {
		return 0, 0, round4(quoted / d.mass)
	}
	return round4(all / rest), round4(ordered / rest), round4(quoted / d.mass)
}

// verbatimOutside returns, for a text aligned on window w of its
// sentences, the credit of each sentence outside it: the share of its
// bytes inside verbatim passages (side picks the text's byte range of a
// passage), what is known of it without aligning it — a long text that
// repeats the other whole beyond the window still covers it. Nil when the
// window holds every sentence.
func verbatimOutside(d *Doc, w [2]int, ps []Passage, side func(Passage) [2]int) []float64 {
	if d.allIn(w) {
		return nil
	}
	// The passages' ranges on this side, merged into disjoint runs.
	runs := make([][2]int, 0, len(ps))
	for _, p := range ps {
		runs = append(runs, side(p))
	}
	slices.SortFunc(runs, func(x, y [2]int) int { return x[0] - y[0] })
	merged := runs[:0]
	for _, r := range runs {
		if k := len(merged) - 1; k >= 0 && r[0] <= merged[k][1] {
			merged[k][1] = max(merged[k][1], r[1])
			continue
		}
		merged = append(merged, r)
	}
	out := make([]float64, len(d.sents))
	q := 0
	for k, st := range d.Sentences[:len(d.sents)] {
		if k >= w[0] && k < w[1] || st.End <= st.Start {
			continue
		}
		for q < len(merged) && merged[q][1] <= st.Start {
			q++
		}
		in := 0
		for r := q; r < len(merged) && merged[r][0] < st.End; r++ {
			in += overlap(st.Start, st.End, merged[r][0], merged[r][1])
		}
		out[k] = float64(in) / float64(st.End-st.Start)
	}
	return out
}

// passageShares returns the shares of a's and b's tokens inside passages.
func passageShares(ps []Passage, ta, tb []text.Token) (float64, float64) {
	if len(ta) == 0 || len(tb) == 0 {
		return 0, 0
	}
	na := 0
	for _, p := range ps {
		na += p.Tokens
	}
	// In b, passages may overlap (a repeats what b holds once): count b's
	// tokens by position.
	nb := 0
	k := 0
	byB := slices.Clone(ps)
	slices.SortFunc(byB, func(x, y Passage) int { return x.BStart - y.BStart })
	for _, t := range tb {
		for k < len(byB) && byB[k].BEnd <= t.Start {
			k++
		}
		for q := k; q < len(byB) && byB[q].BStart <= t.Start; q++ {
			if t.Start < byB[q].BEnd {
				nb++
				break
			}
		}
	}
	return round4(min(1, float64(na)/float64(len(ta)))), round4(min(1, float64(nb)/float64(len(tb))))
}

// vectorOverlap returns, in one merge join of the two texts' stem
// vectors, their cosine and the weighted share of each text's stems that
// the other holds anywhere.
func vectorOverlap(a, b *Doc) (cos, inA, inB float64) {
	va, vb := a.vec, b.vec
	var dot, wa, wb float64
	for x, y := 0, 0; x < len(va) && y < len(vb); {
		switch {
		case va[x].stem < vb[y].stem:
			x++
		case va[x].stem > vb[y].stem:
			y++
		default:
			dot += va[x].w * vb[y].w
			wa += va[x].w
			wb += vb[y].w
			x++
			y++
		}
	}
	share := func(in, all float64) float64 {
		if all == 0 {
			return 0
		}
		return round4(in / all)
	}
	if a.vecNorm > 0 && b.vecNorm > 0 {
		cos = round4(dot / (a.vecNorm * b.vecNorm))
	}
	return cos, share(wa, a.vecSum), share(wb, b.vecSum)
}

// stemWeight is one stem of a text's vector.
type stemWeight struct {
	stem uint32
	w    float64
}

// makeVector computes the stem vector from the entries (sorted by stem):
// per stem, its largest weight times the sublinear count of the sentences
// holding it (Prepare does, once), and its norm.
func (d *Doc) makeVector() {
	d.vec = d.vec[:0]
	var sq float64
	for i := 0; i < len(d.entries); {
		j, w := i, float32(0)
		for j < len(d.entries) && d.entries[j].stem == d.entries[i].stem {
			w = max(w, d.entries[j].w)
			j++
		}
		x := float64(w) * (1 + math.Log(float64(j-i)))
		d.vec = append(d.vec, stemWeight{d.entries[i].stem, x})
		d.vecSum += x
		sq += x * x
		i = j
	}
	d.vecNorm = math.Sqrt(sq)
}

// StrongScore is the pair score from which a sentence counts as surely
// retold (Alignment.StrongA).
const StrongScore = 0.6

// strongShare returns the share of d's weight in non-quote pairs scoring
// at least StrongScore.
func strongShare(d *Doc, pairs []SentencePair, side func(SentencePair) [2]int) float64 {
	if d.mass == 0 {
		return 0
	}
	in := make([]bool, len(d.sents))
	for _, p := range pairs {
		if p.Kind != KindQuote && p.Score >= StrongScore {
			r := side(p)
			for k := r[0]; k < r[1]; k++ {
				in[k] = true
			}
		}
	}
	w := 0.0
	for k, ok := range in {
		if ok {
			w += d.sents[k].mass
		}
	}
	return round4(w / d.mass)
}

// trigramShares returns the shares of two texts' token trigrams (ga, gb:
// sorted, unique) found in the other.
func trigramShares(ga, gb []uint64) (float64, float64) {
	if len(ga) == 0 || len(gb) == 0 {
		return 0, 0
	}
	k := inter(ga, gb)
	return round4(float64(k) / float64(len(ga))), round4(float64(k) / float64(len(gb)))
}

// trigrams returns the sorted, unique hashes of toks' trigrams.
func trigrams(toks []text.Token) []uint64 {
	if len(toks) < 3 {
		return nil
	}
	out := make([]uint64, 0, len(toks)-2)
	for i := 2; i < len(toks); i++ {
		out = append(out, (uint64(toks[i-2].Hash)*0x9e3779b97f4a7c15)^uint64(toks[i-1].Hash)<<32^uint64(toks[i].Hash))
	}
	radix.Sort(out, make([]uint64, len(out)))
	return slices.Compact(out)
}

// contained returns, for each text, its sentences' largest containment in
// one sentence of the other (from the score matrix S of the aligned
// sentences sa and sb), averaged by weight over the whole texts (masses
// massA, massB).
func contained(sa, sb []sentence, massA, massB float64, S []cell) (float64, float64) {
	n, m := len(sa), len(sb)
	bestB := make([]float32, m)
	var ca float64
	for i := range n {
		var best float32
		for j := range m {
			c := S[i*m+j]
			best = max(best, c.inA)
			bestB[j] = max(bestB[j], c.inB)
		}
		ca += sa[i].mass * float64(best)
	}
	var cb float64
	for j := range m {
		cb += sb[j].mass * float64(bestB[j])
	}
	if massA > 0 {
		ca /= massA
	}
	if massB > 0 {
		cb /= massB
	}
	return round4(ca), round4(cb)
}
