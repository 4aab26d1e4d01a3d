package fetch

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mmcdole/gofeed"
)

// TestParserSkipsOnlyTheImageScan parses the sample feeds and the shared corpus's
// real feeds with gleaner's parser and with gofeed's default: the results must
// be the same but for images (those given as enclosures and the like are still
// read: TestParserKeepsDeclaredImages) and each item's origin (TestOrigin).
func TestParserSkipsOnlyTheImageScan(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "feeds", "*.xml"))
	if len(files) < 4 {
		t.Fatalf("only %d sample feeds to compare", len(files))
	}
	dir := corpusDirOrEmpty()
	if _, err := os.Stat(dir); err != nil {
		t.Logf("../shared/corpus not found (%v): comparing the sample feeds and an inline feed only", err)
	} else if real, err := filepath.Glob(filepath.Join(dir, "real", "*")); err == nil {
		files = append(files, real...)
	}
	// A feed whose items carry images only inside their HTML, so that the
	// comparison covers what the scan would have found even without the corpus.
	docs := map[string][]byte{"inline": []byte(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
<item><title>a</title><link>https://example.org/a</link><description><![CDATA[<p><img src="https://img.example/a.jpg"> text</p>]]></description></item>
<item><title>b</title><link>https://example.org/b</link><description>no image</description></item></channel></rss>`)}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = raw
	}
	ours, theirs := newParser(), gofeed.NewParser()
	compared, scanned := 0, 0
	for f, raw := range docs {
		// The same decoded bytes for both (the sample feeds have placeholders
		// that do not matter here).
		text, err := Decode(raw, "")
		if err != nil {
			continue
		}
		a, errA := ours.Parse(bytes.NewReader(text))
		b, errB := theirs.Parse(bytes.NewReader(text))
		if (errA == nil) != (errB == nil) {
			t.Errorf("%s: errors differ: %v / %v", f, errA, errB)
			continue
		}
		if errA != nil {
			continue
		}
		for _, it := range b.Items {
			if it.Image != nil {
				scanned++
			}
		}
		for _, fd := range []*gofeed.Feed{a, b} {
			fd.Image = nil // the channel's, scanned from its description when it has no <image>
			for _, it := range fd.Items {
				it.Image = nil
			}
		}
		for _, it := range a.Items {
			// What gleaner's translators add (TestOrigin); the rest of Custom stays.
			if name, link := Origin(it); name != "" || link != "" {
				delete(it.Custom, originKey)
				delete(it.Custom, originLinkKey)
				if len(it.Custom) == 0 {
					it.Custom = nil
				}
			}
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: feeds differ beyond item images", f)
		}
		compared++
	}
	t.Logf("%d feeds compared, %d items with an image from gofeed's default", compared, scanned)
	if scanned == 0 {
		t.Error("no feed had an item image: the comparison shows nothing")
	}
}

// TestParserKeepsDeclaredImages: an enclosure image is still read.
func TestParserKeepsDeclaredImages(t *testing.T) {
	doc := `<rss version="2.0"><channel><title>t</title><item><title>a</title>
<enclosure url="https://img.example/a.jpg" type="image/jpeg" length="1"/>
<description><![CDATA[<img src="https://img.example/b.jpg">]]></description></item>
<item><title>b</title><description><![CDATA[<p><img src="https://img.example/c.jpg"></p>]]></description></item></channel></rss>`
	f, err := newParser().ParseString(doc)
	if err != nil {
		t.Fatal(err)
	}
	if f.Items[0].Image == nil || f.Items[0].Image.URL != "https://img.example/a.jpg" || f.Items[1].Image != nil {
		t.Fatalf("images %+v, %+v: want the enclosure's, and none scanned from HTML", f.Items[0].Image, f.Items[1].Image)
	}
}

func corpusDirOrEmpty() string {
	if s := os.Getenv("GLEANER_SHARED"); s != "" {
		return filepath.Join(s, "corpus")
	}
	return filepath.Join("..", "..", "..", "shared", "corpus")
}
