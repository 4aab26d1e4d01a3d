package fetch

import (
	"bytes"
	"fmt"
	"regexp"
)

// Limits of the shape of a document that gofeed is given. gofeed's XML
// parsers recurse once per level of nesting (an extension element inside an
// item: internal/shared's parseExtensionElement) and build every item and
// element before Parse keeps the first MaxItems: a 10 MiB document of nested
// elements overflowed the goroutine stack, which no recover catches, and one
// of a million empty <item/> took 750 MB. guardXML and guardJSON check the
// shape first, in one pass over the bytes.
const (
	maxXMLDepth    = 512     // elements open at once; real feeds nest a few dozen at most (XHTML content)
	maxXMLElements = 250_000 // elements in the items kept; a full-text feed of 500 items has tens of thousands
	maxXMLAttrs    = 1024    // attributes of one element (a long attribute is fine: an inline image)
)

// guardXML checks the XML document text before it is parsed: nested no deeper
// than maxXMLDepth, no element with more than maxXMLAttrs attributes, at most
// maxXMLElements elements in what is kept. The items past the first maxItems
// (<item> children of the channel or of an RSS 1.0 root, <entry> children of
// an Atom feed) are cut out, whatever follows them kept (a channel's title
// after its items): gofeed then builds only the items Parse keeps.
//
// The scan follows the document as encoding/xml does with Strict false, as
// gofeed reads it: an end tag closes the open elements up to the one of its
// local name, or all of them. A construct left open to the end of the text
// (a comment, a tag) ends the scan, and the text is cut before it: the
// decoder fails there either way, and if it read the construct otherwise
// than the scan, what follows was never checked (`<!">`, a whole directive to
// encoding/xml, once let a stack-overflowing nest through). An
// HTML page is returned as it is, whatever its shape: Parse reports it as not
// a feed.
func guardXML(text []byte, maxItems int) ([]byte, error) {
	type span struct{ from, to int }
	var (
		stack    [][]byte // names of the open elements
		items    int
		elements int
		root     []byte
		drops    []span // the items past maxItems
		dropping = -1   // depth of the item being cut out; -1 when none
		others   map[string]bool
	)
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := text[i:]
		var skip int // a comment, CDATA, a processing instruction or a declaration
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			if skip = bytes.Index(rest[4:], []byte("-->")); skip >= 0 {
				skip += 4 + 3
			}
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			if skip = bytes.Index(rest[9:], []byte("]]>")); skip >= 0 {
				skip += 9 + 3
			}
		case bytes.HasPrefix(rest, []byte("<?")):
			if skip = bytes.Index(rest[2:], []byte("?>")); skip >= 0 {
				skip += 2 + 2
			}
		case bytes.HasPrefix(rest, []byte("<!")):
			skip = declarationEnd(rest)
		default:
			goto tag
		}
		if skip < 0 {
			// Open to the end of the text: the decoder, reading it as the scan
			// does, ends there with an error. Cut, so that where the two would
			// read it otherwise nothing unchecked reaches the parser.
			text = text[:i]
			break
		}
		i += skip
		continue
	tag:
		end, attrs := tagEnd(rest)
		if end < 0 {
			text = text[:i] // as above
			break
		}
		if attrs > maxXMLAttrs {
			return nil, fmt.Errorf("an element with more than %d attributes", maxXMLAttrs)
		}
		tag := rest[:end]
		if len(tag) > 1 && tag[1] == '/' { // an end tag
			name := localName(tagName(tag[2:]))
			k := len(stack) - 1
			for k >= 0 && !bytes.Equal(localName(stack[k]), name) {
				k--
			}
			stack = stack[:max(k, 0)]
			if dropping >= 0 && len(stack) <= dropping {
				drops[len(drops)-1].to = i + end
				dropping = -1
			}
			i += end
			continue
		}
		name := tagName(tag[1:])
		if len(name) == 0 {
			i++ // '<' as text ("a <3 b"): the decoder refuses it, the scan goes on
			continue
		}
		if root == nil {
			root = name
			if bytes.EqualFold(localName(name), []byte("html")) {
				return text, nil
			}
			others = otherNamespaces(tag)
		}
		if dropping < 0 && isItemOf(name, stack, others) {
			if items++; items > maxItems {
				dropping = len(stack)
				if n := len(drops); n > 0 && len(bytes.TrimSpace(text[drops[n-1].to:i])) == 0 {
					drops[n-1].to = i // one cut for items that follow each other
				} else {
					drops = append(drops, span{i, i})
				}
			}
		}
		if dropping < 0 {
			if elements++; elements > maxXMLElements {
				return nil, fmt.Errorf("more than %d elements", maxXMLElements)
			}
		}
		if bytes.HasSuffix(tag, []byte("/>")) {
			if dropping == len(stack) { // an item of one empty tag
				drops[len(drops)-1].to = i + end
				dropping = -1
			}
		} else {
			if len(stack) == maxXMLDepth {
				return nil, fmt.Errorf("elements nested more than %d deep", maxXMLDepth)
			}
			stack = append(stack, name)
		}
		i += end
	}
	if len(drops) == 0 {
		return text, nil
	}
	if dropping >= 0 { // the last item cut out runs to the end of the text
		drops[len(drops)-1].to = len(text)
	}
	out := make([]byte, 0, len(text))
	last := 0
	for _, d := range drops {
		out = append(out, text[last:d.from]...)
		last = d.to
	}
	return append(out, text[last:]...), nil
}

