package engine

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"

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
	for _, t := range toks {
		dst = binary.LittleEndian.AppendUint32(dst, t)
	}
	return dst
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
	toks = toks[:0]
	p := raw[8+int(nl)*16:]
	for i := 0; i < int(nt); i++ {
		toks = append(toks, binary.LittleEndian.Uint32(p[i*4:]))
	}
	return lines, toks, nil
}
