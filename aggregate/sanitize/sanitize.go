// Package sanitize makes third-party feed text safe to republish: HTML bodies go
// through one bluemonday policy (the only place that decides which markup
// survives), and titles become plain text. The ingest pipeline turns titles,
// summaries and body text into plain text before storing; it stores a kept
// item's HTML body as received, and publish sanitises it with HTML on every
// rendering (and cleans every text field again), where it leaves gleaner.
package sanitize

import (
	"bytes"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// LinkRel is the rel value every republished link carries: the links point at
// pages gleaner does not vouch for, and readers should not leak where they came from.
const LinkRel = "nofollow noopener noreferrer"

// policy is built once: a bluemonday.Policy is safe for concurrent use once it is
// no longer being changed.
var policy = newPolicy()

// newPolicy is a UGC-like policy written out element by element, so that what
// survives is visible here rather than inherited: text structure, links, lists,
// tables and http(s) images; no script, style, iframe, object, embed, form, meta,
// svg or math, no event handlers, no class, style or id attributes, and no URL
// scheme but http, https and mailto.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	// Relative URLs were resolved against the item link before the policy runs;
	// any left had no usable base and would point into gleaner's own site.
	p.AllowRelativeURLs(false)
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	// Space where a stripped tag stood, so "a<font>b</font>" does not fuse words.
	p.AddSpaceWhenStrippingTag(true)

	p.AllowAttrs("dir").Matching(bluemonday.Direction).Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)).Globally()
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).Globally()

	p.AllowElements("p", "br", "hr", "div", "span", "wbr",
		"b", "strong", "i", "em", "u", "s", "strike", "small", "big", "mark",
		"sub", "sup", "code", "pre", "kbd", "samp", "var", "tt", "abbr", "acronym",
		"cite", "dfn", "bdi", "h1", "h2", "h3", "h4", "h5", "h6",
		"figure", "figcaption", "section", "article", "aside", "details", "summary",
		"caption", "thead", "tbody", "tfoot", "tr", "table", "dl", "dt", "dd", "ul", "li")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowElements("ol")
	p.AllowAttrs("cite").OnElements("blockquote", "q", "del", "ins")
	p.AllowElements("blockquote", "q", "del", "ins")
	p.AllowAttrs("datetime").Matching(bluemonday.ISO8601).OnElements("time", "del", "ins")
	p.AllowElements("time")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowElements("td", "th")

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + LinkRel + `$`)).OnElements("a")

	p.AllowAttrs("src").OnElements("img")
	p.AllowAttrs("alt").Matching(bluemonday.Paragraph).OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img")
	return p
}

// HTML returns fragment s made safe to republish. Relative href, src and cite URLs
// are made absolute against baseURL (the item's link) first, links get
// rel="nofollow noopener noreferrer", images keep only http(s) sources (lazy-loading
// data-src is used when src is a placeholder), and then the bluemonday policy has
// the last word. The result is balanced: it cannot close or open elements around it.
func HTML(s, baseURL string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var base *url.URL
	if u, err := url.Parse(strings.TrimSpace(baseURL)); err == nil && isHTTP(u) && u.Host != "" {
		base = u
	}
	body := &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"}
	nodes, err := html.ParseFragment(strings.NewReader(boundFormatting(s)), body)
	if err != nil {
		// ParseFragment only fails on reader errors; fall back to escaping all of it.
		return xmlChars(html.EscapeString(s))
	}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	rewrite(body, base)
	var buf bytes.Buffer
	for n := body.FirstChild; n != nil; n = n.NextSibling {
		if err := html.Render(&buf, n); err != nil {
			return xmlChars(html.EscapeString(s))
		}
	}
	return xmlChars(strings.TrimSpace(policy.Sanitize(buf.String())))
}

// formattingNames are the elements HTML's parser keeps on its list of active
// formatting elements and copies into each new block while they are open
// ("<p><b>x<p>y" puts a copy of b in the second p); <a>, the fourteenth, is
// renamed for the parser instead (anchorName).
var formattingNames = []string{"b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"}

// cloneBudget bounds the copies of formatting elements the parser may make
// for one body (about 75 MB of elements at most).
const cloneBudget = 500_000

// anchorName is what <a> is called while the parser reads a body: an element
// it knows nothing of, which it neither copies into later blocks nor closes at
// the next <a> (rewrite calls it a again). As <a>, with attributes the parser
// keeps on every copy and an adoption agency that gives up after eight
// steps, 6,000 attributes on one link or 480 links under nine blocks each
// took 35-43 s and 3-5 GB.
const anchorName = "gleaner-a"

