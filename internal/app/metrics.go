package app

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/store"
)

// metrics is what /metrics exposes, on a registry of its own (not the global
// one, so that tests can build several and nothing registers behind our back).
type metrics struct {
	reg *prometheus.Registry

	fetches       *prometheus.CounterVec // source, result
	fetchDuration prometheus.Histogram
	rounds        prometheus.Counter
	saveErrors    prometheus.Counter
	roundDuration prometheus.Histogram
	itemsSeen     prometheus.Counter
	itemsNew      prometheus.Counter
	itemsKept     prometheus.Counter
	storyMates    prometheus.Counter
	matesPulled   prometheus.Counter
	storiesMerged prometheus.Counter
	lastRound     prometheus.Gauge
	lastSuccess   prometheus.Gauge
	requests      *prometheus.CounterVec // format, code

	reloads          prometheus.Counter
	reloadErrors     prometheus.Counter
	reloadOK         prometheus.Gauge
	reloadOKTime     prometheus.Gauge
	retentionRuns    prometheus.Counter
	retentionErrors  prometheus.Counter
	retentionDeleted prometheus.Counter
}

func newMetrics(version string) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	f := func(name, help string) prometheus.Opts {
		return prometheus.Opts{Namespace: "gleaner", Name: name, Help: help}
	}
	m.fetches = prometheus.NewCounterVec(prometheus.CounterOpts(f("fetches_total",
		"Polls of a source by result: ok, not_modified, or error_<kind> (timeout, dns, connect, tls, http_4xx, http_5xx, rate_limited, unavailable, gone, not_found, too_large, redirect, not_feed, empty, parse, decode, canceled, other).")),
		[]string{"source", "result"})
	m.fetchDuration = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "gleaner", Name: "fetch_duration_seconds",
		Help:    "Time to fetch one source, from the request to the last byte, redirects included.",
		Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}})
	m.rounds = prometheus.NewCounter(prometheus.CounterOpts(f("poll_rounds_total", "Poll rounds finished.")))
	m.saveErrors = prometheus.NewCounter(prometheus.CounterOpts(f("save_errors_total",
		"Polls whose answer could not be saved (a locked, full or damaged database): counted ok or not_modified in fetches_total, polled again after a backoff.")))
	m.roundDuration = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "gleaner", Name: "poll_round_duration_seconds",
		Help: "Time a poll round took, saving included.", Buckets: []float64{.1, .5, 1, 5, 10, 30, 60, 300, 900}})
	m.itemsSeen = prometheus.NewCounter(prometheus.CounterOpts(f("items_seen_total", "Items read from polled documents.")))
	m.itemsNew = prometheus.NewCounter(prometheus.CounterOpts(f("items_new_total", "Items stored for the first time.")))
	m.itemsKept = prometheus.NewCounter(prometheus.CounterOpts(f("items_kept_total", "New items the topic filter kept.")))
	m.storyMates = prometheus.NewCounter(prometheus.CounterOpts(f("story_mates_total", "Of the new items kept, those kept as story mates: scored just under the threshold, they joined a story of kept reports.")))
	m.storiesMerged = prometheus.NewCounter(prometheus.CounterOpts(f("stories_merged_total", "Stories merged into another story of the same event (a split at join time, mended after the save).")))
	m.matesPulled = prometheus.NewCounter(prometheus.CounterOpts(f("story_mates_pulled_total", "Near reports saved in earlier rounds that a kept report of their event pulled into its story as mates.")))
	m.lastRound = prometheus.NewGauge(prometheus.GaugeOpts(f("last_poll_round_timestamp_seconds", "When the last poll round finished (Unix time).")))
	m.lastSuccess = prometheus.NewGauge(prometheus.GaugeOpts(f("last_successful_poll_timestamp_seconds",
		"When the last poll round in which at least one source answered finished (Unix time).")))
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts(f("feed_requests_total",
		"Requests for the curated feed and its pages by format (atom, rss, json, html, search, opml, status, other) and HTTP status.")),
		[]string{"format", "code"})
	m.reloads = prometheus.NewCounter(prometheus.CounterOpts(f("config_reloads_total", "Config reloads applied.")))
	m.reloadErrors = prometheus.NewCounter(prometheus.CounterOpts(f("config_reload_errors_total",
		"Config reloads refused (invalid file) or failed; gleaner kept the last good config.")))
	m.reloadOK = prometheus.NewGauge(prometheus.GaugeOpts(f("config_last_reload_successful", "1 if the last reload attempt succeeded (or none was made), else 0.")))
	m.reloadOKTime = prometheus.NewGauge(prometheus.GaugeOpts(f("config_last_reload_success_timestamp_seconds", "When the config in effect was loaded (Unix time).")))
	m.retentionRuns = prometheus.NewCounter(prometheus.CounterOpts(f("retention_runs_total", "Retention runs finished.")))
	m.retentionErrors = prometheus.NewCounter(prometheus.CounterOpts(f("retention_errors_total", "Retention runs that failed.")))
	m.retentionDeleted = prometheus.NewCounter(prometheus.CounterOpts(f("retention_deleted_items_total", "Items deleted by retention.")))
	m.reloadOK.Set(1)
	m.reloadOKTime.SetToCurrentTime()
	m.reg.MustRegister(m.fetches, m.fetchDuration, m.rounds, m.saveErrors, m.roundDuration, m.itemsSeen, m.itemsNew, m.itemsKept, m.storyMates, m.matesPulled, m.storiesMerged,
		m.lastRound, m.lastSuccess, m.requests, m.reloads, m.reloadErrors, m.reloadOK, m.reloadOKTime,
		m.retentionRuns, m.retentionErrors, m.retentionDeleted,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	info := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "gleaner", Name: "build_info",
		Help: "Always 1; the version is a label.", ConstLabels: prometheus.Labels{"version": version}})
	info.Set(1)
	m.reg.MustRegister(info)
	return m
}

