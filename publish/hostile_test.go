package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// TestOverlongStoredLinksAreNotPublished renders entries whose stored links are
// 200,000 characters long (stored before ingest dropped such links, or by hand):
// no format carries them; the entries themselves are still published.
func TestOverlongStoredLinksAreNotPublished(t *testing.T) {
	long := "https://example.org/" + strings.Repeat("a", 200_000)
	entries := fixtureEntries()
	entries[0].Item.URL = long
	entries[0].Also[0].URL = long + "/also"
	entries[1].Outlet.Link = long + "/site"
	entries[1].Outlet.FeedURL = long + "/feed"
	h, _ := newTestHandler(t, fixtureOptions(), entries)
	for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json", "/", "/status.json"} {
		resp := get(t, h, "GET", path)
		mustStatus(t, resp, 200)
		b := string(body(t, resp))
		if strings.Contains(b, strings.Repeat("a", 10_000)) {
			t.Errorf("%s carries an overlong link (%d bytes)", path, len(b))
		}
		if !strings.Contains(b, entries[0].Item.Title) {
			t.Errorf("%s lost the entry whose link was dropped", path)
		}
	}
}

// TestStatusShowsErrorKindsNotAnswers lists sources whose last error quotes what
// a server answered (a feed that redirected to an inner address, say): the
// public status pages show the error's kind, never its text.
func TestStatusShowsErrorKindsNotAnswers(t *testing.T) {
	answer := `{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"wJalrXUtnFEMI"}`
	st := &fakeStore{status: []aggregate.SourceStatus{
		{Source: fixtureSources()[0], Active: true, State: aggregate.FetchState{Status: 200, ConsecutiveErrors: 1,
			LastError: "not a feed: unknown format starting " + answer, ErrorKind: "not_feed"}},
		{Source: fixtureSources()[1], Active: true, State: aggregate.FetchState{ConsecutiveErrors: 2,
			LastError: "parse: <html>" + answer + "</html>"}}, // saved before kinds were kept
	}}
	h := New(fixtureOptions(), st, st, testLogger(t))
	for _, path := range []string{"/status", "/status.json"} {
		b := string(body(t, get(t, h, "GET", path)))
		if strings.Contains(b, "AccessKeyId") || strings.Contains(b, "ASIAEXAMPLE") {
			t.Errorf("%s publishes a remote answer:\n%s", path, b)
		}
		if !strings.Contains(b, "not_feed") {
			t.Errorf("%s does not name the error's kind", path)
		}
	}
}

// manyEntries returns n entries with a few KB of distinct text each, newest first.
func manyEntries(n int) []aggregate.Entry {
	out := make([]aggregate.Entry, n)
	for i := range out {
		e := fixtureEntries()[1]
		e.ID = fmt.Sprintf("urn:uuid:00000000-0000-5000-8000-%012d", i)
		e.Item.URL = fmt.Sprintf("https://policywire.example.org/2025/03/%d", i)
		e.Item.Title = fmt.Sprintf("Rule %d on AI chips", i)
		var b strings.Builder
		for j := range 10 {
			fmt.Fprintf(&b, "<p>Paragraph %d of item %d: %x.</p>", j, i, sha256.Sum256([]byte{byte(i), byte(i >> 8), byte(j)}))
		}
		e.Item.Content = b.String()
		e.Item.Published = t0.Add(-time.Duration(i) * time.Minute)
		out[i] = e
	}
	return out
}

// cachedBytes sums what the cached variants hold.
func cachedBytes(h *Handler) (n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range h.variants {
		select {
		case <-s.ready:
			if s.doc != nil {
				n += len(s.doc.body) + len(s.doc.gz)
			}
		default:
		}
	}
	return n
}

