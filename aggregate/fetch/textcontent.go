package fetch

import (
	"html"
	"strings"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/json"
)

// Plain-text content: gofeed puts JSON Feed's content_text, and Atom content of
// type "text", in Item.Content as it puts HTML there, and gleaner reads
// Item.Content as HTML: "<plain> text" lost its word, "Text with <b>angle</b>
// brackets" came out bold, and paragraphs ran together. The translators below
// turn such text into the HTML that shows it as written.

// textHTML is text as HTML: escaped, a paragraph per run of lines between blank
// lines, the line breaks within one kept.
func textHTML(text string) string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	for para := range strings.SplitSeq(text, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>"))
		b.WriteString("</p>")
	}
	return b.String()
}

// isTextType reports whether an Atom content type attribute says plain text:
// "text" or a text/* media type other than HTML. An absent type is text by RFC
// 4287 too, but feeds that leave it out mostly send escaped HTML, which gofeed
// reads as HTML; it is left so.
func isTextType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	return t == "text" || strings.HasPrefix(t, "text/") && !strings.HasPrefix(t, "text/html")
}

// plainAtomContent replaces the content of src's entries of a text type in f.
func plainAtomContent(f *gofeed.Feed, src *atom.Feed) {
	if f == nil || src == nil || len(f.Items) != len(src.Entries) {
		return
	}
	for i, e := range src.Entries {
		if e != nil && e.Content != nil && e.Content.Src == "" && isTextType(e.Content.Type) && f.Items[i] != nil {
			f.Items[i].Content = textHTML(e.Content.Value)
		}
	}
}

// plainJSON is gofeed's JSON Feed translator, with content_text (when there is
// no content_html) and summary, which JSON Feed 1.1 defines as plain text, as
// HTML that shows them as written.
type plainJSON struct{ gofeed.DefaultJSONTranslator }

func (t *plainJSON) Translate(feed any) (*gofeed.Feed, error) {
	f, err := t.DefaultJSONTranslator.Translate(feed)
	src, _ := feed.(*json.Feed)
	if err != nil || f == nil || src == nil || len(f.Items) != len(src.Items) {
		return f, err
	}
	for i, it := range src.Items {
		if it == nil || f.Items[i] == nil {
			continue
		}
		if it.ContentHTML == "" && it.ContentText != "" {
			f.Items[i].Content = textHTML(it.ContentText)
		}
		if it.Summary != "" {
			f.Items[i].Description = html.EscapeString(it.Summary)
		}
	}
	return f, err
}
