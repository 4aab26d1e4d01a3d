package publish

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pwn is what the hostile entries below would do if any of their script ran: mark
// the page, so that the DOM Chromium dumps shows it.
const pwn = `document.body.setAttribute('data-pwned','1')`

// hostileEntry is an entry whose fields hold raw, unsanitised attacks, as if the
// store had been filled by something that skipped the ingest pipeline: the page
// must be safe on its own.
func hostileEntry() aggregate.Entry {
	return aggregate.Entry{
		ID: "urn:uuid:11111111-2222-5333-8444-555555555555",
		Item: aggregate.Item{
			URL:       "javascript:" + pwn,
			Title:     `<img src=x onerror="` + pwn + `">악성 제목 <script>` + pwn + `</script>`,
			Summary:   `</p><script>` + pwn + `</script><p onclick="` + pwn + `">요약`,
			Content:   `<svg onload="` + pwn + `"></svg><iframe srcdoc="<script>` + pwn + `</script>"></iframe>`,
			Lang:      "ko",
			Published: t0.Add(-30 * time.Hour),
			FirstSeen: t0.Add(-30 * time.Hour),
			Verdict: aggregate.Verdict{Match: true, Score: 1,
				Reasons: []string{`<b onmouseover="` + pwn + `">reason</b>`},
				Facets:  []string{`"><script>` + pwn + `</script>`}},
			ID:      666,
			StoryID: 66,
		},
		Reports: 5,
		Langs:   []string{"ko", `"><script>` + pwn + `</script>`},
		Outlet:  aggregate.Outlet{Name: `<style>body{display:none}</style>Evil 언론`, FeedURL: "https://evil.example/feed"},
		Also: []aggregate.Related{{
			Outlet: aggregate.Outlet{Name: "Also <script>x</script>"},
			Title:  `"><img src=x onerror="` + pwn + `">`,
			URL:    "javascript:" + pwn,
		}, {
			Outlet: aggregate.Outlet{Name: "Fine Outlet"},
			Title:  "ok",
			URL:    `https://ok.example/a?x="><script>` + pwn + `</script>`,
		}},
		Updated: t0.Add(-30 * time.Hour),
	}
}

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (Debian package chromium); skipping the browser test")
	return ""
}

// runChromium runs headless Chromium with a fresh profile and the flags that keep
// it from reaching out, and returns its stdout and stderr.
func runChromium(t *testing.T, bin string, args ...string) (stdout, stderr []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.Bytes(), errb.Bytes()
}

// servePage starts a loopback server for a Handler whose BaseURL is the server's
// own address, so that every link on the page points back at it.
func servePage(t *testing.T, entries []aggregate.Entry) (*httptest.Server, *Handler) {
	t.Helper()
	// The handler needs the server's address, and the server its handler: the
	// listener is opened first and the server started once both exist (setting
	// the handler after a started server may serve is a data race).
	var h *Handler
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	o := fixtureOptions()
	o.BaseURL = "http://" + srv.Listener.Addr().String() + "/"
	h, _ = newTestHandler(t, o, entries)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, h
}

// chromiumDOM loads url in headless Chromium and returns the DOM it made,
// after checking that no hostile payload ran or added elements, and that the
// browser reported no CSP violation (a style hash that did not match would
// leave the page unstyled, and Chromium says so on its console).
func chromiumDOM(t *testing.T, bin, url string) (doc, body *html.Node) {
	t.Helper()
	dom, stderr := runChromium(t, bin, "--enable-logging=stderr", "--v=0", "--dump-dom", url)
	doc, err := html.Parse(bytes.NewReader(dom))
	if err != nil {
		t.Fatal(err)
	}
	body = find(doc, atom.Body)
	if body == nil {
		t.Fatalf("no body in the dumped DOM:\n%s", dom)
	}
	for _, a := range body.Attr {
		if a.Key == "data-pwned" {
			t.Fatalf("a hostile payload ran script in %s", url)
		}
	}
	if n := count(doc, atom.Script); n != 0 {
		t.Errorf("%s holds %d script elements, want none", url, n)
	}
	if n := count(doc, atom.Style); n != 1 {
		t.Errorf("%s holds %d style elements, want only its own", url, n)
	}
	if n := count(doc, atom.Iframe) + count(doc, atom.Svg) + count(doc, atom.Img); n != 0 {
		t.Errorf("%s holds %d iframe/svg/img elements from entries", url, n)
	}
	if bytes.Contains(stderr, []byte("Content Security Policy")) || bytes.Contains(stderr, []byte("Content-Security-Policy")) {
		t.Errorf("Chromium reports a CSP violation on %s:\n%s", url, stderr)
	}
	return doc, body
}

