package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/gleaner/gleaner/internal/samples"
	"github.com/gleaner/gleaner/internal/syncbuf"
)

// buildBinary compiles gleaner once per test binary run.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "gleaner")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build: %v", err)
	}
	return bin
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// daemon is a running `gleaner run`.
type daemon struct {
	cmd    *exec.Cmd
	addr   string
	stderr *syncbuf.Buffer // os/exec writes it from a goroutine of its own while a test reads it
	done   chan error
}

func startDaemon(t *testing.T, bin, cfg, addr string) *daemon {
	t.Helper()
	d := &daemon{addr: addr, stderr: &syncbuf.Buffer{}, done: make(chan error, 1)}
	d.cmd = exec.Command(bin, "run", "-config", cfg)
	d.cmd.Stderr = d.stderr
	d.cmd.Stdout = d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(func() {
		if d.cmd.ProcessState == nil {
			d.cmd.Process.Kill()
			<-d.done
		}
	})
	return d
}

// stop sends SIGTERM and returns the exit status.
func (d *daemon) stop(t *testing.T) int {
	t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(15 * time.Second):
		d.cmd.Process.Kill()
		t.Fatalf("gleaner did not exit within 15s of SIGTERM; log:\n%s", d.stderr)
	}
	return d.cmd.ProcessState.ExitCode()
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return nil, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// waitFor polls fn until it returns true or the deadline passes.
func waitFor(t *testing.T, d *daemon, what string, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if fn() {
			return
		}
		select {
		case err := <-d.done:
			t.Fatalf("gleaner exited (%v) while waiting for %s; log:\n%s", err, what, d.stderr)
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatalf("timed out waiting for %s; log:\n%s", what, d.stderr)
}

// wantPolicy is the set of sample items about AI industry policy, by link path.
var wantPolicy = map[string]string{
	"/ko/etnews/article/1001":                      "과기정통부, 초거대AI 경쟁력 강화 방안 발표…공공 GPU 2천장 지원",
	"/ko/etnews/article/1002":                      "국회 과방위, 인공지능 기본법 제정안 의결…본회의 상정 앞둬",
	"/ko/tomato/view/2001":                         "\"글로벌 AI 산업 선도, 정부 지원에 달려있어\"…제3차 인공지능 최고위 전략대화",
	"/ko/tomato/view/2002":                         "개인정보위, 생성형 AI 학습데이터 처리 안내서 공개",
	"/en/policywire/2026/export-controls-ai-chips": "Commerce Department tightens export controls on advanced AI chips to China",
	"/en/policywire/2026/eu-ai-act-gpai":           "EU lawmakers approve rules for general-purpose AI models under the AI Act",
	"/en/govtech/aisi-evaluations":                 "UK AI Safety Institute publishes first evaluations of frontier models",
	"/en/govtech/eo-ai":                            "White House issues executive order on safe and trustworthy artificial intelligence",
}

func TestEndToEnd(t *testing.T) {
	bin := buildBinary(t)
	var sample *samples.Server
	var mu sync.Mutex
	var requests []string
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.Method+" "+r.URL.Path+" inm="+r.Header.Get("If-None-Match"))
		mu.Unlock()
		sample.ServeHTTP(w, r)
	}))
	seen := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), requests...)
	}
	ts.Start()
	defer ts.Close()
	host := strings.TrimPrefix(ts.URL, "http://")
	base := time.Now()
	var err error
	sample, err = samples.NewServer("../../testdata/feeds", base, host)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	addr := freePort(t)
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "listen = %q\ndatabase = \"g.db\"\n[poll]\ninterval = \"2s\"\n[feed]\nbase_url = \"http://%s/\"\n", addr, addr)
	for _, n := range sample.Names() {
		fmt.Fprintf(&cfg, "[[source]]\nname = %q\nurl = %q\n", samples.SourceName(n), ts.URL+"/"+n)
	}
	cfgPath := filepath.Join(dir, "gleaner.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	d := startDaemon(t, bin, cfgPath, addr)
	waitFor(t, d, "/healthz", func() bool {
		resp, _ := get(t, "http://"+addr+"/healthz")
		return resp != nil && resp.StatusCode == 200
	})
	var feed *gofeed.Feed
	waitFor(t, d, "8 curated items", func() bool {
		resp, body := get(t, "http://"+addr+"/feed.json")
		if resp == nil || resp.StatusCode != 200 {
			return false
		}
		f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("JSON feed does not parse: %v\n%s", err, body)
		}
		feed = f
		return len(f.Items) >= len(wantPolicy)
	})
	firstIDs := checkCurated(t, feed, host)

	// The same items in Atom (valid against RFC 4287's schema) and RSS.
	for _, path := range []string{"/feed.atom", "/feed.rss"} {
		resp, body := get(t, "http://"+addr+path)
		if resp == nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v", path, resp)
		}
		f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s does not parse: %v", path, err)
		}
		ids := checkCurated(t, f, host)
		if path == "/feed.atom" {
			if strings.Join(ids, " ") != strings.Join(firstIDs, " ") {
				t.Errorf("Atom ids differ from JSON Feed ids:\n%v\n%v", ids, firstIDs)
			}
			validateAtom(t, body)
		}
	}
	for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json"} {
		checkWithFeedparser(t, "http://"+addr+path)
	}
	resp, page := get(t, "http://"+addr+"/")
	if resp == nil || resp.StatusCode != 200 || !strings.Contains(string(page), "개인정보위, 생성형 AI 학습데이터 처리 안내서 공개") ||
		!strings.Contains(string(page), `rel="alternate"`) {
		t.Errorf("HTML page does not list the items: %d\n%.500s", resp.StatusCode, page)
	}

	// A second poll round: the sample server answers 304 to the validators.
	n := len(seen())
	waitFor(t, d, "a second poll round", func() bool { return len(seen()) >= n+len(sample.Names()) })
	conditional := 0
	for _, r := range seen()[n:] {
		if !strings.HasSuffix(r, "inm=") {
			conditional++
		}
	}
	if conditional == 0 {
		t.Errorf("second round sent no If-None-Match: %v", seen()[n:])
	}
	if code := d.stop(t); code != 0 {
		t.Fatalf("exit status %d on SIGTERM; log:\n%s", code, d.stderr)
	}

	// Restart: the same entries with the same ids, nothing duplicated.
	d = startDaemon(t, bin, cfgPath, addr)
	waitFor(t, d, "the curated feed after restart", func() bool {
		resp, body := get(t, "http://"+addr+"/feed.json")
		if resp == nil || resp.StatusCode != 200 {
			return false
		}
		f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil {
			return false
		}
		feed = f
		return len(f.Items) >= len(wantPolicy)
	})
	again := checkCurated(t, feed, host)
	if strings.Join(again, " ") != strings.Join(firstIDs, " ") {
		t.Errorf("ids changed across restart:\n%v\n%v", again, firstIDs)
	}
	if code := d.stop(t); code != 0 {
		t.Fatalf("exit status %d on SIGTERM after restart; log:\n%s", code, d.stderr)
	}
}

