package engine

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"
	gojson "github.com/goccy/go-json"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/index"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/postings"
	"github.com/reprint-news/reprint/sketch"
	"github.com/reprint-news/reprint/store"
	"github.com/reprint-news/reprint/text"
	"github.com/reprint-news/reprint/wordnet"
)

// Live is the engine for articles that arrive one at a time (the service,
// reprint serve): each article is compared on arrival with the articles stored
// before it, placed in a story and a storyline, and the answer is stored
// with it.
//
// Per article (ingest), under one writer lock:
//
//  1. An id seen before returns the stored answer (New false), or
//     ErrConflict when the text differs.
//  2. Tokenize, and leave out the lines that are boilerplate by the
//     statistics of the articles stored before it (text.Boilerplate.Has).
//     An article of fewer than MinTokens tokens is not compared (as in the
//     batch run: Dedup "too_short") but still gets a story.
//  3. Shingles, shingle set, signature, band keys; candidates are the
//     stored articles sharing at least M of B buckets (index.Buckets, in
//     memory; the store keeps each article's band keys in its record).
//  4. Each candidate is verified on the real shingle sets (rebuilt from its
//     stored text, with today's boilerplate; or kept from when a recent
//     article came in, while its lines' boilerplate decisions hold:
//     live_recent.go) and classified (match).
//  5. Duplicate group: going through its exact and near-duplicate
//     relations from the earliest, the article joins the first one's group
//     whose representative it is itself within the threshold of (the
//     batch run's anti-chaining rule); an ungrouped duplicate founds a
//     group with itself as representative. Group ids are representative ids.
//  6. Story (live_stories.go): an article that joins a duplicate group joins
//     its group's story as it is; any other is clustered (cluster.Online,
//     the batch run's story clusterer and parameters) and joins the best
//     story or opens one. A new story is placed in a storyline at once.
//  7. One batch holds the article record (under its sequence number,
//     with its band keys), its id key, its group membership, the record
//     of a representative whose group it founds, and its story and
//     storyline records: a crash keeps all of an article or none. The
//     in-memory bucket and search indexes take it at the end of step 5
//     (live_ingest.go). Ingest syncs the batch before returning;
//     IngestMany syncs once for all.
//
// Open rebuilds the bucket and search indexes, the boilerplate
// statistics and the story and storyline clusterers by replaying the
// stored articles in sequence order with their stored assignments (weigh,
// observe, add; nothing is decided again), so a restarted engine answers
// as the one before it would have; or it reads them from a snapshot and
// replays only the articles stored after it (live_snapshot.go).
//
// Keys: docs/STORE.md.
//
// Locks: mu is held by every writer (Ingest, IngestPrepared, Delete) and
// by a rebuild; rmu guards what reads share with writers in memory (the
// search index and the boilerplate statistics: writers change them under
// rmu, reads take it shared). Reads of the store take no lock.
type Live struct {
	mu    sync.Mutex
	rmu   sync.RWMutex
	cfg   Config
	st    store.KV
	bands index.Bands
	bkt   *index.Buckets
	words *postings.Generations // search (rmu)
	// With a window (Config.Window): search answers only articles from
	// searchFrom on (rmu; live_window.go).
	searchFrom uint64
	bp         *text.Boilerplate // rmu
	sk         *sketch.Sketcher
	next       uint64 // sequence number of the next article
	// Scratch for fingerprints, reused under mu (dedup and verification).
	fps fpScratch
	// fpPool holds the scratch of fetchCandidates' fetchers.
	fpPool sync.Pool
	// The latest articles with their fingerprints (dedup's, under mu).
	recent recent
	// ids counts the stored and in-pipeline articles by id hash (under
	// mu): dedup asks the store about a new article's id only when its
	// hash is here, and almost every new id's is not (a windowed engine
	// keeps none: countID). The hash is seeded
	// at random (idSeed), and the seed is kept with the counts in a
	// snapshot.
	ids    map[uint64]uint32
	idSeed uint64
	// Document frequencies of the stored articles' stems, and prepared
	// articles, for text reuse (live_reuse.go).
	df *match.DocFreq
	// bpj journals the boilerplate changes the write stage has not
	// passed (live_boiler.go).
	bpj   boilerJournal
	reuse reuseCache
	// The story and storyline clusterers with their stored numbers.
	stories, lines liveClusters
	// Their records, as the write stage last wrote them (live_stories.go).
	storyRecs records[LiveStory]
	lineRecs  records[LiveStoryline]
	// The sizes for Len, Counts and IndexBytes, published as writes land.
	count, nStories, nLines  atomic.Uint64
	bucketBytes, searchBytes atomic.Int64
	// stale is set when a write failed after the engine's memory had
	// taken the article in: memory is ahead of the store, and the next
	// write rebuilds it from the store first.
	stale atomic.Bool
	loads int // rebuilds from the store so far (under mu)
	// diverged is set when an article was deleted since the last
	// rebuild (under mu): the clusterers, boilerplate statistics and
	// document frequencies still hold its share, which a replay of the
	// store would not, so the memory is not written to a snapshot.
	diverged bool
	// deletedAt is the store's deletion count (c/deleted) when the memory
	// was built: another process's deletion (a shared state) leaves this
	// one's memory behind the store, and no snapshot is written then.
	deletedAt uint64
	// taken is the number of deletions (c/deleted) taken out of the memory:
	// its own and, when it catches up, the other processes' (the deletion
	// log: takeDeletions). Under mu.
	taken uint64
	// started says how the memory was built at open (StartInfo).
	started StartInfo
	// snapMu orders snapshot writes.
	snapMu sync.Mutex
	// lease is the writer lease of a shared state (Share); nil for a
	// state of one process.
	lease Lease
	// writeFault, set by tests only, makes a write fail before its
	// commit when it returns an error.
	writeFault func(*LiveArticle) error
}

