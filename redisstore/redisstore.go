// Package redisstore keeps reprint's state (store.KV: the live engine's
// ordered keys and values) on a Redis Cluster, so that reprint processes
// on many machines share one state and a process holds none of it on its
// own disk.
//
// Layout, under a namespace NS (default "reprint"; docs/STORE.md):
//
//	NS:v:KEY        string   the value of KEY
//	NS:f:FAMILY     sorted set, every member scored 0: the keys of a scan
//	                family, ordered byte-wise (ZRANGE … BYLEX)
//	NS:{w}:log      stream   the write-ahead log: one entry per batch
//	NS:{w}:applied  string   id of the last log entry applied
//
// Redis Cluster has no ordered key scan and no transaction across hash
// slots. Ordered scans come from the sorted sets: the caller's Family
// function maps every key to its family (the engine's families are small:
// the members of one group, the articles of one story, …), and a scan
// reads one family. Values and families spread over all slots by their
// names; only the log's two keys share a slot (the hash tag {w}) because
// they change together.
//
// A batch is applied whole or not at all, also across a crash of the
// writer: Commit appends the batch to the log as one entry (acknowledged
// by WaitReplicas replicas, so a failover keeps it), then applies its
// writes node by node, each node's pipeline ending in WAIT so that the
// writes reach a replica before Commit returns, then marks the entry
// applied. A writer that dies between the two leaves the entry in the
// log; the next Open (of any process) applies every entry after the
// applied mark, in log order, before it reads anything. Writes are
// idempotent (SET, DEL, ZADD, ZREM), so applying an entry twice changes
// nothing. Readers may see a batch half-applied while it is being
// applied; the engine serializes its writers itself.
package redisstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/reprint-news/reprint/store"
)

// Options configure Open.
type Options struct {
	// Addrs are seed addresses of the cluster's nodes (host:port).
	Addrs []string
	// Namespace prefixes every key (default "reprint"); two states on one
	// cluster need two namespaces.
	Namespace string
	// Family maps a key to its scan family (a prefix of the key). Every
	// Scan must stay within the family of its lower bound. Required.
	Family func(key []byte) []byte
	// ReadOnly refuses writes (store.ErrReadOnly) and does not apply a
	// pending log entry at Open.
	ReadOnly bool
	// WaitReplicas is how many replicas of a node must acknowledge a
	// batch's writes before Commit returns (default 1; < 0: none).
	WaitReplicas int
	// WaitTimeout bounds that wait (default 2 s).
	WaitTimeout time.Duration
	// Timeout bounds one round trip (default 5 s).
	Timeout time.Duration
	// RequireLease refuses commits (ErrLeaseLost) unless this KV holds
	// the writer lease (Acquire): for processes that share the state.
	RequireLease bool
	// Observe, when set, is told how long each operation took: "get",
	// "scan", "commit" (a batch logged, applied and marked).
	Observe func(op string, d time.Duration)
}

// KV is a store.KV on a Redis Cluster. Its methods are safe for
// concurrent use; batches are committed one at a time.
type KV struct {
	c        *redis.ClusterClient
	o        Options
	ns       string
	logKey   string
	applied  string
	cmu      sync.Mutex // one commit at a time: log order is apply order
	lease    lease
	rmu      sync.Mutex
	replicas map[string]replicaCount // by primary address (wantAcks)
	// pending are the writes committed with CommitNoSync and not synced
	// yet, in order; overlay indexes the last one of each key (pmu).
	pmu      sync.Mutex
	pending  []op
	overlay  map[string]int
	byFamily map[string][]int // the pending writes of each family
	// taken counts the batches taken; durable is the count made durable;
	// failedTo and failErr say which were dropped by a failed Sync.
	taken, durable, failedTo uint64
	failErr                  error
	// dirty is set when a commit failed after its batch was logged: the
	// log holds a batch that may be half-applied, and it is applied (with
	// any other) before the next commit or read.
	dirty atomic.Bool
	// beforeApply, when set (tests), runs between logging a batch and
	// applying it.
	beforeApply func()
}

