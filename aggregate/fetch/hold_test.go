package fetch

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestRetryAfterHoldsTheHost: after a 429 with Retry-After, no request goes to
// that host, for any of its feeds, until the time it gave; then they go again.
func TestRetryAfterHoldsTheHost(t *testing.T) {
	var requests atomic.Int32
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		io.WriteString(w, sampleRSS)
	})
	c := New(srv.Client(), Options{})
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	ctx := context.Background()

	_, err := c.Fetch(ctx, Request{URL: srv.URL + "/a"})
	if fe := asError(t, err); fe.Kind != KindRateLimited || fe.RetryAfter != time.Minute {
		t.Fatalf("first: %v (retry after %v)", err, fe.RetryAfter)
	}
	now = now.Add(30 * time.Second)
	res, err := c.Fetch(ctx, Request{URL: srv.URL + "/b"})
	fe := asError(t, err)
	if res != nil || fe.Kind != KindRateLimited || fe.RetryAfter != 30*time.Second || !strings.Contains(err.Error(), "asked to be left alone until 2026-03-03T12:01:00Z") {
		t.Errorf("another feed of the host within the minute: %v, %v (retry after %v)", res, err, fe.RetryAfter)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests within the minute, want 1", n)
	}
	now = now.Add(31 * time.Second)
	if _, err := c.Fetch(ctx, Request{URL: srv.URL + "/b"}); err != nil {
		t.Errorf("after the minute: %v", err)
	}
	if n := requests.Load(); n != 2 {
		t.Errorf("%d requests in all, want 2", n)
	}
}
