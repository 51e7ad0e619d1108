package article

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	gowarc "github.com/nlnwa/gowarc/v3"
)

// WARC files (.warc, .warc.gz, .warc.zst) are read record by record with
// github.com/nlnwa/gowarc. A "response" record holding an HTTP 2xx response
// whose payload is HTML becomes one article through the HTML path; every
// other record is skipped with a reason. Pos.Line of a WARC record is its
// 1-based ordinal number in the file (a corrupt stretch counts as one
// record).

// warcPos returns the position of the n-th record of a WARC file.
func warcPos(file string, n int) Pos { return Pos{File: file, Line: n} }

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// readWARC reads the WARC file f (opened at path), compressed as comp.
// A .warc.gz is normally a gzip member per record, which the WARC library
// reads itself, so that it can resume after a corrupt member; a .warc.gz
// compressed as a whole (several records in one member) is decompressed as
// one stream instead.
func (p *producer) readWARC(f *os.File, path string, comp string) bool {
	pos := Pos{File: path}
	src := &ioErrReader{r: f}
	var r io.Reader = src
	stream := comp == compZstd
	if comp == compGzip {
		stream = !gzipMemberPerRecord(f)
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return p.issue(pos, "unreadable", err.Error())
		}
	}
	if stream {
		dr, closeDec, err := decompressor(src, comp)
		if err != nil {
			return p.issue(pos, readFailure(src, comp), err.Error())
		}
		defer closeDec()
		r = dr
	}
	cr := &countReader{r: r}
	br := bufio.NewReaderSize(cr, 64<<10)
	offset := func() int64 { return cr.n - int64(br.Buffered()) }

	var um gowarc.Unmarshaler
	n := 0
	// A record that could not be parsed is reported once the reader has
	// found the next record (or the end of the file), to say which.
	var pending *Issue
	var pendingAt int64
	finishPending := func(found bool) bool {
		if pending == nil {
			return true
		}
		is := *pending
		pending = nil
		if found {
			is.Detail += fmt.Sprintf("; %d bytes skipped up to the next record", offset()-pendingAt)
		} else {
			is.Detail += "; rest of file not read"
		}
		return p.add(unit{kind: kindIssue, pos: is.Pos, issue: is}, nil)
	}
	for {
		if p.ctx.Err() != nil {
			return false
		}
		if um == nil {
			um = gowarc.NewUnmarshaler()
		}
		start := offset()
		rec, skipped, validation, err := unmarshalWARC(um, br)
		if err != nil {
			if rec != nil {
				rec.Close()
			}
			if errors.Is(err, errWARCPanic) {
				um = nil // its state is unknown
			}
			if pending == nil && err == io.EOF {
				return true
			}
			if src.err != nil {
				if !finishPending(false) {
					return false
				}
				n++
				return p.issue(warcPos(path, n), "unreadable", src.err.Error()+"; rest of file not read")
			}
			if pending == nil {
				if errors.Is(err, gowarc.ErrNoRecord) {
					n++
					return p.issue(warcPos(path, n), "malformed_warc",
						fmt.Sprintf("%d bytes at byte %d hold no WARC record", offset()-start, start))
				}
				n++
				pending = &Issue{Pos: warcPos(path, n), Reason: warcFailure(err),
					Detail: fmt.Sprintf("record at byte %d: %v", start+skipped, err), Skipped: true}
				pendingAt = start + skipped
			}
			// Resume at the next record: make progress, the library then
			// scans for the next record's start.
			if offset() == start {
				if _, derr := br.Discard(1); derr != nil {
					return finishPending(false)
				}
			}
			if err == io.EOF || errors.Is(err, gowarc.ErrNoRecord) {
				return finishPending(false)
			}
			continue
		}
		if !finishPending(true) {
			return false
		}
		n++
		ok := p.warcRecord(rec, warcPos(path, n), validation, offset()-start-skipped)
		rec.Close()
		if !ok {
			return false
		}
	}
}

var errWARCPanic = errors.New("WARC parser panic")

// unmarshalWARC is um.Unmarshal, with a panic turned into an error.
func unmarshalWARC(um gowarc.Unmarshaler, br *bufio.Reader) (rec gowarc.WarcRecord, skipped int64, validation []error, err error) {
	defer func() {
		if v := recover(); v != nil {
			rec, err = nil, fmt.Errorf("%w: %v", errWARCPanic, v)
		}
	}()
	return um.Unmarshal(br)
}

// warcFailure names the reason for a record the library could not parse.
func warcFailure(err error) string {
	var ce flate.CorruptInputError
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, zlib.ErrChecksum) ||
		errors.As(err, &ce) || errors.Is(err, errBadMagic) {
		return "decompress_error"
	}
	return "malformed_warc"
}

