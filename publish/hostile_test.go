package publish

import (
	"github.com/gleaner/gleaner/aggregate"
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
