// Package clustertest gives tests a real local cluster: a Redis Cluster of
// three primaries and three replicas and a NATS server with JetStream, on
// 127.0.0.1, run by scripts/cluster from Debian's redis-server, redis-tools
// and nats-server. Where those programs are missing the tests that need the
// cluster are skipped, and fail under CI (where .ci/run installs them), as
// with the development data (internal/testdata).
//
// Start gives a test a cluster of its own; Own does too, and lets the test
// stop its nodes and start them again (faults). Shared gives every test of a
// test binary the same one, started once (a start takes a few seconds); the
// binary's TestMain must then call Main:
//
//	func TestMain(m *testing.M) { clustertest.Main(m) }
//
// Tests on a shared cluster use their own keys, streams and consumers.
package clustertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reprint-news/reprint/internal/testdata"
)

// Start starts a cluster of the test's own in a t.TempDir, on free ports,
// stops it when the test ends, and returns the Redis nodes' addresses
// (host:port, any of them a seed) and the NATS URL.
func Start(t testing.TB) (redisAddrs []string, natsURL string) {
	t.Helper()
	c := Own(t)
	return c.Redis, c.NATS
}

// Cluster is a test's own cluster (Own): its addresses, and its nodes,
// which the test may signal, stop and start again.
type Cluster struct {
	Redis []string // the Redis nodes' addresses (host:port)
	NATS  string   // the NATS server's URL
	dir   string
	base  int
}

// Own starts a cluster of the test's own, as Start does, and returns it.
func Own(t testing.TB) *Cluster {
	t.Helper()
	dir := t.TempDir()
	t.Cleanup(func() {
		if err := stop(dir); err != nil {
			t.Error(err)
		}
	})
	c, err := launch(dir)
	if err != nil {
		fail(t, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "ports"))
	if err != nil {
		t.Fatal(err)
	}
	base, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("%s/ports: %v", dir, err)
	}
	return &Cluster{Redis: c.redis, NATS: c.nats, dir: dir, base: base}
}

// Dir is the directory the cluster runs in: the DIR of scripts/cluster's
// commands.
func (c *Cluster) Dir() string { return c.dir }

// SignalNATS sends sig to the NATS server. With SIGKILL or SIGTERM it
// returns once the server has exited.
func (c *Cluster) SignalNATS(t testing.TB, sig syscall.Signal) {
	t.Helper()
	c.signal(t, sig, filepath.Join(c.dir, "nats", "nats.pid"))
}

// SignalRedis sends sig to every Redis node. With SIGKILL or SIGTERM it
// returns once they have all exited (a node stopped by SIGTERM writes its
// append-only file first).
func (c *Cluster) SignalRedis(t testing.TB, sig syscall.Signal) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(c.dir, "redis", "*", "redis.pid"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Redis pid files in %s (%v)", c.dir, err)
	}
	c.signal(t, sig, files...)
}

