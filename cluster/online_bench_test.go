package cluster

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/text"
)

// benchItems returns n story items made from the real ECB+ and SemEval
// texts of the development data, cycled, one every ten minutes.
func benchItems(b *testing.B, n int) []*Item {
	data := testdata.Require(b)
	var x text.FeatureExtractor
	var base []text.Features
	for _, name := range []string{"ecbplus-dev.jsonl", "semeval2022-en-pairs.jsonl"} {
		f, err := os.Open(filepath.Join(data, name))
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var a struct{ Title, Text, Text1, Text2 string }
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
				b.Fatal(err)
			}
			for _, t := range []string{a.Text, a.Text1, a.Text2} {
				if t != "" {
					base = append(base, x.Extract(a.Title, t))
				}
			}
		}
		f.Close()
	}
	items := make([]*Item, n)
	for i := range items {
		f := base[i%len(base)]
		items[i] = &Item{Fields: [NumFields][]text.Term{f.Body, f.Title, f.Ent, f.Nums, f.When}, Time: 1.6e9 + int64(i)*600, Lang: f.Lang}
	}
	return items
}

// BenchmarkOnlineStories runs the story clusterer with the engine's
// default story parameters over 20,000 items; ns/item is the cost of one
// assignment (Weigh + Observe + Assign + Add or New, on one goroutine).
func BenchmarkOnlineStories(b *testing.B) {
	items := benchItems(b, 20000)
	cfg := OnlineConfig{
		Weights: [NumFields]float64{1, 0.5, 1, 1, 0.25}, Threshold: 0.26, Sublinear: true,
		TauDays: 3, GraceDays: 2, TopTerms: 12, Indexed: [NumFields]bool{true, true, true},
		ItemTerms: 64, MaxPosting: 64, MaxCandidates: 16, CentroidTerms: 200,
		SameLanguage: true, CloseAfterTaus: 5, ClosedTerms: 16,
	}
	b.ReportAllocs()
	for b.Loop() {
		o := NewOnline(cfg)
		wr := o.NewWeigher()
		for _, it := range items {
			w := wr.Weigh(it)
			o.Observe(w)
			if c, _ := o.Assign(w); c >= 0 {
				o.Add(c, w)
			} else {
				o.New(w)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/item")
}
