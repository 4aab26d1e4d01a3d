package publish

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

func TestContentTypesAndHeaders(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	for path, ctype := range map[string]string{
		"/feed.atom":    "application/atom+xml; charset=utf-8",
		"/feed.rss":     "application/rss+xml; charset=utf-8",
		"/feed.json":    "application/feed+json; charset=utf-8",
		"/":             "text/html; charset=utf-8",
		"/index.html":   "text/html; charset=utf-8",
		"/sources.opml": "text/x-opml; charset=utf-8",
		"/status":       "text/html; charset=utf-8",
		"/status.json":  "application/json; charset=utf-8",
	} {
		resp := get(t, h, "GET", path)
		mustStatus(t, resp, 200)
		if got := resp.Header.Get("Content-Type"); got != ctype {
			t.Errorf("%s: Content-Type %q, want %q", path, got, ctype)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, got)
		}
		if n := len(body(t, resp)); fmt.Sprint(n) != resp.Header.Get("Content-Length") {
			t.Errorf("%s: Content-Length %q for %d bytes", path, resp.Header.Get("Content-Length"), n)
		}
		cc := resp.Header.Get("Cache-Control")
		if strings.HasPrefix(path, "/status") {
			if cc != "no-cache" {
				t.Errorf("%s: Cache-Control %q, want no-cache", path, cc)
			}
			continue
		}
		want := "public, max-age=900" // 15 min, the poll interval
		if path == "/" || path == "/index.html" {
			want = "public, max-age=60" // its relative times change by the minute
		}
		if cc != want {
			t.Errorf("%s: Cache-Control %q, want %s", path, cc, want)
		}
		if etag := resp.Header.Get("ETag"); !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") {
			t.Errorf("%s: ETag %q is not a strong validator", path, etag)
		}
	}
	for _, path := range []string{"/", "/status"} {
		csp := get(t, h, "GET", path).Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "style-src 'sha256-", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") {
			t.Errorf("%s: CSP %q is not strict", path, csp)
		}
	}
}

func TestStyleHashMatchesInlineStyle(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	page := string(body(t, get(t, h, "GET", "/")))
	start := strings.Index(page, "<style>") + len("<style>")
	end := strings.Index(page, "</style>")
	if start < len("<style>") || end < start {
		t.Fatal("no style element")
	}
	if page[start:end] != pageCSS {
		t.Fatal("the inline style differs from the hashed one; the CSP would block it")
	}
}

func TestConditionalRequests(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	first := get(t, h, "GET", "/feed.atom")
	etag := first.Header.Get("ETag")
	lm := first.Header.Get("Last-Modified")
	// Not the newest change among the entries (the story that gained outlets 5
	// minutes before t0), but the process's first rendering, at t0: what a
	// process before it served may have differed (TestLastModifiedAfterRestart).
	if want := t0.Format(http.TimeFormat); lm != want {
		t.Errorf("Last-Modified %q, want %q", lm, want)
	}
	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"matching etag", []string{"If-None-Match", etag}, 304},
		{"etag in a list", []string{"If-None-Match", `"other", ` + etag}, 304},
		{"weak form of the etag", []string{"If-None-Match", "W/" + etag}, 304},
		{"star", []string{"If-None-Match", "*"}, 304},
		{"other etag", []string{"If-None-Match", `"other"`}, 200},
		{"same date", []string{"If-Modified-Since", lm}, 304},
		{"later date", []string{"If-Modified-Since", t0.Add(time.Hour).Format(http.TimeFormat)}, 304},
		{"earlier date", []string{"If-Modified-Since", t0.Add(-time.Hour).Format(http.TimeFormat)}, 200},
		{"date past the clock", []string{"If-Modified-Since", time.Now().Add(48 * time.Hour).UTC().Format(http.TimeFormat)}, 200},
		{"bad date", []string{"If-Modified-Since", "yesterday"}, 200},
		{"etag wins over date", []string{"If-None-Match", `"other"`, "If-Modified-Since", lm}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := get(t, h, "GET", "/feed.atom", tt.header...)
			mustStatus(t, resp, tt.want)
			b := body(t, resp)
			if tt.want == 304 {
				if len(b) != 0 || resp.Header.Get("ETag") != etag || resp.Header.Get("Cache-Control") == "" {
					t.Errorf("304 with %d body bytes, ETag %q, Cache-Control %q", len(b), resp.Header.Get("ETag"), resp.Header.Get("Cache-Control"))
				}
			}
		})
	}
	// A 304 for HEAD too.
	mustStatus(t, get(t, h, "HEAD", "/feed.atom", "If-None-Match", etag), 304)
}

