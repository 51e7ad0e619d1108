package provenance

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

// at returns a publication time on 2024-05-DAY at HOUR:00 UTC.
func at(day, hour int) *time.Time {
	t := time.Date(2024, 5, day, hour, 0, 0, 0, time.UTC)
	return &t
}

// art is a dated (or, with t nil, undated) article of an outlet.
func art(id, outlet string, t *time.Time) Article {
	return Article{ID: id, Source: outlet, Headline: "Headline of " + id, Published: t}
}

// rel is a relation with coverages ca (of A) and cb (of B).
func rel(a, b, kind, source string, ca, cb float64) Relation {
	return Relation{A: a, B: b, Relation: kind, Source: source, CoverageA: ca, CoverageB: cb, Similarity: 0.5}
}

func ids(arts []Article) []string {
	out := []string{}
	for _, a := range arts {
		out = append(out, a.ID)
	}
	return out
}

func TestBuild(t *testing.T) {
	abc := []Article{art("c", "Gamma", at(3, 0)), art("a", "Alpha", at(1, 0)), art("b", "Beta", at(2, 0))}
	tests := []struct {
		name string
		arts []Article
		rels []Relation
		want Graph // Story, Nodes and Note are not compared here unless set in check
		// checks beyond the counted fields
		nodes     []string
		note      string
		sameStory int
	}{
		{
			name:  "direction from Source=A",
			arts:  abc,
			rels:  []Relation{rel("a", "b", "near_duplicate", "a", 0.9, 0.8)},
			nodes: []string{"a", "b", "c"},
			want: Graph{
				Edges:           []Edge{{From: "a", To: "b", Relation: "near_duplicate", Coverage: 0.8, Directed: true}},
				FirstReportedBy: []string{"a"}, FirstOutlets: []string{"Alpha"},
				Originals: []string{"a", "c"}, Copies: 1,
			},
		},
		{
			name: "direction from Source=B, never from order",
			arts: abc,
			// b is listed first and is the earlier in the slice, but the engine says a took from b.
			rels: []Relation{rel("a", "b", "rewrite", "b", 0.7, 0.4)},
			want: Graph{
				Edges:           []Edge{{From: "b", To: "a", Relation: "rewrite", Coverage: 0.7, Directed: true}},
				FirstReportedBy: []string{"a"}, FirstOutlets: []string{"Alpha"},
				Originals: []string{"b", "c"}, Rewrites: 1,
			},
		},
		{
			name: "undirected: both ends stay originals",
			arts: abc,
			rels: []Relation{rel("b", "a", "rewrite", "", 0.3, 0.6)},
			want: Graph{
				Edges:           []Edge{{From: "b", To: "a", Relation: "rewrite", Coverage: 0.6}},
				FirstReportedBy: []string{"a"}, FirstOutlets: []string{"Alpha"},
				Originals: []string{"a", "b", "c"}, Undirected: 1,
			},
		},
		{
			name: "multiple sources: one copy article, two edges",
			arts: abc,
			rels: []Relation{
				rel("c", "a", "partial", "a", 0.3, 0.2),
				rel("b", "c", "contains", "b", 0.9, 0.95),
			},
			want: Graph{
				Edges: []Edge{
					{From: "a", To: "c", Relation: "partial", Coverage: 0.3, Directed: true},
					{From: "b", To: "c", Relation: "contains", Coverage: 0.95, Directed: true},
				},
				FirstReportedBy: []string{"a"}, FirstOutlets: []string{"Alpha"},
				Originals: []string{"a", "b"}, Copies: 1,
			},
		},
		{
			name: "chain: a copy and a rewrite",
			arts: abc,
			rels: []Relation{
				rel("a", "b", "exact", "a", 1, 1),
				rel("b", "c", "partial", "b", 0.5, 0.4),
			},
			want: Graph{
				Edges: []Edge{
					{From: "a", To: "b", Relation: "exact", Coverage: 1, Directed: true},
					{From: "b", To: "c", Relation: "partial", Coverage: 0.4, Directed: true},
				},
				FirstReportedBy: []string{"a"}, FirstOutlets: []string{"Alpha"},
				Originals: []string{"a"}, Copies: 1, Rewrites: 1,
			},
		},
		{
			name: "same outlet copies count in the graph",
			arts: []Article{art("x1", "Same", at(1, 0)), art("x2", "Same", at(1, 5))},
			rels: []Relation{rel("x1", "x2", "near_duplicate", "x1", 0.95, 0.9)},
			want: Graph{
				Edges:           []Edge{{From: "x1", To: "x2", Relation: "near_duplicate", Coverage: 0.9, Directed: true}},
				FirstReportedBy: []string{"x1"}, FirstOutlets: []string{"Same"},
				Originals: []string{"x1"}, Copies: 1,
			},
		},
		{
			name: "same_story is no edge; a pair with a copy relation is not same_story",
			arts: abc,
			rels: []Relation{
				rel("a", "b", "same_story", "", 0.1, 0.1),
				rel("b", "a", "same_story", "a", 0.1, 0.1), // the same pair again: counted once
				rel("a", "c", "same_story", "", 0.1, 0.1),
				rel("a", "c", "rewrite", "a", 0.2, 0.6),
			},
			sameStory: 1,
			want: Graph{
				Edges:           []Edge{{From: "a", To: "c", Relation: "rewrite", Coverage: 0.6, Directed: true}},
				FirstReportedBy: []string{"a"}, FirstOutlets: []string{"Alpha"},
				Originals: []string{"a", "b"}, Rewrites: 1,
			},
		},
		{
			name: "ignored: unknown ids, self pairs, foreign Source, unknown kinds",
			arts: abc,
			rels: []Relation{
				rel("a", "zz", "exact", "a", 1, 1),
				rel("zz", "yy", "same_story", "", 0, 0),
				rel("a", "a", "exact", "a", 1, 1),
				rel("a", "b", "exact", "c", 1, 1),
				rel("a", "c", "same_story", "b", 0, 0),
				rel("a", "b", "paraphrase", "a", 1, 1),
				rel("a", "b", "", "", 1, 1),
			},
			want: Graph{
				Edges:           []Edge{},
				FirstReportedBy: []string{"a"}, FirstOutlets: []string{"Alpha"},
				Originals: []string{"a", "b", "c"},
			},
		},
		{
			name: "several relations for one pair: directed wins, then the stronger kind",
			arts: abc,
			rels: []Relation{
				rel("a", "b", "exact", "", 1, 1),
				rel("a", "b", "partial", "a", 0.2, 0.3),
				rel("b", "a", "near_duplicate", "a", 0.85, 0.9),
				rel("a", "b", "near_duplicate", "a", 0.8, 0.7),
			},
			want: Graph{
				Edges:           []Edge{{From: "a", To: "b", Relation: "near_duplicate", Coverage: 0.85, Directed: true}},
				FirstReportedBy: []string{"a"}, FirstOutlets: []string{"Alpha"},
				Originals: []string{"a", "c"}, Copies: 1,
			},
		},
		{
			name: "coverage clamped",
			arts: abc,
			rels: []Relation{
				rel("a", "b", "rewrite", "a", 0.5, math.NaN()),
				rel("a", "c", "rewrite", "", -1, 7),
			},
			want: Graph{
				Edges: []Edge{
					{From: "a", To: "b", Relation: "rewrite", Coverage: 0, Directed: true},
					{From: "a", To: "c", Relation: "rewrite", Coverage: 1},
				},
				FirstReportedBy: []string{"a"}, FirstOutlets: []string{"Alpha"},
				Originals: []string{"a", "c"}, Rewrites: 1, Undirected: 1,
			},
		},
		{
			name:  "some undated: nodes last by id, note lists them",
			arts:  []Article{art("u2", "", nil), art("d1", "Dated", at(4, 0)), art("u1", "Undated", nil), art("d0", "Dated", at(5, 0))},
			rels:  []Relation{rel("u1", "d1", "exact", "u1", 1, 1)},
			nodes: []string{"d1", "d0", "u1", "u2"},
			note:  "2 of 4 articles have no publication time: u1, u2; one of them may have been first",
			want: Graph{
				Edges:           []Edge{{From: "u1", To: "d1", Relation: "exact", Coverage: 1, Directed: true}},
				FirstReportedBy: []string{"d1"}, FirstOutlets: []string{"Dated"},
				Originals: []string{"d0", "u1", "u2"}, Copies: 1,
			},
		},
		{
			name:  "one undated",
			arts:  []Article{art("d", "Dated", at(4, 0)), art("u", "Undated", nil)},
			nodes: []string{"d", "u"},
			note:  "1 of 2 articles has no publication time: u; it may have been first",
			want: Graph{
				Edges:           []Edge{},
				FirstReportedBy: []string{"d"}, FirstOutlets: []string{"Dated"},
				Originals: []string{"d", "u"},
			},
		},
		{
			name:  "none dated (a zero time is no time)",
			arts:  []Article{art("q", "Q", nil), art("p", "P", &time.Time{})},
			rels:  []Relation{rel("p", "q", "rewrite", "", 0.5, 0.5)},
			nodes: []string{"p", "q"},
			note:  "none of the 2 articles has a publication time: who reported first cannot be told without publication times",
			want: Graph{
				Edges:           []Edge{{From: "p", To: "q", Relation: "rewrite", Coverage: 0.5}},
				FirstReportedBy: []string{}, FirstOutlets: []string{},
				Originals: []string{"p", "q"}, Undirected: 1,
			},
		},
		{
			name: "ties: all first, outlets unique and sorted, equal instants in other zones",
			arts: []Article{
				art("t3", "Zeta", at(1, 9)),
				{ID: "t1", Source: "Zeta", Published: ptr(at(1, 9).In(time.FixedZone("IRST", 12600)))},
				art("t2", "Alpha", at(1, 9)),
				art("t4", "", at(1, 9)),
				art("t5", "Late", at(2, 9)),
			},
			nodes: []string{"t1", "t2", "t3", "t4", "t5"},
			want: Graph{
				Edges:           []Edge{},
				FirstReportedBy: []string{"t1", "t2", "t3", "t4"}, FirstOutlets: []string{"Alpha", "Zeta"},
				Originals: []string{"t1", "t2", "t3", "t4", "t5"},
			},
		},
		{
			name: "repeated article id: the dated, earlier copy is kept",
			arts: []Article{
				art("r", "Late", at(9, 0)), art("r", "None", nil), art("r", "Early", at(2, 0)), art("s", "S", at(3, 0)),
			},
			nodes: []string{"r", "s"},
			want: Graph{
				Edges:           []Edge{},
				FirstReportedBy: []string{"r"}, FirstOutlets: []string{"Early"},
				Originals: []string{"r", "s"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := Build("s1", tc.arts, tc.rels)
			if g.Story != "s1" {
				t.Errorf("Story = %q", g.Story)
			}
			if tc.nodes != nil && !reflect.DeepEqual(ids(g.Nodes), tc.nodes) {
				t.Errorf("node order = %v, want %v", ids(g.Nodes), tc.nodes)
			}
			if g.Note != tc.note {
				t.Errorf("Note = %q, want %q", g.Note, tc.note)
			}
			if g.SameStory != tc.sameStory {
				t.Errorf("SameStory = %d, want %d", g.SameStory, tc.sameStory)
			}
			got := g
			got.Story, got.Nodes, got.Note, got.SameStory = "", nil, "", 0
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Build:\n got %+v\nwant %+v", got, tc.want)
			}
			checkDOT(t, &g)
		})
	}
}

