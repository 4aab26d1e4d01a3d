package aggregate_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/internal/syncbuf"
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

// TestLongerHintIsSaid: a feed whose Cache-Control or <ttl> made its source
// wait hours between polls, its interval being minutes, did so without a word
// (an operator saw news lag by half a day); it is logged as it comes and goes,
// once each.
func TestLongerHintIsSaid(t *testing.T) {
	s := newSite(t)
	var hint atomic.Bool
	hint.Store(true)
	s.handle("/feed", func(w http.ResponseWriter, r *http.Request) {
		if hint.Load() {
			w.Header().Set("Cache-Control", "max-age=86400")
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, strings.Replace(fmt.Sprintf(koreanRSS, s.URL), "<ttl>30</ttl>", "", 1))
	})
	st, c := storeAndClassifier(t)
	var logged syncbuf.Buffer
	p := aggregate.NewPoller(st, fetch.New(nil, fetch.Options{Timeout: 5 * time.Second}), c,
		aggregate.PollerOptions{MaxBackoff: 12 * time.Hour, Log: slog.New(slog.NewTextHandler(&logged, nil))})
	src, states, err := st.SyncSources(context.Background(), []aggregate.Source{{Name: "slowed", URL: s.URL + "/feed", Interval: 10 * time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	p.SetSources(src, states)
	ctx := context.Background()
	p.PollAll(ctx)
	p.PollAll(ctx)
	if n := strings.Count(logged.String(), "asks to be polled less often than its interval"); n != 1 || !strings.Contains(logged.String(), "every=12h0m0s") {
		t.Errorf("%d lines for two polls with a day's max-age, want one saying 12h:\n%s", n, logged.String())
	}
	hint.Store(false)
	p.PollAll(ctx)
	p.PollAll(ctx)
	if n := strings.Count(logged.String(), "no longer asks"); n != 1 {
		t.Errorf("%d lines once the hint is gone, want 1:\n%s", n, logged.String())
	}
}
