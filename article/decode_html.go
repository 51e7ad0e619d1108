package article

import (
	"bytes"
	"net/url"
	"strings"
	"time"

	"github.com/go-shiori/dom"
	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

// decodeHTML extracts the main text, title, date and site name of an HTML
// page with go-trafilatura. The text keeps one line per block (paragraph,
// heading, list item); trafilatura's own ContentText joins blocks with
// spaces. ok is false when no main text was found (the skipped Issue is
// then in res).
// base, when not nil, is the page's address (resolves relative links, and
// is the URL and host when the page states none).
func decodeHTML(raw []byte, pos Pos, base *url.URL, res *result) (Article, bool) {
	if isBinary(raw) {
		res.skip(pos, "binary_file", "NUL or control bytes in the first 8 KiB")
		return Article{}, false
	}
	// The page parsed once: its stated time read before extraction, which
	// prunes the tree.
	doc, err := dom.Parse(bytes.NewReader(raw))
	var out *trafilatura.ExtractResult
	var stated time.Time
	var hasStated bool
	if err == nil {
		stated, hasStated = pageTime(raw, doc)
		out, err = trafilatura.ExtractDocument(doc, trafilatura.Options{
			EnableFallback:  true,
			ExcludeComments: true,
			OriginalURL:     base,
		})
	}
	var text string
	if err == nil && out != nil {
		text = nodeText(out.ContentNode)
		if strings.TrimSpace(text) == "" {
			text = out.ContentText
		}
	}
	if err == nil && out != nil && strings.Join(strings.Fields(text), " ") == strings.Join(strings.Fields(out.Metadata.Title), " ") {
		// The fallback extractors return the <title> of an empty page.
		text = ""
	}
	if strings.TrimSpace(text) == "" {
		detail := "extraction found no main text"
		if err != nil {
			detail = err.Error()
		}
		res.skip(pos, "no_main_text", detail)
		return Article{}, false
	}
	md := out.Metadata
	a := Article{
		Text:      text,
		Title:     strings.Join(strings.Fields(md.Title), " "),
		URL:       strings.TrimSpace(md.URL),
		Source:    strings.TrimSpace(md.Sitename),
		Published: md.Date,
	}
	if a.Source == "" {
		a.Source = strings.TrimSpace(md.Hostname)
	}
	// trafilatura keeps the day; the page may state the time of day.
	if hasStated && (a.Published.IsZero() || sameDay(stated, a.Published)) {
		a.Published = stated
	}
	if !a.Published.IsZero() {
		a.PublishedFrom = PublishedFromHTML
	}
	return a, true
}

// sameDay reports whether t (with its zone) falls on d's calendar day.
func sameDay(t, d time.Time) bool {
	y1, m1, d1 := t.Date()
	y2, m2, d2 := d.Date()
	return y1 == y2 && m1 == m2 && d1 == d2
}

// blockTags start a new line in nodeText.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"blockquote": true, "pre": true, "table": true, "tr": true, "section": true,
	"article": true, "figure": true, "figcaption": true, "header": true,
	"footer": true, "main": true, "dd": true, "dt": true, "dl": true, "hr": true,
	"head": true, "body": true, "quote": true, "list": true, "item": true,
	"row": true, "lb": true, "code": true,
}

// nodeText renders an extracted content tree as plain text: one line per
// block element, whitespace inside a line collapsed, no blank lines.
func nodeText(n *html.Node) string {
	if n == nil {
		return ""
	}
	var sb, line strings.Builder
	flush := func() {
		l := strings.Join(strings.Fields(line.String()), " ")
		line.Reset()
		if l == "" {
			return
		}
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(l)
	}
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if depth > 512 {
			return
		}
		switch n.Type {
		case html.TextNode:
			line.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "noscript", "template":
				return
			}
		}
		block := n.Type == html.ElementNode && blockTags[n.Data]
		if block {
			flush()
		} else if n.Type == html.ElementNode {
			line.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
		if block {
			flush()
		} else if n.Type == html.ElementNode {
			line.WriteByte(' ')
		}
	}
	walk(n, 0)
	flush()
	return sb.String()
}
