package app

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gleaner/gleaner/publish"
)

// TestCloseAbandonsASilentHub: closing the announcer while a WebSub ping waits
// on a hub that never answers gives up after closeWait, instead of holding a
// shutdown or a one-shot command for the ping's two minutes.
func TestCloseAbandonsASilentHub(t *testing.T) {
	release := make(chan struct{})
	hit := make(chan struct{}, 8)
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hub.Close()
	defer close(release)
	defer func(d time.Duration) { closeWait = d }(closeWait)
	closeWait = 200 * time.Millisecond

	n := publish.NewNotifier(hub.Client(), hub.URL, []string{"https://feeds.example/feed.atom"}, nil)
	a := newAnnouncer(nil, "", n, slog.New(slog.DiscardHandler))
	a.changed(t.Context())
	select {
	case <-hit:
	case <-time.After(10 * time.Second):
		t.Fatal("the hub was not pinged")
	}
	closed := make(chan struct{})
	go func() { a.close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("close still waiting on a silent hub after 10 s (closeWait is 200 ms)")
	}
}
