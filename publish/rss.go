package publish

import (
	"bytes"
	"encoding/xml"
	"html"
	"strconv"
	"time"

	"github.com/gorilla/feeds"
)

// The RSS 2.0 document extends gorilla/feeds' structs with what its RssItem lacks
// (several categories, <source url>, dc:creator) and the channel's atom:link
// rel="self" (and rel="hub"), which RSS readers use to find the feed's own address.

type rssDoc struct {
	feeds.RssFeedXml
	AtomNS  string      `xml:"xmlns:atom,attr"`
	DCNS    string      `xml:"xmlns:dc,attr"`
	Channel *rssChannel `xml:"channel"`
}

// FeedXml lets feeds.WriteXML write the extended document.
func (d *rssDoc) FeedXml() any { return d }

type rssChannel struct {
	feeds.RssFeed
	XMLName   xml.Name      `xml:"channel"`
	AtomLinks []rssAtomLink `xml:"atom:link"`
	Items     []*rssItem    `xml:"item"`
}

type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type rssItem struct {
	feeds.RssItem
	XMLName xml.Name `xml:"item"`
	// Link shadows RssItem's, which is written even when empty: an item whose
	// original has no link gets none, not an empty <link> a reader resolves to
	// the feed itself.
	Link        string     `xml:"link,omitempty"`
	Source      *rssSource `xml:"source"`
	Categories  []string   `xml:"category"`
	Creator     string     `xml:"dc:creator"`
	Contributor string     `xml:"dc:contributor,omitempty"`
}

type rssSource struct {
	URL  string `xml:"url,attr"`
	Text string `xml:",chardata"`
}

func renderRSS(v *feedView, o Options) ([]byte, error) {
	self := v.Filter.url(o, "feed.rss")
	desc := v.Description
	if desc == "" {
		desc = v.Title // required by RSS 2.0
	}
	ch := &rssChannel{
		RssFeed: feeds.RssFeed{
			Title:       v.feedTitle(),
			Link:        v.Filter.url(o, ""),
			Description: desc,
			Language:    v.Lang,
			Generator:   "gleaner",
			Docs:        "https://www.rssboard.org/rss-specification",
			Ttl:         int(o.CacheMaxAge / time.Minute),
		},
		AtomLinks: []rssAtomLink{{Href: self, Rel: "self", Type: "application/rss+xml"}},
		Items:     make([]*rssItem, 0, len(v.Entries)),
	}
	if len(v.Entries) > 0 {
		ch.LastBuildDate = v.Updated.Format(time.RFC1123Z)
	}
	if v.Hub != "" {
		ch.AtomLinks = append(ch.AtomLinks, rssAtomLink{Href: v.Hub, Rel: "hub"})
	}
	for i := range v.Entries {
		ch.Items = append(ch.Items, rssItemOf(&v.Entries[i]))
	}
	d := &rssDoc{
		RssFeedXml: feeds.RssFeedXml{Version: "2.0", ContentNamespace: "http://purl.org/rss/1.0/modules/content/"},
		AtomNS:     "http://www.w3.org/2005/Atom",
		DCNS:       "http://purl.org/dc/elements/1.1/",
		Channel:    ch,
	}
	var buf bytes.Buffer
	if err := feeds.WriteXML(d, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func rssItemOf(e *entryView) *rssItem {
	it := &rssItem{
		Link: e.URL,
		RssItem: feeds.RssItem{
			Title: e.Title,
			// RSS readers treat description as HTML, so the plain summary is
			// escaped once as HTML (and once more as XML by the encoder).
			Description: html.EscapeString(e.Summary),
			Content:     &feeds.RssContent{Content: contentHTML(e)},
			Guid:        &feeds.RssGuid{Id: e.ID, IsPermaLink: strconv.FormatBool(e.ID == e.URL)},
		},
		Categories:  e.Facets,
		Creator:     e.Author,
		Contributor: e.Byline,
	}
	if !e.Published.IsZero() {
		it.PubDate = e.Published.Format(time.RFC1123Z)
	}
	if e.Outlet.FeedURL != "" {
		it.Source = &rssSource{URL: e.Outlet.FeedURL, Text: e.Outlet.Title}
	}
	return it
}
