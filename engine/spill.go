package engine

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"unsafe"

	"github.com/reprint-news/reprint/text"
)

// spill is an append-only file of records in the temp directory: written
// once in input order (stage 1), read back by offset and length. The run
// keeps two: token records (below) and story feature records (stories.go).
type spill struct {
	name string // for error messages
	f    *os.File
	w    *bufio.Writer
	off  int64
}

func newSpill(path, name string) (*spill, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating %s spill: %w", name, err)
	}
	return &spill{name: name, f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// append writes a record and returns its offset.
func (s *spill) append(b []byte) (int64, error) {
	off := s.off
	if _, err := s.w.Write(b); err != nil {
		return 0, fmt.Errorf("writing %s spill: %w", s.name, err)
	}
	s.off += int64(len(b))
	return off, nil
}

// flush makes everything appended readable.
func (s *spill) flush() error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("writing %s spill: %w", s.name, err)
	}
	return nil
}

// readAt reads the n-byte record at off into buf (reused when large enough).
func (s *spill) readAt(off int64, n int, buf []byte) ([]byte, error) {
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := s.f.ReadAt(buf, off); err != nil {
		return buf, fmt.Errorf("reading %s spill: %w", s.name, err)
	}
	return buf, nil
}

func (s *spill) close() { s.f.Close() }

// Token records, one per fingerprinted article (little endian):
//
//	nLines uint32 | nTokens uint32 |
//	nLines × (first uint32, n uint32, lineHash uint64) |
//	nTokens × tokenHash uint32

// encodeTokens appends the token record of an article to dst.
func encodeTokens(dst []byte, toks []uint32, lines []text.Line) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(lines)))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(toks)))
	for _, l := range lines {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(l.First))
		dst = binary.LittleEndian.AppendUint32(dst, uint32(l.N))
		dst = binary.LittleEndian.AppendUint64(dst, l.Hash)
	}
	return appendUint32s(dst, toks)
}

type spillLine struct {
	first, n uint32
	hash     uint64
}

// decodeTokens decodes a token record into the scratch slices; nTokens is
// what the record must hold (a check against a corrupt file).
func decodeTokens(raw []byte, nTokens uint32, lines []spillLine, toks []uint32) ([]spillLine, []uint32, error) {
	if len(raw) < 8 {
		return lines, toks, fmt.Errorf("token spill corrupt: record of %d bytes", len(raw))
	}
	nl := binary.LittleEndian.Uint32(raw[0:])
	nt := binary.LittleEndian.Uint32(raw[4:])
	if nt != nTokens || len(raw) != 8+int(nl)*16+int(nt)*4 {
		return lines, toks, fmt.Errorf("token spill corrupt: %d lines, %d tokens in %d bytes, want %d tokens", nl, nt, len(raw), nTokens)
	}
	lines = lines[:0]
	for i := 0; i < int(nl); i++ {
		p := raw[8+i*16:]
		lines = append(lines, spillLine{binary.LittleEndian.Uint32(p), binary.LittleEndian.Uint32(p[4:]), binary.LittleEndian.Uint64(p[8:])})
	}
	return lines, decodeUint32s(toks, raw[8+int(nl)*16:]), nil
}

// littleEndian reports whether this machine keeps integers in the spill's
// byte order, so that token hashes are copied in bulk.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// appendUint32s appends v to dst, little endian.
func appendUint32s(dst []byte, v []uint32) []byte {
	if littleEndian && len(v) > 0 {
		return append(dst, unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))...)
	}
	for _, x := range v {
		dst = binary.LittleEndian.AppendUint32(dst, x)
	}
	return dst
}

// decodeUint32s decodes the little-endian uint32s of p (a multiple of 4
// bytes long) into dst's storage.
func decodeUint32s(dst []uint32, p []byte) []uint32 {
	n := len(p) / 4
	dst = slices.Grow(dst[:0], n)[:n]
	if littleEndian && n > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), 4*n), p)
		return dst
	}
	for i := range dst {
		dst[i] = binary.LittleEndian.Uint32(p[4*i:])
	}
	return dst
}
