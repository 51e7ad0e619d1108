package match

import (
	"bytes"
	"slices"
	"testing"

	"github.com/reprint-news/reprint/internal/stateeq"
	"github.com/reprint-news/reprint/text"
)

// TestDocFreqRoundTrip writes the counts and reads them back over the
// same background: the same state and the same weights.
func TestDocFreqRoundTrip(t *testing.T) {
	d := NewDocFreq("en")
	for i := range 300 {
		d.AddStems([]uint32{uint32(i % 17), uint32(i % 5), uint32(1000 + i)})
	}
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	e := NewDocFreq("en")
	if n, err := e.ReadFrom(bytes.NewReader(buf.Bytes())); err != nil || n != int64(buf.Len()) {
		t.Fatalf("read %d of %d bytes: %v", n, buf.Len(), err)
	}
	if diff := stateeq.Diff(d, e); diff != "" {
		t.Fatalf("read back differs: %s", diff)
	}
	const s = "The minister said the drones were seen over the harbour"
	var doc text.Doc
	doc.Tokenize(s)
	words := text.Words(nil, s, doc.Tokens, "en")
	x, y := make([]float64, len(words)), make([]float64, len(words))
	d.IDFs(words, x)
	e.IDFs(words, y)
	if !slices.Equal(x, y) {
		t.Fatalf("weights %v and %v", x, y)
	}
	if _, err := NewDocFreq("en").ReadFrom(bytes.NewReader(buf.Bytes()[:buf.Len()-1])); err == nil {
		t.Fatal("a truncated table was read")
	}
}

// TestSealedWeights: the sealed table weighs every word exactly as the
// DocFreq it was made from, to IDFQuantum as a Frozen keeps it — counted
// stems, stems known only from the background, unseen stems, stop words —
// with and without a background.
func TestSealedWeights(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		d := NewDocFreq(lang)
		texts := []string{
			"Tehran denied the accusations; Iran denies supplying drones to Russia.",
			"Kanaani said the claims were baseless and politically motivated.",
			"The foreign ministry spokesman rejected reports of drone deliveries.",
		}
		var words []text.Word
		for _, s := range texts {
			var doc text.Doc
			doc.Tokenize(s)
			w := text.Words(nil, s, doc.Tokens, lang)
			d.Add(w)
			words = append(words, w...)
		}
		for i := range 200 {
			words = append(words, text.Word{Stem: uint32(i*7919 + 1), Kind: text.Content}) // unseen
		}
		if d.bg != nil {
			k := 0
			for s := range d.bg.m {
				words = append(words, text.Word{Stem: s, Kind: text.Content})
				if k++; k == 500 {
					break
				}
			}
		}
		want, got := make([]float64, len(words)), make([]float64, len(words))
		d.IDFs(words, want)
		for i, w := range want {
			want[i] = float64(quantizeIDF(w)) * IDFQuantum
		}
		d.SealedFrozen().IDFs(words, got)
		for i := range words {
			if got[i] != want[i] {
				t.Fatalf("%s: word %d (%+v): sealed %v, DocFreq %v", lang, i, words[i], got[i], want[i])
			}
		}
	}
}
