package engine

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/reprint-news/reprint/internal/binenc"
	"github.com/reprint-news/reprint/store"
	"github.com/reprint-news/reprint/text"
)

// Snapshots of the engine's memory.
//
// Open rebuilds the memory by replaying every stored article (load): at a
// million articles, minutes of tokenizing and clustering again. A
// snapshot is that memory written to one file as it stands after the
// articles before a sequence number: the LSH bucket index, the search
// index, the boilerplate statistics, the text reuse document
// frequencies, the story and storyline clusterers (with their Weighers
// and stored numbers), the id hash counts and the counters. Opening with
// it (Options.Snapshot) reads the file and replays only the articles
// stored after it (CatchUp), which gives the memory a full replay would
// give, bit for bit: every structure is written whole, floats included,
// nothing is decided again, and either start ends alike (settle). Caches that a rebuild empties (recent
// articles, text reuse preparations, story and storyline records, the
// boilerplate journal) are not written.
//
// The file: the magic line, a JSON header (snapshotHeader), the
// structures in a binary encoding (their WriteTo methods, package
// internal/binenc), and the CRC-32C of everything before it (4 bytes,
// little-endian). It is written to PATH.tmp, synced and renamed to PATH,
// so PATH is always a whole snapshot or the previous one.
//
// A snapshot is ignored, and every article replayed as without it, when
// it cannot be the memory of this store: another snapshot format,
// fingerprint version or engine parameters; a sequence number or story
// numbers beyond the store's counters (a newer snapshot than the store);
// a last article the store does not hold under its number (another
// store); a deletion since it was written (key c/deleted counts them:
// Delete leaves the deleted article's share in the clusterers, which a
// replay would not have); a damaged or truncated file. An engine that
// deleted an article does not write snapshots until its memory is
// rebuilt.

const (
	// snapshotMagic opens a snapshot file.
	snapshotMagic = "reprint-snapshot\n"
	// snapshotVersion is the version of the snapshot format, raised when
	// what is written, or what it means to the engine, changes.
	snapshotVersion = 1
	// liveKeyDeleted counts the articles ever deleted from the store
	// (u64): a snapshot is valid only at the count it was written at.
	liveKeyDeleted = "c/deleted"
)

// SnapshotFile is the name of the snapshot in a store directory.
const SnapshotFile = "snapshot"

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// snapshotHeader identifies what a snapshot holds.
type snapshotHeader struct {
	Version            int    `json:"version"`
	FingerprintVersion int    `json:"fingerprint_version"`
	Config             string `json:"config"` // the engine parameters (JSON)
	// Seq is the sequence number of the next article: the snapshot holds
	// every stored article below it, and none from it on.
	Seq        uint64 `json:"seq"`
	Stories    uint64 `json:"stories"`    // the next story number
	Storylines uint64 `json:"storylines"` // the next storyline number
	Articles   uint64 `json:"articles"`   // articles in it
	Deleted    uint64 `json:"deleted"`    // the store's deletion count
	// LastSeq and LastID are the sequence number and id of the last
	// stored article below Seq ("": none).
	LastSeq uint64    `json:"last_seq"`
	LastID  string    `json:"last_id,omitempty"`
	Written time.Time `json:"written"`
}

// SnapshotInfo describes a snapshot written.
type SnapshotInfo struct {
	Path     string
	Seq      uint64 // the next article's sequence number
	Articles uint64 // articles in it
	Bytes    int64  // the file's size
	// Held is how long writers waited for it (the engine's writer lock
	// was held while the memory was encoded); Took is the whole write,
	// sync and rename included.
	Held time.Duration
	Took time.Duration
}

// Snapshot errors.
var (
	// ErrSnapshotDiverged: an article was deleted since the memory was
	// built, and the memory still holds its share of sums that a replay
	// of the store would not (see Delete). The next start replays the
	// store; snapshots are written again after it.
	ErrSnapshotDiverged = errors.New("snapshot: an article was deleted since the engine's memory was built (the next start replays the store)")
	// ErrSnapshotStale: a write failed and the memory is ahead of the
	// store until it is rebuilt.
	ErrSnapshotStale = errors.New("snapshot: the engine's memory is being rebuilt after a failed write")
)

