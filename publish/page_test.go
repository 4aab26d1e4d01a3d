package publish

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// TestUnknownCategoryNamesTheKnownOnes: a category the topic profile does not
// have is a mistake, answered 400 with the ones it has, in every format and
// on the page; a known one that matches nothing is an empty answer, and the
// page says the filter matched nothing.
func TestUnknownCategoryNamesTheKnownOnes(t *testing.T) {
	o := fixtureOptions()
	o.Facets = []string{"competition", "copyright", "export-control", "regulation"}
	h, _ := newTestHandler(t, o, fixtureEntries())
	for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json", "/"} {
		resp := get(t, h, "GET", path+"?category=export-controls")
		mustStatus(t, resp, 400)
		b := string(body(t, resp))
		if path == "/" {
			b = html.UnescapeString(b)
		}
		if want := `unknown category "export-controls": the categories are competition, copyright, export-control, regulation`; !strings.Contains(b, want) {
			t.Errorf("%s: %q, want it to say %q", path, b, want)
		}
		ok := get(t, h, "GET", path+"?category=regulation")
		mustStatus(t, ok, 200)
		// Case aside, as lang=KO is ko.
		other := get(t, h, "GET", path+"?category=Regulation")
		mustStatus(t, other, 200)
		if a, b := body(t, ok), body(t, other); !bytes.Equal(a, b) {
			t.Errorf("%s?category=Regulation differs from ?category=regulation:\n%s\n%s", path, b, a)
		}
	}
	resp := get(t, h, "GET", "/?category=competition&lang=ko")
	mustStatus(t, resp, 200)
	page := string(body(t, resp))
	checkPage(t, []byte(page), 0)
	for _, want := range []string{"No stories match 한국어 · competition.", `<a href="https://feeds.example.com/ai-policy/">Show all stories</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page of a filter that matched nothing lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "No stories yet") {
		t.Errorf("the page of a filter that matched nothing says the feed is empty")
	}
}

// TestEmptyPageSaysWhy: while the curated feed is empty, the page says what
// the sources did, when the next poll is, and links to /status; it is
// rendered for each request, so that it follows the polls.
func TestEmptyPageSaysWhy(t *testing.T) {
	src := fixtureSources()
	failed := func(kind string) aggregate.FetchState {
		return aggregate.FetchState{LastAttempt: t0.Add(-time.Minute), ConsecutiveErrors: 1, ErrorKind: kind, NextFetch: t0.Add(14 * time.Minute)}
	}
	answered := aggregate.FetchState{LastAttempt: t0.Add(-time.Minute), LastSuccess: t0.Add(-time.Minute), NextFetch: t0.Add(9 * time.Minute)}
	keptOld := answered
	keptOld.ItemsSeen, keptOld.ItemsKept = 5, 5
	cases := []struct {
		name   string
		states []aggregate.FetchState
		want   []string
	}{
		{"first poll under way", []aggregate.FetchState{{}, {}, {}},
			[]string{"gleaner polls 3 sources, and their first poll is under way"}},
		{"first poll of one source", []aggregate.FetchState{{}},
			[]string{"gleaner polls 1 source, and its first poll is under way"}},
		{"offline", []aggregate.FetchState{failed("dns"), failed("dns"), failed("dns")},
			[]string{"No source has answered yet: 0 of 3 sources answered: 3 DNS errors — is this machine online?", "Next poll: ", ">in 14 min</time>", `title="2025-03-10 18:14 KST"`}},
		{"nothing kept", []aggregate.FetchState{answered, answered, failed("not_found")},
			[]string{"2 of 3 sources answered: 1 not found (404). No item they sent has passed the topic filter yet.", ">in 9 min</time>"}},
		// Items kept while a source is still being polled for the first time: the
		// round publishes them as it goes, not the max_age story below.
		{"kept, first poll under way", []aggregate.FetchState{keptOld, {}},
			[]string{"1 of 2 sources answered; 1 not polled yet. The topic filter has kept 5 of the items they sent so far, which are published as the poll goes on (unless they were older than the feed's max_age"}},
		// Items the filter kept that are older than max_age are stored, not published:
		// the page does not blame the filter.
		{"kept but too old", []aggregate.FetchState{keptOld, answered, answered},
			[]string{"3 of 3 sources answered. The topic filter has kept 5 of the items they sent, but none is published: an item older than the feed's max_age",
				"(raising max_age does not change that: gleaner label URL in publishes one)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, st := newTestHandler(t, fixtureOptions(), nil)
			st.mu.Lock()
			for i, state := range c.states {
				st.status = append(st.status, aggregate.SourceStatus{Source: src[i], Active: true, State: state})
			}
			st.mu.Unlock()
			resp := get(t, h, "GET", "/")
			mustStatus(t, resp, 200)
			if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("Cache-Control %q: the empty page changes with every poll", cc)
			}
			page := string(body(t, resp))
			checkPage(t, []byte(page), 0)
			for _, want := range append(c.want, "No stories yet", `<a href="https://feeds.example.com/ai-policy/status">Source status</a>`) {
				if !strings.Contains(page, want) {
					t.Errorf("the empty page lacks %q:\n%s", want, page)
				}
			}
		})
	}
}

// TestRelativeTimesStayTrue: the page says how long ago each story was
// published, counted from when it is served: a page a minute old is
// rendered again, with new validators; times are in the display zone.
func TestRelativeTimesStayTrue(t *testing.T) {
	o := fixtureOptions()
	o.Location = time.UTC
	h, _ := newTestHandler(t, o, fixtureEntries())
	now := t0
	h.now = func() time.Time { return now }
	for _, path := range []string{"/", "/?lang=ko"} {
		now = t0
		first := get(t, h, "GET", path)
		page := string(body(t, first))
		if want := `<time datetime="2025-03-10T08:30:00Z" title="2025-03-10 08:30 UTC">30 min ago</time>`; !strings.Contains(page, want) {
			t.Errorf("%s lacks %s", path, want)
		}
		now = now.Add(2 * time.Hour)
		again := get(t, h, "GET", path, "If-None-Match", first.Header.Get("ETag"))
		mustStatus(t, again, 200)
		page = string(body(t, again))
		if want := `title="2025-03-10 08:30 UTC">2 h ago</time>`; !strings.Contains(page, want) {
			t.Errorf("%s two hours later lacks %s", path, want)
		}
		if again.Header.Get("ETag") == first.Header.Get("ETag") {
			t.Errorf("%s: the page rendered again kept its ETag", path)
		}
	}
}

func TestClockAgo(t *testing.T) {
	c := clock{loc: time.UTC, now: t0}
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{t0.Add(-30 * time.Second), "just now"},
		{t0.Add(-5 * time.Minute), "5 min ago"},
		{t0.Add(-61 * time.Minute), "1 h ago"},
		{t0.Add(-47 * time.Hour), "47 h ago"},
		{t0.Add(-72 * time.Hour), "3 d ago"},
		{t0.Add(14*time.Minute + 30*time.Second), "in 14 min"},
		{t0.Add(20 * time.Second), "in under a minute"},
		{t0.Add(3 * time.Hour), "in 3 h"},
		{time.Time{}, "—"},
	} {
		if got := c.ago(tc.t); got != tc.want {
			t.Errorf("ago(%v) = %q, want %q", tc.t.Sub(t0), got, tc.want)
		}
	}
	if got := c.due(t0.Add(-time.Minute)); got != "now" {
		t.Errorf("a poll overdue is due %q, want now", got)
	}
	if got := c.due(t0.Add(time.Hour)); got != "in 1 h" {
		t.Errorf("a poll in an hour is due %q", got)
	}
	if got := (clock{loc: kst}).ago(t0); got != "2025-03-10 18:00 KST" {
		t.Errorf("without a moment of its own, ago gives the time: %q", got)
	}
}

// TestErrorPageTitleIsPlainText: the feed's title is plain text on the error
// page as on the others (it showed "Test <b>feed</b>", the markup escaped).
func TestErrorPageTitleIsPlainText(t *testing.T) {
	o := fixtureOptions()
	o.Title = "Test <b>feed</b>"
	h, _ := newTestHandler(t, o, fixtureEntries())
	for _, path := range []string{"/", "/?category=nope", "/story/999999"} {
		page := string(body(t, get(t, h, "GET", path)))
		if !strings.Contains(page, "Test feed</") || strings.Contains(page, "&lt;b&gt;") {
			t.Errorf("%s: the feed's title is not plain text:\n%s", path, page)
		}
	}
}