// LiveRelation is one relation found for an article.
type LiveRelation struct {
	ID          string         `json:"id"`
	Relation    match.Relation `json:"relation"`
	Jaccard     float64        `json:"jaccard"`
	Containment float64        `json:"containment"`
	// Contains is set for a contains relation: "new" when the new article
	// holds the other one (a reprint with additions), "other" when the
	// other one holds it.
	Contains string `json:"contains,omitempty"`
}

// LiveArticle is a stored article with its answer.
type LiveArticle struct {
	Seq       uint64    `json:"seq"`
	ID        string    `json:"id"`
	Source    string    `json:"source,omitempty"`
	URL       string    `json:"url,omitempty"`
	Title     string    `json:"title,omitempty"`
	Published time.Time `json:"published,omitzero"`
	// PublishedFrom says where Published came from (article.PublishedFrom:
	// "record", "html", "text").
	PublishedFrom string    `json:"published_from,omitempty"`
	Received      time.Time `json:"received"` // when the engine took it in
	// Lang is the language detected for it (text.Language; "und" when
	// undetermined), which chooses its stemmer for text reuse.
	Lang string `json:"lang,omitempty"`
	Text string `json:"text"`
	// Dedup is "too_short" for an article that was not compared (fewer
	// than Config.MinTokens tokens); "" otherwise.
	Dedup     string         `json:"dedup,omitempty"`
	Exact     uint64         `json:"exact,string"`
	Keys      []uint32       `json:"keys,omitempty"`
	Group     string         `json:"group,omitempty"` // representative id; "" when in no group
	Relations []LiveRelation `json:"relations,omitempty"`
	// Reuse are its text reuse relations with earlier articles of its
	// story (live_reuse.go).
	Reuse []LiveReuse `json:"reuse,omitempty"`
	// Prep is what its text reuse preparation took from the corpus when
	// it was written (match.Frozen, packed): the word weights and
	// boilerplate lines of that moment, so that it is prepared alike
	// whenever it is compared again — after a restart, on another worker,
	// whether or not a cache still holds it.
	Prep      []byte `json:"prep,omitempty"`
	Story     string `json:"story"`
	Storyline string `json:"storyline"`
	// T is the time the story clusterer used (unix s, 0: no plausible
	// date), kept so that replay gives the clusterer what it had.
	T int64 `json:"t,omitempty"`
	// Clustered is set when the article went through the story clusterer
	// (it was in no group or founded its group); a later group member
	// joined its group's story as it was.
	Clustered bool `json:"clustered,omitempty"`
}

