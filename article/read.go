package article

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Default bounds used when the Options fields are 0.
const (
	// DefaultMaxArticleBytes bounds the text of one article.
	DefaultMaxArticleBytes = 4 << 20
	// DefaultMaxRecordBytes bounds one JSONL line, CSV record, Parquet row,
	// or .json/.html file.
	DefaultMaxRecordBytes = 16 << 20
)

// Options bounds and tunes reading.
type Options struct {
	// MaxArticleBytes: text longer than this is truncated at a UTF-8
	// boundary and a "truncated" Issue reported (DefaultMaxArticleBytes
	// when 0). A .txt file is read no further than this.
	MaxArticleBytes int64
	// MaxRecordBytes: a JSONL line, CSV record, .json or .html file longer
	// than this is rejected ("record_too_long") without being buffered
	// whole (DefaultMaxRecordBytes when 0). An .html file, or the decoded
	// HTML payload of a WARC record, over the bound is parsed from its first
	// MaxRecordBytes and reported "truncated". A Parquet row whose fields in
	// use add up to more is rejected too (the Parquet library has its page
	// in memory by then).
	MaxRecordBytes int64
	// Workers is the number of goroutines decoding records (JSON decoding,
	// HTML extraction, text heuristics); 0 means runtime.GOMAXPROCS(0).
	// Output order does not depend on it.
	Workers int
	// NewProcessor, when set, is called once on every decoding goroutine
	// and returns a function that the goroutine then runs on each article it
	// decoded, before delivery: per-record work of the caller (the engine
	// tokenizes here) gets the same parallelism and ordering as decoding.
	// The function may set Record.Derived.
	NewProcessor func() func(*Record)
	// Stdin is read for the path "-" (JSONL, optionally gzip or zstd
	// compressed, detected by magic bytes); nil means os.Stdin.
	Stdin io.Reader
	// Now returns the current time, against which dates read from a text
	// are judged (TextTimeFutureSlack); nil means time.Now.
	Now func() time.Time
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o Options) withDefaults() Options {
	if o.MaxArticleBytes <= 0 {
		o.MaxArticleBytes = DefaultMaxArticleBytes
	}
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	return o
}

// StdinPath is the path that Read takes to mean standard input (JSONL).
const StdinPath = "-"

// Read streams every article under paths to emit, in a deterministic order:
// paths in the order given, directory trees walked in lexical order, records
// in file order. Every input record is either passed to emit exactly once
// or reported exactly once to report as an Issue with Skipped set; an
// emitted record may also have Issues that are not skipped (e.g.
// "invalid_utf8_repaired", "truncated"), reported before it is emitted.
// A file that cannot be read, is binary, or is not of a supported format
// counts as one record. report may be nil.
//
// The path "-" means JSONL on Options.Stdin. Formats are chosen by file
// extension (.txt, .html/.htm, .json, .jsonl/.ndjson, .csv, .warc,
// .parquet), after removing a .gz or .zst compression suffix (a .parquet
// file is never compressed as a whole: its pages are). A WARC file is one
// record per WARC record: HTML responses are articles, the other records
// are skipped (see readWARC). A Parquet row's Pos.Line is its 1-based row
// number. Files and directories whose names start
// with "." inside a walked directory are skipped with a "hidden_file" Issue;
// symbolic links to directories are not followed.
//
// emit and report are called on the caller's goroutine, never concurrently.
// If emit returns an error, reading stops and Read returns that error. Read
// returns an error only for fatal problems: a path that does not exist
// (checked for all paths before anything is read), emit's error, or the
// context's error when ctx is cancelled. Problems with a file or record are
// Issues, never errors.
func Read(ctx context.Context, paths []string, opts Options, emit func(Record) error, report func(Issue)) error {
	opts = opts.withDefaults()
	if report == nil {
		report = func(Issue) {}
	}
	for _, p := range paths {
		if p == StdinPath {
			continue
		}
		if _, err := os.Lstat(p); err != nil && errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("article: %w", err)
		}
	}
	return pipeline(ctx, opts, func(p *producer) bool {
		for _, path := range paths {
			if !p.readPath(path) {
				return false
			}
		}
		return true
	}, emit, report)
}

