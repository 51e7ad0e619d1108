package index

import (
	"fmt"
	"slices"
)

// Buckets is the LSH band index in memory, for articles that arrive one at
// a time (the service): an article's B band keys put it into B buckets,
// and a new article's candidates are the earlier articles sharing at least
// M of its buckets — the rule of Candidates, asked of one article.
//
// Articles are numbered by their sequence numbers, added in ascending
// order. Each bucket is a chain through its members, newest first: for
// every band a hash table (open addressing, linear probing) maps a band
// key to the newest member of its bucket, and every article holds, per
// band, the next older member of the same bucket. The band keys of every
// article are kept too, so the tables hold nothing but member numbers
// (4 bytes a slot). That is about 1 KB per article with 64 bands: 512
// bytes of keys and chain links, and the tables' slots.
//
// As in the batch run, an oversized bucket (a template shared by many
// articles) yields only its maxBucket newest members: the batch run pairs
// each member with the next maxBucket members of its bucket, which is the
// same rule seen from the newer article. A chain walk stops there.
//
// The index is derived state: the store keeps each article's band keys
// in its record, and the engine rebuilds the index from them at start.
// Buckets is not safe for concurrent use.
type Buckets struct {
	bands     Bands
	maxBucket int
	pages     []*bucketPage
	heads     []headTable // per band
	last      uint64      // the highest sequence number added
	floor     uint64      // no article below it is held (Evict)
	n         int         // articles held
	bytes     int64       // memory held by pages and tables
}

// pageBits sets the articles per page of keys and links (2^pageBits):
// the arrays grow a page at a time instead of being copied whole.
const pageBits = 13

// bucketPage holds the band keys and chain links of 2^pageBits articles.
type bucketPage struct {
	keys    []uint32 // article i's key in band b at i*B+b
	next    []uint32 // the next older member of the same bucket + 1; 0: none
	present []uint64 // bit set: the article is in the index
}

// NewBuckets returns an empty bucket index for layout bands; maxBucket ≤ 0
// means DefaultMaxBucket.
func NewBuckets(bands Bands, maxBucket int) *Buckets {
	if maxBucket <= 0 {
		maxBucket = DefaultMaxBucket
	}
	x := &Buckets{bands: bands, maxBucket: maxBucket, heads: make([]headTable, bands.B)}
	for i := range x.heads {
		x.heads[i].init(10)
		x.bytes += int64(len(x.heads[i].slots)) * 4
	}
	return x
}

// maxSeq bounds the sequence numbers the index takes (members are held
// as uint32, plus one).
const maxSeq = 1<<32 - 2

// check reports keys that do not hold one key per band.
func (x *Buckets) check(keys []uint32) error {
	if len(keys) != x.bands.B {
		return fmt.Errorf("index: %d band keys for a layout of %d bands", len(keys), x.bands.B)
	}
	return nil
}

// slot returns the page and index of article seq, or nil when its page
// was never allocated.
func (x *Buckets) slot(seq uint64) (*bucketPage, int) {
	p := seq >> pageBits
	if p >= uint64(len(x.pages)) || x.pages[p] == nil {
		return nil, 0
	}
	return x.pages[p], int(seq & (1<<pageBits - 1))
}

// has reports whether article seq is in the index.
func (x *Buckets) has(seq uint64) bool {
	pg, i := x.slot(seq)
	return pg != nil && pg.present[i>>6]&(1<<(i&63)) != 0
}

// key returns article seq's key in band.
func (x *Buckets) key(seq uint64, band int) uint32 {
	pg, i := x.slot(seq)
	return pg.keys[i*x.bands.B+band]
}

// older returns the next older member after article seq in band's bucket,
// or noSeq (links hold a member + 1, and 0 - 1 is noSeq). A link to an
// evicted article (below the floor) ends the chain.
func (x *Buckets) older(seq uint64, band int) uint64 {
	pg, i := x.slot(seq)
	m := uint64(pg.next[i*x.bands.B+band]) - 1
	if m < x.floor {
		return noSeq
	}
	return m
}

// setOlder links article seq to older (a member, or noSeq) in band's
// bucket.
func (x *Buckets) setOlder(seq uint64, band int, older uint64) {
	pg, i := x.slot(seq)
	pg.next[i*x.bands.B+band] = uint32(older + 1)
}

