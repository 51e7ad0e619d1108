package engine

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/cluster"
	"github.com/reprint-news/reprint/index"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/text"
)

// Status of an article after the run.
const (
	statusOK           uint8 = iota
	statusTooShort           // fewer than MinTokens tokens
	statusEmptyAfterBP       // nothing left after boilerplate removal
)

// doc is the in-memory record of one article (kept small: 1M of them,
// and free of pointers, so that the collector never scans the table: its
// id and file name are kept by offset and number, run.id and run.pos).
type doc struct {
	idOff     int64  // the id: run.idBytes[idOff : idOff+idLen]
	idLen     uint32 //
	published int64  // unix nanoseconds, 0 when unknown
	textDate  bool   // published was read from the text (article.PublishedFromText)
	spillOff  int64  // offset of the token record in the token spill
	spillLen  uint32 // its length in bytes
	exact     uint64
	nTokens   uint32 // tokens before boilerplate removal
	kept      uint32 // tokens after boilerplate removal
	status    uint8
	file      uint32 // where the record was read (for issues raised later): run.files[file],
	line      int64  // and its line
	source    uint32 // index into run.sources
	featOff   int64  // story features in the feature spill (Config.Stories)
	featLen   uint32
	textOff   int64 // the article (title, text, metadata) in the text spill (Config.Stories)
	textLen   uint32
}

// Dedup runs the batch pipeline over the articles under paths.
func Dedup(ctx context.Context, paths []string, cfg Config) (*Result, error) {
	r, err := newRun(cfg)
	if err != nil {
		return nil, err
	}
	defer r.close()
	start := time.Now()
	if err := r.ingest(ctx, paths); err != nil {
		return nil, err
	}
	return r.finish(ctx, start)
}

type run struct {
	cfg      Config
	bands    index.Bands
	tmp      string
	spill    *spill // token records (fingerprint.go)
	spillBuf []byte // scratch for encoding a token record
	feats    *spill // story feature records (stories.go)
	texts    *spill // article records for text reuse (relations.go)
	df       *match.DocFreq
	groups   []cluster.Group
	sources  numbering // outlet names ("" is 0)
	files    numbering // input files' names
	docs     []doc
	idBytes  []byte              // every article's id, one after another (append only)
	ids      map[string]struct{} // the ids taken so far
	bp       *text.Boilerplate
	bpSet    *text.BoilerplateSet
	keys     []uint32
	stats    Stats
	issues   []article.Issue
	mu       sync.Mutex // guards issues and stats counters touched by the reader
	stages   map[string]time.Duration
}