func ptr(t time.Time) *time.Time { return &t }

// TestBuildCopiesInput checks that Build neither keeps nor changes the caller's times.
func TestBuildCopiesInput(t *testing.T) {
	now := time.Now() // with a monotonic clock reading, which the graph must not keep
	arts := []Article{{ID: "a", Published: &now}}
	g := Build("s", arts, nil)
	if g.Nodes[0].Published == &now {
		t.Fatal("Build kept the caller's pointer")
	}
	if !reflect.DeepEqual(*g.Nodes[0].Published, now.Round(0)) {
		t.Errorf("time = %v, want %v", *g.Nodes[0].Published, now.Round(0))
	}
}

// story is a larger story for the determinism and JSON tests.
func story() ([]Article, []Relation) {
	arts := []Article{
		art("p0", "Press TV", nil),
		{ID: "t1", Source: "Tehran Times", Headline: "A \"quoted\" \\ headline\nover two lines", Published: at(1, 10), PublishedFrom: "text"},
		art("m2", "Mehr", at(1, 12)),
		art("m3", "Mehr", at(1, 12)),
		art("i4", "IRNA", at(2, 8)),
		art("x5", "", at(3, 8)),
		art("x5", "", nil),
	}
	rels := []Relation{
		rel("p0", "t1", "rewrite", "", 0.6, 0.7),
		rel("m2", "t1", "near_duplicate", "t1", 0.9, 0.92),
		rel("m2", "m3", "exact", "m2", 1, 1),
		rel("i4", "m3", "partial", "m3", 0.4, 0.2),
		rel("i4", "t1", "contains", "t1", 0.8, 0.95),
		rel("x5", "i4", "same_story", "", 0.1, 0.1),
		rel("x5", "p0", "same_story", "", 0.1, 0.1),
		rel("x5", "nope", "exact", "x5", 1, 1),
		rel("i4", "t1", "rewrite", "t1", 0.5, 0.5),
	}
	return arts, rels
}

