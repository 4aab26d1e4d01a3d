package aggregate

import (
	"net/url"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate/fetch"
)

// TestApplyOrigin parses items that name their outlet in <source> and checks
// what gleaner keeps of them: the outlet (unless it is the feed's own), its
// link (only http and https), the title without the outlet's suffix, and the
// description only when it says more than the headline and the outlet.
func TestApplyOrigin(t *testing.T) {
	item := func(title, desc, source string) string {
		return "<item><title>" + title + "</title><link>https://agg.example/" + url.PathEscape(title) + "</link><description>" +
			desc + "</description>" + source + "</item>"
	}
	doc := `<?xml version="1.0"?><rss version="2.0"><channel><title>Wellness - The Washington Post</title>` +
		item("Senate passes AI bill - Reuters", "&lt;a href=&quot;x&quot;&gt;Senate passes AI bill&lt;/a&gt;&amp;nbsp;&lt;font&gt;Reuters&lt;/font&gt;", `<source url="https://www.reuters.com">Reuters</source>`) +
		item("국회, AI 기본법 통과 | 연합뉴스", "국회는 26일 본회의에서 인공지능 기본법을 통과시켰다.", `<source url="/yna">연합뉴스</source>`) +
		item("Exercise tips - The Washington Post", "Exercise tips", `<source>The Washington Post</source>`) +
		item("Reuters", "A story", `<source url="javascript:alert(1)">Reuters</source>`) +
		item("EU agrees AI Act – REUTERS", "Brussels agreed on Friday.", `<source url="https://reuters.com">Reuters</source>`) +
		item("Plain item - Reuters", "Not an aggregator's item.", "") +
		`</channel></rss>`
	f, err := fetch.New(nil, fetch.Options{}).Parse([]byte(doc), "", "https://agg.example/feed")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://agg.example/feed")
	type want struct{ title, summary, origin, originURL string }
	wants := []want{
		{"Senate passes AI bill", "", "Reuters", "https://www.reuters.com/"},
		{"국회, AI 기본법 통과", "국회는 26일 본회의에서 인공지능 기본법을 통과시켰다.", "연합뉴스", "https://agg.example/yna"},
		{"Exercise tips", "", "", ""}, // the feed's own outlet: no origin; the description only repeats the title
		{"Reuters", "A story", "Reuters", ""},
		{"EU agrees AI Act", "Brussels agreed on Friday.", "Reuters", "https://reuters.com/"},
		{"Plain item - Reuters", "Not an aggregator's item.", "", ""},
	}
	if len(f.Items) != len(wants) {
		t.Fatalf("%d items", len(f.Items))
	}
	for i, w := range wants {
		n := normalize(f.Items[i], base, time.UTC, time.Now())
		applyOrigin(&n, f.Items[i], base, "", "Wellness - The Washington Post")
		if n.Title != w.title || n.Summary != w.summary || n.Origin != w.origin || n.OriginURL != w.originURL {
			t.Errorf("item %d: %q %q %q %q, want %q %q %q %q", i, n.Title, n.Summary, n.Origin, n.OriginURL,
				w.title, w.summary, w.origin, w.originURL)
		}
		if w.summary == "" && n.bodyHTML != "" {
			t.Errorf("item %d: the body %q stayed with the description dropped", i, n.bodyHTML)
		}
	}
	// The configured name counts as the feed's own outlet too.
	n := normalize(f.Items[0], base, time.UTC, time.Now())
	if applyOrigin(&n, f.Items[0], base, "Reuters World", ""); n.Origin != "" {
		t.Errorf("origin %q kept for a source configured as Reuters World", n.Origin)
	}
}
