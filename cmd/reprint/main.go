// Command reprint finds copies, near-duplicates and reprints in news
// corpora. See `reprint help` and the README.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// errUsage marks an error that is the caller's fault (exit code 2).
var errUsage = errors.New("usage error")

type command struct {
	name  string
	short string
	run   func(args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"dedup", "find exact, near-duplicate and contained articles and group them", runDedup},
		{"stories", "group articles into stories (events) and storylines (subjects over time)", runStories},
		{"compare", "tell how two articles relate (copy, rewrite, partial, same story) and show the evidence", runCompare},
		{"index", "load articles into a store for 'reprint serve' (relations, groups, stories)", runIndex},
		{"serve", "serve a store: HTTP API, web UI, metrics", runServe},
		{"publish", "put articles on the NATS JetStream stream that workers process", runPublish},
		{"worker", "process articles from the stream into the state shared on a Redis Cluster", runWorker},
		{"export", "write a store's state (pairs, groups, stories, relations) in a canonical order", runExport},
		{"loadgen", "post a JSONL corpus to a running server and measure latency and throughput", runLoadgen},
		{"bench", "generate a realistic corpus and measure speed, memory and LSH recall", runBench},
		{"eval", "score predicted clusters against gold labels (pairwise, BCubed, ARI, NMI)", runEval},
		{"version", "print the version", func(_ []string, stdout, _ io.Writer) error {
			fmt.Fprintln(stdout, "reprint", version)
			return nil
		}},
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `reprint — find copies, rewrites and reprints in news text.

Usage:
  reprint COMMAND [flags] [PATH...]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.short)
	}
	fmt.Fprint(w, `
Run 'reprint help COMMAND' (or 'reprint COMMAND --help') for a command's flags;
'reprint --version' prints the version.
Exit codes: 0 success, 1 failure, 2 usage error.
`)
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help", "-help":
		if name == "help" && len(args) > 1 { // reprint help COMMAND
			if !slices.ContainsFunc(commands, func(c command) bool { return c.name == args[1] }) {
				fmt.Fprintf(stderr, "reprint help: unknown command %q\n\n", args[1])
				usage(stderr)
				return exitUsage
			}
			return run([]string{args[1], "--help"}, stdout, stderr)
		}
		usage(stdout)
		return exitOK
	case "--version", "-version", "-v":
		name = "version"
	}
	for _, c := range commands {
		if c.name == name {
			err := c.run(args[1:], stdout, stderr)
			switch {
			case err == nil:
				return exitOK
			case errors.Is(err, flag.ErrHelp):
				return exitOK
			case errors.Is(err, errUsage):
				fmt.Fprintln(stderr, "reprint "+name+":", err)
				return exitUsage
			default:
				fmt.Fprintln(stderr, "reprint "+name+":", err)
				return exitFailure
			}
		}
	}
	fmt.Fprintf(stderr, "reprint: unknown command %q\n\n", name)
	usage(stderr)
	return exitUsage
}

// newFlagSet returns the flag set of command name. Its usage (the text,
// then the flags) goes to stdout when asked for (-h, --help, reprint help
// NAME: exit 0) and to stderr with a usage error (a bad flag, a missing
// argument: exit 2).
func newFlagSet(name, usage string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	out := &flagOutput{w: stderr}
	fs.SetOutput(out)
	fs.Usage = func() {
		if out.parsing && !out.wrote { // from Parse, with no error before it: -h
			fs.SetOutput(stdout)
			defer fs.SetOutput(out)
		}
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	return fs
}

// flagOutput is a flag set's error output. It records that an error was
// written (the flag package writes a bad flag's error, then the usage),
// and parseInterspersed marks when the flags are being parsed: the usage
// printed then without an error before it was asked for.
type flagOutput struct {
	w       io.Writer
	wrote   bool
	parsing bool
}

func (o *flagOutput) Write(p []byte) (int, error) {
	o.wrote = true
	return o.w.Write(p)
}

// parseInterspersed parses flags that may appear before, between or after
// positional arguments, and returns the positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	if o, ok := fs.Output().(*flagOutput); ok {
		o.parsing = true
		defer func() { o.parsing = false }()
	}
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		rest := fs.Args()
		if endsWithTerminator(fs, args, len(args)-len(rest)) {
			// fs.Parse consumed a "--": everything after it is positional.
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// endsWithTerminator reports whether fs.Parse, having consumed args[:n]
// without error, stopped because it consumed a "--" that ends the flags
// (rather than at a non-flag argument). A "--" that is a flag's value does
// not count.
func endsWithTerminator(fs *flag.FlagSet, args []string, n int) bool {
	for i := 0; i < n; i++ {
		s := args[i]
		if s == "--" {
			return true
		}
		name := strings.TrimLeft(s, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
				continue
			}
			i++ // the flag's value
		}
	}
	return false
}
