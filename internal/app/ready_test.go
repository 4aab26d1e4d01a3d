package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/internal/syncbuf"
)

// polledConfig is a sample config whose database has been polled once, with
// the curated entries that round left.
func polledConfig(t *testing.T) (*Config, []aggregate.Entry) {
	t.Helper()
	cfg := sampleConfig(t, "")
	ctx := context.Background()
	a, err := New(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.Poller.PollAll(ctx)
	entries, err := a.Store.Curated(ctx, aggregate.Query{Limit: cfg.Feed.MaxItems})
	if err != nil || len(entries) == 0 {
		t.Fatalf("%d curated entries, %v", len(entries), err)
	}
	return cfg, entries
}

// startDaemon runs the daemon of cfg in the background until the test ends and
// waits for its database check; do sends a request to its handler.
func startDaemon(t *testing.T, cfg *Config) (log *syncbuf.Buffer, do func(method, path string) (code int, body, allow string)) {
	t.Helper()
	log = &syncbuf.Buffer{}
	ctx, stop := context.WithCancel(context.Background())
	d, err := NewDaemon(ctx, cfg.Path, slog.New(slog.NewTextHandler(log, nil)), DaemonOptions{})
	if err != nil {
		t.Fatalf("the daemon did not start: %v", err)
	}
	done := make(chan struct{})
	go func() { d.Run(ctx, nil); close(done) }()
	t.Cleanup(func() { stop(); <-done; d.Close() })
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(log.String(), "database check") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	return log, func(method, path string) (int, string, string) {
		rec := httptest.NewRecorder()
		d.Handler().ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec.Code, rec.Body.String(), rec.Header().Get("Allow")
	}
}

// TestReadyzOnADamagedDatabase polls once, then writes random bytes over every
// page of the database file that holds a curated item, and starts the daemon on
// it: the feed cannot be served, and /readyz says so with the reason (it said
// "ready": the database answered SELECT 1). The check at start finds the damage
// and logs it.
func TestReadyzOnADamagedDatabase(t *testing.T) {
	cfg, entries := polledConfig(t)
	file, err := os.ReadFile(cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	const page = 16384
	damaged := 0
	for _, e := range entries {
		for off := 0; ; {
			i := bytes.Index(file[off:], []byte(e.Item.Title))
			if i < 0 {
				break
			}
			start := (off + i) / page * page
			if start >= page { // the first page holds the schema
				rand.Read(file[start : start+page])
				damaged++
			}
			off = start + page
		}
	}
	if damaged == 0 {
		t.Fatal("no page holds a curated title")
	}
	if err := os.WriteFile(cfg.Database, file, 0o644); err != nil {
		t.Fatal(err)
	}

	log, do := startDaemon(t, cfg)
	if code, _, _ := do("GET", "/feed.atom"); code != 503 {
		t.Errorf("/feed.atom: %d, want 503 (this test damages the wrong pages?)", code)
	}
	code, body, _ := do("GET", "/readyz")
	if code != 503 || !strings.Contains(body, "curated feed unavailable") || !strings.Contains(body, "malformed") ||
		!strings.Contains(body, "database damaged") {
		t.Errorf("/readyz: %d %q; want 503 naming the curated feed and the damage", code, body)
	}
	if !strings.Contains(log.String(), `msg="database check: damaged"`) {
		t.Errorf("no damage reported by the check at start:\n%s", log.String())
	}
}

// TestReadyzOnAHealthyDatabase: the check at start passes and is logged, and a
// database polled before is ready at once.
func TestReadyzOnAHealthyDatabase(t *testing.T) {
	cfg, _ := polledConfig(t)
	log, do := startDaemon(t, cfg)
	if !strings.Contains(log.String(), `msg="database check: ok"`) {
		t.Errorf("no passed check in the log:\n%s", log.String())
	}
	if code, body, _ := do("GET", "/readyz"); code != 200 {
		t.Errorf("/readyz: %d %q", code, body)
	}
}

// TestOperatorEndpointsAnswerOtherMethodsWith405: /healthz, /readyz and
// /metrics answer GET and HEAD, and every other method with 405 naming them
// (they answered 404, as if they did not exist).
func TestOperatorEndpointsAnswerOtherMethodsWith405(t *testing.T) {
	cfg, _ := polledConfig(t)
	_, do := startDaemon(t, cfg)
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		for _, method := range []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"} {
			code, _, allow := do(method, path)
			switch {
			case method == "GET" || method == "HEAD":
				if code != 200 {
					t.Errorf("%s %s: %d", method, path, code)
				}
			case code != 405 || allow != "GET, HEAD":
				t.Errorf("%s %s: %d, Allow %q; want 405 and GET, HEAD", method, path, code, allow)
			}
		}
	}
}

