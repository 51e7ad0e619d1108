package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/store"
	"github.com/schollz/progressbar/v3"
)

func reject(is article.Issue) rejectRecord {
	return rejectRecord{File: is.Pos.File, Line: is.Pos.Line, Reason: is.Reason, Detail: is.Detail, Skipped: is.Skipped}
}

func newBufWriter(w io.Writer) *bufio.Writer { return bufio.NewWriterSize(w, 1<<16) }

// progress renders a progress bar on stderr when it is a terminal.
type progress struct {
	bar   *progressbar.ProgressBar
	stage string
	total int64
	w     io.Writer
}

func newProgress(w io.Writer, inputBytes int64) *progress {
	if !isTerminal(w) {
		return nil
	}
	return &progress{w: w, total: inputBytes}
}

func (p *progress) update(stage string, done, total int64) {
	if p == nil {
		return
	}
	if stage != p.stage {
		if p.bar != nil {
			p.bar.Finish()
			fmt.Fprintln(p.w)
		}
		p.stage = stage
		max := total
		if stage == "read" {
			max = p.total
		}
		if max <= 0 {
			max = -1
		}
		opts := []progressbar.Option{
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(stage),
			progressbar.OptionThrottle(100 * time.Millisecond),
			progressbar.OptionShowCount(),
		}
		if stage == "read" {
			opts = append(opts, progressbar.OptionShowBytes(true))
		}
		p.bar = progressbar.NewOptions64(max, opts...)
	}
	p.bar.Set64(done)
}

func (p *progress) finish() {
	if p == nil || p.bar == nil {
		return
	}
	p.bar.Finish()
	fmt.Fprintln(p.w)
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeHeapProfile writes the live heap; a failure is reported, not fatal.
func writeHeapProfile(path string, stderr io.Writer) {
	f, err := os.Create(path)
	if err == nil {
		runtime.GC()
		err = pprof.WriteHeapProfile(f)
		f.Close()
	}
	if err != nil {
		fmt.Fprintln(stderr, "reprint: heap profile:", err)
	}
}

// storeFlags are the store's tuning flags, shared by index and serve.
type storeFlags struct {
	cacheMB      *int64
	maxOpenFiles *int
}

func addStoreFlags(fs *flag.FlagSet) storeFlags {
	return storeFlags{
		cacheMB:      fs.Int64("cache-mb", 256, "store block cache in MiB"),
		maxOpenFiles: fs.Int("max-open-files", 0, "store files kept open (0: half the process's open-file limit, 1,000 to 16,384)"),
	}
}

// options returns the store options the flags give, or a usage error
// for a negative size.
func (f storeFlags) options() (store.Options, error) {
	if *f.cacheMB < 0 || *f.maxOpenFiles < 0 {
		return store.Options{}, fmt.Errorf("%w: --cache-mb and --max-open-files cannot be negative", errUsage)
	}
	return store.Options{CacheBytes: *f.cacheMB << 20, MaxOpenFiles: *f.maxOpenFiles}, nil
}

// checkPaths is a usage error naming the first input PATH that does not
// exist ("-", standard input, always does).
func checkPaths(paths []string) error {
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	return nil
}
