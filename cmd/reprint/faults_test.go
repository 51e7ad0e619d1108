package main

// The faults of docs/CLUSTER.md that the workers survive: NATS restarted,
// Redis out of reach, malformed messages, messages delivered again. Each
// ends with the export of the shared state compared, file for file, with
// the one of one process.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/internal/clustertest"
	"github.com/reprint-news/reprint/queue"
	"github.com/reprint-news/reprint/redisstore"
)

// clusterEnv is the environment of processes on a cluster.
func clusterEnv(addrs []string, natsURL string) []string {
	return []string{"REPRINT_REDIS=" + strings.Join(addrs, ","), "REPRINT_NATS=" + natsURL}
}

// exportShared exports the state in namespace ns and returns the directory.
func exportShared(t *testing.T, addrs []string, ns string) string {
	t.Helper()
	got := filepath.Join(t.TempDir(), "export")
	if code, _, stderr := runCLI(t, "export", "--redis", strings.Join(addrs, ","), "--namespace", ns, "-o", got); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	return got
}

// posOf returns the position recorded in namespace ns.
func posOf(t *testing.T, addrs []string, ns string) uint64 {
	t.Helper()
	kv, err := redisstore.Open(redisstore.Options{Addrs: addrs, Namespace: ns, Family: engine.KeyFamily, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	p, err := kv.Pos(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p.Seq
}

// sinceResumed waits until the position in ns passes from, and returns how
// long that took.
func sinceResumed(t *testing.T, addrs []string, ns string, from uint64) time.Duration {
	t.Helper()
	t0 := time.Now()
	waitPos(t, addrs, ns, from+1, 2*time.Minute)
	return time.Since(t0)
}

// inTurn waits until the position of the workers of namespace ns is in
// [from, to) and one of them holds the writer lease (it is in its turn:
// taking in the others' articles, deciding, writing), and returns the
// position.
func inTurn(t *testing.T, addrs []string, ns string, from, to uint64) uint64 {
	t.Helper()
	kv, err := redisstore.Open(redisstore.Options{Addrs: addrs, Namespace: ns, Family: engine.KeyFamily, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	ctx := context.Background()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		p, err := kv.Pos(ctx)
		if err != nil || p.Seq < from || p.Seq >= to {
			continue
		}
		if n, err := kv.Client().Exists(ctx, ns+":{w}:lease").Result(); err == nil && n == 1 {
			return p.Seq
		}
	}
	t.Fatalf("no worker in its turn between messages %d and %d", from, to)
	return 0
}

// jetStream connects the test to the NATS server at url.
func jetStream(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// consumerInfo returns the state of the workers' consumer of stream.
func consumerInfo(t *testing.T, js jetstream.JetStream, stream string) *jetstream.ConsumerInfo {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := js.Consumer(ctx, stream, queue.Consumer)
	if err != nil {
		t.Fatal(err)
	}
	ci, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ci
}

// waitAcked waits until every message of stream up to last is acknowledged
// and none is delivered and not acknowledged.
func waitAcked(t *testing.T, js jetstream.JetStream, stream string, last uint64) {
	t.Helper()
	var ci *jetstream.ConsumerInfo
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		ci = consumerInfo(t, js, stream)
		if ci.AckFloor.Stream >= last && ci.NumAckPending == 0 && ci.NumPending == 0 {
			return
		}
	}
	t.Fatalf("stream %s: acknowledged up to %d, want %d; %d pending, %d delivered and not acknowledged",
		stream, ci.AckFloor.Stream, last, ci.NumPending, ci.NumAckPending)
}

// summary returns what a worker that has stopped printed on stdout.
func (p *workerProc) summary(t *testing.T) workerSummary {
	t.Helper()
	var s workerSummary
	if err := json.Unmarshal([]byte(p.stdout.String()), &s); err != nil {
		t.Fatalf("worker summary %q: %v", p.stdout, err)
	}
	return s
}

// metricValue returns the value of the sample name (with its labels) on a
// /metrics page, 0 when absent.
func metricValue(body, name string) float64 {
	for line := range strings.Lines(body) {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f
		}
	}
	return 0
}

// waitLog waits until a worker's stderr says what.
func (p *workerProc) waitLog(t *testing.T, what string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !strings.Contains(p.stderr.String(), what); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s in the worker's log:\n%s", what, p.stderr)
		}
	}
}

// signal sends sig to a worker.
func (p *workerProc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// distinctIDs counts the distinct ids of JSONL lines.
func distinctIDs(t *testing.T, lines [][]byte) int {
	t.Helper()
	ids := map[string]bool{}
	for _, l := range lines {
		var a struct{ ID string }
		if err := json.Unmarshal(l, &a); err != nil {
			t.Fatal(err)
		}
		ids[a.ID] = true
	}
	return len(ids)
}

func jsonl(lines [][]byte) []byte { return append(bytes.Join(lines, []byte("\n")), '\n') }

// twoWorkers starts two workers of namespace ns and stream on cluster c,
// with --ack-wait ackWait, and returns their environment, their
// arguments (to start more) and the workers, once both are ready.
func twoWorkers(t *testing.T, c *clustertest.Cluster, ns, stream, ackWait string) ([]string, []string, []*workerProc) {
	t.Helper()
	env := clusterEnv(c.Redis, c.NATS)
	args := []string{"--namespace", ns, "--stream", stream, "--ack-wait", ackWait, "-q=false"}
	ws := []*workerProc{startWorker(t, env, args...), startWorker(t, env, args...)}
	for _, w := range ws {
		w.waitLog(t, `msg="worker ready"`)
	}
	return env, args, ws
}

// pipedPublish starts `reprint publish ARGS` (ARGS ending in "-") with
// env, reading its input from a pipe, and returns it and the pipe's
// writing end (closed when the test ends, if not before).
func pipedPublish(t *testing.T, env []string, args ...string) (*workerProc, *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	pub := startReprint(t, env, r, append([]string{"publish"}, args...)...)
	r.Close()
	return pub, w
}

// streamLast returns the last sequence number stream gave (0 when it
// cannot be read).
func streamLast(js jetstream.JetStream, stream string) uint64 {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		return 0
	}
	si, err := s.Info(ctx)
	if err != nil {
		return 0
	}
	return si.State.LastSeq
}

// exit waits up to within for p to exit and returns its error; exited
// false when it still runs. The error stays for the test's clean-up.
func (p *workerProc) exit(within time.Duration) (exited bool, err error) {
	select {
	case err := <-p.done:
		p.done <- err
		return true, err
	case <-time.After(within):
		return false, nil
	}
}

// loseNATS kills the NATS server, removes its JetStream storage and
// starts it again: a server that lost the messages it had acknowledged.
func loseNATS(t *testing.T, c *clustertest.Cluster) {
	t.Helper()
	c.SignalNATS(t, syscall.SIGKILL)
	if err := os.RemoveAll(filepath.Join(c.Dir(), "nats", "jetstream")); err != nil {
		t.Fatal(err)
	}
	c.Restart(t)
}

// stopNATS stops the NATS server (SIGTERM, after SIGCONT should it be
// paused) and returns once it has exited.
func stopNATS(t *testing.T, c *clustertest.Cluster) {
	t.Helper()
	c.SignalNATS(t, syscall.SIGCONT)
	c.SignalNATS(t, syscall.SIGTERM)
}

// TestNATSRestart: the NATS server out of reach twice while workers
// process the stream and `publish --wait` feeds it from its standard
// input: first paused (SIGSTOP) while the publisher sends the second half
// of its input, then stopped (SIGTERM: it may take or not what was sent
// to it, unacknowledged), a worker started, and NATS started again on its
// JetStream directory; then, with the workers held back (the test holds
// the writer lease) and messages left, stopped and started again while
// the publisher waits for the workers. (Not SIGKILL: a NATS 2.9 server
// killed so may lose messages it acknowledged but had not written yet —
// docs/CLUSTER.md, Faults.) The workers and the publisher carry on once it is back,
// nothing acknowledged is lost, nothing is published twice or out of
// order, and the state is the one of one process.
func TestNATSRestart(t *testing.T) {
	c := clustertest.Own(t)
	file, lines := corpusLines(t, 300, 26)
	want := oneNode(t, file)
	env, args, ws := twoWorkers(t, c, "nr", "NR", "2s")
	pub, w := pipedPublish(t, env, "--stream", "NR", "--ack-wait", "2s", "--chunk", "8", "--wait", "-")
	const before = 152 // 19 messages of 8 before the fault, 19 after
	if _, err := w.Write(jsonl(lines[:before])); err != nil {
		t.Fatalf("publish's input: %v\n%s", err, pub.stderr)
	}
	waitPos(t, c.Redis, "nr", 6, 2*time.Minute)
	c.SignalNATS(t, syscall.SIGSTOP)
	down := time.Now()
	written := make(chan error, 1)
	go func() { // the rest of the input, published while NATS is out of reach
		_, err := w.Write(jsonl(lines[before:]))
		if err == nil {
			err = w.Close()
		}
		written <- err
	}()
	time.Sleep(time.Second)
	stopNATS(t, c)
	// A worker started meanwhile waits for NATS.
	ws = append(ws, startWorker(t, env, args...))
	ws[2].waitLog(t, `msg="waiting for NATS"`)
	// The workers held back from here on (the writer lease held here), so
	// that messages are left when NATS is stopped again.
	kv, err := redisstore.Open(redisstore.Options{Addrs: c.Redis, Namespace: "nr", Family: engine.KeyFamily})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	if err := kv.Acquire(context.Background(), engine.LeaseTTL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	at := posOf(t, c.Redis, "nr")
	c.Restart(t)
	back := time.Now()
	t.Logf("NATS paused, then stopped, down for %s in all (workers at message %d)", back.Sub(down).Round(time.Millisecond), at)
	ws[2].waitLog(t, `msg="worker ready"`)
	js := jetStream(t, c.NATS)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		last, pending := streamLast(js, "NR"), uint64(0)
		if last >= 38 {
			if pending = consumerInfo(t, js, "NR").NumPending; pending < 38-19 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stream's last message is %d, want 38, and %d are not taken by the workers:\n%s", last, pending, pub.stderr)
		}
	}
	t.Logf("%s after NATS was back, publish had stored every message and the workers were taking them", time.Since(back).Round(time.Millisecond))
	if err := <-written; err != nil {
		t.Fatalf("publish's input: %v\n%s", err, pub.stderr)
	}
	// Stopped again, while publish --wait waits for the workers.
	stopNATS(t, c)
	time.Sleep(2 * time.Second)
	c.Restart(t)
	back = time.Now()
	if err := kv.Release(); err != nil {
		t.Fatal(err)
	}
	t.Logf("NATS stopped for 2s again: the workers wrote again %s after it was back", sinceResumed(t, c.Redis, "nr", at).Round(time.Millisecond))
	if exited, err := pub.exit(2 * time.Minute); !exited {
		t.Fatalf("publish --wait did not return:\n%s", pub.stderr)
	} else if err != nil {
		t.Fatalf("publish --wait: %v\n%s", err, pub.stderr)
	}
	t.Logf("publish --wait returned %s after NATS was back", time.Since(back).Round(time.Millisecond))
	var sum publishSummary
	if err := json.Unmarshal([]byte(pub.stdout.String()), &sum); err != nil {
		t.Fatalf("publish printed %q: %v", pub.stdout, err)
	}
	if sum.Published != 300 || sum.Messages != 38 || sum.First != 1 || sum.Last != 38 {
		t.Errorf("publish: %+v, want 300 articles in messages 1–38", sum)
	}
	waitPos(t, c.Redis, "nr", 38, time.Minute)
	waitAcked(t, js, "NR", 38)
	for _, w := range ws {
		w.stop(t)
	}
	sameFiles(t, want, exportShared(t, c.Redis, "nr"))
}

// TestNATSLostStream: the NATS server killed and its storage lost (the
// stream and its consumer gone with every message) after the workers
// processed the first half of a publisher's input, the way a NATS 2.9
// server killed under load may come back without messages it had
// acknowledged. The stream, made again, numbers messages from 1, below
// the workers' position: the publisher notices its numbering went back
// and stops, saying from where to publish again; the workers take the
// new messages as new, not as processed ones (renumber); published again
// from there, the state is the one of one process over the whole input.
func TestNATSLostStream(t *testing.T) {
	c := clustertest.Own(t)
	file, lines := corpusLines(t, 300, 27)
	want := oneNode(t, file)
	env, _, ws := twoWorkers(t, c, "nl", "NL", "2s")
	pub, w := pipedPublish(t, env, "--stream", "NL", "--ack-wait", "2s", "--chunk", "8", "-")
	const before = 152 // 19 messages of 8
	if _, err := w.Write(jsonl(lines[:before])); err != nil {
		t.Fatalf("publish's input: %v\n%s", err, pub.stderr)
	}
	waitPos(t, c.Redis, "nl", 19, 2*time.Minute)
	loseNATS(t, c)
	if _, err := w.Write(jsonl(lines[before:])); err != nil {
		t.Fatalf("publish's input: %v\n%s", err, pub.stderr)
	}
	w.Close()
	if exited, err := pub.exit(2 * time.Minute); !exited {
		t.Fatalf("publish did not return:\n%s", pub.stderr)
	} else if err == nil {
		t.Fatalf("publish carried on across the loss of its messages:\n%s", pub.stderr)
	}
	if !strings.Contains(pub.stderr.String(), "NATS lost messages") || !strings.Contains(pub.stderr.String(), "--skip 0 ") {
		t.Fatalf("publish's error does not say what was lost and from where to publish again:\n%s", pub.stderr)
	}
	// Published again after the message that told the loss (message 1 of
	// the new stream, articles 152–159): publish said --skip 0, which
	// would send every article again (those stored answered as such); from
	// article 160 on, every message of the new stream is numbered at or
	// below the workers' position, and only the workers' renumber keeps
	// them from being taken as processed.
	code, stdout, stderr := runCLI(t, "publish", "--nats", c.NATS, "--stream", "NL", "--chunk", "8", "--skip", "160", "--wait", file)
	if code != 0 {
		t.Fatalf("publish again: %s", stderr)
	}
	var sum publishSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Skipped != 160 || sum.Published != 140 || sum.First != 2 || sum.Last != 19 {
		t.Errorf("published again: %+v, want 160 skipped, 140 published as messages 2–19", sum)
	}
	waitPos(t, c.Redis, "nl", 19, time.Minute)
	renumbered := 0
	for _, w := range ws {
		w.stop(t)
		renumbered += w.summary(t).Renumbered
	}
	if renumbered != 1 {
		t.Errorf("the position went back %d times, want once:\n%s\n%s", renumbered, ws[0].stderr, ws[1].stderr)
	}
	sameFiles(t, want, exportShared(t, c.Redis, "nl"))
}

// TestNATSLostWhileWaiting: `publish --wait` waiting for workers (none
// runs) when the NATS server is killed and its storage lost: the stream
// comes back without the messages, and publish says so and from where to
// publish again, instead of waiting for numbers the stream no longer has.
func TestNATSLostWhileWaiting(t *testing.T) {
	c := clustertest.Own(t)
	_, lines := corpusLines(t, 40, 28)
	pub, w := pipedPublish(t, clusterEnv(c.Redis, c.NATS), "--stream", "NW", "--chunk", "8", "--wait", "-")
	if _, err := w.Write(jsonl(lines)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	js := jetStream(t, c.NATS)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		last := streamLast(js, "NW")
		if last == 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stream holds %d messages, want 5:\n%s", last, pub.stderr)
		}
	}
	loseNATS(t, c)
	if exited, err := pub.exit(2 * time.Minute); !exited {
		t.Fatalf("publish --wait still waits for messages the stream lost:\n%s", pub.stderr)
	} else if err == nil {
		t.Fatalf("publish --wait returned as if its messages were processed:\n%s", pub.stderr)
	}
	if msg := pub.stderr.String(); !strings.Contains(msg, "NATS lost messages") || !strings.Contains(msg, "--skip 0 ") {
		t.Fatalf("publish's error does not say what was lost and from where to publish again:\n%s", msg)
	}
}

