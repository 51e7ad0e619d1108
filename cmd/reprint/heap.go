package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The long-running commands (serve, worker) hold the engine's memory —
// about 2 GB of live heap per million articles — for as long as they run.
// Go's default collector lets the heap grow to twice its live size before
// collecting, which doubles the resident memory of such a process for no
// gain: its live heap changes slowly and is mostly large pointer-free
// arrays, cheap to mark. boundHeap lowers the growth allowed between
// collections as the live heap grows, so that the headroom stays about
// heapHeadroom (and never under minGCPercent of the live heap, which
// bounds the collector's work per byte allocated to four times the
// default's).
const (
	heapHeadroom = 512 << 20
	minGCPercent = 25
	heapEvery    = 2 * time.Second
)

// gcPercentFor returns the GOGC value that allows about heapHeadroom of
// growth over a live heap of live bytes: 100 (Go's default) up to
// heapHeadroom of live heap, then less, down to minGCPercent.
func gcPercentFor(live uint64) int {
	if live <= heapHeadroom {
		return 100
	}
	return max(minGCPercent, int(100*heapHeadroom/live))
}

// boundHeap starts adjusting the collector to the live heap every
// heapEvery, and returns a function that stops it. It does nothing (and
// says so by returning false) when the operator chose a policy with GOGC
// or GOMEMLIMIT.
func boundHeap() (stop func(), on bool) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}, false
	}
	done := make(chan struct{})
	go func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		set := 100
		t := time.NewTicker(heapEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return // a runtime without the metric: leave the default
			}
			if p := gcPercentFor(sample[0].Value.Uint64()); p != set {
				debug.SetGCPercent(p)
				set = p
			}
		}
	}()
	return func() { close(done) }, true
}