// ObserveFetch counts one poll of a source.
func (m *metrics) ObserveFetch(source, result string, d time.Duration) {
	m.fetches.WithLabelValues(source, result).Inc()
	m.fetchDuration.Observe(d.Seconds())
}

// forgetSources drops the per-source series of the sources in old that are not
// in cfg by name (removed or renamed), so that a config's edits over months do
// not grow /metrics with series no source feeds any more.
func (m *metrics) forgetSources(old, cfg []config.Source) {
	keep := make(map[string]bool, len(cfg))
	for _, s := range cfg {
		keep[s.Name] = true
	}
	for _, s := range old {
		if !keep[s.Name] {
			m.fetches.DeletePartialMatch(prometheus.Labels{"source": s.Name})
		}
	}
}

// ObserveRound counts a finished poll round.
func (m *metrics) ObserveRound(r aggregate.RoundStats) {
	m.rounds.Inc()
	m.roundDuration.Observe(r.Duration.Seconds())
	m.itemsSeen.Add(float64(r.Seen))
	m.itemsNew.Add(float64(r.New))
	m.itemsKept.Add(float64(r.Kept))
	m.storyMates.Add(float64(r.Mates))
	m.matesPulled.Add(float64(r.Pulled))
	m.storiesMerged.Add(float64(r.Merged))
	m.saveErrors.Add(float64(r.SaveErrors))
	m.lastRound.Set(float64(r.Finished.UnixNano()) / 1e9)
	if r.OK+r.NotModified > 0 {
		m.lastSuccess.Set(float64(r.Finished.UnixNano()) / 1e9)
	}
}

