package publish

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// hub is an httptest WebSub hub that answers each topic's first ping with fail
// and the later ones with 204, and records every ping.
type hub struct {
	mu     sync.Mutex
	fail   int
	pings  map[string]int
	forms  []string
	always bool
}

func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad ping", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	topic := r.PostForm.Get("hub.url")
	h.pings[topic]++
	h.forms = append(h.forms, r.PostForm.Encode())
	if r.PostForm.Get("hub.mode") != "publish" || topic == "" {
		http.Error(w, "bad ping", http.StatusBadRequest)
		return
	}
	if h.always || h.pings[topic] == 1 {
		w.WriteHeader(h.fail)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func newHub(t *testing.T, fail int, always bool) (*hub, *httptest.Server) {
	h := &hub{fail: fail, pings: map[string]int{}, always: always}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return h, srv
}

func fastNotifier(srv *httptest.Server, topics []string, t *testing.T) *Notifier {
	n := NewNotifier(srv.Client(), srv.URL, topics, testLogger(t))
	n.Backoff = time.Millisecond
	return n
}

func TestNotifierRetriesThenSucceeds(t *testing.T) {
	h, srv := newHub(t, http.StatusServiceUnavailable, false)
	topics := Topics(fixtureOptions())
	if !slices.Equal(topics, []string{
		"https://feeds.example.com/ai-policy/feed.atom",
		"https://feeds.example.com/ai-policy/feed.rss",
		"https://feeds.example.com/ai-policy/feed.json"}) {
		t.Fatalf("topics %q", topics)
	}
	if err := fastNotifier(srv, topics, t).Notify(t.Context()); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	for _, topic := range topics {
		if h.pings[topic] != 2 {
			t.Errorf("%s pinged %d times, want 2 (one failure, one success)", topic, h.pings[topic])
		}
	}
	for _, f := range h.forms {
		if !strings.Contains(f, "hub.mode=publish") {
			t.Errorf("ping form %q", f)
		}
	}
}

func TestNotifierGivesUp(t *testing.T) {
	h, srv := newHub(t, http.StatusInternalServerError, true)
	n := fastNotifier(srv, []string{"https://x.example/feed.atom"}, t)
	n.Attempts = 3
	err := n.Notify(t.Context())
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("Notify against a broken hub: %v", err)
	}
	if h.pings["https://x.example/feed.atom"] != 3 {
		t.Errorf("%d attempts, want 3", h.pings["https://x.example/feed.atom"])
	}

	// A 4xx other than 408 and 429 will not change by retrying.
	h2, srv2 := newHub(t, http.StatusBadRequest, true)
	if err := fastNotifier(srv2, []string{"https://x.example/feed.rss"}, t).Notify(t.Context()); !errors.Is(err, errPermanent) {
		t.Errorf("Notify on 400: %v", err)
	}
	if h2.pings["https://x.example/feed.rss"] != 1 {
		t.Errorf("retried a 400 %d times", h2.pings["https://x.example/feed.rss"])
	}
}

func TestNotifierStopsWithContext(t *testing.T) {
	_, srv := newHub(t, http.StatusServiceUnavailable, true)
	n := NewNotifier(srv.Client(), srv.URL, []string{"https://x.example/feed.atom"}, testLogger(t))
	n.Backoff = time.Hour
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- n.Notify(ctx) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Notify after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Notify kept waiting after its context ended")
	}
}

func TestNotifierWithoutHub(t *testing.T) {
	if err := NewNotifier(http.DefaultClient, "", []string{"x"}, nil).Notify(t.Context()); err != nil {
		t.Errorf("no hub: %v", err)
	}
	var n *Notifier
	if err := n.Notify(t.Context()); err != nil {
		t.Errorf("nil notifier: %v", err)
	}
}