var _ store.KV = (*KV)(nil)

// ErrNotReplicated is returned by Commit when fewer replicas than
// Options.WaitReplicas acknowledged a batch in time. The batch is in the
// log and applied on the primaries.
var ErrNotReplicated = errors.New("redisstore: batch not acknowledged by the replicas in time")

// Open connects to the cluster, checks that it answers, and applies any
// batch a writer left in the log half-applied.
func Open(o Options) (*KV, error) {
	if len(o.Addrs) == 0 {
		return nil, errors.New("redisstore: no cluster addresses")
	}
	if o.Family == nil {
		return nil, errors.New("redisstore: no Family function")
	}
	if o.Namespace == "" {
		o.Namespace = "reprint"
	}
	if o.WaitReplicas == 0 {
		o.WaitReplicas = 1
	}
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = 2 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs:        o.Addrs,
		ReadTimeout:  o.Timeout + o.WaitTimeout,
		WriteTimeout: o.Timeout,
		DialTimeout:  o.Timeout,
		MaxRedirects: 8,
	})
	kv := &KV{c: c, o: o, ns: o.Namespace, logKey: o.Namespace + ":{w}:log", applied: o.Namespace + ":{w}:applied"}
	ctx, cancel := kv.ctx()
	defer cancel()
	// One node answering is enough: a cluster failing over one of its
	// primaries is still the state (its operations wait and retry).
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("redisstore: %v: %w", o.Addrs, err)
	}
	if !o.ReadOnly {
		if err := kv.recover(); err != nil {
			c.Close()
			return nil, err
		}
	}
	return kv, nil
}

// Unreachable reports whether err (of this package, or wrapping one of
// it) says the cluster did not answer — out of reach, stopped, restarting,
// loading its data, failing over — rather than refused an operation: an
// operation that may succeed if tried again later.
func Unreachable(err error) bool {
	if err == nil {
		return false
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	for _, p := range []string{"CLUSTERDOWN", "LOADING", "TRYAGAIN", "MASTERDOWN"} {
		if redis.HasErrorPrefix(err, p) {
			return true
		}
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, redis.ErrPoolTimeout)
}

func (kv *KV) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), kv.o.Timeout+kv.o.WaitTimeout)
}

func (kv *KV) valueKey(key []byte) string { return kv.ns + ":v:" + string(key) }

func (kv *KV) familyKey(key []byte) string { return kv.ns + ":f:" + string(kv.o.Family(key)) }

