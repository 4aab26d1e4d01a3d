package publish

import (
	"bytes"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// articleTitles lists the titles of a page's articles, in order.
func articleTitles(t *testing.T, page []byte) []string {
	t.Helper()
	doc, err := nethtml.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range findAll(doc, atom.Article) {
		if h2 := find(a, atom.H2); h2 != nil {
			titles = append(titles, strings.TrimSpace(text(h2)))
		}
	}
	return titles
}

var olderLink = regexp.MustCompile(`<a href="([^"]*)" rel="next">Older stories →</a>`)

// TestPagingBack follows the page's link to older stories from the newest
// page to the last: every story comes once, in order, and each page back
// links to the newest again.
func TestPagingBack(t *testing.T) {
	o := fixtureOptions()
	o.MaxItems = 2
	h, _ := newTestHandler(t, o, fixtureEntries())
	var got []string
	target := "/"
	for range 10 {
		resp := get(t, h, "GET", target)
		mustStatus(t, resp, 200)
		page := body(t, resp)
		checkPage(t, page, -1)
		got = append(got, articleTitles(t, page)...)
		if target != "/" && !strings.Contains(string(page), `<a href="https://feeds.example.com/ai-policy/">← Newest stories</a>`) {
			t.Errorf("%s has no link to the newest stories", target)
		}
		m := olderLink.FindSubmatch(page)
		if m == nil {
			break
		}
		target = strings.TrimPrefix(html.UnescapeString(string(m[1])), o.BaseURL[:len(o.BaseURL)-1])
	}
	var want []string
	for _, e := range fixtureEntries() {
		want = append(want, e.Item.Title)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paged through\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A page that holds the last stories links to no older page, which would be
	// empty; one that leaves a story out does.
	for limit, want := range map[int]bool{5: false, 6: false, 4: true} {
		page := body(t, get(t, h, "GET", fmt.Sprintf("/?limit=%d", limit)))
		if got := olderLink.Match(page); got != want {
			t.Errorf("/?limit=%d of 5 stories: a link to older stories %v, want %v", limit, got, want)
		}
	}
	// A day: the stories published before it began, in the display zone.
	page := body(t, get(t, h, "GET", "/?before=2025-03-10&limit=10"))
	if titles := articleTitles(t, page); len(titles) != 2 || titles[0] != "EU publishes third draft of the AI Act code of practice" {
		t.Errorf("before 2025-03-10 KST: %q", titles)
	}
	page = body(t, get(t, h, "GET", "/?before=2025-03-01"))
	if !strings.Contains(string(page), "No stories published before 2025-03-01 00:00 KST.") {
		t.Errorf("an empty page back does not say so:\n%s", page)
	}
	for _, bad := range []string{"yesterday", "0", "12-0", "99999999999999", "1741593600-x", "1969-12-31", "0001-01-01"} {
		mustStatus(t, get(t, h, "GET", "/?before="+bad), 400)
		mustStatus(t, get(t, h, "GET", "/feed.atom?before="+bad), 400)
	}
}

// TestSearchPage searches the curated feed from the page's box: only the
// stories that match are listed, with the feed's filters; the query is
// shown escaped; limits are enforced; the results are cached briefly and
// kept out of search engines.
func TestSearchPage(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), append(fixtureEntries(), hostileEntry()))
	resp := get(t, h, "GET", "/search?q=%EA%B8%B0%EB%B3%B8%EB%B2%95") // 기본법
	mustStatus(t, resp, 200)
	page := body(t, resp)
	checkPage(t, page, 1)
	if titles := articleTitles(t, page); len(titles) != 1 || titles[0] != "과기정통부, 인공지능 기본법 하위법령 입법예고" {
		t.Errorf("search 기본법: %q", titles)
	}
	// The results are said in a line a screen reader announces; the form posts to
	// the page's own origin whatever address it was opened by (form-action 'self').
	for _, want := range []string{`<title>AI 산업 정책 · AI Industry Policy · “기본법”</title>`, `name="q" value="기본법"`,
		`<p class="results" role="status">1 story matches “기본법”.</p>`, `<form class="search" role="search" action="search" method="get">`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the results page lacks %s", want)
		}
	}
	for k, want := range map[string]string{"Cache-Control": "public, max-age=60", "X-Robots-Tag": "noindex", "Content-Type": "text/html; charset=utf-8"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	mustStatus(t, get(t, h, "GET", "/search?q=%EA%B8%B0%EB%B3%B8%EB%B2%95", "If-None-Match", resp.Header.Get("ETag")), 304)

	// With the feed's filters, which the form keeps.
	page = body(t, get(t, h, "GET", "/search?q=AI&lang=en&category=regulation"))
	if titles := articleTitles(t, page); len(titles) != 1 || titles[0] != "EU publishes third draft of the AI Act code of practice" {
		t.Errorf("search AI in English, regulation: %q", titles)
	}
	for _, want := range []string{`<input type="hidden" name="lang" value="en">`, `<input type="hidden" name="category" value="regulation">`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the search form does not keep %s", want)
		}
	}
	if strings.Contains(string(page), `name="limit"`) {
		t.Errorf("the search form keeps a limit nobody chose")
	}
	// A limit the reader chose is kept too.
	if page := body(t, get(t, h, "GET", "/?limit=2")); !strings.Contains(string(page), `<input type="hidden" name="limit" value="2">`) {
		t.Errorf("the search form does not keep limit=2:\n%s", page)
	}
	// A query is text, shown escaped; nothing matching says so.
	page = body(t, get(t, h, "GET", `/search?q=%3Cscript%3Ealert(1)%3C/script%3E`))
	checkPage(t, page, 0)
	if !strings.Contains(string(page), "No stories match “&lt;script&gt;alert(1)&lt;/script&gt;”.") {
		t.Errorf("a query that matches nothing:\n%s", page)
	}
	// As a feed, too.
	f := parseAtom(t, body(t, get(t, h, "GET", "/feed.atom?q=chip")))
	if len(f.Entries) != 1 || rels(f.Links, "self")[0].Href != "https://feeds.example.com/ai-policy/feed.atom?q=chip" {
		t.Errorf("feed.atom?q=chip: %d entries, links %+v", len(f.Entries), f.Links)
	}
	for _, bad := range []string{"q=" + strings.Repeat("가", maxQueryRunes+1), "q=" + strings.Repeat("a+", maxQueryWords+1), "q=a&q=b"} {
		mustStatus(t, get(t, h, "GET", "/search?"+bad), 400)
	}
	// A headline pasted into the box is too many words: the page says so, in
	// its own look, with the box holding the words to shorten and a way back.
	resp = get(t, h, "GET", "/search?q="+url.QueryEscape("Commerce Department widens AI chip export curbs to close <third-country> loophole")+"&lang=EN&category=regulation")
	mustStatus(t, resp, 400)
	page = body(t, resp)
	for _, want := range []string{"q must be at most 8 words", `name="q" value="Commerce Department widens AI chip export curbs to close &lt;third-country&gt; loophole"`,
		`<h1><a href="https://feeds.example.com/ai-policy/">`, ">Show all stories</a>",
		`<input type="hidden" name="lang" value="en">`, `<input type="hidden" name="category" value="regulation">`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page for a search of too many words lacks %s:\n%s", want, page)
		}
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("the page for a search of too many words: %q, CSP %q", ct, resp.Header.Get("Content-Security-Policy"))
	}
	// The last of several pages of results says its count is this page's.
	next := regexp.MustCompile(`<a href="https://feeds.example.com/ai-policy/([^"]*)" rel="next">`)
	path, pages := "search?q=AI&limit=1", 0
	for {
		page = body(t, get(t, h, "GET", "/"+html.UnescapeString(path)))
		if pages++; !strings.Contains(string(page), "on this page.</p>") {
			t.Errorf("page %d of a search (%s) does not say its count is the page's:\n%s", pages, path, page)
		}
		m := next.FindSubmatch(page)
		if m == nil || pages > 10 {
			break
		}
		path = string(m[1])
	}
	if pages < 2 {
		t.Errorf("a search of AI by one story a page had %d pages", pages)
	}
}

