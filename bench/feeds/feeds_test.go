package feeds

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

var base = time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)

func TestDeterministic(t *testing.T) {
	a, b := New(40, base), New(40, base)
	for i := range 40 {
		da, _ := a.Render(i, 0)
		db, _ := b.Render(i, 0)
		if !bytes.Equal(da, db) {
			t.Fatalf("feed %d differs between two corpora with the same base", i)
		}
	}
}

func TestFeedsParseWithRealisticShape(t *testing.T) {
	const n = 200
	c := New(n, base)
	p := gofeed.NewParser()
	var total, aiItems, items int
	langs, formats, charsets := map[string]int{}, map[Format]int{}, map[string]int{}
	for i := range n {
		o := c.Outlet(i)
		langs[o.Lang]++
		formats[o.Format]++
		charsets[o.Charset]++
		body, ct := c.Render(i, 0)
		if len(body) < 28<<10 || len(body) > 155<<10 {
			t.Errorf("feed %d (%s %s, target %d): %d bytes, want 30-150 KB", i, o.Lang, o.Format, o.Target, len(body))
		}
		total += len(body)
		f, err := p.Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("feed %d (%s, %s): %v", i, o.Format, ct, err)
		}
		if len(f.Items) != ItemsPerFeed {
			t.Fatalf("feed %d: %d items, want %d", i, len(f.Items), ItemsPerFeed)
		}
		seen := map[string]bool{}
		for _, it := range f.Items {
			if it.Title == "" || it.Link == "" || it.GUID == "" && o.Format != Atom {
				t.Fatalf("feed %d: item without title, link or id: %+v", i, it)
			}
			if seen[it.Link] {
				t.Fatalf("feed %d: link %s listed twice", i, it.Link)
			}
			seen[it.Link] = true
		}
		for _, it := range c.Items(i, 0) {
			items++
			if it.AIPolicy {
				aiItems++
			}
		}
	}
	if langs["ko"] < n/3 || langs["en"] < n/3 {
		t.Errorf("languages %v: want a mix of Korean and English", langs)
	}
	if formats[RSS] == 0 || formats[Atom] == 0 || formats[JSON] == 0 || charsets["euc-kr"] == 0 {
		t.Errorf("formats %v, charsets %v: want every format and some EUC-KR", formats, charsets)
	}
	if share := float64(aiItems) / float64(items); share < 0.15 || share > 0.25 {
		t.Errorf("AI-policy share %.2f, want about 1 in 5", share)
	}
	if mean := total / n; mean < 50<<10 || mean > 100<<10 {
		t.Errorf("mean feed size %d, want about 70 KB", mean)
	}
}

func TestEUCKRFeedIsEncoded(t *testing.T) {
	c := New(200, base)
	for i := range c.Len() {
		if c.Outlet(i).Charset != "euc-kr" {
			continue
		}
		body, ct := c.Render(i, 0)
		if ct != "application/rss+xml; charset=euc-kr" || !bytes.Contains(body[:60], []byte(`encoding="euc-kr"`)) {
			t.Fatalf("feed %d: content type %q, head %q", i, ct, body[:60])
		}
		f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if f.Items[0].Title != c.Items(i, 0)[0].Title {
			t.Fatalf("decoded title %q, want %q", f.Items[0].Title, c.Items(i, 0)[0].Title)
		}
		return
	}
	t.Fatal("no EUC-KR feed among 200")
}