// TestLastModifiedAfterRestart: a process started after an entry left the feed
// (a label took it out while the daemon was stopped) dates its feed after the
// date the process before it served, so that a client asking If-Modified-Since
// with that date gets the changed feed, not 304: the newest entry left is
// older than what it saw.
func TestLastModifiedAfterRestart(t *testing.T) {
	entries := fixtureEntries()
	before, _ := newTestHandler(t, fixtureOptions(), entries)
	seen := get(t, before, "GET", "/feed.atom").Header.Get("Last-Modified")
	newest := 0
	for i := range entries {
		if entries[i].Updated.After(entries[newest].Updated) {
			newest = i
		}
	}
	rest := slices.Delete(slices.Clone(entries), newest, newest+1)
	st := &fakeStore{entries: rest}
	after := New(fixtureOptions(), st, st, testLogger(t))
	after.now = func() time.Time { return t0.Add(time.Minute) } // started later
	after.SetSources(fixtureSources())
	if _, err := after.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/feed.atom", "/feed.json", "/?lang=en", "/feed.rss?lang=en"} {
		resp := get(t, after, "GET", path, "If-Modified-Since", seen)
		mustStatus(t, resp, 200)
		if lm, _ := http.ParseTime(resp.Header.Get("Last-Modified")); !lm.After(t0) {
			t.Errorf("%s: Last-Modified %s, want after the %s served before the restart", path, resp.Header.Get("Last-Modified"), seen)
		}
	}
}

func TestGzipIsPrecomputed(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	plain := get(t, h, "GET", "/feed.atom")
	plainBody := body(t, plain)
	zipped := get(t, h, "GET", "/feed.atom", "Accept-Encoding", "br;q=1, gzip;q=0.8")
	if zipped.Header.Get("Content-Encoding") != "gzip" || zipped.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("Content-Encoding %q, Vary %q", zipped.Header.Get("Content-Encoding"), zipped.Header.Get("Vary"))
	}
	if plain.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("identity response lacks Vary: Accept-Encoding")
	}
	if zipped.Header.Get("ETag") == plain.Header.Get("ETag") {
		t.Errorf("gzip and identity share the strong ETag %s", plain.Header.Get("ETag"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body(t, zipped)))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, plainBody) {
		t.Fatalf("gzip body does not decompress to the identity body (%v)", err)
	}
	for _, ae := range []string{"gzip;q=0", "identity", "br", "gzip;q=0, *"} {
		if resp := get(t, h, "GET", "/feed.atom", "Accept-Encoding", ae); resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q: got Content-Encoding %q", ae, resp.Header.Get("Content-Encoding"))
		}
	}
	if resp := get(t, h, "GET", "/feed.atom", "Accept-Encoding", "*"); resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("Accept-Encoding *: no gzip")
	}
	// The client's validator of either coding matches.
	mustStatus(t, get(t, h, "GET", "/feed.atom", "Accept-Encoding", "gzip", "If-None-Match", plain.Header.Get("ETag")), 304)

	// Compressing per request would cost hundreds of allocations and a large
	// buffer; serving the stored bytes costs the same as identity.
	allocs := func(ae string) float64 {
		r := httptest.NewRequest("GET", "/feed.atom", nil)
		if ae != "" {
			r.Header.Set("Accept-Encoding", ae)
		}
		return testing.AllocsPerRun(50, func() { h.ServeHTTP(httptest.NewRecorder(), r) })
	}
	if gz, id := allocs("gzip"), allocs(""); gz > id+2 {
		t.Errorf("gzip responses allocate %.0f times, identity %.0f: compressed per request?", gz, id)
	}
}

func TestHeadAndMethods(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json", "/", "/sources.opml", "/status", "/status.json"} {
		getResp := get(t, h, "GET", path)
		head := get(t, h, "HEAD", path)
		mustStatus(t, head, 200)
		if b := body(t, head); len(b) != 0 {
			t.Errorf("HEAD %s: %d body bytes", path, len(b))
		}
		for _, k := range []string{"Content-Type", "Content-Length", "ETag", "Last-Modified", "Cache-Control"} {
			if head.Header.Get(k) != getResp.Header.Get(k) {
				t.Errorf("HEAD %s: %s %q, GET has %q", path, k, head.Header.Get(k), getResp.Header.Get(k))
			}
		}
		for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
			resp := get(t, h, m, path)
			mustStatus(t, resp, 405)
			if resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: Allow %q", m, path, resp.Header.Get("Allow"))
			}
		}
	}
	mustStatus(t, get(t, h, "GET", "/feed.xml"), 404)
	mustStatus(t, get(t, h, "GET", "/../etc/passwd"), 404)
}

