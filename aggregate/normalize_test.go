package aggregate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/aggregate/sanitize"
)

// TestLeadTextEqualsFullConversion checks the shortcut of leadText against
// converting the whole fragment, on constructed edge cases and on every item
// body of the shared corpus's real feeds.
func TestLeadTextEqualsFullConversion(t *testing.T) {
	long := strings.Repeat("<p>정부는 인공지능 기본법 시행령을 <b>입법예고</b>했다 &amp; AI. </p>", 200)
	cases := []string{
		long,
		strings.Repeat("<script>var x = '<p>not text</p>';</script>", 300) + long,
		"<!-- " + strings.Repeat("<b>comment</b>", 2000) + " -->" + long,
		strings.Repeat("<img src=x>", 3000) + "short text",
		strings.Repeat("word &amp;&lt;b&gt; ", 2000),
		strings.Repeat("가", 20000),
	}
	feeds := realFeeds(t, "*.xml")
	if len(feeds) == 0 {
		t.Logf("../shared/corpus/real not found: checking the constructed cases only")
	}
	for _, feed := range feeds {
		for _, it := range feed.Items {
			cases = append(cases, it.Description, it.Content)
		}
	}
	checked := 0
	for _, h := range cases {
		for _, n := range []int{maxSummaryRunes, maxContentRunes, 50} {
			want := truncateRunes(sanitize.Text(h), n)
			if got := leadText(h, n); got != want {
				t.Fatalf("leadText(%.60q, %d):\n got %.120q\nwant %.120q", h, n, got, want)
			}
			checked++
		}
	}
	t.Logf("%d fragments checked", checked)
}

func TestCapHTML(t *testing.T) {
	long := strings.Repeat("<p>문단 &amp; text</p>", 100)
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"<p>short</p>", 100, "<p>short</p>"},
		{"<p>one</p><p>two</p>", 14, "<p>one</p>"},       // before the tag that would be split
		{"<p>one</p><p>two</p>", 12, "<p>one</p>"},       // "<p>one</p><p" ends inside a tag
		{"no markup at all 본문", 19, "no markup at all "}, // no '<': cut at a rune boundary
	} {
		if got := capHTML(tc.in, tc.n); got != tc.want {
			t.Errorf("capHTML(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
	got := capHTML(long, 1000)
	if len(got) > 1000 || !strings.HasSuffix(got, "</p>") || !strings.HasPrefix(long, got) {
		t.Errorf("capHTML of a long body: %d bytes ending %q", len(got), got[max(0, len(got)-10):])
	}
}

// realFeeds parses the documents of ../shared/corpus/real whose names match pattern,
// leaving out those that do not parse; none where the corpus is absent.
func realFeeds(tb testing.TB, pattern string) []*gofeed.Feed {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "real", pattern))
	c := fetch.New(nil, fetch.Options{})
	var out []*gofeed.Feed
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		if feed, err := c.Parse(body, "", "https://news.example/"); err == nil {
			out = append(out, feed)
		}
	}
	return out
}

// TestAuthorIsCapped: a feed's author is a byline; one that sends a book of them
// (or junk) has it cut, as titles and summaries are.
func TestAuthorIsCapped(t *testing.T) {
	fi := &gofeed.Item{Title: "t", Link: "https://example.org/a",
		Authors: []*gofeed.Person{{Name: strings.Repeat("김기자, ", 10_000)}}}
	n := normalize(fi, nil, nil, time.Now())
	if r := utf8.RuneCountInString(n.Author); r > maxAuthorRunes+1 {
		t.Errorf("author of %d runes stored, want at most %d", r, maxAuthorRunes+1)
	}
	if !strings.HasPrefix(n.Author, "김기자, 김기자") {
		t.Errorf("author %q lost its start", n.Author[:40])
	}
}

// TestFeedBurnerOrigLink: an item whose link is a click counter's redirect and
// that gives the article's own address as <feedburner:origLink> is stored with
// the article's address; an origLink that is no http(s) address is ignored. On
// the real TechCrunch feed (FeedBurner), every item's link is the article's.
func TestFeedBurnerOrigLink(t *testing.T) {
	const doc = `<?xml version="1.0"?><rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel><title>t</title>
<item><title>AI act passes</title><link>http://feedproxy.google.com/~r/Example/~3/abc/</link>
<feedburner:origLink>https://news.example.com/2026/ai-act-passes?utm_source=feedburner</feedburner:origLink></item>
<item><title>Chip rule</title><link>http://feedproxy.google.com/~r/Example/~3/def/</link>
<feedburner:origLink>javascript:alert(1)</feedburner:origLink><x:origLink xmlns:x="urn:x">https://other.example/x</x:origLink></item>
</channel></rss>`
	f, err := gofeed.NewParser().ParseString(doc)
	if err != nil {
		t.Fatal(err)
	}
	if n := normalize(f.Items[0], nil, nil, time.Now()); n.URL != "https://news.example.com/2026/ai-act-passes" ||
		n.Key != "http://feedproxy.google.com/~r/Example/~3/abc/" {
		t.Errorf("link %q key %q, want the article's own link, tracking removed, and the key of the feed's link (stored items keep theirs)", n.URL, n.Key)
	}
	if got := normalize(f.Items[1], nil, nil, time.Now()).URL; got != "http://feedproxy.google.com/~r/Example/~3/def/" {
		t.Errorf("link %q, want the item's link when origLink is no http(s) address", got)
	}
	feeds := realFeeds(t, "en-techcrunch.xml")
	if len(feeds) == 0 {
		t.Skip("../shared/corpus/real/en-techcrunch.xml is not here")
	}
	for _, fi := range feeds[0].Items {
		if u := normalize(fi, nil, nil, time.Now()).URL; strings.Contains(u, "feedproxy") || !strings.Contains(u, "techcrunch.com/") {
			t.Errorf("%q stored under %q, want techcrunch.com's address", fi.Title, u)
		}
	}
}
