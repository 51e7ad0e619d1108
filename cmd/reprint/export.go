package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/store"
)

const exportUsage = `Usage: reprint export (--data DIR | --redis ADDRS) -o OUT

Writes the state of the store in DIR (made by 'reprint index' or
'reprint serve'), or the state on a Redis Cluster (made by 'reprint
worker', or by 'reprint index' or 'reprint serve' with --redis), to the
directory OUT, in a canonical order, so that two
states compare with diff: the same articles in the same order give the
same files, however they were loaded.

  pairs.jsonl       {"a","b","relation","jaccard","containment"} per duplicate
                    pair (for contains, a holds b), sorted by a, b
  groups.jsonl      {"id","representative","members"} per duplicate group (its
                    id is its representative), members sorted
  stories.jsonl     {"id","storyline","first_seen","last_seen","articles"}
                    per story, articles sorted
  storylines.jsonl  {"id","stories","articles"} per storyline
  relations.jsonl   the text reuse relations, as 'reprint stories' writes them

The store is read without the replay that serving needs; a store
directory must not be in use by a running 'reprint serve' or 'reprint
index' (a Redis Cluster may be: the export is then of the state as it was
read, article by article). Prints the counts as
JSON on stdout.

Flags:
`

func runExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", exportUsage, stdout, stderr)
	sf := addStateFlags(fs)
	out := fs.String("o", "", "output `DIR` (created if missing)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *out == "" || len(rest) > 0 {
		fs.Usage()
		return fmt.Errorf("%w: give --data DIR or --redis ADDRS, and -o OUT (and no PATH)", errUsage)
	}
	if err := sf.resolve(); err != nil {
		fs.Usage()
		return err
	}
	if !sf.shared() {
		if _, err := os.Stat(*sf.data); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	st, err := sf.open(store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	stats, err := engine.Export(st, *out)
	if errors.Is(err, store.ErrNotFound) {
		err = fmt.Errorf("%s holds no reprint state", sf)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(stats)
}
