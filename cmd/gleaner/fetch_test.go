package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gleaner/gleaner/store"
)

// koreanSources writes a config of three sources with Korean and English
// names, one of which answers 404.
func koreanSources(t *testing.T, site *feedSite) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "gleaner.toml")
	writeConfigFile(t, cfg, fmt.Sprintf(`database = "g.db"
[[source]]
name = "전자신문"
url = %q
[[source]]
name = "정책브리핑 과학기술정보통신부"
url = %q
[[source]]
name = "EFF"
url = %q
`, site.url(1), site.URL+"/missing.xml", site.url(2)))
	return cfg
}

// TestFetchPrintsEachSourceOnce runs gleaner fetch: one aligned row per
// source, Korean names counted as two columns each; the failure is said once
// (in the table, not again as a log line); piped, no progress line.
func TestFetchPrintsEachSourceOnce(t *testing.T) {
	site := newFeedSite(t, 3)
	cfg := koreanSources(t, site)
	code, out, stderr := runBinary(t, "", "fetch", "-config", cfg)
	if code != 0 {
		t.Fatalf("fetch: exit %d\n%s%s", code, out, stderr)
	}
	rows := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(rows) != 3 {
		t.Fatalf("want 3 rows:\n%s", out)
	}
	assertAligned(t, rows, regexp.MustCompile(`  (ok|error)  `))
	if !regexp.MustCompile(`(?m)^정책브리핑 과학기술정보통신부  error  .*404`).MatchString(out) {
		t.Errorf("no error row for the 404:\n%s", out)
	}
	if n := strings.Count(out+stderr, "missing.xml"); n != 1 {
		t.Errorf("the failing source is named %d times, want once:\nstdout:\n%s\nstderr:\n%s", n, out, stderr)
	}
	if strings.ContainsAny(stderr, "\r\x1b") {
		t.Errorf("progress drawn on a pipe: %q", stderr)
	}
	// Where warnings go (cron sends the table to /dev/null), one line sums the
	// failures up.
	if !strings.Contains(stderr, "gleaner fetch: 2 of 3 sources answered: 1 not found (404)\n") {
		t.Errorf("no summary of the failure on stderr:\n%s", stderr)
	}

	// -log-level debug shows the poller's own lines again.
	_, _, stderr = runBinary(t, "", "fetch", "-config", cfg, "-log-level", "debug")
	if !strings.Contains(stderr, `msg="poll failed"`) {
		t.Errorf("-log-level debug: no poll failed line:\n%s", stderr)
	}
}

