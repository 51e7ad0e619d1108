package article

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Bounds and rules of TextTime.
const (
	// TextTimeMaxLines is how many lines at the start of a text TextTime
	// looks at (empty lines count).
	TextTimeMaxLines = 12
	// TextTimeMaxBytes is how many bytes at the start of a text TextTime
	// looks at.
	TextTimeMaxBytes = 1500
	// textDateLineMaxBytes: a longer line is a paragraph, never a date line
	// (only a dateline at its start is looked for).
	textDateLineMaxBytes = 200
	// textDatelinePrefixBytes bounds the start of a paragraph searched for a
	// "CITY, Month D, YYYY (Agency) -" dateline.
	textDatelinePrefixBytes = 120
	// textTimeMinYear and textTimeMaxYear bound the years of a text date.
	textTimeMinYear = 1900
	textTimeMaxYear = 2100
	// textDateMaxNames is how many capitalised words (a byline: "By John
	// Smith, Reuters") a date line may hold besides its date, time and
	// labels; they are allowed only on a line with the word "By".
	textDateMaxNames = 6
	// textDateMaxCaps is how many all-capital words of five or more
	// letters (a place, "FOR IMMEDIATE RELEASE") a date line may hold.
	textDateMaxCaps = 3
	// textTwoDigitPivot: a two-digit year yy is 19yy from this value up,
	// else 20yy.
	textTwoDigitPivot = 70
	// TextTimeFutureSlack: a date read from the text more than this after
	// the current time is ignored by the readers (a record's own date is
	// kept as it is; the engine judges implausible times).
	TextTimeFutureSlack = 48 * time.Hour
)

