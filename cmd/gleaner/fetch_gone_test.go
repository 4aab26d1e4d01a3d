package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFetchKeepsSayingASourceIsGone: a source that answered 410 Gone is not
// polled again, but every later gleaner fetch lists it as gone and says so on
// stderr (a cron job's mail), instead of leaving it out without a word.
func TestFetchKeepsSayingASourceIsGone(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://x.example/</link></channel></rss>`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	writeConfigFile(t, cfg, fmt.Sprintf("database = \"g.db\"\n[[source]]\nname = \"Live\"\nurl = %q\n[[source]]\nname = \"Old Wire\"\nurl = %q\n",
		srv.URL+"/live", srv.URL+"/old"))
	if code, out, stderr := runBinary(t, "", "fetch", "-config", cfg); code != 0 || strings.Count(out, "Old Wire") != 1 {
		t.Fatalf("first fetch: %d, want the 410 on one row\n%s%s", code, out, stderr)
	}
	for run := 2; run <= 3; run++ {
		code, out, stderr := runBinary(t, "", "fetch", "-config", cfg)
		if code != 0 {
			t.Fatalf("fetch %d: %d\n%s%s", run, code, out, stderr)
		}
		if !strings.Contains(out, "Old Wire  gone  not polled: it answered 410 Gone") {
			t.Errorf("fetch %d does not list the gone source:\n%s", run, out)
		}
		if !strings.Contains(stderr, "gleaner fetch: 1 source is gone (410) and not polled: Old Wire;") {
			t.Errorf("fetch %d does not say the source is gone on stderr:\n%s", run, stderr)
		}
	}
}

// TestFetchWhenEverySourceIsGone: two sources without names on one host (named
// by the host alike) that both answered 410: each is listed by its URL, and a
// fetch with no source left to poll fails (exit 1), as one whose every source
// failed does.
func TestFetchWhenEverySourceIsGone(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusGone)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	writeConfigFile(t, cfg, fmt.Sprintf("database = \"g.db\"\n[[source]]\nurl = %q\n[[source]]\nurl = %q\n", srv.URL+"/a", srv.URL+"/b"))
	runBinary(t, "", "fetch", "-config", cfg)
	code, out, stderr := runBinary(t, "", "fetch", "-config", cfg)
	if code != 1 {
		t.Errorf("fetch with every source gone: exit %d, want 1\n%s%s", code, out, stderr)
	}
	for _, u := range []string{srv.URL + "/a", srv.URL + "/b"} {
		if !strings.Contains(out, u+"  gone") {
			t.Errorf("the gone source %s is not listed by its URL:\n%s", u, out)
		}
	}
	if !strings.Contains(stderr, "2 sources are gone (410)") {
		t.Errorf("stderr: %s", stderr)
	}

	// One more, on another host, that asks to be left alone an hour: held, no
	// failure; with the others gone, still no source answered.
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	}))
	defer busy.Close()
	writeConfigFile(t, cfg, fmt.Sprintf("database = \"g.db\"\n[[source]]\nurl = %q\n[[source]]\nurl = %q\n[[source]]\nname = \"Busy\"\nurl = %q\n",
		srv.URL+"/a", srv.URL+"/b", strings.Replace(busy.URL, "127.0.0.1", "localhost", 1)+"/feed"))
	runBinary(t, "", "fetch", "-config", cfg)
	code, out, stderr = runBinary(t, "", "fetch", "-config", cfg)
	if code != 1 || !regexp.MustCompile(`Busy +held`).MatchString(out) {
		t.Errorf("fetch with two sources gone and one held: exit %d, want 1\n%s%s", code, out, stderr)
	}
}