func TestDeterministicUnderShuffles(t *testing.T) {
	arts, rels := story()
	want := Build("s", arts, rels)
	wantJSON, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	wantDOT := want.DOT()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		a := append([]Article(nil), arts...)
		rs := append([]Relation(nil), rels...)
		r.Shuffle(len(a), func(i, j int) { a[i], a[j] = a[j], a[i] })
		r.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		g := Build("s", a, rs)
		if !reflect.DeepEqual(g, want) {
			t.Fatalf("shuffle %d: graph differs:\n got %+v\nwant %+v", i, g, want)
		}
		if j, _ := json.Marshal(g); !bytes.Equal(j, wantJSON) {
			t.Fatalf("shuffle %d: JSON differs:\n%s\n%s", i, j, wantJSON)
		}
		if d := g.DOT(); d != wantDOT {
			t.Fatalf("shuffle %d: DOT differs:\n%s\n%s", i, d, wantDOT)
		}
	}
	// Sanity of the story itself.
	if want.Copies != 3 || want.Rewrites != 0 || want.Undirected != 1 || want.SameStory != 2 {
		t.Errorf("copies %d rewrites %d undirected %d same_story %d", want.Copies, want.Rewrites, want.Undirected, want.SameStory)
	}
	if !reflect.DeepEqual(want.FirstReportedBy, []string{"t1"}) || !reflect.DeepEqual(want.Originals, []string{"t1", "x5", "p0"}) {
		t.Errorf("first %v originals %v", want.FirstReportedBy, want.Originals)
	}
	if want.Note != "1 of 6 articles has no publication time: p0; it may have been first" {
		t.Errorf("Note = %q", want.Note)
	}
}

