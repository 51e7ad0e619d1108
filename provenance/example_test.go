package provenance_test

import (
	"fmt"
	"time"

	"github.com/reprint-news/reprint/provenance"
)

// The seed story: Press TV's piece (000, no publication time) and the Tehran Times article that
// retells it (001, dated 2023-02-24 in its text). The engine finds a rewrite but cannot tell its
// direction, because 000 has no date: the edge is undirected, and 001 is the first reported only
// among the dated articles, which the note says.
func Example() {
	published := time.Date(2023, 2, 24, 0, 0, 0, 0, time.UTC)
	arts := []provenance.Article{
		{ID: "000", Source: "Press TV", Headline: "Iran's Foreign Ministry spokesman says defense cooperation between Tehran and Moscow dates back to years before the start of the war in Ukraine"},
		{ID: "001", Source: "Tehran Times", Headline: "Iranian Foreign Ministry spokesman Nasser Kanaani has announced that Iran's Foreign Minister is set to visit Moscow", Published: &published, PublishedFrom: "text"},
	}
	rels := []provenance.Relation{
		{A: "000", B: "001", Relation: "rewrite", Source: "", CoverageA: 0.41, CoverageB: 0.78, Similarity: 0.52},
	}
	g := provenance.Build("seed", arts, rels)
	fmt.Println("nodes:", g.Nodes[0].ID, g.Nodes[1].ID)
	fmt.Printf("edges: %+v\n", g.Edges)
	fmt.Println("first reported by:", g.FirstReportedBy, g.FirstOutlets)
	fmt.Println("originals:", g.Originals, "copies:", g.Copies, "rewrites:", g.Rewrites, "undirected:", g.Undirected)
	fmt.Println("note:", g.Note)
	fmt.Print(g.DOT())
	for _, o := range provenance.Outlets([]provenance.Graph{g}) {
		fmt.Printf("%s: articles %d, first %d, derived %d\n", o.Outlet, o.Articles, o.First, o.Derived)
	}
	// Output:
	// nodes: 001 000
	// edges: [{From:000 To:001 Relation:rewrite Coverage:0.78 Directed:false}]
	// first reported by: [001] [Tehran Times]
	// originals: [001 000] copies: 0 rewrites: 0 undirected: 1
	// note: 1 of 2 articles has no publication time: 000; it may have been first
	// digraph "seed" {
	// 	graph [label="story seed\n1 of 2 articles has no publication time: 000; it may have been first", labelloc=t, rankdir=LR, fontname="Helvetica"];
	// 	node [shape=box, style=rounded, fontname="Helvetica", fontsize=10];
	// 	edge [fontname="Helvetica", fontsize=9];
	// 	"001" [label="Tehran Times\nIranian Foreign Ministry spokesman Nasser Kanaani has annou…\n2023-02-24 (text) · 001", style="rounded,filled", fillcolor="#ffe8a3", penwidth=2];
	// 	"000" [label="Press TV\nIran's Foreign Ministry spokesman says defense cooperation…\nno date · 000"];
	// 	"000" -> "001" [label="rewrite 78%", color="#2c6fbb", fontcolor="#2c6fbb", dir=none, style=dashed];
	// }
	// Press TV: articles 1, first 0, derived 0
	// Tehran Times: articles 1, first 1, derived 0
}