func get(t *testing.T, url string, hdr http.Header) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header = hdr
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestServerETagGzipAndAdvance(t *testing.T) {
	c := New(30, base)
	s, err := Serve(c, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.URL(0) == s.URL(1) || s.URL(0)[:22] == s.URL(1)[:22] {
		t.Fatalf("feeds 0 and 1 share a host: %s %s", s.URL(0), s.URL(1))
	}
	resp, body := get(t, s.URL(3), http.Header{})
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" || !bytes.Equal(body, s.Doc(3)) {
		t.Fatalf("status %d, etag %q, body %d bytes", resp.StatusCode, etag, len(body))
	}
	resp, body = get(t, s.URL(3), http.Header{"If-None-Match": {etag}})
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("revalidation: status %d with %d bytes, want 304", resp.StatusCode, len(body))
	}
	resp, body = get(t, s.URL(3), http.Header{"Accept-Encoding": {"gzip"}})
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip: %v, encoding %q", err, resp.Header.Get("Content-Encoding"))
	}
	if plain, _ := io.ReadAll(zr); !bytes.Equal(plain, s.Doc(3)) {
		t.Fatal("gzip body differs from the document")
	}

	old0 := c.Items(0, 0)
	changed := s.Advance(10)
	if len(changed) != 3 || changed[0] != 0 || changed[1] != 10 {
		t.Fatalf("Advance(10) changed %v, want [0 10 20]", changed)
	}
	resp, body = get(t, s.URL(0), http.Header{"If-None-Match": {`"x"`}})
	if resp.Header.Get("ETag") == "" || resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, it := range old0 {
		known[it.Link] = true
	}
	fresh := 0
	for _, it := range f.Items {
		if !known[it.Link] {
			fresh++
		}
	}
	if fresh != NewPerChange || len(f.Items) != ItemsPerFeed {
		t.Fatalf("after Advance: %d new of %d items, want %d of %d", fresh, len(f.Items), NewPerChange, ItemsPerFeed)
	}
	// An unchanged feed keeps its validator; a changed one does not.
	if resp, _ := get(t, s.URL(3), http.Header{"If-None-Match": {etag}}); resp.StatusCode != 304 {
		t.Fatalf("unchanged feed after Advance: status %d", resp.StatusCode)
	}
	s.Reset()
	if !bytes.Equal(s.Doc(0), mustRender(c, 0)) {
		t.Fatal("Reset did not restore feed 0")
	}
	if req, nm, _ := s.Stats(); req != 5 || nm != 2 {
		t.Fatalf("stats: %d requests, %d not modified", req, nm)
	}
}

func mustRender(c *Corpus, i int) []byte {
	b, _ := c.Render(i, 0)
	return b
}

func BenchmarkRender(b *testing.B) {
	c := New(100, base)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body, _ := c.Render(i%100, 0)
		b.SetBytes(int64(len(body)))
	}
}

// TestFarmCarriesOneStory checks that every AI-policy item of a farm reports
// one event, within hours of each other.
func TestFarmCarriesOneStory(t *testing.T) {
	c := NewFarm(50, base)
	titles := map[string]bool{}
	var first, last time.Time
	ai := 0
	for i := range 50 {
		for _, it := range c.Items(i, 0) {
			if first.IsZero() || it.Published.Before(first) {
				first = it.Published
			}
			last = latestOf(last, it.Published)
			if it.AIPolicy {
				ai++
				titles[it.Title] = true
			}
		}
	}
	if ai < 50*ItemsPerFeed/8 || ai > 50*ItemsPerFeed/3 {
		t.Errorf("%d AI-policy items of %d, want about one in five", ai, 50*ItemsPerFeed)
	}
	// One event, in the six Korean and five English ways of titling it.
	if len(titles) < 2 || len(titles) > 11 {
		t.Errorf("%d distinct titles, want the wordings of one event in two languages", len(titles))
	}
	if span := last.Sub(first); span > 6*time.Hour {
		t.Errorf("the items span %s, want a few hours", span)
	}
}

func latestOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// TestSizedCorpusAndInFlight: a sized corpus lists the newest items of the full
// one, and the server counts the requests one host serves at once.
func TestSizedCorpusAndInFlight(t *testing.T) {
	base := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	full, small := New(4, base), NewSized(4, 10, base)
	if small.PerFeed() != 10 {
		t.Fatalf("PerFeed %d", small.PerFeed())
	}
	a, b := full.Items(1, 0), small.Items(1, 0)
	if len(b) != 10 || b[0].GUID != a[0].GUID || b[9].GUID != a[9].GUID {
		t.Errorf("sized feed: %d items, first %q last %q; want the newest 10 of %d", len(b), b[0].GUID, b[9].GUID, len(a))
	}
	srv, err := Serve(small, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, u := range srv.URLs() {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if n := srv.MaxInFlightPerHost(); n != 1 {
		t.Errorf("one request at a time: most in flight on one host %d, want 1", n)
	}
}
