package app

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
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

// TestExportAndHubFailuresAreShown: a static export that could not be written
// (a full or read-only disk) and a hub that refused its pings were said only
// in the log, while /status listed no problem. They are the announcer's
// problems while they fail, and no longer once they work.
func TestExportAndHubFailuresAreShown(t *testing.T) {
	cfg, _ := polledConfig(t)
	a, err := New(t.Context(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var hubOK atomic.Bool
	pinged := make(chan struct{}, 8)
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hubOK.Load() {
			http.Error(w, "no", http.StatusInternalServerError)
		} else {
			w.WriteHeader(http.StatusNoContent)
		}
		select {
		case pinged <- struct{}{}:
		default:
		}
	}))
	defer hub.Close()
	blocked := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(blocked, "export") // under a file: cannot be made
	n := publish.NewNotifier(hub.Client(), hub.URL, []string{"https://feeds.example/feed.atom"}, nil)
	an := newAnnouncer(a.Publish, dir, n, slog.New(slog.DiscardHandler))
	defer an.close()
	// The ping runs on its own (and retries a failing hub): wait for its outcome.
	settle := func(want int) []string {
		t.Helper()
		an.changed(t.Context())
		<-pinged
		deadline := time.Now().Add(30 * time.Second)
		for len(an.problems()) != want && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		return an.problems()
	}
	if p := settle(2); len(p) != 2 || !strings.HasPrefix(p[0], "Writing the static export has failed since") || !strings.HasPrefix(p[1], "Notifying the WebSub hub has failed since") {
		t.Errorf("problems while both fail: %q", p)
	}
	if err := os.Remove(blocked); err != nil {
		t.Fatal(err)
	}
	hubOK.Store(true)
	if p := settle(0); len(p) != 0 {
		t.Errorf("problems once both work: %q", p)
	}
}