// TestVariantCacheIsBoundedByBytes asks for 64 different limits in two formats
// of a large feed: every answer is right, and the renderings kept stay within
// the cache's byte budget.
func TestVariantCacheIsBoundedByBytes(t *testing.T) {
	o := fixtureOptions()
	o.MaxLimit = 300
	o.CacheBytes = 1 << 20
	h, _ := newTestHandler(t, o, manyEntries(300))
	for i := range 64 {
		limit := 101 + 3*i
		for _, f := range []string{"feed.atom", "feed.json"} {
			resp := get(t, h, "GET", fmt.Sprintf("/%s?limit=%d", f, limit))
			mustStatus(t, resp, 200)
			b := body(t, resp)
			if n := bytes.Count(b, []byte("on AI chips")); n != limit {
				t.Fatalf("%s?limit=%d: %d entries", f, limit, n)
			}
		}
		n := cachedBytes(h)
		if n > int(o.CacheBytes) {
			t.Fatalf("after %d limits the cache holds %d bytes, over its %d", i+1, n, o.CacheBytes)
		}
		h.mu.Lock()
		counted := h.cached
		h.mu.Unlock()
		if counted != int64(n) {
			t.Fatalf("the cache counts %d bytes, holds %d", counted, n)
		}
	}
	// What is cached is served from the cache.
	h.mu.Lock()
	kept := len(h.variants)
	h.mu.Unlock()
	if kept == 0 {
		t.Errorf("nothing was cached")
	}
}

// countingStore counts the variant queries in flight and holds them until
// release is closed.
type countingStore struct {
	fakeStore
	release           chan struct{}
	mu                sync.Mutex
	inFlight, maxSeen int
}

func (s *countingStore) Curated(ctx context.Context, q aggregate.Query) ([]aggregate.Entry, error) {
	if q.Limit != 100 {
		s.mu.Lock()
		s.inFlight++
		s.maxSeen = max(s.maxSeen, s.inFlight)
		s.mu.Unlock()
		<-s.release
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}
	return s.fakeStore.Curated(ctx, q)
}

// TestVariantRenderingsAreFewAtOnce sends sixteen requests for sixteen
// different limits at once: no more than a few are rendered at a time, the rest
// wait their turn, and every one is answered.
func TestVariantRenderingsAreFewAtOnce(t *testing.T) {
	st := &countingStore{fakeStore: fakeStore{entries: manyEntries(200)}, release: make(chan struct{})}
	o := fixtureOptions()
	h := New(o, st, nil, testLogger(t))
	if _, err := h.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	codes := make([]int, 16)
	for i := range codes {
		wg.Go(func() { codes[i] = get(t, h, "GET", fmt.Sprintf("/feed.rss?limit=%d", 120+i)).StatusCode })
	}
	time.Sleep(200 * time.Millisecond) // let them all arrive; the bound below holds either way
	close(st.release)
	wg.Wait()
	for i, c := range codes {
		if c != 200 {
			t.Errorf("request %d: status %d", i, c)
		}
	}
	if st.maxSeen > renderSlots {
		t.Errorf("%d variant renderings at once, bound is %d", st.maxSeen, renderSlots)
	}
}

