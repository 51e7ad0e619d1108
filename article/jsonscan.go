package article

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// A single-pass JSON scanner for article objects. json.Unmarshal scans its
// input twice (validation, then decoding); this scanner validates the
// whole value by the same grammar (RFC 8259, as encoding/json accepts it:
// invalid UTF-8 inside strings is allowed, nesting is limited to 10000)
// and records the raw bytes of the known top-level fields in one pass.
// FuzzJSONL checks it against encoding/json.

const maxJSONDepth = 10000

// strPlain marks bytes that need no attention inside a JSON string.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// jsonSyntaxError is a malformed record.
type jsonSyntaxError struct {
	off int
	msg string
}

func (e *jsonSyntaxError) Error() string {
	return fmt.Sprintf("%s at byte %d", e.msg, e.off)
}

type jscan struct {
	b     []byte
	i     int
	depth int
}

// scanArticle parses data, which must be one JSON object, into ja.
// Field names match exactly or, failing that, case-insensitively (as with
// encoding/json); for repeated names the last value wins.
func scanArticle(data []byte, ja *jsonArticle) error {
	s := jscan{b: data}
	s.ws()
	if s.i >= len(s.b) {
		return &jsonSyntaxError{s.i, "empty record"}
	}
	if s.b[s.i] != '{' {
		if !s.value() {
			return &jsonSyntaxError{s.i, "invalid JSON"}
		}
		if s.ws(); s.i != len(s.b) {
			return &jsonSyntaxError{s.i, "invalid JSON (data after value)"}
		}
		return &jsonSyntaxError{0, "not a JSON object"}
	}
	s.i++
	s.depth = 1
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return s.end()
	}
	for {
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			return &jsonSyntaxError{s.i, "invalid JSON (expected field name)"}
		}
		ks := s.i
		esc, ok := s.str()
		if !ok {
			return &jsonSyntaxError{s.i, "invalid JSON string"}
		}
		key := s.b[ks+1 : s.i-1]
		if esc {
			k, _, _ := jsonStringRaw(s.b[ks:s.i])
			key = []byte(k)
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return &jsonSyntaxError{s.i, "invalid JSON (expected ':')"}
		}
		s.i++
		s.ws()
		vs := s.i
		if !s.value() {
			return &jsonSyntaxError{s.i, "invalid JSON value"}
		}
		if f := ja.field(key); f != nil {
			*f = s.b[vs:s.i]
		}
		s.ws()
		if s.i >= len(s.b) {
			return &jsonSyntaxError{s.i, "invalid JSON (unterminated object)"}
		}
		switch s.b[s.i] {
		case ',':
			s.i++
			s.ws()
		case '}':
			s.i++
			return s.end()
		default:
			return &jsonSyntaxError{s.i, "invalid JSON (expected ',' or '}')"}
		}
	}
}

func (s *jscan) end() error {
	s.ws()
	if s.i != len(s.b) {
		return &jsonSyntaxError{s.i, "invalid JSON (data after object)"}
	}
	return nil
}

var jsonFieldNames = [...]string{"id", "source", "url", "published", "title", "text"}

func (ja *jsonArticle) field(key []byte) *jsonRaw {
	fields := [...]*jsonRaw{&ja.ID, &ja.Source, &ja.URL, &ja.Published, &ja.Title, &ja.Text}
	for i, name := range jsonFieldNames {
		if string(key) == name {
			return fields[i]
		}
	}
	for i, name := range jsonFieldNames {
		if bytes.EqualFold(key, []byte(name)) {
			return fields[i]
		}
	}
	return nil
}

func (s *jscan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// str scans a string starting at its opening quote and reports whether it
// had escapes.
func (s *jscan) str() (esc, ok bool) {
	b := s.b
	i := s.i + 1
	for {
		i = plainRun(b, i)
		if i >= len(b) {
			return false, false
		}
		switch c := b[i]; {
		case c == '"':
			s.i = i + 1
			return esc, true
		case c == '\\':
			esc = true
			if i+1 >= len(b) {
				return false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := hex4(b[i+2:]); !ok {
					return false, false
				}
				i += 6
			default:
				return false, false
			}
		default: // control character
			return false, false
		}
	}
}

// plainRun returns the offset of the first byte of b from i on that needs
// attention inside a JSON string (strPlain false), or len(b): eight bytes
// at a time, then byte by byte.
func plainRun(b []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q, bs := x^('"'*ones), x^('\\'*ones)
		// High bit of each byte that is '"', '\\' or below 0x20; only the
		// lowest flagged byte is exact, which is the one wanted.
		m := ((q - ones) &^ q) | ((bs - ones) &^ bs) | ((x - 0x20*ones) &^ x)
		if m &= highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(b) && strPlain[b[i]] {
		i++
	}
	return i
}

func (s *jscan) value() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; c {
	case '"':
		_, ok := s.str()
		return ok
	case '{', '[':
		return s.composite(c)
	case 't':
		return s.lit("true")
	case 'f':
		return s.lit("false")
	case 'n':
		return s.lit("null")
	default:
		return s.number()
	}
}

func (s *jscan) lit(w string) bool {
	if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
		s.i += len(w)
		return true
	}
	return false
}

func (s *jscan) composite(open byte) bool {
	s.depth++
	if s.depth > maxJSONDepth {
		return false
	}
	close := byte(']')
	if open == '{' {
		close = '}'
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == close {
		s.i++
		s.depth--
		return true
	}
	for {
		if open == '{' {
			if s.i >= len(s.b) || s.b[s.i] != '"' {
				return false
			}
			if _, ok := s.str(); !ok {
				return false
			}
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return false
			}
			s.i++
			s.ws()
		}
		if !s.value() {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
			s.ws()
		case close:
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jscan) number() bool {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	s.i = i
	return true
}