// Add puts article seq with band keys keys (Bands.Keys) into its buckets.
// Sequence numbers must ascend from one Add to the next.
func (x *Buckets) Add(seq uint64, keys []uint32) error {
	if err := x.check(keys); err != nil {
		return err
	}
	if seq > maxSeq {
		return fmt.Errorf("index: sequence number %d over the index's limit %d", seq, uint64(maxSeq))
	}
	if x.n > 0 && seq <= x.last {
		return fmt.Errorf("index: article %d added after article %d", seq, x.last)
	}
	p := seq >> pageBits
	for uint64(len(x.pages)) <= p {
		x.pages = append(x.pages, nil)
	}
	if x.pages[p] == nil {
		B := x.bands.B
		x.pages[p] = &bucketPage{
			keys:    make([]uint32, B<<pageBits),
			next:    make([]uint32, B<<pageBits),
			present: make([]uint64, 1<<pageBits/64),
		}
		x.bytes += int64(2*B<<pageBits)*4 + 1<<pageBits/8
	}
	pg, i := x.slot(seq)
	copy(pg.keys[i*x.bands.B:], keys)
	pg.present[i>>6] |= 1 << (i & 63)
	for band, key := range keys {
		pg.next[i*x.bands.B+band] = x.heads[band].push(x, band, key, uint32(seq)+1)
	}
	x.last, x.n = seq, x.n+1
	return nil
}

// Remove takes article seq out of its buckets and reports whether it was
// in the index (if not, Remove does nothing).
func (x *Buckets) Remove(seq uint64) bool {
	if !x.has(seq) {
		return false
	}
	for band := range x.bands.B {
		older := x.older(seq, band) // takes seq's place in the chain
		h := &x.heads[band]
		i, head := h.find(x, band, x.key(seq, band))
		switch {
		case head != seq:
			m := head
			for m != noSeq && x.older(m, band) != seq {
				m = x.older(m, band)
			}
			if m != noSeq {
				x.setOlder(m, band, older)
			}
		case older == noSeq:
			h.remove(x, band, i)
		default:
			h.slots[i] = uint32(older + 1)
		}
	}
	pg, i := x.slot(seq)
	pg.present[i>>6] &^= 1 << (i & 63)
	x.n--
	return true
}

// Evict takes every article numbered below below out of the index, a
// whole page (2^pageBits numbers) at a time: the pages entirely below it
// are freed, and the articles of a page that straddles it stay until a
// later Evict passes the page's end. It returns the number of articles
// taken out. The chains of the articles that stay end where they reached
// an evicted one (older), so no lookup reads a freed page; a bucket whose
// newest member is evicted leaves its head table. Evicting costs about
// what adding cost (a head table lookup per article and band), and keeps
// the index's memory to the articles of a window (Live's Config.Window).
func (x *Buckets) Evict(below uint64) int {
	evicted := 0
	for p := x.floor >> pageBits; (p+1)<<pageBits <= below; p++ {
		if p >= uint64(len(x.pages)) {
			break
		}
		if pg := x.pages[p]; pg != nil {
			for i := range 1 << pageBits {
				if pg.present[i>>6]&(1<<(i&63)) == 0 {
					continue
				}
				seq := p<<pageBits | uint64(i)
				for band := range x.bands.B {
					h := &x.heads[band]
					if j, head := h.find(x, band, pg.keys[i*x.bands.B+band]); head == seq {
						h.remove(x, band, j)
					}
				}
				evicted++
			}
			x.pages[p] = nil
			x.bytes -= int64(2*x.bands.B<<pageBits)*4 + 1<<pageBits/8
		}
		x.floor = (p + 1) << pageBits
	}
	x.skipFreed()
	x.n -= evicted
	return evicted
}

// skipFreed moves the floor on past the pages not held from it on: Evict
// frees pages from the lowest up, and below the first page held there is
// no article either way (ReadFrom finds the floor so).
func (x *Buckets) skipFreed() {
	for p := x.floor >> pageBits; p < uint64(len(x.pages)) && x.pages[p] == nil; p++ {
		x.floor = (p + 1) << pageBits
	}
}

// Floor returns the lowest number the index may still hold: every article
// below it was evicted.
func (x *Buckets) Floor() uint64 { return x.floor }

// Has reports whether article seq is in the index.
func (x *Buckets) Has(seq uint64) bool { return x.has(seq) }

// Len returns the number of articles in the index.
func (x *Buckets) Len() int { return x.n }

// Bytes returns the memory the index holds.
func (x *Buckets) Bytes() int64 { return x.bytes }

// Candidates returns, in ascending order, the sequence numbers of the
// articles in the index that share at least M buckets with band keys
// keys, and how many buckets were capped at maxBucket members.
func (x *Buckets) Candidates(keys []uint32) (seqs []uint64, capped int, err error) {
	return x.CandidatesSince(keys, 0)
}

