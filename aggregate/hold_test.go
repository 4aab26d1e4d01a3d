package aggregate_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// TestRetryAfterHoldsTheHost: a host that answers 429 with Retry-After gets no
// more requests, for any of its feeds, until then; other hosts are polled.
func TestRetryAfterHoldsTheHost(t *testing.T) {
	var limited, fine atomic.Int32
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limited.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer busy.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fine.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, koreanRSS, "http://"+r.Host)
	}))
	defer other.Close()
	var src []aggregate.Source
	for i := range 5 {
		src = append(src, aggregate.Source{Name: fmt.Sprint("busy", i), URL: fmt.Sprintf("%s/f%d", busy.URL, i), Interval: 10 * time.Minute, Rank: i})
	}
	src = append(src, aggregate.Source{Name: "other", URL: other.URL + "/f", Interval: 10 * time.Minute, Rank: 5})
	h := newHarness(t, nil, src...)
	reports := h.poller.PollAll(context.Background())
	if n := limited.Load(); n != 1 {
		t.Errorf("the rate-limited host got %d requests in the round, want 1", n)
	}
	if fine.Load() != 1 || reports[5].Err != nil {
		t.Errorf("the other host got %d requests (%v), want 1 answered", fine.Load(), reports[5].Err)
	}
	held := 0
	for i, r := range reports[:5] {
		if r.Kind != "rate_limited" {
			t.Errorf("source %d: kind %q, want rate_limited", i, r.Kind)
		}
		if r.Err != nil && strings.Contains(r.Err.Error(), "asked to be left alone until") {
			held++
		}
		if next := h.status(t, i).NextFetch.Sub(h.clock.Now()); next < 59*time.Minute {
			t.Errorf("source %d: next poll in %v, want after the hour the host asked for", i, next)
		}
	}
	if held != 4 {
		t.Errorf("%d of the host's 5 feeds were held back saying why, want 4 (one was asked)", held)
	}
}
