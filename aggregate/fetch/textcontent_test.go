package fetch

import (
	"testing"
)

// TestPlainTextContentIsShownAsWritten: JSON Feed's content_text and summary,
// and Atom content of type text, are plain text: their angle brackets and
// ampersands are characters to show, their blank lines paragraph breaks. Read
// as HTML, "<plain>" vanished, "<b>angle</b>" turned bold and paragraphs merged.
func TestPlainTextContentIsShownAsWritten(t *testing.T) {
	c := New(nil, Options{})
	jf := `{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [
		{"id": "1", "url": "https://x.example/1", "title": "a", "summary": "A <plain> lead & more",
		 "content_text": "Line one of <plain> text & stuff.\n\nParagraph two:\nits second line."},
		{"id": "2", "url": "https://x.example/2", "title": "b", "content_html": "<p>Real <b>HTML</b></p>", "content_text": "ignored"}]}`
	f, err := c.Parse([]byte(jf), "application/feed+json", "https://x.example/")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Items[0].Content, "<p>Line one of &lt;plain&gt; text &amp; stuff.</p><p>Paragraph two:<br>its second line.</p>"; got != want {
		t.Errorf("content_text as\n%s\nwant\n%s", got, want)
	}
	if got, want := f.Items[0].Description, "A &lt;plain&gt; lead &amp; more"; got != want {
		t.Errorf("summary as %q, want %q", got, want)
	}
	if got := f.Items[1].Content; got != "<p>Real <b>HTML</b></p>" {
		t.Errorf("content_html as %q, want it as it is", got)
	}
	af := `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:t</id><updated>2026-01-01T00:00:00Z</updated>
<entry><id>urn:1</id><title>a</title><updated>2026-01-01T00:00:00Z</updated><content type="text">Text with &lt;b&gt;angle&lt;/b&gt; brackets.</content></entry>
<entry><id>urn:2</id><title>b</title><updated>2026-01-01T00:00:00Z</updated><content type="html">&lt;p&gt;Some &lt;b&gt;HTML&lt;/b&gt;&lt;/p&gt;</content></entry>
<entry><id>urn:3</id><title>c</title><updated>2026-01-01T00:00:00Z</updated><content>&lt;p&gt;No type&lt;/p&gt;</content></entry>
</feed>`
	f, err = c.Parse([]byte(af), "application/atom+xml", "https://x.example/")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"<p>Text with &lt;b&gt;angle&lt;/b&gt; brackets.</p>", "<p>Some <b>HTML</b></p>", "<p>No type</p>"} {
		if got := f.Items[i].Content; got != want {
			t.Errorf("atom entry %d content %q, want %q", i+1, got, want)
		}
	}
}
