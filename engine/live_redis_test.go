package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/internal/clustertest"
	"github.com/reprint-news/reprint/redisstore"
	"github.com/reprint-news/reprint/store"
)

func TestMain(m *testing.M) { clustertest.Main(m) }

// openRedis opens a state in namespace ns on the test binary's Redis
// Cluster (writer: one that writes only under the writer lease).
func openRedis(t *testing.T, ns string, writer ...bool) *redisstore.KV {
	t.Helper()
	addrs, _ := clustertest.Shared(t)
	kv, err := redisstore.Open(redisstore.Options{Addrs: addrs, Namespace: ns, Family: KeyFamily, RequireLease: len(writer) > 0 && writer[0]})
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
	sameExport(t, stP, openRedis(t, ns), len(arts))
}

// sameExport checks that states a and b export to the same files, of n
// articles.
func sameExport(t *testing.T, a, b store.KV, n int) {
	t.Helper()
	da, db := t.TempDir(), t.TempDir()
	sa, err := Export(a, da)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := Export(b, db)
	if err != nil {
		t.Fatal(err)
	}
	if sa != sb || sa.Articles != n || sa.Groups == 0 || sa.Relations == 0 {
		t.Fatalf("exports %+v and %+v (%d articles)", sa, sb, n)
	}
	for _, f := range []string{"pairs.jsonl", "groups.jsonl", "stories.jsonl", "storylines.jsonl", "relations.jsonl"} {
		x, _ := os.ReadFile(filepath.Join(da, f))
		y, err := os.ReadFile(filepath.Join(db, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs", f)
		}
	}
}

// TestCatchUpInterleaved has three engines over one Redis state take
// turns, each catching up before it writes, as workers do: the state is
// the one engine's that took every article.
func TestCatchUpInterleaved(t *testing.T) {
	arts := readArticles(t, synthCorpus(t, 300, 13), seedsDir())
	stP, one := openLive(t, "")
	ns := fmt.Sprintf("turns%d", time.Now().UnixNano())
	var ls []*Live
	for range 3 {
		// Each write takes the lease and catches up first.
		l, err := OpenLive(openRedis(t, ns, true), DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
	}
	for lo, turn := 0, 0; lo < len(arts); turn++ {
		n := 1 + turn%7 // turns of 1 to 7 articles
		batch := arts[lo:min(lo+n, len(arts))]
		lo += len(batch)
		l := ls[turn%len(ls)]
		if turn%2 == 0 {
			if _, err := l.IngestMany(batch); err != nil {
				t.Fatal(err)
			}
		} else {
			for _, a := range batch {
				if _, err := l.Ingest(a); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := one.IngestMany(batch); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range ls {
		if _, err := l.CatchUp(); err != nil {
			t.Fatal(err)
		}
		if l.Len() != uint64(len(arts)) || l.Counts() != one.Counts() {
			t.Errorf("an engine caught up holds %d articles, %+v; want %d, %+v", l.Len(), l.Counts(), len(arts), one.Counts())
		}
	}
	sameExport(t, stP, openRedis(t, ns), len(arts))
}

// TestCatchUpCompleteHalfApplied: a process without the writer lease
// reads a shared state while another's batch is half applied — its later
// articles on their nodes already, earlier ones not yet, the counters
// ahead. Taking in only what lies below the watermark, it skips none of
// them for good: once the batch is applied and its writer has synced, it
// holds every article and goes on to decide as one engine would.
func TestCatchUpCompleteHalfApplied(t *testing.T) {
	arts := readArticles(t, synthCorpus(t, 60, 14), seedsDir())
	stP, one := openLive(t, "")
	if _, err := one.IngestMany(arts); err != nil {
		t.Fatal(err)
	}
	ns := fmt.Sprintf("half%d", time.Now().UnixNano())
	wkv := openRedis(t, ns, true)
	w, err := OpenLive(wkv, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.IngestMany(arts[:30]); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	seq30, mark30, err := wkv.Watermark(ctx)
	if err != nil || seq30 != 30 {
		t.Fatalf("watermark after 30 articles: %d %v", seq30, err)
	}
	r, err := OpenLive(openRedis(t, ns, true), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.IngestMany(arts[30:45]); err != nil {
		t.Fatal(err)
	}
	seq45, mark45, err := wkv.Watermark(ctx)
	if err != nil || seq45 != 45 {
		t.Fatalf("watermark after 45 articles: %d %v", seq45, err)
	}
	// The batch of 30–44 as a reader may find it while it is applied:
	// 30–37 not on their nodes yet, 38–44 and the counters there, the
	// watermark not risen.
	rc := wkv.Client()
	wmKey := ns + ":{w}:watermark"
	held := map[string]string{}
	for seq := uint64(30); seq < 38; seq++ {
		k := ns + ":v:" + string(seqKey(livePrefixSeq, seq))
		v, err := rc.Get(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		held[k] = v
		if err := rc.Del(ctx, k).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// catchUpAt sets the watermark at seq (its value mark) and has the
	// reader catch up: it must then hold want articles (else: failure).
	catchUpAt := func(seq uint64, mark []byte, want uint64, failure string) {
		t.Helper()
		if err := rc.Set(ctx, wmKey, fmt.Sprintf("%d %s", seq, mark), 0).Err(); err != nil {
			t.Fatal(err)
		}
		if _, err := r.CatchUpComplete(); err != nil {
			t.Fatal(err)
		}
		if r.Len() != want {
			t.Fatalf(failure, r.Len())
		}
	}
	catchUpAt(seq30, mark30, 30, "reading a half-applied batch, the reader holds %d articles, want the 30 below the watermark")
	// Applied, and synced by its writer.
	for k, v := range held {
		if err := rc.Set(ctx, k, v, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	catchUpAt(seq45, mark45, 45, "after the batch was applied the reader holds %d articles, want 45")
	if _, err := r.IngestMany(arts[45:]); err != nil {
		t.Fatal(err)
	}
	sameExport(t, stP, openRedis(t, ns), len(arts))
}

// TestDeletedByAnother: an article deleted by one process, and a copy of
// it posted to another: the other takes the deletion out of its memory
// when it catches up for the write (and, were the deletion not visible
// yet, would skip the deleted candidate as the deleting process does) —
// the copy is stored, with the answer one process gives.
func TestDeletedByAnother(t *testing.T) {
	arts := readArticles(t, synthCorpus(t, 40, 15), seedsDir())
	var copyOf article.Article // 004, the second capture of 002
	rest := arts[:0:0]
	for _, a := range arts {
		if strings.HasPrefix(a.ID, "004") {
			copyOf = a
		} else {
			rest = append(rest, a)
		}
	}
	const deleted = "002"
	var deletedID string
	for _, a := range rest {
		if strings.HasPrefix(a.ID, deleted) {
			deletedID = a.ID
		}
	}
	if copyOf.ID == "" || deletedID == "" {
		t.Fatal("the seeds 002 and 004 are not in the corpus")
	}
	stP, one := openLive(t, "")
	ns := fmt.Sprintf("del%d", time.Now().UnixNano())
	a, err := OpenLive(openRedis(t, ns, true), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*Live{one, a} {
		if _, err := l.IngestMany(rest); err != nil {
			t.Fatal(err)
		}
	}
	b, err := OpenLive(openRedis(t, ns, true), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*Live{one, a} {
		if err := l.Delete(deletedID); err != nil {
			t.Fatal(err)
		}
	}
	want, err := one.Ingest(copyOf)
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Ingest(copyOf)
	if err != nil {
		t.Fatalf("the copy of an article another process deleted: %v", err)
	}
	if got.Group != want.Group || got.Story != want.Story || len(got.Relations) != len(want.Relations) {
		t.Errorf("the copy's answer %+v, one process's %+v", got, want)
	}
	sameExport(t, stP, openRedis(t, ns), len(rest))
}

// TestDeletionTakenByOthers: processes sharing a state take each other's
// deletions out of their memory when they catch up — bucket and search
// indexes, id table, count — each deletion once, whether it was made
// there or elsewhere, and a process opened after a deletion never held
// the article.
func TestDeletionTakenByOthers(t *testing.T) {
	arts := readArticles(t, synthCorpus(t, 40, 16), seedsDir())
	ns := fmt.Sprintf("deltake%d", time.Now().UnixNano())
	a, err := OpenLive(openRedis(t, ns, true), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.IngestMany(arts); err != nil {
		t.Fatal(err)
	}
	b, err := OpenLive(openRedis(t, ns, true), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	first, second := arts[3], arts[7]
	x, err := a.Article(first.ID)
	if err != nil {
		t.Fatal(err)
	}
	y, err := a.Article(second.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Delete(first.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(second.ID); err != nil { // takes a's deletion first
		t.Fatal(err)
	}
	for _, l := range []*Live{a, b} {
		if _, err := l.CatchUpComplete(); err != nil {
			t.Fatal(err)
		}
	}
	c, err := OpenLive(openRedis(t, ns, true), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for name, l := range map[string]*Live{"a": a, "b": b, "opened after": c} {
		if got, want := l.Len(), uint64(len(arts)-2); got != want {
			t.Errorf("%s: %d articles in memory, want %d", name, got, want)
		}
		l.mu.Lock()
		inX, inY := l.bkt.Has(x.Seq), l.bkt.Has(y.Seq)
		_, idKnown := l.ids[l.idHash(first.ID)]
		l.mu.Unlock()
		if inX || inY || idKnown {
			t.Errorf("%s: the deleted articles are still in its buckets (%v, %v) or id table (%v)", name, inX, inY, idKnown)
		}
		l.rmu.Lock()
		n := l.words.Remove(x.Seq, prepare(first, false).words)
		l.rmu.Unlock()
		if n != 0 {
			t.Errorf("%s: the article a deleted is still in the search index (%d words)", name, n)
		}
	}
}
