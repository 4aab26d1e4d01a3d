package fetch

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
)

// TestHostileDocumentShapes: documents shaped to exhaust gofeed are refused or cut
// before it parses them. The first overflowed the goroutine stack (a fatal
// error that ended the daemon, which no recover catches); the second took
// 750 MB for a million empty items of which Parse keeps 500.
func TestHostileDocumentShapes(t *testing.T) {
	c := New(nil, Options{})
	head := `<?xml version="1.0"?><rss version="2.0" xmlns:x="urn:x"><channel><title>t</title><item><title>a</title>`
	deep := head + strings.Repeat("<x:a>", 2_000_000)
	if _, err := c.Parse([]byte(deep), "application/rss+xml", "https://h.example/feed"); err == nil ||
		!strings.Contains(err.Error(), "nested more than 512 deep") {
		t.Errorf("deeply nested feed: %v, want refused as nested too deep", err)
	}
	many := `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>` +
		strings.Repeat(`<item><title>x</title></item>`, 300_000) + `</channel></rss>`
	var feed *gofeed.Feed
	var err error
	if mb := allocatedMB(func() { feed, err = c.Parse([]byte(many), "application/rss+xml", "https://h.example/feed") }); mb > 64 {
		t.Errorf("feed of 300,000 items (9 MB): parsing allocated %d MB", mb)
	}
	if err != nil || len(feed.Items) != DefaultMaxItems || feed.Title != "t" {
		t.Errorf("feed of 300,000 items: %v, %d items, want the first %d", err, itemsOf(feed), DefaultMaxItems)
	}
	attrs := `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item` + strings.Repeat(` a=""`, 40_000) + `><title>x</title></item></channel></rss>`
	if _, err := c.Parse([]byte(attrs), "application/rss+xml", "https://h.example/feed"); err == nil || !strings.Contains(err.Error(), "more than 1024 attributes") {
		t.Errorf("an element of 40,000 attributes: %v, want refused", err)
	}
	// A long attribute is no attack: an inline image in XHTML content.
	img := `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>x</title><id>urn:x:1</id>` +
		`<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><img src="data:image/png;base64,` + strings.Repeat("QUJD", 50_000) +
		`"/></div></content></entry><entry><title>y</title><id>urn:x:2</id></entry></feed>`
	if feed, err := c.Parse([]byte(img), "application/atom+xml", "https://h.example/feed"); err != nil || len(feed.Items) != 2 {
		t.Errorf("an entry with a 200 KB inline image: %v, %d entries", err, itemsOf(feed))
	}
	// What the decoder tolerates cannot hide the nesting: an end tag that closes
	// another element, one that closes none, a quote in a comment in a DOCTYPE.
	for name, prefix := range map[string]string{
		"mismatched end tag": `<x:b><x:c></x:b>`,
		"unknown end tag":    `<x:b></x:zzz>`,
		"doctype comment":    ``,
	} {
		doc := `<?xml version="1.0"?>`
		if name == "doctype comment" {
			doc += `<!DOCTYPE rss [<!-- it's -->]>`
		}
		doc += `<rss version="2.0" xmlns:x="urn:x"><channel><title>t</title><item><title>a</title>` + prefix + strings.Repeat("<x:a>", 2_000_000)
		if _, err := c.Parse([]byte(doc), "application/rss+xml", "https://h.example/feed"); err == nil || !strings.Contains(err.Error(), "nested more than 512 deep") {
			t.Errorf("%s, then deep nesting: %v, want refused as nested too deep", name, err)
		}
	}
	// encoding/xml takes the byte after "<!" as it is: `<!">` is a whole
	// directive to it, and the scan read a quote left open to the end, and let
	// the nest after it through unchecked (2,000,000 levels ended the daemon).
	for _, directive := range []string{`<!">`, `<!'>`, `<!>x>`, `<!<>`} {
		doc := head + directive + strings.Repeat("<x:a>", 100_000)
		if _, err := c.Parse([]byte(doc), "application/rss+xml", "https://h.example/feed"); err == nil || !strings.Contains(err.Error(), "nested more than 512 deep") {
			t.Errorf("%s, then deep nesting: %v, want refused as nested too deep", directive, err)
		}
	}
	// gofeed drops control bytes before it decodes: `--\x01>` ends a comment
	// to it, `]]\x01>` a CDATA section, `?\x01>` a PI. The guard read them
	// open and let the nest after them through.
	for _, open := range []string{"<!-- --\x01>", "<![CDATA[ ]]\x01>", "<?pi ?\x01>"} {
		doc := head + open + strings.Repeat("<x:a>", 100_000) + "<!-- -->]]>?>"
		if _, err := c.Parse([]byte(doc), "application/rss+xml", "https://h.example/feed"); err == nil || !strings.Contains(err.Error(), "nested more than 512 deep") {
			t.Errorf("%q, then deep nesting: %v, want refused as nested too deep", open, err)
		}
	}
	// Whatever the scan cannot read to its end is cut: the decoder fails
	// there either way, and nothing the scan did not check reaches it.
	for _, open := range []string{`<!-- x`, `<![CDATA[ x`, `<?pi x`, `<!DOCTYPE "x`, `<x:b a="x`} {
		doc := head + open + strings.Repeat("<x:a>", 1000)
		if out, err := guardXML([]byte(doc), DefaultMaxItems); err != nil || string(out) != head {
			t.Errorf("%s left open: %v, kept %d bytes of %d, want the %d before it", open, err, len(out), len(doc), len(head))
		}
	}
	wide := `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title>` +
		strings.Repeat(`<x:e/>`, 300_000) + `</item></channel></rss>`
	if _, err := c.Parse([]byte(wide), "application/rss+xml", "https://h.example/feed"); err == nil || !strings.Contains(err.Error(), "more than 250000 elements") {
		t.Errorf("an item of 300,000 elements: %v, want refused", err)
	}
	// A JSON Feed of 300,000 items keeps its first 500, and what follows the items.
	js := `{"version":"https://jsonfeed.org/version/1.1","items":[` + strings.Repeat(`{"id":"i","title":"x, [y] \"}q"},`, 300_000) +
		`{"id":"last"}],"title":"after the items"}`
	if mb := allocatedMB(func() { feed, err = c.Parse([]byte(js), "application/feed+json", "https://h.example/feed.json") }); mb > 64 {
		t.Errorf("JSON Feed of 300,000 items (10 MB): parsing allocated %d MB", mb)
	}
	if err != nil || len(feed.Items) != DefaultMaxItems || feed.Title != "after the items" || feed.Items[499].Title != `x, [y] "}q` {
		t.Errorf("JSON Feed of 300,000 items: %v, %d items, title %q; want the first %d and the title after them", err, itemsOf(feed), titleOf(feed), DefaultMaxItems)
	}
	tags := `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","tags":[` + strings.Repeat(`"a",`, 300_000) + `"b"]}]}`
	if _, err := c.Parse([]byte(tags), "application/feed+json", "https://h.example/feed.json"); err == nil || !strings.Contains(err.Error(), "more than 250000 values") {
		t.Errorf("a JSON item of 300,000 tags: %v, want refused", err)
	}
	// An HTML page, however it nests, is still read as a page that links to its feed.
	page := `<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>` + strings.Repeat("<div>", 1000) + `</body></html>`
	if _, err := c.Parse([]byte(page), "text/html", "https://h.example/"); err == nil || !strings.Contains(err.Error(), "https://h.example/rss.xml") {
		t.Errorf("deeply nested HTML page: %v, want not a feed, naming its feed", err)
	}
}

