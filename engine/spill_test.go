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
