package wordnet

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kljensen/snowball/english"

	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/text"
)

func stem(w string) uint32 { return text.HashWord(english.Stem(w, true)) }

func shareSense(s *Synonyms, a, b string) bool {
	x, y := s.Senses(stem(a)), s.Senses(stem(b))
	for _, i := range x {
		for _, j := range y {
			if i == j {
				return true
			}
		}
	}
	return false
}

func TestLoad(t *testing.T) {
	s, err := Default()
	if err != nil {
		testdata.Missing(t, "WordNet (Debian's wordnet-base) is not installed: "+err.Error())
	}
	if s.Len() < 50000 {
		t.Errorf("%d stems with senses, want the whole of WordNet 3.0 (about 58,000)", s.Len())
	}
	for _, p := range [][2]string{{"denied", "refuses"}, {"connections", "ties"}, {"accusation", "charge"}} {
		if !shareSense(s, p[0], p[1]) {
			t.Errorf("%s and %s share no sense", p[0], p[1])
		}
	}
	if shareSense(s, "drone", "election") {
		t.Errorf("drone and election share a sense")
	}
	if s.Senses(text.HashWord("xqzzyv")) != nil {
		t.Errorf("an unknown word has senses")
	}
	var none *Synonyms
	if none.Senses(stem("deny")) != nil {
		t.Errorf("a nil database has senses")
	}
}

func TestLoadMissing(t *testing.T) {
	if _, err := Load(t.TempDir()); !errors.Is(err, ErrMissing) {
		t.Errorf("Load of an empty directory: %v, want ErrMissing", err)
	}
}

// TestTable: the table answers every stem of the database with its synset
// ids sorted, unique and cut to maxSenses, and stems it does not hold
// (and a few that probe past full slots) with nil.
func TestTable(t *testing.T) {
	sets, err := readSets(DefaultDir)
	if err != nil {
		testdata.Missing(t, "WordNet (Debian's wordnet-base) is not installed: "+err.Error())
	}
	want := map[uint32][]uint32{}
	for k, v := range sets {
		v = slices.Clone(v)
		slices.Sort(v)
		v = slices.Compact(v)
		want[k] = v[:min(len(v), maxSenses)]
	}
	s := newSynonyms(sets)
	if s.Len() != len(want) {
		t.Fatalf("Len %d, want %d", s.Len(), len(want))
	}
	for k, v := range want {
		if got := s.Senses(k); !slices.Equal(got, v) || cap(got) != len(got) {
			t.Fatalf("stem %d: %v (cap %d), want %v", k, got, cap(got), v)
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 100000 {
		k := rng.Uint32()
		if _, ok := want[k]; !ok && s.Senses(k) != nil {
			t.Fatalf("stem %d not in the database has senses", k)
		}
	}
	small := newSynonyms(map[uint32][]uint32{1: {5}, 17: {6}, 33: {7, 7}})
	for k, v := range map[uint32][]uint32{1: {5}, 17: {6}, 33: {7}, 2: nil, 49: nil} {
		if got := small.Senses(k); !slices.Equal(got, v) {
			t.Errorf("small table, stem %d: %v, want %v", k, got, v)
		}
	}
}

// BenchmarkSenses looks up the senses of every word of the ECB+
// development articles, one after another, as preparing them for text
// reuse does.
func BenchmarkSenses(b *testing.B) {
	s, err := Default()
	if err != nil {
		b.Skip("WordNet not installed")
	}
	var stems []uint32
	for _, x := range testdata.Texts(b, "ecbplus-dev.jsonl") {
		var d text.Doc
		d.Tokenize(x)
		for _, w := range text.Words(nil, x, d.Tokens, "en") {
			stems = append(stems, w.Stem)
		}
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		s.Senses(stems[i])
		if i++; i == len(stems) {
			i = 0
		}
	}
}
