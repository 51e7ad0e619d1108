package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/internal/clustertest"
	"github.com/reprint-news/reprint/redisstore"
)

// workerProc is a `reprint worker` child process (the test binary as the
// command, see TestMain).
type workerProc struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	done           chan error
}

// syncBuffer is a bytes.Buffer that a child process writes while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var metricsLine = regexp.MustCompile(`msg="serving metrics" addr=(\S+)`)

// metricsAddr waits for the worker to say where it serves its metrics.
func (p *workerProc) metricsAddr(t *testing.T) string {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := metricsLine.FindStringSubmatch(p.stderr.String()); m != nil {
			return m[1]
		}
	}
	t.Fatalf("the worker did not say where it serves its metrics:\n%s", p.stderr)
	return ""
}

func startWorker(t *testing.T, env []string, args ...string) *workerProc {
	t.Helper()
	return startReprint(t, env, nil, append([]string{"worker", "-q"}, args...)...)
}

// startReprint starts `reprint ARGS` as a child process with env added to
// the test's environment, reading stdin (nil: none); it is killed when the
// test ends.
func startReprint(t *testing.T, env []string, stdin *os.File, args ...string) *workerProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(os.Environ(), asMainEnv+"=1"), env...)
	p := &workerProc{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, p.stdout, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("%s %d stderr:\n%s", args[0], cmd.Process.Pid, p.stderr)
		}
	})
	return p
}

// stop ends a worker with SIGTERM and waits for it.
func (p *workerProc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("worker: %v\n%s", err, p.stderr)
		}
		p.done <- err
	case <-time.After(30 * time.Second):
		t.Fatal("a worker did not stop on SIGTERM")
	}
}

// oneNode loads file through one process (reprint index, with flags)
// and exports it.
func oneNode(t *testing.T, file string, flags ...string) string {
	t.Helper()
	data, out := filepath.Join(t.TempDir(), "data"), filepath.Join(t.TempDir(), "export")
	if code, _, stderr := runCLI(t, append(append([]string{"index", "-q", "--data", data}, flags...), file)...); code != 0 {
		t.Fatalf("index: %s", stderr)
	}
	if code, _, stderr := runCLI(t, "export", "--data", data, "-o", out); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	return out
}

// sameFiles checks that the export directories a and b hold the same
// files, byte for byte.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	for _, f := range []string{"pairs.jsonl", "groups.jsonl", "stories.jsonl", "storylines.jsonl", "relations.jsonl"} {
		x, err := os.ReadFile(filepath.Join(a, f))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, f))
		if err != nil {
			t.Fatal(err)
		}
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s: one node wrote %d bytes, the workers %d, and they differ", f, len(x), len(y))
		}
	}
}

