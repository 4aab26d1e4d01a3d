package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A source whose feed moved for good to the address another source polls is
// listed among the daemon's problems on /status, named with that source; the
// config's key decides, so an address spelt in other letter case is the same.
func TestStatusProblemsNameASourceMovedOntoAnother(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss version="2.0"><channel><title>t</title><item><title>AI Basic Act passes</title><link>https://x.example/1</link></item></channel></rss>`)
	})
	mux.Handle("/old", http.RedirectHandler("/feed.xml", http.StatusMovedPermanently))
	s := httptest.NewServer(mux)
	defer s.Close()
	path := filepath.Join(t.TempDir(), "gleaner.toml")
	cfgText := fmt.Sprintf("database = \"g.db\"\n[[source]]\nname = \"old\"\nurl = %q\n[[source]]\nname = \"new\"\nurl = %q\n",
		s.URL+"/old", "HTTP://"+strings.TrimPrefix(s.URL, "http://")+"/feed.xml")
	if err := os.WriteFile(path, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := New(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	r := &readiness{a: a}
	if p := r.problems(ctx); len(p) != 0 {
		t.Fatalf("problems before a poll: %q", p)
	}
	a.Poller.PollAll(ctx)
	p := r.problems(ctx)
	if len(p) != 1 || !strings.Contains(p[0], `Source "old" is not polled`) || !strings.Contains(p[0], `source "new" polls`) {
		t.Errorf("problems after the redirect: %q", p)
	}
}
