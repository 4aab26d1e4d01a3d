package fetch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	"golang.org/x/text/encoding/korean"
)

const atomDoc = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>AI 정책</title><id>urn:x</id><updated>2026-03-03T10:00:00Z</updated>
<entry><title>AI Act enters into force</title><id>urn:e1</id><updated>2026-03-03T10:00:00Z</updated><link href="https://example.org/e1"/></entry>
</feed>`

const jsonFeedDoc = `{"version":"https://jsonfeed.org/version/1.1","title":"AI 정책","items":[{"id":"1","title":"정부 발표","url":"https://example.org/1"}]}`

func TestParseFormats(t *testing.T) {
	c := New(nil, Options{})
	tests := []struct {
		name, body, contentType string
		title                   string
		items                   int
	}{
		{"rss", sampleRSS, "application/rss+xml", "정부 소식", 1},
		{"atom", atomDoc, "application/atom+xml", "AI 정책", 1},
		{"json feed", jsonFeedDoc, "application/feed+json", "AI 정책", 1},
		{"json feed without version but with items", `{"title":"t","items":[{"id":"1","title":"x"}]}`, "application/json", "t", 1},
		{"rss without items", `<rss version="2.0"><channel><title>빈 피드</title></channel></rss>`, "", "빈 피드", 0},
		{"rdf", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>r</title></channel><item><title>i</title><link>https://example.org/i</link></item></rdf:RDF>`, "", "r", 1},
		{"leading whitespace", "\n\n  " + sampleRSS, "text/xml", "정부 소식", 1},
		{"served as text/html", sampleRSS, "text/html; charset=utf-8", "정부 소식", 1},
		{"json feed with sloppy field types", `{"version":"https://jsonfeed.org/version/1.1","title":"t","expired":"false","items":[{"id":7,"title":"x","tags":"policy","attachments":{"url":"https://example.org/a.mp3","size_in_bytes":"12"}},{"id":"8","title":["y"],"authors":{"name":"kim"}}]}`, "application/feed+json", "t", 2},
		{"control characters", strings.Replace(sampleRSS, "정부 소식", "정부\x0b 소식\x01", 1), "", "정부 소식", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feed, err := c.Parse([]byte(tt.body), tt.contentType, "https://example.org/feed")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if feed.Title != tt.title || len(feed.Items) != tt.items {
				t.Errorf("title %q, %d items; want %q, %d", feed.Title, len(feed.Items), tt.title, tt.items)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	htmlWithFeed := `<!DOCTYPE html><html><head><title>News</title>
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">
<link rel="alternate" type="application/atom+xml" href="https://example.org/atom.xml">
</head><body><p>Hello</p></body></html>`
	euckrPage, _ := korean.EUCKR.NewEncoder().String(`<html><head><meta charset="euc-kr"><title>정부</title>` +
		`<link rel="alternate" type="application/rss+xml" href="rss/정부.xml"></head><body>정부</body></html>`)
	tests := []struct {
		name, body string
		kind       Kind
		msg        string
	}{
		{"html page with a feed link", htmlWithFeed, KindNotFeed, "not a feed: the page links to https://example.org/rss.xml"},
		{"html page without a feed link", `<html><head><title>x</title></head><body>hi</body></html>`, KindNotFeed, "not a feed: an HTML page with no feed link"},
		{"xhtml page", `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><link rel="alternate" type="application/atom+xml" href="feed.atom"/></head></html>`, KindNotFeed, "not a feed: the page links to https://example.org/feed.atom"},
		{"euc-kr html page", euckrPage, KindNotFeed, "not a feed: the page links to https://example.org/rss/%EC%A0%95%EB%B6%80.xml"},
		{"sloppy html", "<!doctype html>\n<title>x</title><p>unclosed & bad <br>", KindNotFeed, "HTML page with no feed link"},
		{"empty", "", KindEmpty, "empty document"},
		{"whitespace", " \r\n\t ", KindEmpty, "empty document"},
		{"bom only", "\xEF\xBB\xBF", KindEmpty, "empty document"},
		{"only a comment", "<?xml version=\"1.0\"?>\n<!-- nothing here -->\n", KindEmpty, "empty document: no XML element"},
		{"truncated rss", sampleRSS[:len(sampleRSS)/2], KindParse, "truncated document"},
		{"truncated atom", atomDoc[:len(atomDoc)-20], KindParse, "truncated document"},
		{"malformed xml", `<rss version="2.0"><channel><title>a < b</title></channel></rss>`, KindParse, "malformed XML"},
		{"unclosed cdata", `<rss version="2.0"><channel><title><![CDATA[x</title></channel></rss>`, KindParse, "truncated document"},
		{"unknown xml root", `<?xml version="1.0"?><opml version="2.0"><body/></opml>`, KindNotFeed, "not a feed: an XML document with root element <opml>"},
		{"plain text", "Service temporarily down, try later", KindNotFeed, `not a feed: unknown format starting "Service temporarily down, try later"`},
		{"invalid json", `{"version": "https://jsonfeed.org/version/1", "items": [}`, KindParse, "invalid JSON"},
		{"truncated json", jsonFeedDoc[:30], KindParse, "truncated document: invalid JSON"},
		{"json, not a json feed", `{"rss":{"version":"2.0","channel":{"title":"x"}}}`, KindNotFeed, "not a feed: JSON, but not a JSON Feed"},
		{"json of another version", `{"version":"2.0","items":[{"title":"x"}]}`, KindNotFeed, "not a feed: JSON, but not a JSON Feed"},
		{"json array", `[{"title":"x"}]`, KindNotFeed, "not a feed: a JSON array"},
	}
	c := New(nil, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feed, err := c.Parse([]byte(tt.body), "", "https://example.org/feed")
			if err == nil {
				t.Fatalf("Parse succeeded with %d items; want a %s error", len(feed.Items), tt.kind)
			}
			fe := asError(t, err)
			if fe.Kind != tt.kind || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %s %q; want %s containing %q", fe.Kind, err, tt.kind, tt.msg)
			}
			if strings.HasPrefix(err.Error(), "fetch ") {
				t.Errorf("a parse error should read on its own, not as a fetch error: %q", err)
			}
			if fe.URL != "https://example.org/feed" {
				t.Errorf("URL = %q", fe.URL)
			}
		})
	}
}

