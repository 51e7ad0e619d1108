package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/redisstore"
	"github.com/reprint-news/reprint/store"
)

// stateFlags choose the state a command works on: a store directory
// (--data, one process) or a Redis Cluster that many processes share
// (--redis, default $REPRINT_REDIS).
type stateFlags struct {
	fs          *flag.FlagSet
	data, redis *string
	ns          *string
	store       storeFlags
	// observe, when set, is told the latency of each operation on a
	// Redis Cluster (redisstore.Options.Observe).
	observe func(op string, d time.Duration)
}

func addStateFlags(fs *flag.FlagSet) *stateFlags {
	return &stateFlags{
		fs:    fs,
		data:  fs.String("data", "", "store `DIR`"),
		redis: fs.String("redis", "", "state on a Redis Cluster shared by many processes, instead of --data: seed `ADDRS` (host:port,…; default $REPRINT_REDIS)"),
		ns:    fs.String("namespace", envOr("REPRINT_NAMESPACE", "reprint"), "key namespace of the state on the Redis Cluster (default $REPRINT_NAMESPACE or reprint)"),
		store: addStoreFlags(fs),
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// resolve checks that one state is named, after parsing: --data or
// --redis, or $REPRINT_REDIS when neither flag is given.
func (f *stateFlags) resolve() error {
	if *f.data != "" && *f.redis != "" {
		return fmt.Errorf("%w: give --data or --redis, not both", errUsage)
	}
	if *f.data == "" && *f.redis == "" {
		*f.redis = os.Getenv("REPRINT_REDIS")
	}
	if *f.data == "" && *f.redis == "" {
		return fmt.Errorf("%w: give --data DIR or --redis ADDRS (or set REPRINT_REDIS)", errUsage)
	}
	return nil
}

// shared reports whether the state is on a Redis Cluster.
func (f *stateFlags) shared() bool { return *f.redis != "" }

// String names the state for logs and messages.
func (f *stateFlags) String() string {
	if f.shared() {
		return fmt.Sprintf("redis %s (namespace %s)", *f.redis, *f.ns)
	}
	return *f.data
}

// open opens the state; o are the options of a store directory. A
// writer on a Redis Cluster commits only under the writer lease.
func (f *stateFlags) open(o store.Options) (store.KV, error) {
	if !f.shared() {
		return store.Open(*f.data, o)
	}
	var addrs []string
	for a := range strings.SplitSeq(*f.redis, ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	return redisstore.Open(redisstore.Options{Addrs: addrs, Namespace: *f.ns, Family: engine.KeyFamily,
		ReadOnly: o.ReadOnly, RequireLease: !o.ReadOnly, Observe: f.observe})
}

// addWindowFlag adds --window to a command that opens the engine.
func addWindowFlag(fs *flag.FlagSet) *uint64 {
	return fs.Uint64("window", 0, "bound the engine's in-memory indexes to the latest `N` articles: near duplicates are looked for among them and search finds them, so memory stops growing with the store (0: every article). Kept with the state, set once on a state without one (docs/STORE.md, \"A window\")")
}

// openEngine opens the live engine on st with cfg and the window asked
// for (0: the state's own), and refuses a state that keeps another one.
func openEngine(st store.KV, cfg engine.Config, window uint64, o engine.Options) (*engine.Live, error) {
	cfg.Window = window
	l, err := engine.OpenLiveWith(st, cfg, o)
	if err != nil {
		return nil, err
	}
	if has := l.Config().Window; window > 0 && has != window {
		return nil, fmt.Errorf("%w: the state keeps a window of %d articles; --window %d differs (a window is set once, on a state without one)", errUsage, has, window)
	}
	return l, nil
}
