package article

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// Parquet input.
//
// A .parquet file is a table whose rows are articles. Its top-level
// columns are matched by name, case-insensitively, against the article
// fields (id, source, url, published, title, text; the first of repeated
// names wins); other columns, and columns of those names that are lists
// or groups, are ignored and never read. Pos.Line is the row number,
// 1-based across the file's row groups, and a row without an id gets
// "path:row", as a JSONL line gets "path:line".
//
// Column types:
//   - text, source, url, title: strings (BYTE_ARRAY, with or without the
//     STRING annotation). A null or non-string text rejects the row
//     ("missing_text"); a non-string source, url or title is ignored.
//   - id: a string, or an integer written in decimal, as in JSON.
//   - published: a string in the forms the other readers accept, a
//     TIMESTAMP (any unit; taken as UTC when not adjusted to UTC), a DATE,
//     a legacy INT96 timestamp, or an integer or floating-point number of
//     unix seconds or milliseconds, as in JSON.
//
// The file is read one row group at a time and, within a row group, in
// runs of parquetBatchRows rows: only the pages of the columns in use are
// decoded, and memory holds one run of rows (plus the library's current
// page of each column), whatever the size of the file. Compressed pages
// (snappy, gzip, zstd, lz4, brotli) are decompressed by the library. A
// file that is not Parquet or is damaged is reported ("corrupt_parquet")
// at the first row that could not be read, never read past that point.

const parquetBatchRows = 256

// pqField is one article field as a Parquet column of the file.
type pqField struct {
	name  string
	leaf  int // leaf column index
	typ   parquet.Type
	text  bool // a string column
	desc  string
	vals  []parquet.Value
	cells []pqCell
}

// pqCell is one row's value of a field, copied out of the library's pages.
type pqCell struct {
	null bool
	s    string    // string columns
	t    time.Time // published, when typed
	ok   bool      // the value is usable
	bad  string    // why it is not (wrong type)
	n    int       // bytes, for Record.Bytes
}

// readParquet reads one Parquet file; false when cancelled.
func (p *producer) readParquet(f *os.File, pos Pos, idBase string) (ok bool) {
	row := 0 // rows handed on so far
	defer func() {
		if v := recover(); v != nil {
			ok = p.issue(Pos{File: pos.File, Line: row + 1}, "corrupt_parquet",
				fmt.Sprintf("parquet reader failed at row %d: %v; rest of file not read", row+1, v))
		}
	}()
	fi, err := f.Stat()
	if err != nil {
		return p.issue(pos, "unreadable", err.Error())
	}
	pf, err := parquet.OpenFile(f, fi.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return p.issue(pos, "corrupt_parquet", err.Error())
	}
	fields, why := parquetFields(pf)
	if why != "" {
		return p.issue(pos, "parquet_no_text_column", why+"; file not read")
	}
	for _, rg := range pf.RowGroups() {
		n, err := p.readRowGroup(rg, fields, pos.File, idBase, &row)
		if err != nil {
			return p.issue(Pos{File: pos.File, Line: row + 1}, "corrupt_parquet",
				fmt.Sprintf("row %d: %v; rest of file not read", row+1, err))
		}
		if !n {
			return false
		}
	}
	return true
}

// parquetFields finds the article fields among the file's top-level
// columns; why says what is wrong when there is no usable text column.
func parquetFields(pf *parquet.File) ([]*pqField, string) {
	var fields []*pqField
	seen := map[string]bool{}
	textWhy := "schema has no \"text\" column"
	for _, c := range pf.Root().Columns() {
		name, ok := articleColumn(c.Name())
		if !ok || seen[name] {
			continue
		}
		seen[name] = true
		if !c.Leaf() || c.Repeated() {
			if name == "text" {
				textWhy = "the \"text\" column is a list or group, not a string"
			}
			continue
		}
		k := c.Type().Kind()
		fields = append(fields, &pqField{
			name: name,
			leaf: c.Index(),
			typ:  c.Type(),
			text: k == parquet.ByteArray,
			desc: c.Type().String(),
		})
	}
	for _, f := range fields {
		if f.name == "text" {
			return fields, ""
		}
	}
	return nil, textWhy
}