// gzipMemberPerRecord reports whether the first gzip member of f holds at
// most one WARC record, as a .warc.gz written by a crawler does (false when
// the file was compressed as a whole). f is left at an unknown offset.
func gzipMemberPerRecord(f *os.File) bool {
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return true // the record reader reports it
	}
	defer zr.Close()
	zr.Multistream(false)
	br := bufio.NewReader(zr)
	um := gowarc.NewUnmarshaler(gowarc.WithNoValidation())
	rec, _, _, err := unmarshalWARC(um, br)
	if rec != nil {
		rec.Close()
	}
	if err != nil {
		return true
	}
	rec, _, _, err = unmarshalWARC(um, br)
	if rec != nil {
		rec.Close()
	}
	return err == io.EOF
}

// warcRecord turns one parsed WARC record into a unit; false when
// cancelled. size is the record's size in the file.
func (p *producer) warcRecord(rec gowarc.WarcRecord, pos Pos, validation []error, size int64) bool {
	hdr := rec.WarcHeader()
	uri := targetURI(hdr, validation)
	if rec.Type() != gowarc.Response {
		detail := rec.Type().String() + " record"
		if rec.Type().String() == "unknown" {
			detail = clip(strconv.Quote(hdr.Get("WARC-Type")), 40) + " record"
		}
		if uri != "" {
			detail += " for " + clip(uri, 200)
		}
		return p.issue(pos, "warc_record_type", detail)
	}
	if uri == "" {
		return p.issue(pos, "malformed_warc", "response record without WARC-Target-URI")
	}
	for _, v := range validation {
		var cl *gowarc.ContentLengthError
		if errors.As(v, &cl) {
			return p.issue(pos, "malformed_warc", "record cut short: "+v.Error())
		}
	}
	blk, ok := rec.Block().(gowarc.HttpResponseBlock)
	if !ok {
		return p.issue(pos, "not_html", "response record of type "+clip(strconv.Quote(hdr.Get(gowarc.ContentType)), 80)+" holds no HTTP response")
	}
	// The library's header drops Transfer-Encoding: parse it again.
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(blk.ProtocolHeaderBytes())), nil)
	if err != nil {
		return p.issue(pos, "malformed_warc", "HTTP response header: "+clip(err.Error(), 200)+" for "+clip(uri, 200))
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return p.issue(pos, "http_status", "HTTP status "+clip(strconv.Quote(resp.Status), 80)+" for "+clip(uri, 200))
	}
	h := resp.Header
	ctype := h.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ctype)
	if err != nil {
		mt, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(ctype)), ";")
		mt = strings.TrimSpace(mt)
	}
	sniff := false
	switch mt {
	case "text/html", "application/xhtml+xml":
	case "", "application/octet-stream", "unknown/unknown", "application/unknown", "*/*":
		sniff = true
	default:
		return p.issue(pos, "not_html", "Content-Type "+clip(strconv.Quote(ctype), 80)+" for "+clip(uri, 200))
	}
	payload, err := blk.PayloadBytes()
	if err != nil {
		return p.issue(pos, "malformed_warc", "HTTP payload: "+err.Error())
	}
	body, done, reason, detail := httpBody(payload, resp.TransferEncoding, h)
	if reason != "" {
		return p.issue(pos, reason, detail)
	}
	defer done()
	limit := p.opts.MaxRecordBytes
	raw, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return p.issue(pos, warcFailure(err), "HTTP payload: "+err.Error())
	}
	if sniff && !strings.HasPrefix(http.DetectContentType(raw), "text/html") {
		return p.issue(pos, "not_html", "Content-Type "+clip(strconv.Quote(ctype), 80)+" and the payload does not look like HTML, for "+clip(uri, 200))
	}
	u := unit{kind: kindHTML, pos: pos, size: size, url: strings.ToValidUTF8(uri, "\uFFFD")}
	if int64(len(raw)) > limit {
		raw = raw[:runeStart(raw, int(limit))]
		u.truncated = true
	}
	u.raw = raw
	var note string
	u.id, note = warcID(uri)
	if note != "" {
		u.keep = append(u.keep, Issue{Pos: pos, Reason: "id_shortened", Detail: note})
	}
	if t, err := hdr.GetTime(gowarc.WarcDate); err == nil {
		u.warcDate = t.UTC()
	}
	for _, v := range validation {
		var de *gowarc.DigestError
		if errors.As(v, &de) {
			u.keep = append(u.keep, Issue{Pos: pos, Reason: "warc_digest_mismatch", Detail: clip(v.Error(), 200)})
			break
		}
	}
	return p.add(u, nil)
}

