package article

import (
	"testing"
	"time"

	dps "github.com/markusmobius/go-dateparser"
)

// TestDateParserLocales: the date parser that the HTML extractor's
// extensive date search uses (go-dateparser, whose locale data
// third_party/go-dateparser builds on first use instead of at start-up:
// scripts/lazy-dateparser) still reads dates written in words, in English
// and in languages whose locales build on a parent's.
func TestDateParserLocales(t *testing.T) {
	cfg := &dps.Configuration{CurrentTime: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"Friday, March 8, 2013 at 12:46 PM", time.Date(2013, 3, 8, 12, 46, 0, 0, time.UTC)},
		{"8. März 2013", time.Date(2013, 3, 8, 0, 0, 0, 0, time.UTC)},
		{"le 8 mars 2013", time.Date(2013, 3, 8, 0, 0, 0, 0, time.UTC)},
		{"8 de marzo de 2013", time.Date(2013, 3, 8, 0, 0, 0, 0, time.UTC)},
	} {
		got, err := dps.Parse(cfg, c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !got.Time.Equal(c.want) {
			t.Errorf("%q = %v, want %v", c.in, got.Time, c.want)
		}
	}
}
