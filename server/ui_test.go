package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/reprint-news/reprint/engine"
	"github.com/reprint-news/reprint/internal/testdata"
	"github.com/reprint-news/reprint/match"
)

// The web UI is tested as a person uses it: a real store and engine with
// the five seed articles, a real HTTP server on 127.0.0.1, and headless
// Chromium reading the pages the embedded assets render.

// uiSeedOutlets names the outlet of each seed, read from its text (the .txt
// files carry no source of their own).
var uiSeedOutlets = map[string]string{
	"000": "Press TV",
	"001": "Tehran Times",
	"002": "Mehr News",
	"003": "Press TV",
	"004": "Mehr News",
}

// uiServer serves the seeds over a real store; it returns the server's
// URL and the engine's answer for each seed by number ("000"…"004").
func uiServer(t *testing.T) (string, map[string]*engine.Ingested) {
	t.Helper()
	e := newAPIEnv(t, nil, Options{}, true)
	answers := map[string]*engine.Ingested{}
	for _, a := range apiSeeds(t) {
		n := apiSeedNum(a.ID)
		if a.Source == "" {
			a.Source = uiSeedOutlets[n]
		}
		in, err := e.live.Ingest(a)
		if err != nil {
			t.Fatalf("ingesting %s: %v", a.ID, err)
		}
		answers[n] = in
	}
	return e.url, answers
}

// uiChromePath returns the Chromium or Chrome binary, or "" when none is
// installed ($REPRINT_CHROME names one explicitly).
func uiChromePath() string {
	if p := os.Getenv("REPRINT_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// uiBrowser returns a headless browser tab, closed when the test ends; it
// skips the test when no browser is installed, and fails it under CI
// (where .ci/run installs one).
func uiBrowser(t *testing.T) context.Context {
	t.Helper()
	path := uiChromePath()
	if path == "" {
		testdata.Missing(t, "no Chromium found: install the chromium package (.ci/run does) or set REPRINT_CHROME")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // root in a container
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	if err := chromedp.Do(bctx); err != nil { // start the browser
		t.Fatalf("starting %s: %v", path, err)
	}
	return bctx
}

// uiStepTimeout bounds one step of the browser test (the whole test has
// the allocator's 60 s).
const uiStepTimeout = 15 * time.Second

// uiPage drives one browser tab.
type uiPage struct {
	t   *testing.T
	ctx context.Context
}

// do runs steps, failing the test with what was on the page if one fails.
func (p *uiPage) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, uiStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v\npage shows: %s", what, err, p.shown())
	}
}

// shown is the text of the page's main element, for failure messages.
func (p *uiPage) shown() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return s
}

// open shows the UI route hash ("#/story/…") as a click on a link would,
// and waits until the page has rendered it.
func (p *uiPage) open(hash string) {
	p.t.Helper()
	p.do("opening "+hash,
		chromedp.Evaluate[chromedp.Void](`location.hash = `+uiQuote(hash)),
		chromedp.WaitVisible(uiRendered(hash)))
}

// uiRendered selects the page's main element once it shows route hash.
func uiRendered(hash string) chromedp.CSS {
	return chromedp.CSS(`main[data-route=` + uiQuote(hash) + `][aria-busy="false"]`)
}

// uiQuote quotes s for JavaScript and CSS (ids and routes here are
// plain ASCII).
func uiQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// uiEval returns the value of JavaScript expression expr on the page.
func uiEval[T any](p *uiPage, what, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, uiStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("%s: %v\npage shows: %s", what, err, p.shown())
	}
	return v
}

// text returns the visible text of the first element sel selects.
func (p *uiPage) text(sel string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, uiStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("text of %s: %v\npage shows: %s", sel, err, p.shown())
	}
	return v
}

// route is a UI route with query v.
func route(name string, v url.Values) string { return "#/" + name + "?" + v.Encode() }

