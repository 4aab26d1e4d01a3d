package app

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/internal/syncbuf"
	"github.com/gleaner/gleaner/store"
)

// TestFailedRefreshIsRetried: after one refresh of the curated feed fails (as
// one that hits its timeout would), /readyz answers 503, and the daemon tries
// again without waiting for new items: ready again within seconds.
func TestFailedRefreshIsRetried(t *testing.T) {
	cfg, _ := polledConfig(t)
	ctx, stop := context.WithCancel(context.Background())
	d, err := NewDaemon(ctx, cfg.Path, slog.New(slog.DiscardHandler), DaemonOptions{FollowEvery: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { d.Run(ctx, nil); close(done) }()
	defer func() { stop(); <-done; d.Close() }()
	ready := func() int {
		rec := httptest.NewRecorder()
		d.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
		return rec.Code
	}
	waitFor := func(what string, code int) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); ready() != code; {
			if time.Now().After(deadline) {
				t.Fatalf("%s: /readyz still %d after 20 s, want %d", what, ready(), code)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("at start", 200)
	failed, cancel := context.WithCancel(context.Background())
	cancel()
	d.Publish.Refresh(failed) // fails: its context is over
	if d.Publish.Ready() == nil {
		t.Fatal("the refresh did not fail: the test needs it to")
	}
	waitFor("after one failed refresh, with nothing new to poll", 200)
}

// TestSearchIndexFailureSaidOnce: while the database could not be written (a
// full disk), the search index's warning was logged every two seconds, 1,800
// lines an hour; it is said once, and again when the index is up to date.
func TestSearchIndexFailureSaidOnce(t *testing.T) {
	cfg, _ := polledConfig(t)
	var logged syncbuf.Buffer
	ctx := context.Background()
	d, err := NewDaemon(ctx, cfg.Path, slog.New(slog.NewTextHandler(&logged, nil)), DaemonOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { d.Close() }()
	working := d.Store
	broken, err := store.Open(ctx, filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	broken.Close() // every call fails: sql: database is closed
	d.Store = broken
	for range 5 {
		d.indexSearch(ctx)
	}
	d.Store = working
	d.indexSearch(ctx)
	out := logged.String()
	if n := strings.Count(out, "level=WARN msg=\"search index not brought up to date"); n != 1 {
		t.Errorf("%d warnings for five failures, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "search index up to date again") {
		t.Errorf("the recovery is not said:\n%s", out)
	}
}
