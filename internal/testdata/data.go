// Package testdata locates the project's development data for tests and
// benchmarks: $REPRINT_DATA, else ../shared/data beside the repository.
package testdata

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Dir returns the development data directory, or "" when it is absent.
func Dir() string {
	if d := os.Getenv("REPRINT_DATA"); d != "" {
		return d
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	// file is <repo>/internal/testdata/data.go
	d := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(d, "README.md")); err != nil {
		return ""
	}
	return d
}

// Missing stops a test that lacks something it needs (why): a failure
// under CI, where .ci/run provides everything, a skip elsewhere.
func Missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// Require returns the data directory or stops the test: a failure under CI
// (where the data must be present), a skip elsewhere.
func Require(t testing.TB) string {
	t.Helper()
	d := Dir()
	if d == "" {
		Missing(t, "development data not found: set REPRINT_DATA or place shared/data beside the repository")
	}
	return d
}

// Repo returns the repository root.
func Repo() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Texts returns the "text" field of every record of JSONL file name of the
// development data (for benchmarks over a real vocabulary); it skips the
// benchmark when the data is absent.
func Texts(b testing.TB, name string) []string {
	b.Helper()
	dir := Dir()
	if dir == "" {
		b.Skip("development data not found")
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var texts []string
	dec := json.NewDecoder(f)
	for {
		var r struct{ Text string }
		if err := dec.Decode(&r); err != nil {
			break
		}
		texts = append(texts, r.Text)
	}
	return texts
}

// Filler returns n distinct sentences, one a line, that share no content
// word with news text: the bulk of a long text (a digest, a live blog)
// around an article placed in it.
func Filler(n int) string {
	var b strings.Builder
	for k := range n {
		fmt.Fprintf(&b, "Ledger entry %d records %d crates of zebra feed for warehouse %d.\n", k, 3*k+1, k%7)
	}
	return b.String()
}