// Ingested is Ingest's answer.
type Ingested struct {
	*LiveArticle
	New bool `json:"new"` // false: the id was stored before (the stored answer)
}

// Errors of Ingest.
var (
	ErrConflict = errors.New("an article with this id but another text is stored")
	ErrNoText   = errors.New("no text")
	ErrNoID     = errors.New("no id")
	// ErrBadID: the ids "." and ".." cannot be addressed in a URL path
	// (/v1/articles/{id}): an HTTP router cleans them away.
	ErrBadID = errors.New(`an id may not be "." or ".."`)
)

const (
	livePrefixArticle = "a/"
	livePrefixSeq     = "q/"
	livePrefixMember  = "m/"
	liveKeyCounters   = "c/counters"
	liveKeyConfig     = "c/config"
)

// KeyFamily is the scan family of a key of the live engine's layout
// (docs/STORE.md): every range the engine scans lies within one family. A
// store that scans by families (redisstore) is given it. The members of
// one group (m/), the articles of one story (n/), the stories of one
// storyline (k/) and the reuse relations of one article (r/) are a family
// each: the one-letter prefix and the 8-byte number after it; every other
// prefix (articles in sequence order, stories by time and by size, …) is
// one family; a key without a prefix is its own.
func KeyFamily(key []byte) []byte {
	if len(key) < 2 || key[1] != '/' {
		return key
	}
	switch string(key[:2]) {
	case livePrefixMember, livePrefixStoryMember, livePrefixLineMember, livePrefixReuse:
		if len(key) >= 10 {
			return key[:10]
		}
	}
	return key[:2]
}

// liveCounters are the next numbers to give out; they are stored, so that
// a number is never given twice even when the last holder was deleted.
type liveCounters struct {
	Seq       uint64 `json:"seq"`
	Story     uint64 `json:"story"`
	Storyline uint64 `json:"storyline"`
}

// OpenLive opens the live engine on store st (which it does not close) and
// replays the stored articles. A store that many processes share (one
// that is a Lease: redisstore) is written under its writer lease
// (live_shared.go). A store keeps the parameters it was built
// with (key c/config, written at the first open): they override cfg's, so
// that every article of a store is judged by the same rules.
func OpenLive(st store.KV, cfg Config) (*Live, error) {
	return OpenLiveWith(st, cfg, Options{})
}

// Options are OpenLiveWith's options.
type Options struct {
	// Snapshot is the path of a snapshot of the engine's memory
	// (Live.Snapshot) to start from: when it is valid for the store, the
	// engine reads it and replays only the articles stored after it;
	// otherwise (missing, damaged, of other parameters, older than a
	// deletion, newer than the store) it
	// replays every stored article, as without one, and StartInfo says
	// why.
	Snapshot string
}

// StartInfo says how OpenLiveWith built the engine's memory.
type StartInfo struct {
	// Snapshot is the snapshot started from ("": none, every stored
	// article was replayed).
	Snapshot string
	// SnapshotSeq is the sequence number the snapshot covers up to.
	SnapshotSeq uint64
	// Replayed is the number of stored articles replayed (after the
	// snapshot, or all of them).
	Replayed int
	// Ignored is why the snapshot given was not used (nil: it was, or
	// none was given); errors.Is(Ignored, fs.ErrNotExist) for a missing
	// file.
	Ignored error
	// SnapshotRead is the time taken to read the snapshot; Took the
	// whole start (reading and replaying).
	SnapshotRead time.Duration
	Took         time.Duration
}

// Started returns how the engine's memory was built at open.
func (l *Live) Started() StartInfo { return l.started }

