// Package binenc is the compact binary encoding of the engine's in-memory
// state (engine.Live.Snapshot and the WriteTo and ReadFrom methods of the
// structures it holds): unsigned and signed varints, fixed-width
// little-endian numbers, and length-prefixed arrays of them written and
// read in bulk (on a little-endian machine an array is copied as it lies
// in memory, with no per-element work), over a buffered stream.
//
// A Writer and a Reader keep the first error; every later call does
// nothing, so an encoder checks Err once at the end. A Reader given the
// number of bytes left (NewReaderSize) refuses a length that could not
// fit in them before allocating for it, so a damaged stream fails with an
// error rather than an enormous allocation; without it, arrays grow as
// their bytes arrive.
package binenc

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"unsafe"
)

// ErrCorrupt is the error of a stream that cannot be what a Writer wrote.
var ErrCorrupt = errors.New("binenc: corrupt stream")

// littleEndian reports whether the machine stores numbers little-endian,
// the stream's order: arrays are then copied as they are.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// Writer encodes to a buffered stream.
type Writer struct {
	w   *bufio.Writer
	n   int64
	err error
	tmp [binary.MaxVarintLen64]byte
}

// NewWriter returns a Writer on w (w itself when it is a Writer: the
// encoders of nested structures share one stream).
func NewWriter(w io.Writer) *Writer {
	if e, ok := w.(*Writer); ok {
		return e
	}
	return &Writer{w: bufio.NewWriterSize(w, 1<<16)}
}

// Write writes p as it is (io.Writer).
func (e *Writer) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.n += int64(n)
	e.err = err
	return n, err
}

// Err returns the first error met.
func (e *Writer) Err() error { return e.err }

// Len returns the bytes written so far.
func (e *Writer) Len() int64 { return e.n }

// Flush writes the buffered bytes through.
func (e *Writer) Flush() error {
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.err
}

// Uvarint writes v as an unsigned varint.
func (e *Writer) Uvarint(v uint64) {
	n := binary.PutUvarint(e.tmp[:], v)
	e.Write(e.tmp[:n])
}

// Varint writes v as a signed (zig-zag) varint.
func (e *Writer) Varint(v int64) {
	n := binary.PutVarint(e.tmp[:], v)
	e.Write(e.tmp[:n])
}

// Int writes v as a signed varint.
func (e *Writer) Int(v int) { e.Varint(int64(v)) }

// Bool writes v as one byte.
func (e *Writer) Bool(v bool) {
	b := byte(0)
	if v {
		b = 1
	}
	e.tmp[0] = b
	e.Write(e.tmp[:1])
}

// Uint64 writes v in 8 bytes.
func (e *Writer) Uint64(v uint64) {
	binary.LittleEndian.PutUint64(e.tmp[:8], v)
	e.Write(e.tmp[:8])
}

// Float64 writes v's bits in 8 bytes (exactly: NaNs and negative zero
// included).
func (e *Writer) Float64(v float64) { e.Uint64(math.Float64bits(v)) }

// String writes s with its length.
func (e *Writer) String(s string) {
	e.Uvarint(uint64(len(s)))
	if e.err == nil && len(s) > 0 {
		n, err := e.w.WriteString(s)
		e.n += int64(n)
		e.err = err
	}
}

// Bytes writes b with its length.
func (e *Writer) Bytes(b []byte) {
	e.Uvarint(uint64(len(b)))
	e.Write(b)
}

// Strings writes ss: their count, their lengths, then their bytes
// together (read back into one allocation).
func (e *Writer) Strings(ss []string) {
	e.Uvarint(uint64(len(ss)))
	if len(ss) == 0 {
		return
	}
	total := 0
	for _, s := range ss {
		e.Uvarint(uint64(len(s)))
		total += len(s)
	}
	e.Uvarint(uint64(total))
	for _, s := range ss {
		if e.err != nil {
			return
		}
		n, err := e.w.WriteString(s)
		e.n += int64(n)
		e.err = err
	}
}

// number is what arrays hold.
type number interface {
	~uint8 | ~int8 | ~uint16 | ~int16 | ~uint32 | ~int32 | ~uint64 | ~int64 | ~float32 | ~float64
}