// TestRedisUnreachable: every Redis node paused (SIGSTOP) past the
// writer lease's time to live while a worker is in its turn, more
// articles published meanwhile, and a worker started; then, later, every
// node stopped (SIGTERM) while a worker is in its turn, and started again
// from its append-only file. The workers retry their turns until the
// cluster answers (the one started waits for it), and the state is the
// one of one process.
func TestRedisUnreachable(t *testing.T) {
	c := clustertest.Own(t)
	file, lines := corpusLines(t, 400, 27)
	want := oneNode(t, file)
	env, args, ws := twoWorkers(t, c, "ru", "RU", "3s")
	dir := t.TempDir()
	var parts []string
	for i, r := range [][2]int{{0, 136}, {136, 272}, {272, 400}} { // 17, 17 and 16 messages
		parts = append(parts, filepath.Join(dir, fmt.Sprintf("%d.jsonl", i)))
		os.WriteFile(parts[i], jsonl(lines[r[0]:r[1]]), 0o644)
	}
	t.Setenv("REPRINT_NATS", c.NATS)
	publish := func(part string) {
		t.Helper()
		if code, _, stderr := runCLI(t, "publish", "-q", "--stream", "RU", "--ack-wait", "3s", "--chunk", "8", part); code != 0 {
			t.Fatalf("publish: %s", stderr)
		}
	}
	publish(parts[0])
	at := inTurn(t, c.Redis, "ru", 1, 17)
	c.SignalRedis(t, syscall.SIGSTOP)
	publish(parts[1])
	ws = append(ws, startWorker(t, env, args...))
	time.Sleep(engine.LeaseTTL + time.Second)
	c.SignalRedis(t, syscall.SIGCONT)
	t.Logf("Redis paused for %s at message %d: workers wrote again %s after", engine.LeaseTTL+time.Second, at,
		sinceResumed(t, c.Redis, "ru", at).Round(time.Millisecond))
	ws[2].waitLog(t, `msg="worker ready"`)
	publish(parts[2])
	at = inTurn(t, c.Redis, "ru", 0, 50)
	c.SignalRedis(t, syscall.SIGTERM)
	down := time.Now()
	time.Sleep(3 * time.Second)
	c.Restart(t)
	t.Logf("Redis stopped for %s at message %d: workers wrote again %s after it was back",
		time.Since(down).Round(time.Millisecond), at, sinceResumed(t, c.Redis, "ru", at).Round(time.Millisecond))
	waitPos(t, c.Redis, "ru", 50, 2*time.Minute)
	waitAcked(t, jetStream(t, c.NATS), "RU", 50)
	for _, w := range ws {
		w.stop(t)
	}
	sameFiles(t, want, exportShared(t, c.Redis, "ru"))
}

