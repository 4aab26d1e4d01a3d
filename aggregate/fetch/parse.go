package fetch

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/mmcdole/gofeed"
)

// Parse decodes body to UTF-8 once (see Decode) and parses it with gofeed. It
// returns an *Error of kind KindEmpty for a body with nothing in it, KindNotFeed for
// an HTML page (naming the feed the page advertises, resolved against baseURL) or
// a document of no feed format, KindParse for a malformed or truncated feed, and
// KindDecode when the bytes cannot be decoded. A feed without items is not an
// error. Items beyond Options.MaxItems are dropped, keeping the first in document
// order. No input makes Parse panic: a panic inside gofeed becomes a KindParse
// error, and an XML document nested too deep for gofeed's recursion (a stack
// overflow is no panic: it ends the process) is refused before it (guardXML).
func (c *Client) Parse(body []byte, contentType, baseURL string) (feed *gofeed.Feed, err error) {
	defer func() {
		if p := recover(); p != nil {
			feed, err = nil, parseErr(KindParse, baseURL, fmt.Errorf("feed parser panicked: %v", p))
		}
	}()
	text, err := Decode(body, contentType)
	if err != nil {
		return nil, parseErr(KindDecode, baseURL, err)
	}
	trimmed := bytes.TrimSpace(text)
	if len(trimmed) == 0 {
		return nil, parseErr(KindEmpty, baseURL, errors.New("empty document"))
	}
	if trimmed[0] == '<' {
		// gofeed drops these before its decoder reads a byte: dropped first, the
		// guard reads what the decoder reads (`--\x01>` ends a comment to it).
		text = dropControlBytes(text)
		text = dropForbiddenReferences(text)
		if text, err = guardXML(text, c.o.MaxItems); err != nil {
			return nil, parseErr(KindParse, baseURL, fmt.Errorf("not parsed: %w", err))
		}
	} else if trimmed[0] == '{' {
		if text, err = guardJSON(text, c.o.MaxItems); err != nil {
			return nil, parseErr(KindParse, baseURL, fmt.Errorf("not parsed: %w", err))
		}
	}
	feed, err = c.parser.Parse(bytes.NewReader(text))
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if fixed, ok := conformJSONFeed(text); ok {
			feed, err = c.parser.Parse(bytes.NewReader(fixed))
		}
	}
	if err != nil {
		return nil, classifyParseError(body, trimmed, contentType, baseURL, err)
	}
	if len(feed.Items) == 0 && trimmed[0] == '<' {
		// gofeed's lenient reading stops at a broken tag and returns what it
		// has: an empty feed, which was "ok, 0 items" at every poll, forever.
		if n := len(itemTagRE.FindAllIndex(text, -1)); n > 0 {
			return nil, parseErr(KindParse, baseURL, fmt.Errorf("malformed feed: %d item or entry elements in the document, none read (a misspelt or unclosed tag before them)", n))
		}
	}
	if feed.FeedType == "json" && !isJSONFeed(feed) {
		return nil, parseErr(KindNotFeed, baseURL, errors.New("not a feed: JSON, but not a JSON Feed (no jsonfeed.org version, no items)"))
	}
	if len(feed.Items) > c.o.MaxItems {
		feed.Items = feed.Items[:c.o.MaxItems]
	}
	return feed, nil
}

func parseErr(k Kind, baseURL string, err error) *Error {
	return &Error{Kind: k, URL: baseURL, Err: err, parse: true}
}

// isJSONFeed tells a JSON Feed from other JSON that gofeed accepted because it
// starts with '{': a JSON Feed names its version URL; one without a version still
// counts when it has items.
func isJSONFeed(f *gofeed.Feed) bool {
	if strings.Contains(f.FeedVersion, "jsonfeed.org/version/") {
		return true
	}
	return f.FeedVersion == "" && len(f.Items) > 0
}

// classifyParseError turns gofeed's error into a plain description.
func classifyParseError(body, text []byte, contentType, baseURL string, err error) *Error {
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		kind, reason := notFeedReason(body, text, contentType, baseURL)
		return parseErr(kind, baseURL, reason)
	}
	var (
		synXML  *xml.SyntaxError
		synJSON *json.SyntaxError
		typJSON *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &synJSON):
		if strings.Contains(err.Error(), "unexpected end") {
			return parseErr(KindParse, baseURL, fmt.Errorf("truncated document: invalid JSON: %w", err))
		}
		return parseErr(KindParse, baseURL, fmt.Errorf("invalid JSON: %w", err))
	case errors.As(err, &typJSON):
		return parseErr(KindNotFeed, baseURL, fmt.Errorf("not a feed: JSON of another shape: %w", err))
	case errors.As(err, &synXML):
		if strings.Contains(synXML.Msg, "unexpected EOF") {
			return parseErr(KindParse, baseURL, fmt.Errorf("truncated document: %w", err))
		}
		return parseErr(KindParse, baseURL, fmt.Errorf("malformed XML: %w", err))
	case errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(err.Error(), "EOF"):
		return parseErr(KindParse, baseURL, fmt.Errorf("truncated document: %w", err))
	}
	return parseErr(KindParse, baseURL, fmt.Errorf("malformed feed: %w", err))
}

