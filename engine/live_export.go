package engine

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/store"
)

// Exporting a service's state (`reprint export`).
//
// The state of a store — the duplicate pairs and groups, the stories and
// storylines, the text reuse relations — is written as JSONL files in a
// canonical order (every list sorted, every file sorted by its first
// fields), so that two states compare with diff: the same articles
// ingested in the same order give byte-identical files, whether loaded in
// bulk or posted one by one. The store is read directly, without the
// replay that serving needs: every answer is in the articles' records.

// ExportStats counts what Export wrote.
type ExportStats struct {
	Articles   int `json:"articles"`
	Pairs      int `json:"pairs"`
	Groups     int `json:"groups"`
	Stories    int `json:"stories"`
	Storylines int `json:"storylines"`
	Relations  int `json:"relations"`
}

// ExportStory is a line of stories.jsonl.
type ExportStory struct {
	ID        string     `json:"id"`
	Storyline string     `json:"storyline"`
	FirstSeen *time.Time `json:"first_seen"`
	LastSeen  *time.Time `json:"last_seen"`
	Articles  []string   `json:"articles"`
}

// ExportStoryline is a line of storylines.jsonl.
type ExportStoryline struct {
	ID       string   `json:"id"`
	Stories  []string `json:"stories"`
	Articles int      `json:"articles"`
}

// Export writes the state of store st to directory dir (created if
// missing): pairs.jsonl, groups.jsonl, stories.jsonl, storylines.jsonl
// and relations.jsonl.
func Export(st store.KV, dir string) (ExportStats, error) {
	var es ExportStats
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return es, err
	}
	var pairs []Pair
	var rels []Relation
	groups := map[string][]string{}
	stories := map[string]*ExportStory{}
	lines := map[string]*ExportStoryline{}
	err := st.Scan([]byte(livePrefixSeq), store.PrefixEnd([]byte(livePrefixSeq)), func(k, v []byte) error {
		a, err := decodeArticle(v)
		if err != nil {
			return fmt.Errorf("article #%x: %w", k[len(livePrefixSeq):], err)
		}
		es.Articles++
		for _, r := range a.Relations {
			// As the batch run writes a pair: for contains, a holds b.
			p := Pair{A: a.ID, B: r.ID, Relation: r.Relation, Jaccard: r.Jaccard, Containment: r.Containment}
			if r.Relation == match.Contains && r.Contains == "other" || r.Relation != match.Contains && r.ID < a.ID {
				p.A, p.B = p.B, p.A
			}
			pairs = append(pairs, p)
		}
		if a.Group != "" {
			groups[a.Group] = append(groups[a.Group], a.ID)
		}
		for _, r := range a.Reuse {
			rel := Relation{Story: a.Story, ReuseSummary: r.summary(a.ID)}
			if rel.B < rel.A {
				rel.A, rel.B, rel.CoverageA, rel.CoverageB = rel.B, rel.A, rel.CoverageB, rel.CoverageA
			}
			rels = append(rels, rel)
		}
		if a.Story != "" {
			s := stories[a.Story]
			if s == nil {
				s = &ExportStory{ID: a.Story, Storyline: a.Storyline}
				stories[a.Story] = s
			}
			s.Articles = append(s.Articles, a.ID)
		}
		return nil
	})
	if err != nil {
		return es, err
	}
	// Times and storylines from the story records.
	for id, s := range stories {
		num, _ := parseNum(id, 's')
		v, err := st.Get(seqKey(livePrefixStory, num))
		if err == nil {
			var rec LiveStory
			if err := decodeRecord(v, &rec); err != nil {
				return es, fmt.Errorf("story %s: %w", id, err)
			}
			s.Storyline = rec.Storyline
			if !rec.FirstSeen.IsZero() {
				f, l := rec.FirstSeen.UTC(), rec.LastSeen.UTC()
				s.FirstSeen, s.LastSeen = &f, &l
			}
		} else if err != store.ErrNotFound {
			return es, fmt.Errorf("story %s: %w", id, err)
		}
		slices.Sort(s.Articles)
		if s.Storyline != "" {
			l := lines[s.Storyline]
			if l == nil {
				l = &ExportStoryline{ID: s.Storyline}
				lines[s.Storyline] = l
			}
			l.Stories = append(l.Stories, id)
			l.Articles += len(s.Articles)
		}
	}
	slices.SortFunc(pairs, func(x, y Pair) int { return strings.Compare(x.A+"\x00"+x.B, y.A+"\x00"+y.B) })
	slices.SortFunc(rels, func(x, y Relation) int { return strings.Compare(x.A+"\x00"+x.B, y.A+"\x00"+y.B) })
	var gs []Group
	for rep, members := range groups {
		slices.Sort(members)
		gs = append(gs, Group{ID: rep, Representative: rep, Members: members})
	}
	slices.SortFunc(gs, func(x, y Group) int { return strings.Compare(x.ID, y.ID) })
	ss := sortedValues(stories)
	ls := sortedValues(lines)
	for _, l := range ls {
		slices.Sort(l.Stories)
	}
	es.Pairs, es.Groups, es.Stories, es.Storylines, es.Relations = len(pairs), len(gs), len(ss), len(ls), len(rels)
	for _, w := range []func() error{
		func() error { return writeRows(filepath.Join(dir, "pairs.jsonl"), pairs) },
		func() error { return writeRows(filepath.Join(dir, "groups.jsonl"), gs) },
		func() error { return writeRows(filepath.Join(dir, "stories.jsonl"), ss) },
		func() error { return writeRows(filepath.Join(dir, "storylines.jsonl"), ls) },
		func() error { return writeRows(filepath.Join(dir, "relations.jsonl"), rels) },
	} {
		if err := w(); err != nil {
			return es, err
		}
	}
	return es, nil
}

// sortedValues returns m's values in key order.
func sortedValues[T any](m map[string]*T) []*T {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]*T, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// writeRows writes rows to path, one JSON object per line.
func writeRows[T any](path string, rows []T) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // as the batch run writes its files
	for _, r := range rows {
		if err = enc.Encode(r); err != nil {
			break
		}
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