// boundFormatting returns s in a form the parser cannot spend more than about
// cloneBudget copies of formatting elements on. The parser copies every open
// formatting element into each new block and keeps at most three identical
// ones (same tag and attributes) after the last marker; distinct attributes
// escape that limit: 500 unclosed <b id=N> before 16,000 "<p>x" (69 KB) made 8
// million elements, 1.5 GB and 11 s. No attempt is made to follow the
// parser's reading of s (raw text, foreign content, tables, markers: each was
// a way past a count that tried). Bytes alone decide, wherever they stand:
//
//   - <a> and </a> are renamed anchorName;
//   - a formatting start tag with anything after its name ("<b id=1>",
//     "<b />", "<code class=go>") is renamed span, which is never copied: every
//     formatting element the parser then makes has no attributes, so at most
//     three of each of the 13 tags are open after the last marker, whatever
//     the parser does;
//   - if even that many could be copied more than cloneBudget times (each '<'
//     may start two tokens that each copy them all), every formatting tag left
//     becomes an empty comment, which the policy drops ("un<b>believ</b>able"
//     stays one word, and no bytes meet as a new tag: "<b" + "<!---->" + " id=1>"
//     is no tag).
//
// Renaming changes no other byte. Bold or code with attributes loses its look
// (the policy keeps no attributes on them but dir, lang and title anyway).
func boundFormatting(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	s = renameFormatting(s, false)
	var seen [13]bool
	kinds, open, copies := 0, 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		if k := formattingAt(s, i+1); k >= 0 {
			open++
			if !seen[k] {
				seen[k] = true
				kinds++
			}
		}
		copies += 2 * min(open, 3*kinds)
		if copies > cloneBudget {
			return renameFormatting(s, true)
		}
	}
	return s
}

// formattingAt returns the index in formattingNames of the formatting tag
// whose name starts s[i:] (case aside, followed by white space, '/', '>' or
// the end), or -1.
func formattingAt(s string, i int) int {
	for k, name := range formattingNames {
		if tagNameIs(s, i, name) {
			return k
		}
	}
	return -1
}

// tagNameIs reports whether s[i:] starts with name, in any case, followed by
// what ends a tag name: white space, '/', '>' or the end of s.
func tagNameIs(s string, i int, name string) bool {
	if len(s)-i < len(name) || !strings.EqualFold(s[i:i+len(name)], name) {
		return false
	}
	if j := i + len(name); j < len(s) {
		switch s[j] {
		case ' ', '\t', '\n', '\f', '\r', '/', '>':
		default:
			return false
		}
	}
	return true
}

