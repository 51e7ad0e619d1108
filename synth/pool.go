package synth

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pool holds real sentences and headlines loaded from the data directory.
// A Pool is read-only after LoadPool and may be shared by concurrent
// generators.
type Pool struct {
	// arena holds every sentence back to back; sent indexes into it.
	arena string
	sent  []span
	// docSent is the number of sentences that belong to source documents
	// (ECB+, SemEval, seeds): sent[:docSent]. The rest (MSRP) are
	// free-standing news sentences.
	docSent int
	// docs are the sentence ranges [start, end) of the source documents.
	docs       []span
	headlines  []string
	publishers []string
	vocab      []string
}

// span is a half-open range [a, b).
type span struct{ a, b int32 }

const (
	minWords = 6   // sentences with fewer words are dropped
	maxWords = 120 // longer "sentences" are run-ons of a failed split
)

// Sentences returns the number of distinct sentences in the pool.
func (p *Pool) Sentences() int { return len(p.sent) }

// Headlines returns the number of distinct headlines in the pool.
func (p *Pool) Headlines() int { return len(p.headlines) }

// Documents returns the number of source documents whose neighbourhoods
// anchor the topics of original articles.
func (p *Pool) Documents() int { return len(p.docs) }

// sentence returns sentence i.
func (p *Pool) sentence(i int) string {
	s := p.sent[i]
	return p.arena[s.a:s.b]
}

// poolBuilder accumulates the pool while files are read.
type poolBuilder struct {
	arena strings.Builder
	sent  []span
	seen  map[string]struct{}
	docs  []span
	heads []string
	hseen map[string]struct{}
	pubs  map[string]int
}

// addSentence normalizes s and adds it unless it is too short, too long, a
// URL line or already present. It reports whether it was added.
func (b *poolBuilder) addSentence(s string) bool {
	s = normalizeSpace(s)
	if s == "" {
		return false
	}
	n := strings.Count(s, " ") + 1
	if n < minWords || n > maxWords {
		return false
	}
	if strings.Contains(s, "http") || strings.Contains(s, "www.") || strings.HasPrefix(s, "First Published") {
		return false
	}
	if _, ok := b.seen[s]; ok {
		return false
	}
	b.seen[s] = struct{}{}
	a := b.arena.Len()
	b.arena.WriteString(s)
	b.sent = append(b.sent, span{int32(a), int32(b.arena.Len())})
	return true
}

// addDoc splits text into sentences and records them as one document when
// at least two new sentences came out of it.
func (b *poolBuilder) addDoc(text string) {
	start := len(b.sent)
	splitSentences(text, func(s string) { b.addSentence(s) })
	if len(b.sent)-start >= 2 {
		b.docs = append(b.docs, span{int32(start), int32(len(b.sent))})
	}
}

// addHeadline adds a headline (deduplicated).
func (b *poolBuilder) addHeadline(h string) {
	h = normalizeSpace(h)
	if strings.Count(h, " ") < 2 {
		return
	}
	if _, ok := b.hseen[h]; ok {
		return
	}
	b.hseen[h] = struct{}{}
	b.heads = append(b.heads, h)
}

