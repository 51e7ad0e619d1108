package binenc

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	e := NewWriter(&buf)
	e.Uvarint(0)
	e.Uvarint(math.MaxUint64)
	e.Varint(-12345)
	e.Int(math.MinInt64)
	e.Bool(true)
	e.Bool(false)
	e.Uint64(0xdeadbeefcafe)
	e.Float64(math.Copysign(0, -1))
	e.Float64(math.NaN())
	e.String("")
	e.String("héllo")
	e.Bytes([]byte{1, 2, 3})
	e.Strings([]string{"a", "", "bcd"})
	e.Strings(nil)
	PutSlice(e, []uint32{1, 2, math.MaxUint32})
	PutSlice(e, []int32{-1, 0, 1})
	PutSlice(e, []float32{1.5, float32(math.Inf(-1))})
	PutSlice[uint64](e, nil)
	PutArray(e, []uint16{7, 8})
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	d := NewReaderSize(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if d.Uvarint() != 0 || d.Uvarint() != math.MaxUint64 || d.Varint() != -12345 || d.Int() != math.MinInt64 {
		t.Fatal("varints")
	}
	if !d.Bool() || d.Bool() || d.Uint64() != 0xdeadbeefcafe {
		t.Fatal("bool, uint64")
	}
	if f := d.Float64(); f != 0 || !math.Signbit(f) {
		t.Fatal("negative zero")
	}
	if !math.IsNaN(d.Float64()) {
		t.Fatal("NaN")
	}
	if d.String() != "" || d.String() != "héllo" || !bytes.Equal(d.Bytes(), []byte{1, 2, 3}) {
		t.Fatal("strings")
	}
	if got := d.Strings(); !slices.Equal(got, []string{"a", "", "bcd"}) {
		t.Fatalf("Strings %q", got)
	}
	if got := d.Strings(); got != nil {
		t.Fatalf("no strings: %q", got)
	}
	if got := Slice[uint32](d); !slices.Equal(got, []uint32{1, 2, math.MaxUint32}) {
		t.Fatalf("uint32s %v", got)
	}
	if got := Slice[int32](d); !slices.Equal(got, []int32{-1, 0, 1}) {
		t.Fatalf("int32s %v", got)
	}
	if got := Slice[float32](d); len(got) != 2 || got[0] != 1.5 || !math.IsInf(float64(got[1]), -1) {
		t.Fatalf("float32s %v", got)
	}
	if got := Slice[uint64](d); got != nil {
		t.Fatalf("empty slice %v", got)
	}
	u16 := make([]uint16, 2)
	Array(d, u16)
	if err := d.Err(); err != nil || !slices.Equal(u16, []uint16{7, 8}) {
		t.Fatalf("array %v, %v", u16, err)
	}
	if d.Len() != int64(buf.Len()) {
		t.Fatalf("read %d of %d bytes", d.Len(), buf.Len())
	}
	// Past the end.
	d.Uvarint()
	if !errors.Is(d.Err(), io.ErrUnexpectedEOF) {
		t.Fatalf("past the end: %v", d.Err())
	}
}

// TestBadLength checks that a length the stream cannot hold fails before
// anything is allocated for it, known size or not.
func TestBadLength(t *testing.T) {
	var buf bytes.Buffer
	e := NewWriter(&buf)
	e.Uvarint(1 << 30) // a length: 8 GB
	e.Uint64(1)
	e.Flush()
	d := NewReaderSize(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if s := Slice[uint64](d); s != nil || !errors.Is(d.Err(), ErrCorrupt) {
		t.Fatalf("known size: %v, %v", len(s), d.Err())
	}
	d = NewReader(bytes.NewReader(buf.Bytes()))
	if s := Slice[uint64](d); s != nil || !errors.Is(d.Err(), io.ErrUnexpectedEOF) {
		t.Fatalf("unknown size: %v, %v", len(s), d.Err())
	}
}

// TestShared checks that nested encoders share one Writer and one Reader.
func TestShared(t *testing.T) {
	var buf bytes.Buffer
	e := NewWriter(&buf)
	if NewWriter(e) != e {
		t.Fatal("a Writer on a Writer is not itself")
	}
	e.String("x")
	e.Flush()
	d := NewReader(&buf)
	if NewReader(d) != d {
		t.Fatal("a Reader on a Reader is not itself")
	}
}

// TestEncodeDecode: a value written under a tag reads back under it, with
// the byte counts of both sides equal; under another tag the body is not
// read and the error names what was expected; a map written by PutMap
// reads back equal.
func TestEncodeDecode(t *testing.T) {
	m := map[uint64]uint32{1: 10, 1 << 40: 20, 7: 0}
	var buf bytes.Buffer
	n, err := Encode(&buf, "test/1", func(e *Writer) error {
		PutMap(e, m)
		return e.JSON(map[string]int{"k": 3})
	})
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("wrote %d of %d bytes: %v", n, buf.Len(), err)
	}
	var got map[uint64]uint32
	read, err := Decode(bytes.NewReader(buf.Bytes()), "test/1", "a test value", func(d *Reader) error {
		got = Map[uint64, uint32](d)
		d.CheckJSON(map[string]int{"k": 3}, "test parameters")
		return nil
	})
	if err != nil || read != n || !maps.Equal(got, m) {
		t.Fatalf("read %d of %d bytes, %v: %v", read, n, got, err)
	}
	called := false
	_, err = Decode(bytes.NewReader(buf.Bytes()), "other/1", "another value", func(d *Reader) error {
		called = true
		return nil
	})
	if err == nil || called || !strings.Contains(err.Error(), `not another value: "test/1"`) {
		t.Fatalf("under another tag: body called %v, error %v", called, err)
	}
	_, err = Decode(bytes.NewReader(buf.Bytes()), "test/1", "a test value", func(d *Reader) error {
		Map[uint64, uint32](d)
		d.CheckJSON(map[string]int{"k": 4}, "test parameters")
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), `test parameters {"k":3}; want {"k":4}`) {
		t.Fatalf("other parameters: %v", err)
	}
}
