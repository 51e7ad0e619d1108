package main

import (
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/reprint-news/reprint/internal/clustertest"
)

// asMainEnv, when set to "1", makes the test binary behave as the reprint
// command itself (see TestMain). `reprint bench` re-executes its own binary
// (os.Executable) for the dedup child; under `go test` that binary is the
// test binary, so this lets bench be tested end to end without a separate
// build.
const asMainEnv = "REPRINT_CMD_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	clustertest.Main(m) // runs the tests; stops the shared cluster if one was started
}

// runCLI runs the command in-process and returns its exit code, stdout and
// stderr.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	missing := t.TempDir() + "/does-not-exist"
	tests := []struct {
		name string
		args []string
		want int
		// substrings expected on stdout / stderr
		stdout, stderr []string
	}{
		{name: "no args", args: nil, want: exitUsage, stderr: []string{"Usage:", "dedup"}},
		{name: "unknown command", args: []string{"frobnicate"}, want: exitUsage, stderr: []string{`unknown command "frobnicate"`, "Usage:"}},
		{name: "help", args: []string{"help"}, want: exitOK, stdout: []string{"Usage:", "dedup", "bench", "version", "Exit codes"}},
		{name: "-h", args: []string{"-h"}, want: exitOK, stdout: []string{"Usage:"}},
		{name: "--help", args: []string{"--help"}, want: exitOK, stdout: []string{"Usage:"}},
		{name: "version", args: []string{"version"}, want: exitOK, stdout: []string{"reprint " + version}},
		{name: "--version", args: []string{"--version"}, want: exitOK, stdout: []string{"reprint " + version}},
		{name: "-version", args: []string{"-version"}, want: exitOK, stdout: []string{"reprint " + version}},
		{name: "dedup --help", args: []string{"dedup", "--help"}, want: exitOK, stdout: []string{"reprint dedup", "pairs.jsonl", "-threshold"}},
		{name: "dedup -h", args: []string{"dedup", "-h"}, want: exitOK, stdout: []string{"pairs.jsonl"}},
		{name: "help dedup", args: []string{"help", "dedup"}, want: exitOK, stdout: []string{"reprint dedup", "pairs.jsonl", "-threshold"}},
		{name: "help serve", args: []string{"help", "serve"}, want: exitOK, stdout: []string{"reprint serve", "-addr"}},
		{name: "help compare", args: []string{"help", "compare"}, want: exitOK, stdout: []string{"reprint compare", "--pairs"}},
		{name: "bench --help", args: []string{"bench", "--help"}, want: exitOK, stdout: []string{"Usage: reprint bench"}},
		{name: "eval --help", args: []string{"eval", "--help"}, want: exitOK, stdout: []string{"Usage: reprint eval"}},
		{name: "help unknown", args: []string{"help", "frobnicate"}, want: exitUsage, stderr: []string{`unknown command "frobnicate"`, "Usage:"}},
		{name: "bad flag: usage on stderr", args: []string{"serve", "--nope"}, want: exitUsage, stderr: []string{"flag provided but not defined", "reprint serve"}},
		{name: "dedup no path", args: []string{"dedup"}, want: exitUsage, stderr: []string{"no input PATH"}},
		{name: "dedup only flags", args: []string{"dedup", "-q", "-o", t.TempDir()}, want: exitUsage, stderr: []string{"no input PATH"}},
		{name: "dedup missing path", args: []string{"dedup", missing}, want: exitUsage, stderr: []string{"does-not-exist"}},
		{name: "dedup one of two paths missing", args: []string{"dedup", "../../testdata/seeds", missing}, want: exitUsage, stderr: []string{"does-not-exist"}},
		{name: "threshold above 1", args: []string{"dedup", "--threshold", "1.5", "../../testdata/seeds"}, want: exitUsage, stderr: []string{"--threshold"}},
		{name: "threshold zero", args: []string{"dedup", "--threshold=0", "../../testdata/seeds"}, want: exitUsage, stderr: []string{"--threshold"}},
		{name: "containment negative", args: []string{"dedup", "--containment", "-0.1", "../../testdata/seeds"}, want: exitUsage, stderr: []string{"--containment"}},
		{name: "threshold not a number", args: []string{"dedup", "--threshold", "abc", "../../testdata/seeds"}, want: exitUsage, stderr: []string{`invalid value "abc"`}},
		{name: "workers not a number", args: []string{"dedup", "../../testdata/seeds", "--workers", "x"}, want: exitUsage, stderr: []string{`invalid value "x"`}},
		{name: "unknown flag", args: []string{"dedup", "--nope", "../../testdata/seeds"}, want: exitUsage, stderr: []string{"flag provided but not defined"}},
		{name: "flag without value", args: []string{"dedup", "../../testdata/seeds", "-o"}, want: exitUsage, stderr: []string{"flag needs an argument"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.want {
				t.Fatalf("reprint %q: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.want, stdout, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tc.want == exitOK && len(tc.stdout) > 0 && stderr != "" {
				t.Errorf("unexpected stderr:\n%s", stderr)
			}
			if tc.want != exitOK && stdout != "" {
				t.Errorf("a failing command wrote to stdout:\n%s", stdout)
			}
		})
	}
}

func TestVersionLine(t *testing.T) {
	code, stdout, _ := runCLI(t, "version")
	if code != exitOK || stdout != "reprint "+version+"\n" {
		t.Fatalf("version: exit %d, stdout %q", code, stdout)
	}
}

// TestStartupLeavesDateParserData: the HTML extractor's date parser
// (go-dateparser, replaced by third_party/go-dateparser:
// scripts/lazy-dateparser) builds its locale data on first use, not when
// the program starts: upstream's init allocates about 78 MB (0.3 s) in
// every process. Read from the runtime's init trace of `reprint version`.
func TestStartupLeavesDateParserData(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "version")
	cmd.Env = append(os.Environ(), asMainEnv+"=1", "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	const pkg = "init github.com/markusmobius/go-dateparser/internal/data "
	for line := range strings.Lines(string(out)) {
		rest, ok := strings.CutPrefix(line, pkg)
		if !ok {
			continue
		}
		// "@5.6 ms, 0.089 ms clock, 33968 bytes, 8 allocs"
		f := strings.Fields(rest)
		i := slices.Index(f, "bytes,")
		if i < 1 {
			t.Fatalf("init trace line %q", line)
		}
		bytes, err := strconv.Atoi(f[i-1])
		if err != nil {
			t.Fatalf("init trace line %q: %v", line, err)
		}
		if bytes > 1<<20 {
			t.Errorf("go-dateparser's locale data allocated %d bytes at start-up, want it built on first use", bytes)
		}
		return
	}
	t.Fatalf("no init trace of %s:\n%s", strings.TrimSpace(pkg), out)
}