func (c *Cluster) signal(t testing.TB, sig syscall.Signal, pidFiles ...string) {
	t.Helper()
	var pids []int
	for _, f := range pidFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := syscall.Kill(pid, sig); err != nil {
			t.Fatalf("signal %v to %d (%s): %v", sig, pid, f, err)
		}
		pids = append(pids, pid)
	}
	if sig != syscall.SIGKILL && sig != syscall.SIGTERM {
		return
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, pid := range pids {
		for running(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("process %d still runs 30 s after %v", pid, sig)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// running reports whether process pid runs (a zombie, exited but not reaped
// by its parent, does not).
func running(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	// pid (comm) state ...: comm may hold spaces and parentheses.
	_, rest, ok := bytes.Cut(b[bytes.LastIndexByte(b, ')')+1:], []byte(" "))
	return !ok || len(rest) == 0 || rest[0] != 'Z'
}

// Restart starts the nodes that are stopped, on their ports and with their
// data, and returns once the cluster is ready again (scripts/cluster start).
func (c *Cluster) Restart(t testing.TB) {
	t.Helper()
	if _, out, diag, err := run(c.dir, c.base); err != nil {
		t.Fatalf("scripts/cluster start %s: %v\n%s%s", c.dir, err, out, diag)
	}
}

var shared struct {
	inMain bool
	once   sync.Once
	dir    string
	c      cluster
	err    error
}

// Main runs the tests of a binary whose tests call Shared, then stops the
// shared cluster (if one was started), removes its directory and exits.
func Main(m *testing.M) {
	shared.inMain = true
	code := m.Run()
	if shared.dir != "" {
		if err := stop(shared.dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			if code == 0 {
				code = 1
			}
		}
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// Shared returns the addresses of the test binary's one cluster (see Start),
// starting it at the first call.
func Shared(t testing.TB) (redisAddrs []string, natsURL string) {
	t.Helper()
	if !shared.inMain {
		t.Fatal("clustertest.Shared needs the test binary's TestMain to call clustertest.Main")
	}
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "reprint-cluster-")
		if shared.err == nil {
			shared.c, shared.err = launch(shared.dir)
		}
	})
	if shared.err != nil {
		fail(t, shared.err)
	}
	return append([]string(nil), shared.c.redis...), shared.c.nats
}

type cluster struct {
	redis []string
	nats  string
}

// missingError is scripts/cluster's report of a missing program.
type missingError struct{ msg string }

func (e missingError) Error() string { return e.msg }

func fail(t testing.TB, err error) {
	t.Helper()
	if m, ok := errors.AsType[missingError](err); ok {
		testdata.Missing(t, m.msg)
	}
	t.Fatal(err)
}

func script() string { return filepath.Join(testdata.Repo(), "scripts", "cluster") }

// Exit statuses of scripts/cluster.
const (
	exitPortTaken = 3
	exitMissing   = 4
)

// launch runs scripts/cluster start in dir on a free base port, trying
// another base when a port turns out to be taken.
func launch(dir string) (cluster, error) {
	var err error
	for range 5 {
		var c cluster
		var out, diag string
		c, out, diag, err = run(dir, freeBase())
		if err == nil {
			return c, nil
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return cluster{}, err
		}
		switch exit.ExitCode() {
		case exitMissing:
			return cluster{}, missingError{strings.TrimSpace(strings.TrimPrefix(diag, "cluster: "))}
		case exitPortTaken:
			// Another process took a port between the probe and the start:
			// begin again, on other ports, in an empty directory.
			stop(dir)
			if err := emptyDir(dir); err != nil {
				return cluster{}, err
			}
			continue
		}
		return cluster{}, fmt.Errorf("scripts/cluster start: %v\n%s%s", err, out, diag)
	}
	return cluster{}, fmt.Errorf("scripts/cluster start: ports kept being taken: %v", err)
}

// run runs scripts/cluster start in dir with the given base port, and
// returns the addresses it printed, its output and its diagnostics.
func run(dir string, base int) (c cluster, out, diag string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, script(), "start", dir)
	cmd.Env = append(os.Environ(),
		"REPRINT_CLUSTER_PORT="+strconv.Itoa(base),
		// If the test binary dies without stopping the cluster, the
		// script's watchdog does.
		"REPRINT_CLUSTER_OWNER="+strconv.Itoa(os.Getpid()))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Run()
	out, diag = stdout.String(), stderr.String()
	if err != nil {
		return
	}
	for line := range strings.Lines(out) {
		k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
		switch k {
		case "REPRINT_REDIS":
			c.redis = strings.Split(v, ",")
		case "REPRINT_NATS":
			c.nats = v
		}
	}
	if len(c.redis) == 0 || c.nats == "" {
		err = fmt.Errorf("scripts/cluster start printed no addresses:\n%s%s", out, diag)
	}
	return
}

// freeBase returns a base port whose ports (base to base+6, and the Redis
// cluster bus's base+10000 to base+10005) are free now. The bases lie apart
// from the script's default ones (from 17000) and keep the bus ports below
// Linux's ephemeral range (from 32768).
func freeBase() int {
	for {
		base := 18000 + 10*rand.IntN(470)
		if free(base, base+6) && free(base+10000, base+10005) {
			return base
		}
	}
}

func free(from, to int) bool {
	for p := from; p <= to; p++ {
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}

func stop(dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, script(), "stop", dir)
	cmd.WaitDelay = 10 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("scripts/cluster stop %s: %v\n%s", dir, err, out)
	}
	return nil
}

// emptyDir removes what dir holds.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
