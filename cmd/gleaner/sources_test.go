package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/redact"
	"github.com/gleaner/gleaner/publish/opml"
)

// run runs gleaner's main in-process and returns its exit status and output.
func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := e.main(args)
	return code, out.String(), errb.String()
}

// publisher serves a feed, a page that advertises it, a page that advertises
// nothing, and a permanent redirect to a second feed.
func publisher(t *testing.T) *httptest.Server {
	rss := func(title string) string {
		return `<?xml version="1.0"?><rss version="2.0"><channel><title>` + title + `</title><link>https://x.example/</link>` +
			`<item><title>AI Basic Act passes</title><link>https://x.example/1</link></item></channel></rss>`
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, rss("Example Policy &amp; Tech"))
	})
	mux.HandleFunc("/feed2.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, rss("Second"))
	})
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><head><title>News</title>
<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml"></head><body>news</body></html>`)
	})
	mux.HandleFunc("/plain.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><html><head><title>Nothing</title></head><body>no feed here</body></html>`)
	})
	mux.Handle("/moved", http.RedirectHandler("/feed2.xml", http.StatusMovedPermanently))
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

const sourcesConfig = `# My gleaner — comments and layout must survive edits.
listen = "127.0.0.1:8080"   # local only
database = "g.db"

[feed]
title = "AI Policy"

# Korean outlets
[[source]]
name = "전자신문"
url = "https://rss.etnews.com/Section901.xml"
timezone = "Asia/Seoul"   # dates without a zone

# the end
`

func TestSourcesAddAndRemove(t *testing.T) {
	site := publisher(t)
	cfgPath := filepath.Join(t.TempDir(), "gleaner.toml")
	if err := os.WriteFile(cfgPath, []byte(sourcesConfig), 0o640); err != nil {
		t.Fatal(err)
	}
	read := func() string { b, _ := os.ReadFile(cfgPath); return string(b) }

	// A page: its advertised feed is added, named after the feed's title.
	code, out, errs := run("sources", "add", site.URL+"/page.html", "-config", cfgPath)
	if code != 0 {
		t.Fatalf("add page: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(errs, "advertises 1 feed(s): "+site.URL+"/feed.xml") {
		t.Errorf("add page: no note of the discovered feed: %q", errs)
	}
	want := sourcesConfig + "\n[[source]]\nname = \"Example Policy & Tech\"\nurl = \"" + site.URL + "/feed.xml\"\n"
	if got := read(); got != want {
		t.Fatalf("after add:\n%s\nwant\n%s", got, want)
	}
	if fi, _ := os.Stat(cfgPath); fi.Mode().Perm() != 0o640 {
		t.Errorf("file mode %v, want 0640 kept", fi.Mode().Perm())
	}

	// Refusals leave the file alone.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{site.URL + "/feed.xml"}, "source already configured"},
		{[]string{site.URL + "/plain.html"}, "not a feed: an HTML page with no feed link"},
		{[]string{site.URL + "/missing.xml"}, "404"},
		{[]string{"ftp://x.example/feed"}, "not an http or https URL"},
		{[]string{site.URL + "/feed2.xml", "-timezone", "Mars/Olympus"}, "-timezone: unknown time zone \"Mars/Olympus\""},
	} {
		code, _, errs := run(append([]string{"sources", "add", "-config", cfgPath}, tc.args...)...)
		if code != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("add %v: exit %d, %q; want 1 and %q", tc.args, code, errs, tc.want)
		}
		if read() != want {
			t.Fatalf("add %v changed the file:\n%s", tc.args, read())
		}
	}

	// A permanent redirect: the new URL is written, with the given name and interval.
	code, out, errs = run("sources", "add", "-config", cfgPath, "-name", "Moved", "-interval", "2h", site.URL+"/moved")
	if code != 0 || !strings.Contains(errs, "moved permanently") {
		t.Fatalf("add redirect: exit %d\n%s%s", code, out, errs)
	}
	if !strings.HasSuffix(read(), "\n[[source]]\nname = \"Moved\"\nurl = \""+site.URL+"/feed2.xml\"\ninterval = \"2h\"\n") {
		t.Errorf("after adding the redirect:\n%s", read())
	}

	// Removal by name (any case) and by URL gives back the original, byte for byte.
	if code, out, errs := run("sources", "remove", "example policy & tech", "-config", cfgPath); code != 0 || !strings.Contains(out, "removed") {
		t.Fatalf("remove by name: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := run("sources", "rm", "-config", cfgPath, strings.ToUpper(site.URL[:4])+site.URL[4:]+"/feed2.xml"); code != 0 {
		t.Fatalf("remove by URL: exit %d\n%s", code, errs)
	}
	if got := read(); got != sourcesConfig {
		t.Errorf("after add and remove:\n%q\nwant\n%q", got, sourcesConfig)
	}
	if code, _, errs := run("sources", "remove", "nobody", "-config", cfgPath); code != 1 || !strings.Contains(errs, "no source") {
		t.Errorf("remove unknown: exit %d %q", code, errs)
	}
	// The last source cannot go: the file would not be valid.
	if code, _, errs := run("sources", "remove", "전자신문", "-config", cfgPath); code != 1 || !strings.Contains(errs, "no sources") || read() != sourcesConfig {
		t.Errorf("remove the last source: exit %d %q", code, errs)
	}
	if code, _, _ := run("sources", "frobnicate", "-config", cfgPath); code != 2 {
		t.Errorf("unknown verb: exit %d, want 2", code)
	}
	if code, _, _ := run("sources", "add", "-config", cfgPath); code != 2 {
		t.Errorf("add without URL: exit %d, want 2", code)
	}
}

