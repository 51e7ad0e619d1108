package article

import "testing"

func TestHeadline(t *testing.T) {
	cases := []struct {
		title, text, want string
		real              bool
	}{
		{"Iran denies drones", "body", "Iran denies drones", true},
		{"", " date 2023-02-24 TEHRAN - Iranian Foreign Ministry spokesman Nasser Kanaani has announced a visit.\n\nMore.", "Iranian Foreign Ministry spokesman Nasser Kanaani has announced a visit.", false},
		{"", "May 2, 2013, 1:12 PM\nLindsay Lohan checks into rehab\nBody text here.", "Lindsay Lohan checks into rehab", false},
		{"", "News   /   World\n\nFirst Published: June 13, 2013 4:59 PM EDT\nQuake hits the coast\nBody.", "Quake hits the coast", false},
		{"", "TEHRAN - The spokesman rejected the claims.", "The spokesman rejected the claims.", false},
		{"", "", "", false},
		{"", "----\n12345\n", "----", false},
	}
	for _, c := range cases {
		got, real := Headline(c.title, c.text, nil)
		if got != c.want || real != c.real {
			t.Errorf("Headline(%q, %q) = %q, %v; want %q, %v", c.title, c.text, got, real, c.want, c.real)
		}
	}
	skip := func(l string) bool { return l == "SHARE THIS ARTICLE" }
	if got, _ := Headline("", "SHARE THIS ARTICLE\nThe real lead", skip); got != "The real lead" {
		t.Errorf("boilerplate not skipped: %q", got)
	}
}
