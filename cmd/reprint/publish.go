package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/queue"
)

const publishUsage = `Usage: reprint publish [--nats URL] [flags] PATH...

Puts every article under PATH (the formats of 'reprint dedup') on the NATS
JetStream stream that 'reprint worker' processes, in input order and in
messages of --chunk articles: the stream's order is the order in which the
articles are decided, whichever worker takes them. Creates the stream and its consumer when missing.
Every input record that is rejected by the readers is reported on stderr
with its position and reason (or to --rejects FILE as JSONL).

Prints {"published","messages","rejected","repaired","first","last","seconds"}
on stdout (first and last: the stream sequence numbers of the messages). With
--wait, returns when every one of them has been processed by the workers.

Each message is stored by the server before the next is sent. When NATS is
out of reach or restarting, publish waits for it, for up to --retry at a
time: at the start, and for each message, which is sent again under the
same message id until the server stores it, once (a copy within the
stream's duplicate window of 2 minutes is recognized) and in input order;
--wait likewise. Past --retry, publish fails: the messages stored so far
are on the stream, and the error gives the input position of the first
article not published.

Flags:
`

func natsFlag(fs *flag.FlagSet) *string {
	return fs.String("nats", "", "NATS server `URL` with JetStream (default $REPRINT_NATS)")
}

// natsURL is the --nats flag's value or $REPRINT_NATS.
func natsURL(flag string) (string, error) {
	if flag == "" {
		flag = os.Getenv("REPRINT_NATS")
	}
	if flag == "" {
		return "", fmt.Errorf("%w: give --nats URL (or set REPRINT_NATS)", errUsage)
	}
	return flag, nil
}

func runPublish(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("publish", publishUsage, stdout, stderr)
	natsF := natsFlag(fs)
	stream := fs.String("stream", queue.DefaultStream, "JetStream stream `NAME`")
	ackWait := fs.Duration("ack-wait", queue.DefaultAckWait, "how long a message taken by a worker may go unacknowledged before another worker gets it (the stream's consumer keeps the last value set)")
	chunk := fs.Int("chunk", 64, "articles per message: a worker decides a message's articles in one turn")
	wait := fs.Bool("wait", false, "return when the workers have processed every article published")
	rejects := fs.String("rejects", "", "write rejected records as JSONL to `FILE` (default: stderr)")
	quiet := fs.Bool("q", false, "no summary on stderr")
	retry := fs.Duration("retry", time.Minute, "how long to keep trying while NATS is out of reach or restarting, before failing")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 || *chunk < 1 {
		fs.Usage()
		return fmt.Errorf("%w: give at least one PATH (and a positive --chunk)", errUsage)
	}
	url, err := natsURL(*natsF)
	if err != nil {
		fs.Usage()
		return err
	}
	if err := checkPaths(paths); err != nil {
		return err
	}
	rej, closeRej, err := openRejects(*rejects, stderr)
	if err != nil {
		return err
	}
	defer closeRej()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	t0 := time.Now()
	octx, cancel := context.WithTimeout(ctx, *retry)
	q, err := queue.Open(octx, url, *stream, *ackWait, func(err error) {
		if !*quiet {
			fmt.Fprintf(stderr, "publish: waiting for NATS: %v\n", err)
		}
	})
	cancel()
	if err != nil {
		return err
	}
	defer q.Close()
	var sum publishSummary
	var pending []article.Article
	var pendingPos article.Pos
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		pctx, cancel := context.WithTimeout(ctx, *retry)
		seq, err := q.PublishWait(pctx, pending)
		cancel()
		if err != nil {
			return fmt.Errorf("%s: this article and those after it not published (the %d before it are, in stream messages %d–%d): %w",
				pendingPos, sum.Published, sum.First, sum.Last, err)
		}
		if sum.First == 0 {
			sum.First = seq
		}
		sum.Last = seq
		sum.Published += len(pending)
		sum.Messages++
		pending = pending[:0]
		return nil
	}
	err = article.Read(ctx, paths, article.Options{}, func(r article.Record) error {
		if len(pending) == 0 {
			pendingPos = r.Pos
		}
		pending = append(pending, r.Article)
		if len(pending) == *chunk {
			return flush()
		}
		return nil
	}, sum.issues(rej))
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	if *wait && sum.Last > 0 {
		if err := q.WaitProcessed(ctx, sum.Last, 50*time.Millisecond, *retry); err != nil {
			return err
		}
	}
	sum.Seconds = time.Since(t0).Seconds()
	if !*quiet {
		what := "published"
		if *wait {
			what = "published and processed"
		}
		fmt.Fprintf(stderr, "%s %d articles in %d messages (stream %s, messages %d–%d; %d rejected, %d repaired) in %.1fs\n",
			what, sum.Published, sum.Messages, *stream, sum.First, sum.Last, sum.Rejected, sum.Repaired, sum.Seconds)
	}
	return json.NewEncoder(stdout).Encode(sum)
}

// publishSummary is what 'reprint publish' prints on stdout.
type publishSummary struct {
	Published int `json:"published"`
	Messages  int `json:"messages"`
	readCounts
	First   uint64  `json:"first"`
	Last    uint64  `json:"last"`
	Seconds float64 `json:"seconds"`
}