func TestParseMaxItems(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>t</title>`)
	for i := range 10 {
		fmt.Fprintf(&b, "<item><title>item %d</title></item>", i)
	}
	b.WriteString("</channel></rss>")
	feed, err := New(nil, Options{MaxItems: 3}).Parse([]byte(b.String()), "", "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range feed.Items {
		got = append(got, it.Title)
	}
	if want := []string{"item 0", "item 1", "item 2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("items %q; want %q", got, want)
	}
}

type panickyTranslator struct{}

func (panickyTranslator) Translate(any) (*gofeed.Feed, error) { panic("translator bug") }

// TestParseRecovers: a panic inside the parser is the last line of defence, and
// must come back as an error rather than take the daemon down.
func TestParseRecovers(t *testing.T) {
	c := New(nil, Options{})
	c.parser.RSSTranslator = panickyTranslator{}
	_, err := c.Parse([]byte(sampleRSS), "", "https://example.org/feed")
	if fe := asError(t, err); fe.Kind != KindParse || !strings.Contains(err.Error(), "translator bug") {
		t.Errorf("got %s %q; want parse error naming the panic", fe.Kind, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{sampleRSS, atomDoc, jsonFeedDoc, "", "<", "{", "<html><link rel=alternate type=application/rss+xml href=x>",
		`<?xml version="1.0" encoding="euc-kr"?><rss><channel><title>` + "\xc1\xa4\xba\xce" + `</title></channel></rss>`,
		"\xFF\xFE<\x00r\x00s\x00s\x00>\x00", `<?xml version="1.0" encoding="utf-16"?><feed/>`} {
		f.Add([]byte(s), "")
	}
	f.Add([]byte(sampleRSS), "text/xml; charset=cp949")
	// A few real documents, when the shared corpus is there.
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	if s := os.Getenv("GLEANER_SHARED"); s != "" {
		dir = filepath.Join(s, "corpus")
	}
	for _, name := range []string{
		"real/ko-ricanet-declared-euckr-actually-cp949.xml", "real/ko-kma-dongne-forecast-2019-utf8.xml",
		"real/en-dailymail-no-xmldecl.xml", "feedparser/encoding/utf-16le-autodetect.xml",
		"jsonfeed/feed-rs-jsonfeed-spec-example-v1.json", "gofeed/parser/universal/rss_feed_bom.xml",
	} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			f.Add(b, "")
		}
	}
	c := New(nil, Options{MaxItems: 5})
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		feed, err := c.Parse(body, contentType, "https://example.org/feed")
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || fe.Kind == "" || err.Error() == "" {
				t.Fatalf("unclassified error %T %v", err, err)
			}
			return
		}
		if feed == nil || len(feed.Items) > 5 {
			t.Fatalf("feed %v with %d items", feed, len(feed.Items))
		}
	})
}

// TestParseSloppyJSONFeed: one field of the wrong type costs that field, not the
// feed (gofeed alone rejects the whole document).
func TestParseSloppyJSONFeed(t *testing.T) {
	doc := `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[
{"id":7,"title":"정부 발표","tags":"policy","attachments":{"url":"https://example.org/a.mp3","size_in_bytes":"12"}},
{"id":"8","title":["not a string"],"authors":{"name":"kim"},"tags":["a",1,null]}]}`
	if _, err := gofeed.NewParser().ParseString(doc); err == nil {
		t.Fatalf("gofeed accepts this document by itself; the test shows nothing")
	}
	feed, err := New(nil, Options{}).Parse([]byte(doc), "application/feed+json", "https://example.org/feed.json")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(feed.Items) != 2 {
		t.Fatalf("%d items; want 2", len(feed.Items))
	}
	a, b := feed.Items[0], feed.Items[1]
	if a.GUID != "7" || a.Title != "정부 발표" || !reflect.DeepEqual(a.Categories, []string{"policy"}) || len(a.Enclosures) != 1 {
		t.Errorf("first item: guid %q title %q categories %q enclosures %d", a.GUID, a.Title, a.Categories, len(a.Enclosures))
	}
	if b.GUID != "8" || b.Title != "" || len(b.Authors) != 1 || b.Authors[0].Name != "kim" || !reflect.DeepEqual(b.Categories, []string{"a", "1"}) {
		t.Errorf("second item: guid %q title %q authors %v categories %q", b.GUID, b.Title, b.Authors, b.Categories)
	}
}

// TestForbiddenCharacterReferences parses feeds in which a character reference
// names a character XML 1.0 forbids (&#8;, a surrogate, U+FFFE, past U+10FFFF):
// such a reference is dropped and every item is read, as feed readers do, while
// allowed references and CDATA sections keep their text.
func TestForbiddenCharacterReferences(t *testing.T) {
	tests := []struct {
		name, desc, want string
	}{
		{"backspace", "a&#8;b", "ab"},
		{"hex unit separator", "a&#x1F;b&#x1f;c", "abc"},
		{"nul", "a&#0;b&#x0000;c", "abc"},
		{"surrogate", "a&#xD800;b&#56320;c", "abc"},
		{"non-characters FFFE FFFF", "a&#xFFFE;b&#65535;c", "abc"},
		{"beyond unicode", "a&#x110000;b&#99999999999;c", "abc"},
		{"allowed references", "tab&#9;lf&#xA;é&#233;가&#xAC00;amp&#38;", "tab\tlf\né\u00e9가\uac00amp&"},
		{"cdata keeps its text", "<![CDATA[a&#8;b]]>", "a&#8;b"},
		{"escaped reference is text", "a&amp;#8;b", "a&#8;b"},
	}
	c := New(nil, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := map[string]string{
				"rss": `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>` +
					`<item><title>one</title><description>` + tt.desc + `</description></item>` +
					`<item><title>two</title><description>plain</description></item></channel></rss>`,
				"atom": `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id>` +
					`<entry><title>one</title><id>urn:1</id><summary>` + tt.desc + `</summary></entry>` +
					`<entry><title>two</title><id>urn:2</id><summary>plain</summary></entry></feed>`,
			}
			for format, doc := range docs {
				feed, err := c.Parse([]byte(doc), "", "https://example.org/feed")
				if err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				if len(feed.Items) != 2 {
					t.Fatalf("%s: %d items, want 2", format, len(feed.Items))
				}
				if got := feed.Items[0].Description; got != tt.want {
					t.Errorf("%s: description %q, want %q", format, got, tt.want)
				}
			}
		})
	}
}

func BenchmarkDropForbiddenReferences(b *testing.B) {
	body := []byte(strings.Repeat(`<item><title>it&#39;s &#8220;AI&#8221; &#x2014; news</title></item>`, 2000))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		dropForbiddenReferences(body)
	}
}

