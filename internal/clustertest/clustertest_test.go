package clustertest_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/redis/go-redis/v9"

	"github.com/reprint-news/reprint/internal/clustertest"
)

func TestMain(m *testing.M) { clustertest.Main(m) }

// TestRedisCluster writes keys of many slots through a cluster client, reads
// them back, and finds them spread over the three primaries.
func TestRedisCluster(t *testing.T) {
	addrs, _ := clustertest.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	defer rdb.Close()

	const n = 200
	key := func(i int) string { return "clustertest:" + strconv.Itoa(i) }
	slots := map[int64]bool{}
	for i := range n {
		if err := rdb.Set(ctx, key(i), i, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", key(i), err)
		}
		slot, err := rdb.ClusterKeySlot(ctx, key(i)).Result()
		if err != nil {
			t.Fatal(err)
		}
		slots[slot] = true
	}
	if len(slots) < n/2 {
		t.Errorf("%d keys fell in only %d slots", n, len(slots))
	}
	for i := range n {
		got, err := rdb.Get(ctx, key(i)).Int()
		if err != nil || got != i {
			t.Fatalf("GET %s = %d, %v; want %d", key(i), got, err, i)
		}
	}

	// Each node, asked directly: the primaries hold the keys between them.
	perPrimary := map[string]int64{}
	for _, addr := range addrs {
		c := redis.NewClient(&redis.Options{Addr: addr})
		role, err := c.Do(ctx, "ROLE").Slice()
		if err != nil {
			c.Close()
			t.Fatalf("ROLE on %s: %v", addr, err)
		}
		if role[0] == "master" {
			if perPrimary[addr], err = c.DBSize(ctx).Result(); err != nil {
				t.Fatal(err)
			}
		}
		c.Close()
	}
	var total int64
	for addr, size := range perPrimary {
		if size == 0 {
			t.Errorf("primary %s holds no key", addr)
		}
		total += size
	}
	if len(perPrimary) != 3 || total != n {
		t.Errorf("keys per primary %v: want %d keys on 3 primaries", perPrimary, n)
	}
}

// TestJetStream makes a stream, publishes a message, and consumes it with a
// durable consumer that acknowledges it.
func TestJetStream(t *testing.T) {
	_, url := clustertest.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}

	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:     "CLUSTERTEST",
		Subjects: []string{"clustertest.>"},
		Storage:  jetstream.FileStorage,
	})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := js.Publish(ctx, "clustertest.hello", []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if ack.Stream != "CLUSTERTEST" || ack.Sequence != 1 {
		t.Fatalf("publish ack %+v: want stream CLUSTERTEST, sequence 1", ack)
	}

	cons, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:   "worker",
		AckPolicy: jetstream.AckExplicitPolicy,
	})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for msg := range batch.Messages() {
		got = append(got, fmt.Sprintf("%s %s", msg.Subject(), msg.Data()))
		if err := msg.DoubleAck(ctx); err != nil {
			t.Fatalf("ack: %v", err)
		}
	}
	if err := batch.Error(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "clustertest.hello hello" {
		t.Fatalf("fetched %q, want [\"clustertest.hello hello\"]", got)
	}

	info, err := cons.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.NumAckPending != 0 || info.NumPending != 0 || info.AckFloor.Stream != 1 {
		t.Errorf("consumer after the ack: %d awaiting ack, %d pending, ack floor %d; want 0, 0, 1",
			info.NumAckPending, info.NumPending, info.AckFloor.Stream)
	}
}
