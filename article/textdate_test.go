package article

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/reprint-news/reprint/internal/testdata"
)

func utc(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, time.UTC)
}

func TestTextTime(t *testing.T) {
	const headline = "Lindsay Lohan Leaves Betty Ford, Checks Into Malibu Rehab\n"
	const body = "\nLindsay Lohan has left the Betty Ford Center and is moving to a rehab facility in Malibu, her lawyer said on Thursday.\n"
	var filler strings.Builder
	for range 14 {
		filler.WriteString("A paragraph of the article that says nothing about when it was published.\n")
	}
	none := time.Time{}
	tests := []struct {
		name, text string
		want       time.Time
	}{
		{"ecb+ first published", headline + "First Published: June 13, 2013 4:59 PM EDT" + body, utc(2013, 6, 13, 20, 59)},
		{"published weekday at", headline + "Published Friday, March 8, 2013 at 12:46 PM" + body, utc(2013, 3, 8, 12, 46)},
		{"date token", " date 2023-02-24 TEHRAN - Iranian Foreign Ministry spokesman Nasser Kanaani has announced a visit.", utc(2023, 2, 24, 0, 0)},
		{"posted numeric ambiguous", headline + "Posted: 03/08/2013 12:46 pm" + body, none},
		{"posted numeric with US zone", headline + "Posted: 03/08/2013 12:46 pm EST" + body, utc(2013, 3, 8, 17, 46)},
		{"numeric day over 12", headline + "Last updated 15:48 15/09/2013" + body, utc(2013, 9, 15, 15, 48)},
		{"numeric month first unambiguous", headline + "Posted 11/27/2005 7:21 AM" + body, utc(2005, 11, 27, 7, 21)},
		{"numeric alone ambiguous", headline + "11/09/2010" + body, none},
		{"numeric two-digit year ET", headline + "11/30/09 05:40 PM ET" + body, utc(2009, 11, 30, 22, 40)},
		{"time before numeric date PDT", headline + "8:13 AM PDT 8/2/2013" + body, utc(2013, 8, 2, 15, 13)},
		{"updated ET weekday after time", headline + "Updated 10:34 AM ET, Mon March 11, 2013" + body, utc(2013, 3, 11, 14, 34)},
		{"ET winter", headline + "Jan 5, 2011 – 4:35 PM ET" + body, utc(2011, 1, 5, 21, 35)},
		{"ET before 2007 rule", headline + "April 2, 2005 10:00 AM ET" + body, utc(2005, 4, 2, 15, 0)},
		{"ET after 2007 rule", headline + "April 2, 2013 10:00 AM ET" + body, utc(2013, 4, 2, 14, 0)},
		{"PT", headline + "AUGUST 2, 2013 | 08:06AM PT" + body, utc(2013, 8, 2, 15, 6)},
		{"byline", headline + "By John Smith, Reuters | March 8, 2013" + body, utc(2013, 3, 8, 0, 0)},
		{"date then time", headline + "March 8, 2013 | 12:46 PM" + body, utc(2013, 3, 8, 12, 46)},
		{"day month year", headline + "8 March 2013" + body, utc(2013, 3, 8, 0, 0)},
		{"iso", headline + "2013-03-08T12:46:00Z" + body, utc(2013, 3, 8, 12, 46)},
		{"iso offset", headline + "2013-03-08T12:46:00+03:30" + body, utc(2013, 3, 8, 9, 16)},
		{"iso label seconds", headline + "published: 2012-04-04 11:47:35" + body, time.Date(2012, 4, 4, 11, 47, 35, 0, time.UTC)},
		{"numeric offset", headline + "March 8, 2013 12:46 +0330" + body, utc(2013, 3, 8, 9, 16)},
		{"gmt offset in parens", headline + "4 October 2013, 18:07 (GMT+05:00)" + body, utc(2013, 10, 4, 13, 7)},
		{"bst dotted time", headline + "Thursday 29 July 2004 08.23 BST" + body, utc(2004, 7, 29, 7, 23)},
		{"cest", headline + "Published: 09 Sep 2013 11:25 CEST" + body, utc(2013, 9, 9, 9, 25)},
		{"ist is ambiguous", headline + "Updated: November 11, 2011 20:09 IST" + body, utc(2011, 11, 11, 20, 9)},
		{"p.m. and ordinal", headline + "May 3rd, 2013 2:00 p.m. EDT" + body, utc(2013, 5, 3, 18, 0)},
		{"short pm", headline + "on Dec 23 2012, 5: 03p" + body, utc(2012, 12, 23, 17, 3)},
		{"12 am", headline + "Published: Tuesday, Dec. 20 2005 12:00 a.m. MST" + body, utc(2005, 12, 20, 7, 0)},
		{"date line before headline", "May 2, 2013, 1:12 PM\n" + headline + body, utc(2013, 5, 2, 13, 12)},
		{"published preferred to updated", headline + "UPDATED 05/03/2013 at 11:00 AM EDT\nOriginally published 05/03/2013 at 10:20 AM EDT" + body, utc(2013, 5, 3, 14, 20)},
		{"posted then updated on one line", headline + "Posted: Nov 27, 2005 8:20 AM ET Last Updated: Nov 27, 2005 8:10 PM ET" + body, utc(2005, 11, 27, 13, 20)},
		{"update time after date", headline + "Friday, Sep 10, 2010 | Updated 8:52 PM EDT" + body, utc(2010, 9, 10, 0, 0)},
		{"updated only", headline + "Updated Saturday, December 05, 2009 8:28 PM" + body, utc(2009, 12, 5, 20, 28)},
		{"european dotted", headline + "Article posted on 08.07.2012" + body, none}, // "Article" is not a date word
		{"european dotted alone", headline + "08.07.2012" + body, utc(2012, 7, 8, 0, 0)},
		{"place line", headline + "WASHINGTON, DC, April 28, 2009" + body, utc(2009, 4, 28, 0, 0)},
		{"dateline", "Talks fail\nWASHINGTON, March 8, 2013 (Reuters) - The talks failed on Friday, officials said, and no new date was set for them.", utc(2013, 3, 8, 0, 0)},
		{"dateline state prnewswire", "SPRINGFIELD, Ill., March 8, 2013 /PRNewswire/ -- Acme Corp. said on Friday that its sales rose in the quarter.", utc(2013, 3, 8, 0, 0)},
		{"dateline without year", "TEHRAN, Feb. 24 (MNA) – Iranian Foreign Ministry spokesman Nasser Kanaani has announced a visit to Moscow.", none},
		{"body sentence", headline + "On March 8, 2013, Sullivan said the talks had failed." + body, none},
		{"body month year", headline + "In July 2022, Sullivan said that Iran was preparing to supply drones." + body, none},
		{"headline with year", "Ellen DeGeneres to host 2014 Oscars\nEllen DeGeneres was so nice as an Oscars host the first time." + body, none},
		{"headline with date", "Remembering the storm of March 8, 2013 in our town\n" + body, none},
		{"downloaded", headline + "Posted 1 year, 160 days ago [downloaded on 2 October 2013]" + body, none},
		{"meter wire header", "16:54 01/03/00: Page 1 (ZSM) COURTS Burstein\nA man was jailed today for his part in the theft.", none},
		{"deep in the body", headline + filler.String() + "March 8, 2013\n" + body, none},
		{"feb 30", headline + "February 30, 2013" + body, none},
		{"year too early", headline + "March 8, 1850" + body, none},
		{"year too late", headline + "March 8, 2150" + body, none},
		{"bad time kept date", headline + "March 8, 2013 25:61" + body, utc(2013, 3, 8, 0, 0)},
		{"arabic", "إيران تنفي تزويد روسيا بطائرات مسيرة\nنشر في 8 مارس 2013\nقال المتحدث باسم وزارة الخارجية", none},
		{"chinese", "伊朗否认向俄罗斯提供无人机\n2013年3月8日 12:46\n外交部发言人表示", none},
		{"empty", "", none},
		{"digits only", "2013\n03\n08", none},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := TextTime(tc.text)
			if ok != !tc.want.IsZero() || !got.Equal(tc.want) {
				t.Errorf("TextTime = %v, %v; want %v", got, ok, tc.want)
			}
			if ok && got.Location() != time.UTC {
				t.Errorf("location %v, want UTC", got.Location())
			}
		})
	}
}

