package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// ReadGold reads gold labels from a JSONL file with one object per item,
// {"id": str, "story": str, "topic": str, ...}, and returns the clustering
// given by the field named level (for example "story", "topic" or "dup").
// Blank lines are skipped. A line that is not a JSON object, lacks a
// non-empty string "id" or a string level field, or repeats an id is an
// error naming the file and line number.
func ReadGold(path, level string) (Clustering, error) {
	if level == "" {
		return nil, errors.New("ReadGold: empty level")
	}
	c := make(Clustering)
	err := eachLine(path, func(line int, rec map[string]json.RawMessage) error {
		id, err := stringField(rec, "id")
		if err != nil {
			return err
		}
		if id == "" {
			return errors.New(`empty "id"`)
		}
		label, err := stringField(rec, level)
		if err != nil {
			return fmt.Errorf("item %q: %w", id, err)
		}
		if _, dup := c[id]; dup {
			return fmt.Errorf("item %q appears twice", id)
		}
		c[id] = label
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ReadPred reads predicted clusters from a JSONL file with one object per
// cluster, {"id": str, ..., "articles": [str, ...]} — the member ids may be
// under "articles" or "members", so reprint's stories.jsonl, storylines.jsonl
// and groups.jsonl all work. Each member is labelled with its cluster's id.
// Blank lines are skipped. A malformed line, a missing or repeated cluster id,
// a line with neither or both member fields, an empty member id, or an item
// in two clusters is an error naming the file and line number.
func ReadPred(path string) (Clustering, error) {
	c := make(Clustering)
	seen := make(map[string]int) // cluster id → line
	err := eachLine(path, func(line int, rec map[string]json.RawMessage) error {
		id, err := stringField(rec, "id")
		if err != nil {
			return err
		}
		if id == "" {
			return errors.New(`empty cluster "id"`)
		}
		if prev, dup := seen[id]; dup {
			return fmt.Errorf("cluster id %q already used on line %d", id, prev)
		}
		seen[id] = line
		arts, hasA := rec["articles"]
		mems, hasM := rec["members"]
		var raw json.RawMessage
		switch {
		case hasA && hasM:
			return fmt.Errorf(`cluster %q has both "articles" and "members"`, id)
		case hasA:
			raw = arts
		case hasM:
			raw = mems
		default:
			return fmt.Errorf(`cluster %q has no "articles" or "members" array`, id)
		}
		var members []string
		if err := json.Unmarshal(raw, &members); err != nil || members == nil && !bytes.Equal(bytes.TrimSpace(raw), []byte("[]")) {
			return fmt.Errorf("cluster %q: members must be an array of strings", id)
		}
		for _, m := range members {
			if m == "" {
				return fmt.Errorf("cluster %q: empty member id", id)
			}
			if other, dup := c[m]; dup {
				if other == id {
					return fmt.Errorf("item %q listed twice in cluster %q", m, id)
				}
				return fmt.Errorf("item %q is in two clusters: %q and %q", m, other, id)
			}
			c[m] = id
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// eachLine calls fn with each non-blank line of path decoded as a JSON
// object, and wraps any error as "path:line: ...".
func eachLine(path string, fn func(line int, rec map[string]json.RawMessage) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if t := bytes.TrimSpace(b); len(t) > 0 {
			var rec map[string]json.RawMessage
			if jerr := json.Unmarshal(t, &rec); jerr != nil || rec == nil {
				if jerr == nil {
					jerr = errors.New("null")
				}
				return fmt.Errorf("%s:%d: not a JSON object: %v", path, line, jerr)
			}
			if ferr := fn(line, rec); ferr != nil {
				return fmt.Errorf("%s:%d: %w", path, line, ferr)
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

func stringField(rec map[string]json.RawMessage, name string) (string, error) {
	raw, ok := rec[name]
	if !ok {
		return "", fmt.Errorf("no %q field", name)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return "", fmt.Errorf("%q is not a string: %s", name, raw)
	}
	return s, nil
}
