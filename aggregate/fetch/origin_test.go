package fetch

import (
	"os"
	"path/filepath"
	"testing"
)

// A feed in the form Google News's RSS uses (title "Headline - Outlet", a
// description linking the headline and naming the outlet, the outlet in
// <source>), written for this test: no such feed is in the shared corpus.
const aggregatorRSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>"AI regulation" - Google News</title><link>https://news.google.com/search?q=AI+regulation</link>
<item><title>Senate passes AI bill - Reuters</title>
<link>https://news.google.com/rss/articles/CBMiAAA?oc=5</link><guid isPermaLink="false">CBMiAAA</guid>
<pubDate>Mon, 07 Dec 2026 01:00:00 GMT</pubDate>
<description>&lt;a href="https://news.google.com/rss/articles/CBMiAAA?oc=5" target="_blank"&gt;Senate passes AI bill&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="#6f6f6f"&gt;Reuters&lt;/font&gt;</description>
<source url="https://www.reuters.com">Reuters</source><custom>kept</custom></item>
<item><title>국회, AI 기본법 통과 - 연합뉴스</title>
<link>https://news.google.com/rss/articles/CBMiBBB?oc=5</link><guid isPermaLink="false">CBMiBBB</guid>
<source url="https://www.yna.co.kr">연합뉴스</source></item>
<item><title>No source here</title><link>https://example.org/a</link></item>
</channel></rss>`

const aggregatorAtom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Planet AI Policy</title><id>urn:planet</id><updated>2026-12-07T00:00:00Z</updated>
<entry><title>Guidance on AI and personal data</title><id>urn:a</id><updated>2026-12-06T00:00:00Z</updated>
<link href="https://ico.example/a"/>
<source><id>urn:ico</id><title>ICO news</title><link rel="self" href="https://ico.example/feed.atom"/>
<link rel="alternate" href="https://ico.example/"/><updated>2026-12-06T00:00:00Z</updated></source></entry>
<entry><title>Only a feed link</title><id>urn:b</id><updated>2026-12-06T00:00:00Z</updated>
<source><title>Blog</title><link rel="self" href="https://blog.example/feed"/></source></entry>
<entry><title>Own entry</title><id>urn:c</id><updated>2026-12-06T00:00:00Z</updated></entry>
</feed>`

func TestOrigin(t *testing.T) {
	c := New(nil, Options{})
	type want struct{ name, link string }
	for _, tc := range []struct {
		doc  string
		want []want
	}{
		{aggregatorRSS, []want{{"Reuters", "https://www.reuters.com"}, {"연합뉴스", "https://www.yna.co.kr"}, {"", ""}}},
		{aggregatorAtom, []want{{"ICO news", "https://ico.example/"}, {"Blog", "https://blog.example/feed"}, {"", ""}}},
	} {
		f, err := c.Parse([]byte(tc.doc), "", "https://news.example/feed")
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Items) != len(tc.want) {
			t.Fatalf("%d items, want %d", len(f.Items), len(tc.want))
		}
		for i, w := range tc.want {
			name, link := Origin(f.Items[i])
			if name != w.name || link != w.link {
				t.Errorf("%q: origin %q %q, want %q %q", f.Items[i].Title, name, link, w.name, w.link)
			}
		}
	}
	// Other custom elements stay as gofeed read them.
	f, err := c.Parse([]byte(aggregatorRSS), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Items[0].Custom["custom"]; got != "kept" {
		t.Errorf("custom element %q, want kept", got)
	}
	if name, link := Origin(nil); name != "" || link != "" {
		t.Errorf("a nil item has origin %q %q", name, link)
	}
}

// TestOriginOfRealFeeds: The Washington Post names itself in every item's
// <source>; gofeed's own fixtures give an RSS source with a URL and an Atom
// source without links.
func TestOriginOfRealFeeds(t *testing.T) {
	dir := corpusDirOrEmpty()
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("../shared/corpus not found (%v): the inline feeds of TestOrigin still run", err)
	}
	c := New(nil, Options{})
	for _, tc := range []struct {
		file, name, link string
	}{
		{"real/en-washingtonpost-wellness.xml", "The Washington Post", ""},
		{"gofeed/parser/rss/rss_channel_item_source.xml", "Source Title", "http://example.org"},
		{"gofeed/parser/atom/issue_275_extensions_and_source.xml", "src", ""},
	} {
		raw, err := os.ReadFile(filepath.Join(dir, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		f, err := c.Parse(raw, "", "")
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		name, link := Origin(f.Items[0])
		if name != tc.name || link != tc.link {
			t.Errorf("%s: origin %q %q, want %q %q", tc.file, name, link, tc.name, tc.link)
		}
	}
}