func TestTextTimeHuge(t *testing.T) {
	big := strings.Repeat("word 2013 March 8, ", 10<<20/19)
	start := time.Now()
	if got, ok := TextTime(big); ok {
		t.Errorf("10 MB without newlines: got %v", got)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("10 MB text took %v", d)
	}
	if got, ok := TextTime("March 8, 2013\n" + big); !ok || !got.Equal(utc(2013, 3, 8, 0, 0)) {
		t.Errorf("date line before 10 MB line: %v %v", got, ok)
	}
}

func TestPublishedFrom(t *testing.T) {
	dir := t.TempDir()
	const dated = "Talks fail\nFirst Published: June 13, 2013 4:59 PM EDT\nThe talks failed on Friday, officials said, and no new date was set."
	j := func(m map[string]string) string { b, _ := json.Marshal(m); return string(b) }
	writeFile(t, dir, "a.jsonl", []byte(strings.Join([]string{
		j(map[string]string{"id": "rec", "published": "2020-01-02T03:04:05Z", "text": dated}),
		j(map[string]string{"id": "text", "text": dated}),
		j(map[string]string{"id": "none", "text": "No date here at all, only words."}),
		j(map[string]string{"id": "future", "text": "Title line\nMarch 8, 2031\nBody text follows here."}),
		j(map[string]string{"id": "badrec", "published": "soon", "text": dated}),
		j(map[string]string{"id": "futurerec", "published": "2031-03-08", "text": dated}),
	}, "\n")))
	writeFile(t, dir, "b.csv", []byte("id,published,text\ncsvrec,2020-01-02,\"x y z\"\ncsvtext,,\""+dated+"\"\n"))
	writeFile(t, dir, "c.txt", []byte(" date 2023-02-24 TEHRAN - Iranian Foreign Ministry spokesman said things."))
	writeFile(t, dir, "d.txt", []byte(dated))
	writeFile(t, dir, "e.html", []byte(htmlPage))
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	recs, _ := readAll(t, []string{dir}, Options{Now: func() time.Time { return now }})
	june13 := utc(2013, 6, 13, 20, 59)
	want := map[string]struct {
		from string
		t    time.Time
	}{
		"rec":       {PublishedFromRecord, utc(2020, 1, 2, 3, 4).Add(5 * time.Second)},
		"text":      {PublishedFromText, june13},
		"none":      {"", time.Time{}},
		"future":    {"", time.Time{}},
		"badrec":    {PublishedFromText, june13},
		"futurerec": {PublishedFromRecord, utc(2031, 3, 8, 0, 0)},
		"csvrec":    {PublishedFromRecord, utc(2020, 1, 2, 0, 0)},
		"csvtext":   {PublishedFromText, june13},
		"c":         {PublishedFromText, utc(2023, 2, 24, 0, 0)},
		"d":         {PublishedFromText, june13},
	}
	seen := 0
	for _, r := range recs {
		a := r.Article
		if a.ID == "e" {
			seen++
			if a.PublishedFrom != PublishedFromHTML || a.Published.IsZero() {
				t.Errorf("html: published %v from %q", a.Published, a.PublishedFrom)
			}
			continue
		}
		w, ok := want[a.ID]
		if !ok {
			continue
		}
		seen++
		if a.PublishedFrom != w.from || !a.Published.Equal(w.t) {
			t.Errorf("%s: published %v from %q; want %v from %q", a.ID, a.Published, a.PublishedFrom, w.t, w.from)
		}
	}
	if seen != len(want)+1 {
		t.Errorf("saw %d of %d records: %v", seen, len(want)+1, ids(recs))
	}

	// DecodeJSON, as the HTTP API uses it, applies the same fallback.
	a, _, ok := DecodeJSON([]byte(j(map[string]string{"id": "x", "text": dated})), Pos{File: "request"})
	if !ok || a.PublishedFrom != PublishedFromText || !a.Published.Equal(june13) {
		t.Errorf("DecodeJSON: %v from %q", a.Published, a.PublishedFrom)
	}
	a, _, _ = DecodeJSON([]byte(j(map[string]string{"id": "x", "published": "2020-01-02", "text": dated})), Pos{File: "request"})
	if a.PublishedFrom != PublishedFromRecord || !a.Published.Equal(utc(2020, 1, 2, 0, 0)) {
		t.Errorf("DecodeJSON record date: %v from %q", a.Published, a.PublishedFrom)
	}
	a, _, _ = DecodeJSON([]byte(j(map[string]string{"id": "x", "text": "Title line\nMarch 8, 2099\nBody."})), Pos{File: "request"})
	if !a.Published.IsZero() || a.PublishedFrom != "" {
		t.Errorf("DecodeJSON future text date: %v from %q", a.Published, a.PublishedFrom)
	}
}

