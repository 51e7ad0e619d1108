package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/reprint-news/reprint/store"
)

// Buckets is the LSH band index kept in a store, for articles that arrive
// one at a time (the service): an article's B band keys go into B buckets,
// and a new article's candidates are the earlier articles sharing at least
// M of its buckets — the rule of Candidates, asked of one article.
//
// Key layout (docs/STORE.md): "b/", band (1 byte), band key (4 bytes
// big-endian), article sequence number (8 bytes big-endian), empty value.
// A bucket is thus one key prefix whose members come in ingest order, and
// the newest members are a reverse scan away. As in the batch run, an
// oversized bucket (a template shared by many articles) yields only its
// maxBucket newest members: the batch run pairs each member with the next
// maxBucket members of its bucket, which is the same rule seen from the
// newer article.
type Buckets struct {
	s         *store.Store
	bands     Bands
	maxBucket int
	// filter, when set (UseFilter), has a bit set for every bucket that
	// may hold an article: a lookup skips the store seek of a bucket whose
	// bit is clear, which is most of a new article's buckets. Bits are
	// only ever set (removal leaves them), so a clear bit is always right.
	filter []uint64
	shift  uint // 64 - log2 of the filter's bits
}

// UseFilter gives x an in-memory filter of 2^bits bits over its buckets
// (see Buckets.filter). The caller must then Mark the band keys of every
// article already stored before the next Candidates; Put marks the new
// ones.
func (x *Buckets) UseFilter(bits int) {
	bits = max(bits, 6)
	x.filter = make([]uint64, 1<<(bits-6))
	x.shift = uint(64 - bits)
}

// filterBit returns the filter bit of bucket (band, key).
func (x *Buckets) filterBit(band int, key uint32) (int, uint64) {
	h := (uint64(key) | uint64(band)<<32) * 0x9e3779b97f4a7c15 >> x.shift
	return int(h >> 6), 1 << (h & 63)
}

// Mark records in the filter that the buckets of band keys keys hold an
// article (no-op without a filter).
func (x *Buckets) Mark(keys []uint32) {
	if x.filter == nil {
		return
	}
	for band, key := range keys {
		w, b := x.filterBit(band, key)
		x.filter[w] |= b
	}
}

// mayHold reports whether bucket (band, key) may hold an article.
func (x *Buckets) mayHold(band int, key uint32) bool {
	if x.filter == nil {
		return true
	}
	w, b := x.filterBit(band, key)
	return x.filter[w]&b != 0
}

// bucketPrefix is the first byte of bucket keys.
const bucketPrefix = 'b'

// NewBuckets returns the bucket index of s for layout bands; maxBucket ≤ 0
// means DefaultMaxBucket.
func NewBuckets(s *store.Store, bands Bands, maxBucket int) *Buckets {
	if maxBucket <= 0 {
		maxBucket = DefaultMaxBucket
	}
	return &Buckets{s: s, bands: bands, maxBucket: maxBucket}
}

// bucketKeyLen is the length of a bucket's key prefix.
const bucketKeyLen = 7

func bucketKey(dst []byte, band int, key uint32) []byte {
	dst = append(dst, bucketPrefix, '/', byte(band))
	return binary.BigEndian.AppendUint32(dst, key)
}

// check reports keys that do not hold one key per band.
func (x *Buckets) check(keys []uint32) error {
	if len(keys) != x.bands.B || x.bands.B > 256 {
		return fmt.Errorf("index: %d band keys for a layout of %d bands", len(keys), x.bands.B)
	}
	return nil
}

// Put adds article seq, with band keys keys (Bands.Keys), to batch b.
func (x *Buckets) Put(b *store.Batch, seq uint64, keys []uint32) error {
	if err := x.eachKey(seq, keys, func(k []byte) { b.Set(k, nil) }); err != nil {
		return err
	}
	x.Mark(keys) // before the commit: a bit set for a batch that fails only costs a seek
	return nil
}

// Remove deletes article seq, with band keys keys, from its buckets in b.
func (x *Buckets) Remove(b *store.Batch, seq uint64, keys []uint32) error {
	return x.eachKey(seq, keys, b.Delete)
}

// eachKey calls fn with the store key of article seq in each of its
// buckets (the slice is reused between calls).
func (x *Buckets) eachKey(seq uint64, keys []uint32, fn func(k []byte)) error {
	if err := x.check(keys); err != nil {
		return err
	}
	var k []byte
	for band, key := range keys {
		k = binary.BigEndian.AppendUint64(bucketKey(k[:0], band, key), seq)
		fn(k)
	}
	return nil
}

// Candidates returns, in ascending order, the sequence numbers of the
// stored articles that share at least M buckets with band keys keys, and
// how many buckets were capped at maxBucket members.
//
// All B buckets are read through one store iterator, each with one
// forward seek (most buckets are empty or small); only a bucket found to
// hold more than maxBucket members is read again, newest first. The
// members are counted by sorting them.
func (x *Buckets) Candidates(keys []uint32) (seqs []uint64, capped int, err error) {
	if err := x.check(keys); err != nil {
		return nil, 0, err
	}
	it, err := x.s.NewIter()
	if err != nil {
		return nil, 0, fmt.Errorf("index: bucket scan: %w", err)
	}
	// members holds the sequence numbers found, once per bucket holding
	// them; n counts the current bucket's.
	var members []uint64
	n := 0
	add := func(k, _ []byte) error {
		if n == x.maxBucket {
			return errStop
		}
		if len(k) != bucketKeyLen+8 {
			return fmt.Errorf("index: bucket key %x of %d bytes", k, len(k))
		}
		n++
		members = append(members, binary.BigEndian.Uint64(k[bucketKeyLen:]))
		return nil
	}
	var bounds [2 * bucketKeyLen]byte
	lower, upper := bounds[:bucketKeyLen], bounds[bucketKeyLen:]
	for band, key := range keys {
		if !x.mayHold(band, key) {
			continue
		}
		bucketKey(lower[:0], band, key)
		copy(upper, lower)
		prefixEnd(upper)
		start := len(members)
		n = 0
		err := it.Scan(lower, upper, add)
		if errors.Is(err, errStop) {
			// Oversized: keep its maxBucket newest members.
			capped++
			members, n = members[:start], 0
			err = it.ScanReverse(lower, upper, add)
		}
		if err != nil && !errors.Is(err, errStop) {
			it.Close()
			return nil, 0, fmt.Errorf("index: bucket scan: %w", err)
		}
	}
	if err := it.Close(); err != nil {
		return nil, 0, fmt.Errorf("index: bucket scan: %w", err)
	}
	return x.sharingM(members), capped, nil
}

// sharingM sorts members (sequence numbers, once per bucket holding them)
// and returns, in ascending order, those found in at least M buckets.
func (x *Buckets) sharingM(members []uint64) []uint64 {
	slices.Sort(members)
	var seqs []uint64
	for i := 0; i < len(members); {
		j := i + 1
		for j < len(members) && members[j] == members[i] {
			j++
		}
		if j-i >= x.bands.M {
			seqs = append(seqs, members[i])
		}
		i = j
	}
	return seqs
}

// prefixEnd turns bucket key prefix p into the least key after every key
// that starts with p, in place (store.PrefixEnd without allocating; p
// starts with bucketPrefix, so it is never all 0xff).
func prefixEnd(p []byte) {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i]++; p[i] != 0 {
			return
		}
	}
}

// errStop ends a bucket scan at maxBucket members.
var errStop = errors.New("index: stop")
