package text

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
)

func addDoc(b *Boilerplate, s string) {
	var d Doc
	d.Tokenize(s)
	b.Add(s, d.Lines)
}

func bodies(n int, seed string) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("%s article number %d reports on event %d in city %d.\nA second paragraph about matter %d with detail %d.", seed, i, i*7, i*13, i*31, i*17))
	}
	return out
}

func TestBoilerplateOutletFurniture(t *testing.T) {
	b := NewBoilerplate(DefaultBoilerplateConfig())
	for _, body := range bodies(8, "Distinct") {
		addDoc(b, body+"\nSHARE THIS ARTICLE\nPress TV News Roku\n")
	}
	set := b.Set()
	if set.Len() != 2 {
		t.Fatalf("boilerplate %+v, want the 2 furniture lines", set.Lines)
	}
	for _, l := range set.Lines {
		if l.Articles != 8 || (l.Text != "SHARE THIS ARTICLE" && l.Text != "Press TV News Roku") {
			t.Errorf("unexpected line %+v", l)
		}
	}
}

func TestBoilerplateNeedsMinDocs(t *testing.T) {
	b := NewBoilerplate(DefaultBoilerplateConfig())
	for _, body := range bodies(4, "Few") {
		addDoc(b, body+"\nSHARE THIS ARTICLE\n")
	}
	if b.Set().Len() != 0 {
		t.Fatalf("4 articles < MinDocs 5 but found %+v", b.Set().Lines)
	}
}

func TestBoilerplateSyndicationIsContent(t *testing.T) {
	b := NewBoilerplate(DefaultBoilerplateConfig())
	story := "Officials said on Sunday that the ceasefire agreed last week would hold for now.\n" +
		"Talks between the two delegations resume on Monday in Geneva under UN auspices.\n" +
		"The United Nations welcomed the move and called on both sides to show restraint."
	for i := 0; i < 40; i++ {
		// Every copy has its own footer; a quarter of them carry a widget
		// line that also appears on unrelated articles.
		widget := ""
		if i%4 == 0 {
			widget = "\nFollow us on Telegram"
		}
		addDoc(b, fmt.Sprintf("%s\nOutlet %d footer line%s", story, i, widget))
	}
	for _, body := range bodies(30, "Other") {
		addDoc(b, body+"\nFollow us on Telegram")
	}
	set := b.Set()
	for _, l := range set.Lines {
		if l.Text != "Follow us on Telegram" {
			t.Errorf("syndicated line taken for boilerplate: %+v", l)
		}
	}
	if set.Len() != 1 {
		t.Errorf("want only the widget line, got %+v", set.Lines)
	}
}

func TestBoilerplateMaxTokens(t *testing.T) {
	cfg := DefaultBoilerplateConfig()
	cfg.MaxTokens = 3
	b := NewBoilerplate(cfg)
	for _, body := range bodies(10, "Cap") {
		addDoc(b, body+"\nthis footer has six tokens\nShare")
	}
	set := b.Set()
	if set.Len() != 1 || set.Lines[0].Text != "Share" {
		t.Fatalf("got %+v, want only the short line", set.Lines)
	}
}

func TestBoilerplateHasMatchesSet(t *testing.T) {
	b := NewBoilerplate(DefaultBoilerplateConfig())
	var d Doc
	for i := range 12 {
		s := fmt.Sprintf("Story number %d says something new about topic %d today.\nSHARE THIS ARTICLE\nMore words %d here.", i, i*7, i*13)
		d.Tokenize(s)
		b.Add(s, d.Lines)
		set := b.Set()
		for _, l := range d.Lines {
			if b.Has(l.Hash) != set.Has(l.Hash) {
				t.Fatalf("after %d articles: Has and Set disagree on %q", i+1, s[l.Start:l.End])
			}
		}
	}
	d.Tokenize("SHARE THIS ARTICLE")
	if !b.Has(d.Lines[0].Hash) {
		t.Fatal("a widget line in 12 unrelated articles is not boilerplate")
	}
}

// TestAddChanged checks that AddChanged names exactly the lines of the
// article whose Has answer the article changed.
func TestAddChanged(t *testing.T) {
	b := NewBoilerplate(BoilerplateConfig{MinDocs: 3, MaxShare: 0.5, MaxTokens: 40})
	footers := []string{"Share this article", "All rights reserved", "Follow us"}
	var d Doc
	for i := range 60 {
		s := fmt.Sprintf("Story number %d about things %d.\n%s\nBody line %d of its own.", i, i%7, footers[i%3], i%5)
		d.Tokenize(s)
		before := map[uint64]bool{}
		for _, ln := range d.Lines {
			before[ln.Hash] = b.Has(ln.Hash)
		}
		changed := b.AddChanged(s, d.Lines, nil)
		want := map[uint64]bool{}
		for _, ln := range d.Lines {
			if b.Has(ln.Hash) != before[ln.Hash] {
				want[ln.Hash] = true
			}
		}
		got := map[uint64]bool{}
		for _, h := range changed {
			got[h] = true
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("article %d: changed %v, want %v", i, got, want)
		}
	}
}

// TestBoilerplateLongLinesNoStats repeats long paragraphs (copies of a
// story) and a short footer: only the short line gets statistics, the
// long ones never change state, and the footer is found as before.
func TestBoilerplateLongLinesNoStats(t *testing.T) {
	cfg := DefaultBoilerplateConfig()
	cfg.MaxTokens = 6
	b := NewBoilerplate(cfg)
	long := "this reprinted paragraph has many more than six tokens in it"
	var changed []uint64
	for _, body := range bodies(12, "Story") {
		s := body + "\n" + long + "\nRead more here"
		var d Doc
		d.Tokenize(s)
		changed = b.AddChanged(s, d.Lines, changed)
	}
	var d Doc
	d.Tokenize(long)
	if st := b.stats[d.Lines[0].Hash]; st != nil || slices.Contains(changed, d.Lines[0].Hash) {
		t.Fatalf("a line over MaxTokens got statistics %+v or changed state", st)
	}
	set := b.Set()
	if set.Len() != 1 || set.Lines[0].Text != "Read more here" {
		t.Fatalf("got %+v, want only the footer", set.Lines)
	}
}
