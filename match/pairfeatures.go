package match

import (
	"math"
	"math/bits"
	"slices"

	"github.com/reprint-news/reprint/text"
)

// Sentence pair features: what the sentence model (SentenceModel) sees of
// two sentences. Most features are shares or indicators in [0, 1]; counts
// are scaled to about that range.
var pairFeatureNames = []string{
	"dice_weighted", "contain_min", "contain_max", "dice_stems", "dice_bigrams",
	"numbers_both", "numbers_differ", "numbers_one_side", "names_differ", "length_ratio", "unmatched_heaviest",
	"unmatched_min", "unmatched_max", "unmatched_weight_min", "unmatched_weight_max", "dice_synonyms",
	"dice_trigrams", "dice_all_words", "contain_all_words_min", "contain_bigrams_min", "contain_trigrams_min",
	"contain_all_words_max", "contain_bigrams_max", "contain_trigrams_max", "lcs_max", "lcs_min", "edit_distance",
	"length_difference", "chars3_min", "chars3_max", "chars4_min", "chars4_max", "negation_differs",
	"numbers_unmatched_min", "numbers_unmatched_max", "names_unmatched_min", "names_unmatched_max",
	"unmatched_run_max", "said_differs",
}

// numPairFeatures is len(pairFeatureNames); the sentence model of the
// alignment (SentenceModel) sees the first numAlignFeatures of them, the
// short-text model (ShortTextModel) all.
const (
	numPairFeatures  = 39
	numAlignFeatures = 21
)

// pairFeatures computes the features of sentences a and b into f: the
// first numAlignFeatures, or all of them.
func pairFeatures(a, b *sentence, f *[numPairFeatures]float64, all bool) {
	*f = [numPairFeatures]float64{}
	if a.mass == 0 || b.mass == 0 {
		return
	}
	var shared, sharedA, sharedB float64
	var n int
	var heavyA, heavyB, maxW float32
	var onlyA, onlyB [32]int // unmatched terms with senses (the first 32)
	na, nb := 0, 0
	i, j := 0, 0
	for i < len(a.terms) || j < len(b.terms) {
		switch {
		case j == len(b.terms) || i < len(a.terms) && a.terms[i].stem < b.terms[j].stem:
			if a.terms[i].syn != 0 && na < len(onlyA) {
				onlyA[na] = i
				na++
			}
			heavyA = max(heavyA, a.terms[i].w)
			maxW = max(maxW, a.terms[i].w)
			i++
		case i == len(a.terms) || b.terms[j].stem < a.terms[i].stem:
			if b.terms[j].syn != 0 && nb < len(onlyB) {
				onlyB[nb] = j
				nb++
			}
			heavyB = max(heavyB, b.terms[j].w)
			maxW = max(maxW, b.terms[j].w)
			j++
		default:
			x, y := a.terms[i], b.terms[j]
			shared += float64(min(x.w, y.w))
			sharedA += float64(x.w)
			sharedB += float64(y.w)
			maxW = max(maxW, x.w, y.w)
			n++
			i++
			j++
		}
	}
	f[0] = (sharedA + sharedB) / (a.mass + b.mass)
	ca, cb := sharedA/a.mass, sharedB/b.mass
	f[1], f[2] = min(ca, cb), max(ca, cb)
	f[3] = 2 * float64(n) / float64(len(a.terms)+len(b.terms))
	// The shared bigrams, trigrams, words and numbers, counted once.
	kb, kt, ku, kn := inter(a.bigrams, b.bigrams), inter(a.tris, b.tris), inter(a.uni, b.uni), inter(a.nums, b.nums)
	if nb := len(a.bigrams) + len(b.bigrams); nb > 0 {
		f[4] = 2 * float64(kb) / float64(nb)
	}
	switch {
	case len(a.nums) > 0 && len(b.nums) > 0:
		f[5] = 1
		k := kn
		u := len(a.nums) + len(b.nums) - k
		f[6] = float64(u-k) / float64(u)
	case len(a.nums) > 0 || len(b.nums) > 0:
		f[7] = 1
	}
	if u := len(a.names) + len(b.names); u > 0 {
		k := inter(a.names, b.names)
		f[8] = float64(u-2*k) / float64(u-k)
	}
	f[9] = float64(min(a.words, b.words)) / float64(max(a.words, b.words))
	if maxW > 0 {
		f[10] = float64(max(heavyA, heavyB) / maxW)
	}
	ua, ub := float64(len(a.terms)-n), float64(len(b.terms)-n)
	f[11], f[12] = min(ua, ub)/10, max(ua, ub)/10
	wa, wb := (a.mass-sharedA)/10, (b.mass-sharedB)/10
	f[13], f[14] = min(wa, wb), max(wa, wb)
	// Synonyms among the unmatched words: each word matched once.
	synA, synB := synonyms(a, b, onlyA[:na], onlyB[:nb])
	f[15] = (sharedA + sharedB + synA + synB) / (a.mass + b.mass)
	if nt := len(a.tris) + len(b.tris); nt > 0 {
		f[16] = 2 * float64(kt) / float64(nt)
	}
	if nu := len(a.uni) + len(b.uni); nu > 0 {
		f[17] = 2 * float64(ku) / float64(nu)
		f[18] = float64(ku) / float64(max(len(a.uni), len(b.uni)))
	}
	if mb := max(len(a.bigrams), len(b.bigrams)); mb > 0 {
		f[19] = float64(kb) / float64(mb)
	}
	if mt := max(len(a.tris), len(b.tris)); mt > 0 {
		f[20] = float64(kt) / float64(mt)
	}
	if !all {
		return
	}
	// The short-text model's: word sequences, characters, negation,
	// unmatched anchors and the longest added run of words.
	if mu := min(len(a.uni), len(b.uni)); mu > 0 {
		f[21] = float64(ku) / float64(mu)
	}
	if mb := min(len(a.bigrams), len(b.bigrams)); mb > 0 {
		f[22] = float64(kb) / float64(mb)
	}
	if mt := min(len(a.tris), len(b.tris)); mt > 0 {
		f[23] = float64(kt) / float64(mt)
	}
	// The word sequences: longest common subsequence and edit distance.
	la, lb := len(a.seq), len(b.seq)
	if la > 0 && lb > 0 {
		l, e := seqDistances(a.seq, b.seq)
		f[24] = float64(l) / float64(max(la, lb))
		f[25] = float64(l) / float64(min(la, lb))
		f[26] = float64(e) / float64(max(la, lb))
	}
	f[27] = math.Abs(float64(la-lb)) / 10
	f[28], f[29] = containments(a.chars3, b.chars3)
	f[30], f[31] = containments(a.chars4, b.chars4)
	if a.neg != b.neg {
		f[32] = 1
	}
	na, nb = len(a.nums)-kn, len(b.nums)-kn
	f[33], f[34] = float64(min(na, nb)), float64(max(na, nb))
	ma, mb := len(a.names)-inter(a.names, b.uni), len(b.names)-inter(b.names, a.uni)
	f[35], f[36] = float64(min(ma, mb)), float64(max(ma, mb))
	f[37] = float64(max(unmatchedRun(a.seq, b.uni), unmatchedRun(b.seq, a.uni))) / 10
	if a.said != b.said {
		f[38] = 1
	}
}

