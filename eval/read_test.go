package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reprint-news/reprint/internal/testdata"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadGoldRealFiles(t *testing.T) {
	dir := testdata.Require(t)
	tests := []struct {
		file, level     string
		items, clusters int
	}{
		{"seeds.gold.jsonl", "story", 5, 3},
		{"seeds.gold.jsonl", "topic", 5, 1},
		{"seeds.gold.jsonl", "dup", 5, 4},
		// README: 772 articles, 66 stories, 33 topics.
		{"ecbplus-dev.gold.jsonl", "story", 772, 66},
		{"ecbplus-dev.gold.jsonl", "topic", 772, 33},
		// README: 6,366 headlines, 87 stories, 4 categories.
		{"uci-headlines.gold.jsonl", "story", 6366, 87},
		{"uci-headlines.gold.jsonl", "topic", 6366, 4},
	}
	for _, tc := range tests {
		g, err := ReadGold(filepath.Join(dir, tc.file), tc.level)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.file, tc.level, err)
		}
		s := Score(g, g)
		if s.Items != tc.items || s.GoldClusters != tc.clusters || s.PairF1 != 1 || s.ARI != 1 || s.NMI != 1 {
			t.Errorf("%s %s: %+v, want %d items in %d clusters", tc.file, tc.level, s, tc.items, tc.clusters)
		}
	}
	g, _ := ReadGold(filepath.Join(dir, "seeds.gold.jsonl"), "story")
	if g["002_324ffcc579898aeb"] != "s-vecernji-list-interview" || g["002_324ffcc579898aeb"] != g["004_82913c69984263d3"] {
		t.Errorf("seeds story labels: %v", g)
	}
	// ECB+ gold has no dup level: an error naming line 1.
	if _, err := ReadGold(filepath.Join(dir, "ecbplus-dev.gold.jsonl"), "dup"); err == nil || !strings.Contains(err.Error(), "ecbplus-dev.gold.jsonl:1:") {
		t.Errorf("ECB+ at level dup: %v", err)
	}
}

func TestReadGoldErrors(t *testing.T) {
	good := `{"id":"a","story":"s1","topic":"t"}` + "\n"
	tests := []struct {
		name, content, want string
	}{
		{"missing field", good + `{"id":"b","topic":"t"}` + "\n", `:2: item "b": no "story" field`},
		{"not json", good + "\n" + `{"id":"b",` + "\n", ":3: not a JSON object"},
		{"array", `["a","s"]`, ":1: not a JSON object"},
		{"null line", "null\n", ":1: not a JSON object"},
		{"missing id", good + `{"id":"b","story":"s"}` + "\n" + `{"story":"s"}`, `:3: no "id" field`},
		{"empty id", `{"id":"","story":"s"}`, `:1: empty "id"`},
		{"numeric label", `{"id":"a","story":3}`, `:1: item "a": "story" is not a string`},
		{"null label", `{"id":"a","story":null}`, `:1: item "a": "story" is not a string`},
		{"duplicate id", good + `{"id":"a","story":"s2"}`, `:2: item "a" appears twice`},
	}
	for _, tc := range tests {
		p := writeTemp(t, "gold.jsonl", tc.content)
		_, err := ReadGold(p, "story")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want it to name %s and contain %q", tc.name, err, p, tc.want)
		}
	}
	if _, err := ReadGold(filepath.Join(t.TempDir(), "nope.jsonl"), "story"); err == nil {
		t.Error("missing file: no error")
	}
	// Blank lines, CRLF and a last line without newline are fine.
	p := writeTemp(t, "gold.jsonl", "\r\n"+`{"id":"a","story":"s1"}`+"\r\n\n"+`{"id":"b","story":"s1","extra":[1,2]}`)
	g, err := ReadGold(p, "story")
	if err != nil || len(g) != 2 || g["a"] != "s1" || g["b"] != "s1" {
		t.Errorf("tolerant read: %v %v", g, err)
	}
}

func TestReadPred(t *testing.T) {
	p := writeTemp(t, "pred.jsonl",
		`{"id":"s1","title":"x","articles":["a","b"]}`+"\n"+
			`{"id":"g2","representative":"c","members":["c","d"]}`+"\n"+
			`{"id":"s3","articles":[]}`+"\n"+
			`{"id":"s4","articles":["e"]}`+"\n")
	c, err := ReadPred(p)
	if err != nil {
		t.Fatal(err)
	}
	want := Clustering{"a": "s1", "b": "s1", "c": "g2", "d": "g2", "e": "s4"}
	if len(c) != len(want) {
		t.Fatalf("got %v, want %v", c, want)
	}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s: %q, want %q", k, c[k], v)
		}
	}
}

func TestReadPredErrors(t *testing.T) {
	ok := `{"id":"s1","articles":["a","b"]}` + "\n"
	tests := []struct {
		name, content, want string
	}{
		{"in two clusters", ok + `{"id":"s2","members":["c","a"]}`, `:2: item "a" is in two clusters: "s1" and "s2"`},
		{"twice in one", `{"id":"s1","articles":["a","a"]}`, `:1: item "a" listed twice in cluster "s1"`},
		{"malformed", ok + ok[:10], ":2: not a JSON object"},
		{"no members", `{"id":"s1"}`, `:1: cluster "s1" has no "articles" or "members" array`},
		{"both fields", `{"id":"s1","articles":["a"],"members":["b"]}`, `has both "articles" and "members"`},
		{"not an array", `{"id":"s1","articles":"a"}`, `:1: cluster "s1": members must be an array of strings`},
		{"null members", `{"id":"s1","articles":null}`, `members must be an array of strings`},
		{"numbers", `{"id":"s1","articles":[1,2]}`, `members must be an array of strings`},
		{"empty member", `{"id":"s1","articles":["a",""]}`, `:1: cluster "s1": empty member id`},
		{"no id", ok + `{"articles":["c"]}`, `:2: no "id" field`},
		{"repeated cluster id", ok + `{"id":"s1","articles":["c"]}`, `:2: cluster id "s1" already used on line 1`},
	}
	for _, tc := range tests {
		p := writeTemp(t, "pred.jsonl", tc.content)
		_, err := ReadPred(p)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want it to name %s and contain %q", tc.name, err, p, tc.want)
		}
	}
}