// targetURI returns the record's WARC-Target-URI without the angle
// brackets of WARC 1.0 (as GNU Wget writes it). The library blanks a field
// its URL parser rejects, such as a bracketed URI, and reports the value in
// a validation finding; it is taken from there.
func targetURI(hdr *gowarc.WarcFields, validation []error) string {
	uri := hdr.Get(gowarc.WarcTargetURI)
	if uri == "" {
		for _, v := range validation {
			var fe *gowarc.HeaderFieldError
			if !errors.As(v, &fe) || !strings.EqualFold(fe.FieldName, gowarc.WarcTargetURI) {
				continue
			}
			const mark = ". Url: '"
			if i := strings.LastIndex(fe.Msg, mark); i >= 0 && strings.HasSuffix(fe.Msg, "'") {
				uri = fe.Msg[i+len(mark) : len(fe.Msg)-1]
				break
			}
		}
	}
	uri = strings.TrimSpace(uri)
	if len(uri) >= 2 && uri[0] == '<' && uri[len(uri)-1] == '>' {
		uri = strings.TrimSpace(uri[1 : len(uri)-1])
	}
	return uri
}

// httpBody returns the HTTP payload r decoded by its transfer coding
// (chunked) and content coding (gzip, deflate, zstd). reason names the
// failure when err is set.
func httpBody(r io.Reader, transfer []string, h http.Header) (body io.Reader, done func(), reason, detail string) {
	for _, te := range transfer {
		for c := range strings.SplitSeq(te, ",") {
			switch c = strings.ToLower(strings.TrimSpace(c)); c {
			case "", "identity":
			case "chunked":
				r = httputil.NewChunkedReader(r)
			default:
				return nil, nil, "unsupported_encoding", "Transfer-Encoding " + clip(strconv.Quote(c), 40)
			}
		}
	}
	var codings []string
	for _, ce := range h.Values("Content-Encoding") {
		for c := range strings.SplitSeq(ce, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	if len(codings) > 1 {
		return nil, nil, "unsupported_encoding", "Content-Encoding " + clip(strconv.Quote(strings.Join(codings, ", ")), 60)
	}
	if len(codings) == 1 {
		if codings[0] == "deflate" {
			zr, err := zlib.NewReader(r)
			if err != nil {
				return nil, nil, "decompress_error", "Content-Encoding deflate: " + err.Error()
			}
			return zr, func() { zr.Close() }, "", ""
		}
		dr, done, ok, err := DecodeContent(r, codings[0])
		if !ok {
			return nil, nil, "unsupported_encoding", "Content-Encoding " + clip(strconv.Quote(codings[0]), 40)
		}
		if err != nil {
			return nil, nil, "decompress_error", "Content-Encoding " + codings[0] + ": " + err.Error()
		}
		return dr, done, "", ""
	}
	return r, func() {}, "", ""
}

// warcIDHashHex is the number of hex digits of the hash that ends a
// shortened id.
const warcIDHashHex = 32

// warcID returns the article id of a record with WARC-Target-URI uri: uri
// itself when CheckID accepts it; else uri with control characters and
// invalid UTF-8 percent-escaped, cut to fit MaxIDBytes with "#sha256-" and
// the start of the SHA-256 of uri appended when it is too long. note says
// what was done ("" when nothing).
func warcID(uri string) (id, note string) {
	if CheckID(uri) == nil {
		return uri, ""
	}
	var b strings.Builder
	escaped := false
	for i := 0; i < len(uri); {
		r, n := utf8.DecodeRuneInString(uri[i:])
		if (r == utf8.RuneError && n == 1) || unicode.IsControl(r) {
			for _, c := range []byte(uri[i : i+n]) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
			escaped = true
		} else {
			b.WriteString(uri[i : i+n])
		}
		i += n
	}
	id = b.String()
	if len(id) <= MaxIDBytes {
		return id, "WARC-Target-URI has control characters or invalid UTF-8; the id has them percent-escaped"
	}
	sum := sha256.Sum256([]byte(uri))
	suffix := "#sha256-" + hex.EncodeToString(sum[:])[:warcIDHashHex]
	id = id[:runeStart(id, MaxIDBytes-len(suffix))] + suffix
	note = fmt.Sprintf("WARC-Target-URI of %d bytes is over the id limit of %d; the id is its first %d bytes and a hash of the whole URI", len(uri), MaxIDBytes, len(id)-len(suffix))
	if escaped {
		note += " (control characters and invalid UTF-8 percent-escaped)"
	}
	return id, note
}

// warcFallbackDate gives a WARC article without a date of its own (from
// the page or its text) the capture date.
func warcFallbackDate(a *Article, t time.Time) {
	if a.Published.IsZero() && !t.IsZero() {
		a.Published, a.PublishedFrom = t, PublishedFromWARC
	}
}

// parseBaseURL parses a WARC-Target-URI for the HTML extractor; nil when it
// is not an absolute http(s) URL.
func parseBaseURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	return u
}
