package publish

import (
	"bytes"
	"encoding/xml"
	"time"

	"github.com/gorilla/feeds"
)

// The Atom document extends gorilla/feeds' structs. Left alone they write an empty
// <updated> for zero times, <category> without term, one link with no rel="self",
// the feed id copied from the link and random ids for items without one; here each
// of those fields is shadowed (encoding/xml, like Go, lets the shallower field win)
// by one that is always valid, and the missing parts of RFC 4287 are added:
// xml:lang per entry, several links, and <source> for republished entries. The
// outlet is the entry's author (readers show one name; in a feed of many outlets
// the outlet is the one that matters) and the original's byline a contributor.

type atomFeed struct {
	feeds.AtomFeed
	XMLName   xml.Name       `xml:"feed"`
	Lang      string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Links     []atomLink     `xml:"link"`
	Generator *atomGenerator `xml:"generator"`
	Entries   []*atomEntry   `xml:"entry"`
}

// FeedXml lets feeds.WriteXML write the extended document.
func (f *atomFeed) FeedXml() any { return f }

type atomEntry struct {
	feeds.AtomEntry
	XMLName    xml.Name       `xml:"entry"`
	Lang       string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Source     *atomSource    `xml:"source"`
}

type atomLink struct {
	feeds.AtomLink
	HrefLang string `xml:"hreflang,attr,omitempty"`
	Title    string `xml:"title,attr,omitempty"`
}

type atomCategory struct {
	XMLName xml.Name `xml:"category"`
	Term    string   `xml:"term,attr"`
}

// atomSource names the feed a republished entry came from (RFC 4287 section 4.2.11).
type atomSource struct {
	XMLName xml.Name   `xml:"source"`
	ID      string     `xml:"id,omitempty"`
	Title   string     `xml:"title,omitempty"`
	Links   []atomLink `xml:"link"`
}

type atomGenerator struct {
	URI  string `xml:"uri,attr,omitempty"`
	Text string `xml:",chardata"`
}

func link(href, rel, typ string) atomLink {
	return atomLink{AtomLink: feeds.AtomLink{Href: href, Rel: rel, Type: typ}}
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func renderAtom(v *feedView, o Options) ([]byte, error) {
	self := v.Filter.url(o, "feed.atom")
	f := &atomFeed{
		AtomFeed: feeds.AtomFeed{
			Xmlns:    "http://www.w3.org/2005/Atom",
			Title:    v.feedTitle(),
			Subtitle: v.Description,
			// The feed's id is its own address, not the site link: each filtered
			// rendering is a feed of its own.
			Id:      self,
			Updated: rfc3339(v.Updated),
			Author:  &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: v.Title, Uri: o.BaseURL}},
		},
		Lang: v.Lang,
		Links: []atomLink{
			link(self, "self", "application/atom+xml"),
			link(v.Filter.url(o, ""), "alternate", "text/html"),
		},
		Generator: &atomGenerator{URI: "https://github.com/gleaner/gleaner", Text: "gleaner"},
		Entries:   make([]*atomEntry, 0, len(v.Entries)),
	}
	if v.Hub != "" {
		f.Links = append(f.Links, link(v.Hub, "hub", ""))
	}
	for i := range v.Entries {
		f.Entries = append(f.Entries, atomEntryOf(&v.Entries[i]))
	}
	var buf bytes.Buffer
	if err := feeds.WriteXML(f, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func atomEntryOf(e *entryView) *atomEntry {
	a := &atomEntry{
		AtomEntry: feeds.AtomEntry{
			Title:   e.Title,
			Id:      e.ID,
			Updated: rfc3339(e.Updated),
			Summary: &feeds.AtomSummary{Type: "text", Content: e.Summary},
			Content: &feeds.AtomContent{Type: "html", Content: contentHTML(e)},
		},
		Lang: e.Lang,
	}
	if !e.Published.IsZero() {
		a.Published = rfc3339(e.Published)
	}
	a.Author = &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: e.Author, Uri: e.Outlet.Author}}
	if e.Byline != "" {
		a.Contributor = &feeds.AtomContributor{AtomPerson: feeds.AtomPerson{Name: e.Byline}}
	}
	if e.URL != "" {
		l := link(e.URL, "alternate", "text/html")
		l.HrefLang = e.Lang
		a.Links = append(a.Links, l)
	}
	for _, r := range e.Also {
		l := link(r.URL, "related", "text/html")
		l.HrefLang = r.Lang
		l.Title = r.Outlet
		if r.Title != "" {
			l.Title += ": " + r.Title
		}
		a.Links = append(a.Links, l)
	}
	if e.StoryURL != "" {
		// The story page lists every report, those not named here too.
		l := link(e.StoryURL, "related", "text/html")
		l.Title = "All " + reportsLine(e.Reports, e.Langs)
		a.Links = append(a.Links, l)
	}
	for _, f := range e.Facets {
		a.Categories = append(a.Categories, atomCategory{Term: f})
	}
	src := &atomSource{ID: e.Outlet.SourceID, Title: e.Outlet.Title}
	if e.Outlet.FeedURL != "" {
		src.Links = append(src.Links, link(e.Outlet.FeedURL, "self", ""))
	}
	if e.Outlet.Link != "" {
		src.Links = append(src.Links, link(e.Outlet.Link, "alternate", "text/html"))
	}
	a.Source = src
	return a
}
