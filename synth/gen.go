// Package synth generates realistic benchmark corpora for reprint from real
// news text.
//
// A Pool of real sentences and headlines is loaded from the development data
// directory (ECB+, SemEval-2022, MSRP, UCI headlines and the seed articles).
// Generate then writes original articles, each ~TargetBytes of real
// sentences drawn mostly from the neighbourhood of one source document (so
// that articles about the same story share some sentences without being
// duplicates), and derived articles: copies of earlier articles mutated the
// way news mutates in the wild (other outlets' boilerplate, light edits,
// truncation, paragraph reordering, added paragraphs, containment in a
// longer article, inline clutter, and combinations of these).
//
// Everything is deterministic given Config.Seed, memory stays bounded
// whatever the corpus size (only the last 5,000 articles and a reservoir of
// 2,000 older ones are kept as possible sources), and generation runs at
// hundreds of MB/s. WriteJSONL writes a corpus as JSONL shards.
package synth

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/reprint-news/reprint/article"
)

// Config describes a corpus.
type Config struct {
	// Articles is the total number of articles to generate.
	Articles int
	// Seed makes everything deterministic: the same Pool and Config give
	// the same corpus, byte for byte (math/rand/v2 PCG).
	Seed uint64
	// TargetBytes is the mean article text size (default 3000).
	TargetBytes int
	// DupFraction is the fraction of articles that are derived copies of an
	// earlier article (default 0.3 when zero; a negative value means none).
	DupFraction float64
	// Outlets is the number of outlets (default 50). Each outlet has its own
	// fixed header/footer boilerplate lines drawn from templates, applied to
	// most (not all) of its articles.
	Outlets int
}

// withDefaults fills in the defaults of unset fields.
func (c Config) withDefaults() Config {
	if c.TargetBytes <= 0 {
		c.TargetBytes = 3000
	}
	switch {
	case c.DupFraction == 0:
		c.DupFraction = 0.3
	case c.DupFraction < 0:
		c.DupFraction = 0
	case c.DupFraction > 1:
		c.DupFraction = 1
	}
	if c.Outlets <= 0 {
		c.Outlets = 50
	}
	return c
}

// Planted describes how a derived article was made. It is ground truth for
// debugging; recall is measured against exact all-pairs Jaccard, not against
// these labels.
type Planted struct {
	// ID is the derived article, From the earlier article it was made from.
	ID, From string
	// Kind is "exact", "edit", "truncate", "boilerplate", "reorder",
	// "append" (own paragraphs added at the end), "contained" (the source
	// embedded in a longer article) or "combo" (2–3 of these mutations).
	Kind string
	// Detail lists the mutations applied with their parameters, e.g.
	// "truncate=0.63 edit=0.045", and "outlet" when the derived article is
	// published by another outlet than its source.
	Detail string
}

// Mutation bits, applied in this order.
const (
	opTrunc = 1 << iota
	opReorder
	opEdit
	opAppend
	opContain
	opBoiler
)

var opNames = [...]string{"truncate", "reorder", "edit", "append", "contained", "boilerplate"}

const (
	ringSize      = 5000 // recent articles kept as possible sources
	reservoirSize = 2000 // older articles kept as possible sources
	localFraction = 0.7  // share of an original's sentences from its topic neighbourhood
	neighbourhood = 80   // minimum sentences in a topic neighbourhood
)

// entry is a generated article kept as a possible source.
type entry struct {
	idx    int
	outlet int32
	anchor int32
	pub    int64
	title  string
	body   []byte // paragraphs separated by '\n', no boilerplate
}

// generator produces one article per call of next. Its buffers are reused.
type generator struct {
	p       *Pool
	cfg     Config
	r       *rand.Rand
	outs    []outlet
	ring    []entry
	res     []entry
	evicted int

	a, b    []byte // body scratch buffers
	paras   []span
	perm    []int
	bounds  []int
	chosen  []int32
	text    []byte
	id      []byte
	url     []byte
	detail  []byte
	n       int
	sumText int64
	start   float64 // unix seconds
	step    float64 // seconds per article

	// The article produced by the last call of next.
	outlet  int
	title   string
	pub     int64
	derived bool
	from    int
	kind    string
}