func atomEntryCount(t *testing.T, b []byte) int { t.Helper(); return len(parseAtom(t, b).Entries) }

func TestQueryParameters(t *testing.T) {
	o := fixtureOptions()
	o.MaxItems, o.MaxLimit = 3, 4
	h, st := newTestHandler(t, o, fixtureEntries())

	tests := []struct {
		query   string
		status  int
		entries int
	}{
		{"", 200, 3},
		{"lang=ko", 200, 2},
		{"lang=EN", 200, 3},
		{"lang=en&limit=1", 200, 1},
		{"category=regulation", 200, 2},
		{"category=copyright&lang=ko", 200, 1},
		{"category=no-such-facet", 200, 0},
		{"limit=2", 200, 2},
		{"limit=1000", 200, 4}, // capped at MaxLimit
		{"limit=99999999999999999999", 200, 4},
		{"limit=-99999999999999999999", 400, 0},
		{"lang=", 200, 3},     // empty means not given
		{"_=1712345", 200, 3}, // cache busters are ignored
		{"lang=fr", 400, 0},
		{"lang=ko&lang=en", 400, 0},
		{"limit=0", 400, 0},
		{"limit=-3", 400, 0},
		{"limit=ten", 400, 0},
		{"limit=1e3", 400, 0},
		{"category=%3Cscript%3E", 400, 0},
		{"category=" + strings.Repeat("a", 65), 400, 0},
		{"lang=%zz", 400, 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json", "/"} {
				resp := get(t, h, "GET", path+"?"+tt.query)
				mustStatus(t, resp, tt.status)
				b := body(t, resp)
				if tt.status == 400 && path == "/" {
					// A browser gets the page's look, the message and a way back.
					if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !bytes.Contains(b, []byte(`<section class="empty"><h2>This page cannot be shown</h2>`)) ||
						!bytes.Contains(b, []byte(`>Show all stories</a>`)) || resp.Header.Get("Content-Security-Policy") == "" {
						t.Errorf("%s: 400 as %q: %q", path, ct, b)
					}
					continue
				}
				if tt.status == 400 {
					if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || len(b) == 0 || len(b) > 200 {
						t.Errorf("%s: 400 as %q: %q", path, ct, b)
					}
					continue
				}
				if path == "/feed.atom" {
					if n := atomEntryCount(t, b); n != tt.entries {
						t.Errorf("%d entries, want %d", n, tt.entries)
					}
				}
			}
		})
	}
	for _, q := range st.queries {
		if q.Limit > o.MaxLimit {
			t.Errorf("the store was asked for %d entries, over the cap %d", q.Limit, o.MaxLimit)
		}
	}
	// A variant's self link carries its query, so a reader subscribes to what it saw.
	f := parseAtom(t, body(t, get(t, h, "GET", "/feed.atom?limit=2&lang=ko")))
	if self := rels(f.Links, "self")[0].Href; self != o.BaseURL+"feed.atom?lang=ko&limit=2" {
		t.Errorf("variant self link %q", self)
	}
}

func TestMaxPerSourceIsPassedOn(t *testing.T) {
	o := fixtureOptions()
	o.MaxPerSource = 1
	h, st := newTestHandler(t, o, fixtureEntries())
	if n := atomEntryCount(t, body(t, get(t, h, "GET", "/feed.atom?lang=en"))); n != 2 {
		t.Errorf("%d English entries with one per source, want 2", n)
	}
	for _, q := range st.queries {
		if q.MaxPerSource != 1 {
			t.Errorf("query %+v lost MaxPerSource", q)
		}
	}
}

