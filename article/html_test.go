package article

import (
	"strings"
	"testing"
	"time"
)

const htmlPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Iran denies drone supply | Example News</title>
<meta property="og:title" content="Iran denies supplying drones to Russia">
<meta property="og:site_name" content="Example News">
<meta property="og:url" content="https://news.example.com/world/iran-drones">
<meta property="article:published_time" content="2023-02-24T09:30:00Z">
</head>
<body>
<header>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe now</a></li></ul></nav>
</header>
<main>
<article>
<h1>Iran denies supplying drones to Russia</h1>
<p class="byline">By Staff Writer</p>
<p>TEHRAN - The spokesman for the Iranian Foreign Ministry has once more rejected in the strongest terms Western claims that Iran has supplied weapons and drones to Russia for use against Ukraine, stating that Tehran and Moscow have long-standing defense cooperation.</p>
<p>Nasser Kanaani commented on Iran's position on the ongoing war in an interview with a Croatian daily newspaper published on Tuesday, saying that Tehran seeks a peaceful resolution to the conflict through dialogue and diplomacy.</p>
<p>In the interview, Kanaani stated that Iran strongly opposes violence and the killing of civilians, and he called on all sides to return to negotiations as soon as possible.</p>
</article>
</main>
<footer>
  <p>Copyright 2023 Example News Corporation. All rights reserved. Privacy policy. Terms of use. Cookie settings.</p>
</footer>
</body>
</html>
`

func TestHTML(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "page.html", []byte(htmlPage))
	writeFile(t, dir, "page2.htm.gz", gz(t, []byte(htmlPage)))
	writeFile(t, dir, "empty.html", []byte("<html><head><title>Nothing</title><script>var x = 1;</script></head><body>\n</body></html>"))
	recs, issues := readAll(t, []string{dir}, Options{})
	checkAccounting(t, recs, issues, 3)
	if is, ok := findIssue(issues, "no_main_text"); !ok || !strings.HasSuffix(is.Pos.File, "empty.html") || !is.Skipped {
		t.Errorf("no_main_text issue: %v", issues)
	}
	if len(recs) != 2 {
		t.Fatalf("got %d records", len(recs))
	}
	a := recs[0].Article
	if a.ID != "page" || recs[1].Article.ID != "page2" {
		t.Errorf("ids %q %q", a.ID, recs[1].Article.ID)
	}
	if !strings.Contains(a.Text, "Tehran seeks a peaceful resolution") {
		t.Errorf("main paragraph missing from text: %q", a.Text)
	}
	if strings.Contains(a.Text, "Copyright") || strings.Contains(a.Text, "Subscribe now") {
		t.Errorf("boilerplate in text: %q", a.Text)
	}
	if !strings.Contains(a.Title, "Iran denies supplying drones to Russia") {
		t.Errorf("title %q", a.Title)
	}
	if a.Source != "Example News" {
		t.Errorf("source %q", a.Source)
	}
	if a.Dateline != "TEHRAN" {
		t.Errorf("dateline %q", a.Dateline)
	}
	if !a.Published.Equal(time.Date(2023, 2, 24, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("published %v", a.Published)
	}
}

// TestHTMLTimeOfDay checks that a page's publication time keeps its time
// of day (trafilatura keeps the day only): from the meta tags, including
// a time without seconds, from JSON-LD and from a <time> element; a meta
// time on another day than the page's date is not taken.
func TestHTMLTimeOfDay(t *testing.T) {
	page := func(head, body string) []byte {
		return []byte(strings.Replace(strings.Replace(htmlPage,
			`<meta property="article:published_time" content="2023-02-24T09:30:00Z">`, head, 1), "<article>", "<article>"+body, 1))
	}
	for name, c := range map[string]struct {
		raw  []byte
		want string
	}{
		"meta without seconds": {page(`<meta property="article:published_time" content="2023-02-24T08:30Z">`, ""), "2023-02-24T08:30:00Z"},
		"meta with a zone":     {page(`<meta name="pubdate" content="2023-02-24T12:46:00+03:30">`, ""), "2023-02-24T12:46:00+03:30"},
		"json-ld": {page(`<meta property="article:published_time" content="2023-02-24">`+
			`<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-02-24T16:59:00-05:00"}</script>`, ""), "2023-02-24T16:59:00-05:00"},
		"time element": {page(`<meta property="article:published_time" content="2023-02-24">`, `<time pubdate datetime="2023-02-24T07:15:00Z">Feb 24</time>`), "2023-02-24T07:15:00Z"},
	} {
		t.Run(name, func(t *testing.T) {
			var res result
			a, ok := decodeHTML(c.raw, Pos{File: "p.html"}, nil, &res)
			if !ok {
				t.Fatalf("no article: %v", res.issues)
			}
			want, _ := time.Parse(time.RFC3339, c.want)
			if !a.Published.Equal(want) || a.PublishedFrom != PublishedFromHTML {
				t.Errorf("published %v (%s), want %v", a.Published, a.PublishedFrom, want)
			}
		})
	}
}
