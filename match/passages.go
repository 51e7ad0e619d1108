package match

// Shared passages: the evidence behind a relation.
//
// Passages aligns two token lists by exact equality of folded token hashes
// (so case, punctuation, quote and whitespace differences do not break a
// passage; any word that differs does). The approach is seed and extend:
//
//  1. Index every minTokens-gram of b (a polynomial rolling hash of the
//     token hashes) in an open-addressing table whose slots head a chain of
//     b positions, in increasing order, linked through one []int32.
//  2. Walk a with the same rolling hash. At each position not yet covered
//     by a passage, look the gram up; for up to maxSeedTries positions of
//     the chain, verify that the tokens really are equal (the 64-bit gram
//     hash may collide), extend the match forward as far as it goes and
//     backward down to the end of the previous passage, and keep the
//     longest; on a tie, prefer a position at or after the previous
//     passage's end in b (an order-preserving alignment), then the earliest.
//     The backward step is a safety net: a match that could extend backward
//     would have been found one token earlier, unless that gram's real
//     position hid behind maxSeedTries hash collisions or its match was
//     trimmed away in step 3. It costs one comparison per seed and makes
//     every passage maximal unconditionally.
//  3. Trim the match so that it neither starts nor ends inside a word that
//     NFKC split into several tokens ("½" → "1", "2"), emit it, and continue
//     the walk after it.
//
// Cost: building the index is O(m); the walk is O(n) rolling-hash steps
// plus, per emitted passage of L tokens, at most maxSeedTries extensions of
// ~L comparisons, so O(n+m) expected and O(maxSeedTries·(n+m)) for texts
// that repeat a paragraph many times. Allocations: the table, the chain and
// the result, none per token.
//
// Deliberately not done: no alignment with gaps or edits (a changed word
// ends a passage; the rewrite relation, not this function, deals with
// paraphrase), and no global optimum — the greedy walk in a's order can
// give a suboptimal b position when b repeats text, which only matters for
// evidence display. Passages never overlap in a, but may overlap in b: when
// a repeats a paragraph that b holds once, both copies in a map to the same
// b range.

import (
	"math/bits"

	"github.com/reprint-news/reprint/text"
)

// Passage is one passage two texts share: byte ranges [AStart,AEnd) of a and [BStart,BEnd) of b, and the
// number of tokens it spans (in a).
type Passage struct {
	AStart int `json:"a_start"`
	AEnd   int `json:"a_end"`
	BStart int `json:"b_start"`
	BEnd   int `json:"b_end"`
	Tokens int `json:"tokens"`
}

// maxSeedTries caps how many b positions of one gram are verified and
// extended at a seed, so that a text repeating one phrase many times keeps
// the walk linear. 16 is far above what news text needs (a gram of ≥ 8
// tokens rarely occurs more than twice in one article).
const maxSeedTries = 16

// gramBase is the multiplier of the rolling gram hash (the FNV-64 prime;
// any odd constant works, arithmetic is mod 2^64). Collisions cost only a
// failed verification.
const gramBase = 0x100000001b3

// Passages returns the passages of at least minTokens tokens that a and b share, in order of a.
// ta and tb are the token lists of a and b (text.Doc.Tokens after Tokenize: byte offsets + folded hash).
//
// Each passage is a maximal run of equal token hashes (it cannot be
// extended forward, nor backward without reaching the previous passage),
// trimmed so that it does not start or end in the middle of a word that
// normalization split into several tokens. Passages do not overlap in a and
// are sorted by AStart; they may overlap in b when a repeats text that b
// holds once. Tokens is the passage's length in tokens (the same in a and
// b). A minTokens below 1 counts as 1. The result is nil when nothing is
// shared. Token lists longer than 2^31-1 tokens are not supported.
func Passages(ta, tb []text.Token, minTokens int) []Passage {
	k := max(minTokens, 1)
	if len(ta) < k || len(tb) < k {
		return nil
	}
	idx := newGramIndex(tb, k)
	return passages(ta, tb, k, &idx)
}

// passages is Passages with b's gram index of length k built.
func passages(ta, tb []text.Token, k int, idx *gramIndex) []Passage {
	n := len(ta)
	bk := pow64(gramBase, k) // weight of the token leaving the window

	var out []Passage
	covered := 0 // tokens of a before this index belong to emitted passages
	lastB := 0   // end (token index) in b of the last passage, for tie-breaking
	var h uint64
	for t := range k {
		h = h*gramBase + uint64(ta[t].Hash)
	}
	for i := 0; ; i++ {
		if i >= covered {
			if s, q, l := idx.best(ta, tb, i, k, covered, lastB, h); l > 0 {
				s, q, l = trimWords(ta, tb, s, q, l)
				if l >= k {
					out = append(out, Passage{
						AStart: ta[s].Start, AEnd: ta[s+l-1].End,
						BStart: tb[q].Start, BEnd: tb[q+l-1].End,
						Tokens: l,
					})
					covered, lastB = s+l, q+l
				}
			}
		}
		if i+k >= n {
			break
		}
		h = h*gramBase - uint64(ta[i].Hash)*bk + uint64(ta[i+k].Hash)
	}
	return out
}

