// Package match verifies candidate pairs on their real shingle sets and
// classifies the relation between two articles. No pair reaches the output
// without passing through Compare: LSH only proposes, this package decides.
package match

// Relation is how two articles relate.
type Relation string

// Relations, strongest first.
const (
	// Exact: identical folded token sequences after boilerplate removal.
	Exact Relation = "exact"
	// NearDuplicate: the same article both ways, with small edits:
	// Jaccard similarity of shingle sets ≥ Config.Threshold, or each set
	// holding ≥ Config.Containment of the other (one changed sentence in
	// eight leaves a Jaccard near 0.75 but is still the same article).
	NearDuplicate Relation = "near_duplicate"
	// Contains: one article holds ≥ Config.Containment of the other's
	// shingles (a reprint with additions) but not the other way round;
	// reported with the container first.
	Contains Relation = "contains"
	// Rewrite: most of the derived article is retold from the other, in
	// other words, in the same order (sentence alignment, Relate).
	Rewrite Relation = "rewrite"
	// Partial: some passages of the derived article are taken from the
	// other, the rest is its own or from elsewhere.
	Partial Relation = "partial"
	// SameStory: independent reports of one event.
	SameStory Relation = "same_story"
	// None: no relation ("none" where relations are written out).
	None Relation = ""
)

// String returns the relation's name, "none" for None.
func (r Relation) String() string {
	if r == None {
		return "none"
	}
	return string(r)
}

// Copy reports whether r says one text is a copy of the other (exact,
// near_duplicate, contains, rewrite or partial): a reuse with a source.
func (r Relation) Copy() bool {
	switch r {
	case Exact, NearDuplicate, Contains, Rewrite, Partial:
		return true
	}
	return false
}

// Config holds the decision thresholds.
type Config struct {
	// Threshold is the Jaccard similarity from which two articles are near
	// duplicates.
	Threshold float64 `json:"threshold"`
	// Containment is the fraction of the smaller article's shingles that
	// the larger must hold for a contains relation.
	Containment float64 `json:"containment"`
}

// Overlap is the exact comparison of two shingle sets.
type Overlap struct {
	Inter, SizeA, SizeB int
}

// Jaccard returns |A∩B| / |A∪B| (0 for two empty sets).
func (o Overlap) Jaccard() float64 {
	u := o.SizeA + o.SizeB - o.Inter
	if u == 0 {
		return 0
	}
	return float64(o.Inter) / float64(u)
}

// Containment returns |A∩B| / min(|A|, |B|): how much of the smaller set
// the larger one holds.
func (o Overlap) Containment() float64 {
	m := min(o.SizeA, o.SizeB)
	if m == 0 {
		return 0
	}
	return float64(o.Inter) / float64(m)
}

// Compare intersects two sorted, duplicate-free sets.
func Compare(a, b []uint32) Overlap {
	return Overlap{Inter: inter(a, b), SizeA: len(a), SizeB: len(b)}
}

// Duplicate reports whether an overlap makes two articles duplicates
// (exact or near_duplicate): Jaccard ≥ Threshold, or each holding ≥
// Containment of the other.
func Duplicate(o Overlap, cfg Config) bool {
	if o.Inter == 0 {
		return false
	}
	return o.Jaccard() >= cfg.Threshold || float64(o.Inter) >= cfg.Containment*float64(max(o.SizeA, o.SizeB))
}

// Classify returns the relation implied by an overlap. sameExact reports
// that the two articles have the same exact content hash; it is honoured
// only when the sets agree too (Jaccard 1), so a hash collision cannot
// produce an exact relation. aContainsB is meaningful for Contains: true
// when A is the container (the larger set).
func Classify(o Overlap, sameExact bool, cfg Config) (rel Relation, aContainsB bool) {
	switch {
	case sameExact && o.Inter == o.SizeA && o.Inter == o.SizeB && o.Inter > 0:
		return Exact, false
	case Duplicate(o, cfg):
		return NearDuplicate, false
	case o.Containment() >= cfg.Containment:
		return Contains, o.SizeA >= o.SizeB
	}
	return None, false
}