// TestFetchCreatesExportDir: gleaner check shows [publish] export_dir, and
// gleaner fetch creates it when missing. When the export cannot be written,
// fetch says so once, and its exit status is still that of the polls (1 only
// when every source failed), as README promises.
func TestFetchCreatesExportDir(t *testing.T) {
	site := newFeedSite(t, 3)
	cfg := koreanSources(t, site)
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	withExport := func(dir string) {
		writeConfigFile(t, cfg, strings.Replace(string(text), "database = \"g.db\"\n", "database = \"g.db\"\n[publish]\nexport_dir = \""+dir+"\"\n", 1))
	}
	withExport("pub")
	pub := filepath.Join(filepath.Dir(cfg), "pub")
	code, out, stderr := runBinary(t, "", "check", "-config", cfg)
	if code != 0 || !strings.Contains(out, "\nexport    "+pub+" (missing: created at the first export)\n") {
		t.Errorf("check: exit %d, no export_dir line:\n%s%s", code, out, stderr)
	}
	code, out, stderr = runBinary(t, "", "fetch", "-config", cfg)
	if code != 0 || strings.Contains(stderr, "export") {
		t.Errorf("fetch: exit %d\n%s%s", code, out, stderr)
	}
	for _, name := range []string{"feed.atom", "index.html", "sources.opml"} {
		if _, err := os.Stat(filepath.Join(pub, name)); err != nil {
			t.Errorf("fetch did not export: %v", err)
		}
	}
	if code, out, _ := runBinary(t, "", "check", "-config", cfg); !strings.Contains(out, "\nexport    "+pub+"\n") {
		t.Errorf("check, export_dir made: exit %d\n%s", code, out)
	}

	// A file where the directory's parent should be: the export fails.
	if err := os.WriteFile(filepath.Join(filepath.Dir(cfg), "blocked"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	withExport("blocked/pub")
	site.addItems(1, 2) // a change, which the daemon would export too
	code, out, stderr = runBinary(t, "", "fetch", "-config", cfg)
	if code != 0 || strings.Count(stderr, "not a directory") != 1 || !strings.Contains(stderr, "gleaner fetch: the curated feed was not written to [publish] export_dir: ") {
		t.Errorf("fetch, export failing: exit %d, want 0 and the failure said once\n%s%s", code, out, stderr)
	}
	site.Close() // every source fails: exit 1
	if code, out, stderr = runBinary(t, "", "fetch", "-config", cfg); code != 1 {
		t.Errorf("fetch, every source failing: exit %d, want 1\n%s%s", code, out, stderr)
	}
}

// TestReclassifyPrintsOnce: the result is printed, not logged besides.
func TestReclassifyPrintsOnce(t *testing.T) {
	site := newFeedSite(t, 3)
	cfg := koreanSources(t, site)
	if code, out, stderr := runBinary(t, "", "fetch", "-config", cfg); code != 0 {
		t.Fatalf("fetch: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr := runBinary(t, "", "reclassify", "-config", cfg)
	if code != 0 || !strings.HasPrefix(out, "checked 6 items") {
		t.Fatalf("reclassify: exit %d\n%s%s", code, out, stderr)
	}
	if strings.Contains(stderr, "reclassified") || strings.Contains(stderr, "checked") || strings.ContainsAny(stderr, "\r\x1b") {
		t.Errorf("the result said twice, or progress drawn on a pipe:\n%s", stderr)
	}
}

// TestProgressOnTerminal runs fetch, reclassify and export in-process with
// standard error taken for a terminal: each draws "done/total" lines and
// clears them; what goes to standard output is the same as without.
func TestProgressOnTerminal(t *testing.T) {
	site := newFeedSite(t, 3)
	cfg := koreanSources(t, site)
	// The database made beforehand: fetch logs the making of a new one first.
	st, err := store.Open(t.Context(), filepath.Join(filepath.Dir(cfg), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	var screen bytes.Buffer // what a terminal shows: both outputs, in order
	runTerm := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		screen.Reset()
		e := &env{stdin: strings.NewReader(""), stdout: io.MultiWriter(&out, &screen), stderr: io.MultiWriter(&errb, &screen),
			getenv: func(string) string { return "" }, isTerminal: func(io.Writer) bool { return true }}
		code := e.main(args)
		return code, out.String(), errb.String()
	}
	opmlPath := filepath.Join(t.TempDir(), "subs.opml")
	writeConfigFile(t, opmlPath, fmt.Sprintf(`<opml version="2.0"><body><outline text="3" xmlUrl=%q/><outline text="4" xmlUrl=%q/></body></opml>`, site.url(3), site.url(4)))
	for _, tc := range []struct {
		args        []string
		first, last string
		after       string // said on stderr after the result
	}{
		{[]string{"fetch", "-config", cfg}, "fetch 0/3 sources", "fetch 3/3 sources", "gleaner fetch: 2 of 3 sources answered: 1 not found (404)\n"},
		{[]string{"reclassify", "-config", cfg}, "reclassify 0/6 items", "reclassify 6/6 items", ""},
		{[]string{"export", "-config", cfg, "-out", t.TempDir()}, "export 1/3: opening the database", "export 3/3: writing the files", ""},
		{[]string{"sources", "import", opmlPath, "-config", cfg}, "import: checked 0/2 feeds", "import: checked 2/2 feeds", ""},
	} {
		code, out, stderr := runTerm(tc.args...)
		if code != 0 || !strings.HasPrefix(stderr, "\r\x1b[K"+tc.first) || !strings.Contains(stderr, "\r\x1b[K"+tc.last) || !strings.HasSuffix(stderr, "\r\x1b[K"+tc.after) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, stderr)
		}
		if strings.ContainsAny(out, "\r\x1b") {
			t.Errorf("%v: progress on standard output: %q", tc.args, out)
		}
		// The progress line is cleared before the result is printed.
		if shown := screen.String(); !strings.HasSuffix(shown, "\r\x1b[K"+out+tc.after) {
			t.Errorf("%v: the screen does not end with the cleared line and the result: %q", tc.args, shown)
		}
	}
}

// TestProgressInRealTerminal runs gleaner fetch under script(1), which gives it
// a pseudo-terminal: the progress line is drawn there.
func TestProgressInRealTerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) is not installed (util-linux): no pseudo-terminal to test in")
	}
	bin := gleanerBinary(t)
	site := newFeedSite(t, 3)
	cfg := koreanSources(t, site)
	cmd := exec.Command(script, "-qec", bin+" fetch -config "+cfg, "/dev/null")
	cmd.Env = append(cmd.Environ(), "TERM=xterm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("fetch 3/3 sources")) {
		t.Errorf("no progress line in a terminal:\n%q", out)
	}
}

