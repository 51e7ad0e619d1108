// Package engine is the one orchestrator of reprint: it runs an article
// stream through clean → fingerprint → candidates → verify → group and
// returns every verified relation, the duplicate groups and the articles to
// keep. The CLI (and later the server and workers) call it; no algorithm
// lives anywhere else.
//
// # Batch design
//
// Boilerplate is learned from the whole corpus, but fingerprints must
// exclude it, so a batch run makes two passes — without reading the input
// twice (stdin works) and without holding the corpus in memory:
//
//  1. Read + tokenize (parallel, order restored): each article's token
//     hashes and line table are appended to a spill file in the temp
//     directory; line hashes feed the boilerplate detector in input order.
//     Only a small record per article stays in memory.
//  2. Fingerprint (parallel over index ranges): each article's spill record
//     is read back, boilerplate lines dropped, and from the kept tokens come
//     the exact hash and the band keys of the MinHash signature.
//  3. Exact classes: articles with equal exact hashes; only the first of
//     each class enters LSH.
//  4. Candidates: banded LSH over the band keys (package index).
//  5. Verify (parallel): every candidate pair is compared on its shingle
//     sets, rebuilt from the token spill (package match). Rebuilding the
//     sets of the articles in candidate pairs is cheaper than writing and
//     reading back a set for every article.
//  6. Group: union-find with the anti-chaining rule (package cluster).
//
// Memory per article: ~60 bytes of bookkeeping + 4·B bytes of band keys +
// the id. The spill file holds ~4 bytes per token and is deleted at the end. Every stage's output is ordered by input position, so the result
// is byte-identical for any number of workers.
package engine

import (
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/index"
	"github.com/reprint-news/reprint/match"
	"github.com/reprint-news/reprint/provenance"
	"github.com/reprint-news/reprint/sketch"
	"github.com/reprint-news/reprint/text"
)

// Config holds every parameter that decides something. All of it is
// written into the run's metadata.
type Config struct {
	// Threshold is the Jaccard similarity for near duplicates. Default 0.8
	// (see docs/QUALITY.md for the measurement behind it).
	Threshold float64 `json:"threshold"`
	// Containment is the share of the smaller article's shingles the larger
	// must hold for a contains relation. Default 0.8.
	Containment float64 `json:"containment"`
	// ContainRatio is the smallest size ratio |small|/|large| for which
	// contains relations are searched for: LSH is tuned for the Jaccard
	// similarity such a pair has, Containment·ρ/(1+ρ−Containment·ρ).
	// Default 0.75 (LSH target 0.52): at 0.6 (target 0.43) the layout
	// needs 3-row bands, which on the 1M-article benchmark produced 85M raw
	// band collisions among topically related articles (23 s, ~1.4 GB)
	// for the same 0.6M candidates. Set it to 1 to tune LSH for Threshold only.
	ContainRatio float64 `json:"contain_ratio"`
	// K is the signature length; W the shingle width in words; Seed the
	// signature seed.
	K    int    `json:"k"`
	W    int    `json:"shingle_words"`
	Seed uint64 `json:"seed"`
	// MinTokens: articles with fewer tokens (before boilerplate removal)
	// are skipped as "too_short". Default 10.
	MinTokens int `json:"min_tokens"`
	// MaxBucket bounds pairs taken from an oversized LSH bucket.
	MaxBucket   int                    `json:"max_bucket"`
	Boilerplate text.BoilerplateConfig `json:"boilerplate"`
	// Stories turns on the story and storyline pass (see stories.go).
	Stories bool        `json:"stories"`
	Story   StoryConfig `json:"story"`
	// Reuse holds the text reuse parameters (rewrite, partial, same story;
	// match.Relate); its Dup part is taken from Threshold and Containment.
	Reuse match.ReuseConfig `json:"reuse"`
	// Relations turns on text reuse within stories (with Stories):
	// relations.jsonl, provenance.jsonl, outlets.jsonl.
	Relations bool `json:"relations"`
	// StoryPairs bounds the earlier articles of its story that an article
	// is compared with for text reuse (the nearest in publication order).
	StoryPairs int `json:"story_pairs"`
	// Window, when not 0, bounds the service's in-memory indexes to the
	// latest Window articles by sequence number: the near-duplicate
	// candidates of an article are among the Window articles before it,
	// search finds those, and older articles leave the LSH bucket and
	// search indexes (they stay stored and answered by id; docs/STORE.md,
	// "A window"). 0 keeps every article. The batch commands always
	// compare their whole input.
	Window uint64 `json:"window,omitempty"`
	// Workers is the parallelism of the pure stages (0 = all cores).
	Workers int `json:"-"`
	// TempDir holds the spill files ("" = os.TempDir()).
	TempDir string          `json:"-"`
	Read    article.Options `json:"-"`
	// Finished, when set, is called once all stages have run, before the
	// temporary files are removed (for profiling the live state).
	Finished func() `json:"-"`
	// Progress, when set, is called from time to time with the stage name
	// and its progress (done of total; total 0 when unknown).
	Progress func(stage string, done, total int64) `json:"-"`
}