// allocatedMB is what f allocates, in MB.
func allocatedMB(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) >> 20
}

func itemsOf(f *gofeed.Feed) int {
	if f == nil {
		return -1
	}
	return len(f.Items)
}

// TestGuardCutsOnlyItems: the items past max_items are cut out, and only they:
// an item's own children named item or entry are not items of the feed, and
// what the channel says after its items stays.
func TestGuardCutsOnlyItems(t *testing.T) {
	p := gofeed.NewParser()
	for name, doc := range map[string]string{
		"RDF items with x:item children": `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:x="urn:x">` +
			`<channel rdf:about="c"><title>Feed</title><link>https://h.example/</link></channel>` +
			strings.Repeat(`<item rdf:about="i"><title>T</title><link>https://h.example/i</link><x:item>a</x:item><x:item>b</x:item></item>`, 4) + `</rdf:RDF>`,
		"Atom entries with x:entry children": `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:x="urn:x"><title>Feed</title>` +
			strings.Repeat(`<entry><title>T</title><id>urn:e</id><x:entry>a</x:entry><x:entry>b</x:entry></entry>`, 4) + `</feed>`,
		"channel title after the items": `<?xml version="1.0"?><rss version="2.0"><channel>` +
			strings.Repeat(`<item><title>T</title></item>`, 5) + `<title>Feed</title><link>https://h.example/</link></channel></rss>`,
		"Atom entries under another prefix": `<?xml version="1.0"?><a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>Feed</a:title>` +
			strings.Repeat(`<a:entry><a:title>T</a:title><a:id>urn:e</a:id></a:entry>`, 4) + `</a:feed>`,
		"an extension's item in the channel": `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>` +
			`<dc:item>x</dc:item><dc:item>y</dc:item><title>Feed</title>` + strings.Repeat(`<item><title>T</title></item>`, 4) + `</channel></rss>`,
	} {
		out, err := guardXML([]byte(doc), 3)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f, err := p.Parse(bytes.NewReader(out))
		if err != nil || len(f.Items) != 3 || f.Title != "Feed" {
			t.Errorf("%s: %v, %d items, title %q; want 3 items and the title\n%s", name, err, itemsOf(f), titleOf(f), out)
		}
	}
}

