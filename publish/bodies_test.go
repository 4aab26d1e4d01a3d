package publish

import (
	"strings"
	"testing"
)

// TestHostileBodyIsLeftOut: a body the sanitiser would make many times larger
// (the HTML parser reopens every open formatting element in each paragraph)
// is left out of the documents, which show the entry's summary; an ordinary
// body is kept. Each body is sanitised once for every rendering that shows it.
func TestHostileBodyIsLeftOut(t *testing.T) {
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
		if got := bodies.body(bomb, entries[1].Item.URL); got != "" {
			t.Fatalf("the hostile body was kept: %d bytes", len(got))
		}
	}
	bodies.mu.Lock()
	made := bodies.made - before
	bodies.mu.Unlock()
	if made != 0 {
		t.Errorf("20 more look-ups sanitised the body %d times, want none: it was sanitised for the documents already", made)
	}
}
