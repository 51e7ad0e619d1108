package article

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// jsonArticle is the article schema. Fields are kept raw so that a field of
// the wrong type never fails the whole record and so that invalid UTF-8 in
// strings is seen (encoding/json would replace it silently).
type jsonArticle struct {
	ID, Source, URL, Published, Title, Text jsonRaw
}

// jsonRaw is the raw bytes of a JSON value (nil when absent).
type jsonRaw = []byte

// decodeJSON decodes one article object into res. It returns false when the
// record was skipped (its skipped Issue is then in res).
func decodeJSON(raw []byte, pos Pos, res *result) (Article, bool) {
	var ja jsonArticle
	if err := scanArticle(raw, &ja); err != nil {
		res.skip(pos, "malformed_json", err.Error())
		return Article{}, false
	}
	text, ok, bad := jsonString(ja.Text)
	if !ok {
		detail := "no \"text\" field"
		if len(ja.Text) > 0 {
			detail = "\"text\" is not a string"
		}
		res.skip(pos, "missing_text", detail)
		return Article{}, false
	}
	var a Article
	a.Text = text
	repaired := bad
	var b1, b2, b3 bool
	a.Source, _, b1 = jsonString(ja.Source)
	a.URL, _, b2 = jsonString(ja.URL)
	a.Title, _, b3 = jsonString(ja.Title)
	if b1 || b2 || b3 {
		repaired = true
	}
	switch id, kind := jsonID(ja.ID); kind {
	case idOK:
		if !utf8.ValidString(id) {
			id = strings.ToValidUTF8(id, "\uFFFD")
			repaired = true
		}
		a.ID = id
	case idBad:
		res.keep(pos, "bad_id", "\"id\" is neither a string nor a number: "+clip(string(ja.ID), 40))
	}
	if repaired {
		res.keep(pos, "invalid_utf8_repaired", "invalid UTF-8 replaced by U+FFFD")
	}
	if len(ja.Published) > 0 {
		t, ok := jsonDate(ja.Published)
		if !ok {
			res.keep(pos, "bad_date", "unparseable \"published\": "+clip(string(ja.Published), 40))
		}
		a.Published = t
		if !t.IsZero() {
			a.PublishedFrom = PublishedFromRecord
		}
	}
	return a, true
}

const (
	idNone = iota
	idOK
	idBad
)

// jsonID turns a JSON id value into a string: strings as they are, numbers
// as decimal strings; null or "" is no id.
func jsonID(raw []byte) (string, int) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", idNone
	}
	if raw[0] == '"' {
		s, _, _ := jsonStringRaw(raw)
		if strings.TrimSpace(s) == "" {
			return "", idNone
		}
		return s, idOK
	}
	if raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9') {
		if bytes.ContainsAny(raw, ".eE") {
			f, err := strconv.ParseFloat(string(raw), 64)
			if err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				return strconv.FormatInt(int64(f), 10), idOK
			}
		}
		return string(raw), idOK
	}
	return "", idBad
}

// jsonString returns the value of a JSON string (ok false when raw is not
// a string) and whether invalid UTF-8 was repaired.
func jsonString(raw []byte) (s string, ok, repaired bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false, false
	}
	s, ok, _ = jsonStringRaw(raw)
	if !utf8.ValidString(s) {
		return strings.ToValidUTF8(s, "\uFFFD"), ok, true
	}
	return s, ok, false
}

// jsonStringRaw unquotes a JSON string literal that encoding/json has
// already validated. Bytes are copied as they are (no UTF-8 repair); lone
// surrogate escapes become U+FFFD as in encoding/json.
func jsonStringRaw(raw []byte) (string, bool, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false, false
	}
	body := raw[1 : len(raw)-1]
	i := bytes.IndexByte(body, '\\')
	if i < 0 {
		return string(body), true, false
	}
	out := make([]byte, 0, len(body))
	out = append(out, body[:i]...)
	for i < len(body) {
		c := body[i]
		if c != '\\' {
			j := bytes.IndexByte(body[i:], '\\')
			if j < 0 {
				out = append(out, body[i:]...)
				break
			}
			out = append(out, body[i:i+j]...)
			i += j
			continue
		}
		if i+1 >= len(body) {
			return string(out), false, false
		}
		switch body[i+1] {
		case '"', '\\', '/':
			out = append(out, body[i+1])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(body[i+2:])
			if !ok {
				return string(out), false, false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if len(body) >= i+6 && body[i] == '\\' && body[i+1] == 'u' {
					if r2, ok := hex4(body[i+2:]); ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							out = utf8.AppendRune(out, dec)
							i += 6
							continue
						}
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return string(out), false, false
		}
		i += 2
	}
	return unsafe.String(unsafe.SliceData(out), len(out)), true, false // out is not used again: no copy
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// jsonDate parses a "published" value: a string (see parseDate), a number
// of unix seconds or milliseconds, or null. ok is false when unparseable.
func jsonDate(raw []byte) (time.Time, bool) {
	switch {
	case string(raw) == "null":
		return time.Time{}, true
	case raw[0] == '"':
		s, ok, _ := jsonStringRaw(raw)
		if !ok {
			return time.Time{}, false
		}
		return parseDate(s)
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return time.Time{}, false
		}
		return unixDate(f)
	}
	return time.Time{}, false
}

// unixDate interprets f as unix seconds, or as milliseconds when its
// magnitude is 1e11 or more (1e11 seconds is in the year 5138).
func unixDate(f float64) (time.Time, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, false
	}
	if math.Abs(f) >= 1e11 {
		f /= 1000
	}
	if math.Abs(f) >= 1e11 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}

// dateLayouts are the string forms accepted for a publication date.
// Layouts without a zone are taken as UTC.
var dateLayouts = []string{
	time.RFC3339Nano, // also accepts no fractional seconds
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
}

// parseDate parses a publication date string; "" is no date (ok true).
// A string of digits is taken as unix seconds or milliseconds.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && isDigits(s) {
		return unixDate(f)
	}
	return time.Time{}, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// clip shortens s to at most n bytes (at a rune boundary) for messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:runeStart(s, n)], "") + "…"
}

// DecodeJSON decodes one article object, as the JSON and JSONL readers do
// (same fields, date formats and id rules), for callers that receive
// articles one at a time, such as the HTTP API. ok is false when the
// record is skipped; issues say why, and what was repaired or dropped in
// a record that is kept (a repaired record has an "invalid_utf8_repaired"
// issue, an unparseable date a "bad_date" one). As with the readers, an
// article without a "published" date gets the date stated at the start of
// its text, if any (see TextTime and Article.PublishedFrom).
func DecodeJSON(raw []byte, pos Pos) (a Article, issues []Issue, ok bool) {
	var res result
	a, ok = decodeJSON(raw, pos, &res)
	if ok {
		applyTextTime(&a, time.Now())
		if err := CheckID(a.ID); err != nil {
			res.skip(pos, "bad_id", err.Error())
			ok = false
		}
	}
	return a, res.issues, ok
}