// notFeedReason says what a document of no feed format is instead. text is
// body decoded as XML would be; a page is read again from body as browsers
// read HTML, <meta charset> included.
func notFeedReason(body, text []byte, contentType, baseURL string) (Kind, error) {
	root, rootErr := rootElement(text)
	if isHTMLRoot(root) || looksLikeHTML(text) {
		if links, _ := discoverPage(body, contentType, baseURL); len(links) > 0 {
			return KindNotFeed, fmt.Errorf("not a feed: the page links to %s", links[0])
		}
		return KindNotFeed, errors.New("not a feed: an HTML page with no feed link")
	}
	switch text[0] {
	case '<':
		switch {
		case root != "":
			return KindNotFeed, fmt.Errorf("not a feed: an XML document with root element <%s>", root)
		case errors.Is(rootErr, io.EOF):
			return KindEmpty, errors.New("empty document: no XML element")
		}
		return KindParse, fmt.Errorf("malformed XML before the root element: %w", rootErr)
	case '[':
		return KindNotFeed, errors.New("not a feed: a JSON array, not a JSON Feed")
	}
	head := string(text[:min(len(text), 40)])
	return KindNotFeed, fmt.Errorf("not a feed: unknown format starting %q", strings.ToValidUTF8(head, "?"))
}

func isHTMLRoot(name string) bool {
	switch strings.ToLower(name) {
	case "html", "head", "body":
		return true
	}
	return false
}

// looksLikeHTML reports whether text starts like an HTML page, whatever its
// first element (sloppy pages start with <title> or <meta>).
func looksLikeHTML(text []byte) bool {
	head := bytes.ToLower(text[:min(len(text), 1024)])
	return bytes.Contains(head, []byte("<!doctype html")) || bytes.Contains(head, []byte("<html"))
}

// rootElement returns the local name of text's first element, or the error that
// stopped the search (io.EOF when there is no element at all).
func rootElement(text []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(text))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local, nil
		}
	}
}

// dropForbiddenReferences removes from an XML document the character references
// to characters XML 1.0 forbids: C0 controls other than tab, LF and CR,
// surrogates, U+FFFE, U+FFFF and numbers past U+10FFFF. The XML parser rejects
// the whole document for one of them ("illegal character code U+0008"), while
// feed readers read the rest; the same characters as raw bytes are already
// dropped by the parser. CDATA sections hold text, not references, and are left
// as they are. text itself is returned when there is nothing to drop.
func dropForbiddenReferences(text []byte) []byte {
	var out []byte // nil until the first reference is dropped
	kept := 0      // text[:kept] is in out
	cdata := -1    // start of the next CDATA section at or after i; -1: not looked for
	for i := 0; ; {
		n := bytes.Index(text[i:], []byte("&#"))
		if n < 0 {
			break
		}
		at := i + n
		if cdata < i && cdata != len(text) {
			if c := bytes.Index(text[i:], []byte("<![CDATA[")); c >= 0 {
				cdata = i + c
			} else {
				cdata = len(text)
			}
		}
		if cdata < at {
			end := bytes.Index(text[cdata:], []byte("]]>"))
			if end < 0 {
				break
			}
			i = cdata + end + 3
			continue
		}
		size, ok := forbiddenReference(text[at:])
		if !ok {
			i = at + 2
			continue
		}
		out = append(out, text[kept:at]...)
		kept = at + size
		i = kept
	}
	if out == nil {
		return text
	}
	return append(out, text[kept:]...)
}

// forbiddenReference reports whether b starts with a well-formed decimal or
// hexadecimal character reference ("&#8;", "&#x1F;") to a character XML forbids,
// and its length.
func forbiddenReference(b []byte) (size int, forbidden bool) {
	i, base := 2, 10
	if i < len(b) && b[i] == 'x' {
		i, base = 3, 16
	}
	start := i
	var r uint64
	for ; i < len(b) && b[i] != ';'; i++ {
		d := uint64(hexDigit(b[i]))
		if d >= uint64(base) {
			return 0, false
		}
		if r <= 0x10FFFF {
			r = r*uint64(base) + d
		}
	}
	if i == start || i == len(b) {
		return 0, false
	}
	allowed := r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
	return i + 1, !allowed
}

// hexDigit is the value of a hexadecimal digit, 16 for any other byte.
func hexDigit(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 16
}

// itemTagRE finds the <item> and <entry> start tags of an XML document,
// prefixed or not (<atom:entry>), with attributes or not.
var itemTagRE = regexp.MustCompile(`<(?:[\w.-]+:)?(?:item|entry)[\s/>]`)

// dropControlBytes removes the bytes below 0x20 other than tab, line feed and
// carriage return, as gofeed's XML parsers do before they decode (a control
// byte is not XML). Text without any is returned as it is.
func dropControlBytes(text []byte) []byte {
	control := func(b byte) bool { return b < 0x20 && b != '\t' && b != '\n' && b != '\r' }
	i := 0
	for i < len(text) && !control(text[i]) {
		i++
	}
	if i == len(text) {
		return text
	}
	out := append(make([]byte, 0, len(text)), text[:i]...)
	for _, b := range text[i:] {
		if !control(b) {
			out = append(out, b)
		}
	}
	return out
}
