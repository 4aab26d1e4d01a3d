package publish

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// TestJSONFeed checks the JSON Feed 1.1 fields readers rely on, for the full feed,
// an empty one (items must still be there) and one with a hub.
func TestJSONFeed(t *testing.T) {
	type author struct{ Name, URL string }
	type item struct {
		ID            *string    `json:"id"`
		URL           string     `json:"url"`
		Title         string     `json:"title"`
		ContentHTML   string     `json:"content_html"`
		Summary       string     `json:"summary"`
		DatePublished *time.Time `json:"date_published"`
		DateModified  *time.Time `json:"date_modified"`
		Authors       []author   `json:"authors"`
		Tags          []string   `json:"tags"`
		Language      string     `json:"language"`
	}
	type feed struct {
		Version     string   `json:"version"`
		Title       string   `json:"title"`
		HomePageURL string   `json:"home_page_url"`
		FeedURL     string   `json:"feed_url"`
		Language    string   `json:"language"`
		Authors     []author `json:"authors"`
		Hubs        []struct{ Type, URL string }
		Items       *[]item         `json:"items"`
		Raw         json.RawMessage `json:"-"`
	}
	o := fixtureOptions()
	o.Hub = "https://hub.example.com/"
	h, _ := newTestHandler(t, o, fixtureEntries())
	var f feed
	if err := json.Unmarshal(body(t, get(t, h, "GET", "/feed.json")), &f); err != nil {
		t.Fatal(err)
	}
	if f.Version != "https://jsonfeed.org/version/1.1" || f.FeedURL != o.BaseURL+"feed.json" || f.HomePageURL != o.BaseURL ||
		f.Title != o.Title || len(f.Authors) != 1 || f.Language == "" {
		t.Errorf("feed fields: %+v", f)
	}
	if len(f.Hubs) != 1 || f.Hubs[0].URL != o.Hub || f.Hubs[0].Type != "WebSub" {
		t.Errorf("hubs %+v", f.Hubs)
	}
	if f.Items == nil || len(*f.Items) != len(fixtureEntries()) {
		t.Fatalf("items %v", f.Items)
	}
	for i, it := range *f.Items {
		w := fixtureEntries()[i]
		if it.ID == nil || *it.ID != w.ID || it.URL != w.Item.URL || it.Title != w.Item.Title || it.Summary == "" || it.ContentHTML == "" {
			t.Errorf("item %d: %+v", i, it)
		}
		if it.DatePublished == nil || it.DateModified == nil || it.DateModified.Before(*it.DatePublished) {
			t.Errorf("item %d dates %v %v", i, it.DatePublished, it.DateModified)
		}
		if len(it.Authors) == 0 || it.Authors[0].Name != w.Outlet.Name {
			t.Errorf("item %d authors %+v", i, it.Authors)
		}
		if it.Language != w.Item.Lang {
			t.Errorf("item %d language %q", i, it.Language)
		}
		if strings.Join(it.Tags, ",") != strings.Join(w.Item.Verdict.Facets, ",") {
			t.Errorf("item %d tags %q", i, it.Tags)
		}
		if len(w.Also) > 0 && !strings.Contains(it.ContentHTML, "Also reported by") {
			t.Errorf("item %d content lacks the other outlets", i)
		}
	}

	empty, _ := newTestHandler(t, fixtureOptions(), nil)
	raw := body(t, get(t, empty, "GET", "/feed.json"))
	var e feed
	if err := json.Unmarshal(raw, &e); err != nil || e.Items == nil || len(*e.Items) != 0 {
		t.Errorf("empty feed: items must be present and empty: %s (%v)", raw, err)
	}
}

