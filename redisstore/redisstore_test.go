package redisstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/reprint-news/reprint/internal/clustertest"
	"github.com/reprint-news/reprint/store/kvtest"
)

func TestMain(m *testing.M) { clustertest.Main(m) }

// open opens a KV in a namespace of the test's own on the shared cluster.
func open(t *testing.T, o Options) *KV {
	t.Helper()
	addrs, _ := clustertest.Shared(t)
	o.Addrs = addrs
	if o.Namespace == "" {
		o.Namespace = fmt.Sprintf("t%d", time.Now().UnixNano())
	}
	if o.Family == nil {
		o.Family = kvtest.Family
	}
	kv, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kv.Close() })
	return kv
}

func TestConformance(t *testing.T) {
	kvtest.Run(t, open(t, Options{}))
}

func TestLease(t *testing.T) {
	ns := fmt.Sprintf("lease%d", time.Now().UnixNano())
	a := open(t, Options{Namespace: ns, RequireLease: true})
	b := open(t, Options{Namespace: ns, RequireLease: true})
	put := func(kv *KV, k, v string) error {
		bt := kv.NewBatch()
		bt.Set([]byte(k), []byte(v))
		return bt.Commit()
	}
	ctx := context.Background()
	if err := put(a, "a/x", "1"); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("a commit without the lease: %v", err)
	}
	if err := a.Acquire(ctx, 3*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := put(a, "a/x", "1"); err != nil {
		t.Fatal(err)
	}
	if err := a.SetPos(ctx, Position{7, 1700000000123456789}); err != nil {
		t.Fatal(err)
	}
	// b waits while a holds the lease.
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if err := b.Acquire(short, 3*time.Second); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second Acquire: %v", err)
	}
	// Renewal keeps it past its time to live.
	time.Sleep(3500 * time.Millisecond)
	if err := put(a, "a/x", "2"); err != nil {
		t.Fatalf("after renewals: %v", err)
	}
	// Taken away (as when a expired while paused): a can no longer write.
	a.Client().Del(ctx, ns+":{w}:lease")
	if err := b.Acquire(ctx, 3*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := put(a, "a/x", "3"); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("a commit after the lease was taken: %v", err)
	}
	if err := a.SetPos(ctx, Position{8, 1700000000223456789}); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("SetPos after the lease was taken: %v", err)
	}
	if p, err := b.Pos(ctx); err != nil || p != (Position{7, 1700000000123456789}) {
		t.Fatalf("Pos = %+v, %v", p, err)
	}
	// As an earlier version wrote it: the time unknown.
	a.Client().Set(ctx, ns+":{w}:pos", "9", 0)
	if p, err := b.Pos(ctx); err != nil || p != (Position{Seq: 9}) {
		t.Fatalf("Pos of %q = %+v, %v", "9", p, err)
	}
	if v, err := b.Get([]byte("a/x")); err != nil || string(v) != "2" {
		t.Fatalf("a/x = %q, %v", v, err)
	}
	a.Release()
	if err := b.Release(); err != nil {
		t.Fatal(err)
	}
}

// TestRecovery: a batch logged but not applied (the writer died between)
// is applied by the next Open, in log order, and only once.
func TestRecovery(t *testing.T) {
	ns := fmt.Sprintf("rec%d", time.Now().UnixNano())
	a := open(t, Options{Namespace: ns})
	ctx := context.Background()
	bt := a.NewBatch()
	bt.Set([]byte("a/k"), []byte("old"))
	if err := bt.Commit(); err != nil {
		t.Fatal(err)
	}
	// Two entries logged by a writer that died before applying them.
	for _, v := range []string{"mid", "new"} {
		if err := a.Client().XAdd(ctx, &redis.XAddArgs{Stream: ns + ":{w}:log", Values: []any{"b", encodeOps([]op{{key: []byte("a/k"), value: []byte(v)}, {key: []byte("a/" + v), value: []byte("1")}})}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if v, _ := a.Get([]byte("a/k")); string(v) != "old" {
		t.Fatalf("a/k = %q before recovery", v)
	}
	b := open(t, Options{Namespace: ns})
	if v, _ := b.Get([]byte("a/k")); string(v) != "new" {
		t.Fatalf("a/k = %q after recovery, want new", v)
	}
	var keys []string
	b.Scan([]byte("a/"), []byte("a0"), func(k, v []byte) error { keys = append(keys, string(k)); return nil })
	if fmt.Sprint(keys) != "[a/k a/mid a/new]" {
		t.Fatalf("keys %v", keys)
	}
	if n, _ := b.Client().XLen(ctx, ns+":{w}:log").Result(); n != 0 {
		t.Fatalf("%d entries left in the log", n)
	}
}

func TestPositionCovers(t *testing.T) {
	p := Position{Seq: 10, Stored: 1000}
	for _, c := range []struct {
		seq    uint64
		stored int64
		want   bool
	}{
		{10, 1000, true},  // the message of the position
		{3, 400, true},    // before it
		{11, 1100, false}, // after it
		{3, 1500, false},  // numbered below it, stored after: a stream that lost messages
		{3, 0, true},      // the time unknown
	} {
		if got := p.Covers(c.seq, c.stored); got != c.want {
			t.Errorf("Position{10, 1000}.Covers(%d, %d) = %v", c.seq, c.stored, got)
		}
	}
	if !(Position{Seq: 10}).Covers(3, 1500) {
		t.Error("a position without its time covers every message numbered below it")
	}
}

// TestLeaseFence: a writer paused past its lease between logging a batch
// and applying it (a stop-the-world pause, SIGSTOP) does not apply it
// when it resumes: the next holder applied it in its recovery and wrote
// after it, and applying it again would undo those writes.
func TestLeaseFence(t *testing.T) {
	ns := fmt.Sprintf("fence%d", time.Now().UnixNano())
	a := open(t, Options{Namespace: ns, RequireLease: true})
	b := open(t, Options{Namespace: ns, RequireLease: true})
	ctx := context.Background()
	const ttl = time.Second
	if err := a.Acquire(ctx, ttl); err != nil {
		t.Fatal(err)
	}
	paused, resume := make(chan struct{}), make(chan struct{})
	a.beforeApply = func() {
		close(paused)
		<-resume
	}
	done := make(chan error, 1)
	go func() {
		bt := a.NewBatch()
		bt.Set([]byte("a/x"), []byte("old"))
		bt.Set([]byte("a/y"), []byte("old"))
		done <- bt.Commit()
	}()
	<-paused
	// a's lease runs out while it is paused (taken away here, as its
	// time to live would), b takes it, applies a's logged batch and
	// writes after it.
	a.Client().Del(ctx, ns+":{w}:lease")
	if err := b.Acquire(ctx, ttl); err != nil {
		t.Fatal(err)
	}
	if v, err := b.Get([]byte("a/y")); err != nil || string(v) != "old" {
		t.Fatalf("a's logged batch applied by b's recovery: a/y = %q, %v", v, err)
	}
	bt := b.NewBatch()
	bt.Set([]byte("a/x"), []byte("new"))
	if err := bt.Commit(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(ttl) // past a's lease by its own clock
	close(resume)
	if err := <-done; !errors.Is(err, ErrLeaseLost) {
		t.Errorf("a's commit after its lease ran out: %v, want ErrLeaseLost", err)
	}
	if v, err := b.Get([]byte("a/x")); err != nil || string(v) != "new" {
		t.Errorf("a/x = %q, %v after the paused writer resumed, want b's later write \"new\"", v, err)
	}
	a.Release()
	if err := b.Release(); err != nil {
		t.Fatal(err)
	}
}
