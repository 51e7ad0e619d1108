package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// The writer lease: the one ordered step of many processes over one state.
//
// Decisions that depend on earlier articles are taken one article at a
// time, in input order, by whichever process holds the lease (key
// NS:{w}:lease, holding the holder's random token, with a time to live it
// renews). While a KV holds it, every batch it commits is appended to the
// log only if the lease is still its own (checked on the log's node, in one
// script with the append), so a process that lost its lease — paused past
// the time to live, cut off from the cluster — cannot write after another
// took over. Beside it, NS:{w}:pos records the input position of the
// last article processed (Position: a NATS stream sequence and when the
// stream stored that message), set under the lease too.

// ErrLeaseLost is returned by a commit or SetPos of a KV whose lease
// expired or was taken by another process.
var ErrLeaseLost = errors.New("redisstore: the writer lease was lost")

// appendScript appends a batch to the log when the caller's lease (ARGV[1],
// "" when it holds none) is current.
var appendScript = redis.NewScript(`
if ARGV[1] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return redis.error_reply('LEASELOST')
end
return redis.call('XADD', KEYS[1], '*', 'b', ARGV[2])`)

// setPosScript sets the position when the lease is current.
var setPosScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('LEASELOST')
end
redis.call('SET', KEYS[2], ARGV[2])
return 1`)

// renewScript extends the lease when it is current; releaseScript drops it.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`)