// waitPos waits until the workers have processed message n of the state in
// namespace ns.
func waitPos(t *testing.T, addrs []string, ns string, n uint64, within time.Duration) {
	t.Helper()
	kv, err := redisstore.Open(redisstore.Options{Addrs: addrs, Namespace: ns, Family: engine.KeyFamily, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	deadline := time.Now().Add(within)
	for {
		p, err := kv.Pos(context.Background())
		if err == nil && p.Seq >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the workers processed %d messages in %s, want %d (%v)", p.Seq, within, n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// uniqueNames returns a namespace and a stream name of a test's own on
// a shared cluster: prefix and a number of this moment (the stream's in
// capitals).
func uniqueNames(prefix string) (ns, stream string) {
	id := strconv.FormatInt(time.Now().UnixNano(), 36)
	return prefix + id, strings.ToUpper(prefix + id)
}

// TestWorkers: the generated corpus published to the stream and processed
// by three workers — one of them killed with SIGKILL halfway and started
// again — gives the state one process gives, file for file in the export.
func TestWorkers(t *testing.T) {
	addrs, natsURL := clustertest.Shared(t)
	file, _ := corpusLines(t, 600, 21)
	want := oneNode(t, file)
	ns, stream := uniqueNames("w")
	env := []string{"REPRINT_REDIS=" + strings.Join(addrs, ","), "REPRINT_NATS=" + natsURL}
	args := []string{"--namespace", ns, "--stream", stream, "--ack-wait", "3s"}
	// The first worker serves its metrics; the second is killed.
	ws := []*workerProc{startWorker(t, env, append(args, "-q=false", "--metrics", "127.0.0.1:0")...)}
	for range 2 {
		ws = append(ws, startWorker(t, env, args...))
	}
	metrics := ws[0].metricsAddr(t)
	t.Setenv("REPRINT_NATS", natsURL)
	code, stdout, stderr := runCLI(t, "publish", "-q", "--stream", stream, "--ack-wait", "3s", "--chunk", "8", file)
	if code != 0 {
		t.Fatalf("publish: %s", stderr)
	}
	if !strings.Contains(stdout, `"published":600,"messages":75,`) {
		t.Fatalf("publish printed %s", stdout)
	}
	waitPos(t, addrs, ns, 30, 2*time.Minute)
	ws[1].cmd.Process.Kill() // SIGKILL, mid-turn or between turns
	ws = append([]*workerProc{ws[0], ws[2]}, startWorker(t, env, args...))
	waitPos(t, addrs, ns, 75, 3*time.Minute)
	body := metricsOf(t, "http://"+metrics+"/metrics")
	for _, want := range []string{"reprint_worker_seconds_total{phase=", "reprint_worker_redeliveries_total", "reprint_worker_renumbered_total 0", "reprint_stream_pending 0", `reprint_redis_seconds_count{op="scan"}`} {
		if !strings.Contains(body, want) {
			t.Errorf("the worker's /metrics lack %s", want)
		}
	}
	for _, w := range ws {
		w.stop(t)
	}
	got := exportShared(t, addrs, ns)
	sameFiles(t, want, got)
}

// TestWorkersWindow: with a window of 100 articles, two workers over the
// shared state give the state one windowed process gives, and the state
// keeps the window.
func TestWorkersWindow(t *testing.T) {
	addrs, natsURL := clustertest.Shared(t)
	file, _ := corpusLines(t, 500, 23)
	want := oneNode(t, file, "--window", "100")
	unbounded := oneNode(t, file)
	ns, stream := uniqueNames("win")
	env := clusterEnv(addrs, natsURL)
	args := []string{"--namespace", ns, "--stream", stream, "--ack-wait", "3s", "--window", "100"}
	ws := []*workerProc{startWorker(t, env, args...), startWorker(t, env, args...)}
	t.Setenv("REPRINT_NATS", natsURL)
	if code, _, stderr := runCLI(t, "publish", "-q", "--stream", stream, "--ack-wait", "3s", "--chunk", "8", file); code != 0 {
		t.Fatalf("publish: %s", stderr)
	}
	waitPos(t, addrs, ns, 63, 3*time.Minute)
	for _, w := range ws {
		w.stop(t)
	}
	got := exportShared(t, addrs, ns)
	sameFiles(t, want, got)
	// The window changed answers: copies of articles over 100 before
	// are not found.
	a, _ := os.ReadFile(filepath.Join(want, "pairs.jsonl"))
	b, _ := os.ReadFile(filepath.Join(unbounded, "pairs.jsonl"))
	if bytes.Equal(a, b) {
		t.Fatal("the window left every pair: the corpus does not test it")
	}
	// Another window is refused by the shared state.
	w := startWorker(t, env, "--namespace", ns, "--stream", stream, "--window", "50")
	select {
	case err := <-w.done:
		w.done <- err
		if err == nil || !strings.Contains(w.stderr.String(), "keeps a window of 100") {
			t.Fatalf("a worker with another window: %v\n%s", err, w.stderr)
		}
	case <-time.After(time.Minute):
		t.Fatal("a worker with another window went on")
	}
}

// TestWorkersPrimaryFailover: a Redis primary killed while workers write
// (its replica takes over): nothing acknowledged is lost, and the state is
// still the one of one process.
func TestWorkersPrimaryFailover(t *testing.T) {
	addrs, natsURL := clustertest.Start(t)
	file, _ := corpusLines(t, 400, 22)
	want := oneNode(t, file)
	env := []string{"REPRINT_REDIS=" + strings.Join(addrs, ","), "REPRINT_NATS=" + natsURL}
	args := []string{"--namespace", "fo", "--stream", "FO", "--ack-wait", "3s"}
	var ws []*workerProc
	for range 2 {
		ws = append(ws, startWorker(t, env, args...))
	}
	t.Setenv("REPRINT_NATS", natsURL)
	if code, _, stderr := runCLI(t, "publish", "-q", "--stream", "FO", "--ack-wait", "3s", "--chunk", "8", file); code != 0 {
		t.Fatalf("publish: %s", stderr)
	}
	waitPos(t, addrs, "fo", 15, 2*time.Minute)
	killPrimary(t, addrs)
	waitPos(t, addrs, "fo", 50, 3*time.Minute)
	for _, w := range ws {
		w.stop(t)
	}
	got := exportShared(t, addrs, "fo")
	sameFiles(t, want, got)
}

// killPrimary kills one of the cluster's primaries with SIGKILL.
func killPrimary(t *testing.T, addrs []string) {
	t.Helper()
	ctx := context.Background()
	for _, a := range addrs {
		c := redis.NewClient(&redis.Options{Addr: a})
		role, err := c.Do(ctx, "ROLE").Slice()
		if err != nil || len(role) == 0 || role[0] != "master" {
			c.Close()
			continue
		}
		info, err := c.Info(ctx, "server").Result()
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.SplitSeq(info, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "process_id:"); ok {
				pid, _ := strconv.Atoi(v)
				if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				t.Logf("killed the primary at %s (pid %d)", a, pid)
				return
			}
		}
	}
	t.Fatal(fmt.Errorf("no primary among %v", addrs))
}

// TestServeSharedState: two servers over one state on the cluster, posts
// going through the stream to a worker or straight to the state: an
// article posted to either is answered by the other, and the other's
// answers to later articles take it into account.
func TestServeSharedState(t *testing.T) {
	addrs, natsURL := clustertest.Shared(t)
	seeds, err := filepath.Glob("../../testdata/seeds/*.txt")
	if err != nil || len(seeds) != 5 {
		t.Fatalf("seeds: %v %v", seeds, err)
	}
	for _, viaStream := range []bool{true, false} {
		t.Run(fmt.Sprintf("stream=%v", viaStream), func(t *testing.T) {
			id := strconv.FormatInt(time.Now().UnixNano(), 36)
			args := []string{"--redis", strings.Join(addrs, ","), "--namespace", "s" + id}
			if viaStream {
				args = append(args, "--nats", natsURL, "--stream", "S"+strings.ToUpper(id))
				startWorker(t, nil, append(args[:4:4], "--nats", natsURL, "--stream", "S"+strings.ToUpper(id))...)
			}
			a, b := startServer(t, "", args...), startServer(t, "", args...)
			for i, p := range seeds {
				text, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				name := strings.TrimSuffix(filepath.Base(p), ".txt")
				line, _ := json.Marshal(map[string]string{"id": name, "text": string(text)})
				to, other := a, b
				if i%2 == 1 || i == 4 { // 002 to a, 004 to b
					to, other = b, a
				}
				code, got, err := post(to.url, line)
				if err != nil || code != http.StatusCreated || !got.New {
					t.Fatalf("posting %s: %d %+v %v", name, code, got, err)
				}
				var seen struct{ ID, Story string }
				if code := getJSON(t, other.url+"/v1/articles/"+name, &seen); code != http.StatusOK || seen.Story != got.Story {
					t.Fatalf("%s posted to one server: the other answers %d %+v, want story %s", name, code, seen, got.Story)
				}
				if strings.HasPrefix(name, "004") { // 002 was posted to the other server
					if len(got.Relations) != 1 || !strings.HasPrefix(got.Relations[0].ID, "002") || got.Relations[0].Relation != "near_duplicate" {
						t.Errorf("004's relations %+v, want near_duplicate of 002", got.Relations)
					}
				}
				if i == 0 {
					body := metricsOf(t, a.url+"/metrics")
					want := []string{`reprint_redis_seconds_count{op="get"}`}
					if viaStream {
						want = append(want, "reprint_stream_ack_floor", "reprint_stream_pending 0")
					}
					for _, w := range want {
						if !strings.Contains(body, w) {
							t.Errorf("the server's /metrics lack %s", w)
						}
					}
				}
				// Posted again to the other server: already stored.
				if code, got, err := post(other.url, line); err != nil || code != http.StatusOK || got.New {
					t.Errorf("posting %s again to the other server: %d %+v %v", name, code, got, err)
				}
			}
		})
	}
}

// TestServePostTimeout: a post to 'reprint serve --nats' that no worker
// processes within --post-timeout is answered 503, saying so; its message
// stays on the stream, and once a worker runs, the article is stored once
// and posting it again is answered from the state.
func TestServePostTimeout(t *testing.T) {
	addrs, natsURL := clustertest.Shared(t)
	id := strconv.FormatInt(time.Now().UnixNano(), 36)
	stream := "P" + strings.ToUpper(id)
	args := []string{"--redis", strings.Join(addrs, ","), "--namespace", "p" + id, "--nats", natsURL, "--stream", stream}
	srv := startServer(t, "", append(args, "--post-timeout", "1s")...)
	line := []byte(`{"id":"late","text":"A post that waits for a worker which is not running yet, and is answered once one runs."}`)
	resp, err := http.Post(srv.url+"/v1/articles", "application/json", bytes.NewReader(line))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "worker") {
		t.Fatalf("a post no worker processed: %d %s, want 503 naming the workers", resp.StatusCode, body)
	}
	startWorker(t, nil, args...)
	for deadline := time.Now().Add(time.Minute); getJSON(t, srv.url+"/v1/articles/late", nil) != http.StatusOK; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the post that timed out was not processed once a worker ran")
		}
	}
	code, got, err := post(srv.url, line)
	if err != nil || code != http.StatusOK || got.New {
		t.Fatalf("posting it again: %d %+v %v, want 200, not new", code, got, err)
	}
}

