package synth

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/reprint-news/reprint/article"
)

const dataDir = "../../shared/data"

var (
	poolOnce sync.Once
	pool     *Pool
	poolErr  error
)

func testPool(tb testing.TB) *Pool {
	tb.Helper()
	if _, err := os.Stat(dataDir); err != nil {
		tb.Skipf("data directory %s absent: %v", dataDir, err)
	}
	poolOnce.Do(func() { pool, poolErr = LoadPool(dataDir) })
	if poolErr != nil {
		tb.Fatal(poolErr)
	}
	return pool
}

func generate(t *testing.T, p *Pool, cfg Config) ([]article.Article, []Planted) {
	t.Helper()
	var arts []article.Article
	var planted []Planted
	err := Generate(p, cfg, func(a article.Article) error {
		arts = append(arts, a)
		return nil
	}, func(pl Planted) { planted = append(planted, pl) })
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != cfg.Articles {
		t.Fatalf("got %d articles, want %d", len(arts), cfg.Articles)
	}
	return arts, planted
}

func TestLoadPool(t *testing.T) {
	p := testPool(t)
	t.Logf("sentences=%d documents=%d headlines=%d publishers=%d vocab=%d",
		p.Sentences(), p.Documents(), p.Headlines(), len(p.publishers), len(p.vocab))
	if p.Sentences() < 20000 || p.Documents() < 1000 || p.Headlines() < 6000 {
		t.Errorf("pool too small")
	}
	seen := map[string]bool{}
	for i := range p.sent {
		s := p.sentence(i)
		if seen[s] {
			t.Fatalf("duplicate sentence %q", s)
		}
		seen[s] = true
		if len(strings.Fields(s)) < minWords || strings.ContainsAny(s, "\n\t") || !utf8.ValidString(s) {
			t.Fatalf("bad sentence %q", s)
		}
	}
	if _, err := LoadPool(t.TempDir()); err == nil {
		t.Error("LoadPool of an empty directory succeeded")
	}
}

