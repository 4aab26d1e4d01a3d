package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestStoriesJoinAcrossRuns runs gleaner fetch twice, as cron would: the second
// run's report of an event must join the story the first run stored, so the
// story index a new process builds from the store (on first use) holds it.
func TestStoriesJoinAcrossRuns(t *testing.T) {
	pub := time.Now().UTC().Add(-2 * time.Hour).Format(time.RFC1123Z)
	rss := func(items string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>https://x.example/</link>` + items + `</channel></rss>`
	}
	item := func(link, title, desc string) string {
		return fmt.Sprintf("<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>", title, link, link, pub, desc)
	}
	first := item("https://a.example/1", "과기정통부, 국가 AI 전략 발표…AI 반도체에 1조원 투입",
		"과학기술정보통신부는 27일 국가 인공지능 전략을 발표하고 AI 반도체 개발과 컴퓨팅 인프라에 1조원을 투입한다고 밝혔다. 정부는 민관 합동 전략회의에서 이같이 확정했다.")
	second := item("https://b.example/9", "정부, AI 반도체에 1조원 투입…국가 인공지능 전략 확정",
		"정부가 27일 민관 합동 전략회의를 열고 국가 인공지능 전략을 확정했다. 과학기술정보통신부는 AI 반도체 개발과 컴퓨팅 인프라에 1조원을 투입한다.")
	var later atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		switch {
		case r.URL.Path == "/a":
			fmt.Fprint(w, rss(first))
		case later.Load():
			fmt.Fprint(w, rss(second))
		default:
			fmt.Fprint(w, rss(""))
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "g.toml")
	writeConfigFile(t, cfg, fmt.Sprintf("database = %q\n\n[[source]]\nname = \"A일보\"\nurl = %q\n\n[[source]]\nname = \"B신문\"\nurl = %q\n",
		filepath.Join(dir, "g.db"), srv.URL+"/a", srv.URL+"/b"))

	if code, _, stderr := runCLI(t, "", "fetch", "-config", cfg); code != 0 {
		t.Fatalf("first fetch: %d\n%s", code, stderr)
	}
	later.Store(true)
	if code, _, stderr := runCLI(t, "", "fetch", "-config", cfg); code != 0 {
		t.Fatalf("second fetch: %d\n%s", code, stderr)
	}
	code, out, stderr := runCLI(t, "", "stories", "-config", cfg)
	if code != 0 {
		t.Fatalf("stories: %d\n%s", code, stderr)
	}
	if !strings.Contains(out, "A일보") || !strings.Contains(out, "B신문") {
		t.Errorf("the second run's report did not join the first run's story:\n%s", out)
	}
}
