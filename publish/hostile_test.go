package publish

import (
	"strings"
	"testing"
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
