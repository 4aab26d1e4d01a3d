package publish

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // newsboat's cache is an SQLite database
)

// feedparserScript prints, for each URL on its command line, what Python's
// feedparser made of it. Formats this feedparser cannot read at all are reported
// as unsupported rather than as a failure of the feed.
const feedparserScript = `
import importlib.util, json, sys
import feedparser
out = {"version": feedparser.__version__,
       "json_support": importlib.util.find_spec("feedparser.parsers.json") is not None,
       "feeds": []}
for url in sys.argv[1:]:
    d = feedparser.parse(url)
    out["feeds"].append({
        "url": url,
        "bozo": int(bool(d.bozo)),
        "bozo_exception": str(d.get("bozo_exception", "")),
        "status": d.get("status", 0),
        "version": d.version,
        "encoding": d.get("encoding", ""),
        "title": d.feed.get("title", ""),
        "self": [l.get("href") for l in d.feed.get("links", []) if l.get("rel") == "self"],
        "entries": [{"id": e.get("id", ""), "title": e.get("title", ""), "link": e.get("link", ""),
                     "author": e.get("author", ""), "tags": [t.get("term") for t in e.get("tags", [])],
                     "published": bool(e.get("published_parsed")), "lang": (e.get("title_detail") or {}).get("language") or ""}
                    for e in d.entries],
    })
json.dump(out, sys.stdout, ensure_ascii=False)
`

type fpResult struct {
	Version     string `json:"version"`
	JSONSupport bool   `json:"json_support"`
	Feeds       []struct {
		URL     string `json:"url"`
		Bozo    int    `json:"bozo"`
		BozoExc string `json:"bozo_exception"`
		Status  int    `json:"status"`
		Version string `json:"version"`
		Title   string `json:"title"`
		Self    []string
		Entries []struct {
			ID, Title, Link, Author string
			Tags                    []string
			Published               bool
			Lang                    string
		} `json:"entries"`
	} `json:"feeds"`
}

// python returns Debian's python3, which has python3-feedparser; a python3 from
// elsewhere on PATH usually does not.
func python(t *testing.T) string {
	t.Helper()
	p := "/usr/bin/python3"
	if _, err := os.Stat(p); err != nil {
		t.Skip("no /usr/bin/python3; skipping the feedparser test")
	}
	if err := exec.Command(p, "-c", "import feedparser").Run(); err != nil {
		t.Skip("python3-feedparser is not installed; skipping the feedparser test")
	}
	return p
}

