//go:build ignore

// mkfixture writes news.warc.gz, the WARC fixture of the article tests: it
// serves a few pages from a local HTTP server and fetches them with
// GNU Wget's --warc-file, so that the file is a real crawler's output.
//
//	cd article/testdata/warc && go run mkfixture.go
//
// The pages: two near-duplicate news articles (the second sent chunked and
// gzip-encoded, with no date of its own), another article, a page without
// main text, a redirect, a 404, robots.txt, an image, and an article at a
// URL longer than an article id may be. Wget adds its warcinfo, request and
// metadata records.
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
)

const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%s | Harbour Gazette</title>
<meta property="og:site_name" content="Harbour Gazette">
%s</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/local">Local</a></li><li><a href="/subscribe">Subscribe</a></li></ul></nav>
<main><article>
<h1>%s</h1>
%s
</article></main>
<footer><p>Copyright Harbour Gazette. All rights reserved. Privacy policy. Terms of use.</p></footer>
</body>
</html>
`

func article(title, meta string, paras ...string) string {
	var body strings.Builder
	for _, p := range paras {
		body.WriteString("<p>" + p + "</p>\n")
	}
	return fmt.Sprintf(page, title, meta, title, body.String())
}

var fire = []string{
	"A fire broke out in a warehouse on the north quay of the harbour late on Monday evening, sending thick smoke over the old town and forcing the closure of the coastal road for several hours.",
	"Firefighters from three stations fought the blaze through the night, and the harbour master said that no ships had been damaged and that nobody was hurt, although two workers were treated for smoke inhalation at the scene.",
	"The warehouse stored fishing nets, rope and marine paint, which the fire service said had made the flames spread quickly along the roof before crews could bring the fire under control shortly after midnight.",
	"Investigators will examine the building on Tuesday to establish the cause of the fire, and the port authority has asked residents to keep their windows closed while the smoke clears from the area.",
}

func main() {
	reprint := append([]string{}, fire...)
	reprint[1] = "Firefighters from three stations fought the blaze through the night; the harbour master said that no ships had been damaged and that nobody was hurt, although two workers were treated for smoke inhalation."
	reprint = append(reprint, "This story was first published by the Harbour Gazette.")

	mux := http.NewServeMux()
	mux.HandleFunc("/news/harbour-fire.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, article("Warehouse fire closes harbour road",
			`<meta property="article:published_time" content="2024-03-05T09:30:00Z">`+"\n", fire...))
	})
	mux.HandleFunc("/syndicated/harbour-fire", func(w http.ResponseWriter, r *http.Request) {
		// gzip content coding, sent chunked.
		w.Header().Set("Content-Type", "application/xhtml+xml")
		w.Header().Set("Content-Encoding", "gzip")
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(article("Fire in harbour warehouse closes coastal road", "", reprint...)))
		zw.Close()
		b := buf.Bytes()
		w.Write(b[:len(b)/2])
		w.(http.Flusher).Flush()
		w.Write(b[len(b)/2:])
	})
	mux.HandleFunc("/news/council-budget.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, article("Council approves next year's budget",
			`<meta property="article:published_time" content="2024-03-04T16:00:00+01:00">`+"\n",
			"The town council approved next year's budget on Monday after a debate of more than five hours, with the new spending plan putting money into the repair of the sea wall and the library on Rue des Pêcheurs.",
			"Opposition members voted against the plan, arguing that the rise in parking charges would hurt the shops in the old town, while the mayor said the increase was needed to pay for the sea wall works.",
			"The budget also funds two new bus routes to the harbour and an extension of the opening hours of the public swimming pool during the summer months."))
	})
	mux.HandleFunc("/news/weather", func(w http.ResponseWriter, r *http.Request) {
		// Served at a URL longer than an article id may be.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, article("Storm warning for the weekend", "",
			"The national weather service issued a storm warning for the coast on Thursday, with gusts of up to one hundred kilometres an hour expected on Saturday night and heavy rain through Sunday morning.",
			"Ferry operators said crossings to the islands could be cancelled at short notice, and the harbour master advised owners of small boats to check their moorings before the weekend."))
	})
	mux.HandleFunc("/contact.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>Contact</title><script>var x = 1;</script></head><body></body></html>`)
	})
	mux.HandleFunc("/old/harbour-fire", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/news/harbour-fire.html", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "User-agent: *\nDisallow:\n")
	})
	mux.HandleFunc("/logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"))
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(ln, mux)
	base := "http://" + ln.Addr().String()
	long := base + "/news/weather?ref=" + strings.Repeat("newsletter-", 200)
	urls := []string{
		base + "/robots.txt",
		base + "/news/harbour-fire.html",
		base + "/syndicated/harbour-fire",
		base + "/news/council-budget.html",
		base + "/contact.html",
		base + "/old/harbour-fire",
		base + "/missing.html",
		base + "/logo.png",
		long,
	}
	tmp, err := os.MkdirTemp("", "mkfixture")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	args := append([]string{"--warc-file=news", "--no-warc-keep-log", "-q", "-P", tmp, "--tries=1", "--max-redirect=0"}, urls...)
	cmd := exec.Command("wget", args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		// wget exits 8 when a server answered with an error (the 404).
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 8 {
			log.Fatal(err)
		}
	}
}
