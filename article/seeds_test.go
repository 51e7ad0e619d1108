package article

import (
	"context"
	"testing"
	"time"
)

func TestSeeds(t *testing.T) {
	recs, issues := readAll(t, []string{"../testdata/seeds"}, Options{})
	if len(issues) != 0 {
		t.Errorf("issues: %v", issues)
	}
	type want struct {
		id, title, dateline string
		published           time.Time
	}
	wants := []want{
		{id: "000_d3bb93bdf804906a"},
		{id: "001_8a0ba1f05f835118", dateline: "TEHRAN", published: time.Date(2023, 2, 24, 0, 0, 0, 0, time.UTC)},
		{id: "002_324ffcc579898aeb", dateline: "TEHRAN"},
		{id: "003_e6b4cedbc97f4e06", title: "Russo-Iranian cooperation in modern tech goes back to before Ukraine war: Foreign Ministry"},
		{id: "004_82913c69984263d3", title: "Iran disavows supply of drone to Russia, says backs peace to Ukraine war", dateline: "TEHRAN"},
	}
	if len(recs) != len(wants) {
		t.Fatalf("got %d records, want %d", len(recs), len(wants))
	}
	for i, w := range wants {
		a := recs[i].Article
		if a.ID != w.id || a.Title != w.title || a.Dateline != w.dateline || !a.Published.Equal(w.published) {
			t.Errorf("record %d: got id=%q title=%q dateline=%q published=%v; want %+v", i, a.ID, a.Title, a.Dateline, a.Published, w)
		}
		if recs[i].Pos.Line != 0 || recs[i].Bytes == 0 || len(a.Text) == 0 {
			t.Errorf("record %d: pos %v bytes %d", i, recs[i].Pos, recs[i].Bytes)
		}
	}
}

// readAll reads paths and collects records and issues, checking that no
// fatal error occurred.
func readAll(t testing.TB, paths []string, opts Options) ([]Record, []Issue) {
	t.Helper()
	var recs []Record
	var issues []Issue
	err := Read(context.Background(), paths, opts, func(r Record) error {
		recs = append(recs, r)
		return nil
	}, func(i Issue) { issues = append(issues, i) })
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return recs, issues
}