// TestSourceSecretsAreNotPublished serves sources whose URLs carry credentials
// and secret query parameters, from a feed that echoes its token into its own
// id, its site link, an item's link and id, and its text (title, summary,
// author, the feed's title: "manage this alert at ...?token=..."): no public
// output carries a secret, in any format.
func TestSourceSecretsAreNotPublished(t *testing.T) {
	secrets := []string{"s3cr3tpw", "tok_abcd", "KEY98765", "alice:"} // starts of secrets: a cut one counts
	private := aggregate.Outlet{Name: "Private", Title: "Private feed tok_abcdef123",
		FeedURL: "https://alice:s3cr3tpw@feeds.example/private.xml?token=tok_abcdef123&lang=ko",
		Link:    "https://feeds.example/?token=tok_abcdef123", FeedID: "https://feeds.example/private.xml?token=tok_abcdef123"}
	keyed := aggregate.Outlet{Name: "Keyed", FeedURL: "https://api.example/v1/feed?api_key=KEY987654"}
	entries := fixtureEntries()
	entries[0].Outlet = private
	entries[0].ID = "https://feeds.example/a/1?token=tok_abcdef123"
	entries[0].Item.URL = "https://feeds.example/a/1?token=tok_abcdef123"
	entries[0].Item.Content += `<p><a href="https://feeds.example/a/2?token=tok_abcdef123">more</a></p>`
	entries[0].Item.Title += " (your key tok_abcdef123)"
	entries[0].Item.Summary += " Manage this alert at https://feeds.example/manage?token=tok_abcdef123"
	entries[1].Item.Summary = "Reported at https://api.example/v1/item?api_key=KEY98765…" // cut where the store cut it
	entries[0].Item.Author = "alerts+tok_abcdef123@tracker.example"
	entries[0].Also[0].Title += " KEY987654"
	entries[0].Also[0].Outlet = keyed
	entries[0].Also[0].URL = "https://api.example/v1/item/7?api_key=KEY987654"
	entries[1].Outlet = keyed
	entries[1].ID = ""
	st := &fakeStore{entries: entries, status: []aggregate.SourceStatus{
		{Source: aggregate.Source{ID: 1, Name: "Private", URL: private.FeedURL}, Active: true,
			State: aggregate.FetchState{CurrentURL: "https://alice:s3cr3tpw@feeds.example/v2.xml?token=tok_abcdef123", LastSuccess: t0,
				FeedTitle: "Private feed tok_abcdef123"}},
		{Source: aggregate.Source{ID: 2, Name: "", URL: keyed.FeedURL}, Active: true},
	}}
	h := New(fixtureOptions(), st, st, testLogger(t))
	h.SetSources([]aggregate.Source{{ID: 1, Name: "Private", URL: private.FeedURL}, {ID: 2, URL: keyed.FeedURL}})
	if _, err := h.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	story := fmt.Sprintf("/story/%d", entries[0].Item.StoryID)
	for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json", "/", "/sources.opml", "/status", "/status.json",
		"/feed.atom?lang=ko", "/feed.json?limit=3", story, story + ".json", "/search?q=key"} {
		resp := get(t, h, "GET", path)
		mustStatus(t, resp, 200)
		b := string(body(t, resp))
		for _, s := range secrets {
			if strings.Contains(b, s) {
				i := strings.Index(b, s)
				t.Errorf("%s publishes %q: ...%s...", path, s, b[max(0, i-80):min(len(b), i+40)])
			}
		}
		if path == "/sources.opml" && !strings.Contains(b, "feeds.example/private.xml") {
			t.Errorf("%s dropped the source rather than its secrets:\n%s", path, b)
		}
	}
	dir := t.TempDir()
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range exportNames {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		for _, s := range secrets {
			if strings.Contains(string(b), s) {
				t.Errorf("exported %s carries %q", name, s)
			}
		}
	}
}

// TestControlCharactersKeepFeedsWellFormed: a body holding characters XML cannot
// carry (a control character as a reference, a stray byte) leaves every XML
// format well-formed. RSS puts the body in CDATA, where nothing is escaped.
func TestControlCharactersKeepFeedsWellFormed(t *testing.T) {
	entries := fixtureEntries()
	entries[0].Item.Content = "<p>budget&#1;line &#12; x \x02 and a stray \xff byte</p>"
	h, _ := newTestHandler(t, fixtureOptions(), entries)
	for _, path := range []string{"/feed.rss", "/feed.atom"} {
		resp := get(t, h, "GET", path)
		mustStatus(t, resp, 200)
		b := body(t, resp)
		d := xml.NewDecoder(bytes.NewReader(b))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s is not well-formed XML: %v", path, err)
				break
			}
		}
		if !bytes.Contains(b, []byte("budgetline")) {
			t.Errorf("%s lost the body's text", path)
		}
	}
}

// TestRSSItemWithoutLink: an item whose original has no link gets no <link>
// element, rather than an empty one that readers resolve to the feed itself.
func TestRSSItemWithoutLink(t *testing.T) {
	entries := fixtureEntries()
	entries[0].Item.URL = ""
	h, _ := newTestHandler(t, fixtureOptions(), entries)
	b := body(t, get(t, h, "GET", "/feed.rss"))
	if bytes.Contains(b, []byte("<link></link>")) || bytes.Contains(b, []byte("<link/>")) {
		t.Errorf("/feed.rss has an empty link:\n%s", b)
	}
	if n := bytes.Count(b, []byte("<link>")); n != len(entries) {
		t.Errorf("/feed.rss has %d links, want %d (the channel's and every item's but one)", n, len(entries))
	}
}