// OpenLiveWith is OpenLive with options: a snapshot to start from.
func OpenLiveWith(st store.KV, cfg Config, o Options) (*Live, error) {
	t0 := time.Now()
	if cfg.Relations {
		// The synonym database text reuse reads (about half a second)
		// loads beside the start instead of in the first write.
		go wordnet.Default()
	}
	l := &Live{cfg: cfg, st: st}
	l.fpPool.New = func() any { return new(fpScratch) }
	// A state shared with other processes: its writer lease, held while
	// the parameters are read or written.
	held := false
	if ls, ok := st.(Lease); ok && st.Writable() == nil {
		l.lease = ls
		ctx, cancel := context.WithTimeout(context.Background(), LeaseWait)
		err := ls.Acquire(ctx, LeaseTTL) // for the parameters, written once
		cancel()
		if err != nil {
			return nil, fmt.Errorf("waiting for the writer lease: %w", err)
		}
		held = true
		defer func() {
			if held {
				ls.Release()
			}
		}()
	}
	v, err := st.Get([]byte(liveKeyConfig))
	write := false
	switch {
	case err == nil:
		l.cfg.Window = 0 // the stored one, if any
		if err := json.Unmarshal(v, &l.cfg); err != nil {
			return nil, fmt.Errorf("stored parameters: corrupt record: %w", err)
		}
		// A store without a window (made before the parameter, or
		// without one) takes the one given, for good.
		if l.cfg.Window == 0 && cfg.Window > 0 {
			l.cfg.Window = cfg.Window
			write = st.Writable() == nil
		}
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	default:
		write = st.Writable() == nil
	}
	if write {
		b := st.NewBatch()
		if err := putJSON(b, []byte(liveKeyConfig), l.cfg); err != nil {
			b.Discard()
			return nil, err
		}
		if err := b.Commit(); err != nil {
			return nil, err
		}
	}
	if held {
		// With the lease every write is applied (a crashed writer's by
		// the lease's recovery): the watermark can rise to the counters.
		// The memory is then built without the lease, below the
		// watermark, while the others go on writing.
		c, err := l.counters()
		if err != nil {
			return nil, err
		}
		l.publishWatermark(c)
		l.lease.Release()
		held = false
	}
	if o.Snapshot != "" {
		l.started.Ignored = l.startFromSnapshot(o.Snapshot)
	}
	if l.started.Snapshot == "" {
		n, err := l.load()
		if err != nil {
			return nil, err
		}
		l.started.Replayed = n
	}
	l.started.Took = time.Since(t0)
	return l, nil
}

// startFromSnapshot reads the snapshot at path and replays the articles
// stored after it, or returns why it cannot (the memory is then to be
// rebuilt by a full replay).
func (l *Live) startFromSnapshot(path string) error {
	t0 := time.Now()
	seq, err := l.readSnapshot(path)
	if err != nil {
		return err
	}
	read := time.Since(t0)
	n, err := l.CatchUpComplete()
	if err != nil {
		return fmt.Errorf("replaying the articles stored after snapshot %s: %w", path, err)
	}
	l.rmu.Lock()
	l.settle()
	l.rmu.Unlock()
	l.publishIndexBytes()
	l.started = StartInfo{Snapshot: path, SnapshotSeq: seq, Replayed: n, SnapshotRead: read}
	return nil
}

// reset empties the in-memory state (the caller holds rmu).
func (l *Live) reset() {
	cfg := l.cfg
	l.bands = cfg.Bands()
	l.bp = text.NewBoilerplate(cfg.Boilerplate)
	l.bpj.reset()
	l.sk = sketch.NewSketcher(cfg.K, cfg.Seed)
	l.bkt = index.NewBuckets(l.bands, cfg.MaxBucket)
	l.words = postings.NewGenerations(l.searchStep())
	l.searchFrom = 0
	l.df = match.NewDocFreq("en")
	l.reuse.reset()
	l.recent.reset()
	l.storyRecs.reset()
	l.lineRecs.reset()
	l.ids, l.idSeed = map[uint64]uint32{}, rand.Uint64()
	story, line := cfg.Story.Story, cfg.Story.Storyline
	if cfg.Window > 0 {
		// Memory bounded to the window: a closed story or storyline
		// leaves memory (its record keeps what it had).
		story.ForgetClosed, line.ForgetClosed = true, true
	}
	l.stories = newLiveClusters(story)
	l.lines = newLiveClusters(line)
	l.count.Store(0)
	l.next = 0
	l.diverged = false
}

// settle leaves the memory of a start the same whether it was replayed
// whole or read from a snapshot and caught up (the caller holds rmu): the
// search lists without growth room, of no use once built, and the
// clusterers' postings without closed clusters, which the scans of the
// engine that wrote the snapshot may have dropped and a replay never
// does.
func (l *Live) settle() {
	l.slideWindow(l.next)
	l.words.Compact()
	l.stories.on.DropClosed()
	l.lines.on.DropClosed()
}

