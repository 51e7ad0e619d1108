package synth

import (
	"math/rand/v2"
	"strings"
)

// outlet is one publisher with its fixed boilerplate.
type outlet struct {
	name   string
	host   string
	header []string // lines before the body
	footer []string // lines after the body
	sep    string   // paragraph separator: "\n\n" or "\n"
	// apply is the probability that an article of this outlet carries the
	// header and footer (most do, not all: feeds, print versions, AMP pages).
	apply float64
	// readMore: the footer ends with a per-article "Read more: <headline>".
	readMore bool
}

// Boilerplate templates; "{O}" is replaced with the outlet name, "{Y}" with a
// year fixed per outlet.
var headerTemplates = []string{
	"SHARE THIS ARTICLE",
	"Share on Facebook Share on Twitter Share via Email",
	"Share this: Facebook Twitter LinkedIn WhatsApp Email",
	"{O} | Latest News",
	"Home » News » World",
	"Home > News > Politics",
	"Listen to this article",
	"Text size A A A",
	"Print this article",
	"By {O} Staff",
	"Subscribe to the {O} newsletter",
	"Advertisement",
	"Skip to main content",
	"You are here: Home / News",
	"Reading Time: 3 minutes",
	"Breaking News",
}

var footerTemplates = []string{
	"Follow us on Telegram",
	"Follow {O} on Twitter and Facebook",
	"All content by {O} is licensed under a Creative Commons Attribution 4.0 International License.",
	"All content by {O} is licensed under a Creative Commons Attribution-NonCommercial 4.0 International License.",
	"Leave a Comment",
	"Comments (0)",
	"© {Y} {O}. All rights reserved.",
	"Copyright {Y} {O}. This material may not be published, broadcast, rewritten or redistributed.",
	"Sign up for our daily newsletter",
	"Join our WhatsApp channel for the latest updates",
	"Download the {O} app for iOS and Android",
	"Related articles",
	"Report an error",
	"This article was originally published by {O}.",
	"Subscribe to {O} on YouTube",
	"Have a news tip? Contact {O} at tips@{H}",
	"The views expressed in this article are the author's own.",
	"Stay informed with {O}: subscribe now",
}

// Inline clutter inserted between paragraphs by the "boilerplate" mutation
// ("{T}" is a headline).
var inlineTemplates = []string{
	"Read more: {T}",
	"RELATED: {T}",
	"ADVERTISEMENT",
	"Also read: {T}",
	"Click here to subscribe",
	"Story continues below advertisement",
	"WATCH: {T}",
}

// Names used when the pool offers fewer publishers than outlets.
var (
	placeNames = []string{"Riverside", "Northgate", "Lakeside", "Westbrook", "Harbor", "Summit", "Valley",
		"Capital", "Eastern", "Pacific", "Atlantic", "Central", "Highland", "Metro", "Coastal", "Prairie"}
	paperNames = []string{"Herald", "Times", "Chronicle", "Gazette", "Post", "Tribune", "Observer", "Ledger",
		"Courier", "Dispatch", "Sentinel", "Record", "Bulletin", "Journal", "Monitor", "Express"}
)

// makeOutlets builds n outlets: the most frequent publishers of the pool
// first, then synthetic names, each with boilerplate drawn from the
// templates.
func makeOutlets(p *Pool, n int, r *rand.Rand) []outlet {
	names := make([]string, 0, n)
	used := map[string]bool{}
	for _, pub := range p.publishers {
		if len(names) == n {
			break
		}
		names = append(names, pub)
		used[pub] = true
	}
	for i := 0; len(names) < n; i++ {
		name := "The " + placeNames[i%len(placeNames)] + " " + paperNames[(i/len(placeNames))%len(paperNames)]
		if i >= len(placeNames)*len(paperNames) {
			name += " " + itoa(i/(len(placeNames)*len(paperNames))+1)
		}
		if used[name] {
			continue
		}
		used[name] = true
		names = append(names, name)
	}
	outs := make([]outlet, n)
	for i, name := range names {
		o := outlet{name: name, host: hostOf(name), sep: "\n\n", readMore: r.IntN(3) == 0}
		if r.IntN(10) < 3 {
			o.sep = "\n"
		}
		o.apply = 0.75 + 0.22*r.Float64()
		year := itoa(2019 + r.IntN(5))
		fill := func(t string) string {
			t = strings.ReplaceAll(t, "{O}", name)
			t = strings.ReplaceAll(t, "{H}", o.host)
			return strings.ReplaceAll(t, "{Y}", year)
		}
		for _, k := range r.Perm(len(headerTemplates))[:r.IntN(4)] {
			o.header = append(o.header, fill(headerTemplates[k]))
		}
		for _, k := range r.Perm(len(footerTemplates))[:1+r.IntN(4)] {
			o.footer = append(o.footer, fill(footerTemplates[k]))
		}
		outs[i] = o
	}
	return outs
}

// hostOf makes a plausible host name for an outlet name.
func hostOf(name string) string {
	l := strings.ToLower(name)
	if strings.Contains(l, ".") && !strings.Contains(l, " ") {
		return strings.TrimPrefix(l, "www.")
	}
	var b strings.Builder
	for _, c := range l {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		b.WriteString("news")
	}
	b.WriteString(".com")
	return b.String()
}

// itoa formats a non-negative int.
func itoa(i int) string {
	var buf [20]byte
	return string(appendInt(buf[:0], i))
}

// appendInt appends the decimal form of a non-negative int.
func appendInt(b []byte, i int) []byte {
	var buf [20]byte
	n := len(buf)
	for {
		n--
		buf[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			break
		}
	}
	return append(b, buf[n:]...)
}
