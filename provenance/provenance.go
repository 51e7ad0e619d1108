// Package provenance turns the text-reuse relations found within a story into a provenance graph —
// who copied whom, and who reported first — and aggregates those graphs per outlet.
//
// The package is pure and uses only the standard library. Its input is what the engine has already
// decided: the articles of one story ([Article]) and the related pairs among them ([Relation]), each
// with its kind and, where the engine could tell, its source (the earlier article). [Build] makes the
// story's [Graph]; [Graph.DOT] draws it for Graphviz; [Outlets] sums many graphs per outlet.
//
// # Rules
//
// Direction. An edge's direction comes only from the relation's Source, which the engine decides
// from publication times and attribution. This package never infers a direction, least of all from
// arrival order. Source == "" gives an undirected edge (Directed false, From/To are A/B), even
// when A or B is the empty id (which thus can never be named as a source). A
// relation whose Source is neither A nor B is contradictory and is ignored: it makes no edge and is
// counted nowhere.
//
// Kinds. exact, near_duplicate and contains are copies; rewrite and partial are rewrites; these five
// make copy edges. same_story (an independent report of the same event) makes no edge: it only
// counts in [Graph.SameStory]. A relation of any other kind is ignored and counted nowhere.
//
// Ignored relations. Besides the two cases above, a relation is ignored (counted nowhere) when it
// names an id that is not among the story's articles, or pairs an article with itself.
//
// One edge per pair. A derived article may have several sources, and each is an edge. If several
// relations name the same pair of articles, the pair gives one edge, chosen so that the result does
// not depend on input order: a copy relation wins over same_story (the pair then does not count in
// SameStory), a directed relation over an undirected one, then the stronger kind (exact,
// near_duplicate, contains, rewrite, partial), then the larger coverage, then the smaller From
// and To ids.
//
// Counting. Copies and Rewrites count articles (the To side of directed edges), not edges: an
// article is a copy if any directed edge into it is exact, near_duplicate or contains, otherwise a
// rewrite if any is rewrite or partial. Undirected edges say that two articles share text but not
// which one took it, so they make neither article a copy or a rewrite; they count in Undirected,
// and both their ends stay among the Originals (articles no directed edge points to).
//
// Coverage. An edge's coverage is the derived side's coverage (CoverageA when To is A, else
// CoverageB); for an undirected edge, the larger of the two. Coverages are shares: NaN and values
// below 0 become 0, values above 1 become 1.
//
// First reported. The first reported articles are those with the smallest publication time (all of
// them on a tie). An article without a time never counts (a zero time counts as no time): if no
// article has one, FirstReportedBy is empty and the Note says that who was first cannot be told;
// if some have none, the Note says how many, because one of them may have been first.
//
// Outlets. Within one outlet, edges count in the story's graph like any other. In [Outlets], an
// article taken from the same outlet does not count in Derived, TakesFrom or CopiedBy: an outlet
// republishing itself is not copying. The unknown outlet "" is left out of the list and counted
// nowhere: an article taken from an article of unknown outlet is not counted as taken from
// another outlet either. Only directed edges count.
//
// Determinism. The same articles and relations, in any order, give an identical Graph: nodes,
// edges and every id list are sorted. An article id given twice is kept once (the dated copy, then
// the earlier, then the one with an outlet, then with a headline, then the smallest by its fields).
// Empty input gives a valid empty Graph whose slices are empty, not nil, so JSON shows [] rather
// than null.
package provenance

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The relation kinds, as the engine names them.
const (
	kindExact         = "exact"
	kindNearDuplicate = "near_duplicate"
	kindContains      = "contains"
	kindRewrite       = "rewrite"
	kindPartial       = "partial"
	kindSameStory     = "same_story"
)

// kindRank orders the copy kinds from strongest to weakest; it is also the set of kinds that make
// copy edges.
var kindRank = map[string]int{
	kindExact:         0,
	kindNearDuplicate: 1,
	kindContains:      2,
	kindRewrite:       3,
	kindPartial:       4,
}

// isCopyKind reports whether a kind makes its derived article a copy (rather than a rewrite).
func isCopyKind(kind string) bool {
	return kind == kindExact || kind == kindNearDuplicate || kind == kindContains
}

// maxUndatedListed is how many undated article ids the Note lists before "and N more".
const maxUndatedListed = 10