func newGenerator(p *Pool, cfg Config) (*generator, error) {
	if p == nil {
		return nil, errors.New("synth: nil Pool")
	}
	if cfg.Articles < 0 {
		return nil, errors.New("synth: negative Articles")
	}
	cfg = cfg.withDefaults()
	g := &generator{
		p:   p,
		cfg: cfg,
		r:   rand.New(rand.NewPCG(cfg.Seed, 0x7265707269e7)),
	}
	// Outlets come from their own stream so that they depend on the seed only.
	g.outs = makeOutlets(p, cfg.Outlets, rand.New(rand.NewPCG(cfg.Seed, 0x6f75746c657473)))
	g.ring = make([]entry, min(ringSize, max(cfg.Articles, 1)))
	g.start = float64(time.Date(2022, 1, 3, 6, 0, 0, 0, time.UTC).Unix())
	g.step = 2 * 365.25 * 86400 / float64(max(cfg.Articles, 1))
	return g, nil
}

// next generates article number g.n into the generator's fields and buffers.
func (g *generator) next() {
	r := g.r
	i := g.n
	pub := int64(g.start + float64(i)*g.step + r.Float64()*2*g.step)
	g.derived = i > 0 && r.Float64() < g.cfg.DupFraction
	g.detail = g.detail[:0]
	var anchor int32
	forceBoiler := false
	if !g.derived {
		anchor = int32(r.IntN(len(g.p.docs)))
		g.a = g.appendParas(g.a[:0], g.originalSize(), int(anchor), localFraction, 4, 12)
		g.outlet = r.IntN(len(g.outs))
		g.title = g.headline()
		g.kind = ""
	} else {
		src := g.pickSource()
		g.from = src.idx
		anchor = src.anchor
		pub = max(pub, src.pub+60)
		g.a = append(g.a[:0], src.body...)
		g.title = src.title
		ops := g.chooseOps(len(src.body))
		// Mostly another outlet; exact copies are often the same outlet's
		// feed, AMP or print version.
		other := 0.85
		if ops == 0 {
			other = 0.6
		}
		g.outlet = int(src.outlet)
		if len(g.outs) > 1 && r.Float64() < other {
			o := r.IntN(len(g.outs) - 1)
			if o >= g.outlet {
				o++
			}
			g.outlet = o
			g.detail = append(g.detail, "outlet "...)
		}
		forceBoiler = ops&opBoiler != 0
		g.mutate(ops, int(anchor))
		if r.Float64() < 0.1 {
			g.title = g.headline() // re-titled
			g.detail = append(g.detail, "retitled "...)
		}
		if len(g.detail) > 0 {
			g.detail = g.detail[:len(g.detail)-1]
		}
	}
	g.pub = pub
	g.store(anchor)
	g.render(forceBoiler)
	g.id = appendID(g.id[:0], i)
	g.url = g.appendURL(g.url[:0])
	g.sumText += int64(len(g.text))
	g.n++
}

// originalSize returns the body size of the next original: TargetBytes with
// ±40% spread, corrected for the drift of the running mean text size (which
// derivations and boilerplate push up or down).
func (g *generator) originalSize() int {
	t := float64(g.cfg.TargetBytes)
	u := (g.r.Float64() + g.r.Float64()) / 2
	size := t * (0.6 + 0.8*u)
	corr := (t*float64(g.n) - float64(g.sumText)) / 16
	corr = max(-0.5*t, min(0.5*t, corr))
	return max(int(size+corr), min(g.cfg.TargetBytes, 300))
}

// headline returns a random headline of the pool.
func (g *generator) headline() string {
	return g.p.headlines[g.r.IntN(len(g.p.headlines))]
}

