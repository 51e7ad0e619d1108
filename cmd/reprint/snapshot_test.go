package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/reprint-news/reprint/engine"
)

// TestServeSnapshot loads articles with reprint index (which writes the
// snapshot), serves the store (started from it), posts more (snapshots
// every 100 articles, and one at SIGTERM), restarts it (from the last
// snapshot, nothing to replay) and posts the rest: every answer is the
// one of a single reprint index of all the articles. A deletion then
// makes the next start replay the store.
func TestServeSnapshot(t *testing.T) {
	file, lines := corpusLines(t, 600, 14)
	first := filepath.Join(t.TempDir(), "first.jsonl")
	if err := os.WriteFile(first, append(bytes.Join(lines[:300], []byte("\n")), '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	code, out, errOut := runCLI(t, "index", "--data", dir, "-q", "--batch", "100", first)
	if code != exitOK {
		t.Fatalf("reprint index: exit %d\n%s\n%s", code, out, errOut)
	}
	var sum indexSummary
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.SnapshotBytes == 0 || sum.FromSnapshot {
		t.Fatalf("index summary %s: %v", out, err)
	}
	snap := filepath.Join(dir, engine.SnapshotFile)
	if fi, err := os.Stat(snap); err != nil || fi.Size() != sum.SnapshotBytes {
		t.Fatalf("snapshot file: %v (%d bytes reported)", err, sum.SnapshotBytes)
	}

	srv := startServer(t, dir, "--snapshot-every", "100", "--prime-log=false")
	// The log line may follow /readyz by a moment.
	srv.waitLog(t, regexp.MustCompile(`started from the snapshot" .*seq=300 .*replayed_after=0`), 1, 10*time.Second)
	for _, line := range lines[300:450] {
		if code, _, err := post(srv.url, line); err != nil || code != http.StatusCreated {
			t.Fatalf("post: %d %v", code, err)
		}
	}
	written := regexp.MustCompile(`msg="snapshot written"`)
	srv.waitLog(t, written, 1, 10*time.Second) // 100 articles posted: one while serving
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-srv.done; err != nil {
		t.Fatalf("server exit: %v", err)
	}
	if !regexp.MustCompile(`msg="snapshot written" .*seq=450 articles=450`).MatchString(srv.log()) {
		t.Fatalf("no snapshot at shutdown:\n%s", srv.log())
	}

	srv = startServer(t, dir, "--prime-log=false")
	// The log line may follow /readyz by a moment.
	srv.waitLog(t, regexp.MustCompile(`started from the snapshot" .*seq=450 .*replayed_after=0`), 1, 10*time.Second)
	for _, line := range lines[450:] {
		if code, _, err := post(srv.url, line); err != nil || code != http.StatusCreated {
			t.Fatalf("post: %d %v", code, err)
		}
	}
	// One reprint index of every article answers alike.
	dirAll := filepath.Join(t.TempDir(), "all")
	if code, out, errOut := runCLI(t, "index", "--data", dirAll, "-q", "--batch", "100", "--snapshot=false", file); code != exitOK {
		t.Fatalf("reprint index: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dirAll, engine.SnapshotFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("--snapshot=false wrote a snapshot: %v", err)
	}
	l := openStored(t, dirAll)
	var ids []string
	for _, line := range lines {
		var a struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
		sameAsIndexed(t, srv, l, a.ID)
	}

	// A deletion: no snapshot at shutdown, and the next start replays.
	req, _ := http.NewRequest(http.MethodDelete, srv.url+"/v1/articles/"+ids[10], nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusOK {
		t.Fatalf("delete: %v %v", resp, err)
	}
	resp.Body.Close()
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-srv.done; err != nil {
		t.Fatalf("server exit: %v", err)
	}
	if _, err := os.Stat(snap); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the snapshot is still there after a deletion: %v\n%s", err, srv.log())
	}
	srv = startServer(t, dir, "--prime-log=false")
	// The log line may follow /readyz by a moment.
	srv.waitLog(t, regexp.MustCompile(`no snapshot: replayed the store" articles=599`), 1, 10*time.Second)
}
