package redisstore

import (
	"fmt"
	"testing"
	"time"

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
