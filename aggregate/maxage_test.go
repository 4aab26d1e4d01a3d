package aggregate_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// TestMaxAgeComesFromTheFeedsOwnAnswers: a Cache-Control max-age slows a source
// only while the feed itself sends it. An error page's (a CDN caching a 503 for
// a day) does not count, and once the feed stops sending one the source is
// polled at its interval and <ttl> again.
func TestMaxAgeComesFromTheFeedsOwnAnswers(t *testing.T) {
	s := newSite(t)
	var mode atomic.Int32 // 0: cached 503; 1: feed with max-age 2h; 2: feed without
	s.handle("/feed", func(w http.ResponseWriter, r *http.Request) {
		switch mode.Load() {
		case 0:
			w.Header().Set("Cache-Control", "public, max-age=86400")
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		case 1:
			w.Header().Set("Cache-Control", "max-age=7200")
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, koreanRSS, s.URL) // <ttl>30</ttl>
	})
	h := newHarness(t, nil, aggregate.Source{Name: "x", URL: s.URL + "/feed", Interval: 10 * time.Minute})
	next := func() time.Duration { return h.status(t, 0).NextFetch.Sub(h.clock.Now()) }
	ctx := context.Background()

	if r := h.poller.PollAll(ctx); r[0].Err == nil {
		t.Fatal("the 503 was not an error")
	}
	mode.Store(2)
	h.clock.Add(time.Hour)
	if r := h.poller.PollAll(ctx); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
	// The feed's <ttl> of 30 minutes, and a little jitter.
	if got := next(); got < 30*time.Minute || got > 32*time.Minute {
		t.Errorf("after the cached error page and a good answer: next poll in %v, want about 30m (the feed's ttl)", got)
	}
	mode.Store(1)
	h.clock.Add(time.Hour)
	if r := h.poller.PollAll(ctx); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
	if got := next(); got < 2*time.Hour || got > 2*time.Hour+7*time.Minute {
		t.Errorf("with max-age 2h: next poll in %v, want about 2h", got)
	}
	mode.Store(2)
	h.clock.Add(3 * time.Hour)
	if r := h.poller.PollAll(ctx); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
	if got := next(); got < 30*time.Minute || got > 32*time.Minute {
		t.Errorf("once the feed sends no max-age: next poll in %v, want about 30m", got)
	}
}