// headlineRunes is where DOT labels clip a headline.
const headlineRunes = 60

// Article is a node: one article of a story.
type Article struct {
	ID            string     `json:"id"`
	Source        string     `json:"source,omitempty"`         // the outlet ("" unknown)
	Headline      string     `json:"headline,omitempty"`       // its title, if any
	Published     *time.Time `json:"published,omitempty"`      // nil: unknown
	PublishedFrom string     `json:"published_from,omitempty"` // "record" | "html" | "text" | ""
}

// Relation is one related pair within the story, as decided by the engine.
type Relation struct {
	A          string  `json:"a"`
	B          string  `json:"b"`
	Relation   string  `json:"relation"`         // exact | near_duplicate | contains | rewrite | partial | same_story
	Source     string  `json:"source,omitempty"` // id of the earlier (source) article; "" undirected
	CoverageA  float64 `json:"coverage_a"`       // share of A's content that it shares with B
	CoverageB  float64 `json:"coverage_b"`       // share of B's content that it shares with A
	Similarity float64 `json:"similarity"`
}

// Edge is a copy edge: From is the source, To the derived article (for an undirected pair, From/To
// are A/B and Directed is false).
type Edge struct {
	From     string  `json:"from"`
	To       string  `json:"to"`
	Relation string  `json:"relation"`
	Coverage float64 `json:"coverage"` // the derived side's coverage (for undirected: the larger of the two)
	Directed bool    `json:"directed"`
}

// Graph is the provenance of one story.
type Graph struct {
	Story           string    `json:"story"`
	Nodes           []Article `json:"nodes"`             // in publication order (undated last, then by id)
	Edges           []Edge    `json:"edges"`             // copy edges only (not same_story), in node order of From, then To
	SameStory       int       `json:"same_story"`        // pairs reported as independent reports of the event
	FirstReportedBy []string  `json:"first_reported_by"` // ids of the earliest-published article(s) (ties: all); empty when no article has a publication time
	FirstOutlets    []string  `json:"first_outlets"`     // their outlets ("" left out), unique, sorted
	Originals       []string  `json:"originals"`         // articles no directed copy edge points to (not derived from anything in the story), in node order
	Copies          int       `json:"copies"`            // articles that are exact/near_duplicate/contains copies of an earlier one
	Rewrites        int       `json:"rewrites"`          // articles that are rewrite or partial of an earlier one (and no copy)
	Undirected      int       `json:"undirected"`        // copy edges without a known direction
	Note            string    `json:"note,omitempty"`    // e.g. "3 of 7 articles have no publication time: ..."
}

// Build makes the provenance graph of one story from its articles and the relations the engine
// found among them. The package comment gives the rules; Build never fails, and the same input in
// any order gives an identical Graph.
func Build(story string, arts []Article, rels []Relation) Graph {
	g := Graph{
		Story:           story,
		Nodes:           nodesOf(arts),
		Edges:           []Edge{},
		FirstReportedBy: []string{},
		FirstOutlets:    []string{},
		Originals:       []string{},
	}
	pos := make(map[string]int, len(g.Nodes))
	for i, a := range g.Nodes {
		pos[a.ID] = i
	}

	// One candidate per unordered pair; sameStory holds the pairs reported as same_story.
	type pair struct{ lo, hi string }
	pairOf := func(a, b string) pair {
		if a > b {
			a, b = b, a
		}
		return pair{a, b}
	}
	best := map[pair]Edge{}
	sameStory := map[pair]bool{}
	for _, r := range rels {
		_, okA := pos[r.A]
		_, okB := pos[r.B]
		if !okA || !okB || r.A == r.B {
			continue
		}
		if r.Source != "" && r.Source != r.A && r.Source != r.B {
			continue
		}
		p := pairOf(r.A, r.B)
		if r.Relation == kindSameStory {
			sameStory[p] = true
			continue
		}
		if _, ok := kindRank[r.Relation]; !ok {
			continue
		}
		e := edgeOf(r)
		if old, ok := best[p]; !ok || better(e, old) {
			best[p] = e
		}
	}
	for p := range sameStory {
		if _, ok := best[p]; !ok {
			g.SameStory++
		}
	}
	for _, e := range best {
		g.Edges = append(g.Edges, e)
	}
	slices.SortFunc(g.Edges, func(x, y Edge) int {
		return cmp.Or(cmp.Compare(pos[x.From], pos[y.From]), cmp.Compare(pos[x.To], pos[y.To]),
			cmp.Compare(x.Relation, y.Relation))
	})

	// Derived articles: the To of directed edges.
	copyOf := map[string]bool{}
	derived := map[string]bool{}
	for _, e := range g.Edges {
		if !e.Directed {
			g.Undirected++
			continue
		}
		derived[e.To] = true
		if isCopyKind(e.Relation) {
			copyOf[e.To] = true
		}
	}
	for id := range derived {
		if copyOf[id] {
			g.Copies++
		} else {
			g.Rewrites++
		}
	}
	for _, a := range g.Nodes {
		if !derived[a.ID] {
			g.Originals = append(g.Originals, a.ID)
		}
	}

	// First reported: nodes are in publication order, so the earliest are at the front.
	var undated []string
	for _, a := range g.Nodes {
		if a.Published == nil {
			undated = append(undated, a.ID)
			continue
		}
		if len(g.FirstReportedBy) > 0 && !a.Published.Equal(*g.Nodes[0].Published) {
			continue
		}
		g.FirstReportedBy = append(g.FirstReportedBy, a.ID)
		if a.Source != "" && !slices.Contains(g.FirstOutlets, a.Source) {
			g.FirstOutlets = append(g.FirstOutlets, a.Source)
		}
	}
	slices.Sort(g.FirstOutlets)
	g.Note = dateNote(len(g.Nodes), undated)
	return g
}