// checkCurated asserts that f holds exactly the policy items with their exact
// titles, newest first, and returns the entry ids in order.
func checkCurated(t *testing.T, f *gofeed.Feed, host string) []string {
	t.Helper()
	got := map[string]string{}
	var ids []string
	sawBody := false
	for i, it := range f.Items {
		// The sample's first Korean item carries <script>alert('x')</script> after its
		// paragraph: the paragraph is republished, the script in no format.
		sawBody = sawBody || strings.Contains(it.Content+it.Description, "고성능 GPU 2천장을 지원")
		if l := strings.ToLower(it.Content + it.Description); strings.Contains(l, "<script") || strings.Contains(l, "alert(") {
			t.Errorf("%s: item %q republishes a script: %q", f.FeedType, it.Title, it.Content+it.Description)
		}
		path := strings.TrimPrefix(it.Link, "http://"+host)
		got[path] = it.Title
		ids = append(ids, it.GUID)
		if it.GUID == "" {
			t.Errorf("%s: item %q has no id", f.FeedType, it.Title)
		}
		if i > 0 && it.PublishedParsed != nil && f.Items[i-1].PublishedParsed != nil && it.PublishedParsed.After(*f.Items[i-1].PublishedParsed) {
			t.Errorf("%s: not newest first at %q", f.FeedType, it.Title)
		}
	}
	for path, title := range wantPolicy {
		if got[path] != title {
			t.Errorf("%s: item %s: title %q, want %q", f.FeedType, path, got[path], title)
		}
	}
	for path, title := range got {
		if _, ok := wantPolicy[path]; !ok {
			t.Errorf("%s: unexpected item %s %q", f.FeedType, path, title)
		}
	}
	if !sawBody {
		t.Errorf("%s: no item carries the paragraph of the sample item with a script", f.FeedType)
	}
	sort.Strings(ids)
	return ids
}