func TestRSS(t *testing.T) {
	o := fixtureOptions()
	o.Hub = "https://hub.example.com/"
	h, _ := newTestHandler(t, o, fixtureEntries())
	var doc struct {
		Channel struct {
			Links []struct {
				Href string `xml:"href,attr"`
				Rel  string `xml:"rel,attr"`
			} `xml:"http://www.w3.org/2005/Atom link"`
			Items []struct {
				GUID struct {
					ID        string `xml:",chardata"`
					Permalink string `xml:"isPermaLink,attr"`
				} `xml:"guid"`
				PubDate string `xml:"pubDate"`
				Source  struct {
					URL  string `xml:"url,attr"`
					Name string `xml:",chardata"`
				} `xml:"source"`
				Creator    string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
				Categories []string `xml:"category"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(body(t, get(t, h, "GET", "/feed.rss")), &doc); err != nil {
		t.Fatal(err)
	}
	rels := map[string]string{}
	for _, l := range doc.Channel.Links {
		rels[l.Rel] = l.Href
	}
	if rels["self"] != o.BaseURL+"feed.rss" || rels["hub"] != o.Hub {
		t.Errorf("atom:link %v", rels)
	}
	for i, it := range doc.Channel.Items {
		w := fixtureEntries()[i]
		wantPermalink := "false"
		if w.ID == w.Item.URL {
			wantPermalink = "true"
		}
		if it.GUID.ID != w.ID || it.GUID.Permalink != wantPermalink {
			t.Errorf("item %d guid %+v", i, it.GUID)
		}
		if p, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil || p.IsZero() {
			t.Errorf("item %d pubDate %q: %v", i, it.PubDate, err)
		}
		if it.Source.URL != w.Outlet.FeedURL || it.Source.Name == "" {
			t.Errorf("item %d source %+v", i, it.Source)
		}
		if it.Creator != w.Outlet.Name {
			t.Errorf("item %d dc:creator %q", i, it.Creator)
		}
		if strings.Join(it.Categories, ",") != strings.Join(w.Item.Verdict.Facets, ",") {
			t.Errorf("item %d categories %q", i, it.Categories)
		}
	}
}

func TestAtomHubLink(t *testing.T) {
	o := fixtureOptions()
	h, _ := newTestHandler(t, o, fixtureEntries())
	if len(rels(parseAtom(t, body(t, get(t, h, "GET", "/feed.atom"))).Links, "hub")) != 0 {
		t.Errorf("hub link without a hub")
	}
	o.Hub = "https://hub.example.com/"
	h.SetOptions(o)
	h.Refresh(t.Context())
	if hub := rels(parseAtom(t, body(t, get(t, h, "GET", "/feed.atom"))).Links, "hub"); len(hub) != 1 || hub[0].Href != o.Hub {
		t.Errorf("hub links %+v", hub)
	}
}

func TestOPML(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), nil)
	var doc struct {
		Version string `xml:"version,attr"`
		Title   string `xml:"head>title"`
		Outline []struct {
			Text   string `xml:"text,attr"`
			Type   string `xml:"type,attr"`
			XMLURL string `xml:"xmlUrl,attr"`
		} `xml:"body>outline"`
	}
	if err := xml.Unmarshal(body(t, get(t, h, "GET", "/sources.opml")), &doc); err != nil {
		t.Fatal(err)
	}
	src := fixtureSources()
	if doc.Version != "2.0" || len(doc.Outline) != len(src) {
		t.Fatalf("OPML %+v", doc)
	}
	for i, s := range src {
		if o := doc.Outline[i]; o.Text != s.Name || o.Type != "rss" || o.XMLURL != s.URL {
			t.Errorf("outline %d = %+v, want %s at %s", i, o, s.Name, s.URL)
		}
	}
	etag := get(t, h, "GET", "/sources.opml").Header.Get("ETag")
	h.SetSources(src[:1])
	resp := get(t, h, "GET", "/sources.opml", "If-None-Match", etag)
	mustStatus(t, resp, 200)
	doc.Outline = nil
	if err := xml.Unmarshal(body(t, resp), &doc); err != nil || len(doc.Outline) != 1 {
		t.Errorf("after SetSources: %d outlines (%v)", len(doc.Outline), err)
	}
}

func TestStatus(t *testing.T) {
	st := &fakeStore{entries: fixtureEntries(), status: []aggregate.SourceStatus{
		{Source: fixtureSources()[0], Active: true, State: aggregate.FetchState{
			Status: 200, LastAttempt: t0, LastSuccess: t0, NextFetch: t0.Add(10 * time.Minute), ItemsSeen: 40, ItemsKept: 7,
			CurrentURL: "https://www.yna.co.kr/rss/industry-new.xml", FeedTitle: "연합뉴스 산업"}},
		{Source: fixtureSources()[1], Active: true, State: aggregate.FetchState{
			Status: 503, LastAttempt: t0, ConsecutiveErrors: 3, LastError: "fetch: 503 Service Unavailable", ErrorKind: "unavailable", NextFetch: t0.Add(time.Hour)}},
		{Source: aggregate.Source{ID: 9, Name: "Old", URL: "https://old.example/rss"}, Active: false, State: aggregate.FetchState{Gone: true, Status: 410}},
	}}
	h := New(fixtureOptions(), st, st, testLogger(t))
	h.Refresh(t.Context())

	var doc statusDoc
	if err := json.Unmarshal(body(t, get(t, h, "GET", "/status.json")), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Sources) != 3 {
		t.Fatalf("%d sources", len(doc.Sources))
	}
	a, b, c := doc.Sources[0], doc.Sources[1], doc.Sources[2]
	if a.State != "ok" || a.CurrentURL != "https://www.yna.co.kr/rss/industry-new.xml" || a.ItemsKept != 7 || a.LastSuccess == nil || !a.LastSuccess.Equal(t0) || a.NextFetch == nil {
		t.Errorf("healthy source: %+v", a)
	}
	if b.State != aggregate.StateBackoff || b.ConsecutiveErrors != 3 || b.HTTPStatus != 503 || b.LastSuccess != nil || b.CurrentURL != b.URL {
		t.Errorf("failing source: %+v", b)
	}
	if c.State != aggregate.StateRemoved || !c.Gone || c.Active {
		t.Errorf("gone source no longer configured: %+v", c)
	}
	if len(doc.Stories) != 2 || len(doc.Stories[0].Members) != 3 || doc.Stories[0].Members[1].Similarity != 0.82 ||
		doc.Stories[1].Reports != 25 || doc.Stories[1].StoryURL != "https://feeds.example.com/ai-policy/story/12" {
		t.Errorf("stories: %+v", doc.Stories)
	}
	page := string(body(t, get(t, h, "GET", "/status")))
	for _, want := range []string{"연합뉴스", "Policy Wire", "industry-new.xml", "503", "backoff", "removed", "unavailable"} {
		if !strings.Contains(page, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
	checkPage(t, []byte(page), -1)
}

// TestStatusProblems: the daemon's own problems (SetProblems) head /status and
// /status.json; when the sources' states cannot be read, the pages still say
// them (503), rather than only "unavailable".
func TestStatusProblems(t *testing.T) {
	st := &fakeStore{entries: fixtureEntries(), status: []aggregate.SourceStatus{
		{Source: fixtureSources()[0], Active: true, State: aggregate.FetchState{Status: 200, LastAttempt: t0, LastSuccess: t0}}}}
	h := New(fixtureOptions(), st, st, testLogger(t))
	h.Refresh(t.Context())
	if b := string(body(t, get(t, h, "GET", "/status.json"))); strings.Contains(b, "problems") {
		t.Errorf("/status.json lists problems before any is set:\n%s", b)
	}
	h.SetProblems(func(context.Context) []string {
		return []string{"Saving poll results has failed since 2026-03-10T09:00:00Z."}
	})
	for _, path := range []string{"/status", "/status.json"} {
		resp := get(t, h, "GET", path)
		mustStatus(t, resp, 200)
		if b := string(body(t, resp)); !strings.Contains(b, "Saving poll results has failed since 2026-03-10T09:00:00Z.") {
			t.Errorf("%s lacks the problem:\n%s", path, b)
		}
	}
	st.mu.Lock()
	st.err, st.status = errors.New("database disk image is malformed"), nil // as the store answers
	st.mu.Unlock()
	for _, path := range []string{"/status", "/status.json"} {
		resp := get(t, h, "GET", path)
		mustStatus(t, resp, 503)
		b := string(body(t, resp))
		if !strings.Contains(b, "Saving poll results has failed") || !strings.Contains(b, "The sources&#39; states cannot be read right now.") &&
			!strings.Contains(b, "The sources' states cannot be read right now.") || strings.Contains(b, "malformed") ||
			strings.Contains(b, "0 sources") || strings.Contains(b, "No sources.") || path == "/status.json" && !strings.Contains(b, `"sources_unavailable": true`) {
			t.Errorf("%s with the states unreadable:\n%s", path, b)
		}
	}
}
