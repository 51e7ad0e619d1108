package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// How the commands set Go's collector (GOGC) from the live heap, unless
// the operator chose a policy with GOGC or GOMEMLIMIT.
//
// The long-running commands (serve, worker) hold the engine's memory —
// about 2 GB of live heap per million articles — for as long as they run.
// Go's default collector lets the heap grow to twice its live size before
// collecting, which doubles the resident memory of such a process for no
// gain: its live heap changes slowly and is mostly large pointer-free
// arrays, cheap to mark. gcPercentFor lowers the growth allowed between
// collections as the live heap grows, so that the headroom stays about
// heapHeadroom (and never under minGCPercent of the live heap, which
// bounds the collector's work per byte allocated to four times the
// default's).
//
// The batch commands (dedup, stories) run the other way round: their live
// heap is small for most of the run (a story's articles being compared,
// a chunk of articles being read) while they allocate fast, so the default
// collects every few hundred megabytes allocated and spends a tenth of the
// run marking the same live heap again. batchGCPercent lets the heap grow
// by at least batchHeadroom between collections (Go's default, twice the
// live heap, once that is larger): at most that much more memory, for
// fewer collections.
const (
	heapHeadroom  = 512 << 20
	minGCPercent  = 25
	batchHeadroom = 1 << 30
	maxGCPercent  = 1000
	heapEvery     = time.Second
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

// batchGCPercent returns the GOGC value that allows at least
// batchHeadroom of growth over a live heap of live bytes: more than 100
// (Go's default) below batchHeadroom of live heap, up to maxGCPercent.
func batchGCPercent(live uint64) int {
	if live >= batchHeadroom {
		return 100
	}
	return int(min(maxGCPercent, 100*batchHeadroom/max(live, 1)))
}

// boundHeap starts setting the collector to percent(live heap) every
// heapEvery, and returns a function that stops it. It does nothing (and
// says so by returning false) when the operator chose a policy with GOGC
// or GOMEMLIMIT.
func boundHeap(percent func(live uint64) int) (stop func(), on bool) {
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
			if p := percent(sample[0].Value.Uint64()); p != set {
				debug.SetGCPercent(p)
				set = p
			}
		}
	}()
	return func() { close(done) }, true
}