// uiGetJSON decodes the JSON answer of GET url into v.
func uiGetJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// uiCheckAligned opens the comparison of a and b (a rewrite) and checks
// its aligned sentence pairs against the API's answer.
func uiCheckAligned(t *testing.T, p *uiPage, base, a, b string) {
	t.Helper()
	q := url.Values{"a": {a}, "b": {b}}.Encode()
	var c CompareView
	uiGetJSON(t, base+"/v1/compare?"+q, &c)
	if c.Reuse.Relation != "rewrite" {
		t.Fatalf("compare %s/%s: relation %q, want rewrite", a, b, c.Reuse.Relation)
	}
	var ordered, moved []match.SentencePair
	usedA, usedB := map[int]bool{}, map[int]bool{}
	for _, sp := range c.Reuse.Sentences {
		if sp.Ordered {
			ordered = append(ordered, sp)
		} else {
			moved = append(moved, sp)
		}
		for i := sp.A[0]; i < sp.A[1]; i++ {
			usedA[i] = true
		}
		for j := sp.B[0]; j < sp.B[1]; j++ {
			usedB[j] = true
		}
	}
	slices.SortFunc(ordered, func(x, y match.SentencePair) int { return x.A[0] - y.A[0] })
	var want [][2]string
	quoted := false
	for _, sp := range ordered {
		ta, tb := c.A.Text[sp.AStart:sp.AEnd], c.B.Text[sp.BStart:sp.BEnd]
		want = append(want, [2]string{ta, tb})
		quoted = quoted || strings.ContainsAny(ta+tb, "’“")
	}
	if len(ordered) < 8 || !quoted {
		t.Fatalf("compare %s/%s: %d ordered pairs (want 8 or more, one with ’ or “)", a, b, len(ordered))
	}
	unmatched := 0
	for i := range c.Reuse.SpansA {
		if !usedA[i] {
			unmatched++
		}
	}
	for j := range c.Reuse.SpansB {
		if !usedB[j] {
			unmatched++
		}
	}

	p.open("#/compare?" + q)
	p.do("waiting for the aligned pairs", chromedp.WaitVisible(chromedp.CSS("table.aligned tr.row")))
	got := uiEval[[][2]string](p, "reading the aligned pairs", `[...document.querySelectorAll("table.aligned tr.row:not(.moved)")].filter(r => r.dataset.kind).map(r =>
		[r.querySelector(".cell-a").textContent, r.querySelector(".cell-b").textContent])`)
	if len(got) != len(want) {
		t.Fatalf("compare %s/%s: %d ordered rows, want %d", a, b, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("compare %s/%s: row %d shows\n\t%q | %q\nwant\n\t%q | %q", a, b, i, got[i][0], got[i][1], want[i][0], want[i][1])
		}
	}
	rows := uiEval[map[string]any](p, "reading the rows", `({
		kinds: [...document.querySelectorAll("table.aligned tr.row:not(.moved)")].filter(r => r.dataset.kind).map(r => r.dataset.kind + "/" + r.querySelector(".kind").textContent).join(" "),
		moved: [...document.querySelectorAll("table.aligned tr.row.moved")].map(r => r.querySelector(".kind").textContent).join(" "),
		lastIsMoved: document.querySelector("table.aligned tbody tr:last-child").classList.contains("moved"),
		empty: document.querySelectorAll("table.aligned td.empty").length,
		source: document.querySelector(".source-line").textContent})`)
	var kinds []string
	for _, sp := range ordered {
		kinds = append(kinds, sp.Kind+"/"+sp.Kind)
	}
	if rows["kinds"] != strings.Join(kinds, " ") {
		t.Errorf("compare %s/%s: row kinds %q, want %q", a, b, rows["kinds"], strings.Join(kinds, " "))
	}
	if n := strings.Count(rows["moved"].(string), "moved"); n != len(moved) || len(moved) > 0 && rows["lastIsMoved"] != true {
		t.Errorf("compare %s/%s: moved rows %q, want %d after the ordered ones", a, b, rows["moved"], len(moved))
	}
	if rows["empty"] != float64(unmatched) {
		t.Errorf("compare %s/%s: %v empty cells, want one per unmatched sentence (%d)", a, b, rows["empty"], unmatched)
	}
	if src := rows["source"].(string); !strings.Contains(src, "direction unknown") || !strings.Contains(src, a) {
		t.Errorf("compare %s/%s: the source line reads %q, want the direction unknown, with why", a, b, src)
	}
	if side := p.text(".side-heads"); !strings.Contains(side, "undated") || !strings.Contains(side, "(read from the text)") {
		t.Errorf("compare %s/%s: the headers read %q, want 000 undated and 001's date read from the text", a, b, side)
	}
	if f := p.text(".first-is"); !strings.HasPrefix(f, "unknown") {
		t.Errorf("compare %s/%s: first published reads %q, want unknown", a, b, f)
	}
}