// TestRerenderedVariantMovesLastModified: a query variant rendered again with
// other bytes (its relative times went stale) gets a later Last-Modified, so a
// client asking If-Modified-Since with the old date gets the new page, not 304.
func TestRerenderedVariantMovesLastModified(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	now := t0
	h.now = func() time.Time { return now }
	r1 := get(t, h, "GET", "/?lang=ko")
	mustStatus(t, r1, 200)
	b1, lm1 := body(t, r1), r1.Header.Get("Last-Modified")
	now = t0.Add(3 * time.Hour)
	r2 := get(t, h, "GET", "/?lang=ko")
	mustStatus(t, r2, 200)
	b2, lm2 := body(t, r2), r2.Header.Get("Last-Modified")
	if bytes.Equal(b1, b2) {
		t.Fatal("the page did not change in three hours: the test needs relative times that move")
	}
	d1, err1 := http.ParseTime(lm1)
	d2, err2 := http.ParseTime(lm2)
	if err1 != nil || err2 != nil || !d2.After(d1) {
		t.Errorf("Last-Modified %q then %q for other bytes; want a later one", lm1, lm2)
	}
	if r := get(t, h, "GET", "/?lang=ko", "If-Modified-Since", lm1); r.StatusCode != 200 {
		t.Errorf("If-Modified-Since the old date: %d, want 200", r.StatusCode)
	}
}

// TestManyQueriesAtOnceAreTurnedAway: more different queries at once than the
// variant cache holds, while the store is slow, are answered 503 with
// Retry-After at once instead of each waiting for a render slot.
func TestManyQueriesAtOnceAreTurnedAway(t *testing.T) {
	h, st := newTestHandler(t, fixtureOptions(), fixtureEntries())
	block := make(chan struct{})
	st.mu.Lock()
	st.block = block
	st.mu.Unlock()
	const n = maxVariants + 40
	codes := make(chan int, n)
	retry := make(chan string, n)
	for i := range n {
		go func() {
			resp := get(t, h, "GET", fmt.Sprintf("/feed.atom?before=%d", 1741593600-i))
			codes <- resp.StatusCode
			retry <- resp.Header.Get("Retry-After")
		}()
	}
	busy := 0
	deadline := time.After(5 * time.Second)
	for busy < n-maxVariants {
		select {
		case c := <-codes:
			if r := <-retry; c != http.StatusServiceUnavailable || r == "" {
				t.Fatalf("while %d renderings wait: %d (Retry-After %q), want 503 with Retry-After", maxVariants, c, r)
			}
			busy++
		case <-deadline:
			close(block)
			t.Fatalf("after 5 s only %d of %d requests past the %d renderings under way were turned away", busy, n-maxVariants, maxVariants)
		}
	}
	close(block)
	for range maxVariants {
		if c := <-codes; c != 200 {
			t.Errorf("a waiting rendering ended with %d, want 200", c)
		}
		<-retry
	}
}

// TestEveryHTMLPageSetsItsPolicies: the status page and the empty feed's page,
// rendered fresh, send the same Content-Security-Policy and Referrer-Policy as
// the cached pages.
func TestEveryHTMLPageSetsItsPolicies(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	empty, _ := newTestHandler(t, fixtureOptions(), nil)
	for _, c := range []struct {
		h    http.Handler
		path string
	}{{h, "/"}, {h, "/status"}, {empty, "/"}} {
		resp := get(t, c.h, "GET", c.path)
		mustStatus(t, resp, 200)
		if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("Referrer-Policy") != "strict-origin-when-cross-origin" {
			t.Errorf("%s: CSP %q, Referrer-Policy %q", c.path, resp.Header.Get("Content-Security-Policy"), resp.Header.Get("Referrer-Policy"))
		}
	}
}