// readRowGroup hands on the rows of one row group in runs; row counts the
// rows handed on. ok is false when cancelled; err when the group is
// unreadable.
func (p *producer) readRowGroup(rg parquet.RowGroup, fields []*pqField, file, idBase string, row *int) (ok bool, err error) {
	chunks := rg.ColumnChunks()
	readers := make([]parquet.ColumnChunkValueReader, len(fields))
	defer func() {
		for _, r := range readers {
			if r != nil {
				r.Close()
			}
		}
	}()
	for i, f := range fields {
		if f.leaf < 0 || f.leaf >= len(chunks) {
			return true, fmt.Errorf("column %q missing from row group", f.name)
		}
		readers[i] = parquet.NewColumnChunkValueReader(chunks[f.leaf])
		if cap(f.vals) < parquetBatchRows {
			f.vals = make([]parquet.Value, parquetBatchRows)
			f.cells = make([]pqCell, parquetBatchRows)
		}
	}
	total := rg.NumRows()
	if total < 0 {
		return true, fmt.Errorf("row group of %d rows", total)
	}
	for done := int64(0); done < total; {
		if p.ctx.Err() != nil {
			return false, nil
		}
		n := int(min(total-done, parquetBatchRows))
		for i, f := range fields {
			if err := f.read(readers[i], n); err != nil {
				return true, err
			}
		}
		for j := 0; j < n; j++ {
			if !p.addParquetRow(fields, j, Pos{File: file, Line: *row + 1}, idBase) {
				return false, nil
			}
			*row++
		}
		done += int64(n)
	}
	return true, nil
}

// read reads the next n values of the field's column into f.cells.
func (f *pqField) read(r parquet.ColumnChunkValueReader, n int) error {
	for got := 0; got < n; {
		k, err := r.ReadValues(f.vals[:n-got])
		for i := 0; i < k; i++ {
			v := f.vals[i]
			if v.RepetitionLevel() != 0 {
				return fmt.Errorf("column %q: repeated value in a flat column", f.name)
			}
			f.cells[got+i] = f.cell(v)
		}
		clear(f.vals[:k])
		got += k
		if got == n {
			break
		}
		if err == io.EOF {
			return fmt.Errorf("column %q ends %d rows early", f.name, n-got)
		}
		if err != nil {
			return fmt.Errorf("column %q: %w", f.name, err)
		}
		if k == 0 {
			return fmt.Errorf("column %q: %w", f.name, io.ErrNoProgress)
		}
	}
	return nil
}

// cell converts one value, copying its bytes.
func (f *pqField) cell(v parquet.Value) pqCell {
	if v.IsNull() {
		return pqCell{null: true}
	}
	if f.text {
		b := v.ByteArray()
		return pqCell{s: string(b), ok: true, n: len(b)}
	}
	switch f.name {
	case "id":
		switch v.Kind() {
		case parquet.Int32:
			s := strconv.FormatInt(int64(v.Int32()), 10)
			return pqCell{s: s, ok: true, n: len(s)}
		case parquet.Int64:
			s := strconv.FormatInt(v.Int64(), 10)
			return pqCell{s: s, ok: true, n: len(s)}
		case parquet.Float, parquet.Double:
			d := v.Double()
			if v.Kind() == parquet.Float {
				d = float64(v.Float())
			}
			s := strconv.FormatFloat(d, 'g', -1, 64)
			if d == math.Trunc(d) && math.Abs(d) < 1<<53 {
				s = strconv.FormatInt(int64(d), 10)
			}
			return pqCell{s: s, ok: true, n: len(s)}
		}
		return pqCell{bad: "\"id\" column is " + f.desc + ", neither a string nor a number"}
	case "published":
		t, ok := f.time(v)
		if !ok {
			return pqCell{bad: "unparseable \"published\": " + clip(v.String(), 40) + " (" + f.desc + ")"}
		}
		return pqCell{t: t, ok: true, n: 8}
	}
	return pqCell{bad: "column is " + f.desc + ", not a string"}
}

