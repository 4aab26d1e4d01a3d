package publish

import (
	"bytes"
	"encoding/xml"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/sanitize"
)

// opmlDoc is an OPML 2.0 subscription list (http://opml.org/spec2.opml): one
// outline of type "rss" per source, which is what readers import.
type opmlDoc struct {
	XMLName xml.Name `xml:"opml"`
	Version string   `xml:"version,attr"`
	Head    opmlHead `xml:"head"`
	Body    opmlBody `xml:"body"`
}

type opmlHead struct {
	Title string `xml:"title"`
	Docs  string `xml:"docs"`
}

type opmlBody struct {
	Outlines []opmlOutline `xml:"outline"`
}

type opmlOutline struct {
	Text   string `xml:"text,attr"`
	Title  string `xml:"title,attr"`
	Type   string `xml:"type,attr"`
	XMLURL string `xml:"xmlUrl,attr"`
}

func renderOPML(o Options, sources []aggregate.Source) ([]byte, error) {
	d := opmlDoc{
		Version: "2.0",
		Head:    opmlHead{Title: sanitize.Text(o.Title) + " — sources", Docs: "http://opml.org/spec2.opml"},
		Body:    opmlBody{Outlines: []opmlOutline{}},
	}
	for _, s := range sources {
		name := sanitize.Text(s.Name)
		if name == "" {
			name = s.URL
		}
		d.Body.Outlines = append(d.Body.Outlines, opmlOutline{Text: name, Title: name, Type: "rss", XMLURL: s.URL})
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
