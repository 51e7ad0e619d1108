package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

const loadgenUsage = `Usage: reprint loadgen --url URL [flags] FILE.jsonl

Posts the articles of FILE.jsonl (one JSON article per line) to a running
'reprint serve' and measures it: one article per request (--batch 1) from
--clients concurrent clients, or JSONL batches of --batch articles. Prints
latency percentiles per request and the throughput in articles/s as JSON.
Only 2xx answers count as done; other answers are counted as errors.
The server's own time per request (its Server-Timing header) is reported
beside the latency seen here when every request was answered: a
server_p99_ms well under p99_ms means that the slow requests lost their
time outside the server's handler (the network, the scheduler, this
process). --latencies OUT keeps every request's latency and server time,
so that runs can be pooled: the 99th percentile of one run of 2,000
requests is its 20th slowest.

Flags:
`

func runLoadgen(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("loadgen", loadgenUsage, stdout, stderr)
	url := fs.String("url", "http://127.0.0.1:8080", "server URL")
	token := fs.String("token", os.Getenv("REPRINT_TOKEN"), "bearer token")
	batch := fs.Int("batch", 1, "articles per request (1: application/json, more: application/x-ndjson)")
	clients := fs.Int("clients", 1, "concurrent clients")
	n := fs.Int("n", 0, "articles to post (0: all of FILE)")
	skip := fs.Int("skip", 0, "skip the first N articles of FILE")
	latFile := fs.String("latencies", "", "also write every request's latency and the server's time in ms, one request per line in request order, to `OUT` (to pool runs or plot them)")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(paths) != 1 || *batch < 1 || *clients < 1 {
		fs.Usage()
		return fmt.Errorf("%w: give one JSONL file", errUsage)
	}
	f, err := os.Open(paths[0])
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for i := 0; sc.Scan(); i++ {
		if i < *skip {
			continue
		}
		if *n > 0 && len(lines) == *n {
			break
		}
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		return err
	}
	var reqs [][]byte
	for lo := 0; lo < len(lines); lo += *batch {
		reqs = append(reqs, bytes.Join(lines[lo:min(lo+*batch, len(lines))], []byte("\n")))
	}
	ct := "application/json"
	if *batch > 1 {
		ct = "application/x-ndjson"
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}
	lat := make([]time.Duration, len(reqs))
	srv := make([]time.Duration, len(reqs)) // the server's time; -1: not told
	errs := 0
	var mu sync.Mutex
	next := 0
	t0 := time.Now()
	var wg sync.WaitGroup
	for range *clients {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(reqs) {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, *url+"/v1/articles", bytes.NewReader(reqs[i]))
				req.Header.Set("Content-Type", ct)
				if *token != "" {
					req.Header.Set("Authorization", "Bearer "+*token)
				}
				ts := time.Now()
				resp, err := client.Do(req)
				srv[i] = -1
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					srv[i] = appTiming(resp.Header.Get("Server-Timing"))
				}
				lat[i] = time.Since(ts)
				if err != nil || resp.StatusCode/100 != 2 {
					mu.Lock()
					errs++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(t0)
	if *latFile != "" {
		if err := writeLatencies(*latFile, lat, srv); err != nil {
			return err
		}
	}
	out := map[string]any{
		"articles": len(lines), "requests": len(reqs), "batch": *batch, "clients": *clients, "errors": errs,
		"seconds": elapsed.Seconds(), "articles_per_second": float64(len(lines)) / elapsed.Seconds(),
	}
	percentiles(out, "", lat)
	if !slices.Contains(srv, -1) {
		percentiles(out, "server_", srv)
	}
	enc := json.NewEncoder(stdout)
	if err := enc.Encode(out); err != nil {
		return err
	}
	if errs > 0 {
		return fmt.Errorf("%d of %d requests failed", errs, len(reqs))
	}
	return nil
}

// millis is d in milliseconds, to the microsecond.
func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// percentiles puts the 50th, 90th and 99th percentiles and the maximum
// of d, in milliseconds, into out as PREFIXp50_ms and so on. It sorts d.
func percentiles(out map[string]any, prefix string, d []time.Duration) {
	slices.Sort(d)
	for _, q := range []struct {
		name string
		p    float64
	}{{"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}, {"max", 1}} {
		v := 0.0
		if len(d) > 0 {
			v = millis(d[min(len(d)-1, int(q.p*float64(len(d))))])
		}
		out[prefix+q.name+"_ms"] = v
	}
}

// appTiming returns the "app" duration of a Server-Timing header value
// (the server's own time), or -1 when it has none.
func appTiming(h string) time.Duration {
	for metric := range strings.SplitSeq(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(metric), ";")
		if name != "app" {
			continue
		}
		for p := range strings.SplitSeq(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if k != "dur" {
				continue
			}
			if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
				return time.Duration(ms * float64(time.Millisecond))
			}
		}
	}
	return -1
}

// writeLatencies writes, one request per line, its latency lat[i] and
// the server's time srv[i] in milliseconds (a dash when the server did
// not tell), to path.
func writeLatencies(path string, lat, srv []time.Duration) error {
	var b bytes.Buffer
	for i, d := range lat {
		fmt.Fprintf(&b, "%.3f\t", millis(d))
		if srv[i] < 0 {
			b.WriteString("-\n")
		} else {
			fmt.Fprintf(&b, "%.3f\n", millis(srv[i]))
		}
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
