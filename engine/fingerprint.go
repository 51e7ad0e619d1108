package engine

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"
	"unsafe"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/sketch"
)

// setCap is the most shingles an article of n tokens can have: the room
// reserved for its set in the set spill.
func setCap(nTokens uint32, w int) int64 {
	if int(nTokens) <= w {
		return 1
	}
	return int64(nTokens) - int64(w) + 1
}

// fingerprint is stage 2: for every analyzed article, drop boilerplate
// lines and compute exact hash, shingle set (to the set spill) and band keys.
func (r *run) fingerprint(ctx context.Context) error {
	t0 := time.Now()
	n := len(r.docs)
	var total int64
	for i := range r.docs {
		if r.docs[i].status == statusOK {
			r.docs[i].setOff = total
			total += setCap(r.docs[i].nTokens, r.cfg.W)
		}
	}
	f, err := os.Create(r.tmp + "/sets.spill")
	if err != nil {
		return fmt.Errorf("creating set spill: %w", err)
	}
	r.sets = f
	if err := f.Truncate(total * 4); err != nil {
		return fmt.Errorf("sizing set spill: %w", err)
	}
	b := r.bands.B
	r.keys = make([]uint32, n*b)
	const chunk = 1024
	next := make(chan int, n/chunk+1)
	for lo := 0; lo < n; lo += chunk {
		next <- lo
	}
	close(next)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	var doneN int64
	var empties []uint32
	for w := 0; w < r.cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var (
				raw      []byte
				lines    []spillLine
				toks     []uint32
				kept     []uint32
				shingles []uint64
				set      []uint32
				sig      []uint32
				keys     []uint32
				out      []byte
			)
			sk := sketch.NewSketcher(r.cfg.K, r.cfg.Seed)
			for lo := range next {
				if ctx.Err() != nil {
					break
				}
				hi := min(lo+chunk, n)
				var myEmpty []uint32
				for i := lo; i < hi; i++ {
					d := &r.docs[i]
					if d.status != statusOK {
						continue
					}
					var err error
					raw, lines, toks, err = r.spill.read(d.spillOff, d.nTokens, raw, lines, toks)
					if err != nil {
						mu.Lock()
						firstErr = cmpErr(firstErr, err)
						mu.Unlock()
						return
					}
					kept = kept[:0]
					for _, l := range lines {
						if !r.bpSet.Has(l.hash) {
							kept = append(kept, toks[l.first:l.first+l.n]...)
						}
					}
					d.kept = uint32(len(kept))
					if len(kept) == 0 {
						d.status = statusEmptyAfterBP
						myEmpty = append(myEmpty, uint32(i))
						continue
					}
					d.exact = sketch.Exact(kept)
					shingles = sketch.Shingles(shingles[:0], kept, r.cfg.W)
					set = set[:0]
					for _, s := range shingles {
						set = append(set, uint32(s))
					}
					slices.Sort(set)
					set = slices.Compact(set)
					d.setLen = uint32(len(set))
					out = out[:0]
					for _, v := range set {
						out = binary.LittleEndian.AppendUint32(out, v)
					}
					if _, err := r.sets.WriteAt(out, d.setOff*4); err != nil {
						mu.Lock()
						firstErr = cmpErr(firstErr, fmt.Errorf("writing set spill: %w", err))
						mu.Unlock()
						return
					}
					sig = sk.Sketch(shingles, sig)
					keys = r.bands.Keys(keys[:0], sig)
					copy(r.keys[i*b:(i+1)*b], keys)
				}
				mu.Lock()
				empties = append(empties, myEmpty...)
				doneN += int64(hi - lo)
				r.progress("fingerprint", doneN, int64(n))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	slices.Sort(empties)
	for _, i := range empties {
		r.engineIssue(article.Issue{Pos: r.docs[i].pos, Reason: "empty_after_boilerplate", Detail: "every line of the article is boilerplate", Skipped: true})
	}
	r.stages["fingerprint"] = time.Since(t0)
	return nil
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// readSet reads article i's shingle set from the set spill into buf.
func (r *run) readSet(i uint32, buf []uint32) ([]uint32, error) {
	d := &r.docs[i]
	n := int(d.setLen)
	if cap(buf) < n {
		buf = make([]uint32, n, n+n/4)
	}
	buf = buf[:n]
	if n == 0 {
		return buf, nil
	}
	// Little-endian hosts read straight into the slice; the format is
	// little endian on disk either way.
	bs := unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), n*4)
	if _, err := r.sets.ReadAt(bs, d.setOff*4); err != nil {
		return buf, fmt.Errorf("reading set spill: %w", err)
	}
	if !littleEndian {
		for k := range buf {
			buf[k] = binary.LittleEndian.Uint32(bs[k*4:])
		}
	}
	return buf, nil
}

var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()
