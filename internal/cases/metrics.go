package cases

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Metrics counts what the handler does, for /metrics. A nil *Metrics
// counts nothing. The text exposition format is written by hand.
type Metrics struct {
	mu         sync.Mutex
	requests   map[[2]string]int64 // route, status code
	deliveries map[[2]string]int64 // kind, outcome
	cases      atomic.Int64
	spam       atomic.Int64
	duplicates atomic.Int64
	votes      atomic.Int64
	missed     atomic.Int64
	// the requester's side
	signinAsked atomic.Int64
	signinSent  atomic.Int64
	signins     atomic.Int64
	comments    atomic.Int64
	hookEvents  atomic.Int64
	// request duration histogram over all /api requests
	buckets   []float64
	counts    []atomic.Int64
	sum       atomic.Int64 // microseconds
	durations atomic.Int64
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics {
	b := []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
	return &Metrics{
		requests:   map[[2]string]int64{},
		deliveries: map[[2]string]int64{},
		buckets:    b,
		counts:     make([]atomic.Int64, len(b)),
	}
}

func (m *Metrics) request(route string, code int, d time.Duration) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.requests[[2]string{route, fmt.Sprint(code)}]++
	m.mu.Unlock()
	s := d.Seconds()
	for i, le := range m.buckets {
		if s <= le {
			m.counts[i].Add(1)
		}
	}
	m.sum.Add(d.Microseconds())
	m.durations.Add(1)
}

func (m *Metrics) delivered(kind, outcome string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.deliveries[[2]string{kind, outcome}]++
	m.mu.Unlock()
}

// WriteTo writes the metrics in the Prometheus text format; jobs by state
// come from store (nil to leave them out).
func (m *Metrics) WriteTo(ctx context.Context, w io.Writer, store Store) error {
	var err error
	p := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	counter := func(name, help string, v int64) {
		p("# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	counter("formhandler_cases_created_total", "Cases stored (not counting spam or duplicates).", m.cases.Load())
	counter("formhandler_cases_spam_total", "Submissions that filled the honeypot.", m.spam.Load())
	counter("formhandler_cases_duplicate_total", "Submissions answered with an existing case (same idempotency key).", m.duplicates.Load())
	counter("formhandler_feedback_votes_total", "Article feedback votes recorded.", m.votes.Load())
	counter("formhandler_missed_searches_total", "Searches that found nothing or few articles, counted.", m.missed.Load())
	counter("formhandler_signin_requests_total", "Sign-in links asked for (whether or not the address has cases).", m.signinAsked.Load())
	counter("formhandler_signin_links_sent_total", "Sign-in links mailed.", m.signinSent.Load())
	counter("formhandler_signins_total", "Sign-in links followed: sessions started.", m.signins.Load())
	counter("formhandler_comments_total", "Requesters' comments stored.", m.comments.Load())
	counter("formhandler_hook_events_total", "Ticket events applied from webhooks.", m.hookEvents.Load())

	m.mu.Lock()
	p("# HELP formhandler_http_requests_total HTTP requests by route and status code.\n# TYPE formhandler_http_requests_total counter\n")
	for _, k := range sortedKeys(m.requests) {
		p("formhandler_http_requests_total{route=%q,code=%q} %d\n", k[0], k[1], m.requests[k])
	}
	p("# HELP formhandler_deliveries_total Delivery attempts by kind and outcome (done, retry, dead).\n# TYPE formhandler_deliveries_total counter\n")
	for _, k := range sortedKeys(m.deliveries) {
		p("formhandler_deliveries_total{kind=%q,outcome=%q} %d\n", k[0], k[1], m.deliveries[k])
	}
	m.mu.Unlock()

	p("# HELP formhandler_http_request_duration_seconds Time to answer API requests.\n# TYPE formhandler_http_request_duration_seconds histogram\n")
	for i, le := range m.buckets {
		p("formhandler_http_request_duration_seconds_bucket{le=\"%g\"} %d\n", le, m.counts[i].Load())
	}
	n := m.durations.Load()
	p("formhandler_http_request_duration_seconds_bucket{le=\"+Inf\"} %d\n", n)
	p("formhandler_http_request_duration_seconds_sum %g\n", float64(m.sum.Load())/1e6)
	p("formhandler_http_request_duration_seconds_count %d\n", n)

	if store != nil {
		counts, cerr := store.JobCounts(ctx)
		if cerr != nil {
			return cerr
		}
		p("# HELP formhandler_outbox_jobs Delivery jobs by state.\n# TYPE formhandler_outbox_jobs gauge\n")
		states := make([]string, 0, len(counts))
		for s := range counts {
			states = append(states, s)
		}
		sort.Strings(states)
		for _, s := range states {
			p("formhandler_outbox_jobs{state=%q} %d\n", s, counts[s])
		}
	}
	return err
}

func sortedKeys(m map[[2]string]int64) [][2]string {
	keys := make([][2]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	return keys
}
