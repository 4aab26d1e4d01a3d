package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadinessAndMetrics holds the first poll round back: /healthz answers at
// once, /readyz says 503 and why until a round finished, then 200. /metrics is
// scraped before and after: the poll counters move, and a failing source, the
// curated feed's size, feed requests and the database size show. The failing
// source's URL carries credentials, which must not reach the log; the round's
// one line names it.
func TestReadinessAndMetrics(t *testing.T) {
	bin := gleanerBinary(t)
	site := newFeedSite(t, 6)
	gate := make(chan struct{})
	site.setGate(gate)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gleaner.toml")
	addr := listenAddr(t)
	secretURL := strings.Replace(site.URL, "http://", "http://reader:s3cr3t-pass@", 1) + "/missing.xml?api_key=k3y-value"
	writeConfigFile(t, cfgPath, fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\n[poll]\ninterval = \"1h\"\n"+
		"[[source]]\nname = \"one\"\nurl = %q\n[[source]]\nname = \"two\"\nurl = %q\n[[source]]\nname = \"broken\"\nurl = %q\n",
		addr, site.url(1), site.url(2), secretURL))

	p := startGleaner(t, bin, cfgPath)
	eventually(t, p, 30*time.Second, "/healthz", func() bool { code, _ := httpGet("http://" + addr + "/healthz"); return code == 200 })
	code, body := httpGet("http://" + addr + "/readyz")
	if code != 503 || !strings.Contains(body, "no source has answered yet") {
		t.Errorf("/readyz before the first round: %d %q, want 503 and the reason", code, body)
	}
	before := scrape(t, addr)
	if v := metricValue(before, "gleaner_poll_rounds_total"); v != 0 {
		t.Errorf("gleaner_poll_rounds_total = %v before any round", v)
	}
	if v := metricValue(before, "gleaner_sources", "state=pending"); v != 3 {
		t.Errorf("gleaner_sources{state=pending} = %v, want 3", v)
	}

	close(gate)
	eventually(t, p, 30*time.Second, "/readyz 200", func() bool { code, _ := httpGet("http://" + addr + "/readyz"); return code == 200 })
	// Wait until every source has been polled and its outcome saved.
	eventually(t, p, 30*time.Second, "three sources polled and saved", func() bool {
		m := scrape(t, addr)
		return metricValue(m, "gleaner_fetches_total") >= 3 && metricValue(m, "gleaner_items_seen_total") == 12 &&
			metricValue(m, "gleaner_sources", "state=pending") == 0
	})
	for range 3 {
		httpGet("http://" + addr + "/feed.atom")
	}
	httpGet("http://" + addr + "/nothing-here")
	after := scrape(t, addr)
	checks := []struct {
		name   string
		labels []string
		ok     func(float64) bool
		want   string
	}{
		{"gleaner_poll_rounds_total", nil, func(v float64) bool { return v >= 1 }, ">= 1"},
		{"gleaner_fetches_total", []string{"source=one", "result=ok"}, func(v float64) bool { return v == 1 }, "1"},
		{"gleaner_fetches_total", []string{"source=broken", "result=error_not_found"}, func(v float64) bool { return v == 1 }, "1"},
		{"gleaner_fetch_duration_seconds", nil, func(v float64) bool { return v >= 3 }, ">= 3 observations"},
		{"gleaner_items_seen_total", nil, func(v float64) bool { return v == 12 }, "12"},
		{"gleaner_items_new_total", nil, func(v float64) bool { return v == 12 }, "12"},
		{"gleaner_items_kept_total", nil, func(v float64) bool { return v == 4 }, "4"},
		{"gleaner_story_mates_total", nil, func(v float64) bool { return v == 0 }, "0"},
		{"gleaner_story_mates_pulled_total", nil, func(v float64) bool { return v == 0 }, "0"},
		{"gleaner_last_successful_poll_timestamp_seconds", nil, func(v float64) bool { return v > float64(time.Now().Add(-time.Hour).Unix()) }, "recent"},
		{"gleaner_sources", []string{"state=ok"}, func(v float64) bool { return v == 2 }, "2"},
		{"gleaner_sources", []string{"state=backoff"}, func(v float64) bool { return v == 1 }, "1"},
		{"gleaner_curated_entries", nil, func(v float64) bool { return v >= 1 }, ">= 1"},
		{"gleaner_feed_requests_total", []string{"format=atom", "code=200"}, func(v float64) bool { return v == 3 }, "3"},
		{"gleaner_feed_requests_total", []string{"format=other", "code=404"}, func(v float64) bool { return v == 1 }, "1"},
		{"gleaner_database_size_bytes", nil, func(v float64) bool { return v > 0 }, "> 0"},
		{"gleaner_stored_rows", []string{"table=items"}, func(v float64) bool { return v == 12 }, "12"},
		{"gleaner_config_reloads_total", nil, func(v float64) bool { return v == 0 }, "0"},
		{"gleaner_config_reload_errors_total", nil, func(v float64) bool { return v == 0 }, "0"},
		{"gleaner_build_info", nil, func(v float64) bool { return v == 1 }, "1"},
		{"go_goroutines", nil, func(v float64) bool { return v > 0 }, "> 0"},
	}
	for _, c := range checks {
		if v := metricValue(after, c.name, c.labels...); !c.ok(v) {
			t.Errorf("%s%v = %v, want %s", c.name, c.labels, v, c.want)
		}
	}
	if metricValue(after, "gleaner_items_new_total") <= metricValue(before, "gleaner_items_new_total") {
		t.Errorf("gleaner_items_new_total did not move across a poll round")
	}

	if code := p.stop(t); code != 0 {
		t.Fatalf("exit status %d; log:\n%s", code, p.log)
	}
	log := p.log.String()
	if countLines(log, `msg="poll round"`, `failed="broken (not_found)"`) != 1 || countLines(log, "broken") != 1 {
		t.Errorf("want the failing source named once, in the round's line:\n%s", log)
	}
	for _, secret := range []string{"s3cr3t-pass", "reader:", "k3y-value"} {
		if strings.Contains(log, secret) {
			t.Errorf("the log shows a secret of a source URL (%q):\n%s", secret, log)
		}
	}
	if strings.Contains(log, "Item 1 of feed") {
		t.Errorf("item text reached the log:\n%s", log)
	}
}
