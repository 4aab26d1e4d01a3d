package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/internal/samples"
)

// TestFetchExportsAndPingsHub runs the cron path: `gleaner fetch` with
// [publish] export_dir and hub polls once, writes the static files and pings the
// hub for each feed before it exits; `gleaner export` writes the same files.
func TestFetchExportsAndPingsHub(t *testing.T) {
	bin := buildBinary(t)
	site := httptest.NewUnstartedServer(nil)
	s, err := samples.NewServer("../../testdata/feeds", time.Now(), site.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	site.Config.Handler = s
	site.Start()
	defer site.Close()

	var mu sync.Mutex
	pinged := map[string]bool{}
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		if r.Form.Get("hub.mode") == "publish" {
			pinged[r.Form.Get("hub.url")] = true
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hub.Close()

	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	os.Mkdir(out, 0o755)
	cfg := "database = \"g.db\"\n[feed]\nbase_url = \"https://feeds.example/ai/\"\n[publish]\nexport_dir = \"public\"\nhub = \"" + hub.URL + "\"\n"
	for _, n := range s.Names() {
		cfg += "[[source]]\nname = \"" + samples.SourceName(n) + "\"\nurl = \"" + site.URL + "/" + n + "\"\n"
	}
	cfgPath := filepath.Join(dir, "gleaner.toml")
	os.WriteFile(cfgPath, []byte(cfg), 0o644)

	outb, err := exec.Command(bin, "fetch", "-config", cfgPath).CombinedOutput()
	if err != nil {
		t.Fatalf("gleaner fetch: %v\n%s", err, outb)
	}
	for _, n := range s.Names() {
		if !regexp.MustCompile(`(?m)^` + samples.SourceName(n) + `\s+ok\s+seen \d+, new \d+, kept \d+$`).Match(outb) {
			t.Errorf("no ok line for %s in:\n%s", samples.SourceName(n), outb)
		}
	}
	for _, f := range []string{"feed.atom", "feed.rss", "feed.json", "index.html", "sources.opml"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Errorf("export: %v", err)
			continue
		}
		if f != "sources.opml" && !strings.Contains(string(b), "개인정보위, 생성형 AI 학습데이터 처리 안내서 공개") {
			t.Errorf("%s lacks a curated item", f)
		}
	}
	mu.Lock()
	for _, f := range []string{"feed.atom", "feed.rss", "feed.json"} {
		if !pinged["https://feeds.example/ai/"+f] {
			t.Errorf("hub not pinged for %s (pinged: %v)", f, pinged)
		}
	}
	mu.Unlock()

	// -out names a directory that does not exist yet: export creates it.
	again := filepath.Join(dir, "again", "site")
	if outb, err := exec.Command(bin, "export", "-config", cfgPath, "-out", again).CombinedOutput(); err != nil {
		t.Fatalf("gleaner export: %v\n%s", err, outb)
	}
	a, _ := os.ReadFile(filepath.Join(out, "feed.atom"))
	b, _ := os.ReadFile(filepath.Join(again, "feed.atom"))
	if len(a) == 0 || string(a) != string(b) {
		t.Errorf("gleaner export wrote a different feed.atom than fetch's export")
	}
}

// TestExportWritesStoryPages: the demo's sample feeds carry stories of several
// outlets, and gleaner export writes the page of each one the feed links to.
func TestExportWritesStoryPages(t *testing.T) {
	bin := buildBinary(t)
	site := httptest.NewUnstartedServer(nil)
	s, err := samples.NewServerFS(samples.Demo(), time.Now(), site.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	site.Config.Handler = s
	site.Start()
	defer site.Close()
	dir := t.TempDir()
	cfg := "database = \"g.db\"\n[feed]\nbase_url = \"https://feeds.example/ai/\"\n"
	for _, n := range s.Names() {
		cfg += "[[source]]\nname = \"" + samples.SourceName(n) + "\"\nurl = \"" + site.URL + "/" + n + "\"\n"
	}
	cfgPath := filepath.Join(dir, "gleaner.toml")
	os.WriteFile(cfgPath, []byte(cfg), 0o644)
	if outb, err := exec.Command(bin, "fetch", "-config", cfgPath).CombinedOutput(); err != nil {
		t.Fatalf("gleaner fetch: %v\n%s", err, outb)
	}
	out := filepath.Join(dir, "site")
	if outb, err := exec.Command(bin, "export", "-config", cfgPath, "-out", out).CombinedOutput(); err != nil {
		t.Fatalf("gleaner export: %v\n%s", err, outb)
	}
	atom, _ := os.ReadFile(filepath.Join(out, "feed.atom"))
	ids := regexp.MustCompile(`https://feeds\.example/ai/story/(\d+)"`).FindAllStringSubmatch(string(atom), -1)
	if len(ids) == 0 {
		t.Fatalf("feed.atom links to no story page, though the samples carry stories of several outlets")
	}
	for _, m := range ids {
		page, err := os.ReadFile(filepath.Join(out, "story", m[1], "index.html"))
		if err != nil || !strings.Contains(string(page), `http-equiv="Content-Security-Policy"`) || strings.Count(string(page), "</li>") < 2 {
			t.Errorf("story/%s/index.html: %v, %d reports", m[1], err, strings.Count(string(page), "</li>"))
		}
		var doc struct {
			Members []struct{ Outlet, URL, Language string }
		}
		b, err := os.ReadFile(filepath.Join(out, "story", m[1]+".json"))
		if err != nil || json.Unmarshal(b, &doc) != nil || len(doc.Members) < 2 {
			t.Errorf("story/%s.json: %v, %d members", m[1], err, len(doc.Members))
		}
	}
}
