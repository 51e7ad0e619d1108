package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/reprint-news/reprint/internal/testdata"
)

func TestBenchUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		want   int
		stderr string
	}{
		{"help (on stdout)", []string{"bench", "--help"}, exitOK, ""},
		{"data flag without value", []string{"bench", "--data"}, exitUsage, "flag needs an argument"},
		{"empty data", []string{"bench", "--data", ""}, exitUsage, "--data is required"},
		{"bad size", []string{"bench", "--data", t.TempDir(), "--sizes", "100,x"}, exitUsage, `bad size "x"`},
		{"zero size", []string{"bench", "--data", t.TempDir(), "--sizes", "0"}, exitUsage, `bad size "0"`},
		{"unknown flag", []string{"bench", "--nope"}, exitUsage, "flag provided but not defined"},
		{"data without text", []string{"bench", "--data", t.TempDir(), "--sizes", "10"}, exitFailure, "too little text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.want || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("reprint %q: exit %d (want %d)\nstdout:\n%s\nstderr (want %q):\n%s", tc.args, code, tc.want, stdout, tc.stderr, stderr)
			}
		})
	}
}

// TestBenchRun runs bench end to end. bench re-executes its own binary for
// the dedup child; here that is the test binary, which TestMain turns into
// the reprint command when asMainEnv is set.
func TestBenchRun(t *testing.T) {
	if testing.Short() {
		t.Skip("bench end to end is slow")
	}
	if raceEnabled {
		t.Skip("bench end to end is too slow under the race detector")
	}
	data := testdata.Require(t)
	t.Setenv(asMainEnv, "1")
	code, stdout, stderr := runCLI(t, "bench", "--sizes", "300,600", "--recall-max", "600", "--data", data, "--dir", t.TempDir())
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "sketch stage over 2000 articles") {
		t.Errorf("no sketch ratio line:\n%s", stdout)
	}
	var header []string
	rows := map[int][]string{}
	for _, l := range strings.Split(stdout, "\n") {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		if f[0] == "articles" {
			header = f
			continue
		}
		if n, err := strconv.Atoi(f[0]); err == nil {
			rows[n] = f
		}
	}
	if len(header) == 0 || header[len(header)-1] != "recall" {
		t.Fatalf("no table header ending in recall:\n%s", stdout)
	}
	if len(rows) != 2 || rows[300] == nil || rows[600] == nil {
		t.Fatalf("want rows for 300 and 600 articles:\n%s", stdout)
	}
	for n, f := range rows {
		// articles MB gen dedup articles/s MB/s peakRSS groups candidates pairs recall (found/expected)
		if len(f) != 12 {
			t.Errorf("row %d has %d columns: %q", n, len(f), f)
			continue
		}
		var found, expected int
		if _, err := fmt.Sscanf(f[11], "(%d/%d)", &found, &expected); err != nil || expected == 0 || found > expected {
			t.Errorf("row %d: recall counts %q", n, f[11])
		}
		recall, err := strconv.ParseFloat(f[10], 64)
		if err != nil || recall < 0.9 || recall > 1 {
			t.Errorf("row %d: recall %q", n, f[10])
		}
		if pairs, err := strconv.Atoi(f[9]); err != nil || pairs == 0 {
			t.Errorf("row %d: pairs %q", n, f[9])
		}
		if !strings.HasSuffix(f[6], "MB") {
			t.Errorf("row %d: peak RSS %q", n, f[6])
		}
	}
	if !strings.Contains(stderr, "reprint bench:") {
		t.Errorf("stderr:\n%s", stderr)
	}
}