func TestRenderingsAreCachedUntilChange(t *testing.T) {
	h, st := newTestHandler(t, fixtureOptions(), fixtureEntries())
	calls := st.callCount()
	for range 3 {
		get(t, h, "GET", "/feed.atom")
		get(t, h, "GET", "/feed.rss?lang=ko")
		get(t, h, "GET", "/feed.json?lang=ko")
	}
	if n := st.callCount() - calls; n != 2 {
		t.Errorf("%d store calls for 9 requests of 3 renderings, want 2 (one per variant)", n)
	}

	// Nothing changed: the variants stay.
	changed, err := h.Refresh(t.Context())
	if err != nil || changed {
		t.Fatalf("Refresh over the same entries: changed=%v err=%v", changed, err)
	}
	calls = st.callCount()
	get(t, h, "GET", "/feed.rss?lang=ko")
	if st.callCount() != calls {
		t.Errorf("an unchanged Refresh dropped the variants")
	}

	// A change drops them.
	oldKO := get(t, h, "GET", "/feed.rss?lang=ko")
	entries := fixtureEntries()
	entries[2].Item.Title = "국회 과방위, 생성형 AI 저작권 공청회 연기"
	st.set(entries)
	if changed, err := h.Refresh(t.Context()); err != nil || !changed {
		t.Fatalf("Refresh after a change: changed=%v err=%v", changed, err)
	}
	newKO := get(t, h, "GET", "/feed.rss?lang=ko")
	if !bytes.Contains(body(t, newKO), []byte("연기")) {
		t.Errorf("the variant was not re-rendered after the change")
	}
	if oldKO.Header.Get("ETag") == newKO.Header.Get("ETag") {
		t.Errorf("ETag unchanged after the content changed")
	}
}

// TestLastModifiedMovesForward: an entry leaving the feed changes the bytes
// without bringing a newer entry; Last-Modified must still move, or a client
// asking If-Modified-Since would keep a stale copy.
func TestLastModifiedMovesForward(t *testing.T) {
	h, st := newTestHandler(t, fixtureOptions(), fixtureEntries())
	for _, target := range []string{"/feed.atom", "/feed.json?lang=en"} {
		t.Run(target, func(t *testing.T) {
			st.set(fixtureEntries())
			h.Refresh(t.Context())
			before := get(t, h, "GET", target)
			lm := before.Header.Get("Last-Modified")

			entries := fixtureEntries()
			st.set(entries[:len(entries)-1])
			h.now = func() time.Time { return t0.Add(time.Hour) }
			if _, err := h.Refresh(t.Context()); err != nil {
				t.Fatal(err)
			}
			after := get(t, h, "GET", target)
			if after.Header.Get("ETag") == before.Header.Get("ETag") {
				t.Fatal("the feed did not change")
			}
			t1, _ := http.ParseTime(lm)
			t2, _ := http.ParseTime(after.Header.Get("Last-Modified"))
			if !t2.After(t1) {
				t.Errorf("Last-Modified %s -> %s after a change", lm, after.Header.Get("Last-Modified"))
			}
			mustStatus(t, get(t, h, "GET", target, "If-Modified-Since", lm), 200)
			h.now = func() time.Time { return t0 }
		})
	}
}

func TestRefreshReportsChangesAndOptions(t *testing.T) {
	st := &fakeStore{entries: fixtureEntries()}
	h := New(fixtureOptions(), st, st, testLogger(t))
	h.now = func() time.Time { return t0 }

	// Served before any Refresh: rendered on demand.
	mustStatus(t, get(t, h, "GET", "/feed.atom"), 200)

	changed, err := h.Refresh(t.Context())
	if err != nil || changed {
		t.Fatalf("second look at the same set: changed=%v err=%v", changed, err)
	}
	o := fixtureOptions()
	o.Title = "새 제목"
	h.SetOptions(o)
	changed, err = h.Refresh(t.Context())
	if err != nil || changed {
		t.Fatalf("after SetOptions: changed=%v (the curated set is the same) err=%v", changed, err)
	}
	if b := body(t, get(t, h, "GET", "/feed.atom")); !bytes.Contains(b, []byte("<title>새 제목</title>")) {
		t.Errorf("new title not rendered after SetOptions and Refresh")
	}

	st.err = errors.New("database is locked")
	if _, err := h.Refresh(t.Context()); err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Errorf("Refresh hid the store's error: %v", err)
	}
	// The last good rendering is still served, and variants report the outage.
	mustStatus(t, get(t, h, "GET", "/feed.atom"), 200)
	resp := get(t, h, "GET", "/feed.atom?lang=ko")
	mustStatus(t, resp, 503)
	if b := body(t, resp); bytes.Contains(b, []byte("locked")) {
		t.Errorf("internal error leaked to the client: %q", b)
	}
}

// blockingStore holds every Curated call until release is closed.
type blockingStore struct {
	fakeStore
	release chan struct{}
}

func (s *blockingStore) Curated(ctx context.Context, q aggregate.Query) ([]aggregate.Entry, error) {
	if q.Lang != "" {
		<-s.release
	}
	return s.fakeStore.Curated(ctx, q)
}