// TestGuardKeepsCorpus runs guardXML and guardJSON over every XML and JSON
// document of the shared corpus: none is refused, and none is changed but those with more items than
// Parse keeps, whose first items parse as before.
func TestGuardKeepsCorpus(t *testing.T) {
	dir := corpusDir(t)
	p := gofeed.NewParser()
	checked, cut := 0, 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text, err := Decode(body, "")
		if err != nil {
			return nil
		}
		trimmed := bytes.TrimSpace(text)
		if len(trimmed) == 0 || trimmed[0] != '<' && trimmed[0] != '{' {
			return nil
		}
		guard := guardJSON
		if trimmed[0] == '<' {
			text, guard = dropForbiddenReferences(text), guardXML
		}
		checked++
		out, err := guard(text, 5) // few, so that many documents are cut
		if err != nil {
			t.Errorf("%s: refused: %v", path, err)
			return nil
		}
		if bytes.Equal(out, text) {
			return nil
		}
		whole, err := p.Parse(bytes.NewReader(text))
		part, perr := p.Parse(bytes.NewReader(out))
		if err != nil {
			// Cut before a construct left open at the end (a truncated
			// document): gofeed fails on either.
			if perr == nil && trimmed[0] == '<' {
				t.Errorf("%s: gofeed fails on it (%v) but reads it cut", path, err)
			}
			return nil
		}
		if len(whole.Items) > 5 {
			cut++
		}
		if perr != nil || len(part.Items) != min(len(whole.Items), 5) || part.Title != whole.Title {
			t.Errorf("%s: cut to %d items (%v), title %q; whole: %d items, title %q", path, itemsOf(part), perr, titleOf(part), len(whole.Items), whole.Title)
			return nil
		}
		for i, it := range part.Items {
			if it.Title != whole.Items[i].Title || it.Link != whole.Items[i].Link {
				t.Errorf("%s: item %d is %q, was %q", path, i, it.Title, whole.Items[i].Title)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d XML and JSON documents, %d cut after 5 items", checked, cut)
	if checked < 1000 || cut < 50 {
		t.Errorf("only %d documents checked, %d cut: the corpus is not where it was?", checked, cut)
	}
}

func titleOf(f *gofeed.Feed) string {
	if f == nil {
		return ""
	}
	return f.Title
}

// BenchmarkGuardXML is the guard's pass over the 70 KB Korean RSS document
// of BenchmarkParse, the typical document of a poll.
func BenchmarkGuardXML(b *testing.B) {
	text := benchDocs(b)["utf8"]
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := guardXML(text, DefaultMaxItems); err != nil {
			b.Fatal(err)
		}
	}
}