// TestExportWarnsOfLinksToListen: with feed.base_url left out, the exported
// files link to the listen address, which readers of a static host cannot
// open; gleaner export says so, and says nothing once base_url is set.
func TestExportWarnsOfLinksToListen(t *testing.T) {
	site := newFeedSite(t, 3)
	cfg := koreanSources(t, site)
	if code, _, stderr := runCLI(t, "", "fetch", "-config", cfg); code != 0 {
		t.Fatalf("fetch: exit %d\n%s", code, stderr)
	}
	code, out, stderr := runCLI(t, "", "export", "-config", cfg, "-out", t.TempDir())
	if code != 0 || !strings.Contains(out, "wrote feed.atom") {
		t.Fatalf("export: exit %d\n%s%s", code, out, stderr)
	}
	if !strings.Contains(stderr, "feed.base_url is not set: the exported files link to the listen address") ||
		!strings.Contains(stderr, "base_url=http://127.0.0.1:8080/") {
		t.Errorf("export without base_url: no warning of links to the listen address:\n%s", stderr)
	}
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeConfigFile(t, cfg, string(b)+"[feed]\nbase_url = \"https://feeds.example/ai/\"\n")
	if code, _, stderr := runCLI(t, "", "export", "-config", cfg, "-out", t.TempDir()); code != 0 || strings.Contains(stderr, "base_url") {
		t.Errorf("export with base_url set: exit %d\n%s", code, stderr)
	}
}

// TestFetchSaysWhatIsTooOld: items the topic filter keeps but that are older
// than [feed] max_age are stored, not published; gleaner fetch says so in the
// source's row instead of counting them as kept and nothing more.
func TestFetchSaysWhatIsTooOld(t *testing.T) {
	site := newFeedSite(t, 3) // items dated an hour ago and earlier
	cfg := filepath.Join(t.TempDir(), "gleaner.toml")
	writeConfigFile(t, cfg, fmt.Sprintf("database = \"g.db\"\n[feed]\nmax_age = \"30m\"\n[[source]]\nname = \"old\"\nurl = %q\n", site.url(1)))
	code, out, stderr := runBinary(t, "", "fetch", "-config", cfg)
	if code != 0 || !regexp.MustCompile(`old  ok  seen 3, new 3, kept 1 \(1 older than \[feed\] max_age: not published\)`).MatchString(out) {
		t.Errorf("fetch: exit %d\n%s%s", code, out, stderr)
	}
}

// TestFetchHeldIsNoFailure: the run after a 429 with Retry-After asks nothing of
// the host; its feeds are "held", which is no failure: the run exits 0.
func TestFetchHeldIsNoFailure(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srv.Close)
	cfg := filepath.Join(t.TempDir(), "gleaner.toml")
	writeConfigFile(t, cfg, fmt.Sprintf("database = \"g.db\"\n[[source]]\nname = \"busy\"\nurl = %q\n[[source]]\nname = \"sibling\"\nurl = %q\n",
		srv.URL+"/a.xml", srv.URL+"/b.xml"))
	if code, out, stderr := runBinary(t, "", "fetch", "-config", cfg); code != 1 || !strings.Contains(out, "429") {
		t.Fatalf("first fetch: exit %d, want 1 (every source failed or was held after the 429)\n%s%s", code, out, stderr)
	}
	before := hits.Load()
	code, out, stderr := runBinary(t, "", "fetch", "-config", cfg)
	if code != 0 || strings.Count(out, "  held  ") != 2 || hits.Load() != before {
		t.Errorf("second fetch: exit %d, %d requests more; want 0, none, both held\n%s%s", code, hits.Load()-before, out, stderr)
	}
}