// ecbFloor is the measured number of ECB+ "ecbplus" documents that get a
// date from their text (307 of 381 when written), less a little slack.
const ecbFloor = 295

func TestTextTimeECBPlus(t *testing.T) {
	dir := testdata.Require(t)
	p := filepath.Join(dir, "ecbplus-dev.jsonl")
	if _, err := os.Stat(p); err != nil {
		testdata.Missing(t, "ecbplus-dev.jsonl not found")
	}
	var plus, plusDated, ecb, ecbDated int
	err := Read(context.Background(), []string{p}, Options{}, func(r Record) error {
		a := r.Article
		isPlus := strings.Contains(a.ID, "ecbplus")
		if isPlus {
			plus++
		} else {
			ecb++
		}
		if a.Published.IsZero() {
			return nil
		}
		if a.PublishedFrom != PublishedFromText {
			t.Errorf("%s: published_from %q", a.ID, a.PublishedFrom)
		}
		if y := a.Published.Year(); y < 2000 || y > 2014 {
			t.Errorf("%s: date %v outside 2000–2014: %q", a.ID, a.Published, clip(a.Text, 200))
		}
		if isPlus {
			plusDated++
		} else {
			ecbDated++
		}
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dated from text: %d of %d ecbplus documents, %d of %d ecb documents", plusDated, plus, ecbDated, ecb)
	if plusDated < ecbFloor {
		t.Errorf("%d ecbplus documents dated, want at least %d", plusDated, ecbFloor)
	}
}

// TestTextTimeSeeds checks the seed texts: only 001 states a date.
func TestTextTimeSeeds(t *testing.T) {
	files, _ := filepath.Glob("../testdata/seeds/*.txt")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := TextTime(string(b))
		if strings.Contains(f, "001_") != ok {
			t.Errorf("%s: %v %v", f, got, ok)
		}
	}
}

// FuzzMayBeDateline: the quick test never turns away a text the dateline
// expression matches.
func FuzzMayBeDateline(f *testing.F) {
	for _, s := range []string{"TEHRAN - Iran", "WASHINGTON (Reuters) — x", "NEW YORK, Feb 24 (AP) -- y", "X, Feb 24 (AP) - z",
		"ST. JOHN'S – a", "AL-HASAKAH - b", "The TEHRAN - c", "Iran - d", "ÉVORA\u0301 - e", "A\t- f", "A(Agency) - g", "B—h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.TrimLeft(s, " \t\r\n")
		r, size := utf8.DecodeRuneInString(s)
		if !unicode.IsUpper(r) {
			return
		}
		if len(s) > 160 {
			s = s[:160]
		}
		if datelineRE.MatchString(s) && !mayBeDateline(s[size:]) {
			t.Fatalf("%q matches the dateline expression but the quick test turns it away", s)
		}
	})
}
