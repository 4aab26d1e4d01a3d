package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// googleNewsItem is an item in the form Google News's RSS gives (written for
// the test; the shared corpus has no Google News feed): "Headline - Outlet",
// a description that links the headline and names the outlet, and <source>.
func googleNewsItem(id, headline, outlet, site string, pub time.Time) string {
	link := "https://news.google.com/rss/articles/" + id + "?oc=5"
	return fmt.Sprintf(`<item><title>%s - %s</title><link>%s</link><guid isPermaLink="false">%s</guid><pubDate>%s</pubDate>`+
		`<description>&lt;a href="%s" target="_blank"&gt;%s&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="#6f6f6f"&gt;%s&lt;/font&gt;</description>`+
		`<source url="%s">%s</source></item>`, headline, outlet, link, id, pub.Format(time.RFC1123Z), link, headline, outlet, site, outlet)
}

// TestAggregatorItemsNameTheirOutlets runs the real binary over a Google News
// search feed that carries two outlets' reports of one vote: each report is
// the named outlet's (the entry's author "Reuters (via Google News)": any feed
// can write a <source>, so the feed it came through is named with it; the
// story's "also reported by", the page's and the story page's "Reuters via
// Google News"), its title loses the outlet's suffix, and the
// Atom entry's source stays the feed gleaner polled.
func TestAggregatorItemsNameTheirOutlets(t *testing.T) {
	at := time.Now().UTC().Add(-3 * time.Hour)
	feed := `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>` +
		`<title>"AI bill" - Google News</title><link>https://news.google.com/search?q=AI+bill</link>` +
		googleNewsItem("CBMiR1", "Senate passes AI safety bill setting federal rules for frontier AI models", "Reuters", "https://www.reuters.com", at) +
		googleNewsItem("CBMiA2", "Senate passes AI safety bill that sets federal rules for frontier AI models", "The Associated Press", "https://apnews.com", at.Add(time.Hour)) +
		`</channel></rss>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, feed)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "g.toml")
	writeConfigFile(t, cfg, fmt.Sprintf("database = %q\n\n[[source]]\nname = \"Google News\"\nurl = %q\n",
		filepath.Join(dir, "g.db"), srv.URL+"/rss/search"))
	if code, _, stderr := runBinary(t, "", "fetch", "-config", cfg); code != 0 {
		t.Fatalf("fetch: %d\n%s", code, stderr)
	}
	out := filepath.Join(dir, "site")
	if code, _, stderr := runBinary(t, "", "export", "-config", cfg, "-out", out); code != 0 {
		t.Fatalf("export: %d\n%s", code, stderr)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	atom := read("feed.atom")
	if n := strings.Count(atom, "<entry"); n != 1 {
		t.Fatalf("%d entries, want one story of two reports:\n%s", n, atom)
	}
	for _, want := range []string{
		"<title>Senate passes AI safety bill setting federal rules for frontier AI models</title>",
		"<name>Reuters (via Google News)</name>",
		"<uri>https://www.reuters.com/</uri>",
		`title="The Associated Press (via Google News): Senate`, // the related link names its outlet and feed
		`<title>&#34;AI bill&#34; - Google News</title>`,        // the entry's source: the feed polled
	} {
		if !strings.Contains(atom, want) {
			t.Errorf("feed.atom lacks %s:\n%s", want, atom)
		}
	}
	if strings.Contains(atom, "models - Reuters") || strings.Contains(atom, "models Reuters") {
		t.Errorf("the outlet's suffix stayed in the title, or the description that repeats it was kept:\n%s", atom)
	}
	if page := read("index.html"); !strings.Contains(page, `<span class="outlet">Reuters</span> via Google News`) {
		t.Errorf("the page does not say which outlet, via which feed:\n%s", page)
	}
	if js := read("feed.json"); !strings.Contains(js, `"name": "Reuters (via Google News)"`) && !strings.Contains(js, `"name":"Reuters (via Google News)"`) {
		t.Errorf("feed.json's author is not the outlet:\n%s", js)
	}
	storyPage, storyJSON := read(filepath.Join("story", "1", "index.html")), read(filepath.Join("story", "1.json"))
	if !strings.Contains(storyPage, `<span class="outlet">The Associated Press</span> via Google News`) {
		t.Errorf("the story page does not name each report's outlet and feed:\n%s", storyPage)
	}
	if !strings.Contains(storyJSON, `"outlet": "Reuters"`) || !strings.Contains(storyJSON, `"via": "Google News"`) {
		t.Errorf("the story's JSON does not name the outlet and the feed:\n%s", storyJSON)
	}
	code, stories, stderr := runBinary(t, "", "stories", "-config", cfg)
	if code != 0 || !strings.Contains(stories, "Reuters via Google News") || !strings.Contains(stories, "The Associated Press via Google News") {
		t.Errorf("stories: %d %s\n%s", code, stderr, stories)
	}
}