// pickSource returns an earlier article to derive from: mostly a recent
// one (from the ring, biased towards the newest), sometimes an old one.
func (g *generator) pickSource() *entry {
	r := g.r
	if len(g.res) > 0 && r.Float64() < 0.15 {
		return &g.res[r.IntN(len(g.res))]
	}
	m := min(g.n, len(g.ring))
	u := r.Float64()
	back := 1 + int(float64(m)*u*u)
	back = min(back, m)
	return &g.ring[(g.n-back)%len(g.ring)]
}

// chooseOps picks the mutations of a derived article and sets g.kind.
// srcLen is the size of the source body: long sources are not grown further.
func (g *generator) chooseOps(srcLen int) int {
	r := g.r
	x := r.Float64()
	var ops int
	switch {
	case x < 0.16:
		g.kind = "exact"
	case x < 0.38:
		ops = opEdit
	case x < 0.49:
		ops = opTrunc
	case x < 0.57:
		ops = opBoiler
	case x < 0.65:
		ops = opReorder
	case x < 0.75:
		ops = opAppend
	case x < 0.84:
		ops = opContain
	default:
		n := 2 + r.IntN(2)
		for bitCount(ops) < n {
			ops |= 1 << r.IntN(len(opNames))
			if ops&opAppend != 0 && ops&opContain != 0 {
				ops &^= opAppend
			}
		}
	}
	if srcLen > 5*g.cfg.TargetBytes/2 && ops&(opAppend|opContain) != 0 {
		ops = ops&^(opAppend|opContain) | opTrunc
	}
	switch bitCount(ops) {
	case 0:
		g.kind = "exact"
	case 1:
		for k := range opNames {
			if ops == 1<<k {
				g.kind = opNames[k]
			}
		}
	default:
		g.kind = "combo"
	}
	return ops
}

func bitCount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// mutate applies ops to the body in g.a (result in g.a).
func (g *generator) mutate(ops, anchor int) {
	r := g.r
	if ops&opTrunc != 0 {
		f := 0.5 + 0.4*r.Float64()
		g.addDetail("truncate", f)
		g.b = g.truncate(g.b[:0], g.a, f)
		g.a, g.b = g.b, g.a
	}
	if ops&opReorder != 0 {
		g.addDetail("reorder", 0)
		g.b = g.reorder(g.b[:0], g.a, 1+r.IntN(2))
		g.a, g.b = g.b, g.a
	}
	if ops&opEdit != 0 {
		u := r.Float64()
		rate := 0.01 + 0.09*u*u // mostly light: median 3%
		g.addDetail("edit", rate)
		g.b = g.edit(g.b[:0], g.a, rate)
		g.a, g.b = g.b, g.a
		if r.IntN(2) == 0 {
			g.title = string(g.edit(nil, []byte(g.title), 0.2))
		}
	}
	if ops&opAppend != 0 {
		x := 0.1 + 0.3*r.Float64()
		g.addDetail("append", x)
		g.a = append(g.a, '\n')
		g.a = g.appendParas(g.a, int(x*float64(len(g.a))), anchor, 0.5, 1, 3)
	}
	if ops&opContain != 0 {
		s := 0.4 + 0.3*r.Float64()
		g.addDetail("contained", s)
		extra := float64(len(g.a)) * (1/s - 1)
		before := int(extra * (0.2 + 0.6*r.Float64()))
		after := int(extra) - before
		g.b = g.appendParas(g.b[:0], before, anchor, 0.6, 1, 4)
		g.b = append(g.b, '\n')
		g.b = append(g.b, g.a...)
		g.b = append(g.b, '\n')
		g.b = g.appendParas(g.b, after, anchor, 0.6, 1, 4)
		g.a, g.b = g.b, g.a
	}
	if ops&opBoiler != 0 {
		m := 2 + r.IntN(4)
		g.addDetail("boilerplate", float64(m))
		g.b = g.inline(g.b[:0], g.a, m)
		g.a, g.b = g.b, g.a
	}
}

