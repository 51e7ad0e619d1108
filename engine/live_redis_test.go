package engine

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/reprint-news/reprint/internal/clustertest"
	"github.com/reprint-news/reprint/redisstore"
)

func TestMain(m *testing.M) { clustertest.Main(m) }

// openRedis opens a state in namespace ns on the test binary's Redis
// Cluster.
func openRedis(t *testing.T, ns string) *redisstore.KV {
	t.Helper()
	addrs, _ := clustertest.Shared(t)
	kv, err := redisstore.Open(redisstore.Options{Addrs: addrs, Namespace: ns, Family: KeyFamily})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kv.Close() })
	return kv
}

// TestLiveOnRedis checks that the engine over a Redis Cluster gives the
// state it gives over Pebble, byte for byte in the export, and that a
// second engine opened on the same cluster (another process, or a
// restart) replays it and answers as the first.
func TestLiveOnRedis(t *testing.T) {
	arts := readArticles(t, synthCorpus(t, 300, 11), seedsDir())
	stP, onPebble := openLive(t, "")
	ns := fmt.Sprintf("live%d", time.Now().UnixNano())
	kv := openRedis(t, ns)
	onRedis, err := OpenLive(kv, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	half := len(arts) / 2
	for _, a := range arts[:half] {
		if _, err := onPebble.Ingest(a); err != nil {
			t.Fatal(err)
		}
		if _, err := onRedis.Ingest(a); err != nil {
			t.Fatal(err)
		}
	}
	// The rest in batches, on a second engine over the same state.
	again, err := OpenLive(openRedis(t, ns), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if again.Len() != uint64(half) {
		t.Fatalf("the second engine replayed %d articles, want %d", again.Len(), half)
	}
	for lo := half; lo < len(arts); lo += 50 {
		batch := arts[lo:min(lo+50, len(arts))]
		if _, err := onPebble.IngestMany(batch); err != nil {
			t.Fatal(err)
		}
		if _, err := again.IngestMany(batch); err != nil {
			t.Fatal(err)
		}
	}
	// An article seen before is answered from the state.
	got, err := again.Ingest(arts[0])
	if err != nil || got.New {
		t.Fatalf("re-posting the first article: new %v, %v", got != nil && got.New, err)
	}
	dp, dr := t.TempDir(), t.TempDir()
	sp, err := Export(stP, dp)
	if err != nil {
		t.Fatal(err)
	}
	sr, err := Export(openRedis(t, ns), dr)
	if err != nil {
		t.Fatal(err)
	}
	if sp != sr || sp.Articles != len(arts) || sp.Groups == 0 || sp.Relations == 0 {
		t.Fatalf("Pebble %+v, Redis %+v (%d articles)", sp, sr, len(arts))
	}
	for _, f := range []string{"pairs.jsonl", "groups.jsonl", "stories.jsonl", "storylines.jsonl", "relations.jsonl"} {
		x, _ := os.ReadFile(filepath.Join(dp, f))
		y, err := os.ReadFile(filepath.Join(dr, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between Pebble and Redis", f)
		}
	}
}