func TestSourcesImportExport(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.toml")
	os.WriteFile(a, []byte(sourcesConfig+"\n[[source]]\nname = \"Policy <Wire> & Co\"\nurl = \"https://policy.example/feed?x=1&y=2\"\n"), 0o644)
	code, doc, errs := run("sources", "export", "-config", a)
	if code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	feeds, err := opml.Read(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("exported OPML does not read back: %v\n%s", err, doc)
	}
	wantFeeds := []opml.Feed{{Name: "전자신문", URL: "https://rss.etnews.com/Section901.xml", Timezone: "Asia/Seoul"}, {Name: "Policy <Wire> & Co", URL: "https://policy.example/feed?x=1&y=2"}}
	if fmt.Sprint(feeds) != fmt.Sprint(wantFeeds) || !strings.Contains(doc, `<opml version="2.0">`) || !strings.Contains(doc, "<dateCreated>") {
		t.Errorf("export:\n%s\nreads back as %v", doc, feeds)
	}

	// Into a config that already has one of them: the other is appended.
	b := filepath.Join(dir, "b.toml")
	bText := "# b\nlisten = \"127.0.0.1:9\"\n\n[[source]]\nurl = \"https://RSS.etnews.com:443/Section901.xml\" # same feed, other spelling\n"
	os.WriteFile(b, []byte(bText), 0o644)
	opmlPath := filepath.Join(dir, "a.opml")
	os.WriteFile(opmlPath, []byte(doc), 0o644)
	code, out, errs := run("sources", "import", "-no-check", opmlPath, "-config", b)
	if code != 0 || !strings.Contains(out, "imported 1 source(s)") || !strings.Contains(out, "skipped 1") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	got, _ := os.ReadFile(b)
	if !strings.HasPrefix(string(got), bText) {
		t.Errorf("import changed the existing text:\n%s", got)
	}
	cfg, err := config.Load(b)
	if err != nil || len(cfg.Sources) != 2 || cfg.Sources[1].Name != wantFeeds[1].Name || cfg.Sources[1].URL != wantFeeds[1].URL {
		t.Fatalf("after import: %v %+v", err, cfg)
	}
	// Again: nothing to do, nothing written.
	if code, out, _ := run("sources", "import", opmlPath, "-config", b); code != 0 || !strings.Contains(out, "imported 0") {
		t.Errorf("second import: %d %s", code, out)
	}
	if again, _ := os.ReadFile(b); !bytes.Equal(again, got) {
		t.Errorf("a second import changed the file")
	}

	// Folders, OPML 1.0, lower-case attribute names, a Latin-1 file, unusable URLs.
	nested := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<opml version=\"1.0\"><head><title>x</title></head><body>" +
		"<outline text=\"Folder\"><outline text=\"Caf\xe9 news\" type=\"rss\" xmlurl=\"https://cafe.example/rss\"/>" +
		"<outline text=\"Deeper\"><outline title=\"Deep\" xmlUrl=\"https://deep.example/atom\"/></outline></outline>" +
		"<outline text=\"bad\" xmlUrl=\"javascript:alert(1)\"/><outline text=\"dup\" xmlUrl=\"https://deep.example/atom#&#x202e;exe.pdf&#x9b;31m\"/></body></opml>"
	os.WriteFile(opmlPath, []byte(nested), 0o644)
	code, out, errs = run("sources", "import", "-no-check", opmlPath, "-config", b)
	if code != 0 || !strings.Contains(out, "imported 2 source(s)") || !strings.Contains(out, "skipped 2") || !strings.Contains(errs, `skipped "bad"`) {
		t.Errorf("nested import: exit %d\n%s%s", code, out, errs)
	}
	// A URL from the file reaches the terminal without bidi overrides or controls.
	if strings.ContainsAny(errs, "\u202e\u009b\x1b") || !strings.Contains(errs, `skipped "dup" <https://deep.example/atom#exe.pdf31m>`) {
		t.Errorf("skipped lines: %q", errs)
	}

	// Nothing imported for a problem is a failure (exit 1), each outline named;
	// nothing imported because every feed is there already is not.
	pageOnly := `<opml version="2.0"><head><title>Mine&nbsp;</title></head><body><outline type="rss" text="Page" htmlUrl="https://p.example/"/>` +
		`<outline text="Again" xmlUrl="https://cafe.example/rss"/></body></opml>`
	os.WriteFile(opmlPath, []byte(pageOnly), 0o644)
	code, out, errs = run("sources", "import", "-no-check", opmlPath, "-config", b)
	if code != 1 || !strings.Contains(errs, `skipped "Page": a feed's outline with no xmlUrl, only the htmlUrl of a web page (https://p.example/)`) ||
		!strings.Contains(errs, "nothing imported") {
		t.Errorf("import of a page's outline: exit %d\n%s%s", code, out, errs)
	}
	os.WriteFile(opmlPath, []byte(`<opml version="2.0"><body><outline text="Folder"/></body></opml>`), 0o644)
	if code, out, errs = run("sources", "import", "-no-check", opmlPath, "-config", b); code != 1 || !strings.Contains(errs, "lists no feeds") {
		t.Errorf("import of no feeds: exit %d\n%s%s", code, out, errs)
	}
}