func newRun(cfg Config) (*run, error) {
	def := DefaultConfig()
	if cfg.K <= 0 {
		cfg.K = def.K
	}
	if cfg.W <= 0 {
		cfg.W = def.W
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Threshold <= 0 || cfg.Threshold > 1 {
		return nil, fmt.Errorf("threshold %v out of (0, 1]", cfg.Threshold)
	}
	if cfg.Containment <= 0 || cfg.Containment > 1 {
		return nil, fmt.Errorf("containment %v out of (0, 1]", cfg.Containment)
	}
	if cfg.Boilerplate.MinDocs == 0 {
		cfg.Boilerplate = def.Boilerplate
	}
	if cfg.Read.Workers == 0 {
		cfg.Read.Workers = cfg.Workers
	}
	tmp, err := os.MkdirTemp(cfg.TempDir, "reprint-")
	if err != nil {
		return nil, fmt.Errorf("creating temp dir: %w", err)
	}
	r := &run{
		cfg:    cfg,
		bands:  cfg.Bands(),
		tmp:    tmp,
		ids:    make(map[string]struct{}),
		bp:     text.NewBoilerplate(cfg.Boilerplate),
		stages: make(map[string]time.Duration),
	}
	r.sources.of("")
	r.stats.Skipped = map[string]int64{}
	r.stats.Altered = map[string]int64{}
	r.stats.Pairs = map[string]int{}
	if r.spill, err = newSpill(tmp+"/tokens.spill", "token"); err != nil {
		r.close()
		return nil, err
	}
	if cfg.Stories {
		if r.feats, err = newSpill(tmp+"/features.spill", "feature"); err != nil {
			r.close()
			return nil, err
		}
		if cfg.Relations {
			if r.texts, err = newSpill(tmp+"/texts.spill", "text"); err != nil {
				r.close()
				return nil, err
			}
			r.df = match.NewDocFreq("en")
		}
	}
	return r, nil
}

func (r *run) close() {
	if r.spill != nil {
		r.spill.close()
	}
	if r.feats != nil {
		r.feats.close()
	}
	if r.texts != nil {
		r.texts.close()
	}
	os.RemoveAll(r.tmp)
}

func (r *run) progress(stage string, done, total int64) {
	if r.cfg.Progress != nil {
		r.cfg.Progress(stage, done, total)
	}
}

// issue records a reader's issue: a skipped one is an input record that
// never became an article, so it counts as a record.
func (r *run) issue(is article.Issue) { r.addIssue(is, true) }

// engineIssue records an issue about a record already counted.
func (r *run) engineIssue(is article.Issue) { r.addIssue(is, false) }

func (r *run) addIssue(is article.Issue, countRecord bool) {
	r.mu.Lock()
	r.issues = append(r.issues, is)
	if is.Skipped {
		if countRecord {
			r.stats.Records++
		}
		r.stats.Skipped[is.Reason]++
	} else {
		r.stats.Altered[is.Reason]++
	}
	r.mu.Unlock()
}

// tokenized is stage 1's per-article output, computed on the readers'
// decoding goroutines (article.Options.NewProcessor) and carried in
// Record.Derived.
type tokenized struct {
	toks  []uint32
	lines []text.Line
	feat  []byte   // encoded story features (Config.Stories)
	stems []uint32 // distinct non-stop stems, for the document frequencies (Config.Stories)
	text  []byte   // the encoded article, for text reuse (Config.Stories)
}

// newTokenizer returns one decoding goroutine's tokenizer: token hashes
// and lines of every article, and its story features when enabled.
func (r *run) newTokenizer() func(*article.Record) {
	var d text.Doc
	var fx text.FeatureExtractor
	var words []text.Word
	return func(rec *article.Record) {
		a := &rec.Article
		d.Tokenize(a.Text)
		t := &tokenized{toks: d.Hashes(make([]uint32, 0, len(d.Tokens))), lines: slices.Clone(d.Lines)}
		if r.cfg.Stories {
			fr := featRecord{f: fx.ExtractTokenized(a.Title, a.Text, &d)}
			fr.lang = fr.f.Lang
			fr.headline, fr.hasTitle = headlineOf(a.Title, a.Text)
			t.feat = encodeFeatures(nil, &fr)
			if r.cfg.Relations {
				words = text.Words(words[:0], a.Text, d.Tokens, fr.lang)
				t.stems = text.DistinctStems(nil, words)
				t.text = encodeReuseArticle(nil, a, fr.lang)
			}
		}
		rec.Derived = t
	}
}

// ingest is stage 1: the readers decode and tokenize in parallel and
// deliver in input order; each article is then, in order, given its index,
// checked for a duplicate id, fed to the boilerplate detector and spilled.
func (r *run) ingest(ctx context.Context, paths []string) error {
	t0 := time.Now()
	opts := r.cfg.Read
	opts.NewProcessor = r.newTokenizer
	var readBytes int64
	n := 0
	emit := func(rec article.Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.collect(&rec, rec.Derived.(*tokenized)); err != nil {
			return err
		}
		readBytes += rec.Bytes
		if n++; n%1024 == 0 {
			r.progress("read", readBytes, 0)
		}
		return nil
	}
	if err := article.Read(ctx, paths, opts, emit, r.issue); err != nil {
		return err
	}
	if err := r.spill.flush(); err != nil {
		return err
	}
	r.stages["read+tokenize"] = time.Since(t0)
	return nil
}

// collect handles one article, in input order.
func (r *run) collect(rec *article.Record, t *tokenized) error {
	a := &rec.Article
	r.mu.Lock()
	r.stats.Records++
	r.stats.Bytes += rec.Bytes
	r.mu.Unlock()
	// One map operation: the id was taken before when adding it does not
	// grow the set.
	taken := len(r.ids)
	r.ids[a.ID] = struct{}{}
	if len(r.ids) == taken {
		r.engineIssue(duplicateID(rec))
		return nil
	}
	d := doc{idOff: int64(len(r.idBytes)), idLen: uint32(len(a.ID)), nTokens: uint32(len(t.toks)),
		file: r.files.of(rec.Pos.File), line: int64(rec.Pos.Line), source: r.sources.of(a.Source)}
	r.idBytes = append(r.idBytes, a.ID...)
	if t.feat != nil {
		off, err := r.feats.append(t.feat)
		if err != nil {
			return err
		}
		d.featOff, d.featLen = off, uint32(len(t.feat))
		if r.texts != nil {
			if off, err = r.texts.append(t.text); err != nil {
				return err
			}
			d.textOff, d.textLen = off, uint32(len(t.text))
			r.df.AddStems(t.stems)
		}
	}
	if !a.Published.IsZero() {
		d.published = a.Published.UnixNano()
		d.textDate = a.PublishedFrom == article.PublishedFromText
	}
	if len(t.toks) < r.cfg.MinTokens {
		d.status = statusTooShort
		r.engineIssue(article.Issue{Pos: rec.Pos, Reason: "too_short", Detail: fmt.Sprintf("%d tokens, fewer than --min-tokens %d", len(t.toks), r.cfg.MinTokens), Skipped: true})
	} else {
		r.bp.Add(a.Text, t.lines)
		r.spillBuf = encodeTokens(r.spillBuf[:0], t.toks, t.lines)
		off, err := r.spill.append(r.spillBuf)
		if err != nil {
			return err
		}
		d.spillOff, d.spillLen = off, uint32(len(r.spillBuf))
	}
	if len(r.docs) == cap(r.docs) {
		// Doubling: append grows a slice this large by a quarter, copying
		// the whole table every few thousand articles.
		grown := make([]doc, len(r.docs), 2*cap(r.docs)+1024)
		copy(grown, r.docs)
		r.docs = grown
	}
	r.docs = append(r.docs, d)
	return nil
}

// duplicateID is the issue of a record whose id an earlier record of the
// input already used.
func duplicateID(rec *article.Record) article.Issue {
	return article.Issue{Pos: rec.Pos, Reason: "duplicate_id", Skipped: true,
		Detail: fmt.Sprintf("id %q was already used by an earlier record; the first one is kept", text.Clip(rec.Article.ID, 80))}
}

// id returns article i's id. The string shares idBytes' storage, which
// is only ever appended to.
func (r *run) id(i uint32) string {
	d := &r.docs[i]
	if d.idLen == 0 {
		return ""
	}
	return unsafe.String(&r.idBytes[d.idOff], int(d.idLen))
}

// pos returns where article i was read.
func (r *run) pos(i uint32) article.Pos {
	return article.Pos{File: r.files.list[r.docs[i].file], Line: int(r.docs[i].line)}
}

// numbering numbers distinct strings in order of first sight.
type numbering struct {
	list []string
	ix   map[string]uint32
}

// of returns the number of s.
func (n *numbering) of(s string) uint32 {
	if i, ok := n.ix[s]; ok {
		return i
	}
	if n.ix == nil {
		n.ix = map[string]uint32{}
	}
	i := uint32(len(n.list))
	n.list = append(n.list, s)
	n.ix[s] = i
	return i
}

// finish runs stages 2–6 and builds the result.
func (r *run) finish(ctx context.Context, start time.Time) (*Result, error) {
	r.bpSet = r.bp.Set()
	if err := r.fingerprint(ctx); err != nil {
		return nil, err
	}
	t0 := time.Now()
	classes, exactEdges := r.exactClasses()
	r.stages["exact"] = time.Since(t0)

	t0 = time.Now()
	canon := make([]uint32, 0, len(classes))
	canon = append(canon, classes...)
	cands, cst := index.Candidates(r.keys, canon, r.bands.B, r.bands.M, r.cfg.MaxBucket, r.cfg.Workers)
	r.keys = nil // band keys are no longer needed
	r.stats.Candidates = cst
	r.stages["candidates"] = time.Since(t0)

	t0 = time.Now()
	pairs, err := r.verify(ctx, exactEdges, cands)
	if err != nil {
		return nil, err
	}
	r.stages["verify"] = time.Since(t0)

	t0 = time.Now()
	res, err := r.group(pairs)
	if err != nil {
		return nil, err
	}
	r.stages["group"] = time.Since(t0)
	if r.cfg.Stories {
		if err := r.stories(res); err != nil {
			return nil, err
		}
	}
	r.stats.Elapsed = time.Since(start)
	r.stats.Stages = r.stages
	if r.cfg.Finished != nil {
		r.cfg.Finished()
	}
	res.Stats = r.stats
	return res, nil
}

// exactClasses groups analyzed articles by exact hash. It returns the
// first article of every class (input order) and the edges joining each
// other member to its class's first article.
func (r *run) exactClasses() (firsts []uint32, edges []index.Pair) {
	order := make([]uint32, 0, len(r.docs))
	for i := range r.docs {
		if r.docs[i].status == statusOK {
			order = append(order, uint32(i))
		}
	}
	r.stats.Articles = len(order)
	slices.SortFunc(order, func(a, b uint32) int {
		if c := cmp.Compare(r.docs[a].exact, r.docs[b].exact); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for i := 0; i < len(order); {
		j := i + 1
		for j < len(order) && r.docs[order[j]].exact == r.docs[order[i]].exact {
			edges = append(edges, index.MakePair(order[i], order[j]))
			j++
		}
		firsts = append(firsts, order[i])
		i = j
	}
	slices.Sort(firsts)
	slices.Sort(edges)
	return firsts, edges
}

// verify compares every exact edge and candidate pair on the shingle sets
// and keeps those with a relation. The pairs are taken component by
// component (verifyOrder), so that an article of several pairs has its
// set read and built once (setCache) instead of once per pair; the
// components are shared among the workers, and the output is in pair
// order, whatever the number of workers.
func (r *run) verify(ctx context.Context, exactEdges, cands []index.Pair) ([]Pair, error) {
	all := make([]index.Pair, 0, len(exactEdges)+len(cands))
	all = append(all, exactEdges...)
	all = append(all, cands...)
	slices.Sort(all)
	all = slices.Compact(all)
	r.stats.Verified = len(all)
	units := verifyUnits(verifyOrder(all, len(r.docs)), verifyUnitPairs)
	out := make([][]keyedPair, len(units))
	errs := make([]error, len(units))
	var doneN int64
	var progMu sync.Mutex
	parallel(len(units), r.cfg.Workers, func(u int) {
		c := setCachePool.Get().(*setCache)
		defer setCachePool.Put(c)
		c.reset()
		if ctx.Err() != nil {
			errs[u] = ctx.Err()
			return
		}
		for _, p := range units[u] {
			a, b := p.Docs()
			c.room()
			setA, err := c.set(r, a)
			if err != nil {
				errs[u] = err
				return
			}
			setB, err := c.set(r, b)
			if err != nil {
				errs[u] = err
				return
			}
			o := match.Compare(setA, setB)
			rel, aContains := match.Classify(o, r.docs[a].exact == r.docs[b].exact, r.cfg.matchConfig())
			if rel == match.None {
				continue
			}
			vp := Pair{Relation: rel, Jaccard: round4(o.Jaccard()), Containment: round4(o.Containment()), ai: a, bi: b}
			if rel == match.Contains && !aContains {
				vp.ai, vp.bi = b, a
			}
			vp.A, vp.B = r.id(vp.ai), r.id(vp.bi)
			out[u] = append(out[u], keyedPair{p, vp})
		}
		progMu.Lock()
		doneN += int64(len(units[u]))
		r.progress("verify", doneN, int64(len(all)))
		progMu.Unlock()
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var kept []keyedPair
	for _, o := range out {
		kept = append(kept, o...)
	}
	if len(kept) == 0 {
		return nil, nil
	}
	slices.SortFunc(kept, func(x, y keyedPair) int { return cmp.Compare(x.key, y.key) })
	pairs := make([]Pair, len(kept))
	for i := range kept {
		pairs[i] = kept[i].p
	}
	return pairs, nil
}

// keyedPair is a verified pair with the candidate pair it came from (the
// output's order).
type keyedPair struct {
	key index.Pair
	p   Pair
}

// verifyUnitPairs is about how many pairs one unit of verification work
// holds (whole components: a unit of one large component holds more).
const verifyUnitPairs = 1024

// verifyOrder returns the pairs (sorted) grouped by the connected
// component of the graph they make over the n articles, each component's
// pairs in sorted order, the components in the order of their first pair.
func verifyOrder(pairs []index.Pair, n int) [][]index.Pair {
	parent := make([]uint32, n)
	for i := range parent {
		parent[i] = uint32(i)
	}
	find := func(x uint32) uint32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, p := range pairs {
		a, b := p.Docs()
		if ra, rb := find(a), find(b); ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	comp := make(map[uint32]int) // root → component number
	var sizes []int
	of := make([]int, len(pairs))
	for i, p := range pairs {
		a, _ := p.Docs()
		root := find(a)
		c, ok := comp[root]
		if !ok {
			c = len(sizes)
			comp[root] = c
			sizes = append(sizes, 0)
		}
		of[i] = c
		sizes[c]++
	}
	flat := make([]index.Pair, len(pairs))
	comps := make([][]index.Pair, len(sizes))
	off := 0
	for c, s := range sizes {
		comps[c] = flat[off:off] // its capacity runs on over the next components (verifyUnits)
		off += s
	}
	for i, p := range pairs {
		comps[of[i]] = append(comps[of[i]], p)
	}
	return comps
}

// verifyUnits joins consecutive components into units of about size
// pairs (a component is never cut).
func verifyUnits(comps [][]index.Pair, size int) [][]index.Pair {
	var units [][]index.Pair
	for i := 0; i < len(comps); {
		u := comps[i]
		for i++; i < len(comps) && len(u) < size; i++ {
			// Consecutive components are consecutive in verifyOrder's
			// backing array: extend the unit over the next one.
			u = u[:len(u)+len(comps[i])]
		}
		units = append(units, u)
	}
	return units
}

// setCache holds the shingle sets of a unit's articles (one per running
// unit, reused through setCachePool), each read and built once; past
// setCacheMax shingles it starts again.
type setCache struct {
	sb    setBuilder
	arena []uint32
	at    map[uint32][2]int32 // article → its set in arena
}

var setCachePool = sync.Pool{New: func() any { return new(setCache) }}

// setCacheMax bounds a worker's cached shingles (16 MB; a variable for
// tests).
var setCacheMax = 4 << 20

func (c *setCache) reset() {
	c.arena = c.arena[:0]
	if c.at == nil {
		c.at = make(map[uint32][2]int32)
	}
	clear(c.at)
}

// room empties the cache when it is full; called before each pair (never
// between its two sets, whose slices would be overwritten).
func (c *setCache) room() {
	if len(c.arena) > setCacheMax {
		c.reset()
	}
}

// set returns article i's shingle set (valid until the next room).
func (c *setCache) set(r *run, i uint32) ([]uint32, error) {
	if s, ok := c.at[i]; ok {
		return c.arena[s[0]:s[1]:s[1]], nil
	}
	set, err := c.sb.readSet(r, i)
	if err != nil {
		return nil, err
	}
	lo := len(c.arena)
	c.arena = append(c.arena, set...)
	c.at[i] = [2]int32{int32(lo), int32(len(c.arena))}
	return c.arena[lo:len(c.arena):len(c.arena)], nil
}

func round4(x float64) float64 {
	return float64(int64(x*10000+0.5)) / 10000
}

// less orders articles for choosing a representative: earliest published
// (known dates first), else longest (kept tokens), else smallest id.
func (r *run) less(a, b uint32) bool {
	da, db := &r.docs[a], &r.docs[b]
	if (da.published != 0) != (db.published != 0) {
		return da.published != 0
	}
	if da.published != db.published {
		return da.published < db.published
	}
	if da.kept != db.kept {
		return da.kept > db.kept
	}
	return r.id(a) < r.id(b)
}

// group builds duplicate groups, the keep list and the result.
func (r *run) group(pairs []Pair) (*Result, error) {
	var edges []cluster.Edge
	dup := make(map[index.Pair]bool)
	for _, p := range pairs {
		if p.Relation == match.Exact || p.Relation == match.NearDuplicate {
			edges = append(edges, cluster.Edge{A: p.ai, B: p.bi})
			dup[index.MakePair(p.ai, p.bi)] = true
		}
	}
	var sbA, sbB setBuilder
	var readErr error
	within := func(rep, m uint32) bool {
		if dup[index.MakePair(rep, m)] {
			return true
		}
		a, err := sbA.readSet(r, rep)
		if err != nil {
			readErr = err
			return false
		}
		b, err := sbB.readSet(r, m)
		if err != nil {
			readErr = err
			return false
		}
		return match.Duplicate(match.Compare(a, b), r.cfg.matchConfig())
	}
	groups := cluster.DupGroups(edges, r.less, within)
	if readErr != nil {
		return nil, readErr
	}
	r.groups = groups
	res := &Result{Config: r.cfg, Bands: r.bands, Pairs: pairs, Boilerplate: r.bpSet.Lines}
	dropped := make(map[uint32]bool)
	for i, g := range groups {
		og := Group{ID: fmt.Sprintf("g%06d", i+1), Representative: r.id(g.Rep)}
		for _, m := range g.Members {
			og.Members = append(og.Members, r.id(m))
			if m != g.Rep {
				dropped[m] = true
			}
		}
		res.Groups = append(res.Groups, og)
		r.stats.GroupedArticles += len(g.Members)
	}
	for i := range r.docs {
		if r.docs[i].status == statusOK && !dropped[uint32(i)] {
			res.Keep = append(res.Keep, r.id(uint32(i)))
		}
	}
	for _, p := range pairs {
		r.stats.Pairs[string(p.Relation)]++
		if p.Relation == match.Exact {
			r.stats.ExactDups++
		}
	}
	r.stats.Groups = len(res.Groups)
	r.stats.Keep = len(res.Keep)
	r.stats.Boilerplate = r.bpSet.Len()
	slices.SortStableFunc(r.issues, func(a, b article.Issue) int {
		if c := strings.Compare(a.Pos.File, b.Pos.File); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Pos.Line, b.Pos.Line); c != 0 {
			return c
		}
		return strings.Compare(a.Reason, b.Reason)
	})
	res.Issues = r.issues
	return res, nil
}
