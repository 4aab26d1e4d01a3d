package opml

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"folders, OPML 1.0, lower-case attribute names, Latin-1",
			"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<opml version=\"1.0\"><head><title>x</title></head><body>" +
				"<outline text=\"Folder\"><outline text=\"Caf\xe9 news\" type=\"rss\" xmlurl=\"https://cafe.example/rss\"/>" +
				"<outline text=\"Deeper\"><outline title=\"Deep\" xmlUrl=\"https://deep.example/atom\"/></outline></outline>" +
				"<outline text=\"bad\" xmlUrl=\"javascript:alert(1)\"/><outline text=\"dup\" xmlUrl=\" https://deep.example/atom \"/></body></opml>",
			"[{Café news https://cafe.example/rss   } {Deep https://deep.example/atom   } {bad javascript:alert(1)   } {dup https://deep.example/atom   }]"},
		{"no feeds", `<opml version="2.0"><head/><body><outline text="empty folder"/></body></opml>`, "[]"},
		// Readers' exports as they are: HTML entities, an & left bare, a feed
		// given by url (not xmlUrl), and feeds' outlines that give no feed.
		{"lenient", `<opml version="2.0"><head><title>My&nbsp;feeds &amp; more</title></head><body>` +
			`<outline type="rss" text="By url" url="https://u.example/rss"/>` +
			`<outline type="RSS" text="Page only" htmlUrl="https://p.example/"/>` +
			`<outline type="rss" text="Nothing"/>` +
			`<outline type="link" text="A page" url="https://l.example/"/></body></opml>`,
			"[{By url https://u.example/rss   } {Page only    a feed's outline with no xmlUrl, only the htmlUrl of a web page (https://p.example/): gleaner sources add finds the feed a page advertises} {Nothing    a feed's outline with no xmlUrl}]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			feeds, err := Read(strings.NewReader(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(feeds); got != tc.want {
				t.Errorf("Read = %s\nwant %s", got, tc.want)
			}
		})
	}
	if _, err := Read(strings.NewReader("<html></html>")); err == nil {
		t.Errorf("Read accepted HTML")
	}
	// A stray end tag is an error with its line, not the end of the body:
	// read leniently, the outlines after it were dropped without a word.
	stray := "<opml version=\"2.0\"><body>\n<outline text=\"A\" xmlUrl=\"https://a.example/rss\"/></outline>\n<outline text=\"B\" xmlUrl=\"https://b.example/rss\"/></body></opml>"
	if feeds, err := Read(strings.NewReader(stray)); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a stray end tag: %v, %v; want an error on line 2", feeds, err)
	}
	// Another tool's namespaced attributes are not gleaner's.
	other := `<opml version="2.0" xmlns:app="https://app.example/"><body><outline text="B" xmlUrl="https://b.example/rss" app:interval="60" app:timezone="+09:00" interval="30m"/></body></opml>`
	if feeds, err := Read(strings.NewReader(other)); err != nil || len(feeds) != 1 || feeds[0].Interval != "30m" || feeds[0].Timezone != "" {
		t.Errorf("namespaced attributes: %+v %v", feeds, err)
	}
}

func TestMarshalReadsBack(t *testing.T) {
	feeds := []Feed{{Name: "전자신문", URL: "https://rss.etnews.com/Section901.xml"}, {Name: "Policy <Wire> & Co", URL: "https://policy.example/feed?x=1&y=2"}}
	created := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	b, err := Marshal("AI Policy — sources", created, feeds)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, want := range []string{`<?xml version="1.0" encoding="UTF-8"?>`, `<opml version="2.0">`,
		"<dateCreated>Tue, 03 Mar 2026 12:00:00 +0000</dateCreated>", `xmlUrl="https://policy.example/feed?x=1&amp;y=2"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("no %s in\n%s", want, doc)
		}
	}
	back, err := Read(strings.NewReader(doc))
	if err != nil || fmt.Sprint(back) != fmt.Sprint(feeds) {
		t.Errorf("reads back as %v, %v; want %v", back, err, feeds)
	}
	// Without a date, the same feeds give the same bytes, and an empty list a
	// body all the same.
	b, err = Marshal("x", time.Time{}, nil)
	if err != nil || strings.Contains(string(b), "dateCreated") || !strings.Contains(string(b), "<body></body>") {
		t.Errorf("empty list without a date:\n%s (%v)", b, err)
	}
}

// TestReadSaysWhatItGot: a file that is not OPML is named for what it is, not
// "EOF" or the XML decoder's words.
func TestReadSaysWhatItGot(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"junk\n", "not an OPML file: it has no XML element"},
		{"[[source]]\nurl = \"https://example.org/feed\"\n", "not an OPML file: it has no XML element"},
		{"", "not an OPML file: it has no XML element"},
		{`<?xml version="1.0"?><rss version="2.0"><channel/></rss>`, "not an OPML file: its root element is <rss>, not <opml>: that is a feed; add it with gleaner sources add URL"},
		{`<html><body/></html>`, "not an OPML file: its root element is <html>, not <opml>"},
		{`<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel/></rdf:RDF>`,
			"not an OPML file: its root element is <RDF>, not <opml>: that is a feed; add it with gleaner sources add URL"},
	} {
		_, err := Read(strings.NewReader(c.in))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Read(%q): %v, want %q", c.in, err, c.want)
		}
	}
}
