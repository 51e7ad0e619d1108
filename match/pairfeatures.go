package match

// Sentence pair features: what the sentence model (SentenceModel) sees of
// two sentences. Every feature is a share or an indicator in [0, 1].
var pairFeatureNames = []string{
	"dice_weighted", "contain_min", "contain_max", "dice_stems", "dice_bigrams",
	"numbers_both", "numbers_differ", "numbers_one_side", "names_differ", "length_ratio", "unmatched_heaviest",
	"unmatched_min", "unmatched_max", "unmatched_weight_min", "unmatched_weight_max", "dice_synonyms",
	"dice_trigrams", "dice_all_words", "contain_all_words_min", "contain_bigrams_min", "contain_trigrams_min",
}

// numPairFeatures is len(pairFeatureNames).
const numPairFeatures = 21

// pairFeatures computes the features of sentences a and b into f.
func pairFeatures(a, b *sentence, f *[numPairFeatures]float64) {
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
			if a.terms[i].syn != nil && na < len(onlyA) {
				onlyA[na] = i
				na++
			}
			heavyA = max(heavyA, a.terms[i].w)
			maxW = max(maxW, a.terms[i].w)
			i++
		case i == len(a.terms) || b.terms[j].stem < a.terms[i].stem:
			if b.terms[j].syn != nil && nb < len(onlyB) {
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
	if nb := len(a.bigrams) + len(b.bigrams); nb > 0 {
		f[4] = 2 * float64(inter(a.bigrams, b.bigrams)) / float64(nb)
	}
	switch {
	case len(a.nums) > 0 && len(b.nums) > 0:
		f[5] = 1
		k := inter(a.nums, b.nums)
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
	var synA, synB float64
	var usedB uint32
	for _, x := range onlyA[:na] {
		for k, y := range onlyB[:nb] {
			if usedB&(1<<k) == 0 && inter(a.terms[x].syn, b.terms[y].syn) > 0 {
				usedB |= 1 << k
				synA += float64(a.terms[x].w)
				synB += float64(b.terms[y].w)
				break
			}
		}
	}
	f[15] = (sharedA + sharedB + synA + synB) / (a.mass + b.mass)
	if nt := len(a.tris) + len(b.tris); nt > 0 {
		f[16] = 2 * float64(inter(a.tris, b.tris)) / float64(nt)
	}
	if nu := len(a.uni) + len(b.uni); nu > 0 {
		k := inter(a.uni, b.uni)
		f[17] = 2 * float64(k) / float64(nu)
		f[18] = float64(k) / float64(max(len(a.uni), len(b.uni)))
	}
	if mb := max(len(a.bigrams), len(b.bigrams)); mb > 0 {
		f[19] = float64(inter(a.bigrams, b.bigrams)) / float64(mb)
	}
	if mt := max(len(a.tris), len(b.tris)); mt > 0 {
		f[20] = float64(inter(a.tris, b.tris)) / float64(mt)
	}
}

// PairFeatureNames returns the names of the sentence pair features.
func PairFeatureNames() []string { return append([]string(nil), pairFeatureNames...) }

// WholeFeatures returns the features of text a against text b, each taken
// as one sentence (for fitting the sentence model on sentence pairs that
// the splitter cuts in two).
func WholeFeatures(a, b *Doc) []float64 {
	ma, mb := a.whole(), b.whole()
	var f [numPairFeatures]float64
	pairFeatures(&ma, &mb, &f)
	return f[:]
}

// whole returns the bag of all the text's sentences merged.
func (d *Doc) whole() sentence {
	if len(d.sents) == 0 {
		return sentence{}
	}
	d.extras()
	s := d.sents[0]
	for k := 1; k < len(d.sents); k++ {
		s = merge(&s, &d.sents[k])
	}
	return s
}