// TestBrokenTagBeforeItemsIsAnError: a misspelt end tag in the channel made
// gofeed return an empty feed, reported as "ok, 0 items" at every poll; it is a
// parse error that says so. A feed that has no items is still fine.
func TestBrokenTagBeforeItemsIsAnError(t *testing.T) {
	c := New(nil, Options{})
	for _, doc := range []string{
		`<?xml version="1.0"?><rss version="2.0"><channel><title>Bad</titel><link>http://x/</link>` +
			`<item><title>A</title><link>http://x/a</link></item><item><title>B</title><link>http://x/b</link></item></channel></rss>`,
		`<feed xmlns="http://www.w3.org/2005/Atom"><title>Bad</ttle><entry><title>A</title><id>a</id></entry></feed>`,
	} {
		feed, err := c.Parse([]byte(doc), "application/xml", "http://x/feed")
		var fe *Error
		if !errors.As(err, &fe) || fe.Kind != KindParse || !strings.Contains(err.Error(), "none read") {
			t.Errorf("%.60s: %v, %v; want a parse error", doc, feed, err)
		}
	}
	empty := `<rss version="2.0"><channel><title>Quiet</title><link>http://x/</link><description>nothing &lt;item&gt; yet</description></channel></rss>`
	if feed, err := c.Parse([]byte(empty), "application/xml", "http://x/feed"); err != nil || len(feed.Items) != 0 {
		t.Errorf("a feed without items: %v %v", feed, err)
	}
}