// time converts a typed published value.
func (f *pqField) time(v parquet.Value) (time.Time, bool) {
	lt := f.typ.LogicalType()
	switch v.Kind() {
	case parquet.Int64, parquet.Int32:
		x := v.Int64()
		if v.Kind() == parquet.Int32 {
			x = int64(v.Int32())
		}
		if lt != nil {
			switch t := lt.Value.(type) {
			case *format.TimestampType:
				var u time.Duration
				if t.Unit.Value != nil {
					u = t.Unit.Value.Duration()
				}
				switch u {
				case time.Millisecond:
					return time.UnixMilli(x).UTC(), true
				case time.Microsecond:
					return time.UnixMicro(x).UTC(), true
				case time.Nanosecond:
					return time.Unix(0, x).UTC(), true
				}
				return time.Time{}, false
			case *format.DateType:
				return time.Unix(x*86400, 0).UTC(), true
			case *format.TimeType, *format.DecimalType:
				return time.Time{}, false
			}
		}
		if ct := f.typ.ConvertedType(); ct != nil {
			switch *ct {
			case deprecated.TimestampMillis:
				return time.UnixMilli(x).UTC(), true
			case deprecated.TimestampMicros:
				return time.UnixMicro(x).UTC(), true
			case deprecated.Date:
				return time.Unix(x*86400, 0).UTC(), true
			case deprecated.TimeMillis, deprecated.TimeMicros, deprecated.Decimal:
				return time.Time{}, false
			}
		}
		return unixInt(x)
	case parquet.Float:
		return unixDate(float64(v.Float()))
	case parquet.Double:
		return unixDate(v.Double())
	case parquet.Int96:
		// Nanoseconds of the day in the first 8 bytes, the Julian day in
		// the last 4 (as Impala and Spark write timestamps).
		i := v.Int96()
		nanos := int64(uint64(i[1])<<32 | uint64(i[0]))
		day := int64(i[2]) - 2440588
		return time.Unix(day*86400, nanos).UTC(), true
	}
	return time.Time{}, false
}

// unixInt is unixDate for an integer, exact to the millisecond.
func unixInt(x int64) (time.Time, bool) {
	const lim = 100_000_000_000 // 1e11, as in unixDate
	switch {
	case x > -lim && x < lim:
		return time.Unix(x, 0).UTC(), true
	case x/1000 > -lim && x/1000 < lim:
		return time.UnixMilli(x).UTC(), true
	}
	return time.Time{}, false
}

// addParquetRow queues row j of the current run.
func (p *producer) addParquetRow(fields []*pqField, j int, pos Pos, idBase string) bool {
	u := unit{kind: kindCSV, pos: pos, idBase: idBase}
	for _, f := range fields {
		c := &f.cells[j]
		u.size += int64(c.n)
		switch f.name {
		case "text":
			switch {
			case c.null:
				return p.issue(pos, "missing_text", "\"text\" is null")
			case !c.ok:
				return p.issue(pos, "missing_text", "\"text\" column is "+f.desc+", not a string")
			}
			u.art.Text = c.s
		case "id":
			if c.bad != "" {
				u.keep = append(u.keep, Issue{Pos: pos, Reason: "bad_id", Detail: c.bad})
			}
			u.art.ID = strings.TrimSpace(c.s)
		case "source":
			u.art.Source = c.s
		case "url":
			u.art.URL = c.s
		case "title":
			u.art.Title = c.s
		case "published":
			switch {
			case c.bad != "":
				u.keep = append(u.keep, Issue{Pos: pos, Reason: "bad_date", Detail: c.bad})
			case c.ok && f.text:
				u.published, u.hasPub = c.s, true
			case c.ok:
				u.art.Published = c.t
			}
		}
		*c = pqCell{}
	}
	if u.size > p.opts.MaxRecordBytes {
		return p.issue(pos, "record_too_long", fmt.Sprintf("row of %d bytes exceeds %d", u.size, p.opts.MaxRecordBytes))
	}
	return p.add(u, nil)
}

// errParquetCompressed says a .parquet file was named as compressed.
var errParquetCompressed = errors.New("a compressed .parquet file is not read: Parquet compresses its own pages")
