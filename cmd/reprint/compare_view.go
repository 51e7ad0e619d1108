package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/match"
)

// compareView shows two texts side by side: each row an aligned sentence
// pair (or a sentence against a gap), the marker between them saying how
// they relate ("=" verbatim, "~" paraphrase, "\"" a quotation both
// carry, " " unmatched), verbatim passages highlighted. Pairs found out
// of order (moved material) follow the ordered alignment.
//
// For a copy (exact, near_duplicate, contains) the view is a diff: runs of
// sentences that are the same on both sides are folded to one line that
// counts them, keeping one on each side of a difference for context,
// unless full is set.
type compareView struct {
	w     io.Writer
	width int
	color bool
	full  bool
}

// viewRow is one row of the view: a sentence against a sentence or a gap.
type viewRow struct {
	mark        rune
	left, right []seg
	same        bool // the two sentences are the same text
}

const (
	ansiPassage = "\x1b[1;32m" // bold green: verbatim
	ansiHead    = "\x1b[1m"
	ansiReset   = "\x1b[0m"
)

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func terminalWidth(w io.Writer, def int) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols >= 40 {
			return cols
		}
	}
	return def
}

func (v *compareView) style(code, s string) string {
	if !v.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

// render writes the view of answer r for articles a and b.
func (v *compareView) render(r *engine.ReuseAnswer, a, b *article.Article) {
	fmt.Fprintf(v.w, "%s  %s\n", v.style(ansiHead, "a: "+r.A), describe(a))
	fmt.Fprintf(v.w, "%s  %s\n", v.style(ansiHead, "b: "+r.B), describe(b))
	rel := r.Relation
	if r.Container != "" {
		rel += " (" + r.Container + " holds the other)"
	}
	fmt.Fprintf(v.w, "relation: %s\n", v.style(ansiHead, rel))
	switch {
	case r.Source != nil:
		fmt.Fprintf(v.w, "source: %s (by %s)\n", *r.Source, r.Direction)
	case r.Note != "":
		fmt.Fprintf(v.w, "source: unknown: %s\n", r.Note)
	}
	fmt.Fprintf(v.w, "coverage: a %.0f%% found in b (verbatim %.0f%%), b %.0f%% found in a (verbatim %.0f%%); similarity %.2f\n",
		100*r.CoverageA, 100*r.VerbatimA, 100*r.CoverageB, 100*r.VerbatimB, r.Similarity)
	if r.Truncated {
		fmt.Fprintf(v.w, "note: a text has more than %d sentences; the %d that share the most with the other were aligned%s\n",
			match.MaxSentences, match.MaxSentences, alignedNote(r))
	}
	col := max(20, (v.width-3)/2)
	fmt.Fprintln(v.w, strings.Repeat("─", 2*col+3))
	onlyA := func(i int) viewRow {
		return viewRow{mark: ' ', left: v.cell(a.Text, r.SpansA[i], r.Passages, true)}
	}
	onlyB := func(j int) viewRow {
		return viewRow{mark: ' ', right: v.cell(b.Text, r.SpansB[j], r.Passages, false)}
	}
	pair := func(p match.SentencePair) viewRow {
		return viewRow{mark: marker(p.Kind),
			left:  v.cell(a.Text, [2]int{p.AStart, p.AEnd}, r.Passages, true),
			right: v.cell(b.Text, [2]int{p.BStart, p.BEnd}, r.Passages, false),
			same:  sameText(a.Text[p.AStart:p.AEnd], b.Text[p.BStart:p.BEnd])}
	}
	var rows []viewRow
	i, j := 0, 0
	var moved []match.SentencePair
	for _, p := range r.Sentences {
		if !p.Ordered {
			moved = append(moved, p)
			continue
		}
		for ; i < p.A[0]; i++ {
			rows = append(rows, onlyA(i))
		}
		for ; j < p.B[0]; j++ {
			rows = append(rows, onlyB(j))
		}
		rows = append(rows, pair(p))
		i, j = max(i, p.A[1]), max(j, p.B[1])
	}
	for ; i < len(r.SpansA); i++ {
		rows = append(rows, onlyA(i))
	}
	for ; j < len(r.SpansB); j++ {
		rows = append(rows, onlyB(j))
	}
	switch match.Relation(r.Relation) {
	case match.Exact, match.NearDuplicate, match.Contains:
		v.rows(col, rows, !v.full)
	default:
		v.rows(col, rows, false)
	}
	if len(moved) > 0 {
		fmt.Fprintln(v.w, strings.Repeat("─", 2*col+3))
		fmt.Fprintln(v.w, "moved (matched out of order):")
		for _, p := range moved {
			v.row(col, pair(p))
		}
	}
}

// rows writes the rows; with fold, each run of more than two rows whose
// sentences are the same on both sides keeps its first and last row (the
// context of the differences around it; only the last at the start, only
// the first at the end) and the rest become one line that counts them.
func (v *compareView) rows(col int, rows []viewRow, fold bool) {
	for k := 0; k < len(rows); {
		e := k
		for e < len(rows) && rows[e].same {
			e++
		}
		if !fold || e-k <= 2 {
			for end := max(e, k+1); k < end; k++ {
				v.row(col, rows[k])
			}
			continue
		}
		lo, hi := k, e // the rows folded
		if k > 0 {
			v.row(col, rows[k])
			lo++
		}
		if e < len(rows) {
			hi--
		}
		word := "sentences"
		if hi-lo == 1 {
			word = "sentence"
		}
		fmt.Fprintln(v.w, v.style(ansiHead, fmt.Sprintf("%*s··· %d identical %s ···", col/2, "", hi-lo, word)))
		if hi < e {
			v.row(col, rows[hi])
		}
		k = e
	}
}

// sameText reports whether two sentences are the same text but for
// spacing.
func sameText(a, b string) bool {
	return a == b || strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}

// describe is an article's outlet and publication time for the header.
func describe(a *article.Article) string {
	var parts []string
	if a.Source != "" {
		parts = append(parts, a.Source)
	}
	if !a.Published.IsZero() {
		p := "published " + a.Published.Format("2006-01-02 15:04 MST")
		if a.PublishedFrom == article.PublishedFromText {
			p += " (read from the text)"
		}
		parts = append(parts, p)
	} else {
		parts = append(parts, "no publication time")
	}
	if a.Title != "" {
		parts = append(parts, "“"+clipDisplay(a.Title, 60)+"”")
	}
	return strings.Join(parts, ", ")
}

func marker(kind string) rune {
	switch kind {
	case match.KindVerbatim:
		return '='
	case match.KindQuote:
		return '"'
	}
	return '~'
}

// seg is a stretch of a cell's text, highlighted or not.
type seg struct {
	s  string
	hi bool
}

// cell cuts span out of s, marking the verbatim passages (side a or b).
func (v *compareView) cell(s string, span [2]int, ps []match.Passage, sideA bool) []seg {
	lo, hi := span[0], span[1]
	var out []seg
	at := lo
	for _, p := range ps {
		ps, pe := p.BStart, p.BEnd
		if sideA {
			ps, pe = p.AStart, p.AEnd
		}
		ps, pe = max(ps, lo), min(pe, hi)
		if ps >= pe || ps < at {
			continue
		}
		out = append(out, seg{s[at:ps], false}, seg{s[ps:pe], true})
		at = pe
	}
	return append(out, seg{s[at:hi], false})
}

// row writes one row: its left and right cells wrapped to col runes each.
func (v *compareView) row(col int, row viewRow) {
	mark, l, r := row.mark, v.wrap(row.left, col), v.wrap(row.right, col)
	for k := 0; k < max(len(l), len(r), 1); k++ {
		var a, b string
		var wa int
		if k < len(l) {
			a, wa = l[k].s, l[k].w
		}
		if k < len(r) {
			b = r[k].s
		}
		m := ' '
		if k == 0 {
			m = mark
		}
		fmt.Fprintf(v.w, "%s%s %c %s\n", a, strings.Repeat(" ", max(0, col-wa)), m, strings.TrimRight(b, " "))
	}
}

// line is a wrapped line and its visible width.
type line struct {
	s string
	w int
}

// wrap breaks runs into lines of at most col visible runes, at spaces
// where it can, highlighting passages (colour, or [[ ]] markers).
func (v *compareView) wrap(runs []seg, col int) []line {
	type glyph struct {
		r  rune
		hi bool
	}
	var gs []glyph
	for _, rn := range runs {
		s := rn.s
		if rn.hi && !v.color {
			gs = append(gs, glyph{'[', false}, glyph{'[', false})
		}
		for len(s) > 0 {
			c, n := utf8.DecodeRuneInString(s)
			s = s[n:]
			if c == '\n' || c == '\t' || c == '\r' {
				c = ' '
			}
			if unicode.IsControl(c) {
				continue
			}
			gs = append(gs, glyph{c, rn.hi})
		}
		if rn.hi && !v.color {
			gs = append(gs, glyph{']', false}, glyph{']', false})
		}
	}
	var out []line
	for len(gs) > 0 {
		n := min(col, len(gs))
		if n < len(gs) {
			// Break at the last space within the line.
			for k := n; k > col/2; k-- {
				if gs[k].r == ' ' {
					n = k
					break
				}
			}
		}
		var sb strings.Builder
		hi := false
		for _, g := range gs[:n] {
			if v.color && g.hi != hi {
				if g.hi {
					sb.WriteString(ansiPassage)
				} else {
					sb.WriteString(ansiReset)
				}
				hi = g.hi
			}
			sb.WriteRune(g.r)
		}
		if hi {
			sb.WriteString(ansiReset)
		}
		out = append(out, line{sb.String(), n})
		gs = gs[n:]
		for len(gs) > 0 && gs[0].r == ' ' {
			gs = gs[1:]
		}
	}
	return out
}

// alignedNote names the byte ranges of the texts aligned on a window.
func alignedNote(r *engine.ReuseAnswer) string {
	var parts []string
	for _, x := range []struct {
		side string
		w    *[2]int
	}{{"a", r.AlignedA}, {"b", r.AlignedB}} {
		if x.w != nil {
			parts = append(parts, fmt.Sprintf("%s bytes %d–%d", x.side, x.w[0], x.w[1]))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
