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

const exportUsage = `Usage: reprint export --data DIR -o OUT

Writes the state of the store in DIR (made by 'reprint index' or
'reprint serve') to the directory OUT, in a canonical order, so that two
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

The store is read without the replay that serving needs; it must not be in
use by a running 'reprint serve' or 'reprint index'. Prints the counts as
JSON on stdout.

Flags:
`

func runExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", exportUsage, stdout, stderr)
	data := fs.String("data", "", "store `DIR`")
	out := fs.String("o", "", "output `DIR` (created if missing)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *data == "" || *out == "" || len(rest) > 0 {
		fs.Usage()
		return fmt.Errorf("%w: give --data DIR and -o OUT (and no PATH)", errUsage)
	}
	if _, err := os.Stat(*data); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	st, err := store.Open(*data, store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	stats, err := engine.Export(st, *out)
	if errors.Is(err, store.ErrNotFound) {
		err = fmt.Errorf("%s holds no reprint store", *data)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(stats)
}