// Get returns the value of key, or store.ErrNotFound.
func (kv *KV) Get(key []byte) ([]byte, error) {
	kv.pmu.Lock()
	if i, ok := kv.overlay[string(key)]; ok {
		o := kv.pending[i]
		kv.pmu.Unlock()
		if o.del {
			return nil, store.ErrNotFound
		}
		return bytes.Clone(o.value), nil
	}
	kv.pmu.Unlock()
	if err := kv.settle(); err != nil {
		return nil, err
	}
	defer kv.observe("get", time.Now())
	ctx, cancel := kv.ctx()
	defer cancel()
	v, err := kv.c.Get(ctx, kv.valueKey(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: get: %w", err)
	}
	return v, nil
}

// scanPage is how many keys a scan reads per round trip.
const scanPage = 256

// Scan calls fn for every key of [lower, upper) in key order; the keys
// are those of lower's family (upper nil: to the family's end).
func (kv *KV) Scan(lower, upper []byte, fn func(key, value []byte) error) error {
	return kv.scan(lower, upper, false, fn)
}

// ScanReverse is Scan in descending key order.
func (kv *KV) ScanReverse(lower, upper []byte, fn func(key, value []byte) error) error {
	return kv.scan(lower, upper, true, fn)
}

func (kv *KV) scan(lower, upper []byte, reverse bool, fn func(key, value []byte) error) error {
	if err := kv.settle(); err != nil {
		return err
	}
	defer kv.observe("scan", time.Now())
	if mine := kv.pendingIn(lower, upper); mine != nil {
		return kv.scanMerged(lower, upper, reverse, mine, fn)
	}
	return kv.scanCluster(lower, upper, reverse, fn)
}

// pendingIn returns the pending writes (the last of each key) in [lower,
// upper) of lower's family, sorted by key; nil when there are none.
func (kv *KV) pendingIn(lower, upper []byte) []op {
	kv.pmu.Lock()
	defer kv.pmu.Unlock()
	if len(kv.overlay) == 0 {
		return nil
	}
	var out []op
	for _, i := range kv.byFamily[string(kv.o.Family(lower))] {
		o := kv.pending[i]
		if kv.overlay[string(o.key)] != i || bytes.Compare(o.key, lower) < 0 || (upper != nil && bytes.Compare(o.key, upper) >= 0) {
			continue // a later write of its key, or out of the range
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b op) int { return bytes.Compare(a.key, b.key) })
	return out
}

// scanMerged is scan over the cluster's keys with this KV's pending
// writes mine laid over them.
func (kv *KV) scanMerged(lower, upper []byte, reverse bool, mine []op, fn func(key, value []byte) error) error {
	var all []op
	err := kv.scanCluster(lower, upper, false, func(k, v []byte) error {
		all = append(all, op{key: bytes.Clone(k), value: bytes.Clone(v)})
		return nil
	})
	if err != nil {
		return err
	}
	merged := make([]op, 0, len(all)+len(mine))
	i, j := 0, 0
	for i < len(all) || j < len(mine) {
		switch {
		case j == len(mine) || (i < len(all) && bytes.Compare(all[i].key, mine[j].key) < 0):
			merged = append(merged, all[i])
			i++
		case i == len(all) || bytes.Compare(mine[j].key, all[i].key) < 0:
			if !mine[j].del {
				merged = append(merged, mine[j])
			}
			j++
		default: // the same key: the pending write wins
			if !mine[j].del {
				merged = append(merged, mine[j])
			}
			i++
			j++
		}
	}
	if reverse {
		slices.Reverse(merged)
	}
	for _, o := range merged {
		if err := fn(o.key, o.value); err != nil {
			return err
		}
	}
	return nil
}

// scanCluster is scan over what the cluster holds.
func (kv *KV) scanCluster(lower, upper []byte, reverse bool, fn func(key, value []byte) error) error {
	fam := kv.familyKey(lower)
	lo, hi := "["+string(lower), "+"
	if len(lower) == 0 {
		lo = "-"
	}
	if upper != nil {
		hi = "(" + string(upper)
	}
	for {
		ctx, cancel := kv.ctx()
		args := redis.ZRangeArgs{Key: fam, Start: lo, Stop: hi, ByLex: true, Count: scanPage}
		if reverse {
			args.Start, args.Stop, args.Rev = hi, lo, true
		}
		keys, err := kv.c.ZRangeArgs(ctx, args).Result()
		if err != nil {
			cancel()
			return fmt.Errorf("redisstore: scan: %w", err)
		}
		if len(keys) == 0 {
			cancel()
			return nil
		}
		cmds := make([]*redis.StringCmd, len(keys))
		_, err = kv.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range keys {
				cmds[i] = p.Get(ctx, kv.ns+":v:"+k)
			}
			return nil
		})
		cancel()
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("redisstore: scan: %w", err)
		}
		for i, k := range keys {
			v, err := cmds[i].Bytes()
			if errors.Is(err, redis.Nil) {
				continue // deleted between the two reads
			}
			if err != nil {
				return fmt.Errorf("redisstore: scan: %w", err)
			}
			if err := fn([]byte(k), v); err != nil {
				return err
			}
		}
		if len(keys) < scanPage {
			return nil
		}
		if reverse {
			hi = "(" + keys[len(keys)-1]
		} else {
			lo = "(" + keys[len(keys)-1]
		}
	}
}

