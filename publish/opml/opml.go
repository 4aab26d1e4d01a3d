// Package opml reads and writes OPML subscription lists: the one place gleaner
// handles the format, for /sources.opml, `gleaner sources export` and
// `gleaner sources import`. It reads OPML 1.0 and 2.0 and writes 2.0
// (http://opml.org/spec2.opml): one outline of type "rss" per feed, which is
// what feed readers import.
package opml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// Feed is one subscription of a list.
type Feed struct {
	Name, URL string
	// Interval and Timezone are a source's own settings ("30m",
	// "Asia/Seoul"), written as outline attributes of the same names (OPML
	// takes any attribute), so that an export imports as it was.
	Interval, Timezone string
	// Problem says why an outline that is a feed's (type "rss") gives no
	// address to poll; URL is then empty.
	Problem string
}

type doc struct {
	XMLName xml.Name `xml:"opml"`
	Version string   `xml:"version,attr"`
	Head    head     `xml:"head"`
	Body    body     `xml:"body"`
}

type head struct {
	Title       string `xml:"title"`
	DateCreated string `xml:"dateCreated,omitempty"`
	Docs        string `xml:"docs"`
}

type body struct {
	Outlines []outline `xml:"outline"`
}

type outline struct {
	Text     string `xml:"text,attr"`
	Title    string `xml:"title,attr"`
	Type     string `xml:"type,attr"`
	XMLURL   string `xml:"xmlUrl,attr"`
	Interval string `xml:"interval,attr,omitempty"`
	Timezone string `xml:"timezone,attr,omitempty"`
}

// Marshal renders an OPML 2.0 list titled title, with a dateCreated when
// created is not zero (a list served with validators leaves it out, so that
// the same feeds give the same bytes).
func Marshal(title string, created time.Time, feeds []Feed) ([]byte, error) {
	d := doc{
		Version: "2.0",
		Head:    head{Title: title, Docs: "http://opml.org/spec2.opml"},
		Body:    body{Outlines: []outline{}},
	}
	if !created.IsZero() {
		d.Head.DateCreated = created.UTC().Format(time.RFC1123Z)
	}
	for _, f := range feeds {
		d.Body.Outlines = append(d.Body.Outlines, outline{Text: f.Name, Title: f.Name, Type: "rss", XMLURL: f.URL, Interval: f.Interval, Timezone: f.Timezone})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// anyOutline reads outlines of any depth; attribute names are matched without
// regard to case, since exporters write xmlUrl, xmlurl and XMLURL.
type anyOutline struct {
	Attrs    []xml.Attr   `xml:",any,attr"`
	Outlines []anyOutline `xml:"outline"`
}

func (o *anyOutline) attr(name string) string {
	for _, a := range o.Attrs {
		if strings.EqualFold(a.Name.Local, name) {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// own is the value of gleaner's own attribute name: without a namespace, so
// that another tool's (app:interval) is not taken for it.
func (o *anyOutline) own(name string) string {
	for _, a := range o.Attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// Read lists the feeds of an OPML 1.0 or 2.0 file, folders flattened, in
// document order. A feed is named by its outline's title, else its text.
func Read(r io.Reader) ([]Feed, error) {
	var d struct {
		XMLName xml.Name     `xml:"opml"`
		Body    []anyOutline `xml:"body>outline"`
	}
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset.NewReaderLabel
	// HTML's entities (&nbsp; in a title), which readers' exports hold, are
	// read. The decoder stays strict: lenient, a stray end tag closed <body>
	// and the outlines after it were dropped without a word.
	dec.Entity = xml.HTMLEntity
	if err := dec.Decode(&d); err != nil {
		var root xml.UnmarshalError
		switch {
		case errors.Is(err, io.EOF):
			// Text, TOML, an empty file: no element at all.
			return nil, errors.New("not an OPML file: it has no XML element; a feed reader's export starts with <opml> (or <?xml ...?> and then <opml>)")
		case errors.As(err, &root) && strings.HasPrefix(string(root), "expected element type <opml>"):
			what := strings.TrimPrefix(string(root), "expected element type <opml> but have ")
			hint := ""
			if what == "<rss>" || what == "<feed>" || what == "<RDF>" { // RSS 1.0: rdf:RDF, by its local name
				hint = ": that is a feed; add it with gleaner sources add URL"
			}
			return nil, fmt.Errorf("not an OPML file: its root element is %s, not <opml>%s", what, hint)
		}
		return nil, fmt.Errorf("not an OPML file: %w", err)
	}
	var out []Feed
	var walk func([]anyOutline)
	walk = func(os []anyOutline) {
		for i := range os {
			o := &os[i]
			name := o.attr("title")
			if name == "" {
				name = o.attr("text")
			}
			kind := strings.ToLower(o.attr("type"))
			switch u := o.attr("xmlUrl"); {
			case u != "":
				out = append(out, Feed{Name: name, URL: u, Interval: o.own("interval"), Timezone: o.own("timezone")})
			case kind != "rss" && kind != "atom":
				// A folder, or a link to a page: nothing to poll.
			case o.attr("url") != "":
				// OPML's url attribute (of type "link"), written by some tools for feeds.
				out = append(out, Feed{Name: name, URL: o.attr("url"), Interval: o.own("interval"), Timezone: o.own("timezone")})
			case o.attr("htmlUrl") != "":
				out = append(out, Feed{Name: name, Problem: fmt.Sprintf("a feed's outline with no xmlUrl, only the htmlUrl of a web page (%s): gleaner sources add finds the feed a page advertises", o.attr("htmlUrl"))})
			default:
				out = append(out, Feed{Name: name, Problem: "a feed's outline with no xmlUrl"})
			}
			walk(o.Outlines)
		}
	}
	walk(d.Body)
	return out, nil
}
