package publish

import (
	"slices"
	"strings"
	"testing"

	"github.com/gleaner/gleaner/aggregate"
)

// TestUnnamedSourceIsCreditedByItsFeedTitle: a source the config does not name is
// named by its URL's host; readers see the feed's own title with it, which tells
// two outlets on one host apart, and the host, which the feed cannot choose. A
// source named in the config keeps its name.
func TestUnnamedSourceIsCreditedByItsFeedTitle(t *testing.T) {
	for _, c := range []struct {
		o    aggregate.Outlet
		want string
	}{
		{aggregate.Outlet{Name: "127.0.0.1:19650", Title: "Tricky & Co. Wire", FeedURL: "http://127.0.0.1:19650/a.xml"}, "Tricky & Co. Wire (127.0.0.1:19650)"},
		{aggregate.Outlet{Name: "news.example.com", Title: "코리아 & 정책", FeedURL: "https://news.example.com/rss"}, "코리아 & 정책 (news.example.com)"},
		// The feed cannot pass for another outlet, nor fill the page.
		{aggregate.Outlet{Name: "evil.example", Title: "Reuters", FeedURL: "https://evil.example/feed"}, "Reuters (evil.example)"},
		{aggregate.Outlet{Name: "evil.example", Title: strings.Repeat("x", 20000), FeedURL: "https://evil.example/feed"}, strings.Repeat("x", 80) + " (evil.example)"},
		{aggregate.Outlet{Name: "news.example.com", FeedURL: "https://news.example.com/rss"}, "news.example.com"},
		{aggregate.Outlet{Name: "Policy Wire", Title: "PW all stories", FeedURL: "https://news.example.com/rss"}, "Policy Wire"},
		// A title that says nothing more than the host, or nothing visible.
		{aggregate.Outlet{Name: "example.com", Title: "Example.com", FeedURL: "https://example.com/rss"}, "example.com"},
		{aggregate.Outlet{Name: "example.com", Title: "\u200b", FeedURL: "https://example.com/rss"}, "example.com"},
	} {
		if got := outletOf(c.o).Name; got != c.want {
			t.Errorf("outletOf(%+v).Name = %q, want %q", c.o, got, c.want)
		}
	}
}

// TestBylineThatIsTheFeedTitleIsHidden: an item whose author is its feed's own
// title (a blog signing as itself) shows no byline beside the outlet credit.
func TestBylineThatIsTheFeedTitleIsHidden(t *testing.T) {
	en := aggregate.Entry{ID: "urn:x", Item: aggregate.Item{Title: "t", URL: "https://example.com/a", Author: "Example Blog"},
		Outlet: aggregate.Outlet{Name: "example.com", Title: "Example Blog", FeedURL: "https://example.com/rss"}}
	if e := entryOf(fixtureOptions(), &en); e.Byline != "" || e.Author != "Example Blog (example.com)" {
		t.Errorf("author %q byline %q, want the credit alone", e.Author, e.Byline)
	}
}

// TestEntryShowsItsStorysCategories: ?category= finds a story by its reports'
// categories, so its entry shows them, not only its lead's: a governance feed
// listed an entry that named no governance.
func TestEntryShowsItsStorysCategories(t *testing.T) {
	en := fixtureEntries()[0]
	en.Facets = []string{"governance", "legislation", "regulation"}
	if got := entryOf(fixtureOptions(), &en).Facets; !slices.Equal(got, en.Facets) {
		t.Errorf("categories %q, want the story's %q", got, en.Facets)
	}
	en.Facets = nil // an entry of no story row: its lead's
	if got := entryOf(fixtureOptions(), &en).Facets; !slices.Equal(got, []string{"legislation", "regulation"}) {
		t.Errorf("categories %q, want the lead's", got)
	}
}