// addDetail appends "name=v " (or "name ") to g.detail.
func (g *generator) addDetail(name string, v float64) {
	g.detail = append(g.detail, name...)
	if v != 0 {
		g.detail = append(g.detail, '=')
		g.detail = strconv.AppendFloat(g.detail, v, 'g', 3, 64)
	}
	g.detail = append(g.detail, ' ')
}

// store keeps the body in g.a as a possible source for later articles.
func (g *generator) store(anchor int32) {
	slot := &g.ring[g.n%len(g.ring)]
	if g.n >= len(g.ring) {
		// slot holds article n-len(ring): reservoir-sample it before reuse.
		g.evicted++
		if len(g.res) < reservoirSize {
			g.res = append(g.res, *slot)
			slot.body = nil
		} else if k := g.r.IntN(g.evicted); k < reservoirSize {
			g.res[k], *slot = *slot, g.res[k] // swap buffers, no copy
		}
	}
	slot.idx = g.n
	slot.outlet = int32(g.outlet)
	slot.anchor = anchor
	slot.pub = g.pub
	slot.title = g.title
	slot.body = append(slot.body[:0], g.a...)
}

// render writes the article text (boilerplate and body) into g.text.
func (g *generator) render(force bool) {
	o := &g.outs[g.outlet]
	apply := g.r.Float64() < o.apply || force
	t := g.text[:0]
	if apply {
		for _, h := range o.header {
			t = append(t, h...)
			t = append(t, o.sep...)
		}
	}
	body := g.a
	for {
		k := indexByte(body, '\n')
		if k < 0 {
			t = append(t, body...)
			break
		}
		t = append(t, body[:k]...)
		t = append(t, o.sep...)
		body = body[k+1:]
	}
	if apply {
		for _, f := range o.footer {
			t = append(t, o.sep...)
			t = append(t, f...)
		}
		if o.readMore {
			t = append(t, o.sep...)
			t = append(t, "Read more: "...)
			t = append(t, g.headline()...)
		}
	}
	g.text = t
}

// appendParas appends real sentences totalling at least target bytes
// (at least minP sentences), grouped into minP–maxP paragraphs separated by
// '\n'. A share local of the sentences comes from the topic neighbourhood of
// document anchor, the rest from the whole pool; no sentence repeats.
func (g *generator) appendParas(dst []byte, target, anchor int, local float64, minP, maxP int) []byte {
	p, r := g.p, g.r
	base := len(dst)
	g.bounds = g.bounds[:0]
	g.chosen = g.chosen[:0]
	d := p.docs[anchor]
	w := max(int(d.b-d.a), neighbourhood)
	lo := max(0, int(d.a+d.b)/2-w/2)
	hi := min(p.docSent, lo+w)
	lo = max(0, hi-w)
	n := 0
	for len(dst)-base < target || n < minP {
		var s int
		for try := 0; ; try++ {
			if r.Float64() < local {
				s = lo + r.IntN(hi-lo)
			} else {
				s = r.IntN(len(p.sent))
			}
			if try >= 8 || !containsInt32(g.chosen, int32(s)) {
				break
			}
		}
		g.chosen = append(g.chosen, int32(s))
		if n > 0 {
			g.bounds = append(g.bounds, len(dst))
			dst = append(dst, ' ')
		}
		dst = append(dst, p.sentence(s)...)
		n++
	}
	// Paragraphs hold at least minParaSentences sentences: a one-sentence
	// paragraph drawn from a pool reused across a million articles would
	// recur verbatim in hundreds of unrelated articles, which real news
	// does not do (and which a boilerplate detector rightly removes).
	np := max(1, min(minP+r.IntN(maxP-minP+1), n/minParaSentences))
	prev := 0
	for k := 1; k < np; k++ {
		pos := k*n/np + r.IntN(3) - 1 // paragraph k starts at sentence pos
		pos = max(pos, prev+minParaSentences)
		if pos > n-minParaSentences*(np-k) {
			pos = n - minParaSentences*(np-k)
		}
		if pos <= prev {
			continue
		}
		dst[g.bounds[pos-1]] = '\n'
		prev = pos
	}
	return dst
}