// TextTime finds the publication date (and time) stated near the start of
// an article text and returns it in UTC; ok is false when there is none.
// It is pure and never panics. Only the first TextTimeMaxLines lines and
// TextTimeMaxBytes bytes are looked at. A date is accepted only
//
//   - on a date line: a line of at most 200 bytes that holds, besides the
//     date, only an optional label ("First Published:", "Published",
//     "Posted", "Updated", "Last updated", "Date:", "date", ...), weekday,
//     time, zone, digits, separators ("|", "@", "-", "•", parentheses), short
//     all-capital tokens ("AP"), up to textDateMaxCaps longer all-capital
//     words ("WASHINGTON, DC, April 28, 2009") and, on a line with the
//     word "By", up to textDateMaxNames capitalised byline words. A body
//     sentence ("On March 8, 2013, Sullivan said") or a headline around a
//     date is not a date line, and a date deeper in the text never counts;
//   - as a "date YYYY-MM-DD" token in the first 200 bytes (as in .txt
//     files);
//   - in a dateline at the start of a paragraph: "WASHINGTON, March 8, 2013
//     (Reuters) -", "SPRINGFIELD, Ill., March 8, 2013 /PRNewswire/ --". A
//     month and day without a year ("TEHRAN, Feb. 24 (MNA) –") is no date.
//
// Date forms: "Month D, YYYY" (with or without the comma, abbreviated
// months with or without a dot, "3rd"), "D Month YYYY", ISO "YYYY-MM-DD"
// (also with "." or "/", and "T15:04:05Z07:00" after it), the European
// "DD.MM.YYYY", and numeric "A/B/YYYY" or "A/B/YY". Numeric day/month is
// taken only when it is unambiguous (one of A, B is over 12: "15/09/2013", "11/27/2005"; or A =
// B), or as month/day when the line's time carries a US zone (EDT, ET,
// PST, ...): "05/02/2013" alone is skipped. A two-digit year yy is 20yy,
// or 19yy from textTwoDigitPivot (70) up; it is only read in the numeric
// form, so the METER wire header "16:54 01/03/00: Page 1" (ambiguous day
// and month, no zone) gives no date. Years outside 1900–2100 and invalid
// days (February 30) are no date.
//
// Time: "4:59 PM", "16:59", "12:46 pm", "4:08 p.m.", "2:48:40", "08.23",
// after the date on the same line (else before it); a time separated from
// the date by an update label ("Sep 10, 2010 | Updated 8:52 PM EDT") is
// not used. Without a time the date is midnight UTC. Zone after the
// time: fixed offsets EDT −4, EST −5, CDT −5, CST −6, MDT −6, MST −7, PDT −7, PST −8, AKDT −8, AKST −9, HST −10,
// GMT/UTC/Z 0, BST +1, CET +1, CEST +2, EET +2, EEST +3, MSK +3, HKT +8,
// JST +9, AEST +10, AEDT +11; numeric offsets ("+0330", "GMT+02:00"); and
// ET, CT, MT, PT as US zones with daylight saving by date (from 2007:
// second Sunday of March to first Sunday of November; 1987–2006: first
// Sunday of April to last Sunday of October; earlier: last Sunday of April
// to last Sunday of October; switching at 2:00 local time). No
// time-zone database is used. A time without a zone, or with an unknown
// or ambiguous one (IST), is taken as UTC.
//
// When several dates qualify, the first one that is not labelled as an
// update ("Updated", "Last updated", "modified" before it on its line) is
// taken, else the first update time.
//
// TextTime does not look at the clock; the readers (and DecodeJSON) drop a
// text date more than TextTimeFutureSlack after the current time.
func TextTime(text string) (t time.Time, ok bool) {
	head := text
	if len(head) > TextTimeMaxBytes {
		head = head[:runeStart(head, TextTimeMaxBytes)]
	}
	// (b) the .txt date token.
	region := head
	if len(region) > dateScanBytes {
		region = region[:dateScanBytes]
	}
	if hasDateWord(region) {
		if m := dateTokenRE.FindStringSubmatchIndex(region); m != nil {
			y, _ := strconv.Atoi(region[m[2]:m[3]])
			mo, _ := strconv.Atoi(region[m[4]:m[5]])
			d, _ := strconv.Atoi(region[m[6]:m[7]])
			if t, ok := makeDate(y, mo, d); ok {
				return t, true
			}
		}
	}

	var updated time.Time
	off := 0
	for n := 0; n < TextTimeMaxLines && off < len(head); n++ {
		line, next := nextLine(head, off)
		off = next
		if !hasDigit(line) {
			continue
		}
		if len(line) > textDateLineMaxBytes {
			if t, ok := datelineTime(line); ok {
				return t, true
			}
			continue
		}
		var t time.Time
		var upd, ok bool
		if maybeDateLine(line) {
			t, upd, ok = dateLineTime(line)
		}
		if !ok {
			t, ok = datelineTime(line)
		}
		if !ok {
			continue
		}
		if !upd {
			return t, true
		}
		if updated.IsZero() {
			updated = t
		}
	}
	return updated, !updated.IsZero()
}

// textPublished is the readers' fallback: the date of TextTime unless it
// is more than TextTimeFutureSlack after now.
func textPublished(text string, now time.Time) (time.Time, bool) {
	t, ok := TextTime(text)
	if !ok || t.After(now.Add(TextTimeFutureSlack)) {
		return time.Time{}, false
	}
	return t, true
}

// applyTextTime fills in Published from the text when the reader found no
// date, and sets PublishedFrom to "text" then. Every reader's record and
// DecodeJSON pass through it.
func applyTextTime(a *Article, now time.Time) {
	if !a.Published.IsZero() {
		return
	}
	a.PublishedFrom = ""
	if t, ok := textPublished(a.Text, now); ok {
		a.Published, a.PublishedFrom = t, PublishedFromText
	}
}

// hasDateWord reports whether s holds "date" in any case.
func hasDateWord(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if s[i]|0x20 == 'd' && s[i+1]|0x20 == 'a' && s[i+2]|0x20 == 't' && s[i+3]|0x20 == 'e' {
			return true
		}
	}
	return false
}

// maybeDateLine is a fast test that rules out most lines that cannot pass
// onlyDateWords: a word starting with a lower-case letter that is neither
// a date word nor a month name.
func maybeDateLine(line string) bool {
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		if j > i {
			w := strings.TrimFunc(line[i:j], func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) && !dateWords[w] && !lowerMonths[w] {
				return false
			}
		}
		i = j
	}
	return true
}

