package fetch

import (
	"bytes"
	"fmt"
)

// Limits of the shape of an XML document that gofeed is given. gofeed's
// parsers recurse once per level of nesting (an extension element inside an
// item: internal/shared's parseExtensionElement) and build every item and
// element before Parse keeps the first MaxItems: a 10 MiB document of nested
// elements overflowed the goroutine stack, which no recover catches, and one of
// a million empty <item/> took 750 MB. guardXML checks the shape first, in one
// pass over the bytes.
const (
	maxXMLDepth    = 512     // elements open at once; real feeds nest a few dozen at most (XHTML content)
	maxXMLElements = 250_000 // elements in the items kept; a full-text feed of 500 items has tens of thousands
	maxXMLTag      = 64 << 10
)

// guardXML checks the XML document text before it is parsed: nested no deeper
// than maxXMLDepth, no tag longer than maxXMLTag bytes and at most
// maxXMLElements elements. It returns text cut after its first maxItems items
// (<item> or <entry> elements near the root), closed with the end tags of the
// elements still open, when the document has more: gofeed then builds only the
// items Parse keeps. A document the scan cannot follow (not well formed) is
// returned as it is, for gofeed to report; so is an HTML page, whatever its
// shape, which Parse reports as not a feed.
func guardXML(text []byte, maxItems int) ([]byte, error) {
	var (
		stack    [][]byte // names of the open elements
		items    int
		elements int
		root     []byte
	)
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '<')
		if j < 0 {
			return text, nil
		}
		i += j
		rest := text[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			k := bytes.Index(rest[4:], []byte("-->"))
			if k < 0 {
				return text, nil
			}
			i += 4 + k + 3
			continue
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			k := bytes.Index(rest[9:], []byte("]]>"))
			if k < 0 {
				return text, nil
			}
			i += 9 + k + 3
			continue
		case bytes.HasPrefix(rest, []byte("<?")):
			k := bytes.Index(rest[2:], []byte("?>"))
			if k < 0 {
				return text, nil
			}
			i += 2 + k + 2
			continue
		case bytes.HasPrefix(rest, []byte("<!")):
			k := declarationEnd(rest)
			if k < 0 {
				return text, nil
			}
			i += k
			continue
		}
		end := tagEnd(rest)
		if end < 0 {
			if len(rest) > maxXMLTag {
				return nil, fmt.Errorf("a tag longer than %d KB", maxXMLTag>>10)
			}
			return text, nil // cut short: gofeed says so
		}
		if end > maxXMLTag {
			return nil, fmt.Errorf("a tag longer than %d KB", maxXMLTag>>10)
		}
		tag := rest[:end]
		if len(tag) > 1 && tag[1] == '/' { // an end tag
			if len(stack) == 0 || !bytes.Equal(stack[len(stack)-1], tagName(tag[2:])) {
				return text, nil // not well formed
			}
			stack = stack[:len(stack)-1]
			i += end
			continue
		}
		name := tagName(tag[1:])
		if len(name) == 0 {
			return text, nil
		}
		if root == nil {
			root = name
			if bytes.EqualFold(localName(name), []byte("html")) {
				return text, nil
			}
		}
		if isItem(name) && len(stack) <= 2 {
			items++
			if items > maxItems {
				return closeAt(text[:i], stack), nil
			}
		}
		elements++
		if elements > maxXMLElements {
			return nil, fmt.Errorf("more than %d elements", maxXMLElements)
		}
		if !bytes.HasSuffix(tag, []byte("/>")) {
			if len(stack) == maxXMLDepth {
				return nil, fmt.Errorf("elements nested more than %d deep", maxXMLDepth)
			}
			stack = append(stack, name)
		}
		i += end
	}
}

// tagEnd returns the length of the tag rest starts with, through its '>', or
// -1 when it does not end: a '>' inside a quoted attribute value does not end
// it.
func tagEnd(rest []byte) int {
	var quote byte
	for k := 1; k < len(rest); k++ {
		c := rest[k]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return k + 1
		}
	}
	return -1
}