// PutSlice writes s with its length, each element in its width,
// little-endian.
func PutSlice[T number](e *Writer, s []T) {
	e.Uvarint(uint64(len(s)))
	putRaw(e, s)
}

// PutArray writes s without its length (the reader knows it).
func PutArray[T number](e *Writer, s []T) { putRaw(e, s) }

func putRaw[T number](e *Writer, s []T) {
	if len(s) == 0 || e.err != nil {
		return
	}
	size := int(unsafe.Sizeof(s[0]))
	if littleEndian || size == 1 {
		e.Write(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*size))
		return
	}
	var buf [4096]byte
	for len(s) > 0 {
		k := min(len(s), len(buf)/size)
		for i, v := range s[:k] {
			putLE(buf[i*size:], v, size)
		}
		e.Write(buf[:k*size])
		s = s[k:]
	}
}

// putLE puts v (of size bytes) little-endian into b.
func putLE[T number](b []byte, v T, size int) {
	var u uint64
	switch size {
	case 2:
		u = uint64(*(*uint16)(unsafe.Pointer(&v)))
	case 4:
		u = uint64(*(*uint32)(unsafe.Pointer(&v)))
	case 8:
		u = *(*uint64)(unsafe.Pointer(&v))
	}
	for i := range size {
		b[i] = byte(u >> (8 * i))
	}
}

// byteReader is a stream that reads a byte at a time cheaply.
type byteReader interface {
	io.Reader
	io.ByteReader
}

// Reader decodes from a buffered stream.
type Reader struct {
	r    byteReader
	left int64 // bytes left in the stream; -1: unknown
	n    int64
	err  error
}

// NewReader returns a Reader on r: r itself when it is a Reader (the
// decoders of nested structures share one stream). A Reader reads
// nothing beyond what it decodes when r is an io.ByteReader (a
// bytes.Reader, a bufio.Reader); otherwise it buffers r and reads ahead.
func NewReader(r io.Reader) *Reader {
	if d, ok := r.(*Reader); ok {
		return d
	}
	return NewReaderSize(r, -1)
}

// NewReaderSize is NewReader for a stream that holds size bytes (-1:
// unknown).
func NewReaderSize(r io.Reader, size int64) *Reader {
	br, ok := r.(byteReader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<16)
	}
	return &Reader{r: br, left: size}
}

// Err returns the first error met (io.ErrUnexpectedEOF for a stream that
// ends early).
func (d *Reader) Err() error { return d.err }

// Len returns the bytes read so far.
func (d *Reader) Len() int64 { return d.n }

// Fail records err (the first error stays).
func (d *Reader) Fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// Failf records a corrupt stream with a message.
func (d *Reader) Failf(format string, args ...any) {
	d.Fail(fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...)))
}

// Read reads into p (io.Reader).
func (d *Reader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.r.Read(p)
	d.count(n)
	return n, err
}

func (d *Reader) count(n int) {
	d.n += int64(n)
	if d.left >= 0 {
		d.left -= int64(n)
	}
}

// full fills p, or fails.
func (d *Reader) full(p []byte) bool {
	if d.err != nil {
		return false
	}
	n, err := io.ReadFull(d.r, p)
	d.count(n)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		d.err = err
		return false
	}
	return true
}

// ReadByte reads one byte (io.ByteReader, for binary.ReadUvarint).
func (d *Reader) ReadByte() (byte, error) {
	if d.err != nil {
		return 0, d.err
	}
	b, err := d.r.ReadByte()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		d.err = err
		return 0, err
	}
	d.count(1)
	return b, nil
}

// Uvarint reads an unsigned varint.
func (d *Reader) Uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(d)
	if err != nil {
		d.Fail(fmt.Errorf("%w: %v", ErrCorrupt, err))
		return 0
	}
	return v
}

// Varint reads a signed varint.
func (d *Reader) Varint() int64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadVarint(d)
	if err != nil {
		d.Fail(fmt.Errorf("%w: %v", ErrCorrupt, err))
		return 0
	}
	return v
}