// Snapshot writes the engine's memory to the file at path (see above),
// replacing the one there. Writers wait while the memory is encoded;
// reads do not. It removes the file at path when the memory cannot be
// written (ErrSnapshotDiverged), as that file no longer matches the
// store either.
func (l *Live) Snapshot(path string) (SnapshotInfo, error) {
	l.snapMu.Lock()
	defer l.snapMu.Unlock()
	t0 := time.Now()
	info := SnapshotInfo{Path: path}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return info, err
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := crc32.New(crcTable)
	e := binenc.NewWriter(io.MultiWriter(f, h))
	l.mu.Lock()
	locked := time.Now()
	hdr, err := l.writeSnapshot(e)
	if err == nil {
		err = e.Flush()
	}
	info.Held = time.Since(locked)
	l.mu.Unlock()
	if errors.Is(err, ErrSnapshotDiverged) {
		if rerr := os.Remove(path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			return info, errors.Join(err, rerr)
		}
	}
	if err != nil {
		return info, err
	}
	if _, err := f.Write(binary.LittleEndian.AppendUint32(nil, h.Sum32())); err != nil {
		return info, err
	}
	if err := f.Sync(); err != nil {
		return info, err
	}
	if err := f.Close(); err != nil {
		done = true
		os.Remove(tmp)
		return info, err
	}
	done = true
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return info, err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return info, err
	}
	info.Seq, info.Articles = hdr.Seq, hdr.Articles
	info.Bytes = e.Len() + 4
	info.Took = time.Since(t0)
	return info, nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// writeSnapshot encodes the header and the memory to e (under l.mu).
func (l *Live) writeSnapshot(e *binenc.Writer) (snapshotHeader, error) {
	var hdr snapshotHeader
	switch {
	case l.stale.Load():
		return hdr, ErrSnapshotStale
	case l.diverged:
		return hdr, ErrSnapshotDiverged
	}
	cfg, err := json.Marshal(l.cfg)
	if err != nil {
		return hdr, err
	}
	deleted, err := l.deletedCount()
	if err != nil {
		return hdr, err
	}
	if deleted != l.deletedAt { // deleted by another process sharing the state
		return hdr, ErrSnapshotDiverged
	}
	hdr = snapshotHeader{
		Version: snapshotVersion, FingerprintVersion: text.FingerprintVersion, Config: string(cfg),
		Seq: l.next, Stories: l.stories.next, Storylines: l.lines.next, Articles: l.count.Load(),
		Deleted: deleted, Written: time.Now().UTC(),
	}
	errStop := errors.New("stop")
	err = l.st.ScanReverse([]byte(livePrefixSeq), seqKey(livePrefixSeq, l.next), func(k, v []byte) error {
		a, err := decodeArticle(v)
		if err != nil {
			return err
		}
		hdr.LastSeq, hdr.LastID = a.Seq, a.ID
		return errStop
	})
	if err != nil && !errors.Is(err, errStop) {
		return hdr, fmt.Errorf("snapshot: the last article: %w", err)
	}
	hj, err := json.Marshal(hdr)
	if err != nil {
		return hdr, err
	}
	e.Write([]byte(snapshotMagic))
	e.Bytes(hj)
	// The id hash counts.
	e.String("ids")
	e.Uint64(l.idSeed)
	binenc.PutMap(e, l.ids)
	for _, w := range []io.WriterTo{l.bkt, l.words, l.bp, l.df} {
		if _, err := w.WriteTo(e); err != nil {
			return hdr, err
		}
	}
	for _, c := range []*liveClusters{&l.stories, &l.lines} {
		if err := c.writeTo(e); err != nil {
			return hdr, err
		}
	}
	e.String("end")
	return hdr, e.Err()
}

// writeTo encodes the clusterer, its Weigher and its stored numbers.
func (c *liveClusters) writeTo(e *binenc.Writer) error {
	if _, err := c.on.WriteTo(e); err != nil {
		return err
	}
	if _, err := c.wr.WriteTo(e); err != nil {
		return err
	}
	binenc.PutSlice(e, c.num)
	e.Uvarint(c.next)
	return e.Err()
}

// readFrom decodes what writeTo wrote into c (made by newLiveClusters
// with the parameters written).
func (c *liveClusters) readFrom(d *binenc.Reader) error {
	if _, err := c.on.ReadFrom(d); err != nil {
		return err
	}
	if _, err := c.wr.ReadFrom(d); err != nil {
		return err
	}
	num := binenc.Slice[uint64](d)
	next := d.Uvarint()
	if err := d.Err(); err != nil {
		return err
	}
	if len(num) != c.on.Len() {
		return fmt.Errorf("%w: %d stored numbers for %d clusters", binenc.ErrCorrupt, len(num), c.on.Len())
	}
	idx := make(map[uint64]int, len(num))
	for i, n := range num {
		idx[n] = i
	}
	c.num, c.idx, c.next = num, idx, next
	return nil
}

// deletedCount returns the number of articles ever deleted from the
// store.
func (l *Live) deletedCount() (uint64, error) {
	v, err := l.st.Get([]byte(liveKeyDeleted))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	case len(v) != 8:
		return 0, fmt.Errorf("deletion count: corrupt record %x", v)
	}
	return binary.BigEndian.Uint64(v), nil
}