// renameFormatting renames <a> and </a> anchorName, and formatting start tags
// with anything after the name span. With all, the formatting tags left, bare
// ("<b>", "</b>"), become empty comments, and any other spelling of an end
// tag is renamed span.
func renameFormatting(s string, all bool) string {
	var b strings.Builder
	last := 0
	grow := func() { // before the first write
		if last == 0 {
			b.Grow(len(s) + 64)
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		at := i + 1
		end := at < len(s) && s[at] == '/'
		if end {
			at++
		}
		if !all && tagNameIs(s, at, "a") {
			grow()
			b.WriteString(s[last:at])
			b.WriteString(anchorName)
			last = at + 1
			continue
		}
		k := formattingAt(s, at)
		if k < 0 || end && !all {
			continue
		}
		stop := at + len(formattingNames[k])
		bare := stop < len(s) && s[stop] == '>'
		if !all && bare {
			continue // identical to every other bare one: three at most are kept
		}
		grow()
		if all && bare {
			b.WriteString(s[last:i])
			b.WriteString("<!---->")
			last = stop + 1
			i = stop
			continue
		}
		b.WriteString(s[last:at])
		b.WriteString("span")
		last = stop
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// xmlChars drops what XML 1.0 cannot carry, C0 controls other than tab, newline
// and carriage return, U+FFFE and U+FFFF, and the bidi controls text loses
// too, and replaces invalid UTF-8 with U+FFFD. A feed's body can hold them as
// characters or as references (&#1;, which the parser turns into the
// character), and RSS readers get the body in
// CDATA, where nothing is escaped: one of them made the whole RSS feed
// ill-formed XML.
func xmlChars(s string) string {
	clean := true
	for i := 0; i < len(s) && clean; {
		c := s[i]
		if c < utf8.RuneSelf {
			clean = c >= 0x20 || c == '\t' || c == '\n' || c == '\r'
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		clean = !(r == utf8.RuneError && n == 1) && r != 0xFFFE && r != 0xFFFF && !isBidiControl(r)
		i += n
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		// Bidi embeddings, overrides and isolates go too, as from text: a
		// link's words shown reversed ("\u202emoc.elgoog") spoof what it says;
		// the dir attribute says what they would.
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF || isBidiControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// rewrite resolves URLs and marks links in the tree under n. It only ever removes
// or normalises; deciding what is safe is left to the policy.
func rewrite(n *html.Node, base *url.URL) {
	if n.Type == html.ElementNode && n.Namespace == "" && n.Data == anchorName {
		n.Data, n.DataAtom = "a", atom.A // renamed for the parser (boundFormatting)
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && c.DataAtom == atom.Img {
			if !fixImage(c, base) {
				n.RemoveChild(c)
				c = next
				continue
			}
		}
		rewrite(c, base)
		c = next
	}
	if n.Type != html.ElementNode {
		return
	}
	switch n.DataAtom {
	case atom.A, atom.Area:
		href, ok := attr(n, "href")
		if !ok {
			return
		}
		href = resolve(base, href)
		// An http(s) link without a host ("https:/logout", "http:status") is
		// read by browsers as a path on the reader's own site.
		if u, err := url.Parse(href); err != nil || !(isHTTP(u) && u.Host != "" || strings.EqualFold(u.Scheme, "mailto")) {
			// A link the policy would drop anyway: drop it here so that the
			// element loses its last attribute and is unwrapped to its text.
			setAttr(n, "href", "")
			setAttr(n, "rel", "")
			return
		}
		setAttr(n, "href", href)
		setAttr(n, "rel", LinkRel)
	case atom.Blockquote, atom.Q, atom.Del, atom.Ins:
		if v, ok := attr(n, "cite"); ok {
			setAttr(n, "cite", resolve(base, v))
		}
	}
}

// trackingPixel reports whether img n is a tracking pixel, which shows nothing and
// tells its server who read the entry, in every reader that loads it: 1x1 (or 0
// wide or high) by its attributes, or hidden by its hidden attribute or its
// style (hiddenStyle), both of which the sanitiser drops: kept, it showed.
func trackingPixel(n *html.Node) bool {
	if _, ok := attr(n, "hidden"); ok {
		return true
	}
	if style, ok := attr(n, "style"); ok && hiddenStyle(style) {
		return true
	}
	dim := func(key string) (int, bool) {
		v, ok := attr(n, key)
		if !ok {
			return 0, false
		}
		d, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), "px"))
		return d, err == nil
	}
	w, wok := dim("width")
	h, hok := dim("height")
	return wok && w == 0 || hok && h == 0 || wok && hok && w <= 1 && h <= 1
}

// hiddenStyle reports whether a style attribute hides its element: display
// none, visibility hidden or opacity 0, each as its last declaration says
// ("display:none; display:block" shows it).
func hiddenStyle(style string) bool {
	var display, visibility, opacity string
	for _, decl := range strings.Split(style, ";") {
		prop, value, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		value = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "!important")))
		switch strings.ToLower(strings.TrimSpace(prop)) {
		case "display":
			display = value
		case "visibility":
			visibility = value
		case "opacity":
			opacity = value
		}
	}
	if f, err := strconv.ParseFloat(strings.TrimSuffix(opacity, "%"), 64); err == nil && f == 0 {
		return true
	}
	return display == "none" || visibility == "hidden"
}

// fixImage resolves an img's source, preferring a lazy-loading attribute when src
// is missing or a placeholder, and reports whether an http(s) source remains.
func fixImage(n *html.Node, base *url.URL) bool {
	if trackingPixel(n) {
		return false
	}
	src, _ := attr(n, "src")
	if s := strings.ToLower(strings.TrimSpace(src)); s == "" || strings.HasPrefix(s, "data:") {
		for _, k := range []string{"data-src", "data-original", "data-lazy-src"} {
			if v, ok := attr(n, k); ok && strings.TrimSpace(v) != "" {
				src = v
				break
			}
		}
	}
	src = resolve(base, src)
	u, err := url.Parse(src)
	if src == "" || err != nil || !isHTTP(u) || u.Host == "" {
		return false
	}
	setAttr(n, "src", src)
	return true
}