// declarationEnd returns the length of the declaration rest starts with
// (<!DOCTYPE ...>, with an internal subset in brackets), or -1.
func declarationEnd(rest []byte) int {
	depth := 0
	var quote byte
	for k := 2; k < len(rest); k++ {
		c := rest[k]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '>' && depth <= 0:
			return k + 1
		}
	}
	return -1
}

// tagName returns the name a start or end tag's text (after '<' or '</')
// begins with.
func tagName(b []byte) []byte {
	for k, c := range b {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/' || c == '>' {
			return b[:k]
		}
	}
	return b
}

func localName(name []byte) []byte {
	if k := bytes.LastIndexByte(name, ':'); k >= 0 {
		return name[k+1:]
	}
	return name
}

// isItem reports an RSS or RDF <item> or an Atom <entry>.
func isItem(name []byte) bool {
	l := localName(name)
	return bytes.Equal(l, []byte("item")) || bytes.Equal(l, []byte("entry"))
}

// closeAt returns text followed by the end tags of the open elements, the
// innermost first.
func closeAt(text []byte, stack [][]byte) []byte {
	out := make([]byte, 0, len(text)+16*len(stack))
	out = append(out, text...)
	for k := len(stack) - 1; k >= 0; k-- {
		out = append(out, "</"...)
		out = append(out, stack[k]...)
		out = append(out, '>')
	}
	return out
}

// guardJSON is guardXML for a JSON Feed: more than maxXMLElements values
// (objects, arrays and the commas between values) are refused, and the
// top-level "items" array keeps its first maxItems elements, the others cut
// out with everything after them left as it is. Nesting needs no guard:
// encoding/json stops at 10,000 levels with an error. A document the scan
// cannot follow is returned as it is, for the parser to report.
func guardJSON(text []byte, maxItems int) ([]byte, error) {
	var (
		stack     []byte // '{' or '[' of each open value
		values    int
		expectKey bool   // the next string of the object at depth 1 is a key
		key       []byte // the last such key
		inItems   int    // depth of the items array, 0 outside it
		elements  int    // elements of the items array begun so far
		cut       = -1   // where the items past maxItems begin (at their comma)
	)
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch c {
		case '"':
			end := stringEnd(text, i)
			if end < 0 {
				return text, nil
			}
			if len(stack) == 1 && stack[0] == '{' && expectKey {
				key, expectKey = text[i+1:end-1], false
			} else if inItems > 0 && len(stack) == inItems {
				elements++
			}
			i = end - 1
			continue
		case '{', '[':
			if cut < 0 {
				values++
			}
			if inItems > 0 && len(stack) == inItems {
				elements++
			}
			if c == '[' && len(stack) == 1 && stack[0] == '{' && bytes.Equal(key, []byte("items")) && inItems == 0 {
				inItems = 2
			}
			stack = append(stack, c)
			expectKey = c == '{' && len(stack) == 1
		case '}', ']':
			if len(stack) == 0 {
				return text, nil
			}
			if inItems > 0 && len(stack) == inItems && c == ']' {
				if cut >= 0 {
					out := make([]byte, 0, cut+len(text)-i)
					out = append(out, text[:cut]...)
					text = append(out, text[i:]...)
					i = cut
				}
				inItems, cut = -1, -1 // one items array
			}
			stack = stack[:len(stack)-1]
		case ',':
			if cut < 0 {
				values++
			}
			if len(stack) == 1 && stack[0] == '{' {
				expectKey = true
			}
			if inItems > 0 && len(stack) == inItems && elements == maxItems && cut < 0 {
				cut = i
			}
		case ' ', '\t', '\n', '\r', ':':
		default: // a number, true, false or null
			if inItems > 0 && len(stack) == inItems && (i == 0 || !isScalarByte(text[i-1])) {
				elements++
			}
		}
		if values > maxXMLElements {
			return nil, fmt.Errorf("more than %d values", maxXMLElements)
		}
	}
	return text, nil
}

// stringEnd returns the index just past the JSON string that starts at
// text[i] ('"'), or -1 when it does not end.
func stringEnd(text []byte, i int) int {
	for k := i + 1; k < len(text); k++ {
		switch text[k] {
		case '\\':
			k++
		case '"':
			return k + 1
		}
	}
	return -1
}

func isScalarByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E'
}
