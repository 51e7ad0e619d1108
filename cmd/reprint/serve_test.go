package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/store"
	"github.com/reprint-news/reprint/synth"
)

// serverProc is a `reprint serve` child process (the test binary as the
// command, see TestMain).
type serverProc struct {
	cmd  *exec.Cmd
	url  string
	done chan error
	logs *bytes.Buffer
	mu   sync.Mutex // guards logs while the server runs
}

// log returns the server's log so far.
func (p *serverProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// waitLog waits up to timeout for the server's log to hold n lines
// matching re.
func (p *serverProc) waitLog(t *testing.T, re *regexp.Regexp, n int, timeout time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(timeout); len(re.FindAllString(p.log(), -1)) < n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %d log lines matching %s within %s:\n%s", n, re, timeout, p.log())
		}
	}
}

var listenLine = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServer starts `reprint serve --data dir` (dir "": the state is
// given in extra) on a free port and waits until it is ready.
func startServer(t *testing.T, dir string, extra ...string) *serverProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"serve", "--addr", "127.0.0.1:0", "--min-free-mb", "0"}
	if dir != "" { // "": the state is in extra (--redis)
		args = append(args, "--data", dir)
	}
	cmd := exec.Command(exe, append(args, extra...)...)
	cmd.Env = append(os.Environ(), asMainEnv+"=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProc{cmd: cmd, done: make(chan error, 1), logs: &bytes.Buffer{}}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.logs.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		if t.Failed() {
			t.Logf("server log:\n%s", p.log())
		}
	})
	select {
	case a := <-addr:
		p.url = "http://" + a
	case err := <-p.done:
		t.Fatalf("server exited before listening: %v\n%s", err, p.logs)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not listen within 30 s")
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("server not ready within 60 s")
		}
	}
}

// postedResult is the part of an answer the tests compare.
type postedResult struct {
	ID        string                `json:"id"`
	New       bool                  `json:"new"`
	Group     string                `json:"group"`
	Story     string                `json:"story"`
	Storyline string                `json:"storyline"`
	Relations []engine.LiveRelation `json:"relations"`
}