// completeCounters returns the counters below which every stored
// article's writes are applied: a shared state's watermark (the lease's
// holder may be applying a batch), else the stored counters.
func (l *Live) completeCounters() (liveCounters, error) {
	c, shared, err := l.watermark()
	if err != nil || shared {
		return c, err
	}
	return l.counters()
}

// counters reads the stored counters (zero when none are stored).
func (l *Live) counters() (liveCounters, error) {
	var c liveCounters
	if v, err := l.st.Get([]byte(liveKeyCounters)); err == nil {
		if err := json.Unmarshal(v, &c); err != nil {
			return c, fmt.Errorf("counters: corrupt record: %w", err)
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return c, err
	}
	return c, nil
}

// load (re)builds the in-memory state from the store by replaying every
// stored article: boilerplate statistics, story and storyline
// clusterers, counters. It returns the number of articles replayed.
func (l *Live) load() (int, error) {
	l.rmu.Lock()
	defer l.rmu.Unlock()
	l.loads++
	l.reset()
	c, err := l.completeCounters()
	if err != nil {
		return 0, err
	}
	l.next, l.stories.next, l.lines.next = c.Seq, max(c.Story, 1), max(c.Storyline, 1)
	if l.deletedAt, err = l.deletedCount(); err != nil {
		return 0, err
	}
	l.taken = l.deletedAt
	n, err := l.replayStored(0, c.Seq, false)
	if err != nil {
		return n, err
	}
	l.settle()
	l.stale.Store(false)
	l.publishCounts()
	l.publishIndexBytes()
	return n, nil
}

// replayStored replays the stored articles with sequence numbers from
// from up to to (excluded), in order, and returns how many. They are read and prepared (tokens,
// features) on other goroutines, a chunk at a time, ahead of the replay
// proper. With lockChunks it takes rmu for each chunk's replay (reads go
// on between chunks); else the caller holds rmu.
func (l *Live) replayStored(from, to uint64, lockChunks bool) (int, error) {
	type chunk struct {
		recs []*LiveArticle
		ps   []*Prepared
		err  error
	}
	chunks := make(chan chunk, 2)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(chunks)
		var c chunk
		send := func() bool {
			arts := make([]article.Article, len(c.recs))
			for i, r := range c.recs {
				arts[i] = article.Article{ID: r.ID, Title: r.Title, Text: r.Text}
			}
			c.ps = prepareAll(arts, false)
			select {
			case chunks <- c:
				c = chunk{}
				return true
			case <-stop:
				return false
			}
		}
		errStop := errors.New("stop")
		err := l.st.Scan(seqKey(livePrefixSeq, from), seqKey(livePrefixSeq, to), func(k, v []byte) error {
			a, err := decodeArticle(v)
			if err != nil {
				return fmt.Errorf("replaying article #%x: %w", k[len(livePrefixSeq):], err)
			}
			c.recs = append(c.recs, a)
			if len(c.recs) == featBatchSize && !send() {
				return errStop
			}
			return nil
		})
		if errors.Is(err, errStop) {
			return
		}
		c.err = err
		send()
	}()
	n := 0
	for c := range chunks {
		if lockChunks {
			l.rmu.Lock()
		}
		for i, a := range c.recs {
			if err := l.replay(a, c.ps[i]); err != nil {
				if lockChunks {
					l.rmu.Unlock()
				}
				return n, err
			}
			n++
		}
		if lockChunks {
			l.rmu.Unlock()
		}
		if c.err != nil {
			return n, c.err
		}
	}
	return n, nil
}

// replay takes stored article a (prepared: p) into memory as its write
// left it: story and storyline clusterers, boilerplate statistics,
// document frequencies, bucket and search indexes, counters (the caller
// holds rmu).
func (l *Live) replay(a *LiveArticle, p *Prepared) error {
	if err := l.replayStory(a, p); err != nil {
		return fmt.Errorf("replaying article %q: %w", a.ID, err)
	}
	l.bp.Add(a.Text, p.doc.Lines)
	l.df.AddStems(p.stems)
	if err := l.addIndexes(a, p); err != nil {
		return fmt.Errorf("replaying article %q: %w", a.ID, err)
	}
	l.next = max(l.next, a.Seq+1)
	l.countID(a.ID)
	l.count.Add(1)
	return nil
}

