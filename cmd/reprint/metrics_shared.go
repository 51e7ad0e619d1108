package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/reprint-news/reprint/queue"
)

// redisSeconds is the latency of the shared state's operations
// (redisstore.Options.Observe).
func newRedisSeconds() *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "reprint_redis_seconds",
		Help:    "Latency of operations on the shared state on the Redis Cluster: get, scan, commit (a batch logged, applied on every primary with a replica's acknowledgement, marked).",
		Buckets: []float64{.0002, .0005, .001, .002, .005, .01, .025, .05, .1, .25, 1, 5},
	}, []string{"op"})
}

// streamCollector exports the stream's lag behind the workers
// (queue.Stats), read once per scrape.
type streamCollector struct{ q *queue.Queue }

var streamMetrics = []struct {
	desc  *prometheus.Desc
	value func(queue.Stats) float64
}{
	{prometheus.NewDesc("reprint_stream_pending", "Messages on the stream not delivered to a worker yet.", nil, nil),
		func(s queue.Stats) float64 { return float64(s.Pending) }},
	{prometheus.NewDesc("reprint_stream_ack_pending", "Messages delivered to workers and not acknowledged yet.", nil, nil),
		func(s queue.Stats) float64 { return float64(s.AckPending) }},
	{prometheus.NewDesc("reprint_stream_redelivered", "Messages delivered more than once and not acknowledged yet.", nil, nil),
		func(s queue.Stats) float64 { return float64(s.Redelivered) }},
	{prometheus.NewDesc("reprint_stream_ack_floor", "Every message up to this stream sequence number is processed.", nil, nil),
		func(s queue.Stats) float64 { return float64(s.AckFloor) }},
}

func (c streamCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range streamMetrics {
		ch <- m.desc
	}
}

func (c streamCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := c.q.Stats(ctx)
	if err != nil {
		return // the scrape shows the stream's metrics missing
	}
	for _, m := range streamMetrics {
		ch <- prometheus.MustNewConstMetric(m.desc, prometheus.GaugeValue, m.value(st))
	}
}

// workerMetrics are the counters of 'reprint worker --metrics'.
type workerMetrics struct {
	reg          *prometheus.Registry
	articles     *prometheus.CounterVec
	redeliveries prometheus.Counter
	renumbered   prometheus.Counter
	seconds      *prometheus.CounterVec
}

func newWorkerMetrics(q *queue.Queue) *workerMetrics {
	m := &workerMetrics{
		reg: prometheus.NewRegistry(),
		articles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reprint_worker_articles_total",
			Help: "Articles processed, by outcome: new, existing (stored before), rejected.",
		}, []string{"outcome"}),
		redeliveries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "reprint_worker_redeliveries_total",
			Help: "Messages this worker received that had been delivered before (to a worker that stopped or ran out of time).",
		}),
		renumbered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "reprint_worker_renumbered_total",
			Help: "Times the stream numbered new messages from below the position (NATS lost messages it had acknowledged) and this worker moved the position back to take them: alert on any.",
		}),
		seconds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reprint_worker_seconds_total",
			Help: "Where the worker's time went: prepare, wait (for the turn), catch_up_ahead (taking in the others' finished articles while waiting), catch_up (under the lease), write (the ordered step).",
		}, []string{"phase"}),
	}
	m.reg.MustRegister(m.articles, m.redeliveries, m.renumbered, m.seconds, streamCollector{q},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// serve serves /metrics on ln until the process ends.
func (m *workerMetrics) serve(ln net.Listener, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) { // closed at shutdown
			log.Error("metrics server", "error", err)
		}
	}()
}

// add counts n articles of outcome and seconds of phase (nil m: nothing).
func (m *workerMetrics) add(outcome string, n int) {
	if m != nil && n > 0 {
		m.articles.WithLabelValues(outcome).Add(float64(n))
	}
}

func (m *workerMetrics) redelivered(n int) {
	if m != nil {
		m.redeliveries.Add(float64(n))
	}
}

func (m *workerMetrics) renumber() {
	if m != nil {
		m.renumbered.Inc()
	}
}

func (m *workerMetrics) spent(phase string, d time.Duration) {
	if m != nil {
		m.seconds.WithLabelValues(phase).Add(d.Seconds())
	}
}