// post posts one JSON article; it returns the status and the answer.
func post(url string, line []byte) (int, postedResult, error) {
	var r postedResult
	resp, err := http.Post(url+"/v1/articles", "application/json", bytes.NewReader(line))
	if err != nil {
		return 0, r, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, r, err
	}
	return resp.StatusCode, r, json.Unmarshal(b, &r)
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil && resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// corpusLines generates n articles and returns the JSONL file and its
// lines.
func corpusLines(t *testing.T, n int, seed uint64) (string, [][]byte) {
	t.Helper()
	pool, err := synth.LoadPool(testdata.Require(t))
	if err != nil {
		t.Fatal(err)
	}
	files, _, err := synth.WriteJSONL(t.TempDir(), pool, synth.Config{Articles: n, Seed: seed}, n)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return files[0], bytes.Split(bytes.TrimSpace(b), []byte("\n"))
}

// openStored opens the store in dir read-only, with its engine (closed
// when the test ends).
func openStored(t *testing.T, dir string) *engine.Live {
	t.Helper()
	st, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	l, err := engine.OpenLive(st, engine.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestServeKill9 posts articles to the real server, kills it with SIGKILL
// mid-stream, restarts it and finds every acknowledged article with its
// group and story; then stops it with SIGTERM during a batch and finds
// the batch whole.
func TestServeKill9(t *testing.T) {
	_, lines := corpusLines(t, 900, 11)
	dir := filepath.Join(t.TempDir(), "data")
	srv := startServer(t, dir)

	acked := map[string]postedResult{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for _, line := range lines[:600] {
			select {
			case <-stop:
				return
			default:
			}
			code, r, err := post(srv.url, line)
			if err != nil {
				return // the server is gone
			}
			if code != http.StatusCreated {
				t.Errorf("post: status %d", code)
				return
			}
			mu.Lock()
			acked[r.ID] = r
			mu.Unlock()
		}
	})
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 150 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	close(stop)
	wg.Wait()
	t.Logf("%d articles acknowledged before SIGKILL", len(acked))
	// They went into a primed write-ahead log (store.PrimeLog), whose
	// replay must stop at the last acknowledged write.
	if !strings.Contains(srv.logs.String(), "write-ahead log primed") {
		t.Fatalf("the server did not prime its write-ahead log:\n%s", srv.logs)
	}

	srv = startServer(t, dir, "--prime-log=false")
	for id, want := range acked {
		var got engine.LiveArticle
		if code := getJSON(t, srv.url+"/v1/articles/"+id, &got); code != http.StatusOK {
			t.Fatalf("acknowledged article %s: status %d after kill -9", id, code)
		}
		// A representative's group is set when a later article joins it.
		if got.Story != want.Story || got.Storyline != want.Storyline || want.Group != "" && got.Group != want.Group {
			t.Fatalf("%s after restart: story %s line %s group %q, acknowledged %s %s %q", id, got.Story, got.Storyline, got.Group, want.Story, want.Storyline, want.Group)
		}
		var st engine.LiveStory
		if code := getJSON(t, srv.url+"/v1/stories/"+want.Story, &st); code != http.StatusOK {
			t.Fatalf("story %s of acknowledged %s: status %d", want.Story, id, code)
		}
	}
	// Posting the acknowledged articles again answers the stored answers
	// (not new), so the client's retry after a crash is safe.
	for _, line := range lines[:5] {
		code, r, err := post(srv.url, line)
		if err != nil || (code != http.StatusOK && code != http.StatusCreated) {
			t.Fatalf("re-post: %d %v", code, err)
		}
		if _, was := acked[r.ID]; was && r.New {
			t.Fatalf("re-posted %s is new again", r.ID)
		}
	}

	// SIGTERM during a batch: the batch finishes and is answered.
	var batch bytes.Buffer
	for _, line := range lines[600:] {
		batch.Write(line)
		batch.WriteByte('\n')
	}
	type answer struct {
		code int
		body []byte
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := http.Post(srv.url+"/v1/articles", "application/x-ndjson", &batch)
		if err != nil {
			got <- answer{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- answer{resp.StatusCode, b, err}
	}()
	time.Sleep(100 * time.Millisecond) // the request is in flight
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	a := <-got
	if err := <-srv.done; err != nil {
		t.Fatalf("server exit after SIGTERM: %v", err)
	}
	if strings.Contains(srv.logs.String(), "primed") { // its whole log, now it has exited
		t.Fatalf("--prime-log=false primed the log:\n%s", srv.logs)
	}
	if a.err != nil || a.code != http.StatusOK {
		t.Fatalf("batch in flight at SIGTERM: status %d, %v", a.code, a.err)
	}
	var br struct {
		New int `json:"new"`
	}
	if err := json.Unmarshal(a.body, &br); err != nil || br.New != len(lines)-600 {
		t.Fatalf("batch answer: %d new (want %d), %v", br.New, len(lines)-600, err)
	}
	// Every article of the answered batch is in the store.
	l := openStored(t, dir)
	if want := uint64(len(acked) + len(lines) - 600); l.Len() < want {
		t.Fatalf("%d articles stored, want at least %d", l.Len(), want)
	}
}

// TestServeMatchesIndex ingests one corpus through the API, one article
// at a time, and through `reprint index`, and finds the same relations,
// duplicate groups, stories and storylines.
func TestServeMatchesIndex(t *testing.T) {
	file, lines := corpusLines(t, 700, 12)
	dirIndex := filepath.Join(t.TempDir(), "index")
	if code, out, errOut := runCLI(t, "index", "--data", dirIndex, "-q", "--batch", "100", file); code != exitOK {
		t.Fatalf("reprint index: exit %d\n%s\n%s", code, out, errOut)
	}
	srv := startServer(t, filepath.Join(t.TempDir(), "api"))
	for _, line := range lines {
		if code, _, err := post(srv.url, line); err != nil || code != http.StatusCreated {
			t.Fatalf("post: %d %v", code, err)
		}
	}
	l := openStored(t, dirIndex)
	groups, stories := map[string]bool{}, map[string]bool{}
	for _, line := range lines {
		var a struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatal(err)
		}
		want := sameAsIndexed(t, srv, l, a.ID)
		if want.Group != "" {
			groups[want.Group] = true
		}
		stories[want.Story] = true
	}
	if len(groups) == 0 || len(stories) >= len(lines) {
		t.Fatalf("a corpus without duplicates or shared stories proves little: %d groups, %d stories", len(groups), len(stories))
	}
	t.Logf("%d articles: %d duplicate groups, %d stories, equal", len(lines), len(groups), len(stories))
}

// TestIndexUsage covers reprint index's arguments and its report of bad
// records.
func TestIndexUsage(t *testing.T) {
	code, _, errOut := runCLI(t, "index", "../../testdata/seeds")
	if code != exitUsage || !strings.Contains(errOut, "--data") {
		t.Fatalf("no --data: exit %d\n%s", code, errOut)
	}
	dir := t.TempDir()
	for _, cmd := range []string{"index", "serve"} {
		code, _, errOut := runCLI(t, cmd, "--data", filepath.Join(dir, "neg"), "--max-open-files", "-1", "../../testdata/seeds")
		if code != exitUsage || !strings.Contains(errOut, "cannot be negative") {
			t.Fatalf("%s --max-open-files -1: exit %d\n%s", cmd, code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "neg")); err == nil {
		t.Fatal("a refused command created its store")
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"id\":\"a\",\"text\":\"one two three four five six seven eight nine ten\"}\nnot json\n{\"id\":\"b\"}\n"), 0o644)
	code, out, errOut := runCLI(t, "index", "--data", filepath.Join(dir, "s"), bad)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"bad.jsonl:2: rejected: malformed_json", "bad.jsonl:3: rejected: missing_text"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	var sum indexSummary
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.New != 1 || sum.Rejected != 2 {
		t.Fatalf("summary %s: %+v %v", out, sum, err)
	}
	// Loading it again: nothing new, the article is already stored.
	code, out, _ = runCLI(t, "index", "--data", filepath.Join(dir, "s"), "-q", bad)
	if err := json.Unmarshal([]byte(out), &sum); code != exitOK || err != nil || sum.New != 0 || sum.Existing != 1 {
		t.Fatalf("second load: exit %d, %s", code, out)
	}
	// A window: kept with a state that had none, then the state's own;
	// another one is refused.
	for _, c := range []struct {
		window string
		code   int
	}{{"1000", exitOK}, {"0", exitOK}, {"1000", exitOK}, {"500", exitUsage}} {
		code, _, errOut := runCLI(t, "index", "--data", filepath.Join(dir, "s"), "-q", "--window", c.window, bad)
		if code != c.code || (c.code == exitUsage && !strings.Contains(errOut, "keeps a window of 1000")) {
			t.Fatalf("--window %s: exit %d, want %d\n%s", c.window, code, c.code, errOut)
		}
	}
	l := openStored(t, filepath.Join(dir, "s"))
	if w := l.Config().Window; w != 1000 {
		t.Fatalf("the state keeps a window of %d, want 1000", w)
	}
}

// TestLoadgen posts a corpus with reprint loadgen to a real server, once
// article by article and once in batches, and checks its report against
// the server's count and the latencies it writes.
func TestLoadgen(t *testing.T) {
	file, lines := corpusLines(t, 60, 21)
	srv := startServer(t, filepath.Join(t.TempDir(), "api"))
	latFile := filepath.Join(t.TempDir(), "lat.txt")
	type report struct {
		Articles, Requests, Errors int
		P50                        float64 `json:"p50_ms"`
		Max                        float64 `json:"max_ms"`
		ServerP50                  float64 `json:"server_p50_ms"`
		ServerMax                  float64 `json:"server_max_ms"`
	}
	for _, c := range []struct {
		args     []string
		articles int
		requests int
	}{
		{[]string{"-n", "40", "--latencies", latFile}, 40, 40},
		{[]string{"--skip", "40", "--batch", "8", "--clients", "2"}, len(lines) - 40, 3},
	} {
		code, out, errOut := runCLI(t, append(append([]string{"loadgen", "--url", srv.url}, c.args...), file)...)
		if code != exitOK {
			t.Fatalf("loadgen %v: exit %d\n%s\n%s", c.args, code, out, errOut)
		}
		var r report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("loadgen %v: %v\n%s", c.args, err, out)
		}
		if r.Articles != c.articles || r.Requests != c.requests || r.Errors != 0 || r.P50 <= 0 || r.Max < r.P50 {
			t.Fatalf("loadgen %v: %+v", c.args, r)
		}
		// The server's own time is part of each request's latency.
		if r.ServerP50 <= 0 || r.ServerP50 > r.P50 || r.ServerMax < r.ServerP50 || r.ServerMax > r.Max {
			t.Fatalf("loadgen %v: server times out of line: %+v\n%s", c.args, r, out)
		}
	}
	resp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := fmt.Sprintf("\nreprint_articles %d\n", len(lines)); !strings.Contains(string(m), want) {
		t.Fatalf("the server's metrics lack %q", want)
	}
	b, err := os.ReadFile(latFile)
	if err != nil {
		t.Fatal(err)
	}
	lat := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lat) != 40 {
		t.Fatalf("%d latencies written, want 40", len(lat))
	}
	for _, line := range lat {
		client, server, ok := strings.Cut(line, "\t")
		c, err1 := strconv.ParseFloat(client, 64)
		s, err2 := strconv.ParseFloat(server, 64)
		if !ok || err1 != nil || err2 != nil || c <= 0 || s <= 0 || s > c {
			t.Fatalf("latency line %q: want the latency, a tab and the server's time (at most the latency)", line)
		}
	}
}

func TestAppTiming(t *testing.T) {
	for h, want := range map[string]time.Duration{
		"app;dur=1.250":                         1250 * time.Microsecond,
		`db;dur=53, app;desc="handler";dur=0.5`: 500 * time.Microsecond,
		"app;dur=0":                             0,
		"":                                      -1,
		"app":                                   -1,
		"app;dur=fast":                          -1,
		"app;dur=-1":                            -1,
		"cache;dur=2":                           -1,
	} {
		if got := appTiming(h); got != want {
			t.Errorf("appTiming(%q) = %v, want %v", h, got, want)
		}
	}
}

// TestServeCannotStart checks the two ways serve fails before serving: a
// port in use leaves no data directory behind, and a store another
// process holds is named as in use.
func TestServeCannotStart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := filepath.Join(t.TempDir(), "new")
	code, _, errOut := runCLI(t, "serve", "--data", dir, "--addr", ln.Addr().String())
	if code != exitFailure || !strings.Contains(errOut, "address already in use") {
		t.Errorf("port in use: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("serve that could not listen created its data directory")
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	code, _, errOut = runCLI(t, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	if code != exitFailure || !strings.Contains(errOut, dir+" is used by another reprint process") {
		t.Errorf("store in use: exit %d\n%s", code, errOut)
	}
}

// TestExport loads the seeds with index, exports the store twice (the
// same bytes), and checks the usage errors and a store in use.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	if code, _, errOut := runCLI(t, "index", "-q", "--data", data, "../../testdata/seeds"); code != exitOK {
		t.Fatalf("index: exit %d\n%s", code, errOut)
	}
	var outs [2][]byte
	for i := range outs {
		out := filepath.Join(dir, fmt.Sprint("out", i))
		code, stdout, errOut := runCLI(t, "export", "--data", data, "-o", out)
		if code != exitOK || !strings.Contains(stdout, `"articles":5`) {
			t.Fatalf("export: exit %d %s\n%s", code, stdout, errOut)
		}
		for _, f := range []string{"pairs.jsonl", "groups.jsonl", "stories.jsonl", "storylines.jsonl", "relations.jsonl"} {
			b, err := os.ReadFile(filepath.Join(out, f))
			if err != nil {
				t.Fatal(err)
			}
			outs[i] = append(outs[i], b...)
		}
	}
	if !bytes.Equal(outs[0], outs[1]) || !bytes.Contains(outs[0], []byte(`"relation":"near_duplicate"`)) {
		t.Errorf("exports differ or lack the 002/004 pair:\n%s", outs[0])
	}
	if code, _, errOut := runCLI(t, "export", "--data", data); code != exitUsage || !strings.Contains(errOut, "-o OUT") {
		t.Errorf("no -o: exit %d\n%s", code, errOut)
	}
	st, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if code, _, errOut := runCLI(t, "export", "--data", data, "-o", filepath.Join(dir, "x")); code != exitFailure || !strings.Contains(errOut, "another reprint process") {
		t.Errorf("store in use: exit %d\n%s", code, errOut)
	}
}

// sameAsIndexed checks that server srv answers article id as engine l
// (the same articles loaded by 'reprint index') does: group, story,
// storyline and relations.
func sameAsIndexed(t *testing.T, srv *serverProc, l *engine.Live, id string) *engine.LiveArticle {
	t.Helper()
	want, err := l.Article(id)
	if err != nil {
		t.Fatal(err)
	}
	var got engine.LiveArticle
	if code := getJSON(t, srv.url+"/v1/articles/"+id, &got); code != http.StatusOK {
		t.Fatalf("GET %s: %d", id, code)
	}
	if got.Group != want.Group || got.Story != want.Story || got.Storyline != want.Storyline || !slices.Equal(got.Relations, want.Relations) {
		t.Fatalf("%s: served group %q story %s line %s rel %v; indexed %q %s %s %v", id, got.Group, got.Story, got.Storyline, got.Relations, want.Group, want.Story, want.Storyline, want.Relations)
	}
	return want
}