// containments returns the smaller and the larger share of each of two
// sorted, unique lists found in the other.
func containments(a, b []uint32) (float64, float64) {
	if len(a) == 0 || len(b) == 0 {
		return 0, 0
	}
	k := float64(inter(a, b))
	ca, cb := k/float64(len(a)), k/float64(len(b))
	return min(ca, cb), max(ca, cb)
}

// seqDistances returns the length of the longest common subsequence of
// two word sequences (by stem) and their edit distance.
func seqDistances(a, b []text.Word) (lcs, edit int) {
	var buf [4 * 65]int32
	var l0, l1, e0, e1 []int32
	if len(b) < 65 {
		l0, l1, e0, e1 = buf[0:len(b)+1], buf[65:65+len(b)+1], buf[130:130+len(b)+1], buf[195:195+len(b)+1]
	} else {
		l0, l1, e0, e1 = make([]int32, len(b)+1), make([]int32, len(b)+1), make([]int32, len(b)+1), make([]int32, len(b)+1)
	}
	for j := range e0 {
		e0[j] = int32(j)
	}
	for i := 1; i <= len(a); i++ {
		e1[0] = int32(i)
		l1[0] = 0
		for j := 1; j <= len(b); j++ {
			if a[i-1].Stem == b[j-1].Stem {
				l1[j] = l0[j-1] + 1
				e1[j] = e0[j-1]
			} else {
				l1[j] = max(l1[j-1], l0[j])
				e1[j] = min(e0[j-1], e0[j], e1[j-1]) + 1
			}
		}
		l0, l1 = l1, l0
		e0, e1 = e1, e0
	}
	return int(l0[len(b)]), int(e0[len(b)])
}

// unmatchedRun returns the longest run of words of seq whose stems are
// not in the sorted list other (an added clause).
func unmatchedRun(seq []text.Word, other []uint32) int {
	best, cur := 0, 0
	for _, w := range seq {
		if _, found := slices.BinarySearch(other, w.Stem); found {
			cur = 0
			continue
		}
		cur++
		best = max(best, cur)
	}
	return best
}

