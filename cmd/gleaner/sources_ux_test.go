package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSourcesImportChecksEachFeed imports an OPML file whose outlines are a
// feed, a 404, a page without a feed, a feed configured already (spelled with
// a trailing slash), the first feed again, a page that advertises the first
// feed, and an unusable URL: the one feed is added, and every other outline
// is named with why it was skipped.
func TestSourcesImportChecksEachFeed(t *testing.T) {
	site := publisher(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gleaner.toml")
	text := fmt.Sprintf("[[source]]\nname = \"전자신문\"\nurl = \"https://rss.etnews.com/Section901.xml\"\n\n[[source]]\nname = \"Second\"\nurl = %q\n", site.URL+"/feed2.xml")
	writeConfigFile(t, cfgPath, text)
	host := strings.Replace(site.URL, "127.0.0.1", "127.0.0.1.", 1) // the same host, spelled otherwise
	outlines := []struct{ name, url string }{
		{"Good", site.URL + "/feed.xml"},
		{"Gone", site.URL + "/missing.xml"},
		{"Page", site.URL + "/plain.html"},
		{"Configured", site.URL + "/feed2.xml/"},
		{"Again", host + "/feed.xml#top"},
		{"Advertiser", site.URL + "/page.html"},
		{"Bad", "javascript:alert(1)"},
	}
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>`)
	for _, o := range outlines {
		fmt.Fprintf(&doc, `<outline text=%q type="rss" xmlUrl=%q/>`, o.name, o.url)
	}
	doc.WriteString(`</body></opml>`)
	opmlPath := filepath.Join(dir, "subs.opml")
	if err := os.WriteFile(opmlPath, []byte(doc.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runBinary(t, "", "sources", "import", opmlPath, "-config", cfgPath)
	if code != 0 || out != fmt.Sprintf("imported 1 source(s) into %s; skipped 6\n", cfgPath) {
		t.Fatalf("import: exit %d\n%s%s", code, out, stderr)
	}
	want := []string{
		`skipped "Gone" <` + site.URL + `/missing.xml>: 404 Not Found`,
		`skipped "Page" <` + site.URL + `/plain.html>: not a feed`,
		`skipped "Configured" <` + site.URL + `/feed2.xml/>: already configured as source 2 (Second)`,
		`skipped "Again" <` + host + `/feed.xml#top>: the same feed as outline 1 ("Good") above`,
		`skipped "Advertiser" <` + site.URL + `/page.html>: leads to ` + site.URL + `/feed.xml, the feed of outline 1 ("Good")`,
		`skipped "Bad" <javascript:alert(1)>: not a usable URL: "javascript:alert(1)" is not an http or https URL`,
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != len(want) {
		t.Fatalf("skips:\n%s", stderr)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("skip %d:\n got %s\nwant %s", i+1, lines[i], w)
		}
	}
	got, _ := os.ReadFile(cfgPath)
	if string(got) != text+"\n[[source]]\nname = \"Good\"\nurl = \""+site.URL+"/feed.xml\"\n" {
		t.Errorf("after import:\n%s", got)
	}
}

// TestSourcesAddOfflineAndRemove adds a source without fetching it, with the
// interval written as given, and removes it by another spelling of its URL.
func TestSourcesAddOfflineAndRemove(t *testing.T) {
	cfgPath := filepath.Join(t.TempDir(), "gleaner.toml")
	writeConfigFile(t, cfgPath, sourcesConfig)
	code, out, stderr := runBinary(t, "", "sources", "add", "-no-check", "-interval", "30m", "https://offline.example/feed", "-config", cfgPath)
	if code != 0 || out != fmt.Sprintf("added source 2 \"offline.example\" https://offline.example/feed to %s\n", cfgPath) {
		t.Fatalf("add -no-check: exit %d\n%s%s", code, out, stderr)
	}
	got, _ := os.ReadFile(cfgPath)
	if string(got) != sourcesConfig+"\n[[source]]\nurl = \"https://offline.example/feed\"\ninterval = \"30m\"\n" {
		t.Errorf("after add:\n%s", got)
	}
	// The same URL in another spelling is the same source, for add and remove.
	code, _, stderr = runBinary(t, "", "sources", "add", "-no-check", "HTTPS://Offline.Example:443/feed/", "-config", cfgPath)
	if code != 1 || !strings.Contains(stderr, "source already configured: HTTPS://Offline.Example:443/feed/ is source 2 (offline.example)") {
		t.Errorf("add again: exit %d %s", code, stderr)
	}
	code, out, stderr = runBinary(t, "", "sources", "remove", "https://OFFLINE.example/feed/", "-config", cfgPath)
	if code != 0 || !strings.HasPrefix(out, `removed source 2 "offline.example"`) {
		t.Errorf("remove with a trailing slash: exit %d\n%s%s", code, out, stderr)
	}
	if got, _ := os.ReadFile(cfgPath); string(got) != sourcesConfig {
		t.Errorf("after add and remove:\n%s", got)
	}
	for _, bad := range []string{"soon", "-5m", "0s"} {
		code, _, stderr = runBinary(t, "", "sources", "add", "-no-check", "-interval", bad, "https://x.example/feed", "-config", cfgPath)
		if code != 1 || !strings.Contains(stderr, "-interval: ") {
			t.Errorf("-interval %s: exit %d %s", bad, code, stderr)
		}
	}
}