// minParaSentences is the fewest sentences in a generated paragraph.
const minParaSentences = 3

func containsInt32(s []int32, x int32) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// splitParas records the paragraphs of body in g.paras.
func (g *generator) splitParas(body []byte) []span {
	g.paras = g.paras[:0]
	start := 0
	for i, c := range body {
		if c == '\n' {
			g.paras = append(g.paras, span{int32(start), int32(i)})
			start = i + 1
		}
	}
	g.paras = append(g.paras, span{int32(start), int32(len(body))})
	return g.paras
}

// truncate keeps the first fraction f of the paragraphs ("cut to fit").
// A single paragraph is cut at a sentence-ish boundary instead.
func (g *generator) truncate(dst, src []byte, f float64) []byte {
	paras := g.splitParas(src)
	n := len(paras)
	if n < 2 {
		cut := int(f * float64(len(src)))
		for cut < len(src) && src[cut] != ' ' {
			cut++
		}
		return append(dst, src[:cut]...)
	}
	k := min(max(int(math.Round(f*float64(n))), 1), n-1)
	return append(dst, src[:paras[k-1].b]...)
}

// reorder moves 1–2 paragraphs to other positions.
func (g *generator) reorder(dst, src []byte, moves int) []byte {
	paras := g.splitParas(src)
	n := len(paras)
	if n < 3 {
		return append(dst, src...)
	}
	g.perm = g.perm[:0]
	for i := range n {
		g.perm = append(g.perm, i)
	}
	for range moves {
		i := g.r.IntN(n)
		j := g.r.IntN(n - 1)
		if j >= i {
			j++
		}
		v := g.perm[i]
		if i < j {
			copy(g.perm[i:j], g.perm[i+1:j+1])
		} else {
			copy(g.perm[j+1:i+1], g.perm[j:i])
		}
		g.perm[j] = v
	}
	for k, pi := range g.perm {
		if k > 0 {
			dst = append(dst, '\n')
		}
		dst = append(dst, src[paras[pi].a:paras[pi].b]...)
	}
	return dst
}

// edit substitutes, deletes or inserts words at the given rate and changes
// a digit in about a tenth of the numbers. Paragraph breaks are kept.
func (g *generator) edit(dst, src []byte, rate float64) []byte {
	r, vocab := g.r, g.p.vocab
	lnq := math.Log(1 - rate)
	gap := func() int { return int(math.Log(1-r.Float64()) / lnq) }
	next := gap()
	for i := 0; i < len(src); {
		c := src[i]
		if c == ' ' || c == '\n' {
			dst = append(dst, c)
			i++
			continue
		}
		j := i
		for j < len(src) && src[j] != ' ' && src[j] != '\n' {
			j++
		}
		tok := src[i:j]
		i = j
		if next > 0 {
			next--
			if k := lastDigit(tok); k >= 0 && r.IntN(10) == 0 {
				dst = append(dst, tok...)
				d := dst[len(dst)-len(tok)+k] - '0'
				dst[len(dst)-len(tok)+k] = '0' + byte((int(d)+1+r.IntN(9))%10)
			} else {
				dst = append(dst, tok...)
			}
			continue
		}
		next = gap()
		// Core of the token without leading/trailing ASCII punctuation.
		l, t := 0, len(tok)
		for l < t && isPunct(tok[l]) {
			l++
		}
		for t > l && isPunct(tok[t-1]) {
			t--
		}
		w := vocab[r.IntN(len(vocab))]
		switch op := r.IntN(4); {
		case op == 2 && l == 0 && t == len(tok) && i < len(src) && src[i] == ' ':
			i++ // delete the word and the space after it
		case op == 2 && l == 0 && t == len(tok) && len(dst) > 0 && dst[len(dst)-1] == ' ':
			dst = dst[:len(dst)-1] // delete the word and the space before it
		case op == 3: // insert a word before
			dst = append(dst, w...)
			dst = append(dst, ' ')
			dst = append(dst, tok...)
		default: // substitute
			dst = append(dst, tok[:l]...)
			start := len(dst)
			dst = append(dst, w...)
			if l < t && tok[l] >= 'A' && tok[l] <= 'Z' {
				dst[start] -= 'a' - 'A'
			}
			dst = append(dst, tok[t:]...)
		}
	}
	return dst
}