func TestSourcesStatus(t *testing.T) {
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	status := []aggregate.SourceStatus{
		{Source: aggregate.Source{Name: "ok one", URL: "https://a.example/feed"}, Active: true, State: aggregate.FetchState{
			Status: 200, LastAttempt: now.Add(-3 * time.Minute), LastSuccess: now.Add(-3 * time.Minute), NextFetch: now.Add(12 * time.Minute),
			ItemsSeen: 40, ItemsKept: 7, CurrentURL: "https://a.example/new-feed"}},
		{Source: aggregate.Source{Name: "failing", URL: "https://b.example/feed"}, Active: true, State: aggregate.FetchState{
			Status: 503, LastAttempt: now.Add(-time.Minute), LastSuccess: now.Add(-50 * time.Hour), NextFetch: now.Add(3 * time.Hour),
			ConsecutiveErrors: 4, LastError: "fetch https://b.example/feed: 503\nService Unavailable"}},
		{Source: aggregate.Source{Name: "gone", URL: "https://c.example/feed"}, Active: true, State: aggregate.FetchState{Status: 410, Gone: true, LastAttempt: now.Add(-time.Hour)}},
		{Source: aggregate.Source{Name: "new", URL: "https://d.example/feed"}, Active: true},
		{Source: aggregate.Source{Name: "old", URL: "https://e.example/feed"}, Active: false, State: aggregate.FetchState{Status: 200, LastSuccess: now.Add(-72 * time.Hour), LastAttempt: now.Add(-72 * time.Hour)}},
	}
	var b bytes.Buffer
	writeStatus(&b, status, now, &redact.Output{})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		`^NAME\s+STATE\s+HTTP\s+ERRORS\s+LAST ATTEMPT\s+LAST SUCCESS\s+NEXT FETCH\s+SEEN\s+KEPT\s+URL\s+LAST ERROR$`,
		`^ok one\s+ok\s+200\s+0\s+3m ago\s+3m ago\s+in 12m\s+40\s+7\s+https://a\.example/feed -> https://a\.example/new-feed\s+-$`,
		`^failing\s+backoff\s+503\s+4\s+1m ago\s+2d ago\s+in 3h00m\s+0\s+0\s+https://b\.example/feed\s+fetch https://b\.example/feed: 503 Service Unavailable$`,
		`^gone\s+gone\s+410\s+0\s+1h00m ago\s+-\s+never\s+`,
		`^new\s+pending\s+-\s+0\s+-\s+-\s+-\s+0\s+0\s+https://d\.example/feed`,
		`^old\s+removed\s+200\s+0\s+3d ago\s+3d ago\s+never\s+`,
	}
	if len(lines) != len(want) {
		t.Fatalf("table:\n%s", b.String())
	}
	for i, re := range want {
		if !regexp.MustCompile(re).MatchString(lines[i]) {
			t.Errorf("line %d:\n%s\ndoes not match %s", i, lines[i], re)
		}
	}
}