// DefaultConfig returns the measured defaults.
func DefaultConfig() Config {
	return Config{
		Threshold:    0.8,
		Containment:  0.8,
		ContainRatio: 0.75,
		K:            256,
		W:            sketch.DefaultW,
		Seed:         sketch.DefaultSeed,
		MinTokens:    10,
		MaxBucket:    index.DefaultMaxBucket,
		Boilerplate:  text.DefaultBoilerplateConfig(),
		Story:        DefaultStoryConfig(),
		Reuse:        match.DefaultReuseConfig(),
		Relations:    true,
		StoryPairs:   DefaultStoryPairs,
	}
}

// DefaultStoryPairs is the default of Config.StoryPairs: an article is
// compared with up to 8 earlier articles of its story, as the service
// compares it with the 8 latest. Copies cluster in time
// (most reprints follow their source within hours), and a story of
// hundreds of articles would otherwise cost tens of thousands of
// alignments.
const DefaultStoryPairs = 8

// LSHTarget returns the similarity LSH is tuned for (see ContainRatio).
func (c Config) LSHTarget() float64 {
	t := c.Threshold
	if c.ContainRatio > 0 && c.ContainRatio < 1 {
		r := c.ContainRatio
		jc := c.Containment * r / (1 + r - c.Containment*r)
		t = min(t, jc)
	}
	return t
}

// Bands returns the LSH layout used for this configuration.
func (c Config) Bands() index.Bands { return index.ChooseBands(c.LSHTarget(), c.K) }

func (c Config) matchConfig() match.Config {
	return match.Config{Threshold: c.Threshold, Containment: c.Containment}
}

// Pair is one verified relation. For contains, A is the container.
type Pair struct {
	A           string         `json:"a"`
	B           string         `json:"b"`
	Relation    match.Relation `json:"relation"`
	Jaccard     float64        `json:"jaccard"`
	Containment float64        `json:"containment"`
	ai, bi      uint32
}

// Group is a duplicate group.
type Group struct {
	ID             string   `json:"id"`
	Representative string   `json:"representative"`
	Members        []string `json:"members"`
}

// Stats accounts for every input record and every stage.
type Stats struct {
	Records           int64                    `json:"records"`    // records seen by the readers (emitted + skipped)
	Bytes             int64                    `json:"bytes"`      // raw bytes of the emitted records
	Articles          int                      `json:"articles"`   // articles analyzed (fingerprinted)
	Skipped           map[string]int64         `json:"skipped"`    // skipped records by reason
	Altered           map[string]int64         `json:"altered"`    // kept-but-altered records by reason
	ExactDups         int                      `json:"exact_dups"` // articles that are exact copies of an earlier one
	Candidates        index.CandidateStats     `json:"candidates"`
	Verified          int                      `json:"verified"` // candidate pairs verified
	Pairs             map[string]int           `json:"pairs"`    // reported pairs by relation
	Groups            int                      `json:"groups"`
	GroupedArticles   int                      `json:"grouped_articles"`
	Keep              int                      `json:"keep"`
	Boilerplate       int                      `json:"boilerplate_lines"`
	Story             *StoryStats              `json:"story,omitempty"`
	Relations         map[string]int           `json:"relations,omitempty"`          // related pairs within stories, by relation
	RelationsCompared int                      `json:"relations_compared,omitempty"` // pairs of articles compared within stories
	Elapsed           time.Duration            `json:"-"`
	Stages            map[string]time.Duration `json:"-"`
}

// Result is the outcome of a batch run.
type Result struct {
	Config      Config                 `json:"config"`
	Bands       index.Bands            `json:"lsh"`
	Pairs       []Pair                 `json:"-"`
	Groups      []Group                `json:"-"`
	Keep        []string               `json:"-"`
	Boilerplate []text.BoilerplateLine `json:"-"`
	Stories     []Story                `json:"-"`
	Storylines  []Storyline            `json:"-"`
	Relations   []Relation             `json:"-"` // related pairs within stories
	Provenance  []provenance.Graph     `json:"-"` // per story of two or more articles
	Outlets     []provenance.Outlet    `json:"-"`
	Issues      []article.Issue        `json:"-"` // every skipped/altered record, sorted by position
	Stats       Stats                  `json:"stats"`
}
