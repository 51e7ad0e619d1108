package article

import (
	"strings"
	"unicode"

	rtext "github.com/reprint-news/reprint/text"
)

// Headlines for display.
//
// Headline picks what to show as an article's headline: its title, else
// the first line of its text that says something. Lines that do not are
// skipped, at most headlineScanLines of them: date lines ("First
// Published: June 13, 2013 4:59 PM EDT", "May 2, 2013, 1:12 PM"),
// breadcrumbs ("News / World"), lines without letters, and lines that
// skip says are boilerplate. From the line kept, a leading "date
// YYYY-MM-DD" token and a "CITY -" dateline are cut, so that the lead
// starts with its first real word.

// headlineScanLines bounds the lines Headline skips before it gives up
// and takes the first one.
const headlineScanLines = 8

// Headline maxima, in bytes (text.Clip, at a character boundary): a title
// is clipped at HeadlineTitleBytes, a lead at HeadlineLeadBytes.
const (
	HeadlineTitleBytes = 200
	HeadlineLeadBytes  = 160
)

// Headline returns the headline of an article with title and text, and
// whether it is a real title (false: a lead taken from the text). skip,
// when set, says which lines are boilerplate (by their text).
func Headline(title, text string, skip func(line string) bool) (string, bool) {
	if t := strings.Join(strings.Fields(title), " "); t != "" {
		return rtext.Clip(t, HeadlineTitleBytes), true
	}
	first := ""
	rest := text
	for n := 0; n < headlineScanLines && rest != ""; {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		n++
		if first == "" {
			first = line
		}
		if !strings.ContainsFunc(line, unicode.IsLetter) || isBreadcrumb(line) || isDateLine(line) || skip != nil && skip(line) {
			continue
		}
		return rtext.Clip(leadOf(line), HeadlineLeadBytes), false
	}
	return rtext.Clip(leadOf(first), HeadlineLeadBytes), false
}

// isDateLine reports whether a line is a date line: TextTime finds a date
// in it and it is short, or little of it is left once the date's words
// are taken away.
func isDateLine(line string) bool {
	if _, ok := TextTime(line); !ok {
		return false
	}
	words := 0
	for _, f := range strings.Fields(line) {
		if strings.ContainsFunc(f, unicode.IsLetter) && !isDateWord(f) {
			words++
		}
	}
	return words <= 4
}

// isDateWord reports month and weekday names, labels and time words.
func isDateWord(w string) bool {
	w = strings.ToLower(strings.Trim(w, ".,:;|()"))
	switch w {
	case "published", "first", "posted", "updated", "last", "date", "on", "at", "am", "pm", "a.m", "p.m",
		"edt", "est", "cdt", "cst", "mdt", "mst", "pdt", "pst", "gmt", "utc", "bst", "cet", "cest", "et", "pt":
		return true
	}
	for _, m := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
		"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		if strings.HasPrefix(w, m) {
			return true
		}
	}
	return false
}

// leadOf cuts a leading date token and dateline off a line.
func leadOf(line string) string {
	if m := dateTokenRE.FindStringIndex(line); m != nil && m[0] <= 2 {
		line = strings.TrimSpace(line[m[1]-1:])
		line = strings.TrimLeft(line, "0123456789")
		line = strings.TrimSpace(line)
	}
	if city := findDateline(line); city != "" {
		if m := datelineRE.FindStringIndex(strings.TrimLeft(line, " \t")); m != nil {
			if rest := strings.TrimSpace(strings.TrimLeft(line, " \t")[m[1]:]); rest != "" {
				line = rest
			}
		}
	}
	return line
}