// TestReadyzUntilASourceAnswers starts on a new database whose sources all
// fail: /readyz answers 503 and says how they failed, and the first round's
// one log line says the same; the first polls of every source make that one
// round.
func TestReadyzUntilASourceAnswers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gleaner.toml")
	var b strings.Builder
	b.WriteString("database = \"g.db\"\n")
	for i := range 3 {
		// Port 9 (discard) on loopback: nothing listens, the connection is refused.
		fmt.Fprintf(&b, "[[source]]\nname = \"s%d\"\nurl = \"http://127.0.0.1:9/feed%d.xml\"\n", i, i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	log, do := startDaemon(t, cfg)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(log.String(), `msg="poll round"`) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	const why = "0 of 3 sources answered: 3 connection errors — is this machine online?"
	if n := strings.Count(log.String(), `msg="poll round"`); n != 1 || !strings.Contains(log.String(), `summary="`+why+`"`) {
		t.Errorf("want one round line saying %q, got %d:\n%s", why, n, log.String())
	}
	if strings.Contains(log.String(), "poll failed") {
		t.Errorf("each failure has its own line at info level:\n%s", log.String())
	}
	code, body, _ := do("GET", "/readyz")
	if code != 503 || !strings.Contains(body, "no source has answered yet: "+why) {
		t.Errorf("/readyz: %d %q, want 503 saying %q", code, body, why)
	}
}

// TestRestartKeepsLastPollGauges: a daemon restarted on a database polled a
// moment before reports that poll's time in its last-poll gauges at once, not 0
// until its first round (README's alert on them would fire after every restart).
func TestRestartKeepsLastPollGauges(t *testing.T) {
	before := time.Now()
	cfg, _ := polledConfig(t)
	_, do := startDaemon(t, cfg)
	_, body, _ := do("GET", "/metrics")
	for _, name := range []string{"gleaner_last_poll_round_timestamp_seconds", "gleaner_last_successful_poll_timestamp_seconds"} {
		var v float64
		found := false
		for _, line := range strings.Split(body, "\n") {
			if rest, ok := strings.CutPrefix(line, name+" "); ok {
				v, found = parseFloat(t, rest), true
			}
		}
		if at := time.Unix(0, int64(v*1e9)); !found || at.Before(before.Add(-time.Second)) || at.After(time.Now()) {
			t.Errorf("%s = %v (found %v) right after a restart, want the time of the poll before it (after %v)", name, v, found, before)
		}
	}
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDaemonWarnsOfExportLinksToListen: a daemon that exports ([publish]
// export_dir) with feed.base_url left out says at start that the files link to
// the listen address; with base_url set it does not.
func TestDaemonWarnsOfExportLinksToListen(t *testing.T) {
	const warning = "feed.base_url is not set: the exported files link to the listen address"
	dir := t.TempDir()
	log, _ := startDaemon(t, sampleConfig(t, "[publish]\nexport_dir = "+strconv.Quote(dir)+"\n"))
	if !strings.Contains(log.String(), warning) {
		t.Errorf("no warning of the exported files' links to the listen address:\n%s", log)
	}
	log, _ = startDaemon(t, sampleConfig(t, "[feed]\nbase_url = \"https://feeds.example/ai/\"\n[publish]\nexport_dir = "+strconv.Quote(dir)+"\n"))
	if strings.Contains(log.String(), warning) {
		t.Errorf("a warning of links to the listen address with base_url set:\n%s", log)
	}
}
