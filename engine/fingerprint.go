package engine

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/sketch"
)

// fingerprint is stage 2: for every analyzed article, drop boilerplate
// lines and compute the exact hash and the band keys of the signature.
// Shingle sets are not kept: verification rebuilds the few it needs from
// the token spill (setBuilder), which is cheaper than writing and reading
// back a set for every article.
func (r *run) fingerprint(ctx context.Context) error {
	t0 := time.Now()
	n := len(r.docs)
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
				sb       setBuilder
				sig      []uint32
				keys     []uint32
				chunkRaw []byte
			)
			sk := sketch.NewSketcher(r.cfg.K, r.cfg.Seed)
			fail := func(err error) {
				mu.Lock()
				firstErr = cmpErr(firstErr, err)
				mu.Unlock()
			}
			for lo := range next {
				if ctx.Err() != nil {
					break
				}
				hi := min(lo+chunk, n)
				var myEmpty []uint32
				// The chunk's token records in one read (they lie in input
				// order), unless they are spread too far.
				from, to := r.spillSpan(lo, hi)
				whole := to-from <= maxChunkRead
				if whole {
					var err error
					if chunkRaw, err = r.spill.readAt(from, int(to-from), chunkRaw); err != nil {
						fail(err)
						return
					}
				}
				for i := lo; i < hi; i++ {
					d := &r.docs[i]
					if d.status != statusOK {
						continue
					}
					var err error
					if whole {
						at := d.spillOff - from
						err = sb.loadRaw(r, uint32(i), chunkRaw[at:at+int64(d.spillLen)], true)
					} else {
						err = sb.load(r, uint32(i), true)
					}
					if err != nil {
						fail(err)
						return
					}
					d.kept = uint32(len(sb.kept))
					if len(sb.kept) == 0 {
						d.status = statusEmptyAfterBP
						myEmpty = append(myEmpty, uint32(i))
						continue
					}
					d.exact = sb.exact
					sig = sk.Sketch(sb.shingles, sig)
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
		r.engineIssue(article.Issue{Pos: r.pos(i), Reason: "empty_after_boilerplate", Detail: "every line of the article is boilerplate", Skipped: true})
	}
	r.stages["fingerprint"] = time.Since(t0)
	return nil
}

// maxChunkRead bounds the bytes the fingerprint stage reads at once.
const maxChunkRead = 32 << 20

// spillSpan returns the byte range of the token spill that holds the
// records of the analyzed articles lo..hi-1 (empty when there are none).
func (r *run) spillSpan(lo, hi int) (from, to int64) {
	from, to = -1, -1
	for i := lo; i < hi; i++ {
		d := &r.docs[i]
		if d.status != statusOK {
			continue
		}
		if from < 0 || d.spillOff < from {
			from = d.spillOff
		}
		to = max(to, d.spillOff+int64(d.spillLen))
	}
	if from < 0 {
		return 0, 0
	}
	return from, to
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// setBuilder rebuilds an article's kept tokens, shingles and shingle set
// from the token spill. One per goroutine; its slices are reused.
type setBuilder struct {
	raw      []byte
	lines    []spillLine
	toks     []uint32
	kept     []uint32
	shingles []uint64
	exact    uint64 // the kept tokens' exact hash (sketch.Exact), when load was asked for it
	set      []uint32
	scratch  []uint32
}

// load reads article i's tokens and keeps those not on boilerplate lines,
// then computes its shingles, and its exact hash when exact is set.
func (b *setBuilder) load(r *run, i uint32, exact bool) error {
	d := &r.docs[i]
	var err error
	if b.raw, err = r.spill.readAt(d.spillOff, int(d.spillLen), b.raw); err != nil {
		return err
	}
	return b.loadRaw(r, i, b.raw, exact)
}

// loadRaw is load with article i's token record already read (raw).
func (b *setBuilder) loadRaw(r *run, i uint32, raw []byte, exact bool) error {
	d := &r.docs[i]
	var err error
	if b.lines, b.toks, err = decodeTokens(raw, d.nTokens, b.lines, b.toks); err != nil {
		return err
	}
	b.kept = b.kept[:0]
	for _, l := range b.lines {
		if !r.bpSet.Has(l.hash) {
			b.kept = append(b.kept, b.toks[l.first:l.first+l.n]...)
		}
	}
	if exact {
		b.shingles, b.exact = sketch.ShinglesExact(b.shingles[:0], b.kept, r.cfg.W)
	} else {
		b.shingles = sketch.Shingles(b.shingles[:0], b.kept, r.cfg.W)
	}
	return nil
}

// readSet returns article i's shingle set (valid until the next call).
func (b *setBuilder) readSet(r *run, i uint32) ([]uint32, error) {
	if err := b.load(r, i, false); err != nil {
		return nil, err
	}
	b.set, b.scratch = sketch.SetOf(b.set, b.scratch, b.shingles)
	return b.set, nil
}