// pipeline runs produce on a producer goroutine, decodes its batches on
// opts.Workers goroutines and delivers results in order on the calling
// goroutine. opts must have its defaults applied.
func pipeline(ctx context.Context, opts Options, produce func(*producer) bool, emit func(Record) error, report func(Issue)) error {
	if err := ctx.Err(); err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	inflight := 4 * opts.Workers
	work := make(chan *batch, inflight)
	order := make(chan *batch, inflight)
	p := &producer{ctx: ctx, opts: opts, work: work, order: order}

	var wg sync.WaitGroup
	wg.Add(1 + opts.Workers)
	go func() {
		defer wg.Done()
		defer close(work)
		defer close(order)
		if produce(p) {
			p.completed = p.flush()
		}
	}()
	for range opts.Workers {
		go func() {
			defer wg.Done()
			var process func(*Record)
			if opts.NewProcessor != nil {
				process = opts.NewProcessor()
			}
			for b := range work {
				if ctx.Err() == nil {
					b.decode(&opts, process)
				}
				close(b.done)
			}
		}()
	}

	var err error
	for b := range order {
		<-b.done // every batch in order was sent to work first
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			err = b.deliver(ctx, emit, report)
			if err != nil {
				cancel()
			}
		}
		b.release()
	}
	wg.Wait()
	if err == nil && !p.completed {
		err = ctx.Err()
	}
	return err
}

// unitKind says how a unit's bytes are to be decoded.
type unitKind uint8

const (
	kindIssue unitKind = iota // a skipped record, already an Issue
	kindJSON                  // a JSON article object
	kindTxt                   // a plain text file
	kindHTML                  // an HTML page
	kindCSV                   // a CSV or Parquet row, fields already in art
)

// unit is one input record on its way to a worker.
type unit struct {
	kind      unitKind
	truncated bool   // raw was cut at the read bound
	pos       Pos    // Pos.Line 0 for whole-file records
	id        string // default id for whole-file records
	idTaken   string // the file whose default id id would have been ("": none)
	idBase    string // for line records: default id is idBase:line
	start     int    // raw bytes are arena[start:end] when raw is nil
	end       int
	raw       []byte
	size      int64
	issue     Issue // kindIssue
	art       Article
	published string // kindCSV: raw published column
	hasPub    bool
	url       string    // kindHTML from WARC: WARC-Target-URI
	warcDate  time.Time // kindHTML from WARC: WARC-Date
	keep      []Issue   // kept issues reported when the record is emitted (WARC, CSV)
}

// result is what a unit became: a record and/or issues.
type result struct {
	rec    Record
	ok     bool
	issues []Issue
}

func (r *result) skip(pos Pos, reason, detail string) {
	r.issues = append(r.issues, Issue{Pos: pos, Reason: reason, Detail: detail, Skipped: true})
}

func (r *result) keep(pos Pos, reason, detail string) {
	r.issues = append(r.issues, Issue{Pos: pos, Reason: reason, Detail: detail})
}

// batch is a run of consecutive units decoded by one worker.
type batch struct {
	units []unit
	arena []byte
	out   []result
	done  chan struct{}
	bytes int
}

const (
	batchMaxUnits = 256
	batchMaxBytes = 1 << 20
)

var batchPool = sync.Pool{New: func() any {
	return &batch{arena: make([]byte, 0, batchMaxBytes)}
}}

func newBatch() *batch {
	b := batchPool.Get().(*batch)
	b.done = make(chan struct{})
	return b
}

func (b *batch) release() {
	clear(b.units)
	clear(b.out)
	b.units, b.out, b.arena, b.bytes = b.units[:0], b.out[:0], b.arena[:0], 0
	if cap(b.arena) > 4*batchMaxBytes {
		b.arena = make([]byte, 0, batchMaxBytes)
	}
	batchPool.Put(b)
}

