package text

import (
	"slices"
	"testing"
)

func termTexts(v []Term) []string {
	var out []string
	for _, t := range v {
		out = append(out, t.Text)
	}
	slices.Sort(out)
	return out
}

func TestEntities(t *testing.T) {
	var x FeatureExtractor
	f := x.Extract("Lindsay Lohan Leaves Betty Ford, Checks Into Malibu Rehab",
		"Lindsay Lohan has left the Betty Ford Center and is moving to a rehab facility in Malibu, Calif., Access Hollywood has confirmed.\nThe actress said she was fine.")
	got := termTexts(f.Ent)
	for _, want := range []string{"lindsay lohan", "lohan", "betty ford center", "center", "malibu", "access hollywood", "hollywood", "calif"} {
		if !slices.Contains(got, want) {
			t.Errorf("entity %q missing from %q", want, got)
		}
	}
	for _, bad := range []string{"the", "leaves", "checks into", "the actress"} {
		if slices.Contains(got, bad) {
			t.Errorf("not an entity: %q in %q", bad, got)
		}
	}
}

func TestBodyAndTitleTerms(t *testing.T) {
	var x FeatureExtractor
	f := x.Extract("Iran denies drone supply", "Iran denied that it supplied drones to Russia in 2022, officials said on 12 May.")
	body := termTexts(f.Body)
	for _, want := range []string{"iran", "denied", "supplied", "drones", "russia", "2022", "officials"} {
		if !slices.Contains(body, want) {
			t.Errorf("body term %q missing from %q", want, body)
		}
	}
	for _, bad := range []string{"that", "it", "to", "in", "on", "12", "said", "may"} {
		if slices.Contains(body, bad) {
			t.Errorf("stop word or short number %q in %q", bad, body)
		}
	}
	if got := termTexts(f.Title); !slices.Equal(got, []string{"denies", "drone", "iran", "supply"}) {
		t.Errorf("title terms %q", got)
	}
	// Same word in body and title: different fields, different hashes.
	if f.Title[0].Hash == f.Body[0].Hash {
		t.Error("field hashes collide")
	}
}

func TestNumbersAndTimeExpressions(t *testing.T) {
	var x FeatureExtractor
	f := x.Extract("", "Klitschko (52-3, 46 KOs) won on Saturday night in July 2012 and may fight again in March; 6.1 magnitude.")
	if got, want := termTexts(f.Nums), []string{"1", "2012", "3", "46", "52", "6"}; !slices.Equal(got, want) {
		t.Errorf("numbers %q, want %q", got, want)
	}
	if got, want := termTexts(f.When), []string{"2012", "july", "march", "saturday"}; !slices.Equal(got, want) {
		t.Errorf("time expressions %q, want %q (not the modal \"may\")", got, want)
	}
}

func TestLanguage(t *testing.T) {
	en := "The Foreign Ministry spokesman said on Friday that the cooperation between the two countries is not directed against any third country."
	de := "Der Sprecher des Außenministeriums sagte am Freitag, dass die Zusammenarbeit zwischen den beiden Ländern sich nicht gegen Drittstaaten richte."
	if l := Language("", en); l != "en" {
		t.Errorf("English detected as %q", l)
	}
	if l := Language("", de); l != "de" {
		t.Errorf("German detected as %q", l)
	}
	if !LanguagesCompatible("en", Undetermined) || LanguagesCompatible("en", "de") {
		t.Error("LanguagesCompatible")
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{"", "½ Ford", "A. B. C", "Iran’s FM Kan’ani", "ﬁ Ford ½ Center", "\xff Lohan", "東京 Tokyo Tower"} {
		f.Add("Title Case Head Line", s)
	}
	f.Fuzz(func(t *testing.T, title, body string) {
		var x FeatureExtractor
		fe := x.Extract(title, body)
		for _, v := range [][]Term{fe.Body, fe.Title, fe.Ent} {
			for i, term := range v {
				if term.TF <= 0 || term.Text == "" {
					t.Fatalf("bad term %+v", term)
				}
				if i > 0 && v[i-1].Hash >= term.Hash {
					t.Fatalf("terms not sorted by hash")
				}
			}
		}
	})
}
