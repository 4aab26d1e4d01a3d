package publish

import (
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
	} {
		if got := outletOf(c.o).Name; got != c.want {
			t.Errorf("outletOf(%+v).Name = %q, want %q", c.o, got, c.want)
		}
	}
}
