package queue

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/internal/clustertest"
)

func TestMain(m *testing.M) { clustertest.Main(m) }

// TestFirstStoredAfter: the first message stored after a time, found by
// binary search over the messages still on the stream, with holes where
// messages were acknowledged (removed) — what a worker asks when the
// stream numbers new messages from below its position.
func TestFirstStoredAfter(t *testing.T) {
	_, url := clustertest.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	q, err := Open(ctx, url, fmt.Sprintf("FSA%d", time.Now().UnixNano()), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	stored := map[uint64]int64{}
	for i := range 9 {
		seq, err := q.PublishWait(ctx, []article.Article{{ID: fmt.Sprint(i), Text: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		if stored[seq], err = q.StoredAt(ctx, seq); err != nil || stored[seq] == 0 {
			t.Fatalf("message %d stored at %d, %v", seq, stored[seq], err)
		}
		time.Sleep(2 * time.Millisecond) // distinct times
	}
	stream, _ := q.handles()
	for _, seq := range []uint64{1, 2, 5, 6, 9} { // acknowledged, removed
		if err := stream.DeleteMsg(ctx, seq); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ after, want uint64 }{
		{0, 3}, // stored after nothing: the first message left
		{3, 4}, // after message 3: the next one left
		{4, 7}, // 5 and 6 removed
		{7, 8}, //
		{8, 0}, // 9 removed: none after 8
		{2, 3}, // after a removed message
		{5, 7}, //
	} {
		var at int64
		if c.after > 0 {
			at = stored[c.after]
		}
		got, err := q.FirstStoredAfter(ctx, at)
		if err != nil || got != c.want {
			t.Errorf("first stored after message %d: %d, %v; want %d", c.after, got, err, c.want)
		}
	}
	if got, err := q.StoredAt(ctx, 2); err != nil || got != 0 {
		t.Errorf("a removed message stored at %d, %v; want 0", got, err)
	}
}