func TestJSON(t *testing.T) {
	empty := Build("", nil, nil)
	j, err := json.Marshal(empty)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(j, []byte("null")) {
		t.Errorf("empty graph JSON has null: %s", j)
	}
	for _, field := range []string{`"nodes":[]`, `"edges":[]`, `"first_reported_by":[]`, `"first_outlets":[]`, `"originals":[]`} {
		if !bytes.Contains(j, []byte(field)) {
			t.Errorf("empty graph JSON lacks %s: %s", field, j)
		}
	}
	if o, _ := json.Marshal(Outlets(nil)); string(o) != "[]" {
		t.Errorf("Outlets(nil) JSON = %s", o)
	}

	arts, rels := story()
	for _, g := range []Graph{empty, Build("s", arts, rels), Build("u", []Article{art("a", "A", nil)}, nil)} {
		j, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		var back Graph
		if err := json.Unmarshal(j, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, g) {
			t.Errorf("round trip:\n got %+v\nwant %+v", back, g)
		}
	}
	os := Outlets([]Graph{Build("s", arts, rels)})
	j, err = json.Marshal(os)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(j, []byte("null")) {
		t.Errorf("outlets JSON has null: %s", j)
	}
	var back []Outlet
	if err := json.Unmarshal(j, &back); err != nil || !reflect.DeepEqual(back, os) {
		t.Errorf("outlets round trip: %v\n got %+v\nwant %+v", err, back, os)
	}
}

