package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"
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
	cfg := twoOutlets(t, srv.URL)
	// One outlet named in Latin letters: its columns must line up with the
	// Hangul one's, as a terminal draws them.
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeConfigFile(t, cfg, strings.Replace(string(b), "B신문", "Seoul Daily", 1))

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
	if !strings.Contains(out, "A일보") || !strings.Contains(out, "Seoul Daily") {
		t.Errorf("the second run's report did not join the first run's story:\n%s", out)
	}
	// The language column starts at one display column on both members' lines.
	cols := map[int]bool{}
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, "  ko  "); i > 0 && strings.HasPrefix(line, "  ") {
			cols[runewidth.StringWidth(line[:i])] = true
		}
	}
	if len(cols) != 1 {
		t.Errorf("members' columns do not line up (language at display columns %v):\n%s", cols, out)
	}
}

// TestStoryMateReachesTheFeed runs the real binary's fetch over three outlets: a kept report
// of a regulator's order, another outlet's report of it whose headline leads with the
// company (the built-in filter scores it just under its threshold), and a market report.
// The second joins the first's story as a mate: the exported Atom feed has one entry, which
// links it as related, and says why; the market report stays out.
func TestStoryMateReachesTheFeed(t *testing.T) {
	at := time.Now().UTC().Add(-2 * time.Hour)
	feeds := map[string]string{
		"/a": oneItemRSS("https://a.example/1", "개인정보위, 딥시크 국내 신규 다운로드 잠정 중단 조치",
			"개인정보보호위원회는 17일 중국 인공지능(AI) 딥시크 앱의 국내 신규 다운로드를 개인정보 보호 개선이 완료될 때까지 잠정 중단한다고 밝혔다.", at),
		"/b": oneItemRSS("https://b.example/7", "딥시크, 국내 앱 신규 다운로드 중단…&quot;개인정보 보호 개선 후 재개&quot;",
			"개인정보보호위원회에 따르면 중국 인공지능(AI) 딥시크 앱의 국내 신규 다운로드가 17일 잠정 중단됐다.", at.Add(time.Hour)),
		"/c": oneItemRSS("https://c.example/3", "엔비디아 주가, AI 칩 수요에 사상 최고",
			"엔비디아 주가가 인공지능(AI) 칩 수요 기대에 사상 최고치를 기록했다.", at.Add(time.Hour)),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, feeds[r.URL.Path])
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "g.toml")
	writeConfigFile(t, cfg, fmt.Sprintf("database = %q\n\n[[source]]\nname = \"A일보\"\nurl = %q\n\n[[source]]\nname = \"B신문\"\nurl = %q\n\n[[source]]\nname = \"C경제\"\nurl = %q\n",
		filepath.Join(dir, "g.db"), srv.URL+"/a", srv.URL+"/b", srv.URL+"/c"))
	if code, _, stderr := runBinary(t, "", "fetch", "-config", cfg); code != 0 {
		t.Fatalf("fetch: %d\n%s", code, stderr)
	}
	out := filepath.Join(dir, "site")
	if code, _, stderr := runBinary(t, "", "export", "-config", cfg, "-out", out); code != 0 {
		t.Fatalf("export: %d\n%s", code, stderr)
	}
	atom, err := os.ReadFile(filepath.Join(out, "feed.atom"))
	if err != nil {
		t.Fatal(err)
	}
	feed := string(atom)
	if n := strings.Count(feed, "<entry"); n != 1 {
		t.Fatalf("%d entries, want the one story:\n%s", n, feed)
	}
	if !strings.Contains(feed, `<link href="https://b.example/7" rel="related"`) && !strings.Contains(feed, `<link href="https://b.example/7" rel="alternate"`) {
		t.Errorf("the mate is not linked from the story's entry:\n%s", feed)
	}
	if strings.Contains(feed, "c.example") {
		t.Errorf("the market report reached the feed:\n%s", feed)
	}
	code, stories, stderr := runBinary(t, "", "stories", "-config", cfg)
	if code != 0 || !strings.Contains(stories, "A일보") || !strings.Contains(stories, "B신문") {
		t.Errorf("stories: %d %s\n%s", code, stderr, stories)
	}
}

// TestStoryMateAcrossRuns runs gleaner fetch twice, as cron would: the first run stores
// only a report that the built-in filter scores just under its threshold, which joins no
// story; the second stores the regulator's own report of the event, which pulls the first
// in as a mate, though a new process had to find it in the store.
func TestStoryMateAcrossRuns(t *testing.T) {
	at := time.Now().UTC().Add(-2 * time.Hour)
	nearFeed := oneItemRSS("https://b.example/7", "딥시크, 국내 앱 신규 다운로드 중단…&quot;개인정보 보호 개선 후 재개&quot;",
		"개인정보보호위원회에 따르면 중국 인공지능(AI) 딥시크 앱의 국내 신규 다운로드가 17일 잠정 중단됐다.", at)
	keptFeed := oneItemRSS("https://a.example/1", "개인정보위, 딥시크 국내 신규 다운로드 잠정 중단 조치",
		"개인정보보호위원회는 17일 중국 인공지능(AI) 딥시크 앱의 국내 신규 다운로드를 개인정보 보호 개선이 완료될 때까지 잠정 중단한다고 밝혔다.", at.Add(time.Hour))
	var later atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		switch {
		case r.URL.Path == "/b":
			fmt.Fprint(w, nearFeed)
		case later.Load():
			fmt.Fprint(w, keptFeed)
		default:
			fmt.Fprint(w, oneItemRSS("https://a.example/0", "Weather", "Sunny.", at))
		}
	}))
	defer srv.Close()
	cfg := twoOutlets(t, srv.URL)
	if code, _, stderr := runCLI(t, "", "fetch", "-config", cfg); code != 0 {
		t.Fatalf("first fetch: %d\n%s", code, stderr)
	}
	if code, out, _ := runCLI(t, "", "stories", "-config", cfg); code != 0 || strings.Contains(out, "B신문") {
		t.Fatalf("after the first run, the near report should be in no story:\n%s", out)
	}
	later.Store(true)
	if code, _, stderr := runCLI(t, "", "fetch", "-config", cfg); code != 0 {
		t.Fatalf("second fetch: %d\n%s", code, stderr)
	}
	code, out, stderr := runCLI(t, "", "stories", "-config", cfg)
	if code != 0 || !strings.Contains(out, "A일보") || !strings.Contains(out, "B신문") {
		t.Errorf("the kept report did not pull in the near one stored by the first run: %d %s\n%s", code, stderr, out)
	}
}

// oneItemRSS is an RSS document of one item.
func oneItemRSS(link, title, desc string, pub time.Time) string {
	return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>https://x.example/</link>` +
		fmt.Sprintf("<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>",
			title, link, link, pub.Format(time.RFC1123Z), desc) + `</channel></rss>`
}

// twoOutlets writes a config of two sources, A일보 at base/a and B신문 at base/b, with a
// database beside it, and returns its path.
func twoOutlets(t *testing.T, base string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "g.toml")
	writeConfigFile(t, cfg, fmt.Sprintf("database = %q\n\n[[source]]\nname = \"A일보\"\nurl = %q\n\n[[source]]\nname = \"B신문\"\nurl = %q\n",
		filepath.Join(dir, "g.db"), base+"/a", base+"/b"))
	return cfg
}
