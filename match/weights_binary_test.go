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
