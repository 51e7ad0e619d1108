package article

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression and format names, as found in file extensions.
const (
	compNone = ""
	compGzip = "gz"
	compZstd = "zst"

	fmtTxt     = "txt"
	fmtHTML    = "html"
	fmtJSON    = "json"
	fmtJSONL   = "jsonl"
	fmtCSV     = "csv"
	fmtWARC    = "warc"
	fmtParquet = "parquet"
)

var (
	magicGzip = []byte{0x1f, 0x8b}
	magicZstd = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// zstdMaxWindow bounds the memory a zstd stream may make the decoder use.
const zstdMaxWindow = 128 << 20

// splitExt splits a slash- or OS-separated relative file name into its name
// without extensions, its format ("" when unsupported) and its compression.
// Extensions are matched case-insensitively. ext is the (lowercased) format
// extension as found, for messages.
func splitExt(name string) (base, format, comp, ext string) {
	base = name
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".gz"):
		comp, base, lower = compGzip, base[:len(base)-3], lower[:len(lower)-3]
	case strings.HasSuffix(lower, ".zst"):
		comp, base, lower = compZstd, base[:len(base)-4], lower[:len(lower)-4]
	case strings.HasSuffix(lower, ".zstd"):
		comp, base, lower = compZstd, base[:len(base)-5], lower[:len(lower)-5]
	}
	ext = path.Ext(strings.ReplaceAll(lower, "\\", "/"))
	if strings.ContainsAny(ext, "/") {
		ext = ""
	}
	switch ext {
	case ".txt":
		format = fmtTxt
	case ".html", ".htm":
		format = fmtHTML
	case ".json":
		format = fmtJSON
	case ".jsonl", ".ndjson":
		format = fmtJSONL
	case ".csv":
		format = fmtCSV
	case ".warc":
		format = fmtWARC
	case ".parquet":
		format = fmtParquet
	}
	if format != "" {
		base = base[:len(base)-len(ext)]
	}
	return base, format, comp, ext
}

// errBadMagic says a file named as compressed does not start with the
// compression format's magic bytes.
var errBadMagic = errors.New("bad magic bytes")

// ioErrReader remembers whether the underlying reader (the file) failed, so
// that a failure below a decompressor can be told apart from corrupt data.
type ioErrReader struct {
	r   io.Reader
	err error
}

func (e *ioErrReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// decompressor wraps r according to comp after checking the magic bytes.
// The returned close function releases decoder resources (not r).
func decompressor(r io.Reader, comp string) (io.Reader, func(), error) {
	if comp == compNone {
		return r, func() {}, nil
	}
	br := bufio.NewReaderSize(r, 64<<10)
	want := magicGzip
	if comp == compZstd {
		want = magicZstd
	}
	head, err := br.Peek(len(want))
	if err != nil && err != io.EOF {
		return nil, nil, err
	}
	if !bytes.Equal(head, want) {
		return nil, nil, fmt.Errorf("not %s data: %w", comp, errBadMagic)
	}
	return newDecoder(br, comp)
}

// sniffCompression reports the compression whose magic bytes start br.
func sniffCompression(br *bufio.Reader) string {
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, magicGzip):
		return compGzip
	case bytes.HasPrefix(head, magicZstd):
		return compZstd
	}
	return compNone
}

// DecodeContent returns r decoded by the HTTP content coding enc (the
// Content-Encoding header): gzip (x-gzip) or zstd, with the bounds the
// readers apply; "" and "identity" give r itself. ok is false for another
// coding. The returned function releases the decoder.
func DecodeContent(r io.Reader, enc string) (dr io.Reader, done func(), ok bool, err error) {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "", "identity":
		return r, func() {}, true, nil
	case "gzip", "x-gzip":
		dr, done, err = newDecoder(r, compGzip)
	case "zstd":
		dr, done, err = newDecoder(r, compZstd)
	default:
		return nil, nil, false, nil
	}
	return dr, done, true, err
}

func newDecoder(r io.Reader, comp string) (io.Reader, func(), error) {
	switch comp {
	case compGzip:
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, err
		}
		return zr, func() { zr.Close() }, nil
	case compZstd:
		zr, err := zstd.NewReader(r,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxWindow(zstdMaxWindow),
			zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, nil, err
		}
		return zr, zr.Close, nil
	}
	return r, func() {}, nil
}