// tagEnd returns the length of the tag rest starts with, through its '>',
// and how many attributes it has; -1 when it does not end: a '>' inside a
// quoted attribute value does not end it.
func tagEnd(rest []byte) (n, attrs int) {
	var quote byte
	space := false
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
			return k + 1, attrs
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			space = true
			continue
		case space && c != '/' && c != '=':
			attrs++ // a name after a space: an attribute begins
		}
		space = false
	}
	return -1, attrs
}

// declarationEnd returns the length of the declaration rest starts with
// (<!DOCTYPE ...>, with an internal subset), or -1 when it does not end. It
// reads it as encoding/xml does: quotes hide brackets, '<' and '>' nest, and
// a comment inside is skipped. The byte after "<!" is taken as it is, neither
// a quote nor a bracket: encoding/xml reads it before it looks for either
// (`<!">` is a whole directive to it).
func declarationEnd(rest []byte) int {
	depth := 0
	var quote byte
	for k := 3; k < len(rest); k++ {
		c := rest[k]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '<' && bytes.HasPrefix(rest[k:], []byte("<!--")):
			e := bytes.Index(rest[k+4:], []byte("-->"))
			if e < 0 {
				return -1
			}
			k += 4 + e + 2
		case c == '<':
			depth++
		case c == '>':
			if depth == 0 {
				return k + 1
			}
			depth--
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

// feedNamespaces are the namespaces of the feed formats' own elements.
var feedNamespaces = map[string]bool{
	"http://www.w3.org/2005/Atom":                 true,
	"http://purl.org/rss/1.0/":                    true,
	"http://my.netscape.com/rdf/simple/0.9/":      true,
	"http://www.w3.org/1999/02/22-rdf-syntax-ns#": true,
	"http://backend.userland.com/rss2":            true,
}

// otherNamespaces returns the prefixes the root tag binds to namespaces that
// are not a feed format's own ("dc" for Dublin Core).
func otherNamespaces(tag []byte) map[string]bool {
	out := map[string]bool{}
	for _, m := range xmlnsAttr.FindAllSubmatch(tag, -1) {
		if !feedNamespaces[string(m[2])] {
			out[string(m[1])] = true
		}
	}
	return out
}

var xmlnsAttr = regexp.MustCompile(`xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']`)

// isItemOf reports whether an element name opened inside the open elements
// stack is one of the feed's items: an <item> of an RSS channel or of an RSS
// 1.0 (RDF) root, an <entry> of an Atom feed. A prefixed name counts unless the
// root binds its prefix to another namespace: gofeed reads a <dc:item> as an
// extension, an <a:entry> of the Atom namespace as an entry.
func isItemOf(name []byte, stack [][]byte, others map[string]bool) bool {
	if k := bytes.IndexByte(name, ':'); k >= 0 && others[string(name[:k])] {
		return false
	}
	l := localName(name)
	switch len(stack) {
	case 1:
		root := localName(stack[0])
		return bytes.Equal(l, []byte("item")) && bytes.Equal(root, []byte("RDF")) ||
			bytes.Equal(l, []byte("entry")) && bytes.Equal(root, []byte("feed"))
	case 2:
		return bytes.Equal(l, []byte("item")) && bytes.Equal(localName(stack[1]), []byte("channel"))
	}
	return false
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