// resolve makes ref absolute against base. It returns "" (dropping the attribute)
// when ref does not parse, and when it is relative with no base to resolve against.
// Absolute URLs of any scheme are returned as they are: the policy rejects the bad ones.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if u.Scheme != "" {
		if u.User != nil && isHTTP(u) {
			// https://trusted.example@evil.example/ reads as the first host
			// and goes to the second; an article's link needs no credentials.
			u.User = nil
			return u.String()
		}
		return ref
	}
	if base == nil {
		return ""
	}
	return base.ResolveReference(u).String()
}

func isHTTP(u *url.URL) bool {
	s := strings.ToLower(u.Scheme)
	return s == "http" || s == "https"
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// setAttr sets key to val, removing the attribute when val is empty and any
// duplicates the parser kept.
func setAttr(n *html.Node, key, val string) {
	out := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			continue
		}
		out = append(out, a)
	}
	if val != "" {
		out = append(out, html.Attribute{Key: key, Val: val})
	}
	n.Attr = out
}

// rawSkip are the elements whose content is code or markup, not text: a title
// that contains them keeps none of it.
var rawSkip = map[string]bool{
	"script": true, "style": true, "iframe": true, "noembed": true,
	"noframes": true, "noscript": true, "xmp": true, "plaintext": true,
}

// inline elements do not separate words when stripped ("Open<b>AI</b>").
var inline = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true,
	atom.Cite: true, atom.Code: true, atom.Data: true, atom.Dfn: true, atom.Em: true,
	atom.Font: true, atom.I: true, atom.Kbd: true, atom.Mark: true, atom.Q: true,
	atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true, atom.Strike: true,
	atom.Strong: true, atom.Sub: true, atom.Sup: true, atom.Time: true, atom.Tt: true,
	atom.U: true, atom.Var: true, atom.Wbr: true,
}

// Text returns s as one line of plain text for titles: tags are stripped (with the
// content of script, style and the like), entities decoded, control and
// bidi-override characters dropped, and whitespace collapsed. The result is never
// HTML and must be escaped wherever it is written.
//
// Feeds often escape HTML twice in titles ("&amp;lt;b&amp;gt;"), so stripping repeats
// until nothing changes. Only known HTML element names count as tags: Korean
// headlines use angle brackets as quotation marks ("<AI 기본법> 통과"), and those
// stay, unless they carry attribute values as a real tag would.
//
// Text of its own result changes nothing: gleaner applies it when an item is
// stored and again when it is published, and a title escaped more times than a
// bounded number of rounds undoes came out as a live tag the second time
// ("&amp;amp;amp;amp;amp;amp;lt;img onerror=…&gt;" after six rounds).
// A text still changing after maxTextRounds rounds is hostile: it loses its
// angle brackets.
func Text(s string) string {
	s = clean(s)
	for round := 0; ; round++ {
		if round == maxTextRounds {
			return strings.NewReplacer("<", "", ">", "").Replace(s)
		}
		// Without a tag or entity, stripping would return s itself (clean
		// already dropped the NUL and CR the tokenizer rewrites), so the
		// round is skipped.
		if !mayStrip(s) {
			break
		}
		// stripClean is one pass for what clean(stripTags(s)) does in two
		// and with the tokenizer's allocations; it declines the rare input
		// it does not follow the tokenizer on (see text.go).
		t, ok := stripClean(s)
		if !ok {
			t = clean(stripTags(s))
		}
		if t == s {
			break
		}
		s = t
	}
	return s
}

// maxTextRounds bounds the rounds of Text: each undoes one layer of escaping,
// and real feeds need two at most.
const maxTextRounds = 32