// TestSourcesStatusDespiteBadConfig: with an error in the config, gleaner
// sources prints the problem and then the table from the database, Korean
// names aligned.
func TestSourcesStatusDespiteBadConfig(t *testing.T) {
	site := newFeedSite(t, 3)
	cfg := koreanSources(t, site)
	if code, out, stderr := runBinary(t, "", "fetch", "-config", cfg); code != 0 {
		t.Fatalf("fetch: exit %d\n%s%s", code, out, stderr)
	}
	good, _ := os.ReadFile(cfg)
	writeConfigFile(t, cfg, strings.Replace(string(good), "database = \"g.db\"\n", "database = \"g.db\"\n[poll]\nintervall = \"5m\"\n", 1))
	code, out, stderr := runBinary(t, "", "sources", "-config", cfg)
	if code != 0 || !strings.Contains(stderr, cfg+":3:1: poll.intervall: unknown key; did you mean `interval`?") {
		t.Fatalf("sources: exit %d\n%s%s", code, out, stderr)
	}
	rows := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(rows) != 4 || !strings.HasPrefix(rows[1], "전자신문  ") {
		t.Fatalf("table:\n%s", out)
	}
	assertAligned(t, rows, regexp.MustCompile(`  (STATE|ok|backoff)  `))
	assertAligned(t, rows, regexp.MustCompile(`  (URL|https?://)`))
}

// TestSourcesAddNamesTheFlag: a bad flag value of sources add is said as the
// flag's (-timezone), not as a line of the file it would have written; the
// file is unchanged.
func TestSourcesAddNamesTheFlag(t *testing.T) {
	cfgPath := filepath.Join(t.TempDir(), "gleaner.toml")
	writeConfigFile(t, cfgPath, sourcesConfig)
	for _, args := range [][]string{
		{"sources", "add", "-no-check", "https://example.org/x", "-timezone", "KST"},
		{"sources", "add", "https://example.org/x", "-timezone", "KST"}, // refused before fetching
	} {
		code, out, stderr := runBinary(t, "", append(args, "-config", cfgPath)...)
		want := "gleaner sources: -timezone: unknown time zone \"KST\" (use an IANA name such as \"Asia/Seoul\")\n"
		if code != 1 || stderr != want || out != "" {
			t.Errorf("%v: exit %d\n%s%s\nwant %s", args, code, out, stderr, want)
		}
	}
	if got, _ := os.ReadFile(cfgPath); string(got) != sourcesConfig {
		t.Errorf("a refused add changed the file:\n%s", got)
	}
}

// TestSourcesInlineArray: a config whose sources are an inline array
// (source = [{url = ...}]) is not edited by sources add, remove or import;
// each says so plainly, with the [[source]] blocks to write instead.
func TestSourcesInlineArray(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gleaner.toml")
	text := "database = \"g.db\"\nsource = [{url = \"https://a.example/feed?token=SECRET123\", name = \"A\"}]\n"
	writeConfigFile(t, cfgPath, text)
	opmlPath := filepath.Join(dir, "subs.opml")
	if err := os.WriteFile(opmlPath, []byte(`<?xml version="1.0"?><opml version="2.0"><body><outline text="B" xmlUrl="https://b.example/feed"/></body></opml>`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"sources", "add", "-no-check", "https://b.example/feed"},
		{"sources", "remove", "A"},
		{"sources", "import", "-no-check", opmlPath},
	} {
		code, out, stderr := runBinary(t, "", append(args, "-config", cfgPath)...)
		want := "gleaner sources: " + cfgPath + " writes its sources otherwise than as [[source]] blocks (an inline array source = [...], a [source] table or source.url keys), which gleaner sources add, remove and import cannot edit"
		if code != 1 || !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, "\n\n[[source]]\nname = 'A'\nurl = 'https://a.example/feed?token=REDACTED'\n") ||
			strings.Contains(stderr, "SECRET123") || strings.Contains(stderr, "already exists") {
			t.Errorf("%v: exit %d\n%s%s", args[1], code, out, stderr)
		}
	}
	if got, _ := os.ReadFile(cfgPath); string(got) != text {
		t.Errorf("the file changed:\n%s", got)
	}
}