// TestSourcesStatusFromDatabase polls two sources once and reads the table
// back from the database, with a configured source not yet polled.
func TestSourcesStatusFromDatabase(t *testing.T) {
	site := newFeedSite(t, 3)
	cfgPath := filepath.Join(t.TempDir(), "gleaner.toml")
	base := fmt.Sprintf("database = \"g.db\"\n[[source]]\nname = \"one\"\nurl = %q\n[[source]]\nname = \"missing\"\nurl = %q\n", site.url(1), site.URL+"/nope.xml")
	writeConfigFile(t, cfgPath, base)
	if code, _, errs := run("sources", "-config", cfgPath); code != 0 || !strings.Contains(errs, "no database") {
		t.Errorf("sources before any poll: exit %d %q", code, errs)
	}
	if code, out, errs := run("fetch", "-config", cfgPath); code != 0 {
		t.Fatalf("fetch: exit %d\n%s%s", code, out, errs)
	}
	writeConfigFile(t, cfgPath, base+fmt.Sprintf("[[source]]\nname = \"later\"\nurl = %q\n", site.url(2)))
	code, out, errs := run("sources", "-config", cfgPath)
	if code != 0 {
		t.Fatalf("sources: exit %d %s", code, errs)
	}
	for _, re := range []string{
		`(?m)^one\s+ok\s+200\s+0\s+\ds ago\s+\ds ago\s+in \d+m\s+3\s+1\s+` + regexp.QuoteMeta(site.url(1)) + `\s+-$`,
		`(?m)^missing\s+backoff\s+404\s+1\s+.*404 Not Found$`,
		`(?m)^later\s+pending\s+-\s+0\s+-\s+-\s+-\s+0\s+0\s+` + regexp.QuoteMeta(site.url(2)),
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("no line matching %s in:\n%s", re, out)
		}
	}
}

// TestSourcesAddRefusesInnerAddresses adds a page that advertises a feed on the
// cloud metadata address: refused, as is any loopback address when the config
// says deny_private. The file is left alone.
func TestSourcesAddRefusesInnerAddresses(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="http://169.254.169.254/latest/meta-data/"></head></html>`)
	})
	site := httptest.NewServer(mux)
	t.Cleanup(site.Close)
	cfgPath := filepath.Join(t.TempDir(), "gleaner.toml")
	for _, tc := range []struct{ config, url, want string }{
		{sourcesConfig, site.URL + "/page.html", "169.254.169.254 refused: link-local"},
		{strings.Replace(sourcesConfig, "[feed]", "[poll]\ndeny_private = true\n\n[feed]", 1), site.URL + "/page.html", "refused: loopback"},
	} {
		if err := os.WriteFile(cfgPath, []byte(tc.config), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errs := run("sources", "add", "-config", cfgPath, tc.url)
		if code != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("add %s: exit %d, %q; want 1 and %q", tc.url, code, errs, tc.want)
		}
		if b, _ := os.ReadFile(cfgPath); string(b) != tc.config {
			t.Errorf("the refused add changed the file:\n%s", b)
		}
	}
}