// nodesOf returns the articles, one per id, in publication order (undated last, then by id), with
// their times copied (monotonic reading stripped; a zero time becomes nil).
func nodesOf(arts []Article) []Article {
	byID := make(map[string]Article, len(arts))
	for _, a := range arts {
		if a.Published != nil {
			if a.Published.IsZero() {
				a.Published = nil
			} else {
				t := a.Published.Round(0)
				a.Published = &t
			}
		}
		if old, ok := byID[a.ID]; !ok || preferArticle(a, old) {
			byID[a.ID] = a
		}
	}
	nodes := make([]Article, 0, len(byID))
	for _, a := range byID {
		nodes = append(nodes, a)
	}
	slices.SortFunc(nodes, func(x, y Article) int {
		return cmp.Or(compareTimes(x.Published, y.Published), cmp.Compare(x.ID, y.ID))
	})
	return nodes
}

// compareTimes orders publication times, earlier first and nil last.
func compareTimes(x, y *time.Time) int {
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return 1
	case y == nil:
		return -1
	}
	return x.Compare(*y)
}

// preferArticle reports whether a should be kept instead of b, two articles with the same id: the
// dated one, then the earlier, then the one with an outlet, then with a headline, then the smaller
// by its fields, so that the choice does not depend on input order.
func preferArticle(a, b Article) bool {
	if c := compareTimes(a.Published, b.Published); c != 0 {
		return c < 0
	}
	if (a.Source != "") != (b.Source != "") {
		return a.Source != ""
	}
	if (a.Headline != "") != (b.Headline != "") {
		return a.Headline != ""
	}
	return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Headline, b.Headline),
		cmp.Compare(a.PublishedFrom, b.PublishedFrom), cmp.Compare(timeKey(a.Published), timeKey(b.Published))) < 0
}