// validateAtom runs jing with RFC 4287's RELAX NG schema over an Atom document.
func validateAtom(t *testing.T, doc []byte) {
	t.Helper()
	schema := filepath.Join("..", "..", "testdata", "schema", "atom.rnc")
	if _, err := os.Stat(schema); err != nil {
		t.Fatalf("the Atom schema is part of the repository: %v", err)
	}
	jing, err := exec.LookPath("jing")
	if err != nil {
		t.Logf("skipping Atom schema validation: jing is not installed (apt-get install jing)")
		return
	}
	f := filepath.Join(t.TempDir(), "feed.atom")
	os.WriteFile(f, doc, 0o644)
	out, err := exec.Command(jing, "-c", schema, f).CombinedOutput()
	if err != nil {
		t.Errorf("Atom is not valid against RFC 4287's schema: %v\n%s", err, out)
	}
}

// feedparserScript prints what Python's feedparser makes of a feed: whether it
// complained (bozo) and the entry titles.
const feedparserScript = `
import json, sys, urllib.request
import feedparser
resp = urllib.request.urlopen(sys.argv[1], timeout=10)
d = feedparser.parse(resp.read(), response_headers={"content-type": resp.headers["Content-Type"]})
print(json.dumps({"bozo": int(d.bozo), "error": str(d.get("bozo_exception", "")), "version": d.version,
                  "titles": [e.get("title", "") for e in d.entries]}))
`

// checkWithFeedparser reads a feed with Python's feedparser, as many readers do,
// and asserts it parses without complaint and with the expected Korean titles.
func checkWithFeedparser(t *testing.T, url string) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import feedparser").Run(); err != nil {
		t.Logf("skipping feedparser check of %s: /usr/bin/python3 with feedparser not found (apt-get install python3-feedparser)", url)
		return
	}
	if strings.HasSuffix(url, ".json") && exec.Command("/usr/bin/python3", "-c", "import feedparser.parsers.json").Run() != nil {
		// Debian 12's python3-feedparser is 6.0.10; JSON Feed support came in a later release.
		t.Logf("skipping feedparser check of %s: this feedparser has no JSON Feed parser", url)
		return
	}
	out, err := exec.Command("/usr/bin/python3", "-c", feedparserScript, url).Output()
	if err != nil {
		t.Fatalf("feedparser on %s: %v", url, err)
	}
	var res struct {
		Bozo    int
		Error   string
		Version string
		Titles  []string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("feedparser output: %v: %s", err, out)
	}
	if res.Bozo != 0 {
		t.Errorf("feedparser: %s is bozo (%s)", url, res.Error)
	}
	got := map[string]bool{}
	for _, title := range res.Titles {
		got[title] = true
	}
	for _, title := range wantPolicy {
		if !got[title] {
			t.Errorf("feedparser (%s) on %s: missing title %q; got %q", res.Version, url, title, res.Titles)
		}
	}
}