func stripTags(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
	skip := ""
	var kept map[string]int // unknown tags kept as text, so that only their end tags are
	var raw []byte
	// foreign counts the svg and math elements open: inside one, an unknown tag
	// (SVG's <text>, <g>, <path>, MathML's <mrow> ...) is markup, not bracketed
	// text ("<svg><text>Greece</text></svg>" left "<text>Greece</text>").
	foreign := 0
	off := 0 // bytes of s read: an element opens only if its end tag follows
	// Where the last end tag of each is, found once (a scan at every start tag
	// made a text of many "<math>" quadratic); those of raw-text elements when
	// first met.
	lastEnd := map[string]int{"svg": lastEndTag(s, "svg"), "math": lastEndTag(s, "math")}
	for {
		tt := z.Next()
		off += len(z.Raw())
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == "" {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			// TagName lower-cases the name inside the token, so the raw
			// text is copied first: a tag kept as text keeps its case.
			raw = append(raw[:0], z.Raw()...)
			name, hasAttr := z.TagName()
			if tt == html.EndTagToken {
				if skip != "" && string(name) == skip {
					skip = ""
				}
				if skip != "" {
					continue
				}
				if a := atom.Lookup(name); a != 0 {
					if (a == atom.Svg || a == atom.Math) && foreign > 0 {
						foreign--
					}
					if !inline[a] {
						b.WriteByte(' ')
					}
				} else if kept[string(name)] > 0 {
					kept[string(name)]--
					b.Write(raw)
				}
				continue
			}
			if skip != "" {
				continue
			}
			if a := atom.Lookup(name); a != 0 {
				if tt == html.StartTagToken && rawSkip[string(name)] {
					end, ok := lastEnd[string(name)]
					if !ok {
						end = lastEndTag(s, string(name))
						lastEnd[string(name)] = end
					}
					if end < off {
						// Never closed: the text after it is the headline's,
						// read as text, not as the element's raw content; a
						// bare name is a word in brackets ("the <style> of
						// regulation"), one with attributes markup, dropped.
						z.NextIsNotRawText()
						if !inline[a] {
							b.WriteByte(' ')
						}
						if !hasAttr {
							b.Write(raw)
						}
						continue
					}
					skip = string(name)
				}
				// An element that is never closed is a word in brackets
				// ("<math> scores"), not a drawing.
				if tt == html.StartTagToken && (a == atom.Svg || a == atom.Math) && lastEnd[string(name)] >= off {
					foreign++
				}
				if !inline[a] {
					b.WriteByte(' ')
				}
				continue
			}
			if foreign == 0 && literalTag(z, name, hasAttr) {
				if tt == html.StartTagToken {
					if kept == nil {
						kept = map[string]int{}
					}
					kept[string(name)]++
				}
				b.Write(raw)
			}
		}
	}
}

// lastEndScans counts the calls of lastEndTag, each a scan of its text, for
// the test that holds Text to one scan per element name.
var lastEndScans atomic.Int64

// lastEndTag is where the last end tag of name in s starts ("</math>",
// "</MATH "; "</mathematics>" is none), in any letter case; -1 if there is none.
func lastEndTag(s, name string) int {
	lastEndScans.Add(1)
	for i := len(s); ; {
		j := strings.LastIndex(s[:i], "</")
		if j < 0 {
			return -1
		}
		if rest := s[j+2:]; len(rest) > len(name) && strings.EqualFold(rest[:len(name)], name) && strings.IndexByte(">/ \t\n\f\r", rest[len(name)]) >= 0 {
			return j
		}
		i = j
	}
}

// literalTag reports whether an unknown tag reads as bracketed text rather than
// markup: no attribute with a value, no event-handler name, no custom-element name.
func literalTag(z *html.Tokenizer, tag []byte, more bool) bool {
	if bytes.ContainsAny(tag, "-:") {
		return false
	}
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		if len(v) > 0 || bytes.HasPrefix(bytes.ToLower(k), []byte("on")) || bytes.ContainsAny(k, "=/\"'") {
			return false
		}
	}
	return true
}

// Line is s as one line of plain text, safe on a terminal and in any text
// format: valid UTF-8, control characters (C0 and C1, so no escape sequence),
// bidi-override and non-characters dropped, white space collapsed into single
// spaces. Unlike Text it reads no markup: for names a person typed, in which
// "<" and "&" are what they are.
func Line(s string) string { return clean(s) }

// clean makes s valid UTF-8, drops control, bidi-override and non-characters,
// and collapses every run of white space into one ASCII space. It returns s
// itself, without allocating, when there was nothing to change.
func clean(s string) string {
	x := getStripper()
	defer putStripper(x)
	if x.w.str(s); x.w.bad {
		// Rare, so found on the way rather than by a pass of its own.
		s = strings.ToValidUTF8(s, "\uFFFD")
		x.w.buf, x.w.space, x.w.bad = x.w.buf[:0], false, false
		x.w.str(s)
	}
	return x.w.result(s)
}

// isBidiControl covers the embedding, override and isolate controls used to make
// text display in an order other than it reads (Trojan Source style spoofing).
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

func isNonChar(r rune) bool {
	return (r >= '\uFDD0' && r <= '\uFDEF') || r&0xFFFE == 0xFFFE
}