var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`)

// lease is the KV's writer lease, when it holds one.
type lease struct {
	hold  sync.Mutex // serializes Acquire
	mu    sync.Mutex
	n     int // Acquires not yet released
	token string
	stop  chan struct{}
	done  chan struct{}
	// until is when the lease may have expired on the cluster, by this
	// process's monotonic clock: leaseMargin of the time to live before
	// the expiry counted from when the last SETNX or renewal that
	// succeeded was sent. A process paused past it (a stop-the-world
	// pause, SIGSTOP) no longer applies what it logged (fenced).
	until time.Time
}

// leaseMargin is the share of the lease's time to live a holder counts
// as its own (the rest absorbs the network's delay and clock drift).
const leaseMargin = 0.8

// ErrLeaseExpired is returned by a commit of a KV whose lease may have
// expired between logging the batch and applying it (the process paused
// past it): the batch is in the log, and the next lease holder applies
// it in its recovery, before its own writes.
var ErrLeaseExpired = fmt.Errorf("%w: expired between logging a batch and applying it (left to the next holder)", ErrLeaseLost)

// fenced reports whether this KV holds the lease only by a time to live
// that may have run out (see lease.until); false for a KV without one.
func (kv *KV) fenced() bool {
	kv.lease.mu.Lock()
	defer kv.lease.mu.Unlock()
	return kv.lease.token != "" && time.Now().After(kv.lease.until)
}

func (kv *KV) leaseKey() string { return kv.ns + ":{w}:lease" }
func (kv *KV) posKey() string   { return kv.ns + ":{w}:pos" }

// leaseToken returns the current token ("" when none is held).
func (kv *KV) leaseToken() string {
	kv.lease.mu.Lock()
	defer kv.lease.mu.Unlock()
	return kv.lease.token
}

// Acquire waits until this KV holds the writer lease (time to live ttl,
// renewed every ttl/3 until Release), or ctx ends. It is reentrant: a KV
// that holds the lease holds it until as many Releases as Acquires. Once it holds it, it
// applies whatever a writer before it left in the log half-applied.
func (kv *KV) Acquire(ctx context.Context, ttl time.Duration) error {
	kv.lease.hold.Lock() // one Acquire at a time: a second waits for the first
	defer kv.lease.hold.Unlock()
	kv.lease.mu.Lock()
	if kv.lease.token != "" {
		kv.lease.n++
		kv.lease.mu.Unlock()
		return nil
	}
	kv.lease.mu.Unlock()
	var b [16]byte
	rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	delay := 5 * time.Millisecond
	var sent time.Time
	for {
		// An error (a primary failing over, the cluster out of reach for
		// a moment) is waited out like a lease held by another, until ctx
		// ends.
		sent = time.Now()
		ok, err := kv.c.SetNX(ctx, kv.leaseKey(), token, ttl).Result()
		if err == nil && ok {
			break
		}
		if err == nil { // held: by another, or by this token whose reply was lost
			if v, _ := kv.c.Get(ctx, kv.leaseKey()).Result(); v == token {
				break
			}
		}
		if err != nil && ctx.Err() != nil {
			return fmt.Errorf("redisstore: acquiring the writer lease: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
	life := time.Duration(float64(ttl) * leaseMargin)
	kv.lease.mu.Lock()
	kv.lease.token, kv.lease.n = token, 1
	kv.lease.until = sent.Add(life)
	kv.lease.stop, kv.lease.done = make(chan struct{}), make(chan struct{})
	stop, done := kv.lease.stop, kv.lease.done
	kv.lease.mu.Unlock()
	go func() {
		defer close(done)
		tick := time.NewTicker(ttl / 3)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				c, cancel := kv.ctx()
				sent := time.Now()
				n, err := renewScript.Run(c, kv.c, []string{kv.leaseKey()}, token, ttl.Milliseconds()).Int()
				cancel()
				if err == nil && n == 1 {
					kv.lease.mu.Lock()
					if kv.lease.token == token {
						kv.lease.until = sent.Add(life)
					}
					kv.lease.mu.Unlock()
				}
			}
		}
	}()
	if err := kv.recover(); err != nil {
		kv.Release()
		return err
	}
	return nil
}

// Release matches an Acquire; the last one gives the writer lease up.
func (kv *KV) Release() error {
	kv.lease.mu.Lock()
	if kv.lease.n > 1 {
		kv.lease.n--
		kv.lease.mu.Unlock()
		return nil
	}
	token, stop, done := kv.lease.token, kv.lease.stop, kv.lease.done
	kv.lease.token, kv.lease.n = "", 0
	kv.lease.mu.Unlock()
	if token == "" {
		return nil
	}
	// Writes not synced cannot be once another process writes: dropped.
	kv.pmu.Lock()
	if len(kv.dropPending()) > 0 {
		kv.failedTo, kv.failErr = kv.taken, ErrLeaseLost
	}
	kv.pmu.Unlock()
	close(stop)
	<-done
	ctx, cancel := kv.ctx()
	defer cancel()
	return releaseScript.Run(ctx, kv.c, []string{kv.leaseKey()}, token).Err()
}

// Position is an input position: the stream sequence number of the last
// message processed, and when the stream stored it (Unix nanoseconds, 0
// when unknown). The time tells the messages processed from new ones
// under a number already used: a stream that lost messages it had
// stored (a NATS server killed before writing them, its storage lost)
// numbers the next ones again from below the position, and those were
// stored after it.
type Position struct {
	Seq    uint64
	Stored int64
}

// Covers reports whether the message seq stored at stored (Unix
// nanoseconds, 0: unknown) is at or before the position: processed.
func (p Position) Covers(seq uint64, stored int64) bool {
	return seq <= p.Seq && (p.Stored == 0 || stored == 0 || stored <= p.Stored)
}

// Pos returns the input position last set (zero: none). It is stored as
// "SEQ STORED" ("SEQ" alone as written by earlier versions: the time
// unknown).
func (kv *KV) Pos(ctx context.Context) (Position, error) {
	seq, stored, err := kv.getSeq(ctx, kv.posKey(), "position")
	p := Position{Seq: seq}
	if err == nil && stored != "" {
		if p.Stored, err = strconv.ParseInt(stored, 10, 64); err != nil {
			err = fmt.Errorf("redisstore: position: corrupt time %q", stored)
		}
	}
	if err != nil {
		return Position{}, err
	}
	return p, nil
}

// getSeq reads key, a string "SEQ REST" (REST and its space optional):
// 0 and "" when it is not set; what names the key in errors.
func (kv *KV) getSeq(ctx context.Context, key, what string) (uint64, string, error) {
	v, err := kv.c.Get(ctx, key).Result()
	if errors.Is(err, redis.Nil) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("redisstore: %s: %w", what, err)
	}
	n, rest, _ := strings.Cut(v, " ")
	seq, err := strconv.ParseUint(n, 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("redisstore: %s: corrupt value %q", what, v)
	}
	return seq, rest, nil
}

// SetPos records the input position of the last article processed; the
// KV must hold the writer lease.
func (kv *KV) SetPos(ctx context.Context, p Position) error {
	token := kv.leaseToken()
	if token == "" {
		return ErrLeaseLost
	}
	v := strconv.FormatUint(p.Seq, 10) + " " + strconv.FormatInt(p.Stored, 10)
	err := setPosScript.Run(ctx, kv.c, []string{kv.leaseKey(), kv.posKey()}, token, v).Err()
	return leaseErr(err)
}

// The watermark, NS:{w}:watermark: "SEQ VALUE", where every write of the
// state's writers below SEQ (the engine's article sequence numbers) is
// wholly applied, VALUE the caller's description of that point. Readers
// without the lease read up to it only, since a batch is applied node by
// node and may be half applied while they read. It only rises: a
// writer records it after a sync (its own writes applied, and every
// earlier writer's applied by Acquire's recovery), and a lower SEQ than
// the recorded one is ignored, so writers may record it in any order. Lost
// in a failover, it is lower than it could be, never higher.

// setWatermarkScript records SEQ VALUE unless a SEQ at least as high is.
var setWatermarkScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur then
  local n = tonumber(string.match(cur, '^(%d+)'))
  if n and n >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2])
return 1`)

func (kv *KV) watermarkKey() string { return kv.ns + ":{w}:watermark" }

// SetWatermark records that every write below seq is wholly applied,
// with value describing that point, unless a higher seq is recorded.
func (kv *KV) SetWatermark(ctx context.Context, seq uint64, value []byte) error {
	if seq >= 1<<53 { // Lua numbers are doubles
		return fmt.Errorf("redisstore: watermark %d out of range", seq)
	}
	err := setWatermarkScript.Run(ctx, kv.c, []string{kv.watermarkKey()}, seq, value).Err()
	if err != nil {
		return fmt.Errorf("redisstore: watermark: %w", err)
	}
	return nil
}

// Watermark returns the recorded watermark (0 and nil: none).
func (kv *KV) Watermark(ctx context.Context) (uint64, []byte, error) {
	seq, rest, err := kv.getSeq(ctx, kv.watermarkKey(), "watermark")
	if err != nil || seq == 0 {
		return 0, nil, err
	}
	return seq, []byte(rest), nil
}

// leaseErr turns the scripts' LEASELOST reply into ErrLeaseLost.
func leaseErr(err error) error {
	if err != nil && strings.HasSuffix(err.Error(), "LEASELOST") {
		return ErrLeaseLost
	}
	return err
}
