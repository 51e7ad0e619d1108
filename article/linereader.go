package article

import (
	"bufio"
	"io"
)

// lineReader reads '\n'-terminated lines with a bound on line length that
// holds memory: a line longer than max is discarded chunk by chunk as it is
// read and reported as too long, never buffered whole.
type lineReader struct {
	br   *bufio.Reader
	max  int
	line int    // number of the last line returned (1-based)
	long []byte // accumulates a line longer than the bufio buffer
	// beforeBlock, if set, is called before a read that may block on the
	// underlying reader (used to flush pending output for streaming stdin).
	beforeBlock func()
}

// next returns the next line without its "\n" or "\r\n" terminator, the
// number of raw bytes it took, and whether it was too long (then line is
// nil). At the end of input it returns io.EOF. Any other error means the
// input broke while reading line lr.line+1; the partial line is dropped.
// The returned slice is valid until the next call.
func (lr *lineReader) next() (line []byte, size int, tooLong bool, err error) {
	lr.long = lr.long[:0]
	for {
		if lr.beforeBlock != nil && lr.br.Buffered() == 0 {
			lr.beforeBlock()
		}
		chunk, rerr := lr.br.ReadSlice('\n')
		size += len(chunk)
		if !tooLong {
			// +2 leaves room for a "\r\n" terminator within the bound.
			if size > lr.max+2 {
				tooLong = true
				lr.long = lr.long[:0]
			} else if rerr == bufio.ErrBufferFull || len(lr.long) > 0 {
				lr.long = append(lr.long, chunk...)
			}
		}
		if rerr == bufio.ErrBufferFull {
			continue
		}
		if rerr != nil && rerr != io.EOF {
			return nil, size, false, rerr
		}
		if rerr == io.EOF && size == 0 {
			return nil, 0, false, io.EOF
		}
		lr.line++
		if tooLong {
			return nil, size, true, nil
		}
		if len(lr.long) > 0 {
			line = lr.long
		} else {
			line = chunk
		}
		if n := len(line); n > 0 && line[n-1] == '\n' {
			line = line[:n-1]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
		}
		if len(line) > lr.max {
			return nil, size, true, nil
		}
		return line, size, false, nil
	}
}
