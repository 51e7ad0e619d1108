package text

import "strings"

// Clip returns s cut to at most n bytes at a character boundary, with
// trailing spaces removed and "…" appended when anything was cut. It is
// for display (ids in messages, headlines, boilerplate lines).
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.TrimRight(s[:cutAt(s, n)], " \t") + "…"
}

// cutAt returns the largest offset ≤ n that starts a character of s.
func cutAt(s string, n int) int {
	if n >= len(s) {
		return len(s)
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return n
}
