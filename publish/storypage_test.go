package publish

import (
	"net/url"
	"strings"
	"testing"

	"github.com/gleaner/gleaner/aggregate"
)

// TestWantsJSON reads Accept headers as clients send them, quality values
// included: application/json;q=0 refuses JSON, and JSON preferred to HTML by
// quality wins even when HTML is listed.
func TestWantsJSON(t *testing.T) {
	for _, c := range []struct {
		accept []string
		want   bool
	}{
		{nil, false},
		{[]string{"application/json"}, true},
		{[]string{"application/json; charset=utf-8"}, true},
		{[]string{"application/json;q=0"}, false},
		{[]string{"application/json;q=0, text/plain"}, false},
		{[]string{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, false}, // a browser
		{[]string{"text/html;q=0.1, application/json"}, true},
		{[]string{"application/json, text/html"}, false},
		{[]string{"text/html", "application/json;q=0.5"}, false},
		{[]string{"application/json;q=bad"}, false},
		{[]string{"*/*"}, false},
	} {
		if got := wantsJSON(c.accept); got != c.want {
			t.Errorf("wantsJSON(%q) = %v, want %v", c.accept, got, c.want)
		}
	}
}

// TestOneArticleFromTwoFeedsIsOneReport: a publisher's article that two of the
// sources carry (its feed of everything and a section's feed) is one report,
// on the entry ("2 reports", "and 1 more report" before) and on the story page
// (its link listed twice before); a second article is still a second report.
func TestOneArticleFromTwoFeedsIsOneReport(t *testing.T) {
	lead := aggregate.Related{Outlet: aggregate.Outlet{Name: "정책브리핑 정책뉴스"}, Title: "AI 기본법 시행", URL: "https://www.korea.kr/news/1", Lang: "ko", Published: t0}
	copyOf := lead
	copyOf.Outlet.Name = "정책브리핑 과기정통부"
	other := aggregate.Related{Outlet: aggregate.Outlet{Name: "연합뉴스"}, Title: "AI 기본법 오늘 시행", URL: "https://yna.example/2", Lang: "ko", Published: t0}
	entry := func(also ...aggregate.Related) aggregate.Entry {
		return aggregate.Entry{ID: "urn:x:1", Outlet: lead.Outlet, Updated: t0, Reports: 1 + len(also), Also: also,
			Item: aggregate.Item{ID: 1, StoryID: 7, Title: lead.Title, URL: lead.URL, Lang: "ko", Published: t0,
				Verdict: aggregate.Verdict{Match: true}}}
	}
	e := buildView(fixtureOptions(), filter{}, []aggregate.Entry{entry(copyOf)}).Entries[0]
	if e.Reports != 1 || e.More != 0 || len(e.Also) != 0 || e.StoryURL != "" {
		t.Errorf("one article, two feeds: %d reports, %d more, %d also, story %q; want one report", e.Reports, e.More, len(e.Also), e.StoryURL)
	}
	e = buildView(fixtureOptions(), filter{}, []aggregate.Entry{entry(copyOf, other)}).Entries[0]
	if e.Reports != 2 || e.More != 0 || len(e.Also) != 1 || e.StoryURL == "" {
		t.Errorf("and another article: %d reports, %d more, %d also, story %q; want two", e.Reports, e.More, len(e.Also), e.StoryURL)
	}
	st := &aggregate.Story{ID: 7, Reports: 3, Members: []aggregate.StoryMember{{Related: lead, Lead: true}, {Related: copyOf}, {Related: other}}}
	v := buildStory(fixtureOptions(), st)
	if v.Reports != 2 || len(v.Members) != 2 || v.Members[1].URL != other.URL {
		t.Errorf("story page: %d reports, members %+v; want the lead and the other article", v.Reports, v.Members)
	}
}

// TestLinksAreURIs: a source's link with bytes no URI or IRI may hold (a raw
// "<" in its query, a space) is published percent-encoded in every format, as
// the page already wrote it; letters of other scripts and escapes stay.
func TestLinksAreURIs(t *testing.T) {
	for in, want := range map[string]string{
		`http://x.example/a b/c"d?x=<y>&z=1`: "http://x.example/a%20b/c%22d?x=%3Cy%3E&z=1",
		"https://x.example/뉴스?q=인공지능":        "https://x.example/뉴스?q=인공지능",
		"https://x.example/a%20b?x=%3C":      "https://x.example/a%20b?x=%3C",
		"javascript:alert(1)":                "",
	} {
		if got := escapeNonURI(httpURL(in)); got != want {
			t.Errorf("escapeNonURI(httpURL(%q)) = %q, want %q", in, got, want)
		}
	}
}

// TestSecretsScrubbedBeforeLinksAreEscaped: a feed asked with a token that has
// a space or a '|' may repeat it in its items' links; the scrub finds it as
// written, so the link is escaped only after it (escaped first, "my%20secret"
// matched neither the token nor its query-escaped form and was published).
func TestSecretsScrubbedBeforeLinksAreEscaped(t *testing.T) {
	// The link repeats the token as written, or escaped as the feed's URL has it
	// or otherwise ("%20" for the "+" of the configured URL, "%7c" for "%7C").
	for _, c := range []struct{ secret, inLink string }{
		{"my secret1", "my secret1"}, {"ab|cd/ef9", "ab|cd/ef9"}, {"my secret1", "my%20secret1"},
		{"my secret1", "my+secret1"}, {"ab|cd/ef9", "ab%7Ccd/ef9"}, {"ab|cd/ef9", "ab%7ccd/ef9"},
		// Other encoders: Python's quote (keeps '/'), encodeURIComponent, mixed hex.
		{"abc+def/ghi=", "abc%2Bdef/ghi%3D"}, {"my secret:1", "my%20secret%3A1"}, {"ab|cd/ef9", "ab%7Ccd%2fef9"},
	} {
		secret := c.secret
		feed := "https://feeds.example/rss?token=" + url.QueryEscape(secret)
		link := "https://news.example/a?id=1&token=" + c.inLink
		en := aggregate.Entry{ID: "urn:x:1", Outlet: aggregate.Outlet{Name: "F", FeedURL: feed}, Updated: t0, Reports: 2,
			Also: []aggregate.Related{{Outlet: aggregate.Outlet{Name: "F", FeedURL: feed}, Title: "b", URL: link + "&b=2", Lang: "en", Published: t0}},
			Item: aggregate.Item{ID: 1, StoryID: 7, Title: "a", URL: link, Lang: "en", Published: t0, Verdict: aggregate.Verdict{Match: true}}}
		e := buildView(fixtureOptions(), filter{}, []aggregate.Entry{en}).Entries[0]
		for _, u := range []string{e.URL, e.Also[0].URL} {
			if strings.Contains(u, c.inLink) || strings.Contains(u, "ef9") || strings.Contains(u, "ghi") || strings.Contains(u, "secret") || !strings.Contains(u, "news.example") {
				t.Errorf("token %q: published link %q", secret, u)
			}
		}
	}
}
