package publish

import (
	"strings"
	"testing"
)

// TestHostileBodyIsBounded: a body the HTML parser would make many times
// larger (it reopens every open formatting element in each paragraph) is
// published without those elements, its text kept, at no more than its own
// size (sanitize's budget; before it, such a body was left out, after the
// work was done); an ordinary body is kept. Each body is sanitised once for
// every rendering that shows it.
func TestHostileBodyIsBounded(t *testing.T) {
	entries := fixtureEntries()[:2]
	bomb := strings.Repeat("<p><b><i><u><s>x", 100<<10/16)
	entries[1].Item.Content = bomb
	entries[1].Item.Summary = "A summary of the hostile item."
	h, _ := newTestHandler(t, fixtureOptions(), entries)
	for _, path := range []string{"/feed.atom", "/feed.json", "/feed.rss", "/"} {
		resp := get(t, h, "GET", path)
		mustStatus(t, resp, 200)
		b := body(t, resp)
		if len(b) > 512<<10 {
			t.Errorf("%s: %d bytes for two entries, one of 100 KB of input", path, len(b))
		}
		if !strings.Contains(string(b), "A summary of the hostile item.") {
			t.Errorf("%s lacks the hostile item's summary", path)
		}
		if path != "/" && !strings.Contains(string(b), "브리핑") { // the ordinary entry's body (the page shows none): its image's alt text
			t.Errorf("%s lacks the ordinary entry's body", path)
		}
	}
	bodies.mu.Lock()
	before := bodies.made
	bodies.mu.Unlock()
	for range 20 {
		if got := bodies.body(bomb, entries[1].Item.URL); len(got) > len(bomb) || strings.Contains(got, "<b>") || strings.Count(got, "x") != strings.Count(bomb, "x") {
			t.Fatalf("the hostile body: %d bytes from %d, %d <b>, %d of its %d x", len(got), len(bomb), strings.Count(got, "<b>"), strings.Count(got, "x"), strings.Count(bomb, "x"))
		}
	}
	bodies.mu.Lock()
	made := bodies.made - before
	bodies.mu.Unlock()
	if made != 0 {
		t.Errorf("20 more look-ups sanitised the body %d times, want none: it was sanitised for the documents already", made)
	}
}

// TestOriginIsNamedWithItsFeed: an item's <source> names the outlet whose
// report it is (an aggregator's item), but any feed can write one: the feeds
// name the feed it came through with it, as the page does ("via"), so that a
// source cannot pass its items off as another outlet's in readers.
func TestOriginIsNamedWithItsFeed(t *testing.T) {
	entries := fixtureEntries()[:1]
	entries[0].Outlet.Origin = "Yonhap News Agency"
	entries[0].Outlet.OriginLink = "https://en.yna.co.kr/"
	entries[0].Outlet.Name = "Other Wire"
	entries[0].Item.Author = ""
	// A related report claims an outlet too.
	entries[0].Also[0].Outlet.Origin = "Reuters"
	entries[0].Also[0].Outlet.Name = "Spoof Wire"
	h, _ := newTestHandler(t, fixtureOptions(), entries)
	for path, want := range map[string]string{
		"/status.json": `"outlet": "Yonhap News Agency (via Other Wire)"`,
		"/feed.atom":   "<name>Yonhap News Agency (via Other Wire)</name>",
		"/feed.rss":    "<dc:creator>Yonhap News Agency (via Other Wire)</dc:creator>",
		"/feed.json":   `"name": "Yonhap News Agency (via Other Wire)"`,
	} {
		want := []string{want, "Reuters (via Spoof Wire)"}
		if path == "/feed.json" {
			want = append(want, `"outlet": "Yonhap News Agency (via Other Wire)"`)
		}
		resp := get(t, h, "GET", path)
		mustStatus(t, resp, 200)
		b := string(body(t, resp))
		for _, w := range want {
			if !strings.Contains(b, w) {
				t.Errorf("%s: no %s in\n%.3000s", path, w, b)
			}
		}
	}
}
