package article

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Plain-text heuristics. A .txt file is one article whose Text is the file
// as read (only invalid UTF-8 repaired). Metadata is guessed from its start,
// never by modifying Text:
//
//   - Title: the first non-empty line, after skipping up to two short
//     breadcrumb lines ("News / Defense", "Home > World"), when it is short
//     (2 to 25 words, at most 200 characters), does not end in sentence
//     punctuation (. ! ? : ; , " ” »), does not itself start with a "date"
//     token or a dateline, and more non-empty text follows it.
//   - Published: a "date YYYY-MM-DD" token (case-insensitive, "date:" too)
//     within the first 200 bytes, as UTC midnight.
//   - Dateline: see findDateline; looked for at the start of the body (the
//     line after the title, or the first line) and right after a date token.

const (
	titleMaxWords = 25
	titleMaxRunes = 200
	dateScanBytes = 200
	// metaScanBytes bounds how much of a text the heuristics look at.
	metaScanBytes = 8 << 10
)

var dateTokenRE = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}_])date:?[ \t]+(\d{4})-(\d{2})-(\d{2})(?:[^\d]|$)`)

// txtMeta guesses the title, publication date and dateline of a plain text.
func txtMeta(text string) (title string, published time.Time, dateline string) {
	head := text
	if len(head) > metaScanBytes {
		head = head[:metaScanBytes]
	}

	// Date token.
	dateEnd := -1
	region := head
	if len(region) > dateScanBytes {
		region = region[:dateScanBytes]
	}
	if m := dateTokenRE.FindStringSubmatchIndex(region); m != nil {
		ds := region[m[2]:m[3]] + "-" + region[m[4]:m[5]] + "-" + region[m[6]:m[7]]
		if t, err := time.Parse("2006-01-02", ds); err == nil {
			published = t
			dateEnd = m[7]
		}
	}

	// Title: first non-empty, non-breadcrumb line.
	bodyStart := -1
	off := 0
	crumbs := 0
	for off < len(head) {
		line, next := nextLine(head, off)
		t := strings.TrimSpace(line)
		if t == "" {
			off = next
			continue
		}
		if crumbs < 2 && isBreadcrumb(t) {
			crumbs++
			off = next
			continue
		}
		bodyStart = off
		if looksLikeTitle(t) && (dateEnd < 0 || dateEnd <= off || dateEnd > next) && hasTextAfter(head, next) {
			title = strings.Join(strings.Fields(t), " ")
			bodyStart = next
			// The body starts at the next non-empty line.
			for bodyStart < len(head) {
				l, n := nextLine(head, bodyStart)
				if strings.TrimSpace(l) != "" {
					break
				}
				bodyStart = n
			}
		}
		break
	}

	if bodyStart >= 0 {
		dateline = findDateline(head[bodyStart:])
	}
	if dateline == "" && dateEnd >= 0 {
		dateline = findDateline(head[dateEnd:])
	}
	return title, published, dateline
}

// nextLine returns the line starting at off (without "\n") and the offset
// of the following line.
func nextLine(s string, off int) (string, int) {
	i := strings.IndexByte(s[off:], '\n')
	if i < 0 {
		return s[off:], len(s)
	}
	return s[off : off+i], off + i + 1
}

func hasTextAfter(s string, off int) bool {
	return off < len(s) && strings.TrimSpace(s[off:]) != ""
}

var crumbSeps = map[string]bool{"/": true, ">": true, "»": true, "›": true, "|": true, "\\": true, ">>": true}

// isBreadcrumb reports whether a line looks like a site section path such
// as "News / Defense": at most 8 words, one of them a standalone separator.
func isBreadcrumb(line string) bool {
	f := strings.Fields(line)
	if len(f) < 2 || len(f) > 8 {
		return false
	}
	for _, w := range f {
		if crumbSeps[w] {
			return true
		}
	}
	return false
}

// looksLikeTitle applies the title rules to a trimmed non-empty line.
func looksLikeTitle(t string) bool {
	if utf8.RuneCountInString(t) > titleMaxRunes {
		return false
	}
	n := len(strings.Fields(t))
	if n < 2 || n > titleMaxWords {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune(".!?:;,\"”»", last) {
		return false
	}
	if !strings.ContainsFunc(t, unicode.IsLetter) {
		return false
	}
	if dateTokenRE.MatchString(t[:min(len(t), 24)]) || findDateline(t) != "" {
		return false
	}
	return true
}

// datelineRE matches "CITY -", "CITY —", "CITY (Agency) -" and
// "CITY, Feb 24 (Agency) -" at the start of a text: an uppercase city name
// (letters, spaces, dots, commas, apostrophes, inner hyphens), an optional
// agency in parentheses, then a hyphen, en or em dash, or "--", and a space.
var datelineRE = regexp.MustCompile(`^[ \t]*(\p{Lu}[\p{Lu}\p{M} .,'’]*(?:-\p{Lu}[\p{Lu}\p{M} .,'’]*)*)(?:(?:,[^\n()\-–—]{1,25})?[ \t]*\([^\n()]{1,40}\))?[ \t]*(?:--|[-–—])[ \t]`)

// mayBeDateline is a quick test that datelineRE cannot match a text whose
// first (upper-case) rune is followed by rest: the rune after it must be
// one that can continue a city name or end it, and a dash must follow.
// Most texts start with a capitalised word ("The", "Iran") and fail at
// once, without the regular expression.
func mayBeDateline(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	switch {
	case unicode.IsUpper(r), unicode.IsMark(r):
	case strings.ContainsRune(" \t.,'’-–—(", r):
	default:
		return false
	}
	return strings.ContainsAny(rest, "-–—")
}

// findDateline returns the city of a dateline at the start of s, "" if none.
// The city must be 2 to 30 characters with at least two letters.
func findDateline(s string) string {
	s = strings.TrimLeft(s, " \t\r\n")
	if s == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) {
		return ""
	}
	if len(s) > 160 {
		s = s[:160]
	}
	if !mayBeDateline(s[size:]) {
		return ""
	}
	m := datelineRE.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	city := strings.TrimRight(m[1], " ,")
	n := utf8.RuneCountInString(city)
	if n < 2 || n > 30 {
		return ""
	}
	letters := 0
	for _, r := range city {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 2 {
		return ""
	}
	return city
}

// textDateline finds a dateline at the start of a text that came with its
// own title; when the text starts with a line repeating the title (as
// extracted HTML often does), the line after it is tried.
func textDateline(text, title string) string {
	if d := findDateline(text); d != "" || title == "" {
		return d
	}
	t := strings.TrimLeft(text, " \t\r\n")
	line, next := nextLine(t, 0)
	if len(line) <= 2*len(title)+8 && strings.Join(strings.Fields(line), " ") == title {
		return findDateline(t[next:])
	}
	return ""
}

// isBinary reports whether the start of a file looks binary: a NUL byte,
// or more than 10% control characters other than whitespace and ESC, in
// the first 8 KiB.
func isBinary(b []byte) bool {
	if len(b) > 8<<10 {
		b = b[:8<<10]
	}
	ctl := 0
	for _, c := range b {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b:
			ctl++
		case c == 0x7f:
			ctl++
		}
	}
	return len(b) > 0 && ctl*10 > len(b)
}
