package article

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// errRecordTooLong is returned by csvLimiter when one CSV record grows past
// the record bound.
var errRecordTooLong = errors.New("record too long")

// csvLimiter bounds how far encoding/csv may read past the start of the
// record it is parsing, so a runaway quoted field cannot grow unbounded.
type csvLimiter struct {
	r        io.Reader
	n        int64 // bytes handed to the csv reader
	recStart int64 // input offset where the current record starts
	max      int64
}

func (l *csvLimiter) Read(p []byte) (int, error) {
	// encoding/csv reads through a 4 KiB bufio.Reader, so at most that much
	// beyond the record is read ahead.
	if l.n-l.recStart > l.max+4096 {
		return 0, errRecordTooLong
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

// csvColumns are the columns the CSV reader knows (case-insensitive).
var csvColumns = []string{"id", "source", "url", "published", "title", "text"}

// readCSV reads a CSV file whose header row names its columns. Each later
// record is one article; Pos.Line is the line the record starts on.
func (p *producer) readCSV(s source, idBase string) bool {
	lim := &csvLimiter{r: s.r, max: p.opts.MaxRecordBytes}
	cr := csv.NewReader(lim)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true

	col := map[string]int{}
	header := true
	lastLine := 0
	lastErrOffset := int64(-1)
	for n := 0; ; n++ {
		if n&1023 == 1023 && p.ctx.Err() != nil {
			return false
		}
		rec, err := cr.Read()
		if err == io.EOF {
			return true
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, errRecordTooLong) {
				off := cr.InputOffset()
				if off == lastErrOffset {
					return p.issue(Pos{File: s.pos.File, Line: pe.StartLine}, "malformed_csv", pe.Error()+"; reader cannot resync, rest of file not read")
				}
				lastErrOffset = off
				lim.recStart = off
				lastLine = pe.Line
				if !p.issue(Pos{File: s.pos.File, Line: pe.StartLine}, "malformed_csv", pe.Error()) {
					return false
				}
				continue
			}
			pos := Pos{File: s.pos.File, Line: lastLine + 1}
			if errors.Is(err, errRecordTooLong) {
				return p.issue(pos, "record_too_long",
					fmt.Sprintf("CSV record longer than %d bytes; rest of file not read", p.opts.MaxRecordBytes))
			}
			return p.issue(pos, s.failure(), err.Error()+"; rest of file not read")
		}
		line, _ := cr.FieldPos(0)
		endLine, _ := cr.FieldPos(len(rec) - 1)
		off := cr.InputOffset()
		size := off - lim.recStart
		lim.recStart = off
		lastLine = endLine
		pos := Pos{File: s.pos.File, Line: line}
		if header {
			header = false
			for i, name := range rec {
				if i == 0 {
					name = strings.TrimPrefix(name, "\uFEFF")
				}
				name = strings.ToLower(strings.TrimSpace(name))
				for _, c := range csvColumns {
					if name == c {
						if _, dup := col[c]; !dup {
							col[c] = i
						}
					}
				}
			}
			if _, ok := col["text"]; !ok {
				return p.issue(Pos{File: s.pos.File, Line: line}, "csv_no_text_column",
					"header has no \"text\" column; file not read")
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
