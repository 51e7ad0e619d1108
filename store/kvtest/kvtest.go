// Package kvtest is the conformance test of store.KV: every implementation
// (the Pebble store, the Redis Cluster store) runs the same checks of the
// rules the engine relies on.
package kvtest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/reprint-news/reprint/store"
)

// Family is the scan family the tests' keys follow: the first two bytes
// ("a/", "b/", …). An implementation that needs a family function (redisstore)
// is given this one.
func Family(key []byte) []byte {
	if len(key) < 2 {
		return key
	}
	return key[:2]
}

// Run checks kv, an empty store, against the rules of store.KV.
func Run(t *testing.T, kv store.KV) {
	t.Helper()
	// batch is a batch of ops: {key, value}, value "\x00del" for a delete.
	batch := func(ops ...[2]string) store.Batch {
		t.Helper()
		b := kv.NewBatch()
		for _, o := range ops {
			if o[1] == "\x00del" {
				b.Delete([]byte(o[0]))
			} else {
				b.Set([]byte(o[0]), []byte(o[1]))
			}
		}
		if b.Len() != len(ops) {
			t.Fatalf("Len = %d, want %d", b.Len(), len(ops))
		}
		return b
	}
	put := func(ops ...[2]string) {
		t.Helper()
		if err := batch(ops...).Commit(); err != nil {
			t.Fatal(err)
		}
	}
	scan := func(lower, upper string, reverse bool) []string {
		t.Helper()
		var up []byte
		if upper != "" {
			up = []byte(upper)
		}
		var got []string
		f := kv.Scan
		if reverse {
			f = kv.ScanReverse
		}
		if err := f([]byte(lower), up, func(k, v []byte) error {
			got = append(got, string(k)+"="+string(v))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}

	if err := kv.Writable(); err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Get([]byte("a/missing")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get of a missing key: %v, want ErrNotFound", err)
	}
	// Binary keys, sorted byte-wise (0x00 and 0xff included).
	put([2]string{"a/\x00\x01", "1"}, [2]string{"a/\xff\x00", "3"}, [2]string{"a/b", "2"}, [2]string{"b/x", "other family"})
	if v, err := kv.Get([]byte("a/b")); err != nil || string(v) != "2" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if got, want := scan("a/", "a0", false), []string{"a/\x00\x01=1", "a/b=2", "a/\xff\x00=3"}; !slices.Equal(got, want) {
		t.Fatalf("Scan = %q, want %q", got, want)
	}
	if got, want := scan("a/", "a0", true), []string{"a/\xff\x00=3", "a/b=2", "a/\x00\x01=1"}; !slices.Equal(got, want) {
		t.Fatalf("ScanReverse = %q, want %q", got, want)
	}
	// Bounds: lower inclusive, upper exclusive.
	if got, want := scan("a/b", "a/\xff\x00", false), []string{"a/b=2"}; !slices.Equal(got, want) {
		t.Fatalf("Scan [a/b, a/\\xff\\x00) = %q, want %q", got, want)
	}
	if got, want := scan("a/", string(store.PrefixEnd([]byte("a/"))), true), []string{"a/\xff\x00=3", "a/b=2", "a/\x00\x01=1"}; !slices.Equal(got, want) {
		t.Fatalf("ScanReverse to PrefixEnd = %q, want %q", got, want)
	}
	// A batch overwrites and deletes; a deleted key leaves scans.
	put([2]string{"a/b", "2b"}, [2]string{"a/\x00\x01", "\x00del"})
	if got, want := scan("a/", "a0", false), []string{"a/b=2b", "a/\xff\x00=3"}; !slices.Equal(got, want) {
		t.Fatalf("after overwrite and delete: %q, want %q", got, want)
	}
	if _, err := kv.Get([]byte("a/\x00\x01")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get of a deleted key: %v", err)
	}
	// A discarded batch writes nothing.
	b := kv.NewBatch()
	b.Set([]byte("a/discarded"), []byte("x"))
	b.Discard()
	if _, err := kv.Get([]byte("a/discarded")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("discarded write visible: %v", err)
	}
	// fn's error stops a scan and is returned.
	stop := errors.New("stop")
	n := 0
	if err := kv.Scan([]byte("a/"), nil, func(k, v []byte) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Fatalf("Scan with a stopping fn: %v after %d keys", err, n)
	}
	// Batches committed without a sync are read back at once — by Get and
	// by scans, merged with what was stored before, deletes included — and
	// stay after the Sync.
	b = kv.NewBatch()
	b.Set([]byte("d/2"), []byte("stored"))
	b.Set([]byte("d/4"), []byte("stored"))
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, ops := range [][][2]string{{{"d/1", "new"}, {"d/2", "\x00del"}}, {{"d/3", "new"}, {"d/4", "changed"}}} {
		if err := batch(ops...).CommitNoSync(); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 2 {
		if v, err := kv.Get([]byte("d/4")); err != nil || string(v) != "changed" {
			t.Fatalf("round %d: Get of a key changed without a sync = %q, %v", round, v, err)
		}
		if _, err := kv.Get([]byte("d/2")); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("round %d: Get of a key deleted without a sync: %v", round, err)
		}
		if got, want := scan("d/", "d0", false), []string{"d/1=new", "d/3=new", "d/4=changed"}; !slices.Equal(got, want) {
			t.Fatalf("round %d: Scan with writes not synced = %q, want %q", round, got, want)
		}
		if got, want := scan("d/", "d0", true), []string{"d/4=changed", "d/3=new", "d/1=new"}; !slices.Equal(got, want) {
			t.Fatalf("round %d: ScanReverse with writes not synced = %q, want %q", round, got, want)
		}
		if err := kv.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	// Long scans (more than one page of any implementation), both ways,
	// with CommitNoSync and Sync.
	const many = 1000
	b = kv.NewBatch()
	var want []string
	for i := range many {
		k := fmt.Sprintf("c/%05d", i)
		b.Set([]byte(k), bytes.Repeat([]byte{byte(i)}, i%7))
		want = append(want, k)
	}
	if err := b.CommitNoSync(); err != nil {
		t.Fatal(err)
	}
	if err := kv.Sync(); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := kv.Scan([]byte("c/"), store.PrefixEnd([]byte("c/")), func(k, v []byte) error {
		i := len(got)
		if !bytes.Equal(v, bytes.Repeat([]byte{byte(i)}, i%7)) {
			return fmt.Errorf("value of %s = %x", k, v)
		}
		got = append(got, string(k))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("long scan: %d keys, want %d", len(got), len(want))
	}
	got = got[:0]
	if err := kv.ScanReverse([]byte("c/00100"), []byte("c/00900"), func(k, v []byte) error {
		got = append(got, string(k))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Reverse(got)
	if !slices.Equal(got, want[100:900]) {
		t.Fatalf("long reverse scan: %d keys, want 800", len(got))
	}
}
