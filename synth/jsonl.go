package synth

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// DefaultPerShard is the shard size WriteJSONL uses when perShard <= 0.
const DefaultPerShard = 100000

// WriteJSONL writes the corpus that Generate would produce for p and cfg as
// JSONL shards into dir (created if needed): "corpus-0000.jsonl",
// "corpus-0001.jsonl", … with at most perShard articles each
// (DefaultPerShard when perShard <= 0). Each line is
// {"id","source","url","published"(RFC 3339),"title","text"}. It returns
// the shard paths and the total bytes written.
func WriteJSONL(dir string, p *Pool, cfg Config, perShard int) (files []string, bytes int64, err error) {
	g, err := newGenerator(p, cfg)
	if err != nil {
		return nil, 0, err
	}
	if perShard <= 0 {
		perShard = DefaultPerShard
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, 0, err
	}
	var (
		f    *os.File
		w    *bufio.Writer
		line = make([]byte, 0, 4*g.cfg.TargetBytes+1024)
	)
	closeShard := func() error {
		if f == nil {
			return nil
		}
		err := w.Flush()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		f = nil
		return err
	}
	defer func() {
		if cerr := closeShard(); err == nil {
			err = cerr
		}
	}()
	for g.n < g.cfg.Articles {
		if g.n%perShard == 0 {
			if err := closeShard(); err != nil {
				return files, bytes, err
			}
			name := filepath.Join(dir, fmt.Sprintf("corpus-%04d.jsonl", g.n/perShard))
			f, err = os.Create(name)
			if err != nil {
				return files, bytes, err
			}
			files = append(files, name)
			if w == nil {
				w = bufio.NewWriterSize(f, 1<<20)
			} else {
				w.Reset(f)
			}
		}
		g.next()
		line = g.appendJSON(line[:0])
		if _, err := w.Write(line); err != nil {
			return files, bytes, err
		}
		bytes += int64(len(line))
	}
	return files, bytes, nil
}

// appendJSON appends the current article as one JSON line.
func (g *generator) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, g.id)
	dst = append(dst, `,"source":`...)
	dst = appendJSONString(dst, g.outs[g.outlet].name)
	dst = append(dst, `,"url":`...)
	dst = appendJSONString(dst, g.url)
	dst = append(dst, `,"published":"`...)
	dst = time.Unix(g.pub, 0).UTC().AppendFormat(dst, time.RFC3339)
	dst = append(dst, `","title":`...)
	dst = appendJSONString(dst, g.title)
	dst = append(dst, `,"text":`...)
	dst = appendJSONString(dst, g.text)
	return append(dst, "}\n"...)
}

// needsEscape marks the bytes that JSON strings must escape.
var needsEscape = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'] = true
	t['\\'] = true
	return t
}()

// appendJSONString appends s as a quoted JSON string. s must be valid UTF-8
// (pool text is); bytes >= 0x80 are copied as they are.
func appendJSONString[T string | []byte](dst []byte, s T) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !needsEscape[c] {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
