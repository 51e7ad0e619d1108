package text

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"

	"github.com/reprint-news/reprint/internal/binenc"
	"github.com/reprint-news/reprint/internal/stateeq"
)

// TestBoilerplateRoundTrip writes statistics with boilerplate, syndicated
// content and lines seen once, reads them back, and checks that both
// decide alike as more articles come.
func TestBoilerplateRoundTrip(t *testing.T) {
	b := NewBoilerplate(DefaultBoilerplateConfig())
	doc := func(i int) string {
		s := fmt.Sprintf("Article %d on event %d in city %d with many words to make a long line.\nDetail %d.", i, i*7, i%13, i*31)
		if i%3 == 0 {
			s += "\nSHARE THIS ARTICLE"
		}
		if i%5 == 0 { // syndicated: a long shared paragraph
			s += "\nThe wire story paragraph that many outlets reprint word for word today."
		}
		return s
	}
	for i := range 200 {
		addDoc(b, doc(i))
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	c := NewBoilerplate(DefaultBoilerplateConfig())
	if n, err := c.ReadFrom(bytes.NewReader(buf.Bytes())); err != nil || n != int64(buf.Len()) {
		t.Fatalf("read %d of %d bytes: %v", n, buf.Len(), err)
	}
	if d := stateeq.Diff(b, c, "uniq", "sts", "done"); d != "" {
		t.Fatalf("read back differs: %s", d)
	}
	if b.Set().Len() == 0 {
		t.Fatal("no boilerplate: the test does not exercise it")
	}
	for i := 200; i < 400; i++ {
		var d Doc
		d.Tokenize(doc(i))
		x := b.AddChanged(doc(i), d.Lines, nil)
		y := c.AddChanged(doc(i), d.Lines, nil)
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("article %d changed %v and %v", i, x, y)
		}
	}
	if d := stateeq.Diff(b, c, "uniq", "sts", "done"); d != "" {
		t.Fatalf("after more articles: %s", d)
	}
	if !reflect.DeepEqual(b.Set(), c.Set()) {
		t.Fatal("sets differ")
	}
}

func TestBoilerplateReadBad(t *testing.T) {
	b := NewBoilerplate(DefaultBoilerplateConfig())
	addDoc(b, "one line\nanother line")
	var buf bytes.Buffer
	b.WriteTo(&buf)
	other := NewBoilerplate(BoilerplateConfig{MinDocs: 3, MaxShare: 0.5})
	if _, err := other.ReadFrom(bytes.NewReader(buf.Bytes())); !errors.Is(err, binenc.ErrCorrupt) {
		t.Fatalf("other parameters: %v", err)
	}
	for _, cut := range []int{3, buf.Len() / 2, buf.Len() - 1} {
		c := NewBoilerplate(DefaultBoilerplateConfig())
		if _, err := c.ReadFrom(bytes.NewReader(buf.Bytes()[:cut])); !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, binenc.ErrCorrupt) {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if c.Docs() != 0 {
			t.Fatalf("cut at %d: taken in", cut)
		}
	}
}