// phoneScreenshot takes a screenshot of url at a phone's size and checks it is
// a plausible PNG.
func phoneScreenshot(t *testing.T, bin, url, name string) {
	t.Helper()
	dir := os.Getenv("GLEANER_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	runChromium(t, bin, "--hide-scrollbars", "--window-size=412,915", "--screenshot="+shot, url)
	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 5000 {
		t.Fatalf("screenshot %s is not a plausible PNG (%d bytes)", shot, len(png))
	}
	t.Logf("phone screenshot (412x915): %s (set GLEANER_SCREENSHOT_DIR to keep it)", shot)
}

func TestChromiumRendersPage(t *testing.T) {
	t.Parallel() // an external program: overlap its start-up with the other tests
	bin := chromium(t)
	entries := append(fixtureEntries(), hostileEntry())
	srv, _ := servePage(t, entries)

	doc, body := chromiumDOM(t, bin, srv.URL+"/")

	var titles []string
	for _, art := range findAll(doc, atom.Article) {
		if h2 := find(art, atom.H2); h2 != nil {
			titles = append(titles, strings.TrimSpace(text(h2)))
		}
	}
	if len(titles) != len(entries) {
		t.Fatalf("the page shows %d articles, want %d: %q", len(titles), len(entries), titles)
	}
	for i, e := range fixtureEntries() {
		if titles[i] != e.Item.Title {
			t.Errorf("article %d title %q, want %q", i, titles[i], e.Item.Title)
		}
	}
	if got := titles[len(titles)-1]; got != "악성 제목" {
		t.Errorf("hostile title shown as %q, want its text only", got)
	}
	page := text(body)
	for _, want := range []string{"Also reported by", "전자신문", "지디넷코리아", "Why it was kept", "legislation", "한국어" /* language link */, "Atom", "RSS", "JSON Feed"} {
		if !strings.Contains(page, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
	phoneScreenshot(t, bin, srv.URL+"/", "gleaner-phone.png")
}

// TestChromiumRendersStoryPage loads the page of a story of 25 reports, and
// that of the hostile entry's story, whose members carry the payloads.
func TestChromiumRendersStoryPage(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	srv, _ := servePage(t, append(fixtureEntries(), hostileEntry()))

	_, body := chromiumDOM(t, bin, srv.URL+"/story/12")
	if n := len(findAll(body, atom.Li)); n != 25 {
		t.Errorf("the story page lists %d reports, want 25", n)
	}
	page := text(body)
	for _, want := range []string{"Commerce Department tightens AI chip export rule", "연합뉴스", "25 reports in English and Korean", "the entry's lead"} {
		if !strings.Contains(page, want) {
			t.Errorf("the story page lacks %q", want)
		}
	}
	_, body = chromiumDOM(t, bin, srv.URL+"/story/66")
	if n := len(findAll(body, atom.Li)); n != 5 {
		t.Errorf("the hostile story's page lists %d reports, want 5", n)
	}
	for _, a := range findAll(body, atom.A) {
		for _, at := range a.Attr {
			if at.Key == "href" && !strings.HasPrefix(at.Val, "http") {
				t.Errorf("the hostile story's page links to %q", at.Val)
			}
		}
	}
	phoneScreenshot(t, bin, srv.URL+"/story/12", "gleaner-story-phone.png")
}

func find(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, a); f != nil {
			return f
		}
	}
	return nil
}

func findAll(n *html.Node, a atom.Atom) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == a {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func count(n *html.Node, a atom.Atom) int { return len(findAll(n, a)) }

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