// Int reads a signed varint as an int.
func (d *Reader) Int() int {
	v := d.Varint()
	if int64(int(v)) != v {
		d.Failf("integer %d out of range", v)
		return 0
	}
	return int(v)
}

// Bool reads one byte as a bool.
func (d *Reader) Bool() bool {
	b, _ := d.ReadByte()
	if b > 1 {
		d.Failf("bool byte %d", b)
	}
	return b == 1
}

// Uint64 reads 8 bytes.
func (d *Reader) Uint64() uint64 {
	var b [8]byte
	if !d.full(b[:]) {
		return 0
	}
	return binary.LittleEndian.Uint64(b[:])
}

// Float64 reads 8 bytes of float bits.
func (d *Reader) Float64() float64 { return math.Float64frombits(d.Uint64()) }

// Count reads a length of things of at least size bytes each, and fails
// when they could not fit in what is left of the stream.
func (d *Reader) Count(size int) int {
	v := d.Uvarint()
	if d.err != nil {
		return 0
	}
	if v > math.MaxInt32*64 || (d.left >= 0 && size > 0 && v > uint64(d.left)/uint64(size)) {
		d.Failf("length %d of %d-byte elements: %d bytes left", v, size, d.left)
		return 0
	}
	return int(v)
}

// String reads a string written by Writer.String.
func (d *Reader) String() string {
	n := d.Count(1)
	if n == 0 {
		return ""
	}
	b := d.grow(n)
	if b == nil {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Bytes reads a byte slice written by Writer.Bytes (nil when empty).
func (d *Reader) Bytes() []byte {
	n := d.Count(1)
	if n == 0 {
		return nil
	}
	return d.grow(n)
}

// BytesRoom is Bytes with room for room(n) more bytes after the n read
// (room(n) ≥ 0), for a slice that will be appended to.
func (d *Reader) BytesRoom(room func(n int) int) []byte {
	n := d.Count(1)
	if n == 0 {
		return nil
	}
	return readRoom[byte](d, n, room(n))
}

// grow reads n bytes into a new slice: at once when the stream is known
// to hold them, else as they arrive.
func (d *Reader) grow(n int) []byte {
	return readRaw[byte](d, n)
}

// Strings reads strings written by Writer.Strings; they share one
// allocation.
func (d *Reader) Strings() []string {
	n := d.Count(1)
	if n == 0 || d.err != nil {
		return nil
	}
	lens := make([]int, n)
	for i := range lens {
		lens[i] = d.Count(0)
	}
	total := d.Count(1)
	if d.err != nil {
		return nil
	}
	sum := 0
	for _, k := range lens {
		sum += k
	}
	if sum != total {
		d.Failf("string lengths add up to %d, not %d", sum, total)
		return nil
	}
	var all string
	if total > 0 {
		b := d.grow(total)
		if b == nil {
			return nil
		}
		all = unsafe.String(unsafe.SliceData(b), len(b))
	}
	out := make([]string, n)
	at := 0
	for i, k := range lens {
		out[i] = all[at : at+k]
		at += k
	}
	return out
}

// Slice reads an array written by PutSlice (nil when empty).
func Slice[T number](d *Reader) []T {
	var zero T
	n := d.Count(int(unsafe.Sizeof(zero)))
	if n == 0 {
		return nil
	}
	return readRaw[T](d, n)
}

// Array reads n elements written by PutArray into dst (len(dst) of them).
func Array[T number](d *Reader, dst []T) {
	if len(dst) == 0 || d.err != nil {
		return
	}
	size := int(unsafe.Sizeof(dst[0]))
	if d.left >= 0 && int64(len(dst))*int64(size) > d.left {
		d.Failf("%d %d-byte elements: %d bytes left", len(dst), size, d.left)
		return
	}
	fill(d, dst, size)
}

// readRaw reads n elements: into one allocation when the stream is known
// to hold them, else growing chunk by chunk (a bogus length then ends in
// an early end of stream, not a huge allocation).
func readRaw[T number](d *Reader, n int) []T { return readRoom[T](d, n, 0) }

// readRoom is readRaw into a slice with room for room more elements
// after the n read, so that appending to it does not copy it at once.
func readRoom[T number](d *Reader, n, room int) []T {
	if d.err != nil {
		return nil
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	const chunk = 1 << 20 // bytes
	if d.left >= 0 || n*size <= chunk {
		out := make([]T, n, n+room)
		if !fill(d, out, size) {
			return nil
		}
		return out
	}
	var out []T
	for len(out) < n {
		k := min(n-len(out), chunk/size)
		out = append(out, make([]T, k)...)
		if !fill(d, out[len(out)-k:], size) {
			return nil
		}
	}
	return slices.Grow(out, room)
}

// fill reads len(dst) elements of size bytes into dst.
func fill[T number](d *Reader, dst []T, size int) bool {
	if littleEndian || size == 1 {
		return d.full(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(dst))), len(dst)*size))
	}
	var buf [4096]byte
	for len(dst) > 0 {
		k := min(len(dst), len(buf)/size)
		if !d.full(buf[:k*size]) {
			return false
		}
		for i := range dst[:k] {
			dst[i] = getLE[T](buf[i*size:], size)
		}
		dst = dst[k:]
	}
	return true
}

