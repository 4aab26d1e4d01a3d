package main

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/internal/samples"
)

// sampleSite serves the sample feeds of testdata/feeds and returns the
// server's URL and the config lines of its sources.
func sampleSite(t *testing.T) (string, string) {
	t.Helper()
	var sample *samples.Server
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { sample.ServeHTTP(w, r) }))
	ts.Start()
	t.Cleanup(ts.Close)
	var err error
	sample, err = samples.NewServer("../../testdata/feeds", time.Now(), strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	for _, n := range sample.Names() {
		fmt.Fprintf(&src, "[[source]]\nname = %q\nurl = %q\n", samples.SourceName(n), ts.URL+"/"+n)
	}
	return ts.URL, src.String()
}

// links are the article links of a feed document's entries, and the entries by link.
func links(t *testing.T, doc string) ([]string, map[string]*gofeed.Item) {
	t.Helper()
	f, err := gofeed.NewParser().ParseString(doc)
	if err != nil {
		t.Fatalf("feed does not parse: %v\n%s", err, doc)
	}
	var out []string
	by := map[string]*gofeed.Item{}
	for _, it := range f.Items {
		out = append(out, it.Link)
		by[it.Link] = it
	}
	slices.Sort(out)
	return out, by
}

// TestLabelsEndToEnd corrects the curated feed of a running daemon with the
// real binary's gleaner label, by link (in either form) and by entry id; checks
// that each correction reaches /feed.atom without a restart, that an unknown
// link or id changes nothing, that gleaner labels lists and exports them, and
// that they survive gleaner reclassify with a new profile, whose counts gleaner
// topic diff foretold without writing to the database.
func TestLabelsEndToEnd(t *testing.T) {
	bin := gleanerBinary(t)
	site, sources := sampleSite(t)
	dir := t.TempDir()
	addr := listenAddr(t)
	cfg := filepath.Join(dir, "gleaner.toml")
	base := fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\n[poll]\ninterval = \"2s\"\n", addr)
	writeConfigFile(t, cfg, base+sources)
	p := startGleaner(t, bin, cfg)
	atom := func() string {
		_, body := httpGet("http://" + addr + "/feed.atom")
		return body
	}
	var feed []string
	var entries map[string]*gofeed.Item
	eventually(t, p, time.Minute, "the curated feed", func() bool {
		if !strings.Contains(atom(), "<feed") {
			return false
		}
		feed, entries = links(t, atom())
		return len(feed) == len(wantPolicy)
	})
	want := map[string]bool{}
	for path := range wantPolicy {
		want[site+path] = true
	}
	label := func(args ...string) (int, string, string) {
		t.Helper()
		return runBinary(t, "", append([]string{"label", "-config", cfg}, args...)...)
	}
	// shows waits until the running daemon's /feed.atom holds exactly want.
	shows := func(what string, check func(doc string) bool) {
		t.Helper()
		var wl []string
		for l := range want {
			wl = append(wl, l)
		}
		slices.Sort(wl)
		eventually(t, p, 20*time.Second, what, func() bool {
			doc := atom()
			got, _ := links(t, doc)
			return slices.Equal(got, wl) && (check == nil || check(doc))
		})
	}

	// Out, by the link as the feed gave it (tracking parameters and all).
	raw := site + "/ko/etnews/article/1001?utm_source=rss&utm_medium=feed"
	// The note is one line of text: no escape sequence reaches the terminal.
	code, out, stderr := label(raw, "out", "-note", "a plan \x1b[1malready\u202e reported")
	if code != 0 || !strings.Contains(out, "dropped by the curator: a plan [1malready reported") || !strings.Contains(out, "in  -> out") ||
		strings.ContainsAny(out, "\x1b\u202e") {
		t.Fatalf("label out: %d\n%s\n%s", code, out, stderr)
	}
	delete(want, site+"/ko/etnews/article/1001")
	shows("the item labelled out to leave /feed.atom", nil)

	// Unknown links and ids: an error that names them, and nothing changes (the
	// next label's feed holds exactly what it and the earlier labels did).
	for _, ref := range []string{"urn:uuid:00000000-0000-0000-0000-000000000000", site + "/ko/etnews/article/9999"} {
		code, out, stderr := label(ref, "in")
		if code != 1 || !strings.Contains(stderr, fmt.Sprintf("%q", ref)) || out != "" {
			t.Errorf("label %s: exit %d, stdout %q, stderr %q; want 1 and an error naming it", ref, code, out, stderr)
		}
	}
	if code, _, stderr := label(site+"/x", "sideways"); code != 2 || !strings.Contains(stderr, "want in, out or clear") {
		t.Errorf("label X sideways: %d %s", code, stderr)
	}

	// In, by the canonical link, flags after the arguments: a business item the
	// filter left out, with the curator's reason as its note.
	openai := site + "/en/policywire/2026/openai-model"
	if code, out, stderr := label(openai, "in", "-note", "cited by the ministry"); code != 0 || !strings.Contains(out, "out -> in") {
		t.Fatalf("label in: %d\n%s\n%s", code, out, stderr)
	}
	want[openai] = true
	shows("the item labelled in to reach /feed.atom with its reason", func(doc string) bool {
		return strings.Contains(doc, "kept by the curator: cited by the ministry")
	})

	// Out, by the entry id the curated feed publishes.
	aisi := site + "/en/govtech/aisi-evaluations"
	id := entries[aisi].GUID
	if id != "tag:govtech.example,2026:aisi-evaluations" {
		t.Fatalf("entry id of %s: %q", aisi, id)
	}
	if code, out, stderr := label(id, "out"); code != 0 || !strings.Contains(out, "aisi") && !strings.Contains(out, "AI Safety Institute") {
		t.Fatalf("label by entry id: %d\n%s\n%s", code, out, stderr)
	}
	delete(want, aisi)
	shows("the item labelled out by its entry id to leave /feed.atom", nil)

	// Clear: the label goes, the filter (which kept it) decides again, and the
	// item is back with the filter's reasons; then out again, by its entry id.
	if code, out, stderr := label(aisi, "clear"); code != 0 || !strings.Contains(out, "label cleared on 1 item") ||
		!strings.Contains(out, "1 entered the curated feed") {
		t.Fatalf("label clear: %d\n%s\n%s", code, out, stderr)
	}
	want[aisi] = true
	shows("the item whose label was cleared to come back to /feed.atom", nil)
	// An item with no label: nothing cleared, and said so.
	if code, out, stderr := label(site+"/en/govtech/eo-ai", "clear"); code != 0 || !strings.Contains(out, "no label to clear on 1 item") {
		t.Errorf("label clear of an unlabelled item: %d\n%s%s", code, out, stderr)
	}
	if code, _, stderr := label(id, "clear", "-note", "x"); code != 2 || !strings.Contains(stderr, "-note goes with in or out") {
		t.Errorf("label clear -note: %d %s", code, stderr)
	}
	if code, _, stderr := label(id, "out"); code != 0 {
		t.Fatalf("label out again by entry id: %d\n%s", code, stderr)
	}
	delete(want, aisi)
	shows("the item labelled out again to leave /feed.atom", nil)

	code, out, _ = runBinary(t, "", "labels", "-config", cfg)
	if code != 0 || strings.Count(out, "\n") != 4 || !strings.Contains(out, "cited by the ministry") || !strings.Contains(out, openai) {
		t.Errorf("gleaner labels: %d\n%s", code, out)
	}
	code, out, _ = runBinary(t, "", "labels", "export", "-config", cfg)
	labelled, err := topic.ReadLabeled(strings.NewReader(out))
	if code != 0 || err != nil || len(labelled) != 3 {
		t.Fatalf("gleaner labels export: %d %v\n%s", code, err, out)
	}
	if l := labelled[1]; !l.Label || l.ID != openai || l.Lang != "en" || !strings.HasPrefix(l.Title, "OpenAI unveils") ||
		!strings.Contains(out, `"url":"`+openai+`","note":"cited by the ministry"`) {
		t.Errorf("exported label %+v\n%s", l, out)
	}
	if l := labelled[0]; l.Label || l.Lang != "ko" || l.Summary == "" {
		t.Errorf("exported label %+v", l)
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit status %d; log:\n%s", code, p.log)
	}

	// A new profile: "AI" alone makes an item policy.
	newTopic := filepath.Join(dir, "new.toml")
	profile := "[topic]\nfields = { title = 2.0, summary = 1.0 }\n[[topic.group]]\nname = \"ai\"\nkind = \"ai\"\nweight = 1.0\nterms = [\"AI\"]\n" +
		"[[topic.rule]]\nname = \"any AI\"\nneed = [\"ai\"]\nmin_score = 1.0\n"
	writeConfigFile(t, newTopic, strings.Replace(profile, "weight = 1.0", "wieght = 1.0", 1))
	code, out, stderr = runBinary(t, "", "topic", "diff", newTopic, "-config", cfg)
	if code != 1 || !strings.Contains(stderr, newTopic+":6:1: topic.group 1.wieght: unknown key") || !strings.HasSuffix(stderr, newTopic+": 2 problems\n") {
		t.Errorf("topic diff of a bad profile: %d\n%s%s", code, out, stderr)
	}
	writeConfigFile(t, newTopic, profile)
	db := filepath.Join(dir, "g.db")
	before := fileSums(t, db, db+"-wal")
	code, diff, stderr := runBinary(t, "", "topic", "diff", "-config", cfg, newTopic, "-since", "720h")
	if code != 0 {
		t.Fatalf("topic diff: %d\n%s", code, stderr)
	}
	if after := fileSums(t, db, db+"-wal"); after != before {
		t.Errorf("topic diff changed the database files")
	}
	for _, l := range []string{"OpenAI unveils", "AI Safety Institute", "초거대AI 경쟁력"} {
		if strings.Contains(diff, l) {
			t.Errorf("topic diff moves labelled item %q:\n%s", l, diff)
		}
	}
	t.Logf("topic diff:\n%s", diff)
	diffCounts := counts(t, "topic diff", diff)
	if !strings.Contains(diff, "+ ") || !strings.Contains(diff, "- ") || !strings.Contains(diff, "score ") {
		t.Errorf("topic diff lists no items entering and leaving with reasons:\n%s", diff)
	}

	// Reclassify with it: the counts foretold, and the labels hold.
	cfg2 := filepath.Join(dir, "new-gleaner.toml")
	writeConfigFile(t, cfg2, base+profile+sources)
	code, out, stderr = runBinary(t, "", "reclassify", "-config", cfg2, "-since", "720h")
	if code != 0 {
		t.Fatalf("reclassify: %d\n%s", code, stderr)
	}
	if got := counts(t, "reclassify", out); got != diffCounts {
		t.Errorf("reclassify did %v, topic diff foretold %v\n%s\n%s", got, diffCounts, out, diff)
	}
	exp := filepath.Join(dir, "export")
	if code, _, stderr := runBinary(t, "", "export", "-config", cfg2, "-out", exp); code != 0 {
		t.Fatalf("export: %d\n%s", code, stderr)
	}
	doc, err := os.ReadFile(filepath.Join(exp, "feed.atom"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := links(t, string(doc))
	if !slices.Contains(got, openai) || slices.Contains(got, aisi) || slices.Contains(got, site+"/ko/etnews/article/1001") ||
		!strings.Contains(string(doc), "kept by the curator: cited by the ministry") {
		t.Errorf("labels lost by reclassify: the feed has %v", got)
	}
}

// counts reads "checked N ...: C verdicts ..., E ... entered/enter ..., L ... left/leave it".
func counts(t *testing.T, what, out string) [4]string {
	t.Helper()
	m := regexp.MustCompile(`checked (\d+) items .*: (\d+) verdicts (?:would )?changed?, (\d+) (?:would enter|entered) the curated feed, (\d+) (?:would leave|left) it`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("%s: no counts in\n%s", what, out)
	}
	if m[3] == "0" || m[4] == "0" {
		t.Errorf("%s: the new profile should move items both ways:\n%s", what, out)
	}
	return [4]string{m[1], m[2], m[3], m[4]}
}

// fileSums is a digest of the files' contents (missing files count as empty).
func fileSums(t *testing.T, paths ...string) [sha256.Size]byte {
	t.Helper()
	h := sha256.New()
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %d\n", p, len(b))
		h.Write(b)
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// TestDaemonFollowsLabels runs the daemon in this process (so that make race
// sees its goroutines) while gleaner label writes from another connection: the
// daemon notices, rebuilds its story index and refreshes the curated feed.
func TestDaemonFollowsLabels(t *testing.T) {
	site := newFeedSite(t, 6)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	addr := listenAddr(t)
	writeConfigFile(t, cfg, fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\n[poll]\ninterval = \"10m\"\n[[source]]\nname = \"one\"\nurl = %q\n", addr, site.url(1)))
	clk := &fakeClock{t: time.Now()}
	p, stop := inProcess(t, cfg, clk, func(o *app.DaemonOptions) { o.FollowEvery = 50 * time.Millisecond })
	atom := func() string {
		_, body := httpGet("http://" + addr + "/feed.atom")
		return body
	}
	eventually(t, p, 30*time.Second, "the curated feed", func() bool {
		clk.Add(5 * time.Second) // first polls are spread over up to 10s of the clock
		return strings.Contains(atom(), itemTitle(1, 3))
	})
	bakery := fmt.Sprintf("%s/item/1/%d", site.URL, 1)
	for _, step := range []struct {
		verb string
		in   bool
	}{{"in", true}, {"out", false}, {"in", true}} {
		if code, _, stderr := runCLI(t, "", "label", "-config", cfg, bakery, step.verb); code != 0 {
			t.Fatalf("label %s: %d %s", step.verb, code, stderr)
		}
		eventually(t, p, 20*time.Second, "label "+step.verb+" to show", func() bool {
			return strings.Contains(atom(), itemTitle(1, 1)) == step.in
		})
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := countLines(p.log.String(), "database changed by another process"); n < 3 {
		t.Errorf("%d refreshes after other processes' writes, want at least 3; log:\n%s", n, p.log)
	}
}