func lastDigit(tok []byte) int {
	for k := len(tok) - 1; k >= 0; k-- {
		if tok[k] >= '0' && tok[k] <= '9' {
			return k
		}
	}
	return -1
}

func isPunct(c byte) bool {
	return c < 0x80 && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
}

// inline inserts m clutter lines ("Read more: …", "ADVERTISEMENT") at
// paragraph boundaries, as pages scraped with their clutter have them.
func (g *generator) inline(dst, src []byte, m int) []byte {
	paras := g.splitParas(src)
	n := len(paras)
	g.perm = g.perm[:0]
	for range n + 1 {
		g.perm = append(g.perm, 0)
	}
	for range m {
		// Mostly between paragraphs, sometimes before the first or after the last.
		g.perm[g.r.IntN(n+1)]++
	}
	first := true
	line := func() {
		if !first {
			dst = append(dst, '\n')
		}
		first = false
	}
	for k := 0; k <= n; k++ {
		for range g.perm[k] {
			line()
			t := inlineTemplates[g.r.IntN(len(inlineTemplates))]
			if pre, ok := cutSuffix(t, "{T}"); ok {
				dst = append(dst, pre...)
				dst = append(dst, g.headline()...)
			} else {
				dst = append(dst, t...)
			}
		}
		if k < n {
			line()
			dst = append(dst, src[paras[k].a:paras[k].b]...)
		}
	}
	return dst
}

func cutSuffix(s, suffix string) (string, bool) {
	if len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}

// appendID appends the ID of article i: "a0000001" for i = 0.
func appendID(dst []byte, i int) []byte {
	dst = append(dst, 'a')
	n := i + 1
	for d := 1000000; d > 1 && n < d; d /= 10 {
		dst = append(dst, '0')
	}
	return appendInt(dst, n)
}

// appendURL appends https://<host>/<yyyy>/<mm>/<dd>/<slug>-<id>.
func (g *generator) appendURL(dst []byte) []byte {
	o := &g.outs[g.outlet]
	dst = append(dst, "https://"...)
	dst = append(dst, o.host...)
	dst = append(dst, '/')
	dst = time.Unix(g.pub, 0).UTC().AppendFormat(dst, "2006/01/02/")
	words := 0
	dash := false
	for i := 0; i < len(g.title) && words < 8; i++ {
		c := g.title[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if dash {
				dst = append(dst, '-')
				dash = false
			}
			dst = append(dst, c)
		case c == ' ':
			words++
			dash = true
		}
	}
	dst = append(dst, '-')
	return append(dst, g.id...)
}

// Generate writes cfg.Articles articles to emit in order: IDs "a0000001",
// …; Source = outlet name; Published increasing over about two years with
// jitter; Title from the headline pool; Text = paragraphs separated by
// "\n\n" or "\n" (per outlet), with the outlet's boilerplate lines on most
// articles. For every derived article, plant (which may be nil) receives
// how it was made. Generate stops at the first error of emit.
func Generate(p *Pool, cfg Config, emit func(article.Article) error, plant func(Planted)) error {
	g, err := newGenerator(p, cfg)
	if err != nil {
		return err
	}
	for g.n < g.cfg.Articles {
		g.next()
		id := string(g.id)
		if plant != nil && g.derived {
			from := string(appendID(nil, g.from))
			plant(Planted{ID: id, From: from, Kind: g.kind, Detail: string(g.detail)})
		}
		if emit == nil {
			continue
		}
		a := article.Article{
			ID:        id,
			Source:    g.outs[g.outlet].name,
			URL:       string(g.url),
			Published: time.Unix(g.pub, 0).UTC(),
			Title:     g.title,
			Text:      string(g.text),
		}
		if err := emit(a); err != nil {
			return err
		}
	}
	return nil
}