// TestFetchFailuresReachCron: README's cron line sends fetch's table to
// /dev/null at -log-level warn; when every source fails, standard error (cron's
// mail) still says so. Unnamed sources of one host, which share its name, are
// told apart by their URLs in the table.
func TestFetchFailuresReachCron(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	cfg := filepath.Join(t.TempDir(), "gleaner.toml")
	writeConfigFile(t, cfg, fmt.Sprintf("database = \"g.db\"\n[[source]]\nurl = %q\n[[source]]\nurl = %q\n", srv.URL+"/a.xml", srv.URL+"/b.xml"))
	code, out, stderr := runBinary(t, "", "fetch", "-config", cfg, "-log-level", "warn")
	if code != 1 || !strings.Contains(stderr, "gleaner fetch: 0 of 2 sources answered: 2 not found (404)") {
		t.Errorf("fetch with every source failing: exit %d, stderr %q; want 1 and a line saying so", code, stderr)
	}
	for _, u := range []string{srv.URL + "/a.xml", srv.URL + "/b.xml"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(u) + `  +error  `).MatchString(out) {
			t.Errorf("no row names %s:\n%s", u, out)
		}
	}
	if _, _, stderr := runBinary(t, "", "fetch", "-config", cfg, "-log-level", "error"); stderr != "" {
		t.Errorf("-log-level error: stderr %q, want nothing", stderr)
	}
}

// TestCheckSaysNewDatabase: a database path that names no file yet (a mistyped
// one starts an empty feed) is said by check and logged by the command that
// creates it; check's summary shows the retention times.
func TestCheckSaysNewDatabase(t *testing.T) {
	site := newFeedSite(t, 3)
	cfg := koreanSources(t, site)
	db := filepath.Join(filepath.Dir(cfg), "g.db")
	code, out, stderr := runBinary(t, "", "check", "-config", cfg)
	if code != 0 || !strings.Contains(out, "\ndatabase  "+db+" (not there yet: gleaner run or fetch creates it, empty)\n") ||
		!strings.Contains(out, "\nstore     kept items for 8760h, the others for 720h\n") {
		t.Errorf("check, no database yet: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = runBinary(t, "", "fetch", "-config", cfg)
	if code != 0 || strings.Count(stderr, "created a new, empty database") != 1 {
		t.Errorf("fetch, no database yet: exit %d\n%s%s", code, out, stderr)
	}
	if _, _, stderr = runBinary(t, "", "fetch", "-config", cfg); strings.Contains(stderr, "created a new") {
		t.Errorf("second fetch says it created the database:\n%s", stderr)
	}
	if code, out, _ := runBinary(t, "", "check", "-config", cfg); code != 0 || !strings.Contains(out, "\ndatabase  "+db+"\n") {
		t.Errorf("check, database there: exit %d\n%s", code, out)
	}
}

// TestSourcesReadsItsDatabaseThroughASyntaxError: with a syntax error in the
// file (a running daemon keeps its last good config), gleaner sources showed
// the default database's nothing ("no database at gleaner.db yet") and exited
// 0; it shows the database the file names.
func TestSourcesReadsItsDatabaseThroughASyntaxError(t *testing.T) {
	site := newFeedSite(t, 3)
	cfg := koreanSources(t, site)
	if code, out, stderr := runBinary(t, "", "fetch", "-config", cfg); code != 0 {
		t.Fatalf("fetch: exit %d\n%s%s", code, out, stderr)
	}
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeConfigFile(t, cfg, string(text)+"[[source]\nurl = \"https://x.example/feed\"\n")
	code, out, stderr := runBinary(t, "", "sources", "-config", cfg)
	if !strings.Contains(stderr, "has problems") || strings.Contains(stderr, "no database at") || !strings.Contains(out, "EFF") || !strings.Contains(out, "전자신문") {
		t.Errorf("sources over a syntax error: exit %d\n%s%s", code, out, stderr)
	}
}