// TestWorkerRejects: messages on the stream that are not chunks of
// articles (binary bytes, lines that are not JSON objects, articles
// without text, bad ids, an id stored with another text), among good
// articles. Each bad line is reported on a worker's stderr with its message,
// line and reason, counted as rejected in the summaries and metrics, and
// acknowledged; the state is the one of one process given the good
// articles.
func TestWorkerRejects(t *testing.T) {
	addrs, natsURL := clustertest.Shared(t)
	file, lines := corpusLines(t, 200, 24)
	want := oneNode(t, file)
	ns, stream := uniqueNames("r")
	env := clusterEnv(addrs, natsURL)
	args := []string{"--namespace", ns, "--stream", stream, "--ack-wait", "3s", "-q=false", "--metrics", "127.0.0.1:0"}
	ws := []*workerProc{startWorker(t, env, args...), startWorker(t, env, args...)}
	dir := t.TempDir()
	first, second := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	os.WriteFile(first, jsonl(lines[:100]), 0o644)
	os.WriteFile(second, jsonl(lines[101:]), 0o644) // lines[100] goes in a bad message
	t.Setenv("REPRINT_NATS", natsURL)
	if code, _, stderr := runCLI(t, "publish", "-q", "--stream", stream, "--ack-wait", "3s", "--chunk", "8", first); code != 0 {
		t.Fatalf("publish: %s", stderr)
	}
	var stored struct{ ID string }
	json.Unmarshal(lines[5], &stored)
	type bad struct {
		line   int
		reason string
	}
	msgs := []struct {
		data string
		bad  []bad
	}{
		{"\x00\x01\x02\xff\xfe binary\n{\"id\": 3\n", []bad{{1, "malformed_json"}, {2, "malformed_json"}}},
		{strings.Join([]string{
			`{"id":"no-text","text":"   "}`,
			string(lines[100]),
			`{"id":"bad\u0007id","text":"An article whose id has a control character."}`,
			`{"id":"..","text":"An article whose id is not addressable."}`,
			`{"text":"An article without an id."}`,
			fmt.Sprintf(`{"id":%q,"text":"Another text under an id already stored."}`, stored.ID),
			`[1,2,3]`,
			`{"id":"typed","text":5}`,
		}, "\n") + "\n", []bad{{1, "missing_text"}, {3, "bad_id"}, {4, "bad_id"}, {5, "missing_id"}, {6, "id_conflict"}, {7, "malformed_json"}, {8, "malformed_json"}}},
	}
	js := jetStream(t, natsURL)
	var seqs []uint64
	rejected := 0
	for _, m := range msgs {
		ack, err := js.Publish(context.Background(), strings.ToLower(stream)+".articles", []byte(m.data))
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, ack.Sequence)
		rejected += len(m.bad)
	}
	code, stdout, stderr := runCLI(t, "publish", "-q", "--wait", "--stream", stream, "--ack-wait", "3s", "--chunk", "8", second)
	if code != 0 {
		t.Fatalf("publish: %s", stderr)
	}
	var sum publishSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatal(err)
	}
	waitAcked(t, js, stream, sum.Last)
	var metricRejects float64
	for _, w := range ws {
		metricRejects += metricValue(metricsOf(t, "http://"+w.metricsAddr(t)+"/metrics"), `reprint_worker_articles_total{outcome="rejected"}`)
	}
	if metricRejects != float64(rejected) {
		t.Errorf("the workers' metrics count %v articles rejected, want %d", metricRejects, rejected)
	}
	var total workerSummary
	for _, w := range ws {
		w.stop(t)
		s := w.summary(t)
		total.Processed += s.Processed
		total.New += s.New
		total.Existing += s.Existing
		total.Rejected += s.Rejected
		total.Passed += s.Passed
	}
	// Processed counts each article once, whether or not a message was
	// delivered again (its articles then count as passed).
	if n := distinctIDs(t, lines); total.Rejected != rejected || total.New != n || total.Existing != 200-n || total.Processed != 200+rejected {
		t.Errorf("the workers' summaries add up to %+v, want %d processed, %d new, %d rejected", total, 200+rejected, n, rejected)
	}
	logs := ws[0].stderr.String() + ws[1].stderr.String()
	for i, m := range msgs {
		for _, b := range m.bad {
			at := fmt.Sprintf("stream %s message %d:%d: rejected: %s: ", stream, seqs[i], b.line, b.reason)
			if !strings.Contains(logs, at) {
				t.Errorf("no report %q on the workers' stderr", at)
			}
		}
	}
	sameFiles(t, want, exportShared(t, addrs, ns))
}