// LoadPool reads the real news texts of the development data directory
// (ecbplus-dev.jsonl, semeval2022-en-pairs.jsonl, seeds/*.txt,
// msrp-train.tsv and uci-headlines.jsonl), splits them into sentences,
// deduplicates them and drops sentences of fewer than 6 words. Headlines
// come from uci-headlines.jsonl; its publishers name the outlets.
// Missing files are skipped, but the pool must end up with at least 100
// sentences and 10 headlines.
func LoadPool(dataDir string) (*Pool, error) {
	b := &poolBuilder{
		seen:  make(map[string]struct{}, 1<<16),
		hseen: make(map[string]struct{}, 1<<13),
		pubs:  make(map[string]int),
	}
	type textRec struct {
		Text  string `json:"text"`
		Text1 string `json:"text1"`
		Text2 string `json:"text2"`
		Title string `json:"title"`
		Src   string `json:"source"`
	}
	eachJSONL := func(name string, f func(r *textRec)) error {
		return eachLine(filepath.Join(dataDir, name), func(line []byte) error {
			if len(bytes.TrimSpace(line)) == 0 {
				return nil
			}
			var r textRec
			if err := json.Unmarshal(line, &r); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			f(&r)
			return nil
		})
	}
	// Documents first (their sentences are the topical neighbourhoods).
	if err := eachJSONL("ecbplus-dev.jsonl", func(r *textRec) { b.addDoc(r.Text) }); err != nil {
		return nil, err
	}
	if err := eachJSONL("semeval2022-en-pairs.jsonl", func(r *textRec) {
		b.addDoc(r.Text1)
		b.addDoc(r.Text2)
	}); err != nil {
		return nil, err
	}
	seeds, _ := filepath.Glob(filepath.Join(dataDir, "seeds", "*.txt"))
	slices.Sort(seeds)
	for _, f := range seeds {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		b.addDoc(string(data))
	}
	docSent := len(b.sent)
	// MSRP: free-standing news sentences (columns 4 and 5).
	first := true
	if err := eachLine(filepath.Join(dataDir, "msrp-train.tsv"), func(line []byte) error {
		if first {
			first = false
			return nil // header (with BOM)
		}
		cols := strings.Split(strings.TrimRight(string(line), "\r"), "\t")
		if len(cols) < 5 {
			return nil
		}
		b.addSentence(cols[3])
		b.addSentence(cols[4])
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachJSONL("uci-headlines.jsonl", func(r *textRec) {
		h := r.Title
		if h == "" {
			h = r.Text
		}
		b.addHeadline(h)
		if r.Src != "" && !strings.ContainsAny(r.Src, `\()`) {
			b.pubs[normalizeSpace(r.Src)]++
		}
	}); err != nil {
		return nil, err
	}
	if len(b.sent) < 100 || len(b.heads) < 10 || len(b.docs) == 0 {
		return nil, fmt.Errorf("synth: data directory %s yields too little text (%d sentences, %d documents, %d headlines)",
			dataDir, len(b.sent), len(b.docs), len(b.heads))
	}
	p := &Pool{
		arena:     b.arena.String(),
		sent:      b.sent,
		docSent:   docSent,
		docs:      b.docs,
		headlines: b.heads,
	}
	// Publishers by frequency (ties by name): the most common first.
	for name := range b.pubs {
		p.publishers = append(p.publishers, name)
	}
	slices.SortFunc(p.publishers, func(x, y string) int {
		if c := cmp.Compare(b.pubs[y], b.pubs[x]); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	p.vocab = buildVocab(p)
	return p, nil
}

// eachLine calls f for every line of a file (without the newline). A
// missing file is not an error. A leading UTF-8 BOM is removed.
func eachLine(path string, f func([]byte) error) error {
	fh, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	first := true
	for sc.Scan() {
		line := sc.Bytes()
		if first {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
			first = false
		}
		if err := f(line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// normalizeSpace makes s valid UTF-8 and collapses every run of white space
// (including tabs and newlines) into one space.
func normalizeSpace(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.Join(strings.Fields(s), " ")
}

// abbreviations that end in a period without ending a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "jr": true, "sr": true,
	"gen": true, "gov": true, "sen": true, "rep": true, "lt": true, "col": true, "sgt": true,
	"capt": true, "prof": true, "inc": true, "corp": true, "co": true, "ltd": true, "vs": true,
	"no": true, "jan": true, "feb": true, "mar": true, "apr": true, "aug": true, "sept": true,
	"sep": true, "oct": true, "nov": true, "dec": true, "mt": true, "ft": true, "rev": true,
	"est": true, "approx": true, "dept": true, "univ": true, "u.s": true, "u.k": true, "a.m": true,
	"p.m": true, "e.g": true, "i.e": true, "etc": true, "cpl": true, "pvt": true, "adm": true,
}

// splitSentences calls f for each sentence of text: lines are split
// further at '.', '!' or '?' (optionally followed by closing quotes or
// brackets) followed by a space and an upper-case letter, digit or opening
// quote, unless the period ends a known abbreviation or an initial.
func splitSentences(text string, f func(string)) {
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		start := 0
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c != '.' && c != '!' && c != '?' {
				continue
			}
			j := i + 1
			for j < len(line) && strings.IndexByte(`"')]`, line[j]) >= 0 {
				j++
			}
			if j >= len(line) || line[j] != ' ' {
				continue
			}
			k := j
			for k < len(line) && line[k] == ' ' {
				k++
			}
			if k >= len(line) {
				continue
			}
			r, _ := utf8.DecodeRuneInString(line[k:])
			if !unicode.IsUpper(r) && !unicode.IsDigit(r) && r != '"' && r != '\'' && r != '“' {
				continue
			}
			if c == '.' && j == i+1 {
				// The word before the period.
				w := i
				for w > start && line[w-1] != ' ' {
					w--
				}
				word := strings.ToLower(strings.TrimLeft(line[w:i], `"'(`))
				if len(word) == 1 && word[0] >= 'a' && word[0] <= 'z' || abbreviations[word] {
					continue
				}
			}
			f(line[start:j])
			start = k
			i = k - 1
		}
		if start < len(line) {
			f(line[start:])
		}
	}
}

// buildVocab collects lower-case alphabetic words of 3–12 letters that occur
// at least 5 times in the pool, in order of first appearance. They are the
// words that light edits substitute and insert.
func buildVocab(p *Pool) []string {
	counts := make(map[string]int, 1<<15)
	var order []string
	for i := range p.sent {
		for w := range strings.FieldsSeq(p.sentence(i)) {
			if len(w) < 3 || len(w) > 12 {
				continue
			}
			ok := true
			for j := 0; j < len(w); j++ {
				if w[j] < 'a' || w[j] > 'z' {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			if counts[w] == 0 {
				order = append(order, w)
			}
			counts[w]++
		}
	}
	vocab := order[:0]
	for _, w := range order {
		if counts[w] >= 5 {
			vocab = append(vocab, w)
		}
	}
	if len(vocab) < 10 {
		vocab = append(vocab, "the", "said", "officials", "report", "people", "city", "government", "week", "year", "police")
	}
	return slices.Clip(vocab)
}
