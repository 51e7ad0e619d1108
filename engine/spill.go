package engine

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"

	"github.com/reprint-news/reprint/text"
)

// spill is the token spill file written by stage 1 and read back by stage 2.
//
// Record layout (little endian), one per article, at the offset kept in doc:
//
//	nLines uint32 | nTokens uint32 |
//	nLines × (first uint32, n uint32, lineHash uint64) |
//	nTokens × tokenHash uint32
type spill struct {
	f   *os.File
	w   *bufio.Writer
	off int64
	buf []byte
}

func newSpill(path string) (*spill, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating spill file: %w", err)
	}
	return &spill{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

func (s *spill) write(toks []uint32, lines []text.Line) (int64, error) {
	off := s.off
	b := s.buf[:0]
	b = binary.LittleEndian.AppendUint32(b, uint32(len(lines)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(toks)))
	for _, l := range lines {
		b = binary.LittleEndian.AppendUint32(b, uint32(l.First))
		b = binary.LittleEndian.AppendUint32(b, uint32(l.N))
		b = binary.LittleEndian.AppendUint64(b, l.Hash)
	}
	for _, t := range toks {
		b = binary.LittleEndian.AppendUint32(b, t)
	}
	s.buf = b
	if _, err := s.w.Write(b); err != nil {
		return 0, fmt.Errorf("writing spill file: %w", err)
	}
	s.off += int64(len(b))
	return off, nil
}

func (s *spill) flush() error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("writing spill file: %w", err)
	}
	return nil
}

func (s *spill) close() { s.f.Close() }

type spillLine struct {
	first, n uint32
	hash     uint64
}

// read reads the record at off into the scratch slices.
func (s *spill) read(off int64, nTokens uint32, raw []byte, lines []spillLine, toks []uint32) ([]byte, []spillLine, []uint32, error) {
	var hdr [8]byte
	if _, err := s.f.ReadAt(hdr[:], off); err != nil {
		return raw, lines, toks, fmt.Errorf("reading spill file: %w", err)
	}
	nl := binary.LittleEndian.Uint32(hdr[0:])
	nt := binary.LittleEndian.Uint32(hdr[4:])
	if nt != nTokens {
		return raw, lines, toks, fmt.Errorf("spill file corrupt at %d: %d tokens, want %d", off, nt, nTokens)
	}
	size := int(nl)*16 + int(nt)*4
	if cap(raw) < size {
		raw = make([]byte, size)
	}
	raw = raw[:size]
	if _, err := s.f.ReadAt(raw, off+8); err != nil {
		return raw, lines, toks, fmt.Errorf("reading spill file: %w", err)
	}
	lines = lines[:0]
	for i := 0; i < int(nl); i++ {
		p := raw[i*16:]
		lines = append(lines, spillLine{binary.LittleEndian.Uint32(p), binary.LittleEndian.Uint32(p[4:]), binary.LittleEndian.Uint64(p[8:])})
	}
	toks = toks[:0]
	p := raw[int(nl)*16:]
	for i := 0; i < int(nt); i++ {
		toks = append(toks, binary.LittleEndian.Uint32(p[i*4:]))
	}
	return raw, lines, toks, nil
}
