package wordnet

import (
	"errors"
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