func TestSplitSentences(t *testing.T) {
	var got []string
	splitSentences("Mr. Smith went to Washington on Jan. 5. He met U.S. officials there! \"Is it true?\" she asked. Then 3 more came.\nNext line here",
		func(s string) { got = append(got, s) })
	want := []string{"Mr. Smith went to Washington on Jan. 5.", "He met U.S. officials there!", "\"Is it true?\" she asked.", "Then 3 more came.", "Next line here"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestDeterminism(t *testing.T) {
	p := testPool(t)
	cfg := Config{Articles: 3000, Seed: 42}
	read := func(dir string) []byte {
		files, n, err := WriteJSONL(dir, p, cfg, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 3 {
			t.Fatalf("got %d shards, want 3", len(files))
		}
		var all []byte
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		if int64(len(all)) != n {
			t.Errorf("WriteJSONL reported %d bytes, files hold %d", n, len(all))
		}
		return all
	}
	a, b := read(t.TempDir()), read(t.TempDir())
	if !bytes.Equal(a, b) {
		t.Fatal("same seed gave different corpora")
	}
	cfg.Seed = 43
	if c := read(t.TempDir()); bytes.Equal(a, c) {
		t.Fatal("different seeds gave the same corpus")
	}
}

func TestSizesAndDupFraction(t *testing.T) {
	p := testPool(t)
	for _, cfg := range []Config{
		{Articles: 20000, Seed: 1},
		{Articles: 5000, Seed: 2, TargetBytes: 1500, DupFraction: 0.5, Outlets: 10},
		{Articles: 3000, Seed: 3, TargetBytes: 6000, DupFraction: -1},
	} {
		t.Run(fmt.Sprintf("%d_%d_%g", cfg.Articles, cfg.TargetBytes, cfg.DupFraction), func(t *testing.T) {
			arts, planted := generate(t, p, cfg)
			c := cfg.withDefaults()
			total := 0
			for _, a := range arts {
				total += len(a.Text)
			}
			mean := float64(total) / float64(len(arts))
			t.Logf("mean text %.0f bytes (target %d), derived %d of %d", mean, c.TargetBytes, len(planted), len(arts))
			if math.Abs(mean-float64(c.TargetBytes)) > 0.15*float64(c.TargetBytes) {
				t.Errorf("mean text size %.0f not within 15%% of %d", mean, c.TargetBytes)
			}
			frac := float64(len(planted)) / float64(len(arts))
			if math.Abs(frac-c.DupFraction) > 0.03 {
				t.Errorf("derived fraction %.3f, want %.2f", frac, c.DupFraction)
			}
		})
	}
}

func TestArticles(t *testing.T) {
	p := testPool(t)
	cfg := Config{Articles: 10000, Seed: 7, Outlets: 20}
	arts, planted := generate(t, p, cfg)
	ids := map[string]bool{}
	var prev time.Time
	late := 0
	for i, a := range arts {
		if want := fmt.Sprintf("a%07d", i+1); a.ID != want {
			t.Fatalf("article %d has ID %q, want %q", i, a.ID, want)
		}
		if ids[a.ID] {
			t.Fatalf("duplicate ID %s", a.ID)
		}
		ids[a.ID] = true
		if a.Source == "" || a.Title == "" || !strings.HasPrefix(a.URL, "https://") || !strings.HasSuffix(a.URL, a.ID) {
			t.Fatalf("article %s: incomplete %+v", a.ID, a)
		}
		if !utf8.ValidString(a.Text) || !utf8.ValidString(a.Title) {
			t.Fatalf("article %s: invalid UTF-8", a.ID)
		}
		if strings.Contains(a.Text, "\n\n\n") || strings.TrimSpace(a.Text) != a.Text {
			t.Fatalf("article %s: stray blank lines or space", a.ID)
		}
		if a.Published.Before(prev) {
			late++
			if prev.Sub(a.Published) > 3*24*time.Hour {
				t.Fatalf("article %s published %v, %v before its predecessor", a.ID, a.Published, prev.Sub(a.Published))
			}
		}
		prev = a.Published
	}
	span := arts[len(arts)-1].Published.Sub(arts[0].Published)
	if span < 700*24*time.Hour || span > 740*24*time.Hour {
		t.Errorf("corpus spans %v, want about two years", span)
	}
	t.Logf("%d of %d published before their predecessor (jitter)", late, len(arts))
	for _, pl := range planted {
		if pl.From >= pl.ID || !ids[pl.From] {
			t.Fatalf("planted %+v: bad source", pl)
		}
	}
}

// Outlets' boilerplate lines appear across most of their articles.
func TestBoilerplate(t *testing.T) {
	p := testPool(t)
	cfg := Config{Articles: 5000, Seed: 11, Outlets: 20}
	arts, _ := generate(t, p, cfg)
	g, err := newGenerator(p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*outlet{}
	for i := range g.outs {
		byName[g.outs[i].name] = &g.outs[i]
	}
	count := map[string]int{}
	with := map[string]int{}
	for _, a := range arts {
		o := byName[a.Source]
		if o == nil {
			t.Fatalf("article %s: unknown outlet %q", a.ID, a.Source)
		}
		count[o.name]++
		if strings.Contains(a.Text, o.footer[0]) {
			with[o.name]++
		}
		if len(o.header) > 0 && strings.Contains(a.Text, o.footer[0]) && !strings.HasPrefix(a.Text, o.header[0]) {
			t.Fatalf("article %s has %s's footer but not its header", a.ID, o.name)
		}
	}
	if len(count) != cfg.Outlets {
		t.Errorf("%d outlets used, want %d", len(count), cfg.Outlets)
	}
	for name, n := range count {
		share := float64(with[name]) / float64(n)
		if n >= 50 && (share < 0.6 || share == 1) {
			t.Errorf("outlet %s: footer %q on %.2f of %d articles", name, byName[name].footer[0], share, n)
		}
	}
	t.Logf("outlet %s: header %q footer %q sep %q", g.outs[0].name, g.outs[0].header, g.outs[0].footer, g.outs[0].sep)
}

func TestJSONLRoundTrip(t *testing.T) {
	p := testPool(t)
	cfg := Config{Articles: 2500, Seed: 5}
	arts, _ := generate(t, p, cfg)
	dir := t.TempDir()
	files, _, err := WriteJSONL(dir, p, cfg, 1000)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"corpus-0000.jsonl", "corpus-0001.jsonl", "corpus-0002.jsonl"}
	for i, f := range files {
		if i >= len(want) || filepath.Base(f) != want[i] {
			t.Fatalf("shards %q, want %q", files, want)
		}
	}
	i := 0
	for _, name := range files {
		fh, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			line := sc.Bytes()
			if !utf8.Valid(line) || !json.Valid(line) {
				t.Fatalf("line %d: invalid UTF-8 or JSON", i+1)
			}
			var rec struct {
				ID, Source, URL, Published, Title, Text string
			}
			dec := json.NewDecoder(bytes.NewReader(line))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&rec); err != nil {
				t.Fatalf("line %d: %v", i+1, err)
			}
			pub, err := time.Parse(time.RFC3339, rec.Published)
			if err != nil {
				t.Fatal(err)
			}
			a := arts[i]
			if rec.ID != a.ID || rec.Source != a.Source || rec.URL != a.URL || !pub.Equal(a.Published) || rec.Title != a.Title || rec.Text != a.Text {
				t.Fatalf("line %d differs from Generate's article %s", i+1, a.ID)
			}
			i++
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if i != cfg.Articles {
		t.Fatalf("read %d articles, want %d", i, cfg.Articles)
	}
}

func TestJSONStringEscaping(t *testing.T) {
	for _, s := range []string{"", "plain", `quo"te back\slash`, "new\nline\r\ttab\x00\x1f\x7f", "ünïcödé “quotes” \u2028 😀"} {
		b := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil || got != s {
			t.Errorf("%q: round trip gave %q, %v", s, got, err)
		}
	}
}

// shingles returns the hashed 5-word shingles of text (lower-cased words).
func shingles(text string) map[uint64]struct{} {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	set := make(map[uint64]struct{}, len(words))
	for i := 0; i+5 <= len(words); i++ {
		h := fnv.New64a()
		h.Write([]byte(strings.Join(words[i:i+5], " ")))
		set[h.Sum64()] = struct{}{}
	}
	return set
}

func jaccard(a, b map[uint64]struct{}) float64 {
	inter := 0
	for k := range a {
		if _, ok := b[k]; ok {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}

// Planted pairs spread over the Jaccard range that matters around the
// 0.7–0.8 threshold.
func TestPlantedJaccardSpread(t *testing.T) {
	p := testPool(t)
	arts, planted := generate(t, p, Config{Articles: 6000, Seed: 9})
	byID := map[string]string{}
	for _, a := range arts {
		byID[a.ID] = a.Text
	}
	var bins [11]int
	kinds := map[string][]float64{}
	for _, pl := range planted {
		j := jaccard(shingles(byID[pl.ID]), shingles(byID[pl.From]))
		bins[int(j*10)]++
		kinds[pl.Kind] = append(kinds[pl.Kind], j)
	}
	var sb strings.Builder
	for k, n := range bins {
		fmt.Fprintf(&sb, " [%.1f,%.1f):%d", float64(k)/10, float64(k+1)/10, n)
	}
	t.Logf("planted Jaccard histogram:%s", sb.String())
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		js := kinds[k]
		slices.Sort(js)
		t.Logf("%-12s n=%4d  p10=%.2f median=%.2f p90=%.2f", k, len(js), js[len(js)/10], js[len(js)/2], js[len(js)*9/10])
	}
	n := float64(len(planted))
	low := float64(bins[3]+bins[4]+bins[5]+bins[6]) / n
	mid := float64(bins[7]+bins[8]) / n
	high := float64(bins[9]+bins[10]) / n
	if low < 0.15 || mid < 0.15 || high < 0.15 {
		t.Errorf("planted Jaccard not spread: [0.3,0.7) %.2f, [0.7,0.9) %.2f, [0.9,1] %.2f", low, mid, high)
	}
}

// Independent originals are never near-duplicates, though originals about
// the same source document share some sentences.
func TestOriginalsDistinct(t *testing.T) {
	p := testPool(t)
	arts, _ := generate(t, p, Config{Articles: 3000, Seed: 13, DupFraction: -1, Outlets: 1})
	// Count shared shingles per pair through an inverted index. Boilerplate
	// is the same for all (one outlet): strip it by using only body shingles.
	g, _ := newGenerator(p, Config{Articles: 1, Seed: 13, Outlets: 1})
	o := g.outs[0]
	post := map[uint64][]int32{}
	sets := make([]map[uint64]struct{}, len(arts))
	for i, a := range arts {
		body := a.Text
		for _, l := range append(append([]string{}, o.header...), o.footer...) {
			body = strings.ReplaceAll(body, l, "")
		}
		if k := strings.LastIndex(body, "Read more: "); k >= 0 {
			body = body[:k]
		}
		sets[i] = shingles(body)
		for h := range sets[i] {
			post[h] = append(post[h], int32(i))
		}
	}
	shared := map[[2]int32]int{}
	for _, ids := range post {
		if len(ids) > 200 {
			continue // pathological common shingle
		}
		for x := range ids {
			for y := x + 1; y < len(ids); y++ {
				shared[[2]int32{ids[x], ids[y]}]++
			}
		}
	}
	maxJ, related := 0.0, 0
	for pair, n := range shared {
		a, b := len(sets[pair[0]]), len(sets[pair[1]])
		j := float64(n) / float64(a+b-n)
		maxJ = max(maxJ, j)
		if j >= 0.05 {
			related++
		}
	}
	t.Logf("%d original pairs share shingles, %d with Jaccard >= 0.05, max %.3f", len(shared), related, maxJ)
	if maxJ >= 0.5 {
		t.Errorf("two independent originals have Jaccard %.2f", maxJ)
	}
	if related == 0 {
		t.Errorf("no topically related originals")
	}
}

func BenchmarkGenerate(b *testing.B) {
	p := testPool(b)
	const n = 10000
	var total int64
	for i := 0; b.Loop(); i++ {
		g, err := newGenerator(p, Config{Articles: n, Seed: uint64(i)})
		if err != nil {
			b.Fatal(err)
		}
		var line []byte
		for g.n < n {
			g.next()
			line = g.appendJSON(line[:0])
			total += int64(len(line))
		}
	}
	b.ReportMetric(float64(total)/1e6/b.Elapsed().Seconds(), "MB/s")
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "articles/s")
}

func BenchmarkWriteJSONL(b *testing.B) {
	p := testPool(b)
	dir := b.TempDir()
	var total int64
	for i := 0; b.Loop(); i++ {
		_, n, err := WriteJSONL(dir, p, Config{Articles: 20000, Seed: uint64(i)}, 10000)
		if err != nil {
			b.Fatal(err)
		}
		total += n
	}
	b.ReportMetric(float64(total)/1e6/b.Elapsed().Seconds(), "MB/s")
}
