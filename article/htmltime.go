package article

import (
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// The publication time of an HTML page.
//
// go-trafilatura finds a page's publication date (htmldate) but keeps the
// day only. When the page states the time too — in the meta tags news
// sites write for search engines and social networks, in JSON-LD
// (schema.org datePublished), or in a <time> element marked as the
// publication time — pageTime reads it, and decodeHTML keeps it when it
// falls on the day trafilatura found (or trafilatura found none).

// publishedMeta are the meta tags (name, property or itemprop, lower case)
// that carry a publication time.
var publishedMeta = map[string]bool{
	"article:published_time": true, "og:published_time": true, "og:article:published_time": true,
	"datepublished": true, "pubdate": true, "publishdate": true, "publish-date": true, "publish_date": true,
	"date": true, "dc.date": true, "dc.date.issued": true, "dcterms.created": true, "dcterms.issued": true,
	"sailthru.date": true, "parsely-pub-date": true, "article.published": true, "published_time": true,
	"cxenseparse:recs:publishtime": true,
}

var jsonLDPublished = regexp.MustCompile(`"datePublished"\s*:\s*"([^"]{10,40})"`)

// pageTime returns the first publication time with a time of day the
// page (raw, parsed as doc) states, or false.
func pageTime(raw []byte, doc *html.Node) (time.Time, bool) {
	if m := jsonLDPublished.FindSubmatch(raw); m != nil {
		if t, ok := parseDate(string(m[1])); ok && hasClock(string(m[1])) {
			return t, true
		}
	}
	var found time.Time
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode && (n.Data == "meta" || n.Data == "time") {
			var key, content, datetime string
			pub := false
			for _, at := range n.Attr {
				switch at.Key {
				case "name", "property", "itemprop":
					key = strings.ToLower(strings.TrimSpace(at.Val))
					pub = pub || key == "datepublished"
				case "content":
					content = at.Val
				case "datetime":
					datetime = at.Val
				case "pubdate":
					pub = true
				}
			}
			s := ""
			switch {
			case n.Data == "meta" && publishedMeta[key]:
				s = content
			case n.Data == "time" && pub:
				s = datetime
			}
			if t, ok := parseDate(s); ok && !t.IsZero() && hasClock(s) {
				found = t
				return true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	return found, walk(doc)
}

// hasClock reports whether a date string states a time of day.
func hasClock(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) > 10 && strings.ContainsAny(s[10:], ":")
}
