package publish

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/sanitize"
	"github.com/gleaner/gleaner/aggregate/sanitize/htmlcheck"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func xssPayloads(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../testdata/publish/xss.json")
	if err != nil {
		t.Fatal(err)
	}
	var ps []string
	if err := json.Unmarshal(b, &ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

// payloadEntries puts payload p in every text field of an entry, twice: once as
// the ingest pipeline would store it (through sanitize.Text and sanitize.HTML) and
// once raw, as if it had skipped the pipeline.
func payloadEntries(i int, p string) []aggregate.Entry {
	link := "https://news.example.com/article/" + fmt.Sprint(i)
	raw := aggregate.Entry{
		ID: fmt.Sprintf("urn:uuid:00000000-0000-5000-8000-%012d", 2*i),
		Item: aggregate.Item{
			URL: link, Title: "제목 " + p, Summary: "요약 " + p, Content: "<p>본문</p>" + p,
			Author: p, Lang: "ko", Published: t0.Add(-time.Duration(i) * time.Minute), FirstSeen: t0,
			Verdict: aggregate.Verdict{Match: true, Reasons: []string{"title: " + p}, Facets: []string{"regulation", p}},
		},
		Outlet: aggregate.Outlet{Name: "언론 " + p, Title: p, FeedURL: "https://news.example.com/rss", Link: "https://news.example.com/"},
		Also: []aggregate.Related{
			{Outlet: aggregate.Outlet{Name: p}, Title: p, URL: "https://other.example.com/" + fmt.Sprint(i)},
			{Outlet: aggregate.Outlet{Name: "x"}, Title: "x", URL: p},
		},
		Reports: 3,
		Langs:   []string{"ko", p},
		Updated: t0,
	}
	raw.Item.StoryID = int64(2*i + 1)
	clean := raw
	clean.Item.StoryID = int64(2*i + 2)
	clean.ID = fmt.Sprintf("urn:uuid:00000000-0000-5000-8000-%012d", 2*i+1)
	clean.Item.Title = sanitize.Text(raw.Item.Title)
	clean.Item.Summary = sanitize.Text(raw.Item.Summary)
	clean.Item.Content = sanitize.HTML(raw.Item.Content, link)
	clean.Item.Author = sanitize.Text(raw.Item.Author)
	return []aggregate.Entry{raw, clean}
}

// TestPayloadsSurviveInNoFormat feeds the shared XSS payloads through every format
// and checks each output parsed, field by field: HTML fields hold nothing that
// runs, text fields hold no markup, and the page holds nothing but its own markup.
func TestPayloadsSurviveInNoFormat(t *testing.T) {
	var entries []aggregate.Entry
	for i, p := range xssPayloads(t) {
		entries = append(entries, payloadEntries(i, p)...)
	}
	o := fixtureOptions()
	o.MaxItems = len(entries)
	h, _ := newTestHandler(t, o, entries)

	t.Run("atom", func(t *testing.T) {
		f := parseAtom(t, body(t, get(t, h, "GET", "/feed.atom")))
		if len(f.Entries) != len(entries) {
			t.Fatalf("%d entries, want %d", len(f.Entries), len(entries))
		}
		for i, e := range f.Entries {
			checkHTML(t, fmt.Sprintf("atom entry %d content", i), e.Content.Text)
			checkText(t, fmt.Sprintf("atom entry %d", i), e.Title, e.Summary)
			for _, l := range e.Links {
				if !htmlcheck.SafeURL(l.Href) {
					t.Errorf("atom entry %d link %q", i, l.Href)
				}
			}
		}
	})
	t.Run("rss", func(t *testing.T) {
		var doc struct {
			Items []struct {
				Title       string `xml:"title"`
				Link        string `xml:"link"`
				Description string `xml:"description"`
				Content     string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
				Creator     string `xml:"http://purl.org/dc/elements/1.1/ creator"`
			} `xml:"channel>item"`
		}
		if err := xml.Unmarshal(body(t, get(t, h, "GET", "/feed.rss")), &doc); err != nil {
			t.Fatalf("RSS does not parse: %v", err)
		}
		if len(doc.Items) != len(entries) {
			t.Fatalf("%d items, want %d", len(doc.Items), len(entries))
		}
		for i, it := range doc.Items {
			checkHTML(t, fmt.Sprintf("rss item %d content", i), it.Content)
			checkHTML(t, fmt.Sprintf("rss item %d description", i), it.Description)
			checkText(t, fmt.Sprintf("rss item %d", i), it.Title, it.Creator)
			if !htmlcheck.SafeURL(it.Link) {
				t.Errorf("rss item %d link %q", i, it.Link)
			}
		}
	})
	t.Run("json", func(t *testing.T) {
		var doc struct {
			Items []struct {
				Title, Summary, URL string
				ContentHTML         string `json:"content_html"`
				Tags                []string
			}
		}
		if err := json.Unmarshal(body(t, get(t, h, "GET", "/feed.json")), &doc); err != nil {
			t.Fatalf("JSON Feed does not parse: %v", err)
		}
		if len(doc.Items) != len(entries) {
			t.Fatalf("%d items, want %d", len(doc.Items), len(entries))
		}
		for i, it := range doc.Items {
			checkHTML(t, fmt.Sprintf("json item %d content_html", i), it.ContentHTML)
			checkText(t, fmt.Sprintf("json item %d", i), append([]string{it.Title, it.Summary}, it.Tags...)...)
			if !htmlcheck.SafeURL(it.URL) {
				t.Errorf("json item %d url %q", i, it.URL)
			}
		}
	})
	t.Run("page", func(t *testing.T) {
		checkPage(t, body(t, get(t, h, "GET", "/")), len(entries))
	})
	t.Run("status", func(t *testing.T) {
		checkPage(t, body(t, get(t, h, "GET", "/status")), -1)
	})
	t.Run("story pages", func(t *testing.T) {
		for _, e := range entries {
			path := fmt.Sprintf("/story/%d", e.Item.StoryID)
			page := body(t, get(t, h, "GET", path))
			checkPage(t, page, -1)
			if n := bytes.Count(page, []byte("</li>")); n != 3 {
				t.Errorf("%s lists %d reports, want 3", path, n)
			}
			var doc storyView
			if err := json.Unmarshal(body(t, get(t, h, "GET", path+".json")), &doc); err != nil {
				t.Fatalf("%s.json does not parse: %v", path, err)
			}
			checkText(t, path+".json", append([]string{doc.Title}, doc.Languages...)...)
			for _, m := range doc.Members {
				checkText(t, path+".json", m.Outlet, m.Title, m.Language)
				if m.URL != "" && !htmlcheck.SafeURL(m.URL) {
					t.Errorf("%s.json member url %q", path, m.URL)
				}
			}
		}
	})
}

func checkHTML(t *testing.T, where, s string) {
	t.Helper()
	for _, p := range htmlcheck.Fragment(s, sanitize.LinkRel) {
		t.Errorf("%s: %s\n%s", where, p, s)
	}
}

func checkText(t *testing.T, where string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if m := htmlcheck.Markup(s); len(m) > 0 {
			t.Errorf("%s: text %q reads as markup %v", where, s, m)
		}
	}
}

// checkPage parses a whole page and allows only its own head elements (charset,
// viewport, CSP meta tags, the feed links, the one style sheet). articles, when
// not negative, is how many entries it must show: a payload that broke the page's
// structure would change that count.
func checkPage(t *testing.T, page []byte, articles int) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	head, body := find(doc, atom.Head), find(doc, atom.Body)
	if head == nil || body == nil {
		t.Fatal("page without head or body")
	}
	header := find(body, atom.Header)
	// The page's own search form: in its header, sent to its own /search (a
	// relative action, so that form-action 'self' allows it from any address).
	search := func(n *html.Node) bool {
		for ; n != nil; n = n.Parent {
			if n.DataAtom == atom.Form {
				return n.Parent == header && header != nil && attr(n, "class") == "search" &&
					attr(n, "action") == "search" && attr(n, "method") == "get"
			}
		}
		return false
	}
	own := func(n *html.Node) bool {
		switch n.DataAtom {
		case atom.Form, atom.Input, atom.Button:
			return search(n)
		}
		return n.Parent == head && (n.DataAtom == atom.Meta || n.DataAtom == atom.Link || n.DataAtom == atom.Style)
	}
	for _, p := range htmlcheck.Node(doc, "", own) {
		t.Errorf("page: %s", p)
	}
	if n := count(doc, atom.Style); n != 1 {
		t.Errorf("page has %d style elements", n)
	}
	if n := count(doc, atom.Form); n > 1 {
		t.Errorf("page has %d forms", n)
	}
	for _, m := range findAll(head, atom.Meta) {
		for _, a := range m.Attr {
			if a.Key == "http-equiv" && !strings.EqualFold(a.Val, "Content-Security-Policy") {
				t.Errorf("page has meta http-equiv=%q", a.Val)
			}
		}
	}
	if articles >= 0 {
		if n := count(body, atom.Article); n != articles {
			t.Errorf("page shows %d articles, want %d", n, articles)
		}
	}
}

// attr is the value of n's attribute key, "" when it has none.
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