func (b *batch) decode(opts *Options, process func(*Record)) {
	if cap(b.out) < len(b.units) {
		b.out = make([]result, len(b.units))
	}
	b.out = b.out[:len(b.units)]
	for i := range b.units {
		u := &b.units[i]
		raw := u.raw
		if raw == nil && u.kind != kindIssue && u.kind != kindCSV {
			raw = b.arena[u.start:u.end]
		}
		decodeUnit(u, raw, opts, &b.out[i])
		if process != nil && b.out[i].ok {
			process(&b.out[i].rec)
		}
	}
}

func (b *batch) deliver(ctx context.Context, emit func(Record) error, report func(Issue)) error {
	for i := range b.out {
		if i&63 == 63 && ctx.Err() != nil {
			return ctx.Err()
		}
		r := &b.out[i]
		for _, is := range r.issues {
			report(is)
		}
		if r.ok {
			if err := emit(r.rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeUnit turns a unit into its result, recovering from any panic in a
// decoder so that one bad record cannot stop the run.
func decodeUnit(u *unit, raw []byte, opts *Options, res *result) {
	defer func() {
		if v := recover(); v != nil {
			*res = result{}
			res.skip(u.pos, "internal_error", fmt.Sprint("decoder panic: ", v))
		}
	}()
	var a Article
	var ok bool
	switch u.kind {
	case kindIssue:
		res.issues = append(res.issues, u.issue)
		return
	case kindJSON:
		a, ok = decodeJSON(raw, u.pos, res)
	case kindCSV:
		a, ok = u.art, true
		res.issues = append(res.issues, u.keep...)
		if u.hasPub {
			t, good := parseDate(u.published)
			if !good {
				res.keep(u.pos, "bad_date", "unparseable published: "+clip(u.published, 40))
			}
			a.Published = t
		}
		if !a.Published.IsZero() {
			a.PublishedFrom = PublishedFromRecord
		}
		repaired := false
		for _, f := range []*string{&a.ID, &a.Source, &a.URL, &a.Title, &a.Text} {
			if !utf8.ValidString(*f) {
				*f = strings.ToValidUTF8(*f, "\uFFFD")
				repaired = true
			}
		}
		if repaired {
			res.keep(u.pos, "invalid_utf8_repaired", "invalid UTF-8 replaced by U+FFFD")
		}
	case kindTxt:
		if isBinary(raw) {
			res.skip(u.pos, "binary_file", "NUL or control bytes in the first 8 KiB")
			return
		}
		a.Text, ok = string(raw), true
		if !utf8.ValidString(a.Text) {
			a.Text = strings.ToValidUTF8(a.Text, "\uFFFD")
			res.keep(u.pos, "invalid_utf8_repaired", "invalid UTF-8 replaced by U+FFFD")
		}
		if u.truncated {
			res.keep(u.pos, "truncated", fmt.Sprintf("file longer than %d bytes; text cut", opts.MaxArticleBytes))
		}
		a.Title, a.Published, a.Dateline = txtMeta(a.Text)
		if !a.Published.IsZero() {
			a.PublishedFrom = PublishedFromText
		}
	case kindHTML:
		if u.truncated {
			res.keep(u.pos, "truncated", fmt.Sprintf("file longer than %d bytes; only its start parsed", opts.MaxRecordBytes))
		}
		var base *url.URL
		if u.url != "" {
			base = parseBaseURL(u.url)
		}
		a, ok = decodeHTML(raw, u.pos, base, res)
		if ok && base != nil && (a.URL == "" || a.URL == base.String()) {
			// The page gives no URL of its own.
			a.URL = u.url
		}
		if ok && !utf8.ValidString(a.Text) {
			a.Text = strings.ToValidUTF8(a.Text, "\uFFFD")
			res.keep(u.pos, "invalid_utf8_repaired", "invalid UTF-8 replaced by U+FFFD")
		}
	}
	if !ok {
		return
	}
	if u.kind != kindTxt && int64(len(a.Text)) > opts.MaxArticleBytes {
		n := len(a.Text)
		a.Text = a.Text[:runeStart(a.Text, int(opts.MaxArticleBytes))]
		res.keep(u.pos, "truncated", fmt.Sprintf("text of %d bytes cut to %d", n, len(a.Text)))
	}
	if strings.TrimSpace(a.Text) == "" {
		res.skip(u.pos, "empty_text", "text is empty or whitespace")
		return
	}
	if u.kind != kindTxt {
		a.Dateline = textDateline(a.Text, a.Title)
	}
	// Every reader's record passes here (and DecodeJSON's does the same).
	applyTextTime(&a, opts.now())
	warcFallbackDate(&a, u.warcDate)
	if a.ID == "" {
		if u.idBase != "" {
			a.ID = u.idBase + ":" + strconv.Itoa(u.pos.Line)
		} else {
			a.ID = u.id
			if u.idTaken != "" {
				res.keep(u.pos, "id_from_full_path", fmt.Sprintf("%s already has the id this file's path without extensions gives; this file's id is %q", u.idTaken, a.ID))
			}
		}
	}
	if err := CheckID(a.ID); err != nil {
		res.skip(u.pos, "bad_id", err.Error()+": "+clip(strconv.Quote(a.ID), 60))
		return
	}
	if u.kind != kindCSV { // CSV and Parquet rows report theirs first, above
		res.issues = append(res.issues, u.keep...)
	}
	res.rec = Record{Article: a, Pos: u.pos, Bytes: u.size}
	res.ok = true
}

// runeStart returns the largest i <= n that starts a rune in s (or n if no
// rune start is found within 3 bytes, as in invalid UTF-8).
func runeStart[T string | []byte](s T, n int) int {
	if n >= len(s) {
		return len(s)
	}
	for i := n; i >= 0 && i > n-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			return i
		}
	}
	return n
}

// producer reads inputs sequentially and hands batches of units to the
// workers, in order.
type producer struct {
	ctx       context.Context
	opts      Options
	work      chan<- *batch
	order     chan<- *batch
	cur       *batch
	completed bool
	// fileIDs are the default ids given to whole files so far, with the
	// file each came from: a second file with the same path without
	// extensions (a.txt, a.txt.gz) gets its path with them.
	fileIDs map[string]string
}

// flush sends the current batch; false when the context was cancelled.
func (p *producer) flush() bool {
	b := p.cur
	if b == nil || len(b.units) == 0 {
		return p.ctx.Err() == nil
	}
	p.cur = nil
	select {
	case p.work <- b:
	case <-p.ctx.Done():
		return false
	}
	select {
	case p.order <- b:
	case <-p.ctx.Done():
		return false
	}
	return true
}

// add queues a unit; raw bytes are copied into the batch arena when inline
// is set (line records), else kept as u.raw. False when cancelled.
func (p *producer) add(u unit, inline []byte) bool {
	if p.cur == nil {
		p.cur = newBatch()
	}
	b := p.cur
	if inline != nil {
		u.start = len(b.arena)
		b.arena = append(b.arena, inline...)
		u.end = len(b.arena)
		b.bytes += len(inline)
	} else {
		b.bytes += len(u.raw) + len(u.art.Text)
	}
	b.units = append(b.units, u)
	if len(b.units) >= batchMaxUnits || b.bytes >= batchMaxBytes {
		return p.flush()
	}
	return true
}

// issue queues a skipped record.
func (p *producer) issue(pos Pos, reason, detail string) bool {
	return p.add(unit{kind: kindIssue, pos: pos, issue: Issue{Pos: pos, Reason: reason, Detail: detail, Skipped: true}}, nil)
}

// readPath reads one command-line path; false when cancelled.
func (p *producer) readPath(path string) bool {
	if p.ctx.Err() != nil {
		return false
	}
	if path == StdinPath {
		return p.readStdin()
	}
	fi, err := os.Stat(path)
	if err != nil {
		return p.issue(Pos{File: path}, "unreadable", err.Error())
	}
	if fi.IsDir() {
		if li, err := os.Lstat(path); err == nil && li.Mode()&fs.ModeSymlink != 0 {
			// WalkDir does not follow a symlinked root; a trailing
			// separator makes it resolve the link.
			path += string(filepath.Separator)
		}
		return p.walk(path)
	}
	return p.readFile(path, filepath.Base(path), true)
}

func (p *producer) walk(root string) bool {
	ok := true
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if p.ctx.Err() != nil {
			ok = false
			return fs.SkipAll
		}
		if err != nil {
			// An unreadable directory (or root): its contents are skipped.
			if !p.issue(Pos{File: path}, "unreadable", err.Error()) {
				ok = false
				return fs.SkipAll
			}
			return nil
		}
		if path == root {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			detail := "hidden file"
			if d.IsDir() {
				detail = "hidden directory; its contents were not read"
			}
			if !p.issue(Pos{File: path}, "hidden_file", detail) {
				ok = false
				return fs.SkipAll
			}
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, rerr := filepath.Rel(root, path)
		if rerr != nil {
			rel = d.Name()
		}
		if t := d.Type(); !t.IsRegular() && t&fs.ModeSymlink == 0 {
			// Devices, pipes and sockets could block or never end.
			ok = p.issue(Pos{File: path}, "unsupported_file", "not a regular file")
		} else {
			ok = p.readFile(path, rel, false)
		}
		if !ok {
			return fs.SkipAll
		}
		return nil
	})
	if err != nil && ok {
		ok = p.issue(Pos{File: root}, "unreadable", err.Error())
	}
	return ok
}

// readFile reads one file; rel is its path relative to the input root.
func (p *producer) readFile(path, rel string, explicit bool) bool {
	pos := Pos{File: path}
	base, format, comp, ext := splitExt(rel)
	if format == "" {
		if ext == "" {
			ext = "no extension"
		}
		return p.issue(pos, "unsupported_file", "unsupported file type ("+ext+")")
	}
	if format == fmtParquet && comp != compNone {
		return p.issue(pos, "unsupported_file", errParquetCompressed.Error())
	}
	f, err := os.Open(path)
	if err != nil {
		return p.issue(pos, "unreadable", err.Error())
	}
	defer f.Close()
	if format == fmtWARC {
		return p.readWARC(f, path, comp)
	}
	if format == fmtParquet {
		return p.readParquet(f, pos, filepath.ToSlash(rel))
	}
	src := &ioErrReader{r: f}
	r, closeDec, err := decompressor(src, comp)
	if err != nil {
		return p.issue(pos, readFailure(src, comp), err.Error())
	}
	defer closeDec()
	s := source{r: skipBOM(r), file: src, comp: comp, pos: pos}
	switch format {
	case fmtJSONL:
		return p.readLines(s, filepath.ToSlash(rel), nil)
	case fmtCSV:
		return p.readCSV(s, filepath.ToSlash(rel))
	}
	id, taken := filepath.ToSlash(base), ""
	if first, ok := p.fileIDs[id]; ok {
		id, taken = filepath.ToSlash(rel), first
	}
	if p.fileIDs == nil {
		p.fileIDs = map[string]string{}
	}
	if _, ok := p.fileIDs[id]; !ok {
		p.fileIDs[id] = path
	}
	return p.readWhole(s, format, id, taken)
}

// readFailure names the reason for a failed read: "unreadable" when the
// file itself failed, "decompress_error" when its compressed data did.
func readFailure(src *ioErrReader, comp string) string {
	if src.err != nil || comp == compNone {
		return "unreadable"
	}
	return "decompress_error"
}

// source is an opened (and possibly decompressed) input.
type source struct {
	r    io.Reader
	file *ioErrReader // nil for stdin
	comp string
	pos  Pos
}

func (s source) failure() string {
	if s.file == nil {
		if s.comp != compNone {
			return "decompress_error"
		}
		return "unreadable"
	}
	return readFailure(s.file, s.comp)
}

// readWhole reads a one-article file, bounded.
func (p *producer) readWhole(s source, format, id, taken string) bool {
	limit := p.opts.MaxRecordBytes
	if format == fmtTxt {
		limit = p.opts.MaxArticleBytes
	}
	raw, err := io.ReadAll(io.LimitReader(s.r, limit+1))
	if err != nil {
		return p.issue(s.pos, s.failure(), err.Error())
	}
	u := unit{pos: s.pos, id: id, idTaken: taken, size: int64(len(raw))}
	if int64(len(raw)) > limit {
		if format == fmtJSON {
			return p.issue(s.pos, "record_too_long", fmt.Sprintf("JSON file longer than %d bytes", limit))
		}
		raw = raw[:runeStart(raw, int(limit))]
		u.truncated = true
	}
	u.raw = raw
	switch format {
	case fmtTxt:
		u.kind = kindTxt
	case fmtHTML:
		u.kind = kindHTML
	case fmtJSON:
		u.kind = kindJSON
	}
	return p.add(u, nil)
}

var bufPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 1<<20) }}