func TestConcurrentFirstRequestsShareOneRendering(t *testing.T) {
	st := &blockingStore{fakeStore: fakeStore{entries: fixtureEntries()}, release: make(chan struct{})}
	h := New(fixtureOptions(), st, nil, testLogger(t))
	if _, err := h.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	etags := make([]string, 16)
	for i := range etags {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := get(t, h, "GET", "/feed.atom?lang=en")
			etags[i] = resp.Header.Get("ETag")
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them queue on the slot; the count below holds either way
	close(st.release)
	wg.Wait()
	if n := st.callCount(); n != 2 {
		t.Errorf("%d store calls, want 2 (the refresh and one for all 16 requests)", n)
	}
	for _, e := range etags {
		if e == "" || e != etags[0] {
			t.Fatalf("concurrent requests got different answers: %q", etags)
		}
	}
}

func TestVariantCacheIsBounded(t *testing.T) {
	o := fixtureOptions()
	o.MaxLimit = 1000
	h, _ := newTestHandler(t, o, fixtureEntries())
	for i := 1; i <= maxVariants+50; i++ {
		mustStatus(t, get(t, h, "GET", fmt.Sprintf("/feed.json?limit=%d", i)), 200)
	}
	h.mu.Lock()
	n := len(h.variants)
	h.mu.Unlock()
	if n > maxVariants {
		t.Errorf("%d cached variants, bound is %d", n, maxVariants)
	}
}

func TestThroughRealServer(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	srv := NewServer("127.0.0.1:0", h)
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 || srv.MaxHeaderBytes == 0 {
		t.Fatalf("server limits not all set: %+v", srv)
	}
	ts := httptest.NewUnstartedServer(h)
	ts.Config = srv
	ts.Start()
	defer ts.Close()

	// Go's client asks for gzip and decompresses on its own.
	resp, err := ts.Client().Get(ts.URL + "/feed.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if !resp.Uncompressed {
		t.Errorf("response was not gzip-encoded on the wire")
	}
	var f struct {
		Version string            `json:"version"`
		Items   []json.RawMessage `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&f); err != nil || len(f.Items) != len(fixtureEntries()) {
		t.Fatalf("JSON Feed over the wire: %v, %d items", err, len(f.Items))
	}

	// An oversized request header is refused.
	req, _ := http.NewRequest("GET", ts.URL+"/feed.atom", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 64<<10))
	if resp, err := ts.Client().Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("64 KiB header: status %d", resp.StatusCode)
		}
	}
}

// TestServeDuringRefresh hammers every rendering while Refresh swaps the curated
// set back and forth; run with -race it checks the snapshot handling, and every
// answer must be a whole, parseable feed of one of the two sets.
func TestServeDuringRefresh(t *testing.T) {
	h, st := newTestHandler(t, fixtureOptions(), fixtureEntries())
	short := fixtureEntries()[:2]
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			targets := []string{"/feed.atom", "/feed.atom?lang=ko", "/feed.json?limit=3", "/", "/status.json"}
			for j := 0; ; j++ {
				select {
				case <-stop:
					return
				default:
				}
				target := targets[(i+j)%len(targets)]
				resp := get(t, h, "GET", target)
				if resp.StatusCode != 200 {
					t.Errorf("%s: status %d", target, resp.StatusCode)
					return
				}
				if target == "/feed.atom" {
					if n := atomEntryCount(t, body(t, resp)); n != 2 && n != len(fixtureEntries()) {
						t.Errorf("torn feed with %d entries", n)
						return
					}
				}
			}
		}()
	}
	for i := range 30 {
		if i%2 == 0 {
			st.set(short)
		} else {
			st.set(fixtureEntries())
		}
		if _, err := h.Refresh(t.Context()); err != nil {
			t.Error(err)
		}
		h.SetSources(fixtureSources()[:1+i%3])
	}
	close(stop)
	wg.Wait()
}

// TestStoryPages serves the page of a story of 25 reports in both forms, chosen
// by path or by Accept, with the caching headers of the feeds, and reads the
// store again only after a Refresh that may have changed the story.
// TestStoryPageOfMergedStory: the page of a story merged into another (a Korean and an
// English story of one event) redirects to that story's page, in the form asked for, by a
// reference relative to the request (/story/40 to 12 is /story/12).
func TestStoryPageOfMergedStory(t *testing.T) {
	h, st := newTestHandler(t, fixtureOptions(), fixtureEntries())
	st.mu.Lock()
	st.merged = map[int64]int64{40: 12}
	st.mu.Unlock()
	for path, want := range map[string]string{"/story/40": "12", "/story/40.json": "12.json"} {
		r := get(t, h, "GET", path)
		if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != want {
			t.Errorf("%s: %d to %q, want 301 to %s", path, r.StatusCode, r.Header.Get("Location"), want)
		}
	}
	if r := get(t, h, "GET", "/story/41"); r.StatusCode != http.StatusNotFound {
		t.Errorf("/story/41: %d, want 404", r.StatusCode)
	}
}

// TestStoryPageAfterSourceRenamed: a config reload that renames a source (the
// store names its reports anew, SetSources follows, then a Refresh) shows the
// new name on a story page rendered before, though its entry is unchanged.
func TestStoryPageAfterSourceRenamed(t *testing.T) {
	h, st := newTestHandler(t, fixtureOptions(), fixtureEntries())
	calls := func() int { st.mu.Lock(); defer st.mu.Unlock(); return st.stories }
	outlets := func() []string {
		var v storyView
		if err := json.Unmarshal(body(t, get(t, h, "GET", "/story/12.json")), &v); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range v.Members[:2] {
			names = append(names, m.Outlet)
		}
		return names
	}
	if got := outlets(); !slices.Equal(got, []string{"Policy Wire", "Bare Outlet"}) {
		t.Fatalf("outlets %q before the rename", got)
	}
	entries := fixtureEntries()
	entries[1].Outlet.Name = "Policy Wire Renamed"
	st.set(entries)
	src := fixtureSources()
	src[1].Name = "Policy Wire Renamed"
	h.SetSources(src)
	if _, err := h.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := outlets(); !slices.Equal(got, []string{"Policy Wire Renamed", "Bare Outlet"}) {
		t.Errorf("outlets %q after the rename, want the new name", got)
	}
	// Sources set again unchanged (a reload of anything else) keep the pages.
	before := calls()
	h.SetSources(src)
	outlets()
	if calls() != before {
		t.Errorf("the story was read again after the same sources were set")
	}
}

func TestStoryPages(t *testing.T) {
	h, st := newTestHandler(t, fixtureOptions(), fixtureEntries())
	calls := func() int { st.mu.Lock(); defer st.mu.Unlock(); return st.stories }

	page := get(t, h, "GET", "/story/12")
	mustStatus(t, page, 200)
	b := body(t, page)
	if ct := page.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	for _, k := range []string{"Etag", "Last-Modified", "Cache-Control", "Content-Security-Policy"} {
		if page.Header.Get(k) == "" {
			t.Errorf("story page without %s", k)
		}
	}
	if !strings.Contains(page.Header.Get("Vary"), "Accept") {
		t.Errorf("Vary %q: the page answers in two forms by Accept", page.Header.Get("Vary"))
	}
	checkPage(t, b, -1)
	if n := bytes.Count(b, []byte("</li>")); n != 25 {
		t.Errorf("the page lists %d reports, want 25", n)
	}
	// The headline carries its own language (the page's chrome is English), as
	// each report's title does, so that Korean words wrap as Korean.
	for _, want := range []string{"Commerce Department tightens AI chip export rule", "Policy Wire", "연합뉴스", "25 reports in English and Korean",
		`<h1 lang="en">Commerce Department`, `rel="nofollow noopener noreferrer" lang="ko">`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the page lacks %q", want)
		}
	}

	for _, r := range []*http.Response{get(t, h, "GET", "/story/12.json"), get(t, h, "GET", "/story/12", "Accept", "application/json")} {
		mustStatus(t, r, 200)
		if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("content type %q", ct)
		}
		var v storyView
		if err := json.Unmarshal(body(t, r), &v); err != nil {
			t.Fatal(err)
		}
		if v.ID != 12 || v.Reports != 25 || len(v.Members) != 25 || !v.Members[0].Lead || v.URL != "https://feeds.example.com/ai-policy/story/12" {
			t.Fatalf("story JSON: %+v", v)
		}
		for _, m := range v.Members {
			if m.Outlet == "" || m.URL == "" || m.Language == "" || m.Published == nil {
				t.Errorf("member without outlet, link, language or time: %+v", m)
			}
		}
	}
	if calls() != 1 {
		t.Errorf("the store was asked for the story %d times, want once", calls())
	}
	if r := get(t, h, "GET", "/story/12", "If-None-Match", page.Header.Get("Etag")); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", r.StatusCode)
	}
	if r := get(t, h, "HEAD", "/story/12"); r.StatusCode != 200 || len(body(t, r)) != 0 {
		t.Errorf("HEAD: %d", r.StatusCode)
	}
	if r := get(t, h, "POST", "/story/12"); r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", r.StatusCode)
	}
	for _, p := range []string{"/story/13", "/story/999", "/story/abc", "/story/012", "/story/12/", "/story/", "/story/-1", "/story/99999999999999999999"} {
		// A browser gets the page's look and a way back; JSON asked for gets text.
		r := get(t, h, "GET", p)
		b := body(t, r)
		if r.StatusCode != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
			!bytes.Contains(b, []byte(`<h2>Not found</h2>`)) || !bytes.Contains(b, []byte(`>Show all stories</a>`)) {
			t.Errorf("%s: %d %q: %s", p, r.StatusCode, r.Header.Get("Content-Type"), b)
		}
		if r := get(t, h, "GET", p, "Accept", "application/json"); r.StatusCode != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") ||
			r.Header.Get("Vary") != "Accept" {
			t.Errorf("%s as JSON: %d %q, Vary %q", p, r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Vary"))
		}
		if r := get(t, h, "GET", p+".json"); r.StatusCode != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("%s.json: %d %q", p, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}
	// Another address: a browser gets the page's look, a program plain text.
	if r := get(t, h, "GET", "/nope", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8"); r.StatusCode != 404 ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !bytes.Contains(body(t, r), []byte(">Show all stories</a>")) ||
		r.Header.Get("Vary") != "Accept" {
		t.Errorf("/nope from a browser: %d %q, Vary %q", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Vary"))
	}
	for _, accept := range []string{"", "text/html;q=0.0", "application/json, text/html;q=0.5", "text/plain, text/html;q=0.1"} {
		if r := get(t, h, "GET", "/nope", "Accept", accept); r.StatusCode != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") ||
			r.Header.Get("Vary") != "Accept" {
			t.Errorf("/nope, Accept %q: %d %q, Vary %q", accept, r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Vary"))
		}
	}
	if b := body(t, get(t, h, "GET", "/story/999")); !bytes.Contains(b, []byte("Story 999 is not in the curated feed")) {
		t.Errorf("/story/999 does not say which story is missing: %s", b)
	}

	// A Refresh whose entries show the story unchanged keeps the page.
	before := calls()
	h.Refresh(t.Context())
	get(t, h, "GET", "/story/12")
	if calls() != before {
		t.Errorf("an unchanged story was read again after a Refresh")
	}
	// One that grew is read again, with a newer Last-Modified.
	grown := fixtureEntries()
	grown[1].Reports, grown[1].Updated = 26, t0.Add(time.Hour)
	st.set(grown)
	h.Refresh(t.Context())
	r := get(t, h, "GET", "/story/12")
	if calls() != before+1 || bytes.Count(body(t, r), []byte("</li>")) != 26 {
		t.Errorf("the story that grew: read %d times more, want once", calls()-before)
	}
	if r.Header.Get("Last-Modified") == page.Header.Get("Last-Modified") {
		t.Errorf("Last-Modified did not move: %s", r.Header.Get("Last-Modified"))
	}
}

// TestFeedUpdatedDoesNotGoBack: when the newest entry leaves the feed (a label
// takes it out), the feed's updated (Atom) and lastBuildDate (RSS) move to the
// time of the change, not back to the newest entry left.
func TestFeedUpdatedDoesNotGoBack(t *testing.T) {
	entries := fixtureEntries()
	h, st := newTestHandler(t, fixtureOptions(), entries)
	feedUpdated := func() (time.Time, string) {
		t.Helper()
		atom := string(body(t, get(t, h, "GET", "/feed.atom")))
		i := strings.Index(atom, "<updated>")
		u, err := time.Parse(time.RFC3339, atom[i+len("<updated>"):i+len("<updated>")+len("2006-01-02T15:04:05Z")])
		if err != nil {
			t.Fatal(err)
		}
		rss := string(body(t, get(t, h, "GET", "/feed.rss")))
		j := strings.Index(rss, "<lastBuildDate>")
		if j < 0 {
			return u, ""
		}
		return u, rss[j+len("<lastBuildDate>") : strings.Index(rss, "</lastBuildDate>")]
	}
	before, _ := feedUpdated()
	newest := 0
	for i := range entries {
		if entries[i].Updated.After(entries[newest].Updated) {
			newest = i
		}
	}
	st.mu.Lock()
	st.entries = slices.Delete(slices.Clone(entries), newest, newest+1)
	st.mu.Unlock()
	h.now = func() time.Time { return t0.Add(time.Minute) }
	if changed, err := h.Refresh(context.Background()); err != nil || !changed {
		t.Fatalf("refresh: %v %v", changed, err)
	}
	after, lastBuild := feedUpdated()
	if want := t0.Add(time.Minute); !after.Equal(want) || lastBuild != want.Format(time.RFC1123Z) {
		t.Errorf("updated %s -> %s, lastBuildDate %s; want %s", before, after, lastBuild, want)
	}
	// Every entry left: not back to the process's first rendering either.
	st.mu.Lock()
	st.entries = nil
	st.mu.Unlock()
	h.now = func() time.Time { return t0.Add(2 * time.Minute) }
	if changed, err := h.Refresh(context.Background()); err != nil || !changed {
		t.Fatalf("refresh: %v %v", changed, err)
	}
	if empty, _ := feedUpdated(); !empty.Equal(t0.Add(2 * time.Minute)) {
		t.Errorf("emptied feed: updated %s, want the change, %s", empty, t0.Add(2*time.Minute))
	}
}

// TestStoryPageWithACopyIsKept: a story one of whose reports is the lead's
// article from a second feed keeps its page across Refreshes that leave it
// unchanged (the page counted the copy once, the entry's version twice, and the
// two never matched: every Refresh read and rendered it again).
func TestStoryPageWithACopyIsKept(t *testing.T) {
	entries := fixtureEntries()
	e := &entries[1] // story 12
	cp := aggregate.Related{Outlet: aggregate.Outlet{Name: "Second feed", FeedURL: "https://second.example/feed"},
		Title: e.Item.Title, URL: e.Item.URL, Lang: e.Item.Lang, Published: e.Item.Published}
	e.Also = append([]aggregate.Related{cp}, e.Also...)
	e.Reports++
	h, st := newTestHandler(t, fixtureOptions(), entries)
	calls := func() int { st.mu.Lock(); defer st.mu.Unlock(); return st.stories }
	mustStatus(t, get(t, h, "GET", "/story/12"), 200)
	before := calls()
	for range 3 {
		h.Refresh(t.Context())
		get(t, h, "GET", "/story/12")
	}
	if n := calls() - before; n != 0 {
		t.Errorf("an unchanged story with a copy was read %d more times after 3 Refreshes, want 0", n)
	}
}

// TestFilteredFeedUpdatedDoesNotGoBack: as the whole feed's, a filtered feed's
// updated moves to the time of the change when its newest entry leaves.
func TestFilteredFeedUpdatedDoesNotGoBack(t *testing.T) {
	entries := fixtureEntries()
	h, st := newTestHandler(t, fixtureOptions(), entries)
	updated := func() time.Time {
		t.Helper()
		atom := string(body(t, get(t, h, "GET", "/feed.atom?lang=en")))
		i := strings.Index(atom, "<updated>") + len("<updated>")
		u, err := time.Parse(time.RFC3339, atom[i:i+len("2006-01-02T15:04:05Z")])
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	before := updated()
	newest := -1
	for i := range entries {
		if entries[i].Item.Lang == "en" && (newest < 0 || entries[i].Updated.After(entries[newest].Updated)) {
			newest = i
		}
	}
	st.mu.Lock()
	st.entries = slices.Delete(slices.Clone(entries), newest, newest+1)
	st.mu.Unlock()
	h.now = func() time.Time { return t0.Add(time.Minute) }
	if _, err := h.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := updated()
	if after.Before(before) {
		t.Errorf("?lang=en updated went back: %s -> %s", before, after)
	}
	// Changes to other entries leave this feed's updated (and bytes) alone.
	etag := get(t, h, "GET", "/feed.atom?lang=en").Header.Get("ETag")
	for i, at := range []time.Duration{2 * time.Hour, 3 * time.Hour} {
		st.mu.Lock()
		others := slices.DeleteFunc(slices.Clone(st.entries), func(e aggregate.Entry) bool { return e.Item.Lang != "en" && i == 0 })
		st.entries = others
		st.mu.Unlock()
		h.now = func() time.Time { return t0.Add(at) }
		if _, err := h.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		if u := updated(); !u.Equal(after) {
			t.Errorf("after a change to other entries: ?lang=en updated %s, want %s still", u, after)
		}
		if e := get(t, h, "GET", "/feed.atom?lang=en").Header.Get("ETag"); e != etag {
			t.Errorf("after a change to other entries: ?lang=en ETag %s, want %s still", e, etag)
		}
	}
}