// metricsOf returns the body of a /metrics page.
func metricsOf(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWorkerSnapshot: a worker stopped writes the snapshot of its memory;
// a worker started from a copy of it (a new worker seeded with another's
// snapshot) takes in only what was stored after it, and the state it goes
// on to build is the one of one process.
func TestWorkerSnapshot(t *testing.T) {
	addrs, natsURL := clustertest.Shared(t)
	file, lines := corpusLines(t, 300, 23)
	want := oneNode(t, file)
	dir := t.TempDir()
	first, second := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	os.WriteFile(first, append(bytes.Join(lines[:150], []byte("\n")), '\n'), 0o644)
	os.WriteFile(second, append(bytes.Join(lines[150:], []byte("\n")), '\n'), 0o644)
	id := strconv.FormatInt(time.Now().UnixNano(), 36)
	snap := filepath.Join(dir, "snapshot")
	args := []string{"--redis", strings.Join(addrs, ","), "--namespace", "n" + id, "--nats", natsURL, "--stream", "N" + strings.ToUpper(id), "-q=false", "--snapshot", snap}
	t.Setenv("REPRINT_NATS", natsURL)
	for i, part := range []string{first, second} {
		if i == 1 { // a copy of the first worker's snapshot, elsewhere
			b, err := os.ReadFile(snap)
			if err != nil {
				t.Fatal(err)
			}
			snap = filepath.Join(t.TempDir(), "copied")
			if err := os.WriteFile(snap, b, 0o644); err != nil {
				t.Fatal(err)
			}
			args[len(args)-1] = snap
		}
		w := startWorker(t, nil, args...)
		if code, _, stderr := runCLI(t, "publish", "-q", "--wait", "--stream", "N"+strings.ToUpper(id), part); code != 0 {
			t.Fatalf("publish: %s", stderr)
		}
		w.stop(t)
		logs := w.stderr.String()
		if !strings.Contains(logs, `msg="snapshot written"`) {
			t.Fatalf("no snapshot written at shutdown:\n%s", logs)
		}
		if i == 1 && !strings.Contains(logs, `msg="started from the snapshot"`) {
			t.Fatalf("the second start did not use the snapshot:\n%s", logs)
		}
	}
	got := exportShared(t, addrs, "n"+id)
	sameFiles(t, want, got)
}

// TestServeSharedSnapshot: a server over a shared state with
// --snapshot-file writes its memory's snapshot at shutdown and, started
// again, takes in only what another process stored after it, then answers
// as one process would.
func TestServeSharedSnapshot(t *testing.T) {
	addrs, _ := clustertest.Shared(t)
	seeds, err := filepath.Glob("../../testdata/seeds/*.txt")
	if err != nil || len(seeds) != 5 {
		t.Fatalf("seeds: %v %v", seeds, err)
	}
	lines := make([][]byte, len(seeds))
	for i, p := range seeds {
		text, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines[i], _ = json.Marshal(map[string]string{"id": strings.TrimSuffix(filepath.Base(p), ".txt"), "text": string(text)})
	}
	id := strconv.FormatInt(time.Now().UnixNano(), 36)
	snap := filepath.Join(t.TempDir(), "snapshot")
	args := []string{"--redis", strings.Join(addrs, ","), "--namespace", "ss" + id}
	a := startServer(t, "", append(args, "--snapshot-file", snap)...)
	for _, line := range lines[:3] {
		if code, got, err := post(a.url, line); err != nil || code != http.StatusCreated {
			t.Fatalf("posting: %d %+v %v", code, got, err)
		}
	}
	a.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-a.done; err != nil {
		t.Fatalf("server exit after SIGTERM: %v\n%s", err, a.log())
	}
	if !strings.Contains(a.log(), `msg="snapshot written"`) {
		t.Fatalf("no snapshot written at shutdown:\n%s", a.log())
	}
	// Another process stores 003 while the first is down.
	b := startServer(t, "", args...)
	if code, got, err := post(b.url, lines[3]); err != nil || code != http.StatusCreated {
		t.Fatalf("posting 003: %d %+v %v", code, got, err)
	}
	a = startServer(t, "", append(args, "--snapshot-file", snap)...)
	a.waitLog(t, regexp.MustCompile(`msg="started from the snapshot" .*replayed_after=1\b`), 1, 10*time.Second) // the log line may follow /readyz by a moment
	code, got, err := post(a.url, lines[4])
	if err != nil || code != http.StatusCreated {
		t.Fatalf("posting 004: %d %+v %v", code, got, err)
	}
	if len(got.Relations) != 1 || !strings.HasPrefix(got.Relations[0].ID, "002") || got.Relations[0].Relation != "near_duplicate" {
		t.Errorf("004's relations %+v, want near_duplicate of 002", got.Relations)
	}
	var seen struct{ ID string }
	if code := getJSON(t, a.url+"/v1/articles/"+strings.TrimSuffix(filepath.Base(seeds[3]), ".txt"), &seen); code != http.StatusOK {
		t.Errorf("003, stored by the other process, answers %d", code)
	}
}