// CatchUp takes into memory the articles stored since this engine last
// read or wrote the store, as a restart would, and returns how many:
// those other processes sharing the state (a Redis Cluster: redisstore)
// wrote, or, at open, those stored after a snapshot. A process that
// writes to a shared state calls it before each write, under the state's
// writer lease, so that it decides as one process would have (cmd/reprint
// worker): with the lease, every batch of the others is wholly applied. A
// process that does not hold the lease calls CatchUpComplete instead.
// Articles deleted by another process are taken out of this one's memory
// as well (the deletion log, live_delete.go).
func (l *Live) CatchUp() (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, err := l.counters()
	if err != nil {
		return 0, err
	}
	return l.catchUpTo(c)
}

// CatchUpComplete is CatchUp for a process that does not hold the writer
// lease of a shared state (a server taking in the others' articles for
// its search index, a worker waiting for its turn): it takes in only the
// articles below the state's watermark, whose writes are wholly applied,
// never a batch that another process is applying at that moment. What
// lies above it is taken in by the next CatchUp under the lease, or by a
// CatchUpComplete after its writer's sync. For a state of one process it
// is CatchUp.
func (l *Live) CatchUpComplete() (int, error) {
	c, shared, err := l.watermark()
	if err != nil {
		return 0, err
	}
	if !shared {
		return l.CatchUp()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.catchUpTo(c)
}

// catchUpTo takes in the stored articles from l.next to c.Seq, c being
// counters below which every write is applied, then takes out the ones
// the other processes deleted (the caller holds mu).
func (l *Live) catchUpTo(c liveCounters) (int, error) {
	n := 0
	if c.Seq > l.next {
		var err error
		if n, err = l.replayStored(l.next, c.Seq, true); err != nil {
			l.stale.Store(true) // rebuilt from the store at the next write
			return n, err
		}
		l.next = max(l.next, c.Seq)
		l.stories.next, l.lines.next = max(l.stories.next, c.Story), max(l.lines.next, c.Storyline)
	}
	// After taking them in: one deleted meanwhile is taken out again.
	if _, err := l.takeDeletions(); err != nil {
		l.stale.Store(true)
		return n, err
	}
	if n == 0 {
		return 0, nil
	}
	// The story and storyline records this process last wrote may have
	// been rewritten by another one.
	l.storyRecs.reset()
	l.lineRecs.reset()
	l.publishCounts()
	l.publishIndexBytes()
	return n, nil
}

// addIndexes puts stored article a (prepared: p) into the in-memory
// bucket and search indexes.
func (l *Live) addIndexes(a *LiveArticle, p *Prepared) error {
	if a.Keys != nil {
		if err := l.bkt.Add(a.Seq, a.Keys); err != nil {
			return err
		}
	}
	if err := l.words.Add(a.Seq, p.words); err != nil {
		return err
	}
	l.slideWindow(a.Seq + 1)
	return nil
}

// Len returns the number of articles stored.
func (l *Live) Len() uint64 { return l.count.Load() }

// publishCounts publishes the story and storyline counts for Counts.
func (l *Live) publishCounts() {
	l.nStories.Store(l.stories.next - 1)
	l.nLines.Store(l.lines.next - 1)
}

// publishIndexBytes publishes the in-memory indexes' sizes for
// IndexBytes.
func (l *Live) publishIndexBytes() {
	l.bucketBytes.Store(l.bkt.Bytes())
	l.searchBytes.Store(l.words.Bytes())
}

// IndexBytes returns the memory held by the in-memory LSH bucket index
// and search index.
func (l *Live) IndexBytes() (buckets, search int64) {
	return l.bucketBytes.Load(), l.searchBytes.Load()
}

func seqKey(prefix string, seqs ...uint64) []byte {
	k := []byte(prefix)
	for _, s := range seqs {
		k = binary.BigEndian.AppendUint64(k, s)
	}
	return k
}

// decodeRecord decodes a stored JSON record (an article, a story, a
// storyline) into v. It uses goccy/go-json: records are decoded on every
// candidate verification and story update, and it takes 5 µs for an
// article record where encoding/json takes 40. Records are encoded with
// encoding/json; TestDecodeRecord checks that both decode them alike.
func decodeRecord(data []byte, v any) error { return gojson.Unmarshal(data, v) }

// Article returns the stored article id, or store.ErrNotFound.
func (l *Live) Article(id string) (*LiveArticle, error) { return l.get(id) }

// get returns stored article id: its sequence number (a/), then its
// record (q/).
func (l *Live) get(id string) (*LiveArticle, error) {
	v, err := l.st.Get([]byte(livePrefixArticle + id))
	if err != nil {
		return nil, err
	}
	if len(v) != 8 {
		return nil, fmt.Errorf("article %q: corrupt sequence number %x", id, v)
	}
	// ErrNotFound here: deleted between the two reads.
	return l.bySeq(binary.BigEndian.Uint64(v))
}

// idHash is id's key in l.ids.
func (l *Live) idHash(id string) uint64 {
	var d xxhash.Digest
	d.ResetWithSeed(l.idSeed)
	d.WriteString(id)
	return d.Sum64()
}

// bySeq returns stored article seq, or store.ErrNotFound.
func (l *Live) bySeq(seq uint64) (*LiveArticle, error) {
	v, err := l.st.Get(seqKey(livePrefixSeq, seq))
	if err != nil {
		return nil, err
	}
	a, err := decodeArticle(v)
	if err != nil {
		return nil, fmt.Errorf("article #%d: %w", seq, err)
	}
	return a, nil
}

func decodeArticle(v []byte) (*LiveArticle, error) {
	var a LiveArticle
	if err := decodeRecord(v, &a); err != nil {
		return nil, fmt.Errorf("corrupt record: %w", err)
	}
	return &a, nil
}

// putArticle puts article a's record and id into b.
func putArticle(b store.Batch, a *LiveArticle) error {
	if err := putJSON(b, seqKey(livePrefixSeq, a.Seq), a); err != nil {
		return err
	}
	b.Set([]byte(livePrefixArticle+a.ID), binary.BigEndian.AppendUint64(nil, a.Seq))
	return nil
}

// Members returns the ids of group rep's members, the representative
// first, in arrival order.
func (l *Live) Members(rep string) ([]string, error) {
	r, err := l.get(rep)
	if err != nil {
		return nil, err
	}
	if r.Group != rep {
		return nil, store.ErrNotFound
	}
	ids, err := collect(l.st, seqKey(livePrefixMember, r.Seq), false, 0, func(seq uint64) (string, error) {
		m, err := l.bySeq(seq)
		if err != nil {
			return "", err
		}
		return m.ID, nil
	})
	return append([]string{rep}, ids...), err
}

// fingerprint is what verification needs of an article.
type fingerprint struct {
	exact uint64
	set   []uint32
	sig   []uint32
	// The boilerplate decisions it was made with: the article's line
	// hashes, and bit i of boiler set when line i was left out.
	lines, boiler []uint64
}

// current reports whether fp's boilerplate decisions still hold in bp:
// then fp is what fingerprint would make of its text now.
func (fp *fingerprint) current(bp *text.Boilerplate) bool {
	for i, h := range fp.lines {
		if bp.Has(h) != (fp.boiler[i/64]&(1<<(i%64)) != 0) {
			return false
		}
	}
	return true
}

// fingerprint tokenizes s (into sc.doc), leaves out today's boilerplate
// lines and returns the token count and the fingerprint.
func (l *Live) fingerprint(s string, withSig bool, sc *fpScratch) (int, fingerprint) {
	sc.doc.Tokenize(s)
	return l.fingerprintDoc(&sc.doc, withSig, sc)
}

// fpScratch holds what making a fingerprint needs only while it is made
// (a text's tokens, the kept tokens, shingles, the set's sort buffer),
// reused from one call to the next by one goroutine at a time: verifying
// a candidate then allocates only what its fingerprint keeps.
type fpScratch struct {
	doc                text.Doc
	toks, kept, setBuf []uint32
	shingles           []uint64
}

// fingerprintDoc is fingerprint for a tokenized text; sc is scratch
// space owned by the caller.
func (l *Live) fingerprintDoc(d *text.Doc, withSig bool, sc *fpScratch) (int, fingerprint) {
	toks := d.Hashes(sc.toks[:0])
	kept := sc.kept[:0]
	var fp fingerprint
	fp.lines = make([]uint64, len(d.Lines))
	fp.boiler = make([]uint64, (len(d.Lines)+63)/64)
	for i, ln := range d.Lines {
		fp.lines[i] = ln.Hash
		if l.bp.Has(ln.Hash) {
			fp.boiler[i/64] |= 1 << (i % 64)
		} else {
			kept = append(kept, toks[ln.First:ln.First+ln.N]...)
		}
	}
	var shingles []uint64
	shingles, fp.exact = sketch.ShinglesExact(sc.shingles[:0], kept, l.cfg.W)
	fp.set, sc.setBuf = sketch.SetOf(make([]uint32, len(shingles)), sc.setBuf, shingles)
	if withSig && len(shingles) > 0 {
		fp.sig = l.sk.Sketch(shingles, nil)
	}
	sc.toks, sc.kept, sc.shingles = toks, kept, shingles
	return len(toks), fp
}

// Prepared is an article with the part of its ingestion that depends on
// it alone done: its tokens and story features. Preparing runs on any
// goroutine, outside the engine's writer lock, ahead of Ingest.
type Prepared struct {
	a     article.Article
	doc   text.Doc
	feat  text.Features
	words []uint32    // search postings (searchWords)
	reuse *match.Text // the text analyzed for text reuse
	stems []uint32    // its distinct stems, for the document frequencies
}

var extractors = sync.Pool{New: func() any { return new(text.FeatureExtractor) }}

// Prepare prepares article a for IngestPrepared. It is safe for
// concurrent use.
func Prepare(a article.Article) *Prepared { return prepare(a, true) }

// prepare prepares article a, with its text analyzed for text reuse when
// analyze is set (ingestion; replay and deletion need only its stems and
// search words).
func prepare(a article.Article, analyze bool) *Prepared {
	p := &Prepared{a: a}
	p.doc.Tokenize(a.Text)
	fx := extractors.Get().(*text.FeatureExtractor)
	p.feat = fx.ExtractTokenized(a.Title, a.Text, &p.doc)
	extractors.Put(fx)
	if analyze {
		p.reuse = match.Analyze(a.Text, &p.doc, p.feat.Lang)
		p.stems = p.reuse.Stems()
	} else {
		p.stems = text.DistinctStems(nil, text.Words(nil, a.Text, p.doc.Tokens, p.feat.Lang))
	}
	p.words = searchWords(p.stems, a.Title, p.feat.Lang)
	return p
}

// Article returns the prepared article.
func (p *Prepared) Article() article.Article { return p.a }

// PrepareMany prepares arts as Prepare does, on up to GOMAXPROCS
// goroutines, and returns them in order: for a caller that prepares
// articles before it takes them in (reprint worker, while it waits for its
// turn).
func PrepareMany(arts []article.Article) []*Prepared { return prepareAll(arts, true) }

// prepareAll prepares arts (analyzed for text reuse when analyze is set;
// not for replay) on up to GOMAXPROCS goroutines.
func prepareAll(arts []article.Article, analyze bool) []*Prepared {
	get := prepareAhead(arts, analyze)
	out := make([]*Prepared, len(arts))
	for i := range out {
		out[i] = get(i)
	}
	return out
}

// Config returns the parameters the engine runs with (the store's).
func (l *Live) Config() Config { return l.cfg }

// LiveCounts are the engine's sizes.
type LiveCounts struct {
	Articles   uint64 `json:"articles"`   // stored
	Stories    uint64 `json:"stories"`    // opened (ids given out)
	Storylines uint64 `json:"storylines"` // opened (ids given out)
}

// Counts returns the engine's sizes.
func (l *Live) Counts() LiveCounts {
	return LiveCounts{Articles: l.count.Load(), Stories: l.nStories.Load(), Storylines: l.nLines.Load()}
}