// seedPolls sets the last-round gauges from the sources' stored states, so
// that a restart does not read as "never polled" until its first round, hours
// away on a database polled minutes ago: the last attempt of any source, and
// its last success.
func (m *metrics) seedPolls(status []aggregate.SourceStatus) {
	var attempt, success time.Time
	for _, s := range status {
		attempt = latest(attempt, s.State.LastAttempt)
		success = latest(success, s.State.LastSuccess)
	}
	if !attempt.IsZero() {
		m.lastRound.Set(float64(attempt.UnixNano()) / 1e9)
	}
	if !success.IsZero() {
		m.lastSuccess.Set(float64(success.UnixNano()) / 1e9)
	}
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// watchApp registers the gauges read from the app when scraped: database size,
// stored rows, sources by state, the curated feed's size.
func (m *metrics) watchApp(a *App, log *slog.Logger) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "gleaner", Name: "database_size_bytes",
		Help: "Size of the SQLite database file and its write-ahead log."}, func() float64 {
		n, err := a.Store.Size()
		if err != nil {
			log.Warn("metrics: database size", "error", err)
		}
		return float64(n)
	}))
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "gleaner", Name: "curated_entries",
		Help: "Entries in the default curated feed at its last refresh."}, func() float64 { return float64(a.curated.Load()) }))
	m.reg.MustRegister(&storeCollector{a: a, log: log})
}

// storeCollector reads source states and row counts from the store at scrape
// time, so that they are never stale and cost nothing between scrapes.
type storeCollector struct {
	a   *App
	log *slog.Logger
}

var (
	sourcesDesc = prometheus.NewDesc("gleaner_sources",
		"Sources by state: ok (answered at its last poll), backoff (its last poll failed, retried later), gone (410, no longer polled), pending (not polled yet), removed (no longer in the config).",
		[]string{"state"}, nil)
	rowsDesc = prometheus.NewDesc("gleaner_stored_rows", "Rows in the database by table: items, matched_items, stories, tombstones.",
		[]string{"table"}, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- sourcesDesc
	ch <- rowsDesc
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	status, err := c.a.Store.SourceStatus(ctx)
	if err != nil {
		c.log.Warn("metrics: source states", "error", err)
		ch <- prometheus.NewInvalidMetric(sourcesDesc, err)
	} else {
		counts := make(map[string]int, len(aggregate.SourceStates))
		for _, state := range aggregate.SourceStates {
			counts[state] = 0
		}
		for _, s := range status {
			counts[s.StateName()]++
		}
		for state, n := range counts {
			ch <- prometheus.MustNewConstMetric(sourcesDesc, prometheus.GaugeValue, float64(n), state)
		}
	}
	n, err := c.a.Store.Count(ctx)
	if err != nil {
		c.log.Warn("metrics: row counts", "error", err)
		ch <- prometheus.NewInvalidMetric(rowsDesc, err)
		return
	}
	for table, v := range map[string]int64{"items": n.Items, "matched_items": n.Matched, "stories": n.Stories, "tombstones": n.Tombstones} {
		ch <- prometheus.MustNewConstMetric(rowsDesc, prometheus.GaugeValue, float64(v), table)
	}
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler(log *slog.Logger) http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError, // a failed collector should not hide the rest
		Registry:      m.reg,
	})
}

// instrument counts requests to h by the curated feed's format and status.
func (m *metrics) instrument(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(rec, r)
		m.requests.WithLabelValues(feedFormat(r.URL.Path), strconv.Itoa(rec.code)).Inc()
	})
}

func feedFormat(path string) string {
	switch path {
	case "/feed.atom":
		return "atom"
	case "/feed.rss":
		return "rss"
	case "/feed.json":
		return "json"
	case "/", "/index.html":
		return "html"
	case "/search":
		return "search"
	case "/sources.opml":
		return "opml"
	case "/status", "/status.json":
		return "status"
	}
	return "other" // a fixed set: paths from the Internet must not become label values
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	code    int
	written bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.written {
		r.code, r.written = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.written = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// retention reports one retention run.
func (m *metrics) retention(st store.RetentionStats, err error) {
	if err != nil {
		m.retentionErrors.Inc()
	}
	m.retentionRuns.Inc()
	m.retentionDeleted.Add(float64(st.Deleted))
}
