package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFloorFetchesAndParses runs the floor over a few served feeds, one of them
// broken: it must parse the good ones and fail naming the bad one.
func TestFloorFetchesAndParses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/broken" {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>a</title></item><item><title>b</title></item></channel></rss>`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	os.WriteFile(good, []byte("# feeds\n"+srv.URL+"/1\n"+srv.URL+"/2\n\n"+srv.URL+"/3\n"), 0o644)
	if err := floor([]string{"-c", "2", good}); err != nil {
		t.Fatalf("floor over good feeds: %v", err)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte(srv.URL+"/1\n"+srv.URL+"/broken\n"), 0o644)
	if err := floor([]string{bad}); err == nil || !strings.Contains(err.Error(), "1 feeds failed") {
		t.Fatalf("floor with a broken feed: %v, want 1 failed", err)
	}
}
