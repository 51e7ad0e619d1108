package article

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zst(t testing.TB, b []byte) []byte {
	t.Helper()
	w, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	return w.EncodeAll(b, nil)
}

// checkAccounting asserts the contract: n input records became exactly n
// emitted records plus skipped issues, and every emitted record is unique.
func checkAccounting(t testing.TB, recs []Record, issues []Issue, n int) {
	t.Helper()
	skipped := 0
	for _, i := range issues {
		if i.Skipped {
			skipped++
		}
	}
	if len(recs)+skipped != n {
		t.Errorf("accounting: %d emitted + %d skipped != %d records\nissues: %v", len(recs), skipped, n, issues)
	}
}

// checkIssues asserts the issues equal want, ignoring their free-text Detail.
func checkIssues(t testing.TB, issues, want []Issue) {
	t.Helper()
	got := slices.Clone(issues)
	for i := range got {
		got[i].Detail = ""
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("issues %v, want %v", got, want)
	}
}

func findIssue(issues []Issue, reason string) (Issue, bool) {
	for _, i := range issues {
		if i.Reason == reason {
			return i, true
		}
	}
	return Issue{}, false
}

func ids(recs []Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Article.ID)
	}
	return out
}

func newTestBufReader(data []byte) *bufio.Reader {
	return bufio.NewReaderSize(bytes.NewReader(data), 16)
}
