package article

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// CSV input.
//
// A header row names the columns; every later record is one article. The
// records are parsed by encoding/csv with lazy quotes, through a reader
// (csvTap) that keeps the bytes of the record being parsed, so that a
// record that went wrong can be read again:
//
//   - A quoted field that is never closed (a runaway quote) runs to the
//     end of the file and takes every later row with it. Such a record,
//     or a malformed one that spans lines (wrong number of fields), or one
//     whose id, title, url, source or published field spans lines, is
//     rejected on its first line only ("malformed_csv", naming the lines
//     it had swallowed), and the rows after that line are parsed again.
//   - A record longer than the record bound is skipped to its end (the
//     end of its quoted field) and rejected as "record_too_long" with the
//     lines it spans; when its quote never closes before the end of the
//     file, the reject names the lines not read.

// errRecordTooLong is returned by csvTap when one CSV record grows past
// the record bound.
var errRecordTooLong = errors.New("record too long")

// csvTap hands the input to encoding/csv and keeps every byte from the
// start of the current record (at most the record bound plus the csv
// reader's read-ahead).
type csvTap struct {
	r    io.Reader
	max  int64
	buf  []byte // buf[head:] are the bytes handed over from offset from on
	head int
	from int64
}

func (t *csvTap) Read(p []byte) (int, error) {
	// encoding/csv reads through a 4 KiB bufio.Reader, so at most that much
	// beyond the record is read ahead.
	if int64(len(t.buf)-t.head) > t.max+4096 {
		return 0, errRecordTooLong
	}
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// startRecord drops the kept bytes before offset off (the next record's
// start); the buffer is compacted only once most of it is dropped.
func (t *csvTap) startRecord(off int64) {
	t.head += int(off - t.from)
	t.from = off
	if t.head > len(t.buf)/2 {
		t.buf = t.buf[:copy(t.buf, t.buf[t.head:])]
		t.head = 0
	}
}

// since returns the kept bytes from offset off on.
func (t *csvTap) since(off int64) []byte { return t.buf[t.head+int(off-t.from):] }

// rest is the input from offset off on: the kept bytes, then the unread
// input.
func (t *csvTap) rest(off int64) io.Reader {
	return io.MultiReader(bytes.NewReader(bytes.Clone(t.since(off))), t.r)
}

// csvColumns are the columns the CSV and Parquet readers know
// (case-insensitive).
var csvColumns = []string{"id", "source", "url", "published", "title", "text"}

// articleColumn returns the article field a CSV or Parquet column name
// gives (trimmed, any case), or false.
func articleColumn(name string) (string, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	return name, slices.Contains(csvColumns, name)
}

// csvQuoteOpen reports whether raw (the bytes of one or more records)
// ends inside a quoted field, by the rules encoding/csv applies with lazy
// quotes: a field is quoted when it starts with a quote, and a quote in it
// closes it only when followed by a comma, a line end or the end.
func csvQuoteOpen(raw []byte) bool {
	in, start := false, true
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case in:
			if c == '"' {
				switch {
				case i+1 < len(raw) && raw[i+1] == '"':
					i++
				case i+1 == len(raw) || raw[i+1] == ',' || raw[i+1] == '\n' || raw[i+1] == '\r':
					in = false
				}
			}
		case start && c == '"':
			in, start = true, false
		default:
			start = c == ',' || c == '\n'
		}
	}
	return in
}

// csvSkipRecord reads r to the end of a record whose quoted field is open
// (the first byte is inside it), counting its lines; open is true when the
// input ended inside the field, atEOL when the field closed at a line end
// (which ends the record).
func csvSkipRecord(r *bufio.Reader) (lines int, open, atEOL bool, err error) {
	quote := false // the previous byte was a quote inside the field
	for {
		c, rerr := r.ReadByte()
		if rerr == io.EOF {
			return lines, !quote, false, nil
		}
		if rerr != nil {
			return lines, true, false, rerr
		}
		switch {
		case quote && (c == ',' || c == '\n' || c == '\r'):
			// Closed: the record ends at this line end, or at the next
			// one, which the caller skips.
			if c == '\n' {
				lines++
			}
			return lines, false, c == '\n', nil
		case c == '"':
			quote = !quote
		default:
			quote = false
		}
		if c == '\n' {
			lines++
		}
	}
}