// readLines reads JSONL: one article object per line, blank lines ignored.
// Records without an id get "idBase:line".
func (p *producer) readLines(s source, idBase string, beforeBlock func()) bool {
	br := bufPool.Get().(*bufio.Reader)
	br.Reset(s.r)
	defer func() {
		br.Reset(nil)
		bufPool.Put(br)
	}()
	lr := lineReader{br: br, max: int(min(p.opts.MaxRecordBytes, 1<<40)), beforeBlock: beforeBlock}
	for n := 0; ; n++ {
		if n&1023 == 1023 && p.ctx.Err() != nil {
			return false
		}
		line, size, tooLong, err := lr.next()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return p.issue(Pos{File: s.pos.File, Line: lr.line + 1}, s.failure(),
				err.Error()+"; rest of file not read")
		}
		pos := Pos{File: s.pos.File, Line: lr.line}
		if tooLong {
			if !p.issue(pos, "record_too_long", fmt.Sprintf("line of %d bytes exceeds %d", size, p.opts.MaxRecordBytes)) {
				return false
			}
			continue
		}
		if isBlank(line) {
			continue
		}
		if !p.add(unit{kind: kindJSON, pos: pos, idBase: idBase, size: int64(size)}, line) {
			return false
		}
	}
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v' {
			return false
		}
	}
	return true
}