// Sync writes the batches committed with CommitNoSync since the last
// Sync as one log entry (a group commit: one append, one round of
// pipelines, one WAIT per primary for all of them) and returns once they
// are durable. If it fails, they are dropped: they were never durable,
// and the caller's memory of them is stale (engine.Live rebuilds it).
func (kv *KV) Sync() error {
	if kv.o.ReadOnly {
		return store.ErrReadOnly
	}
	kv.pmu.Lock()
	target := kv.taken // the writes this call must see durable
	kv.pmu.Unlock()
	kv.cmu.Lock()
	defer kv.cmu.Unlock()
	kv.pmu.Lock()
	if kv.durable >= target { // an earlier Sync wrote them
		kv.pmu.Unlock()
		return nil
	}
	if target <= kv.failedTo { // an earlier Sync dropped them
		err := kv.failErr
		kv.pmu.Unlock()
		return err
	}
	ops, hi := kv.dropPending(), kv.taken
	kv.pmu.Unlock()
	err := kv.commitLocked(ops)
	kv.pmu.Lock()
	if err == nil {
		kv.durable = hi
	} else {
		kv.failedTo, kv.failErr = hi, err
	}
	kv.pmu.Unlock()
	return err
}

// dropPending empties the pending writes and returns them (kv.pmu held).
func (kv *KV) dropPending() []op {
	ops := kv.pending
	kv.pending, kv.overlay, kv.byFamily = nil, nil, nil
	return ops
}

// hold adds a batch to the pending writes and returns how many writes are
// pending.
func (kv *KV) hold(ops []op) int {
	kv.pmu.Lock()
	defer kv.pmu.Unlock()
	if kv.overlay == nil {
		kv.overlay = map[string]int{}
	}
	if kv.byFamily == nil {
		kv.byFamily = map[string][]int{}
	}
	for _, o := range ops {
		f := string(kv.o.Family(o.key))
		kv.overlay[string(o.key)] = len(kv.pending)
		kv.byFamily[f] = append(kv.byFamily[f], len(kv.pending))
		kv.pending = append(kv.pending, o)
	}
	kv.taken++
	return len(kv.pending)
}

// Writable returns store.ErrReadOnly for a read-only KV, else nil.
func (kv *KV) Writable() error {
	if kv.o.ReadOnly {
		return store.ErrReadOnly
	}
	return nil
}

// Close closes the connections.
func (kv *KV) Close() error { return kv.c.Close() }

// Client is the cluster client, for tests and tools.
func (kv *KV) Client() *redis.ClusterClient { return kv.c }

// NewBatch returns an empty batch.
func (kv *KV) NewBatch() store.Batch { return &batch{kv: kv} }

// op is one write of a batch.
type op struct {
	del        bool
	key, value []byte
}

type batch struct {
	kv   *KV
	ops  []op
	done bool
}

func (b *batch) Set(key, value []byte) {
	b.ops = append(b.ops, op{key: bytes.Clone(key), value: bytes.Clone(value)})
}

func (b *batch) Delete(key []byte) { b.ops = append(b.ops, op{del: true, key: bytes.Clone(key)}) }

func (b *batch) Len() int { return len(b.ops) }

func (b *batch) Discard() { b.done = true }

// CommitNoSync takes the batch into this KV's pending writes, which its
// reads see at once and Sync makes durable on the cluster, together.
// Other processes see them after the Sync.
func (b *batch) CommitNoSync() error {
	if err := b.check(); err != nil || len(b.ops) == 0 {
		return err
	}
	if b.kv.hold(b.ops) >= maxPending {
		return b.kv.Sync()
	}
	return nil
}

// maxPending bounds the writes CommitNoSync holds before it syncs itself.
const maxPending = 1 << 14