// readCSV reads a CSV file whose header row names its columns. Each later
// record is one article; Pos.Line is the line the record starts on.
func (p *producer) readCSV(s source, idBase string) bool {
	var (
		col      map[string]int // nil until the header is read
		width    int            // the header's fields
		lineBase int            // lines before the current csv reader's input
		input    = s.r
	)
	at := func(line int) Pos { return Pos{File: s.pos.File, Line: lineBase + line} }
	for {
		tap := &csvTap{r: input, max: p.opts.MaxRecordBytes}
		cr := csv.NewReader(tap)
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		cr.ReuseRecord = true
		recStart, recLine := int64(0), 1
		lastErrAt := int64(-1)
		// resync rejects the record read last, which starts on line
		// line, and parses again from the line after that one.
		resync := func(line int, detail string) bool {
			raw := tap.since(recStart)
			end := 0 // the end of the record's first line in raw
			for k := recLine; k <= line; k++ {
				nl := bytes.IndexByte(raw[end:], '\n')
				if nl < 0 {
					return p.issue(at(line), "malformed_csv", detail)
				}
				end += nl + 1
			}
			if !p.issue(at(line), "malformed_csv", detail) {
				return false
			}
			input = tap.rest(recStart + int64(end))
			lineBase += line
			return true
		}
		restart := false
		for n := 0; !restart; n++ {
			if n&1023 == 1023 && p.ctx.Err() != nil {
				return false
			}
			rec, err := cr.Read()
			if err == io.EOF {
				return true
			}
			if errors.Is(err, errRecordTooLong) {
				// Skip the record to its end, then go on after it.
				raw := tap.since(recStart)
				br := bufio.NewReader(tap.r)
				var lines int
				var open, atEOL bool
				var serr error
				if csvQuoteOpen(raw) {
					lines, open, atEOL, serr = csvSkipRecord(br)
				}
				lines += bytes.Count(raw, []byte{'\n'})
				if serr != nil {
					return p.issue(at(recLine), s.failure(), serr.Error()+"; rest of file not read")
				}
				if open {
					return p.issue(at(recLine), "record_too_long", fmt.Sprintf(
						"CSV record longer than %d bytes: its quoted field opened on line %d is never closed; lines %d-%d not read",
						p.opts.MaxRecordBytes, lineBase+recLine, lineBase+recLine, lineBase+recLine+lines))
				}
				input = br
				if !atEOL {
					lines++ // the rest of the record's last line
					err := bufio.ErrBufferFull
					for errors.Is(err, bufio.ErrBufferFull) {
						_, err = br.ReadSlice('\n')
					}
				}
				if !p.issue(at(recLine), "record_too_long", fmt.Sprintf("CSV record longer than %d bytes (lines %d-%d) skipped",
					p.opts.MaxRecordBytes, lineBase+recLine, lineBase+recLine+lines-1)) {
					return false
				}
				lineBase += recLine - 1 + lines
				restart = true
				continue
			}
			if err != nil {
				var pe *csv.ParseError
				if !errors.As(err, &pe) {
					return p.issue(at(recLine), s.failure(), err.Error()+"; rest of file not read")
				}
				off := cr.InputOffset()
				if off == lastErrAt {
					return p.issue(at(pe.StartLine), "malformed_csv", pe.Error()+"; reader cannot resync, rest of file not read")
				}
				lastErrAt = off
				if !p.issue(at(pe.StartLine), "malformed_csv", pe.Error()) {
					return false
				}
				recStart, recLine = off, pe.Line+1
				tap.startRecord(off)
				continue
			}
			line, _ := cr.FieldPos(0)
			endLine, _ := cr.FieldPos(len(rec) - 1)
			off := cr.InputOffset()
			raw := tap.since(recStart)[:off-recStart]
			size := off - recStart
			// A record that went wrong across lines swallows the rows
			// after its first line: reject that line, read the rest again.
			if endLine > line || bytes.Count(bytes.TrimRight(raw, "\r\n"), []byte{'\n'}) > 0 {
				why := ""
				switch {
				case csvQuoteOpen(raw):
					why = "its quoted field is never closed"
				case col == nil:
					why = "the header spans lines"
				case len(rec) != width:
					why = fmt.Sprintf("%d fields where the header has %d", len(rec), width)
				default:
					for _, name := range csvColumns[:5] {
						if i, ok := col[name]; ok && i < len(rec) && strings.ContainsAny(rec[i], "\r\n") {
							why = fmt.Sprintf("its %s field spans lines", name)
							break
						}
					}
				}
				if why != "" {
					endAt := lineBase + line + bytes.Count(bytes.TrimRight(raw, "\r\n"), []byte{'\n'})
					if !resync(line, fmt.Sprintf("record on lines %d-%d: %s; line %d skipped and the lines after it read again as rows",
						lineBase+line, endAt, why, lineBase+line)) {
						return false
					}
					restart = true
					continue
				}
			}
			recStart, recLine = off, endLine+1
			tap.startRecord(off)
			pos := at(line)
			if col == nil {
				if col, width = csvHeader(rec), len(rec); col["text"] < 0 {
					return p.issue(pos, "csv_no_text_column", "header has no \"text\" column; file not read")
				}
				continue
			}
			field := func(name string) (string, bool) {
				i, ok := col[name]
				if !ok || i >= len(rec) {
					return "", false
				}
				return rec[i], true
			}
			text, ok := field("text")
			if !ok {
				if !p.issue(pos, "malformed_csv", fmt.Sprintf("record has %d fields, too few to reach the text column", len(rec))) {
					return false
				}
				continue
			}
			u := unit{kind: kindCSV, pos: pos, idBase: idBase, size: size}
			u.art.Text = text
			u.art.ID, _ = field("id")
			u.art.ID = strings.TrimSpace(u.art.ID)
			u.art.Source, _ = field("source")
			u.art.URL, _ = field("url")
			u.art.Title, _ = field("title")
			u.published, u.hasPub = field("published")
			if !p.add(u, nil) {
				return false
			}
		}
	}
}

// csvHeader maps the known column names of a header row to their index;
// "text" maps to -1 when missing.
func csvHeader(rec []string) map[string]int {
	col := map[string]int{"text": -1}
	for i := len(rec) - 1; i >= 0; i-- { // the first of repeated names wins
		if name, ok := articleColumn(rec[i]); ok {
			col[name] = i
		}
	}
	return col
}
