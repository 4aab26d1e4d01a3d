package app

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"
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