// check is what every commit checks first.
func (b *batch) check() error {
	if b.done {
		return errors.New("redisstore: batch committed or discarded before")
	}
	b.done = true
	kv := b.kv
	if err := kv.Writable(); err != nil {
		return err
	}
	if len(b.ops) > 0 && kv.o.RequireLease && kv.leaseToken() == "" {
		return ErrLeaseLost
	}
	return nil
}

// Commit makes the batch durable on the cluster, with any pending writes
// before it (CommitNoSync).
func (b *batch) Commit() error {
	if err := b.check(); err != nil || len(b.ops) == 0 {
		return err
	}
	b.kv.hold(b.ops)
	return b.kv.Sync()
}

// observe reports the time since t0 of operation op to Options.Observe.
func (kv *KV) observe(op string, t0 time.Time) {
	if kv.o.Observe != nil {
		kv.o.Observe(op, time.Since(t0))
	}
}

// commitLocked logs ops as one batch, applies them and marks them applied
// (kv.cmu held).
func (kv *KV) commitLocked(ops []op) error {
	defer kv.observe("commit", time.Now())
	ops = lastWrites(ops)
	if kv.dirty.Load() {
		if err := kv.recoverLocked(); err != nil {
			return err
		}
	}
	entry := encodeOps(ops)
	ctx, cancel := kv.ctx()
	defer cancel()
	// The log entry, acknowledged by a replica before anything is applied.
	node, err := kv.c.MasterForKey(ctx, kv.logKey)
	if err != nil {
		return fmt.Errorf("redisstore: commit: %w", err)
	}
	var add *redis.Cmd
	var wait *redis.IntCmd
	want := kv.wantAcks(ctx, node)
	_, err = node.Pipelined(ctx, func(p redis.Pipeliner) error {
		add = appendScript.Eval(ctx, p, []string{kv.logKey, kv.leaseKey()}, kv.leaseToken(), entry)
		if want > 0 {
			wait = kv.queueWait(ctx, p, want)
		}
		return nil
	})
	if err := leaseErr(add.Err()); errors.Is(err, ErrLeaseLost) {
		return err
	}
	if err != nil {
		return fmt.Errorf("redisstore: commit: logging the batch: %w", err)
	}
	id, _ := add.Text()
	if wait != nil && wait.Val() < int64(want) {
		// Logged on the primary only; applying it now would make a
		// failover lose what was acknowledged. Leave it to recovery.
		return fmt.Errorf("%w (log entry %s)", ErrNotReplicated, id)
	}
	if kv.beforeApply != nil {
		kv.beforeApply()
	}
	if err := kv.apply(ctx, ops); err != nil {
		kv.dirty.Store(true)
		return err
	}
	if err := kv.markApplied(ctx, id); err != nil {
		kv.dirty.Store(true)
		return err
	}
	return nil
}

// wantAcks returns how many replicas must acknowledge a write on
// primary node: WaitReplicas, or as many as the node has connected when it
// has fewer (a primary whose replica failed, or a replica promoted after
// its primary failed, runs alone until another replica joins; its writes
// are then as durable as its own append-only file, and the cluster is
// degraded, not stopped). The count is asked of the node at most once a
// second.
func (kv *KV) wantAcks(ctx context.Context, node *redis.Client) int {
	if kv.o.WaitReplicas <= 0 {
		return 0
	}
	addr := node.Options().Addr
	kv.rmu.Lock()
	r, ok := kv.replicas[addr]
	kv.rmu.Unlock()
	if !ok || time.Since(r.at) > time.Second {
		r = replicaCount{n: kv.o.WaitReplicas, at: time.Now()}
		if role, err := node.Do(ctx, "ROLE").Slice(); err == nil && len(role) >= 3 {
			connected, _ := role[2].([]any) // ROLE of a primary: "master", offset, [replicas]
			r.n = len(connected)
		}
		kv.rmu.Lock()
		if kv.replicas == nil {
			kv.replicas = map[string]replicaCount{}
		}
		kv.replicas[addr] = r
		kv.rmu.Unlock()
	}
	return min(kv.o.WaitReplicas, r.n)
}