// readSnapshot builds the engine's memory from the snapshot at path and
// returns the sequence number it covers up to; an error leaves the
// memory to be rebuilt (load).
func (l *Live) readSnapshot(path string) (seq uint64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", binenc.ErrCorrupt, r)
		}
		if err != nil {
			err = fmt.Errorf("snapshot %s: %w", path, err)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := fi.Size()
	if size < int64(len(snapshotMagic))+4 {
		return 0, fmt.Errorf("%w: %d bytes", binenc.ErrCorrupt, size)
	}
	h := crc32.New(crcTable)
	d := binenc.NewReaderSize(io.TeeReader(io.LimitReader(f, size-4), h), size-4)
	magic := make([]byte, len(snapshotMagic))
	binenc.Array(d, magic)
	if d.Err() == nil && string(magic) != snapshotMagic {
		return 0, fmt.Errorf("%w: not a snapshot", binenc.ErrCorrupt)
	}
	hj := d.Bytes()
	if err := d.Err(); err != nil {
		return 0, err
	}
	var hdr snapshotHeader
	if err := json.Unmarshal(hj, &hdr); err != nil {
		return 0, fmt.Errorf("%w: header: %v", binenc.ErrCorrupt, err)
	}
	if err := l.checkSnapshot(&hdr); err != nil {
		return 0, err
	}
	l.rmu.Lock()
	defer l.rmu.Unlock()
	l.loads++
	l.reset()
	if tag := d.String(); d.Err() == nil && tag != "ids" {
		d.Failf("id counts expected, found %q", tag)
	}
	l.idSeed = d.Uint64()
	ids := binenc.Map[uint64, uint32](d)
	if err := d.Err(); err != nil {
		return 0, err
	}
	if l.cfg.Window > 0 {
		ids = map[uint64]uint32{} // a windowed engine keeps no id table (countID)
	}
	l.ids = ids
	for _, r := range []io.ReaderFrom{l.bkt, l.words, l.bp, l.df} {
		if _, err := r.ReadFrom(d); err != nil {
			return 0, err
		}
	}
	for _, c := range []*liveClusters{&l.stories, &l.lines} {
		if err := c.readFrom(d); err != nil {
			return 0, err
		}
	}
	if tag := d.String(); d.Err() == nil && tag != "end" {
		d.Failf("end expected, found %q", tag)
	}
	if err := d.Err(); err != nil {
		return 0, err
	}
	if d.Len() != size-4 {
		return 0, fmt.Errorf("%w: %d bytes after the end", binenc.ErrCorrupt, size-4-d.Len())
	}
	var sum [4]byte
	if _, err := f.ReadAt(sum[:], size-4); err != nil {
		return 0, err
	}
	if got, want := h.Sum32(), binary.LittleEndian.Uint32(sum[:]); got != want {
		return 0, fmt.Errorf("%w: checksum %08x, written %08x", binenc.ErrCorrupt, got, want)
	}
	if l.stories.next != hdr.Stories || l.lines.next != hdr.Storylines {
		return 0, fmt.Errorf("%w: story numbers %d/%d, header %d/%d", binenc.ErrCorrupt, l.stories.next, l.lines.next, hdr.Stories, hdr.Storylines)
	}
	l.next = hdr.Seq
	l.count.Store(hdr.Articles)
	l.stale.Store(false)
	l.publishCounts()
	l.publishIndexBytes()
	return hdr.Seq, nil
}

// checkSnapshot returns why a snapshot of header hdr cannot be the memory
// of this engine's store (nil when it can).
func (l *Live) checkSnapshot(hdr *snapshotHeader) error {
	if hdr.Version != snapshotVersion {
		return fmt.Errorf("format version %d; this build reads %d", hdr.Version, snapshotVersion)
	}
	if hdr.FingerprintVersion != text.FingerprintVersion {
		return fmt.Errorf("fingerprint version %d; this build has %d", hdr.FingerprintVersion, text.FingerprintVersion)
	}
	cfg, err := json.Marshal(l.cfg)
	if err != nil {
		return err
	}
	if hdr.Config != string(cfg) {
		return errors.New("written with other engine parameters than the store's")
	}
	c, err := l.counters()
	if err != nil {
		return err
	}
	if hdr.Seq > c.Seq || hdr.Stories > max(c.Story, 1) || hdr.Storylines > max(c.Storyline, 1) {
		return fmt.Errorf("newer than the store: it holds the articles before #%d, the stories before %d, the storylines before %d; the store's counters are %d, %d, %d",
			hdr.Seq, hdr.Stories, hdr.Storylines, c.Seq, c.Story, c.Storyline)
	}
	deleted, err := l.deletedCount()
	if err != nil {
		return err
	}
	if deleted != hdr.Deleted {
		return fmt.Errorf("written at %d deletions from the store; the store counts %d: articles were deleted since", hdr.Deleted, deleted)
	}
	l.deletedAt, l.taken = deleted, deleted
	if hdr.LastID != "" {
		a, err := l.bySeq(hdr.LastSeq)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err != nil || a.ID != hdr.LastID {
			return fmt.Errorf("the store does not hold its last article %q as #%d: a snapshot of another store", hdr.LastID, hdr.LastSeq)
		}
	}
	return nil
}