// lowerMonths are the month names and abbreviations in lower case.
var lowerMonths = map[string]bool{
	"jan": true, "january": true, "feb": true, "february": true, "mar": true, "march": true,
	"apr": true, "april": true, "may": true, "jun": true, "june": true, "jul": true, "july": true,
	"aug": true, "august": true, "sep": true, "sept": true, "september": true, "oct": true,
	"october": true, "nov": true, "november": true, "dec": true, "december": true,
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

const monthRE = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?`

// dateCore matches one date; groups: 1-3 month-first (month, day, year),
// 4-6 day-first (day, month, year), 7-11 year-first (year, sep, month,
// sep, day), 12-14 numeric (a, b, year), 15-17 dotted (day, month, year).
const dateCore = `(?:` +
	monthRE + `[ \t]*(\d{1,2})(?:st|nd|rd|th)?\b\.?,?[ \t]*(\d{4})` +
	`|(\d{1,2})(?:st|nd|rd|th)?\.?[ \t]+(?:of[ \t]+)?` + monthRE + `,?[ \t]*(\d{4})` +
	`|(\d{4})([-./])(\d{1,2})([-./])(\d{1,2})` +
	`|(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})` +
	`|(\d{1,2})\.(\d{1,2})\.(\d{4})` +
	`)`

var (
	// textDatelineRE: "CITY, [State,] " before a date at a paragraph start.
	textDatelineRE   = regexp.MustCompile(`^[ \t]*\p{Lu}[\p{L}\p{M} .'’-]{1,29},[ \t]+(?:\p{Lu}[\p{L}\p{M} .'’-]{0,24},[ \t]+)?`)
	anchoredDateRE   = regexp.MustCompile(`(?i)^` + dateCore)
	datelineTailRE   = regexp.MustCompile(`^[ \t]*(?:\([^()\n]{1,40}\)|/[^/\n]{1,40}/)?[ \t]*(?:--|[-–—])`)
	clockRE          = regexp.MustCompile(`(?i)\b(\d{1,2})[:.][ \t]?(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[ \t]*([ap])(?:\.?[ \t]?m\b\.?|\b))?`)
	textMonthNumbers = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
)

// findDates returns the submatch indices of up to n dates in line. A date
// starts at a word start (after no ASCII letter, digit or "_") with a digit
// or a month name; anchoredDateRE is tried only there, which is much
// faster than an unanchored search.
func findDates(line string, n int) [][]int {
	var out [][]int
	for i := 0; i < len(line) && len(out) < n; i++ {
		c := line[i]
		if i > 0 && isWordByte(line[i-1]) {
			continue
		}
		if !(c >= '0' && c <= '9') && !(i+3 <= len(line) && textMonthNumbers[lower3(line[i:i+3])] > 0) {
			continue
		}
		m := anchoredDateRE.FindStringSubmatchIndex(line[i:])
		if m == nil {
			continue
		}
		for k := range m {
			if m[k] >= 0 {
				m[k] += i
			}
		}
		out = append(out, m)
		i = m[1] - 1
	}
	return out
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// lower3 lower-cases three ASCII bytes (others map to themselves).
func lower3(s string) string {
	var b [3]byte
	for i := range 3 {
		b[i] = s[i]
		if b[i] >= 'A' && b[i] <= 'Z' {
			b[i] += 'a' - 'A'
		}
	}
	return string(b[:])
}

// dateMatch is one date found on a line.
type dateMatch struct {
	start, end int
	y, a, b    int  // year; a, b are month, day unless numeric
	numeric    bool // a/b/y: order still to be decided
}

// parseDateMatch reads the date of a textDateRE/anchoredDateRE match.
func parseDateMatch(s string, m []int) (dateMatch, bool) {
	g := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return s[m[2*i]:m[2*i+1]]
	}
	d := dateMatch{start: m[0], end: m[1]}
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }
	switch {
	case m[2] >= 0:
		d.a, d.b, d.y = textMonthNumbers[strings.ToLower(g(1)[:3])], atoi(g(2)), atoi(g(3))
	case m[8] >= 0:
		d.b, d.a, d.y = atoi(g(4)), textMonthNumbers[strings.ToLower(g(5)[:3])], atoi(g(6))
	case m[14] >= 0:
		if g(8) != g(10) {
			return d, false
		}
		d.y, d.a, d.b = atoi(g(7)), atoi(g(9)), atoi(g(11))
	case m[24] >= 0:
		d.a, d.b, d.numeric = atoi(g(12)), atoi(g(13)), true
		y := g(14)
		d.y = atoi(y)
		if len(y) == 2 {
			if d.y >= textTwoDigitPivot {
				d.y += 1900
			} else {
				d.y += 2000
			}
		}
	case m[30] >= 0:
		d.b, d.a, d.y = atoi(g(15)), atoi(g(16)), atoi(g(17))
	default:
		return d, false
	}
	// The year must not run on into more digits ("2013" of "20131").
	if d.end < len(s) && s[d.end] >= '0' && s[d.end] <= '9' {
		return d, false
	}
	return d, true
}

// resolve returns month and day, deciding the order of a numeric date.
func (d dateMatch) resolve(usZone bool) (month, day int, ok bool) {
	if !d.numeric {
		return d.a, d.b, true
	}
	switch {
	case d.a == d.b:
		return d.a, d.b, true
	case d.a > 12 && d.b <= 12:
		return d.b, d.a, true
	case d.b > 12 && d.a <= 12:
		return d.a, d.b, true
	case d.a <= 12 && d.b <= 12 && usZone:
		return d.a, d.b, true
	}
	return 0, 0, false
}

func makeDate(y, m, d int) (time.Time, bool) {
	if y < textTimeMinYear || y > textTimeMaxYear || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// clock is a time of day found on a line, with its zone.
type clock struct {
	start, end int // span of time and zone
	h, m, s    int
	zone       zoneInfo
	hasZone    bool
}

type zoneInfo struct {
	offset int // seconds east of UTC (standard time for US rule zones)
	usRule bool
	us     bool // a US zone: numeric dates are month/day
}

var textZones = map[string]zoneInfo{
	"EDT": {-4 * 3600, false, true}, "EST": {-5 * 3600, false, true},
	"CDT": {-5 * 3600, false, true}, "CST": {-6 * 3600, false, true},
	"MDT": {-6 * 3600, false, true}, "MST": {-7 * 3600, false, true},
	"PDT": {-7 * 3600, false, true}, "PST": {-8 * 3600, false, true},
	"AKDT": {-8 * 3600, false, true}, "AKST": {-9 * 3600, false, true},
	"HST": {-10 * 3600, false, true},
	"ET":  {-5 * 3600, true, true}, "CT": {-6 * 3600, true, true},
	"MT": {-7 * 3600, true, true}, "PT": {-8 * 3600, true, true},
	"GMT": {}, "UTC": {}, "Z": {},
	"BST": {3600, false, false}, "CET": {3600, false, false}, "CEST": {2 * 3600, false, false},
	"EET": {2 * 3600, false, false}, "EEST": {3 * 3600, false, false}, "MSK": {3 * 3600, false, false},
	"HKT": {8 * 3600, false, false}, "JST": {9 * 3600, false, false},
	"AEST": {10 * 3600, false, false}, "AEDT": {11 * 3600, false, false},
}

// findClock returns the first valid time in s[from:to] (last when
// wantLast), with a zone right after it.
func findClock(s string, from, to int, wantLast bool) (clock, bool) {
	if from >= to {
		return clock{}, false
	}
	seg := s[from:to]
	var best clock
	found := false
	for _, m := range clockRE.FindAllStringSubmatchIndex(seg, 4) {
		// Not part of a longer number ("1,000.50", "2013.08").
		if m[0] > 0 && (seg[m[0]-1] == '.' || seg[m[0]-1] == ',' || seg[m[0]-1] == ':') {
			continue
		}
		if m[1] < len(seg) && seg[m[1]-1] >= '0' && seg[m[1]-1] <= '9' && (seg[m[1]] >= '0' && seg[m[1]] <= '9' || seg[m[1]] == '.' && m[1]+1 < len(seg) && seg[m[1]+1] >= '0' && seg[m[1]+1] <= '9') {
			continue
		}
		h, _ := strconv.Atoi(seg[m[2]:m[3]])
		mi, _ := strconv.Atoi(seg[m[4]:m[5]])
		sec := 0
		if m[6] >= 0 {
			sec, _ = strconv.Atoi(seg[m[6]:m[7]])
		}
		if m[8] >= 0 && h >= 1 && h <= 12 {
			pm := seg[m[8]] == 'p' || seg[m[8]] == 'P'
			if h == 12 {
				h = 0
			}
			if pm {
				h += 12
			}
		}
		if h > 23 || mi > 59 || sec > 59 {
			continue
		}
		c := clock{start: from + m[0], end: from + m[1], h: h, m: mi, s: sec}
		c.zone, c.hasZone, c.end = readZone(s, c.end, to)
		best, found = c, true
		if !wantLast {
			break
		}
	}
	return best, found
}

// readZone reads a zone right after a time at s[i:] (before limit):
// letters ("EDT", "(GMT+05:00)") or a numeric offset. It returns the end
// of what it read (i when nothing).
func readZone(s string, i, limit int) (zoneInfo, bool, int) {
	j := i
	for j < limit && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	paren := j < limit && s[j] == '('
	if paren {
		j++
	}
	k := j
	for k < limit && k-j < 5 && (s[k] >= 'A' && s[k] <= 'Z' || s[k] >= 'a' && s[k] <= 'z') {
		k++
	}
	var z zoneInfo
	named := false
	if k > j && (k == limit || !isASCIILetter(s[k])) {
		zi, ok := textZones[strings.ToUpper(s[j:k])]
		if !ok || (k-j == 1 && s[j] != 'Z') {
			return zoneInfo{}, false, i
		}
		z, named = zi, true
		if z.offset != 0 || z.usRule || s[j] == 'Z' || s[j] == 'z' {
			return closeParen(s, z, k, limit, paren, i)
		}
		// GMT/UTC may carry an offset.
	} else if k > j {
		return zoneInfo{}, false, i
	}
	if off, e, ok := readOffset(s, k, limit); ok {
		z.offset = off
		return closeParen(s, z, e, limit, paren, i)
	}
	if named {
		return closeParen(s, z, k, limit, paren, i)
	}
	return zoneInfo{}, false, i
}

func closeParen(s string, z zoneInfo, e, limit int, paren bool, start int) (zoneInfo, bool, int) {
	if paren {
		if e < limit && s[e] == ')' {
			e++
		} else {
			return zoneInfo{}, false, start
		}
	}
	return z, true, e
}

// readOffset reads "+0330", "+03:30", "-5", "+02" at s[i:].
func readOffset(s string, i, limit int) (int, int, bool) {
	if i >= limit || (s[i] != '+' && s[i] != '-') {
		return 0, i, false
	}
	sign := 1
	if s[i] == '-' {
		sign = -1
	}
	j := i + 1
	digits := func(n int) (int, bool) {
		if j+n > limit {
			return 0, false
		}
		v := 0
		for _, c := range []byte(s[j : j+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		j += n
		return v, true
	}
	var h, m int
	var ok bool
	if h, ok = digits(2); !ok {
		if h, ok = digits(1); !ok {
			return 0, i, false
		}
	} else if j < limit && s[j] == ':' {
		j++
		if m, ok = digits(2); !ok {
			return 0, i, false
		}
	} else if mm, ok2 := digits(2); ok2 {
		m = mm
	}
	if j < limit && s[j] >= '0' && s[j] <= '9' || h > 14 || m > 59 {
		return 0, i, false
	}
	return sign * (h*3600 + m*60), j, true
}

func isASCIILetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// dateLineTime reads a date line: ok when the line holds a date and is
// otherwise only labels, time, separators or a byline; upd when the date
// is labelled as an update.
func dateLineTime(line string) (t time.Time, upd, ok bool) {
	ms := findDates(line, 4)
	if len(ms) == 0 {
		return
	}
	var spans [][2]int
	var first time.Time
	firstUpd, found := false, false
	prevEnd := 0
	for i, m := range ms {
		d, good := parseDateMatch(line, m)
		spans = append(spans, [2]int{m[0], m[1]})
		if !good {
			prevEnd = m[1]
			continue
		}
		nextStart := len(line)
		if i+1 < len(ms) {
			nextStart = ms[i+1][0]
		}
		tEnd := d.end
		if tEnd < len(line) && (line[tEnd] == 'T' || line[tEnd] == 't') {
			tEnd++
		}
		c, hasClock := findClock(line, tEnd, nextStart, false)
		if hasClock && isUpdateLabel(line[tEnd:c.start]) {
			hasClock = false // "Sep 10, 2010 | Updated 8:52 PM EDT": not the publication time
		}
		if !hasClock {
			c, hasClock = findClock(line, prevEnd, d.start, true)
			if hasClock && isUpdateLabel(line[c.end:d.start]) {
				hasClock = false
			}
		}
		if hasClock {
			spans = append(spans, [2]int{c.start, c.end})
		}
		month, day, good := d.resolve(hasClock && c.hasZone && c.zone.us)
		var dt time.Time
		if good {
			dt, good = makeDate(d.y, month, day)
		}
		if good && !found {
			if hasClock {
				dt = withClock(dt, c)
			}
			first, found = dt, true
			firstUpd = isUpdateLabel(line[prevEnd:d.start])
		}
		prevEnd = m[1]
	}
	if !found || !onlyDateWords(line, spans) {
		return
	}
	return first, firstUpd, true
}

// isUpdateLabel reports whether s says "updated", "modified" or "edited".
func isUpdateLabel(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "updat") || strings.Contains(s, "modified") || strings.Contains(s, "edited")
}

// withClock sets the time of day of the UTC midnight date and applies the
// zone.
func withClock(date time.Time, c clock) time.Time {
	off := c.zone.offset
	if c.hasZone && c.zone.usRule && usDST(date, c.h) {
		off += 3600
	}
	t := date.Add(time.Duration(c.h)*time.Hour + time.Duration(c.m)*time.Minute + time.Duration(c.s)*time.Second)
	return t.Add(-time.Duration(off) * time.Second).UTC()
}

// usDST reports whether US daylight saving time is in force at hour h
// (local) of date.
func usDST(date time.Time, h int) bool {
	y := date.Year()
	var start, end time.Time
	switch {
	case y >= 2007:
		start, end = nthSunday(y, time.March, 2), nthSunday(y, time.November, 1)
	case y >= 1987:
		start, end = nthSunday(y, time.April, 1), lastSunday(y, time.October)
	default:
		start, end = lastSunday(y, time.April), lastSunday(y, time.October)
	}
	t := date.Add(time.Duration(h) * time.Hour)
	return !t.Before(start.Add(2*time.Hour)) && t.Before(end.Add(time.Hour))
}

func nthSunday(y int, m time.Month, n int) time.Time {
	t := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	t = t.AddDate(0, 0, (7-int(t.Weekday()))%7)
	return t.AddDate(0, 0, 7*(n-1))
}

func lastSunday(y int, m time.Month) time.Time {
	t := time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	return t.AddDate(0, 0, -int(t.Weekday()))
}

// dateWords may stand on a date line besides the date (lower case).
var dateWords = map[string]bool{
	"first": true, "published": true, "publish": true, "originally": true, "posted": true, "updated": true,
	"update": true, "last": true, "date": true, "dated": true, "on": true, "at": true, "by": true,
	"modified": true, "created": true, "edited": true, "time": true, "story": true, "am": true,
	"pm": true, "a.m": true, "p.m": true, "hrs": true, "h": true, "local": true, "of": true,
	"mon": true, "monday": true, "tue": true, "tues": true, "tuesday": true, "wed": true,
	"wednesday": true, "thu": true, "thur": true, "thurs": true, "thursday": true, "fri": true,
	"friday": true, "sat": true, "saturday": true, "sun": true, "sunday": true,
}

// onlyDateWords reports whether the line, outside spans, holds only date
// words, digits, separators, short all-capital tokens and, with "By", a
// few capitalised byline words.
func onlyDateWords(line string, spans [][2]int) bool {
	names, caps, by := 0, 0, false
	i := 0
	for i < len(line) {
		c := line[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' {
			i++
			continue
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' && line[j] != '\r' {
			j++
		}
		// Blank out the parts of the token inside a span.
		tok := line[i:j]
		for _, sp := range spans {
			if sp[0] < j && sp[1] > i {
				a, b := max(sp[0], i)-i, min(sp[1], j)-i
				tok = tok[:a] + strings.Repeat(" ", b-a) + tok[b:]
			}
		}
		i = j
		for _, w := range strings.Fields(tok) {
			w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if w == "" || !strings.ContainsFunc(w, unicode.IsLetter) {
				continue
			}
			lw := strings.ToLower(w)
			if dateWords[lw] || dateWords[strings.TrimSuffix(lw, ".")] {
				if lw == "by" {
					by = true
				}
				continue
			}
			if _, ok := textZones[strings.ToUpper(w)]; ok && w == strings.ToUpper(w) {
				continue
			}
			r, _ := utf8.DecodeRuneInString(w)
			if !unicode.IsUpper(r) {
				return false
			}
			if w == strings.ToUpper(w) {
				if utf8.RuneCountInString(w) > 4 {
					caps++
				}
				continue // "AP", "UK", "TNN", "WASHINGTON"
			}
			names++
		}
	}
	return caps <= textDateMaxCaps && (names == 0 || by && names <= textDateMaxNames)
}

// dateAfterComma is a fast test for a dateline: after the first or second
// comma (within the first 64 bytes) comes a digit or a month name.
func dateAfterComma(p string) bool {
	from := 0
	for range 2 {
		c := strings.IndexByte(p[from:], ',')
		if c < 0 || from+c > 64 {
			return false
		}
		j := from + c + 1
		for j < len(p) && (p[j] == ' ' || p[j] == '\t') {
			j++
		}
		if j < len(p) && p[j] >= '0' && p[j] <= '9' || j+3 <= len(p) && textMonthNumbers[lower3(p[j:j+3])] > 0 {
			return true
		}
		from = j
	}
	return false
}

// datelineTime reads a "CITY, Month D, YYYY (Agency) -" dateline at the
// start of a paragraph.
func datelineTime(line string) (time.Time, bool) {
	if len(line) > textDatelinePrefixBytes {
		line = line[:runeStart(line, textDatelinePrefixBytes)]
	}
	p := strings.TrimLeft(line, " \t")
	if p == "" {
		return time.Time{}, false
	}
	if r, _ := utf8.DecodeRuneInString(p); !unicode.IsUpper(r) {
		return time.Time{}, false
	}
	// The city (at most 30 bytes and a comma) comes first, the year within
	// the prefix.
	if c := strings.IndexByte(p, ','); c < 0 || c > 3*30 || !hasDigit(p[c:]) {
		return time.Time{}, false
	}
	if !dateAfterComma(p) {
		return time.Time{}, false
	}
	m := textDatelineRE.FindStringIndex(line)
	if m == nil {
		return time.Time{}, false
	}
	rest := line[m[1]:]
	dm := anchoredDateRE.FindStringSubmatchIndex(rest)
	if dm == nil {
		return time.Time{}, false
	}
	d, ok := parseDateMatch(rest, dm)
	if !ok {
		return time.Time{}, false
	}
	tail := rest[d.end:]
	c, hasClock := clock{}, false
	// An optional time between the date and the agency: "March 8, 2013 12:46 EST (Reuters) -".
	if cm, ok := findClock(rest, d.end, min(len(rest), d.end+24), false); ok && strings.TrimLeft(rest[d.end:cm.start], " ,") == "" {
		c, hasClock = cm, true
		tail = rest[cm.end:]
	}
	if !datelineTailRE.MatchString(tail) {
		return time.Time{}, false
	}
	month, day, ok := d.resolve(hasClock && c.hasZone && c.zone.us)
	if !ok {
		return time.Time{}, false
	}
	t, ok := makeDate(d.y, month, day)
	if !ok {
		return time.Time{}, false
	}
	if hasClock {
		t = withClock(t, c)
	}
	return t, true
}
