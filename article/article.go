// Package article defines the Article type and streams articles out of the
// formats news teams actually hold: directory trees of .txt/.html/.json files,
// JSONL, CSV, WARC web archives and JSONL on stdin, each optionally .gz or
// .zst compressed, and Parquet tables.
//
// Readers never hold a whole corpus in memory: records are produced one at a
// time, with bounded buffers. Every record that is skipped or altered is
// reported as an Issue with its position, so that a caller can account for
// every input record.
package article

import (
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxIDBytes bounds an article id: 2,048 bytes holds any URL a browser
// opens, so that URLs serve as ids, and an id percent-escaped in a URL
// path stays within what HTTP servers accept in a request line.
const MaxIDBytes = 2048

// CheckID reports why id cannot be an article id (nil when it can): longer
// than MaxIDBytes, not UTF-8, or holding control characters (line breaks,
// tabs, NUL), which no output format or URL carries intact. Every entry
// applies it: the readers reject such a record as "bad_id", the API with
// 400.
func CheckID(id string) error {
	if len(id) > MaxIDBytes {
		return fmt.Errorf("id of %d bytes, over the limit of %d", len(id), MaxIDBytes)
	}
	if !utf8.ValidString(id) {
		return errors.New("id is not valid UTF-8")
	}
	for i, r := range id {
		if unicode.IsControl(r) {
			return fmt.Errorf("id has a control character (%U) at byte %d", r, i)
		}
	}
	return nil
}

// Article is one news article as the reader produced it. Text is never
// altered after reading (apart from invalid UTF-8 repair, which is reported).
type Article struct {
	// ID is stable across runs: the record's own id, else the path of the
	// file relative to the input root without its extensions, else
	// "path:line" for a line of a JSONL/CSV file that carries no id.
	ID string `json:"id"`
	// Source is the outlet (site name or host), "" when unknown.
	Source string `json:"source,omitempty"`
	// URL of the article, "" when unknown.
	URL string `json:"url,omitempty"`
	// Published is the publication time; the zero Time when unknown.
	Published time.Time `json:"published,omitzero"`
	// PublishedFrom says where Published came from: PublishedFromRecord
	// (the record's own "published" field), PublishedFromHTML (the page's
	// metadata), PublishedFromText (read from the text: a .txt "date
	// YYYY-MM-DD" token or a date line found by TextTime),
	// PublishedFromWARC (the WARC-Date of the WARC record the page came
	// in: when it was captured, used only when neither the page nor its
	// text states a date), "" when Published is zero. A record's or page's
	// date is never overridden by the text's.
	PublishedFrom string `json:"published_from,omitempty"`
	// Title is the headline, "" when unknown.
	Title string `json:"title,omitempty"`
	// Dateline is a "CITY -" dateline found at the start of the text, "" when none.
	Dateline string `json:"dateline,omitempty"`
	// Text is the article body.
	Text string `json:"text"`
}

// Values of Article.PublishedFrom.
const (
	PublishedFromRecord = "record"
	PublishedFromHTML   = "html"
	PublishedFromText   = "text"
	PublishedFromWARC   = "warc"
)

// Pos says where a record came from: a file and, for line-oriented formats,
// a 1-based line number (the line a CSV record starts on); for a WARC file,
// the 1-based ordinal number of the WARC record in the file; for a Parquet
// file, the 1-based row number, counted across its row groups. Line is 0
// for whole-file records.
type Pos struct {
	File string
	Line int
}

// String formats the position as "file" or "file:line".
func (p Pos) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

// Record is one article and where it was read from.
type Record struct {
	Article Article
	Pos     Pos
	// Bytes is the size of the raw record as read (for throughput figures).
	Bytes int64
	// Derived is what Options.NewProcessor's function computed for the
	// record on a decoding goroutine; nil without a processor.
	Derived any
}

// Issue is something a reader (or a later stage) did to an input record:
// skipped it (Skipped true) or altered it and kept it (Skipped false, e.g.
// invalid UTF-8 repaired, text truncated).
type Issue struct {
	Pos     Pos
	Reason  string // short machine-readable reason, e.g. "malformed_json"
	Detail  string // human-readable detail
	Skipped bool
}

// String formats the issue for a log line.
func (i Issue) String() string {
	verb := "kept"
	if i.Skipped {
		verb = "skipped"
	}
	if i.Detail == "" {
		return fmt.Sprintf("%s: %s (%s)", i.Pos, i.Reason, verb)
	}
	return fmt.Sprintf("%s: %s: %s (%s)", i.Pos, i.Reason, i.Detail, verb)
}
