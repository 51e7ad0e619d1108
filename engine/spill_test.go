package engine

import (
	"slices"
	"testing"

	"github.com/reprint-news/reprint/text"
)

// TestTokenRecordRoundTrip: a token record decodes to what was encoded,
// with the bulk copy of this machine's byte order and with the portable
// loop, and both write the same bytes.
func TestTokenRecordRoundTrip(t *testing.T) {
	var d text.Doc
	d.Tokenize("Iran denies\nsending drones to Russia.\n\nThe foreign ministry said so on Friday.")
	toks := d.Hashes(nil)
	bulk := littleEndian
	defer func() { littleEndian = bulk }()
	var records [][]byte
	for _, le := range []bool{bulk, false} {
		littleEndian = le
		raw := encodeTokens(nil, toks, d.Lines)
		lines, got, err := decodeTokens(raw, uint32(len(toks)), nil, []uint32{7})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, toks) || len(lines) != len(d.Lines) {
			t.Fatalf("bulk=%v: tokens %v, want %v; %d lines, want %d", le, got, toks, len(lines), len(d.Lines))
		}
		for k, l := range lines {
			if want := d.Lines[k]; int(l.first) != want.First || int(l.n) != want.N || l.hash != want.Hash {
				t.Fatalf("bulk=%v: line %d %+v, want %+v", le, k, l, want)
			}
		}
		if _, _, err := decodeTokens(raw, uint32(len(toks))+1, nil, nil); err == nil {
			t.Fatal("a record with another token count decoded")
		}
		records = append(records, raw)
	}
	if !slices.Equal(records[0], records[1]) {
		t.Fatal("the bulk copy and the loop write different records")
	}
}

// seedFeatureRecords returns the encoded story features of the seed
// articles (with a title on one of them).
func seedFeatureRecords(t testing.TB) ([]featRecord, [][]byte) {
	arts := readArticles(t, seedsDir())
	var fx text.FeatureExtractor
	var frs []featRecord
	var raws [][]byte
	for i, a := range arts {
		title := ""
		if i == 0 {
			title = "Iran denies sending drones to Russia"
		}
		fr := featRecord{f: fx.Extract(title, a.Text)}
		fr.lang = fr.f.Lang
		fr.headline, fr.hasTitle = headlineOf(title, a.Text)
		frs, raws = append(frs, fr), append(raws, encodeFeatures(nil, &fr))
	}
	return frs, raws
}

// TestFeatureRecordRoundTrip: a story feature record decodes to what was
// encoded, and every cut of one is an error, not a panic.
func TestFeatureRecordRoundTrip(t *testing.T) {
	frs, raws := seedFeatureRecords(t)
	for i, raw := range raws {
		got, err := decodeFeatures(raw)
		if err != nil {
			t.Fatal(err)
		}
		want := frs[i]
		if got.headline != want.headline || got.lang != want.lang || got.hasTitle != want.hasTitle {
			t.Fatalf("record %d: %q %q %v, want %q %q %v", i, got.headline, got.lang, got.hasTitle, want.headline, want.lang, want.hasTitle)
		}
		for f, v := range got.vectors() {
			if !slices.Equal(*v, *want.vectors()[f]) {
				t.Fatalf("record %d field %d: %v, want %v", i, f, *v, *want.vectors()[f])
			}
		}
		for n := range len(raw) {
			if _, err := decodeFeatures(raw[:n]); err == nil {
				t.Fatalf("record %d cut at %d of %d bytes decoded", i, n, len(raw))
			}
		}
	}
}

// BenchmarkDecodeFeatures measures decoding a story feature record (what
// the story pass does for every article, ahead of the clusterer).
func BenchmarkDecodeFeatures(b *testing.B) {
	_, raws := seedFeatureRecords(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := decodeFeatures(raws[i%len(raws)]); err != nil {
			b.Fatal(err)
		}
	}
}