// gramIndex maps the gram hashes of b to the b positions where they start.
type gramIndex struct {
	k     int        // gram length
	slots []gramSlot // open addressing, linear probing; len is a power of two
	shift uint       // 64 - log2(len(slots))
	next  []int32    // next[p]: the next position after p in p's chain, or -1
}

// gramSlot is one table entry: a gram hash and its chain of positions.
// head and tail are stored +1 so that the zero slot is empty.
type gramSlot struct {
	key        uint64
	head, tail int32
}

// newGramIndex indexes the k-grams of tb.
func newGramIndex(tb []text.Token, k int) gramIndex {
	grams := len(tb) - k + 1
	lg := bits.Len(uint(2*grams - 1)) // table at most half full
	x := gramIndex{
		k:     k,
		slots: make([]gramSlot, 1<<lg),
		shift: uint(64 - lg),
		next:  make([]int32, grams),
	}
	bk := pow64(gramBase, k)
	var h uint64
	for t := range k {
		h = h*gramBase + uint64(tb[t].Hash)
	}
	for p := 0; ; p++ {
		x.next[p] = -1
		s := x.slot(h)
		if s.head == 0 {
			s.key, s.head = h, int32(p+1)
		} else {
			x.next[s.tail-1] = int32(p)
		}
		s.tail = int32(p + 1)
		if p+k >= len(tb) {
			break
		}
		h = h*gramBase - uint64(tb[p].Hash)*bk + uint64(tb[p+k].Hash)
	}
	return x
}

// slot returns the slot holding key, or the empty slot where it belongs.
func (x *gramIndex) slot(key uint64) *gramSlot {
	mask := len(x.slots) - 1
	i := int((key * 0x9e3779b97f4a7c15) >> x.shift)
	for {
		s := &x.slots[i]
		if s.head == 0 || s.key == key {
			return s
		}
		i = (i + 1) & mask
	}
}

// best finds the longest verified match through the gram of a at i (hash
// h): up to maxSeedTries b positions are tried, each extended forward and
// backward (not below covered). It returns the match's start in a, start in
// b and length, or l = 0 when no position verifies.
func (x *gramIndex) best(ta, tb []text.Token, i, k, covered, lastB int, h uint64) (s, q, l int) {
	sl := x.slot(h)
	if sl.head == 0 {
		return 0, 0, 0
	}
	n, m := len(ta), len(tb)
	bestIn := false
	tries := 0
	for p := int(sl.head - 1); p >= 0 && tries < maxSeedTries; p = int(x.next[p]) {
		tries++
		if !equalRun(ta[i:i+k], tb[p:p+k]) {
			continue // hash collision
		}
		f := k
		for i+f < n && p+f < m && ta[i+f].Hash == tb[p+f].Hash {
			f++
		}
		b := 0
		for i-b > covered && p-b > 0 && ta[i-b-1].Hash == tb[p-b-1].Hash {
			b++
		}
		in := p-b >= lastB
		if b+f > l || (b+f == l && in && !bestIn) {
			s, q, l, bestIn = i-b, p-b, b+f, in
		}
	}
	return s, q, l
}

// equalRun reports whether two equally long token runs have equal hashes.
func equalRun(a, b []text.Token) bool {
	for t := range a {
		if a[t].Hash != b[t].Hash {
			return false
		}
	}
	return true
}

// trimWords shrinks the match of l tokens at a[s:], b[q:] until neither
// side starts or ends inside a word that normalization split into several
// tokens (its pieces share the word's offsets), so that the byte ranges
// reported hold exactly the passage's tokens.
func trimWords(ta, tb []text.Token, s, q, l int) (int, int, int) {
	for l > 0 && (midWord(ta, s) || midWord(tb, q)) {
		s, q, l = s+1, q+1, l-1
	}
	for l > 0 && (midWord(ta, s+l) || midWord(tb, q+l)) {
		l--
	}
	return s, q, l
}

// midWord reports whether token i continues the word of token i-1.
func midWord(toks []text.Token, i int) bool {
	return i > 0 && i < len(toks) && toks[i].Start == toks[i-1].Start
}

// pow64 returns x^e mod 2^64.
func pow64(x uint64, e int) uint64 {
	r := uint64(1)
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r *= x
		}
		x *= x
	}
	return r
}

// passagesWith returns the passages of ta and the content of d (Passages
// with ta first), with d's gram index made once and kept: a text is
// compared with many others.
func (d *Doc) passagesWith(ta []text.Token, minTokens int) []Passage {
	k := max(minTokens, 1)
	if len(ta) < k || len(d.content) < k {
		return nil
	}
	d.gramOnce.Do(func() {
		x := newGramIndex(d.content, k)
		d.grams = &x
	})
	if d.grams.k != k {
		return Passages(ta, d.content, k)
	}
	return passages(ta, d.content, k, d.grams)
}