type replicaCount struct {
	n  int
	at time.Time
}

// queueWait queues WAIT on pipeline p: it answers once the writes sent
// before it on the same connection reached n replicas, or the timeout
// passed, with how many did.
func (kv *KV) queueWait(ctx context.Context, p redis.Pipeliner, n int) *redis.IntCmd {
	cmd := redis.NewIntCmd(ctx, "wait", n, kv.o.WaitTimeout.Milliseconds())
	p.Process(ctx, cmd)
	return cmd
}

// apply writes ops on their nodes, one pipeline per primary ending in
// WAIT, all primaries at once.
func (kv *KV) apply(ctx context.Context, ops []op) error {
	for attempt := 0; ; attempt++ {
		err := kv.applyOnce(ctx, ops)
		if err == nil || attempt == 3 || ctx.Err() != nil || errors.Is(err, ErrLeaseLost) {
			return err
		}
		// A node moved or failed over: learn the cluster again, apply
		// again (writes are idempotent).
		kv.c.ReloadState(ctx)
		time.Sleep(time.Duration(100*(attempt+1)) * time.Millisecond)
	}
}

func (kv *KV) applyOnce(ctx context.Context, ops []op) error {
	type nodeOps struct {
		c   *redis.Client
		ops []int
	}
	byNode := map[string]*nodeOps{}
	add := func(key string, i int) error {
		c, err := kv.c.MasterForKey(ctx, key)
		if err != nil {
			return err
		}
		addr := c.Options().Addr
		n := byNode[addr]
		if n == nil {
			n = &nodeOps{c: c}
			byNode[addr] = n
		}
		n.ops = append(n.ops, i)
		return nil
	}
	// Each op is two writes: its value (even index) and its family
	// membership (odd index).
	keys := make([]string, 2*len(ops))
	for i, o := range ops {
		keys[2*i], keys[2*i+1] = kv.valueKey(o.key), kv.familyKey(o.key)
		if err := add(keys[2*i], 2*i); err != nil {
			return fmt.Errorf("redisstore: commit: %w", err)
		}
		if err := add(keys[2*i+1], 2*i+1); err != nil {
			return fmt.Errorf("redisstore: commit: %w", err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(byNode))
	for _, n := range byNode {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var wait *redis.IntCmd
			want := kv.wantAcks(ctx, n.c)
			if kv.fenced() {
				// Paused past the lease: another holder may have applied
				// this batch and written after it; applying it now would
				// undo those writes. The log keeps it for the next holder.
				errs <- ErrLeaseExpired
				return
			}
			_, err := n.c.Pipelined(ctx, func(p redis.Pipeliner) error {
				for _, j := range n.ops {
					o := ops[j/2]
					switch {
					case j%2 == 0 && o.del:
						p.Del(ctx, keys[j])
					case j%2 == 0:
						p.Set(ctx, keys[j], o.value, 0)
					case o.del:
						p.ZRem(ctx, keys[j], string(o.key))
					default:
						p.ZAdd(ctx, keys[j], redis.Z{Member: string(o.key)})
					}
				}
				if want > 0 {
					wait = kv.queueWait(ctx, p, want)
				}
				return nil
			})
			if err == nil && wait != nil && wait.Val() < int64(want) {
				err = ErrNotReplicated
			}
			if err != nil {
				errs <- fmt.Errorf("redisstore: commit on %s: %w", n.c.Options().Addr, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs // nil when none failed
}

// markApplied records log entry id as applied and drops it from the log.
func (kv *KV) markApplied(ctx context.Context, id string) error {
	_, err := kv.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, kv.applied, id, 0)
		p.XDel(ctx, kv.logKey, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: commit: marking the batch applied: %w", err)
	}
	return nil
}

// recover applies, in log order, every logged batch after the applied
// mark: the batches of a writer that stopped between logging and marking.
func (kv *KV) recover() error {
	kv.cmu.Lock()
	defer kv.cmu.Unlock()
	return kv.recoverLocked()
}

// settle applies what a failed commit of this KV left in the log before a
// read, when this KV may write (it holds the lease, or needs none).
func (kv *KV) settle() error {
	if !kv.dirty.Load() || kv.o.ReadOnly || (kv.o.RequireLease && kv.leaseToken() == "") {
		return nil
	}
	return kv.recover()
}

// recoverLocked is recover with kv.cmu held.
func (kv *KV) recoverLocked() error {
	ctx, cancel := kv.ctx()
	defer cancel()
	from := "-"
	last, err := kv.c.Get(ctx, kv.applied).Result()
	switch {
	case errors.Is(err, redis.Nil):
	case err != nil:
		return fmt.Errorf("redisstore: recovery: %w", err)
	default:
		from = "(" + last
	}
	entries, err := kv.c.XRange(ctx, kv.logKey, from, "+").Result()
	if err != nil {
		return fmt.Errorf("redisstore: recovery: %w", err)
	}
	for _, e := range entries {
		s, _ := e.Values["b"].(string)
		ops, err := decodeOps([]byte(s))
		if err != nil {
			return fmt.Errorf("redisstore: recovery: log entry %s: %w", e.ID, err)
		}
		if err := kv.apply(ctx, ops); err != nil {
			return err
		}
		if err := kv.markApplied(ctx, e.ID); err != nil {
			return err
		}
	}
	// Entries at or before the mark whose removal was lost are done.
	if last != "" {
		kv.c.XTrimMinID(ctx, kv.logKey, last)
	}
	kv.dirty.Store(false)
	return nil
}

// lastWrites keeps the last write of each key of ops, in their order: a
// group of articles rewrites its stories' records many times, and only the
// last version need be logged and applied.
func lastWrites(ops []op) []op {
	seen := make(map[string]bool, len(ops))
	keep := make([]bool, len(ops))
	n := 0
	for i := len(ops) - 1; i >= 0; i-- {
		if k := string(ops[i].key); !seen[k] {
			seen[k], keep[i] = true, true
			n++
		}
	}
	if n == len(ops) {
		return ops
	}
	out := make([]op, 0, n)
	for i, o := range ops {
		if keep[i] {
			out = append(out, o)
		}
	}
	return out
}

// encodeOps writes ops as: per op a kind byte (0 set, 1 delete), the key
// and (for a set) the value, each as a uvarint length and its bytes.
func encodeOps(ops []op) []byte {
	n := 0
	for _, o := range ops {
		n += 1 + 2*binary.MaxVarintLen64 + len(o.key) + len(o.value)
	}
	out := make([]byte, 0, n)
	for _, o := range ops {
		if o.del {
			out = append(out, 1)
			out = binary.AppendUvarint(out, uint64(len(o.key)))
			out = append(out, o.key...)
			continue
		}
		out = append(out, 0)
		out = binary.AppendUvarint(out, uint64(len(o.key)))
		out = append(out, o.key...)
		out = binary.AppendUvarint(out, uint64(len(o.value)))
		out = append(out, o.value...)
	}
	return out
}

func decodeOps(b []byte) ([]op, error) {
	var ops []op
	next := func() ([]byte, error) {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return nil, errors.New("truncated")
		}
		v := b[k : k+int(n)]
		b = b[k+int(n):]
		return v, nil
	}
	for len(b) > 0 {
		kind := b[0]
		b = b[1:]
		key, err := next()
		if err != nil {
			return nil, err
		}
		switch kind {
		case 1:
			ops = append(ops, op{del: true, key: key})
		case 0:
			v, err := next()
			if err != nil {
				return nil, err
			}
			ops = append(ops, op{key: key, value: v})
		default:
			return nil, fmt.Errorf("unknown write kind %d", kind)
		}
	}
	return ops, nil
}