// PairFeatureNames returns the names of the sentence pair features (the
// alignment's sentence model uses the first AlignFeatures of them).
func PairFeatureNames() []string { return append([]string(nil), pairFeatureNames...) }

// AlignFeatures is how many of the pair features the alignment's
// sentence model (SentenceModel) uses.
const AlignFeatures = numAlignFeatures

// WholeFeatures returns the features of text a against text b, each taken
// as one sentence (for fitting the sentence model on sentence pairs that
// the splitter cuts in two).
func WholeFeatures(a, b *Doc) []float64 {
	var f [numPairFeatures]float64
	pairFeatures(a.whole(), b.whole(), &f, true)
	return f[:]
}

// whole returns the bag of all the text's sentences merged, made once
// per text (it is compared with many).
func (d *Doc) whole() *sentence {
	d.wholeOnce.Do(func() {
		if len(d.sents) == 0 {
			return
		}
		d.extras()
		s := d.sents[0]
		seq := s.seq
		for k := 1; k < len(d.sents); k++ {
			s = merge(&s, &d.sents[k])
			seq = slices.Concat(seq, d.sents[k].seq)
		}
		s.seq = seq
		d.textExtras(&s)
		d.wholeS = s
	})
	return &d.wholeS
}

// synonyms matches the unmatched terms of a and b (onlyA, onlyB: at most
// 32 each) that share a word sense: each term of onlyA in turn takes the
// first term of onlyB not taken yet that shares one. It returns the
// weights of the matched terms of each side.
//
// The senses of onlyB's terms go into a small hash table (sense → the
// terms of onlyB that have it, as a bit set), so that each term of onlyA
// looks its senses up once instead of intersecting its list with every
// list of onlyB; when they do not fit, the lists are intersected pair by
// pair (synonymsPairwise), which answers the same.
func synonyms(a, b *sentence, onlyA, onlyB []int) (synA, synB float64) {
	if len(onlyA) == 0 || len(onlyB) == 0 {
		return 0, 0
	}
	var tab senseTable
	for k, y := range onlyB {
		for _, s := range b.sensesOf(&b.terms[y]) {
			if !tab.add(s, 1<<k) {
				return synonymsPairwise(a, b, onlyA, onlyB)
			}
		}
	}
	var usedB uint32
	for _, x := range onlyA {
		var m uint32
		for _, s := range a.sensesOf(&a.terms[x]) {
			m |= tab.get(s)
		}
		if m &^= usedB; m != 0 {
			k := bits.TrailingZeros32(m)
			usedB |= 1 << k
			synA += float64(a.terms[x].w)
			synB += float64(b.terms[onlyB[k]].w)
		}
	}
	return synA, synB
}

// synonymsPairwise is synonyms by intersecting the sense lists pair by
// pair.
func synonymsPairwise(a, b *sentence, onlyA, onlyB []int) (synA, synB float64) {
	var usedB uint32
	for _, x := range onlyA {
		for k, y := range onlyB {
			if usedB&(1<<k) == 0 && inter(a.sensesOf(&a.terms[x]), b.sensesOf(&b.terms[y])) > 0 {
				usedB |= 1 << k
				synA += float64(a.terms[x].w)
				synB += float64(b.terms[y].w)
				break
			}
		}
	}
	return synA, synB
}

// senseSlots is the size of a senseTable; it takes at most half as many
// senses.
const senseSlots = 256

// senseTable maps word senses to bit sets (open addressing, linear
// probing; a slot's key is its sense + 1, 0 when empty).
type senseTable struct {
	key  [senseSlots]uint32
	mask [senseSlots]uint32
	n    int
}

func senseHome(s uint32) int { return int((s * 0x9e3779b1) >> (32 - 8)) }

// add ors m into sense s's set; false when the table is half full (or
// s is the one sense it cannot hold).
func (t *senseTable) add(s, m uint32) bool {
	if s+1 == 0 {
		return false
	}
	for i := senseHome(s); ; i = (i + 1) & (senseSlots - 1) {
		switch t.key[i] {
		case s + 1:
			t.mask[i] |= m
			return true
		case 0:
			if t.n == senseSlots/2 {
				return false
			}
			t.key[i], t.mask[i] = s+1, m
			t.n++
			return true
		}
	}
}

// get returns sense s's set (0 when absent).
func (t *senseTable) get(s uint32) uint32 {
	for i := senseHome(s); ; i = (i + 1) & (senseSlots - 1) {
		switch t.key[i] {
		case s + 1:
			return t.mask[i]
		case 0:
			return 0
		}
	}
}