// BOM is the UTF-8 byte-order mark some editors and exporters put at the
// start of a text file.
const BOM = "\uFEFF"

// skipBOM returns r without a leading byte-order mark.
func skipBOM(r io.Reader) io.Reader {
	var head [len(BOM)]byte
	n, err := io.ReadFull(r, head[:])
	if n == len(BOM) && string(head[:]) == BOM {
		return r
	}
	return io.MultiReader(bytes.NewReader(head[:n]), errAfter(r, err))
}

// errAfter returns r, or, when reading its first bytes failed with an error
// other than the end, a reader that returns that error.
func errAfter(r io.Reader, err error) io.Reader {
	if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF {
		return r
	}
	return errReader{err}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// readStdin reads JSONL from Options.Stdin, decompressing gzip or zstd
// when the stream starts with their magic bytes.
func (p *producer) readStdin() bool {
	pos := Pos{File: StdinPath}
	br := bufio.NewReaderSize(p.opts.Stdin, 64<<10)
	var r io.Reader = br
	comp := sniffCompression(br)
	if comp != compNone {
		dr, closeDec, err := newDecoder(br, comp)
		if err != nil {
			return p.issue(pos, "decompress_error", err.Error())
		}
		defer closeDec()
		r = dr
	}
	// Flush pending records before blocking on a slow pipe, so that a
	// streaming producer sees output promptly.
	return p.readLines(source{r: skipBOM(r), comp: comp, pos: pos}, "stdin", func() {
		if p.cur != nil && len(p.cur.units) > 0 {
			p.flush()
		}
	})
}