func TestUI(t *testing.T) {
	ctx := uiBrowser(t)
	base, seeds := uiServer(t)
	p := &uiPage{t: t, ctx: ctx}

	// Uncaught script errors fail the test; other console lines are logged.
	var exceptions []string
	cctx, stop := context.WithCancel(ctx)
	console := chromedp.Console(cctx) // subscribed from here on
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleException {
				exceptions = append(exceptions, m.Text)
			}
			t.Logf("browser console %s: %s", m.Type, m.Text)
		}
	}()
	defer func() {
		stop()
		<-done
		for _, e := range exceptions {
			t.Errorf("script error on the page: %s", e)
		}
	}()

	// (a) The story list: three stories, newest first; "Largest" puts a
	// story of two articles first.
	p.do("loading the UI", chromedp.Navigate(base+"/"), chromedp.WaitVisible(uiRendered("#/")))
	if n := uiEval[int](p, "counting stories", `document.querySelectorAll(".story-row").length`); n != 3 {
		t.Errorf("the story list shows %d stories, want 3:\n%s", n, p.shown())
	}
	p.do("sorting by size",
		chromedp.Click(chromedp.CSS(`[data-sort="size"]`)),
		chromedp.WaitVisible(uiRendered("#/?sort=size")))
	if got := uiEval[bool](p, "sort button", `document.querySelector('[data-sort="size"]').getAttribute("aria-pressed") === "true"`); !got {
		t.Errorf("after a click on Largest, the button is not pressed")
	}
	if n := p.text(".story-row .count b"); n != "2" {
		t.Errorf("largest story first: it has %q articles, want 2", n)
	}
	// Each story with copies or rewrites says how many.
	var page StoryPage
	uiGetJSON(t, base+"/v1/stories", &page)
	counts := uiEval[map[string]string](p, "reading the reuse counts", `Object.fromEntries([...document.querySelectorAll(".story-row")].map(r =>
		[r.dataset.id, (r.querySelector(".reuse-counts") || {textContent: ""}).textContent]))`)
	for _, st := range page.Stories {
		var want []string
		if st.Copies > 0 {
			want = append(want, fmt.Sprintf("%d cop", st.Copies))
		}
		if st.Rewrites > 0 {
			want = append(want, fmt.Sprintf("%d rewrite", st.Rewrites))
		}
		for _, w := range want {
			if !strings.Contains(counts[st.ID], w) {
				t.Errorf("story %s (copies %d, rewrites %d): the list reads %q", st.ID, st.Copies, st.Rewrites, counts[st.ID])
			}
		}
		if len(want) == 0 && counts[st.ID] != "" {
			t.Errorf("story %s has no copies or rewrites, but the list reads %q", st.ID, counts[st.ID])
		}
	}

	// Pages of two: "More" brings the third story, then goes away.
	p.open("#/?limit=2")
	if n := uiEval[int](p, "counting stories", `document.querySelectorAll(".story-row").length`); n != 2 {
		t.Errorf("a page of 2 shows %d stories", n)
	}
	p.do("asking for more",
		chromedp.Click(chromedp.CSS("button.more")),
		chromedp.WaitVisible(chromedp.CSS(".story-row:nth-child(3)")),
		chromedp.WaitNotVisible(chromedp.CSS("button.more")))
	if n := uiEval[int](p, "counting stories", `document.querySelectorAll(".story-row").length`); n != 3 {
		t.Errorf("after More, the list shows %d stories, want 3", n)
	}

	// (b) The story of 000 and 001, reached from the list: a lane for each
	// outlet with dated articles (001, dated by its text); 000 has no
	// publication time and is listed apart as undated, not placed at its
	// arrival.
	story := seeds["000"].Story
	if seeds["001"].Story != story {
		t.Fatalf("000 is in story %s, 001 in %s: the seeds no longer share a story", story, seeds["001"].Story)
	}
	p.open("#/?sort=size")
	p.do("opening the story of 000 from the list",
		chromedp.Click(chromedp.CSS(`.story-row a.headline[href="#/story/`+story+`"]`)),
		chromedp.WaitVisible(uiRendered("#/story/"+story)),
		chromedp.WaitVisible(chromedp.CSS(".timeline .lane .item")))
	if h := p.text("h1"); strings.TrimSpace(h) == "" {
		t.Errorf("story %s has an empty headline", story)
	}
	lanes := uiEval[map[string][]string](p, "reading the lanes", `Object.fromEntries([...document.querySelectorAll(".timeline .lane")].map(l =>
		[l.querySelector(".lane-name").textContent, [...l.querySelectorAll(".item")].map(i => i.dataset.id)]))`)
	want := map[string][]string{"Tehran Times": {seeds["001"].ID}}
	if fmt.Sprint(lanes) != fmt.Sprint(want) {
		t.Errorf("story %s: lanes (outlet: articles) %v, want %v", story, lanes, want)
	}
	undated := uiEval[[]string](p, "reading the undated", `[...document.querySelectorAll(".timeline .undated-block .item")].map(i => i.dataset.id)`)
	if fmt.Sprint(undated) != fmt.Sprint([]string{seeds["000"].ID}) {
		t.Errorf("story %s: undated items %v, want 000 alone", story, undated)
	}
	visible := uiEval[bool](p, "checking the items are on screen", `[...document.querySelectorAll(".timeline .item")].every(el => {
		const r = el.getBoundingClientRect(); return r.width > 100 && r.height > 20 && el.querySelector(".title").textContent.trim() !== "" })`)
	if !visible {
		t.Errorf("story %s: a timeline item is not shown with its title", story)
	}
	// Who reported first (001, the only date) and the copy graph: two
	// nodes, one dashed edge (who took from whom is unknown).
	if fr := p.text(".first-reported"); !strings.Contains(fr, "First reported by") || !strings.Contains(fr, "Tehran Times") {
		t.Errorf("story %s: first reported reads %q, want Tehran Times", story, fr)
	}
	if id := uiEval[string](p, "reading the first", `document.querySelector(".first-reported a").dataset.id`); id != seeds["001"].ID {
		t.Errorf("story %s: first reported links %q, want 001", story, id)
	}
	graph := uiEval[map[string]any](p, "reading the graph", `(() => { const g = document.querySelector("svg.copy-graph"); const r = g.getBoundingClientRect();
		return {nodes: [...g.querySelectorAll(".node")].map(n => n.dataset.id + " " + n.querySelector(".node-outlet").textContent).join("|"),
		undirected: g.querySelectorAll(".edge.undirected path").length, directed: g.querySelectorAll(".edge.directed").length,
		dashed: g.querySelector(".edge.undirected path") ? getComputedStyle(g.querySelector(".edge.undirected path")).strokeDasharray : "",
		w: r.width, h: r.height} })()`)
	if wantNodes := seeds["001"].ID + " Tehran Times ★|" + seeds["000"].ID + " Press TV"; graph["nodes"] != wantNodes || graph["undirected"] != 1.0 || graph["directed"] != 0.0 ||
		graph["dashed"] == "none" || graph["dashed"] == "" || graph["w"].(float64) < 300 || graph["h"].(float64) < 50 {
		t.Errorf("story %s: copy graph %v, want nodes %q and one dashed undirected edge", story, graph, wantNodes)
	}

	// (c) The story of 002 and 004: one item, a group of two copies, which
	// opens on a click to show both.
	p.open("#/story/" + seeds["002"].Story)
	p.do("waiting for the group", chromedp.WaitVisible(chromedp.CSS(".timeline .item.group")))
	if n := uiEval[int](p, "counting items", `document.querySelectorAll(".timeline .item").length`); n != 1 {
		t.Errorf("story of 002+004: %d timeline items, want one group", n)
	}
	if badge := p.text(".timeline .item.group .copies"); !strings.Contains(badge, "×2") {
		t.Errorf("story of 002+004: the group's badge reads %q, want ×2", badge)
	}
	p.do("opening the group",
		chromedp.Click(chromedp.CSS(".timeline .item.group .copies")),
		chromedp.WaitVisible(chromedp.CSS(".timeline .item.group .members")))
	members := uiEval[[]string](p, "reading the group", `[...document.querySelectorAll(".timeline .item.group .member")].map(m => m.dataset.id)`)
	if fmt.Sprint(members) != fmt.Sprint([]string{seeds["002"].ID, seeds["004"].ID}) {
		t.Errorf("story of 002+004: the open group lists %v, want 002 then 004", members)
	}

	// (d) From 004 in the group, its comparison with 002: both texts,
	// with the shared passages marked, and a near-duplicate relation.
	cmp := "#/compare?" + url.Values{"a": {seeds["004"].ID}, "b": {seeds["002"].ID}}.Encode()
	p.do("comparing 004 with the group's original",
		chromedp.Click(chromedp.CSS(`.timeline .member[data-id="`+seeds["004"].ID+`"] a.compare`)),
		chromedp.WaitVisible(uiRendered(cmp)),
		chromedp.WaitVisible(chromedp.CSS("#text-a mark")))
	marksA := uiEval[int](p, "counting marks", `document.querySelectorAll("#text-a mark").length`)
	marksB := uiEval[int](p, "counting marks", `document.querySelectorAll("#text-b mark").length`)
	if marksA == 0 || marksB == 0 {
		t.Errorf("compare 004/002: %d and %d highlighted passages, want some on both sides", marksA, marksB)
	}
	for _, c := range []struct{ sel, want string }{
		{"#text-a", "Leave a Comment"},          // 004's own furniture
		{"#text-a", "Nasser Kanaani commented"}, // the shared story
		{"#text-b", "Nasser Kanaani commented"},
	} {
		if got := p.text(c.sel); !strings.Contains(got, c.want) {
			t.Errorf("compare 004/002: %s lacks %q", c.sel, c.want)
		}
	}
	// The story both tell is marked on both sides; 004's furniture is not.
	for _, side := range []string{"#text-a", "#text-b"} {
		marked := uiEval[string](p, "reading the marks", `[...document.querySelectorAll("`+side+` mark")].map(m => m.textContent).join(" ")`)
		if !strings.Contains(marked, "Nasser Kanaani commented") || strings.Contains(marked, "Leave a Comment") {
			t.Errorf("compare 004/002: the marked passages of %s are %q", side, marked)
		}
	}
	if rel := p.text(".relation-name"); !strings.EqualFold(rel, "near duplicate") {
		t.Errorf("compare 004/002: the relation reads %q, want Near duplicate", rel)
	}
	// Copies show only what differs: each side's own furniture, and how
	// much is shared.
	diff := uiEval[map[string]string](p, "reading the differences", `({a: [...document.querySelectorAll(".only-a li")].map(l => l.textContent).join("\n"),
		b: [...document.querySelectorAll(".only-b li")].map(l => l.textContent).join("\n"), shared: document.querySelector(".shared-count").textContent})`)
	if !strings.Contains(diff["a"], "Leave a Comment") || !strings.Contains(diff["b"], "All Content by Mehr News Agency is licensed") ||
		strings.Contains(diff["a"]+diff["b"], "Nasser Kanaani commented") || !regexp.MustCompile(`\b9\d% shared`).MatchString(diff["shared"]) {
		t.Errorf("compare 004/002: differences\nonly A: %s\nonly B: %s\nshared: %s", diff["a"], diff["b"], diff["shared"])
	}
	// Pointing at a passage of A lights its counterpart in B.
	lit := uiEval[int](p, "pointing at a passage", `document.querySelector("#text-a mark").dispatchEvent(new MouseEvent("mouseover", {bubbles: true})),
		document.querySelectorAll("#text-b mark.active").length`)
	if lit == 0 {
		t.Errorf("compare 004/002: pointing at a passage of A lights none of B")
	}

	// (e) 000 and 001, a rewrite: the sentence pairs side by side, cut
	// exactly at the API's byte offsets (the texts hold ’ and “), the
	// sentences only one side has against an empty cell, moved pairs
	// after, and the direction unknown (000 is undated).
	uiCheckAligned(t, p, base, seeds["000"].ID, seeds["001"].ID)

	// The storyline of the seeds lists their three stories.
	p.open("#/storyline/" + seeds["000"].Storyline)
	if n := uiEval[int](p, "counting stories", `document.querySelectorAll(".story-row").length`); n != 3 {
		t.Errorf("storyline %s lists %d stories, want 3", seeds["000"].Storyline, n)
	}

	// The search box finds 004 by a word of its title, linked to its story.
	p.do("searching",
		chromedp.SendKeys(chromedp.CSS("#q"), "disavows"),
		chromedp.Click(chromedp.CSS("#search button")),
		chromedp.WaitVisible(uiRendered("#/search?q=disavows")))
	found := uiEval[[]string](p, "reading the results", `[...document.querySelectorAll(".result")].map(r =>
		r.dataset.id + " " + r.querySelector('a[href^="#/story/"]').getAttribute("href"))`)
	if w := seeds["004"].ID + " #/story/" + seeds["004"].Story; len(found) != 1 || found[0] != w {
		t.Errorf("search for disavows: results %q, want [%s]", found, w)
	}
	// Other forms of a word match, and the snippet marks them.
	p.open("#/search?q=drone")
	marks := uiEval[[]string](p, "reading the snippets' marks", `[...document.querySelectorAll(".result .snippet mark")].map(m => m.textContent.toLowerCase())`)
	if len(marks) < 4 || slices.ContainsFunc(marks, func(m string) bool { return m != "drone" && m != "drones" }) {
		t.Errorf("search for drone: snippet marks %q, want drones and drone", marks)
	}

	// Its title opens the article: its text and its duplicate group.
	p.do("opening 004",
		chromedp.Click(chromedp.CSS(".result a.title")),
		chromedp.WaitVisible(uiRendered("#/article/"+seeds["004"].ID)))
	if txt := p.text(".article-text"); !strings.Contains(txt, "Leave a Comment") {
		t.Errorf("the page of 004 does not show its text")
	}
	if g := p.text(".article-view"); !strings.Contains(g, "Duplicate group of 2") || !strings.Contains(g, seeds["002"].ID) {
		t.Errorf("the page of 004 does not show its group with 002:\n%s", g)
	}
	// Its reuse: 002, a near duplicate without a direction (both undated,
	// one outlet), under other reuse with the reason, linked to the
	// comparison; copied by and copied from say none.
	links := uiEval[[]string](p, "reading the reuse lists", `[...document.querySelectorAll(".copied-by li, .copied-from li, .other-reuse li")].map(l => l.closest("section").classList[1] + " " + l.dataset.id + " " + l.querySelector("a.compare").getAttribute("href"))`)
	w := "other-reuse " + seeds["002"].ID + " " + route("compare", url.Values{"a": {seeds["004"].ID}, "b": {seeds["002"].ID}})
	if len(links) != 1 || links[0] != w {
		t.Errorf("the page of 004: reuse %q, want [%s]", links, w)
	}
	if other := p.text(".other-reuse"); !strings.Contains(other, "direction unknown") {
		t.Errorf("the page of 004 does not say why the near duplicate has no direction:\n%s", other)
	}
	if n := uiEval[int](p, "counting the reuse sections", `document.querySelectorAll(".copied-by, .copied-from").length`); n != 2 {
		t.Errorf("the page of 004 shows %d of the copied by / copied from sections, want both", n)
	}

	// The outlets page: Tehran Times took from Press TV once (000 is
	// undated, so the seeds' only directed flow is none: every outlet
	// is listed with its articles, none derived).
	p.open("#/outlets")
	rows := uiEval[[]string](p, "reading the outlets", `[...document.querySelectorAll("table.outlets tbody tr")].map(r => r.dataset.outlet + " " + r.querySelector("td.num").textContent)`)
	if w := []string{"Mehr News 2", "Press TV 2", "Tehran Times 1"}; !slices.Equal(rows, w) {
		t.Errorf("outlets page rows %q, want %q", rows, w)
	}

	// An API error is shown on the page, not swallowed.
	p.open("#/story/s-none")
	if msg := p.text(".error"); !strings.Contains(msg, "404") || !strings.Contains(msg, "not found") {
		t.Errorf("an unknown story shows %q, want the API's 404 error", msg)
	}
}
