package aggregate_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// TestBusyHostDoesNotHoldTheOthers: with more of a round's sources on one slow
// host than there are workers, a source on another host is fetched at once, not
// after the slow host has answered the sources ranked before it one by one
// (one request at a time to a host).
func TestBusyHostDoesNotHoldTheOthers(t *testing.T) {
	var (
		mu  sync.Mutex
		log []string
	)
	note := func(s string) {
		mu.Lock()
		log = append(log, s)
		mu.Unlock()
	}
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		note("slow" + r.URL.Path)
		time.Sleep(300 * time.Millisecond)
		http.Error(w, "busy", http.StatusInternalServerError)
	}))
	defer slow.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		note("other")
		http.Error(w, "busy", http.StatusInternalServerError)
	}))
	defer other.Close()
	var src []aggregate.Source
	for i := range 6 {
		src = append(src, aggregate.Source{Name: fmt.Sprint("slow", i), URL: fmt.Sprintf("%s/f%d", slow.URL, i), Interval: 10 * time.Minute, Rank: i})
	}
	src = append(src, aggregate.Source{Name: "other", URL: other.URL + "/f", Interval: 10 * time.Minute, Rank: 6})
	h := newHarness(t, nil, src...) // 4 workers, one request at a time to a host
	h.poller.PollAll(context.Background())
	mu.Lock()
	defer mu.Unlock()
	if len(log) != 7 {
		t.Fatalf("requests: %v", log)
	}
	for i, s := range log {
		if s == "other" && i > 1 {
			t.Errorf("the other host's source was fetched %dth, after %v", i+1, log[:i])
		}
	}
}
