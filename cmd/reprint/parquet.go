package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/text"
)

// Output formats of -o DIR.
const (
	formatJSONL   = "jsonl"
	formatParquet = "parquet"
)

// Parquet rows of the tables written with --format parquet. Columns are
// named like the JSON fields; lists are LIST columns of strings, times
// TIMESTAMP(millisecond, UTC), null when unknown.

type pairRow struct {
	A           string  `parquet:"a"`
	B           string  `parquet:"b"`
	Relation    string  `parquet:"relation,dict"`
	Jaccard     float64 `parquet:"jaccard"`
	Containment float64 `parquet:"containment"`
}

type groupRow struct {
	ID             string   `parquet:"id"`
	Representative string   `parquet:"representative"`
	Members        []string `parquet:"members,list"`
}

type keepRow struct {
	ID string `parquet:"id"`
}

type boilerplateRow struct {
	Hash     string  `parquet:"hash"`
	Line     string  `parquet:"line"`
	Articles int64   `parquet:"articles"`
	Share    float64 `parquet:"dominant_context_share"`
}

type storyRow struct {
	ID        string     `parquet:"id"`
	Headline  string     `parquet:"headline"`
	FirstSeen *time.Time `parquet:"first_seen,optional,timestamp(millisecond:utc)"`
	LastSeen  *time.Time `parquet:"last_seen,optional,timestamp(millisecond:utc)"`
	Lang      string     `parquet:"lang,dict"`
	Articles  []string   `parquet:"articles,list"`
	Sources   []string   `parquet:"sources,list"`
	Groups    []string   `parquet:"groups,list"`
	Terms     []string   `parquet:"terms,list"`
}

type storylineRow struct {
	ID       string   `parquet:"id"`
	Stories  []string `parquet:"stories,list"`
	Articles []string `parquet:"articles,list"`
	Terms    []string `parquet:"terms,list"`
}

func pairRowOf(p engine.Pair) pairRow {
	return pairRow{A: p.A, B: p.B, Relation: string(p.Relation), Jaccard: p.Jaccard, Containment: p.Containment}
}

func groupRowOf(g engine.Group) groupRow {
	return groupRow{ID: g.ID, Representative: g.Representative, Members: nonNil(g.Members)}
}

func keepRowOf(id string) keepRow { return keepRow{ID: id} }

func boilerplateRowOf(b text.BoilerplateLine) boilerplateRow {
	return boilerplateRow{Hash: strconv.FormatUint(b.Hash, 10), Line: b.Text, Articles: int64(b.Articles), Share: b.Share}
}

func storyRowOf(s engine.Story) storyRow {
	return storyRow{ID: s.ID, Headline: s.Headline, FirstSeen: utcMillis(s.FirstSeen), LastSeen: utcMillis(s.LastSeen),
		Lang: s.Lang, Articles: nonNil(s.Articles), Sources: nonNil(s.Sources), Groups: nonNil(s.Groups), Terms: nonNil(s.Terms)}
}

func storylineRowOf(l engine.Storyline) storylineRow {
	return storylineRow{ID: l.ID, Stories: nonNil(l.Stories), Articles: nonNil(l.Articles), Terms: nonNil(l.Terms)}
}

// utcMillis is t in UTC, to the millisecond that a TIMESTAMP(millisecond)
// column keeps.
func utcMillis(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Millisecond)
	return &u
}

// nonNil makes an absent list an empty one, as the JSON output has [].
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// parquetRowGroupRows bounds the rows of one row group, so that readers
// can stream a large table.
const parquetRowGroupRows = 64 << 10

// writeParquet writes items as a Parquet table of rows R.
func writeParquet[T, R any](path string, items []T, conv func(T) R) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := parquet.NewGenericWriter[R](f, parquet.MaxRowsPerRowGroup(parquetRowGroupRows), parquet.Compression(&parquet.Zstd),
		parquet.CreatedBy("reprint", version, ""))
	fail := func(err error) error {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	rows := make([]R, 0, min(len(items), 1024))
	for i, it := range items {
		rows = append(rows, conv(it))
		if len(rows) == cap(rows) || i == len(items)-1 {
			if _, err := w.Write(rows); err != nil {
				return fail(err)
			}
			clear(rows)
			rows = rows[:0]
		}
	}
	if err := w.Close(); err != nil {
		return fail(err)
	}
	return f.Close()
}