// CandidatesSince is Candidates among the articles numbered from on (a
// window: a chain walk stops at its first older member, which does not
// count towards the cap).
func (x *Buckets) CandidatesSince(keys []uint32, from uint64) (seqs []uint64, capped int, err error) {
	if err := x.check(keys); err != nil {
		return nil, 0, err
	}
	// members holds the sequence numbers found, once per bucket holding
	// them.
	var members []uint64
	for band, key := range keys {
		_, m := x.heads[band].find(x, band, key)
		for n := 0; m != noSeq && m >= from; n++ {
			if n == x.maxBucket {
				capped++
				break
			}
			members = append(members, m)
			m = x.older(m, band)
		}
	}
	return x.sharingM(members), capped, nil
}

// Later returns, in ascending order, the sequence numbers after seq of the
// articles in the index that share at least M buckets with article seq:
// every article that could have had it as a candidate when it arrived
// (uncapped; used when an article is removed, to find who refers to it).
// It returns nil when seq is not in the index.
func (x *Buckets) Later(seq uint64) []uint64 {
	if !x.has(seq) {
		return nil
	}
	pg, i := x.slot(seq)
	return x.LaterKeys(seq, pg.keys[i*x.bands.B:(i+1)*x.bands.B])
}

// LaterKeys is Later for an article of band keys keys, held or not (an
// article evicted or removed: the articles still held after it that share
// M of its buckets).
func (x *Buckets) LaterKeys(seq uint64, keys []uint32) []uint64 {
	if x.check(keys) != nil {
		return nil
	}
	var members []uint64
	for band, key := range keys {
		_, m := x.heads[band].find(x, band, key)
		for m != noSeq && m > seq {
			members = append(members, m)
			m = x.older(m, band)
		}
	}
	return x.sharingM(members)
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

// noSeq stands for "no member".
const noSeq = ^uint64(0)

// headTable maps one band's keys to the newest member of their bucket: an
// open-addressing table of member numbers + 1 (0: empty); a slot's key is
// its member's key in the band.
type headTable struct {
	slots []uint32
	shift uint // 32 - log2(len(slots))
	n     int
}

func (h *headTable) init(bits uint) {
	h.slots = make([]uint32, 1<<bits)
	h.shift = 32 - bits
	h.n = 0
}

// home returns key's first slot.
func (h *headTable) home(key uint32) int { return int((key * 0x9e3779b1) >> h.shift) }

// find returns the slot of key and its bucket's newest member, or noSeq
// and the empty slot where key would go.
func (h *headTable) find(x *Buckets, band int, key uint32) (int, uint64) {
	mask := len(h.slots) - 1
	for i := h.home(key); ; i = (i + 1) & mask {
		s := h.slots[i]
		if s == 0 {
			return i, noSeq
		}
		if x.key(uint64(s-1), band) == key {
			return i, uint64(s - 1)
		}
	}
}

// push makes member (number + 1) the newest of key's bucket and returns
// the previous newest (number + 1; 0: none).
func (h *headTable) push(x *Buckets, band int, key, member uint32) uint32 {
	i, head := h.find(x, band, key)
	if head != noSeq {
		h.slots[i] = member
		return uint32(head) + 1
	}
	if (h.n+1)*4 > len(h.slots)*3 {
		x.bytes += int64(len(h.slots)) * 4 // the table doubles
		h.grow(x, band)
		i, _ = h.find(x, band, key)
	}
	h.slots[i] = member
	h.n++
	return 0
}

// grow doubles the table.
func (h *headTable) grow(x *Buckets, band int) {
	old := h.slots
	h.init(uint(32-h.shift) + 1)
	mask := len(h.slots) - 1
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := h.home(x.key(uint64(s-1), band))
		for h.slots[i] != 0 {
			i = (i + 1) & mask
		}
		h.slots[i] = s
		h.n++
	}
}

// remove empties slot i, moving later slots of its probe run back so that
// every key stays reachable from its home slot.
func (h *headTable) remove(x *Buckets, band, i int) {
	mask := len(h.slots) - 1
	for j := i; ; {
		j = (j + 1) & mask
		s := h.slots[j]
		if s == 0 {
			break
		}
		k := h.home(x.key(uint64(s-1), band))
		// s stays when its home lies cyclically in (i, j].
		if (i <= j && i < k && k <= j) || (i > j && (i < k || k <= j)) {
			continue
		}
		h.slots[i] = s
		i = j
	}
	h.slots[i] = 0
	h.n--
}