// getLE reads a size-byte little-endian T from b.
func getLE[T number](b []byte, size int) T {
	var u uint64
	for i := range size {
		u |= uint64(b[i]) << (8 * i)
	}
	var v T
	switch size {
	case 2:
		*(*uint16)(unsafe.Pointer(&v)) = uint16(u)
	case 4:
		*(*uint32)(unsafe.Pointer(&v)) = uint32(u)
	case 8:
		*(*uint64)(unsafe.Pointer(&v)) = u
	}
	return v
}

// Encode writes one value's encoding to w: tag, which names the value's
// type and the encoding's version, then what body writes. It returns the
// bytes written and the first error, body's or the writing's.
func Encode(w io.Writer, tag string, body func(e *Writer) error) (int64, error) {
	e := NewWriter(w)
	start := e.Len()
	e.String(tag)
	err := body(e)
	if ferr := e.Flush(); err == nil {
		err = ferr
	}
	return e.Len() - start, err
}

// Decode reads from r an encoding Encode wrote under tag, body reading
// what follows the tag; what names the value for the error when r holds
// another. It returns the bytes read and the first error: a wrong tag,
// body's, or the reading's. Body is not called after a wrong tag.
func Decode(r io.Reader, tag, what string, body func(d *Reader) error) (int64, error) {
	d := NewReader(r)
	start := d.Len()
	if t := d.String(); d.Err() == nil && t != tag {
		d.Failf("not %s: %q", what, t)
	}
	err := d.Err()
	if err == nil {
		err = body(d)
	}
	if err == nil {
		err = d.Err()
	}
	return d.Len() - start, err
}

// JSON writes v's JSON encoding (a value's parameters, which a reader
// checks with CheckJSON).
func (e *Writer) JSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	e.Bytes(b)
	return nil
}

// CheckJSON reads what Writer.JSON wrote and fails unless it is want's
// JSON encoding; what names the parameters in the error.
func (d *Reader) CheckJSON(want any, what string) {
	got := d.Bytes()
	if w, _ := json.Marshal(want); d.Err() == nil && string(got) != string(w) {
		d.Failf("%s %s; want %s", what, got, w)
	}
}

// PutMap writes m as its keys (a Slice) and its values in the same order
// (an Array); Map reads it back.
func PutMap[K, V number](e *Writer, m map[K]V) {
	ks := make([]K, 0, len(m))
	vs := make([]V, 0, len(m))
	for k, v := range m {
		ks = append(ks, k)
		vs = append(vs, v)
	}
	PutSlice(e, ks)
	PutArray(e, vs)
}

// Map reads a map written by PutMap (nil after an error).
func Map[K, V number](d *Reader) map[K]V {
	ks := Slice[K](d)
	vs := make([]V, len(ks))
	Array(d, vs)
	if d.err != nil {
		return nil
	}
	m := make(map[K]V, len(ks))
	for i, k := range ks {
		m[k] = vs[i]
	}
	return m
}