func TestOutlets(t *testing.T) {
	g1 := Build("one", []Article{
		art("a1", "A", at(1, 0)),
		art("b1", "B", at(1, 1)),
		art("b2", "B", at(1, 2)),
		art("c1", "C", at(1, 3)),
		art("u1", "", at(1, 4)),
		art("d1", "D", at(1, 5)),
	}, []Relation{
		rel("a1", "b1", "near_duplicate", "a1", 0.9, 0.9),
		rel("b1", "b2", "exact", "b1", 1, 1), // within B: not copying
		rel("a1", "c1", "rewrite", "a1", 0.5, 0.6),
		rel("b1", "c1", "partial", "b1", 0.5, 0.3), // c1 takes from A and B
		rel("a1", "u1", "exact", "a1", 1, 1),
		rel("u1", "d1", "exact", "u1", 1, 1), // from an unknown outlet: counted nowhere
	})
	g2 := Build("two", []Article{
		art("b3", "B", at(5, 0)),
		art("a2", "A", at(5, 1)),
		art("a3", "A", at(5, 1)),
		art("c2", "C", at(5, 2)),
	}, []Relation{
		rel("b3", "a2", "rewrite", "b3", 0.5, 0.5),
		rel("a3", "b3", "rewrite", "b3", 0.5, 0.5),
		rel("a2", "a3", "exact", "", 1, 1),
		rel("b3", "c2", "rewrite", "", 0.5, 0.5), // undirected: not counted
	})
	g3 := Build("three", []Article{art("a4", "A", at(7, 0)), art("b4", "B", at(7, 0)), art("e", "", nil)}, nil)
	got := Outlets([]Graph{g1, g2, g3})
	want := []Outlet{
		{Outlet: "A", Articles: 4, First: 2, Derived: 2,
			TakesFrom: []OutletFlow{{"B", 2}},
			CopiedBy:  []OutletFlow{{"B", 1}, {"C", 1}}},
		{Outlet: "B", Articles: 4, First: 2, Derived: 1,
			TakesFrom: []OutletFlow{{"A", 1}},
			CopiedBy:  []OutletFlow{{"A", 2}, {"C", 1}}},
		{Outlet: "C", Articles: 2, First: 0, Derived: 1,
			TakesFrom: []OutletFlow{{"A", 1}, {"B", 1}},
			CopiedBy:  []OutletFlow{}},
		{Outlet: "D", Articles: 1, First: 0, Derived: 0, TakesFrom: []OutletFlow{}, CopiedBy: []OutletFlow{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Outlets:\n got %+v\nwant %+v", got, want)
	}
	// The graph still counts the same-outlet and unknown-outlet copies.
	if g1.Copies != 4 || g1.Rewrites != 1 {
		t.Errorf("g1 copies %d rewrites %d", g1.Copies, g1.Rewrites)
	}
	// Order of graphs does not matter.
	if again := Outlets([]Graph{g3, g2, g1}); !reflect.DeepEqual(again, got) {
		t.Errorf("Outlets depends on graph order:\n%+v\n%+v", again, got)
	}
}

func TestDOT(t *testing.T) {
	evil := []Article{
		{ID: `q"uote`, Source: `Out"let\`, Headline: "Say \"hi\" \\N and C:\\path\\\nnext line\ttab\x00nul", Published: at(1, 0), PublishedFrom: "record"},
		{ID: `back\`, Source: "B", Headline: strings.Repeat("long héadline ", 20), Published: at(1, 0)},
		{ID: "new\nline", Headline: "\xff\xfe bad bytes"},
		{ID: "new\\nline"}, // the two characters \ and n: another node than the one above
		{ID: "ctl\x01\x7f\xff"},
		{ID: ""},
	}
	rels := []Relation{
		rel(`q"uote`, `back\`, "exact", `q"uote`, 1, 1),
		rel("new\nline", "new\\nline", "rewrite", "", 0.25, 0.5),
		rel("ctl\x01\x7f\xff", "", "partial", "", 0.1, 0.2),
	}
	g := Build("story \"x\"\\", evil, rels)
	d := checkDOT(t, &g)
	for _, want := range []string{
		`"q\"uote" [label="Out\"let\\\nSay \"hi\" \\N and C:\\path\\ next line tab nul\n2024-05-01 (record) · q\"uote"`,
		`"back\\" [label="B\nlong héadline long héadline long héadline long héadline lon…\n2024-05-01 · back\\"`,
		`"q\"uote" -> "back\\" [label="exact 100%"`,
		`"new\nline" -> "new\\nline" [label="rewrite 50%"`,
		`"ctl\x01\x7F\xFF" -> "" [label="partial 20%"`,
		"dir=none, style=dashed",
		`penwidth=2`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("DOT lacks %s:\n%s", want, d)
		}
	}
	if strings.Contains(d, "\x00") || strings.Contains(d, "\xff") || strings.Contains(d, "\x01") {
		t.Errorf("DOT holds raw control or invalid bytes:\n%q", d)
	}
	// Directed edges have no dir=none.
	for _, line := range strings.Split(d, "\n") {
		if strings.Contains(line, "exact 100%") && strings.Contains(line, "dir=none") {
			t.Errorf("directed edge drawn undirected: %s", line)
		}
	}

	empty := Build("", nil, nil)
	checkDOT(t, &empty)
}

// checkDOT checks that g.DOT() is well formed — one digraph, every quoted string closed under
// Graphviz's lexing rules (a backslash pair is one unit, \" a quote), no raw newline inside a
// string, braces and brackets balanced outside strings — and that it has a line per node and per
// edge. Where Graphviz is installed, dot must also accept it with the same node and edge counts.
func checkDOT(t *testing.T, g *Graph) string {
	t.Helper()
	d := g.DOT()
	if !strings.HasPrefix(d, "digraph ") || !strings.HasSuffix(d, "}\n") {
		t.Errorf("not a digraph:\n%s", d)
	}
	braces, brackets := 0, 0
	in := false
	for i := 0; i < len(d); i++ {
		c := d[i]
		if in {
			switch c {
			case '\\':
				i++ // \\ and \" are units; any other escaped char is kept
			case '"':
				in = false
			case '\n':
				t.Errorf("raw newline in a quoted string at %d:\n%s", i, d)
			}
			continue
		}
		switch c {
		case '"':
			in = true
		case '{':
			braces++
		case '}':
			braces--
		case '[':
			brackets++
		case ']':
			brackets--
		}
		if braces < 0 || brackets < 0 {
			t.Fatalf("unbalanced at %d:\n%s", i, d)
		}
	}
	if in || braces != 0 || brackets != 0 {
		t.Errorf("unbalanced: in string %v, braces %d, brackets %d:\n%s", in, braces, brackets, d)
	}
	for _, a := range g.Nodes {
		if !strings.Contains(d, "\n\t"+quoteID(a.ID)+" [label=") {
			t.Errorf("no node line for %q:\n%s", a.ID, d)
		}
	}
	for _, e := range g.Edges {
		if !strings.Contains(d, "\n\t"+quoteID(e.From)+" -> "+quoteID(e.To)+" [label=\""+e.Relation+" ") {
			t.Errorf("no edge line for %+v:\n%s", e, d)
		}
	}
	if strings.Count(d, " -> ") != len(g.Edges) {
		t.Errorf("%d edge lines for %d edges", strings.Count(d, " -> "), len(g.Edges))
	}
	dot, err := exec.LookPath("dot")
	if err != nil {
		return d
	}
	cmd := exec.Command(dot, "-Tplain")
	cmd.Stdin = strings.NewReader(d)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("dot rejects the graph: %v %s\n%s", err, stderr.String(), d)
		return d
	}
	nodes, edges := 0, 0
	for _, line := range strings.Split(stdout.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "node "):
			nodes++
		case strings.HasPrefix(line, "edge "):
			edges++
		}
	}
	if nodes != len(g.Nodes) || edges != len(g.Edges) {
		t.Errorf("dot sees %d nodes and %d edges, want %d and %d:\n%s", nodes, edges, len(g.Nodes), len(g.Edges), d)
	}
	return d
}