// timeKey writes a time with its offset, to tell equal instants in different zones apart.
func timeKey(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// edgeOf makes the edge of a copy relation whose ids are known to be valid.
func edgeOf(r Relation) Edge {
	ca, cb := share(r.CoverageA), share(r.CoverageB)
	switch {
	case r.Source == "": // even if A or B is the empty id
		return Edge{From: r.A, To: r.B, Relation: r.Relation, Coverage: max(ca, cb)}
	case r.Source == r.A:
		return Edge{From: r.A, To: r.B, Relation: r.Relation, Coverage: cb, Directed: true}
	default:
		return Edge{From: r.B, To: r.A, Relation: r.Relation, Coverage: ca, Directed: true}
	}
}

// share clamps a coverage to [0, 1], NaN to 0.
func share(x float64) float64 {
	if math.IsNaN(x) || x < 0 {
		return 0
	}
	return min(x, 1)
}

// better reports whether edge e should replace edge old for the same pair of articles: directed
// first, then the stronger kind, the larger coverage, the smaller From and To.
func better(e, old Edge) bool {
	if e.Directed != old.Directed {
		return e.Directed
	}
	return cmp.Or(cmp.Compare(kindRank[e.Relation], kindRank[old.Relation]), -cmp.Compare(e.Coverage, old.Coverage),
		cmp.Compare(e.From, old.From), cmp.Compare(e.To, old.To)) < 0
}

// dateNote says what missing publication times mean for who reported first.
func dateNote(n int, undated []string) string {
	switch {
	case len(undated) == 0:
		return ""
	case len(undated) == n:
		if n == 1 {
			return "the article has no publication time: who reported first cannot be told without publication times"
		}
		return fmt.Sprintf("none of the %d articles has a publication time: who reported first cannot be told without publication times", n)
	}
	list := undated
	more := ""
	if len(list) > maxUndatedListed {
		more = fmt.Sprintf(" and %d more", len(list)-maxUndatedListed)
		list = list[:maxUndatedListed]
	}
	verb, pronoun := "have", "one of them"
	if len(undated) == 1 {
		verb, pronoun = "has", "it"
	}
	return fmt.Sprintf("%d of %d articles %s no publication time: %s%s; %s may have been first",
		len(undated), n, verb, strings.Join(list, ", "), more, pronoun)
}

// DOT returns the graph in Graphviz DOT: a digraph whose nodes (quoted article ids) are labelled
// with outlet, headline (clipped to about 60 runes), publication date and id, and whose edges are
// labelled with relation and coverage in percent. Undirected edges are drawn with dir=none and
// style=dashed; the first-reported articles are filled and drawn with penwidth=2. Every string is
// quoted and escaped (quotes, backslashes, newlines and other control characters), so the output
// is valid DOT for any input.
func (g *Graph) DOT() string {
	first := make(map[string]bool, len(g.FirstReportedBy))
	for _, id := range g.FirstReportedBy {
		first[id] = true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", quoteID(g.Story))
	title := "story " + labelText(g.Story)
	if g.Note != "" {
		title += `\n` + labelText(g.Note)
	}
	fmt.Fprintf(&b, "\tgraph [label=\"%s\", labelloc=t, rankdir=LR, fontname=\"Helvetica\"];\n", title)
	b.WriteString("\tnode [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n")
	b.WriteString("\tedge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, a := range g.Nodes {
		fmt.Fprintf(&b, "\t%s [label=\"%s\"", quoteID(a.ID), nodeLabel(a))
		if first[a.ID] {
			b.WriteString(`, style="rounded,filled", fillcolor="#ffe8a3", penwidth=2`)
		}
		b.WriteString("];\n")
	}
	for _, e := range g.Edges {
		color := "#2c6fbb" // rewrites
		if isCopyKind(e.Relation) {
			color = "#c0392b"
		}
		fmt.Fprintf(&b, "\t%s -> %s [label=\"%s %s%%\", color=%q, fontcolor=%q", quoteID(e.From), quoteID(e.To),
			labelText(e.Relation), strconv.FormatFloat(math.Round(e.Coverage*100), 'f', 0, 64), color, color)
		if !e.Directed {
			b.WriteString(", dir=none, style=dashed")
		}
		b.WriteString("];\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// nodeLabel is a node's label in DOT escString form: outlet, headline, date and id on three lines.
func nodeLabel(a Article) string {
	outlet := a.Source
	if outlet == "" {
		outlet = "unknown outlet"
	}
	lines := []string{labelText(outlet)}
	if h := clip(a.Headline, headlineRunes); h != "" {
		lines = append(lines, labelText(h))
	}
	date := "no date"
	if a.Published != nil {
		date = formatDate(*a.Published)
		if a.PublishedFrom != "" {
			date += " (" + a.PublishedFrom + ")"
		}
	}
	lines = append(lines, labelText(date+" · "+a.ID))
	return strings.Join(lines, `\n`)
}

// formatDate writes a publication time in UTC: the date alone at midnight, else date and time.
func formatDate(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04 UTC")
}

// clip folds runs of white space and control characters into one space, trims, and cuts the text
// to n runes, ending a cut text with "…".
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}

// labelText escapes text for the inside of a quoted DOT label: invalid UTF-8 and control
// characters become spaces or U+FFFD, and backslashes and quotes are escaped, so that Graphviz
// shows the text as it is (a backslash stays a backslash, not an escape such as \N or \n).
func labelText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// quoteID quotes an id for DOT. The mapping is one to one, so different ids stay different nodes:
// backslashes and quotes are escaped; newline, carriage return and tab are written as \n, \r, \t;
// other control characters and invalid UTF-8 bytes as \xHH. No raw control character reaches the
// output.
func quoteID(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02X`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02X`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}

// OutletFlow is how often an outlet took from another.
type OutletFlow struct {
	Outlet string `json:"outlet"`
	// Articles counts derived articles: in TakesFrom, the owning outlet's articles taken from
	// Outlet; in CopiedBy, Outlet's articles taken from the owning outlet.
	Articles int `json:"articles"`
}

// Outlet is one outlet's provenance over all stories.
type Outlet struct {
	Outlet    string       `json:"outlet"`
	Articles  int          `json:"articles"`   // articles of the outlet in the graphs
	First     int          `json:"first"`      // stories it reported first (alone or tied)
	Derived   int          `json:"derived"`    // its articles derived from another outlet's article (directed edges only)
	TakesFrom []OutletFlow `json:"takes_from"` // outlets it takes from: count of its derived articles per source outlet, largest first, ties by name
	CopiedBy  []OutletFlow `json:"copied_by"`  // outlets that take from it, the same way
}

// Outlets sums the graphs per outlet, sorted by Articles (largest first), then name. The unknown
// outlet "" is left out of the list and counted nowhere. Only directed edges between articles of
// two different known outlets count in Derived, TakesFrom and CopiedBy: an outlet republishing
// itself is not copying. An article derived from articles of several outlets counts once per
// source outlet in TakesFrom (so the flows may add up to more than Derived), and once in Derived.
// Graphs are taken as given: an article in two graphs counts in both.
func Outlets(graphs []Graph) []Outlet {
	byName := map[string]*Outlet{}
	get := func(name string) *Outlet {
		o := byName[name]
		if o == nil {
			o = &Outlet{Outlet: name}
			byName[name] = o
		}
		return o
	}
	takes := map[string]map[string]int{} // outlet → source outlet → its articles taken from it
	for gi := range graphs {
		g := &graphs[gi]
		outletOf := make(map[string]string, len(g.Nodes))
		for _, a := range g.Nodes {
			outletOf[a.ID] = a.Source
			if a.Source != "" {
				get(a.Source).Articles++
			}
		}
		seenFirst := map[string]bool{}
		for _, name := range g.FirstOutlets {
			if name != "" && !seenFirst[name] {
				seenFirst[name] = true
				get(name).First++
			}
		}
		// Per derived article, the other known outlets it was taken from.
		from := map[string]map[string]bool{}
		for _, e := range g.Edges {
			if !e.Directed {
				continue
			}
			src, okS := outletOf[e.From]
			dst, okD := outletOf[e.To]
			if !okS || !okD || src == "" || dst == "" || src == dst {
				continue
			}
			if from[e.To] == nil {
				from[e.To] = map[string]bool{}
			}
			from[e.To][src] = true
		}
		for id, srcs := range from {
			dst := outletOf[id]
			get(dst).Derived++
			if takes[dst] == nil {
				takes[dst] = map[string]int{}
			}
			for src := range srcs {
				takes[dst][src]++
			}
		}
	}
	copied := map[string]map[string]int{} // outlet → outlet taking from it → articles
	for dst, m := range takes {
		for src, n := range m {
			if copied[src] == nil {
				copied[src] = map[string]int{}
			}
			copied[src][dst] += n
		}
	}
	out := make([]Outlet, 0, len(byName))
	for name, o := range byName {
		o.TakesFrom = flows(takes[name])
		o.CopiedBy = flows(copied[name])
		out = append(out, *o)
	}
	slices.SortFunc(out, func(x, y Outlet) int {
		return cmp.Or(cmp.Compare(y.Articles, x.Articles), cmp.Compare(x.Outlet, y.Outlet))
	})
	return out
}

// flows lists counts per outlet, largest first, ties by name; never nil.
func flows(m map[string]int) []OutletFlow {
	fs := make([]OutletFlow, 0, len(m))
	for name, n := range m {
		fs = append(fs, OutletFlow{Outlet: name, Articles: n})
	}
	slices.SortFunc(fs, func(x, y OutletFlow) int {
		return cmp.Or(cmp.Compare(y.Articles, x.Articles), cmp.Compare(x.Outlet, y.Outlet))
	})
	return fs
}
