package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
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

Prints {"published","messages","rejected","repaired","skipped","first","last","seconds"}
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

A NATS server killed before it wrote what it had acknowledged (NATS 2.9
writes behind its acknowledgements), or one that lost its storage, may
lose messages and number the next ones again from below: publish then
stops (also while it waits with --wait), says which of its messages the
stream may have lost, and gives the --skip that publishes again from the
first of them (articles already processed are answered from the state as
stored).

Flags:
`

// errRenumbered is the error of a publish whose stream lost messages it
// had acknowledged (numbered the next ones again from below).
var errRenumbered = errors.New("NATS lost messages")

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
	skip := fs.Int("skip", 0, "leave out the first `N` articles of the input (those the readers accept): to publish again from where a failed run stopped")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 || *chunk < 1 || *skip < 0 {
		fs.Usage()
		return fmt.Errorf("%w: give at least one PATH (and a positive --chunk, a --skip of 0 or more)", errUsage)
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
	// The messages published, to tell which the stream lost.
	type sent struct {
		seq    uint64
		pos    article.Pos
		before int // articles of the input before it (--skip included)
	}
	var sents []sent
	// lostFrom says which of this run's messages the stream may have lost,
	// those numbered from seq on, and how to publish them again.
	lostFrom := func(seq uint64) string {
		k, _ := slices.BinarySearchFunc(sents, seq, func(s sent, seq uint64) int { return cmp.Compare(s.seq, seq) })
		if k == len(sents) {
			return "none of this run's messages is numbered from there"
		}
		return fmt.Sprintf("it lost messages it had acknowledged (the NATS server killed before it wrote them, or its storage lost). "+
			"Messages %d–%d of this run, articles from %s on, may be lost (those the workers had not processed by then); "+
			"publish again from there: reprint publish --skip %d (articles already processed are answered as stored)",
			sents[k].seq, sum.Last, sents[k].pos, sents[k].before)
	}
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
		if len(sents) > 0 && seq <= sum.Last {
			// Numbered again from below: the stream lost the messages
			// numbered seq and after (of this run: from the first of them).
			return fmt.Errorf("%w: stream %s stored this run's message %d (articles from %s on) as %d: %s",
				errRenumbered, *stream, len(sents)+1, pendingPos, seq, lostFrom(seq))
		}
		sents = append(sents, sent{seq, pendingPos, *skip + sum.Published})
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
		if sum.Skipped < *skip {
			sum.Skipped++
			return nil
		}
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
			if lost, ok := errors.AsType[*queue.LostError](err); ok {
				return fmt.Errorf("%w: while waiting for the workers, stream %s's last message became %d (the workers had processed up to %d): %s",
					errRenumbered, *stream, lost.Last, lost.Processed, lostFrom(lost.Processed+1))
			}
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
	// Skipped is the articles of the input left out (--skip).
	Skipped int     `json:"skipped,omitempty"`
	First   uint64  `json:"first"`
	Last    uint64  `json:"last"`
	Seconds float64 `json:"seconds"`
}