func TestFeedparserReadsEveryFormat(t *testing.T) {
	t.Parallel() // an external program: overlap its start-up with the other tests
	py := python(t)
	srv, _ := servePage(t, fixtureEntries())
	want := fixtureEntries()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	urls := []string{srv.URL + "/feed.atom", srv.URL + "/feed.rss", srv.URL + "/feed.json", srv.URL + "/feed.atom?lang=ko"}
	out, err := exec.CommandContext(ctx, py, append([]string{"-c", feedparserScript}, urls...)...).Output()
	if err != nil {
		t.Fatalf("feedparser: %v", err)
	}
	var res fpResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("feedparser output: %v\n%s", err, out)
	}
	t.Logf("feedparser %s, JSON Feed support: %v", res.Version, res.JSONSupport)

	for _, f := range res.Feeds {
		t.Run(strings.TrimPrefix(f.URL, srv.URL), func(t *testing.T) {
			if strings.Contains(f.URL, "feed.json") && !res.JSONSupport {
				t.Skipf("feedparser %s has no JSON Feed parser (it arrived after 6.0); the JSON Feed is checked by TestJSONFeed instead", res.Version)
			}
			if f.Bozo != 0 {
				t.Fatalf("bozo = 1: %s", f.BozoExc)
			}
			wantVersion := map[string]string{"atom": "atom10", "rss": "rss20", "json": "json11"}
			for ext, v := range wantVersion {
				if strings.Contains(f.URL, "feed."+ext) && f.Version != v {
					t.Errorf("version %q, want %q", f.Version, v)
				}
			}
			wantTitle := fixtureOptions().Title
			if strings.Contains(f.URL, "lang=ko") {
				wantTitle += " · 한국어" // a filtered feed says so, for readers subscribed to several
			}
			if f.Title != wantTitle {
				t.Errorf("feed title %q, want %q", f.Title, wantTitle)
			}
			if len(f.Self) != 1 || !strings.HasPrefix(f.URL, f.Self[0]) && f.Self[0] != f.URL {
				t.Errorf("self link %q for %s", f.Self, f.URL)
			}
			exp := want
			if strings.Contains(f.URL, "lang=ko") {
				exp = nil
				for _, e := range want {
					if e.Item.Lang == "ko" {
						exp = append(exp, e)
					}
				}
			}
			if len(f.Entries) != len(exp) {
				t.Fatalf("%d entries, want %d", len(f.Entries), len(exp))
			}
			for i, e := range f.Entries {
				w := exp[i]
				if e.Title != w.Item.Title {
					t.Errorf("entry %d title %q, want %q", i, e.Title, w.Item.Title)
				}
				if e.ID != w.ID || e.Link != w.Item.URL {
					t.Errorf("entry %d id %q link %q, want %q %q", i, e.ID, e.Link, w.ID, w.Item.URL)
				}
				if !strings.HasPrefix(e.Author, w.Outlet.Name) {
					t.Errorf("entry %d author %q, want the outlet %q", i, e.Author, w.Outlet.Name)
				}
				if !slices.Equal(e.Tags, w.Item.Verdict.Facets) && len(w.Item.Verdict.Facets) > 0 {
					t.Errorf("entry %d tags %q, want %q", i, e.Tags, w.Item.Verdict.Facets)
				}
				if !e.Published {
					t.Errorf("entry %d has no parsable published date", i)
				}
				if strings.Contains(f.URL, "feed.atom") && e.Lang != w.Item.Lang {
					t.Errorf("entry %d language %q, want %q", i, e.Lang, w.Item.Lang)
				}
			}
		})
	}
}

// TestNewsboatReadsAtomAndRSS has newsboat reload each feed into its own cache
// (newsboat keys items by id across feeds, and both formats carry the same ids)
// and reads the titles back from the cache database.
func TestNewsboatReadsAtomAndRSS(t *testing.T) {
	t.Parallel() // an external program: overlap its start-up with the other tests
	nb, err := exec.LookPath("newsboat")
	if err != nil {
		t.Skip("newsboat is not installed (Debian package newsboat); skipping")
	}
	srv, _ := servePage(t, fixtureEntries())
	want := map[string]string{}
	for _, e := range fixtureEntries() {
		want[e.ID] = e.Item.Title
	}
	for _, name := range []string{"feed.atom", "feed.rss"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			urls := filepath.Join(dir, "urls")
			conf := filepath.Join(dir, "config")
			cache := filepath.Join(dir, "cache.db")
			if err := os.WriteFile(urls, []byte(srv.URL+"/"+name+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(conf, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, nb, "-u", urls, "-c", cache, "-C", conf, "-x", "reload")
			cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir, "TERM=dumb")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("newsboat reload: %v\n%s", err, out)
			}
			db, err := sql.Open("sqlite", "file:"+cache+"?mode=ro")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			rows, err := db.QueryContext(ctx, "SELECT guid, title, author FROM rss_item")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			got := map[string]string{}
			for rows.Next() {
				var guid, title, author string
				if err := rows.Scan(&guid, &title, &author); err != nil {
					t.Fatal(err)
				}
				got[guid] = title
				if author == "" {
					t.Errorf("item %q has no author in newsboat", title)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("newsboat stored %d items, want %d: %q", len(got), len(want), got)
			}
			for id, title := range want {
				if got[id] != title {
					t.Errorf("newsboat item %s: title %q, want %q", id, got[id], title)
				}
			}
			var feedTitle string
			if err := db.QueryRowContext(ctx, "SELECT title FROM rss_feed").Scan(&feedTitle); err != nil || feedTitle != fixtureOptions().Title {
				t.Errorf("newsboat feed title %q (%v)", feedTitle, err)
			}
		})
	}
}