// TestExportHasNoSearch: a static host answers no query, so the exported
// page has neither the search box nor links to pages back.
func TestExportHasNoSearch(t *testing.T) {
	o := fixtureOptions()
	o.MaxItems = 2
	h, _ := newTestHandler(t, o, fixtureEntries())
	dir := t.TempDir()
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if strings.Contains(page, "<form") || strings.Contains(page, "Older stories") {
		t.Errorf("the exported page has a search box or a page back:\n%s", page)
	}
	if served := string(body(t, get(t, h, "GET", "/"))); !strings.Contains(served, "<form") || !strings.Contains(served, "Older stories") {
		t.Errorf("the served page lacks the search box or the page back")
	}
}

// TestSearchChanged: a search's rendering is kept until SearchChanged says the
// search index caught up; the feed's own renderings are not touched.
func TestSearchChanged(t *testing.T) {
	h, st := newTestHandler(t, fixtureOptions(), fixtureEntries())
	word := strings.Fields(fixtureEntries()[0].Item.Title)[0]
	search := func() []string {
		resp := get(t, h, "GET", "/search?q="+url.QueryEscape(word))
		mustStatus(t, resp, 200)
		return articleTitles(t, body(t, resp))
	}
	before := search()
	if len(before) == 0 {
		t.Fatalf("no result for %q", word)
	}
	// The index loses them (as if it had not caught up): the kept rendering
	// still answers until SearchChanged.
	st.mu.Lock()
	saved := st.entries
	st.entries = nil
	st.mu.Unlock()
	if got := search(); len(got) != len(before) {
		t.Fatalf("a kept rendering changed by itself: %q", got)
	}
	calls := st.calls
	h.SearchChanged()
	if got := search(); len(got) != 0 {
		t.Errorf("after SearchChanged: %q, want the index's answer (none)", got)
	}
	if st.calls != calls+1 {
		t.Errorf("%d store queries after SearchChanged, want 1", st.calls-calls)
	}
	st.mu.Lock()
	st.entries = saved
	st.mu.Unlock()
	// The default page is not a search: SearchChanged leaves it as rendered.
	resp := get(t, h, "GET", "/")
	mustStatus(t, resp, 200)
	if n := st.calls; n != calls+1 {
		t.Errorf("the default page was rendered again: %d queries", n-calls)
	}
}

// TestOlderLinkWithPerSourceCap: with max_per_source, the older page counts
// each outlet's stories anew; a full page links to it when that page would
// list a story, though every older story is of an outlet this page has filled.
func TestOlderLinkWithPerSourceCap(t *testing.T) {
	o := fixtureOptions()
	o.MaxPerSource = 1
	h, _ := newTestHandler(t, o, fixtureEntries()[:4])
	page := body(t, get(t, h, "GET", "/?limit=3"))
	m := olderLink.FindSubmatch(page)
	if m == nil {
		t.Fatalf("a full page of 3 with older stories left has no link to them:\n%s", page)
	}
	older := body(t, get(t, h, "GET", strings.TrimPrefix(html.UnescapeString(string(m[1])), o.BaseURL[:len(o.BaseURL)-1])))
	if titles := articleTitles(t, older); len(titles) == 0 {
		t.Errorf("the older page lists nothing")
	}
}