// TestWorkerRedelivered: messages delivered three times. With the writer
// lease held (here, by the test), a first worker takes messages 1–4 and
// is killed; a second takes the next ones and waits for its turn, which
// does not come: it fetches while it waits, gets 1–4 again after
// --ack-wait, and stops (SIGSTOP) in its turn; a third gets them a third
// time the same way. Then the lease is free, and the second worker goes on
// with deliveries the stream has since given to the third. Each article is
// written once, the redeliveries are counted, and the state is the one of
// one process.
func TestWorkerRedelivered(t *testing.T) {
	addrs, natsURL := clustertest.Shared(t)
	file, lines := corpusLines(t, 200, 25)
	want := oneNode(t, file)
	ns, stream := uniqueNames("d")
	env := clusterEnv(addrs, natsURL)
	const ackWait = 2 * time.Second
	args := []string{"--namespace", ns, "--stream", stream, "--ack-wait", ackWait.String(), "--batch", "4", "-q=false", "--metrics", "127.0.0.1:0"}
	a, b, c := startWorker(t, env, args...), startWorker(t, env, args...), startWorker(t, env, args...)
	ws := []*workerProc{a, b, c}
	metrics := make([]string, len(ws))
	for i, w := range ws {
		metrics[i] = "http://" + w.metricsAddr(t) + "/metrics" // started
		w.signal(t, syscall.SIGSTOP)
	}
	time.Sleep(1500 * time.Millisecond) // their pull requests (1 s) expire on the server
	kv, err := redisstore.Open(redisstore.Options{Addrs: addrs, Namespace: ns, Family: engine.KeyFamily})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	if err := kv.Acquire(context.Background(), engine.LeaseTTL); err != nil {
		t.Fatal(err)
	}
	held := true
	defer func() {
		if held {
			kv.Release()
		}
	}()
	t.Setenv("REPRINT_NATS", natsURL)
	if code, _, stderr := runCLI(t, "publish", "-q", "--stream", stream, "--ack-wait", ackWait.String(), "--chunk", "8", file); code != 0 {
		t.Fatalf("publish: %s", stderr)
	}
	js := jetStream(t, natsURL)
	a.signal(t, syscall.SIGCONT)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		ci := consumerInfo(t, js, stream)
		if ci.NumAckPending == 4 && ci.NumPending == 21 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first worker took %d messages, want 4", ci.NumAckPending)
		}
	}
	a.signal(t, syscall.SIGKILL)
	killed := time.Now()
	b.signal(t, syscall.SIGCONT)
	b.waitLog(t, "most_deliveries=2")
	t.Logf("the second worker had messages 1–4 again %s after the first was killed", time.Since(killed).Round(time.Millisecond))
	b.signal(t, syscall.SIGSTOP)
	stopped := time.Now()
	c.signal(t, syscall.SIGCONT)
	c.waitLog(t, "most_deliveries=3")
	t.Logf("the third worker had them a third time %s after the second was stopped", time.Since(stopped).Round(time.Millisecond))
	held = false
	if err := kv.Release(); err != nil {
		t.Fatal(err)
	}
	b.signal(t, syscall.SIGCONT)
	waitPos(t, addrs, ns, 25, 2*time.Minute)
	waitAcked(t, js, stream, 25)
	var total workerSummary
	for i, w := range ws[1:] {
		counted := metricValue(metricsOf(t, metrics[i+1]), "reprint_worker_redeliveries_total")
		w.stop(t)
		s := w.summary(t)
		if float64(s.Redelivered) != counted || s.Redelivered < 4 {
			t.Errorf("worker %d: %d redeliveries in its summary, %v in its metrics, want the same, at least 4", i+1, s.Redelivered, counted)
		}
		total.New += s.New
		total.Existing += s.Existing
		total.Processed += s.Processed
		total.Passed += s.Passed
	}
	if n := distinctIDs(t, lines); total.New != n || total.Existing != 200-n {
		t.Errorf("%d articles new and %d already stored over the workers, want %d and %d", total.New, total.Existing, n, 200-n)
	}
	// Each article processed once: a delivery found behind the position
	// is passed, not processed again.
	if total.Processed != 200 {
		t.Errorf("%d articles processed over the workers (%d passed), want 200", total.Processed, total.Passed)
	}
	sameFiles(t, want, exportShared(t, addrs, ns))
}
