package sanitize

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file holds Text's fast path, stripClean: one pass over the text that
// gives what clean(stripTags(s)) gives. Text is the largest cost of ingest after
// feed parsing, and most of it went to html.Tokenizer (a 4 KiB buffer per call,
// a copy per tag name and attribute) and to a second clean pass over its output.
//
// stripClean reads tags, comments, raw-text elements and entities the way
// golang.org/x/net/html's Tokenizer and unescape do (token.go and escape.go;
// the comments name the function each step follows), applies stripTags' rules
// for what stays (text, a space for block tags, unknown tags kept as literal
// text), and appends what stays through textWriter, which applies clean's
// rules as it goes. Where an input needs one of the tokenizer's rarer paths
// (script data with "<!--" in it, a tag with very many attributes), it reports
// !ok and Text uses clean(stripTags(s)) instead. mayStrip spares Text the
// rounds that could not change anything.
//
// TestTextMatchesPrevious, its siblings and FuzzText hold Text to textRef,
// the tokenizer version as first written, for every input they try.

// textWriter appends text under clean's rules: characters clean drops are
// dropped, and a run of white space becomes one space, written only when a kept
// character follows something already written.
type textWriter struct {
	buf   []byte
	space bool // white space since the last kept character, not yet written
	bad   bool // invalid UTF-8 was written: buf is not what clean would give
}

// str appends s. Kept characters are copied a run at a time, and the buffer
// is held in a local while it grows: storing it into the pooled writer on
// every append would cost a GC write barrier each time.
func (w *textWriter) str(s string) {
	buf, space := w.buf, w.space
	run := -1 // start of the pending run of kept characters
	for i := 0; i < len(s); {
		// Most of every feed is printable ASCII and letters of other scripts
		// that clean keeps as they are, with single spaces between words,
		// which it keeps too: step over them in a tight loop.
		j := i
		for j < len(s) {
			c := s[j]
			if c > ' ' && c < 0x7f {
				j++
				continue
			}
			if c >= utf8.RuneSelf {
				if n := plainRune(s, j); n > 0 {
					j += n
					continue
				}
				break
			}
			if c == ' ' && (j > i || run >= 0) && j+1 < len(s) {
				// A space after a kept character, before another.
				if d := s[j+1]; d > ' ' && d < 0x7f {
					j += 2
					continue
				}
				if n := plainRune(s, j+1); n > 0 {
					j += 1 + n
					continue
				}
			}
			break
		}
		if j > i {
			if run < 0 {
				if space && len(buf) > 0 {
					buf = append(buf, ' ')
				}
				space, run = false, i
			}
			if i = j; i == len(s) {
				break
			}
		}
		keep, isSpace := false, false
		size := 1
		if c := s[i]; c < utf8.RuneSelf {
			// The same tests as classify (unicode.IsSpace, then
			// unicode.IsControl) for the ASCII bytes the loop stopped at.
			switch {
			case c == ' ' || c >= '\t' && c <= '\r':
				isSpace = true
			case c < 0x20 || c == 0x7f:
			default:
				keep = true
			}
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				w.bad = true
			}
			keep, isSpace = classify(r)
		}
		switch {
		case keep && run < 0:
			if space && len(buf) > 0 {
				buf = append(buf, ' ')
			}
			space, run = false, i
		case !keep:
			if run >= 0 {
				buf = append(buf, s[run:i]...)
				run = -1
			}
			space = space || isSpace
		}
		i += size
	}
	if run >= 0 {
		buf = append(buf, s[run:]...)
	}
	w.buf, w.space = buf, space
}

// plainRune returns the length of the two- or three-byte UTF-8 sequence at
// s[i] when it is well formed and for a character clean keeps as it is, and 0
// otherwise. It covers Latin, Cyrillic, Greek, Hebrew, Arabic, the usual
// punctuation (‘’“”–—…•), kana, CJK and Hangul (U+00A1..U+D7FF) by reading the
// bytes, where utf8.DecodeRuneInString and classify's table lookups would cost
// several times more; the rest is left to them.
func plainRune(s string, i int) int {
	c := s[i]
	switch {
	case c >= 0xC2 && c <= 0xDF: // U+0080..U+07FF
		// Except U+0080..U+00A0: C1 controls, NEL and no-break space.
		if i+1 < len(s) && s[i+1]&0xC0 == 0x80 && (c > 0xC2 || s[i+1] > 0xA0) {
			return 2
		}
	case c&0xF0 == 0xE0: // U+0800..U+FFFF
		if i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
			plain3(rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F)) {
			return 3
		}
	}
	return 0
}

// plain3 reports whether clean keeps r, decoded from three bytes, without
// looking further: r in U+0800..U+D7FF (which leaves out overlong forms and
// surrogates) but for the white space and bidi controls among them (see
// unicode.White_Space and isBidiControl). TestCleanEveryRune checks it.
func plain3(r rune) bool {
	switch {
	case r < 0x800 || r >= 0xD800:
		return false
	case r < 0x2000:
		return r != 0x1680 // ogham space mark
	case r <= 0x206F: // general punctuation
		return r > 0x200A && (r < 0x2028 || r > 0x202F) && r != 0x205F && (r < 0x2066 || r > 0x2069)
	}
	return r != 0x3000 // ideographic space
}

// rune appends r, as str would.
func (w *textWriter) rune(r rune) {
	keep, isSpace := classify(r)
	if !keep {
		w.space = w.space || isSpace
		return
	}
	if w.space && len(w.buf) > 0 {
		w.buf = append(w.buf, ' ')
	}
	w.space = false
	w.buf = utf8.AppendRune(w.buf, r)
}

// classify tells which characters clean keeps and which are white space.
func classify(r rune) (keep, isSpace bool) {
	switch {
	case unicode.IsSpace(r):
		return false, true
	case unicode.IsControl(r), isBidiControl(r), r == '\uFEFF', isNonChar(r):
		return false, false
	}
	return true, false
}

// stripper holds the buffers of one stripClean or clean call; they are pooled,
// since Text runs for every title, summary and body of every item.
type stripper struct {
	w      textWriter
	attrs  []attrSpan     // the current tag's attributes with a non-empty key
	kept   []keptTag      // stripTags' kept map: unknown start tags written as text
	ends   map[string]int // where the last end tag of each raw-text element is (lastEndTag), found once
	unsure bool           // s needs a path stripClean does not take
}

// attrSpan is an attribute's key and value as offsets into the text; the value
// offsets are the tokenizer's, which its self-closing test compares.
type attrSpan struct{ k0, k1, v0, v1 int }

type keptTag struct {
	name string // as written; compared ignoring ASCII case, as html lower-cases it
	n    int
}

// Limits beyond which stripClean leaves the text to the tokenizer path rather
// than scan its small lists over and over. Feed text stays far below both.
const (
	maxAttrs = 64
	maxKept  = 64
)

var stripperPool = sync.Pool{New: func() any { return new(stripper) }}

func getStripper() *stripper {
	x := stripperPool.Get().(*stripper)
	x.w.buf, x.w.space, x.w.bad = x.w.buf[:0], false, false
	x.attrs, x.kept, x.unsure = x.attrs[:0], x.kept[:0], false
	clear(x.ends)
	return x
}

func putStripper(x *stripper) {
	if cap(x.w.buf) > 64<<10 {
		return // a rare huge body: let it go rather than pin its buffer
	}
	clear(x.kept) // drop the references into the caller's string
	stripperPool.Put(x)
}

// result returns what was written: s itself when that is what it is, so that
// a round that changes nothing allocates nothing.
func (w *textWriter) result(s string) string {
	if string(w.buf) == s {
		return s
	}
	return string(w.buf)
}

// mayStrip reports whether stripTags could change s, which clean returned:
// whether s has a '<' that opens a tag, comment or declaration, or an '&' that
// may start a character reference. Without either, html.Tokenizer reads s as
// one text token that unescape leaves as it is, so a round would give s back;
// Text then stops without one. That spares the round after the first for the
// usual "&" left by "&amp;" ("R&D", "Q & A").
func mayStrip(s string) bool {
	for i := 0; i < len(s); i++ {
		j := strings.IndexAny(s[i:], "<&")
		if j < 0 {
			return false
		}
		if i += j; i+1 == len(s) {
			return false // a '<' or '&' at the end is text
		}
		c := s[i+1]
		if s[i] == '<' {
			if isLetter(c) || c == '/' || c == '!' || c == '?' {
				return true
			}
			continue
		}
		// After '&' html reads only a letter, digit or '#', and it knows no
		// name of one letter or digit without a ';' (see entity).
		if c == '#' {
			return true
		}
		if (isLetter(c) || isDigit(c)) && i+2 < len(s) {
			if d := s[i+2]; isLetter(d) || isDigit(d) || d == ';' {
				return true
			}
		}
	}
	return false
}

// stripClean returns clean(stripTags(s)) for s that is valid UTF-8 without NUL
// (what clean returns always is), and ok false when it cannot be sure of
// giving the same: then the caller must use clean(stripTags(s)).
func stripClean(s string) (t string, ok bool) {
	// html.Tokenizer turns NUL into U+FFFD in some places and not in others;
	// clean has removed every NUL before Text gets here.
	if strings.IndexByte(s, 0) >= 0 {
		return "", false
	}
	x := getStripper()
	defer putStripper(x)
	x.strip(s)
	if x.unsure || x.w.bad {
		return "", false
	}
	return x.w.result(s), true
}

// strip follows html.Tokenizer.Next over s and stripTags over its tokens.
// It returns early where the tokenizer ends with an error token (the input
// ends inside a tag or comment): stripTags keeps what came before.
func (x *stripper) strip(s string) {
	for p := 0; p < len(s) && !x.unsure; {
		lt := strings.IndexByte(s[p:], '<')
		if lt < 0 {
			x.text(s[p:])
			return
		}
		// Text before a '<' is a text token of its own only when the '<'
		// opens a tag; either way entities cannot reach across the '<'.
		x.text(s[p : p+lt])
		p += lt
		if p+1 == len(s) {
			x.w.str("<")
			return
		}
		var ok bool
		switch c := s[p+1]; {
		case isLetter(c):
			p, ok = x.startTag(s, p)
		case c == '/':
			p, ok = x.endTag(s, p)
		case c == '!':
			p, ok = markupDeclaration(s, p+2)
		case c == '?':
			// A processing instruction is a bogus comment up to the next '>'.
			p, ok = closeAngle(s, p+1)
		default:
			// '<' that opens nothing is text.
			x.w.str("<")
			p++
			ok = true
		}
		if !ok {
			return
		}
	}
}

// startTag handles the start tag at s[p] ("<a...") and, for a raw-text
// element, the text after it. It returns where to go on.
func (x *stripper) startTag(s string, p int) (int, bool) {
	t, ok := x.readTag(s, p+1, true)
	if !ok {
		return 0, false
	}
	var lb [32]byte
	lname := lowerASCII(lb[:0], t.name)
	if a := atom.Lookup(lname); a != 0 {
		if a == atom.Svg || a == atom.Math {
			// Inside, unknown tags are markup (stripTags counts them open):
			// rare enough in feed text to leave to the tokenizer path.
			x.unsure = true
			return 0, false
		}
		if !isInline(a) {
			x.w.space = true // the space stripTags writes, as clean would take it
		}
		if isRawText(a) {
			// Even self-closing, these make the tokenizer read what follows as
			// one text token; stripTags skips it only after a start tag that
			// is closed later.
			skip := rawSkip[string(lname)] && !x.selfClosing(s, t)
			if skip && x.lastEnd(s, string(lname)) < t.end {
				// Never closed: what follows is read as text, and the tag is
				// text too when it is a bare name ("the <style> of").
				if len(x.attrs) == 0 {
					x.w.str(s[p:t.end])
				}
				return t.end, true
			}
			return x.rawText(s, t.end, a, skip), true
		}
		return t.end, true
	}
	if x.literalTag(s, t.name) {
		x.w.str(s[p:t.end])
		if !x.selfClosing(s, t) {
			x.keep(t.name)
		}
	}
	return t.end, true
}

// endTag handles what starts with "</" at s[p], html.Tokenizer.Next's
// EndTagToken case: an end tag, a bogus comment, or (at the end) text.
func (x *stripper) endTag(s string, p int) (int, bool) {
	if p+2 == len(s) {
		x.w.str("</")
		return 0, false
	}
	switch c := s[p+2]; {
	case c == '>':
		return p + 3, true // "</>" is nothing
	case !isLetter(c):
		return closeAngle(s, p+2)
	}
	t, ok := x.readTag(s, p+2, false)
	if !ok {
		return 0, false
	}
	var lb [32]byte
	if a := atom.Lookup(lowerASCII(lb[:0], t.name)); a != 0 {
		if !isInline(a) {
			x.w.space = true
		}
	} else if x.unkeep(t.name) {
		x.w.str(s[p:t.end])
	}
	return t.end, true
}

// rawText handles the text after the start tag of a raw-text element, which
// html.Tokenizer reads as one text token up to the element's end tag
// (readRawOrRCDATA, readScript): it is dropped when skip, else written, with
// entities decoded only in title and textarea. It returns where the end tag
// starts, or len(s).
func (x *stripper) rawText(s string, p int, a atom.Atom, skip bool) int {
	end := len(s)
	if a != atom.Plaintext {
		end = rawEnd(s, p, a.String())
	}
	if a == atom.Script && strings.Contains(s[p:end], "<!--") {
		// Script data escapes ("<!--<script>...") move the end; left to
		// the tokenizer.
		x.unsure = true
		return len(s)
	}
	switch {
	case skip:
	case a == atom.Title || a == atom.Textarea:
		x.text(s[p:end])
	default:
		x.w.str(s[p:end])
	}
	return end
}

// lastEnd is lastEndTag(s, name), found once per name and string: a text of
// many unclosed tags would otherwise be read to its end at each.
func (x *stripper) lastEnd(s, name string) int {
	if i, ok := x.ends[name]; ok {
		return i
	}
	if x.ends == nil {
		x.ends = map[string]int{}
	}
	i := lastEndTag(s, name)
	x.ends[name] = i
	return i
}

// rawEnd returns where the first "</name" followed by white space, '/' or '>'
// starts in s[p:], name matched ignoring ASCII case (readRawEndTag), or len(s).
func rawEnd(s string, p int, name string) int {
	for {
		i := strings.Index(s[p:], "</")
		if i < 0 {
			return len(s)
		}
		p += i + 2
		if len(s)-p <= len(name) {
			// The tokenizer runs out of input in the middle of the test.
			return len(s)
		}
		if asciiEqualFold(s[p:p+len(name)], name) {
			switch s[p+len(name)] {
			case ' ', '\n', '\r', '\t', '\f', '/', '>':
				return p - 2
			}
		}
	}
}

// tag is a start or end tag as html.Tokenizer read it.
type tag struct {
	name string // as written
	end  int    // just past its '>'
}

// readTag reads the tag whose name starts at s[p] (a letter) as
// html.Tokenizer.readTag does, keeping the attributes with a key in x.attrs
// when save. ok is false where the tokenizer would end with an error token:
// the input ends inside the tag.
func (x *stripper) readTag(s string, p int, save bool) (t tag, ok bool) {
	x.attrs = x.attrs[:0]
	// readTagName: up to white space (consumed), '/' or '>' (not consumed).
	n0 := p
	for p++; ; p++ {
		if p == len(s) {
			return t, false
		}
		if c := s[p]; isSpace(c) || c == '/' || c == '>' {
			t.name = s[n0:p]
			if isSpace(c) {
				p++
			}
			break
		}
	}
	for {
		if p = skipSpace(s, p); p == len(s) {
			return t, false
		}
		if s[p] == '>' {
			t.end = p + 1
			return t, true
		}
		// readTagAttrKey: an '=' is part of the key only as its first byte.
		k0 := p
		for ; p < len(s); p++ {
			c := s[p]
			if c == '=' && p == k0 {
				continue
			}
			if c == '=' || isSpace(c) || c == '/' || c == '>' {
				break
			}
		}
		k1 := p
		// readTagAttrVal: a valueless attribute's value is empty at the key's end.
		v0, v1 := p, p
		if p = skipSpace(s, p); p == len(s) {
			return t, false
		}
		switch s[p] {
		case '/':
			p++ // consumed, as the tokenizer moves to its self-closing state
		case '=':
			if p = skipSpace(s, p+1); p == len(s) {
				return t, false
			}
			switch q := s[p]; q {
			case '>':
				// No value; the '>' closes the tag.
			case '"', '\'':
				e := strings.IndexByte(s[p+1:], q)
				if e < 0 {
					return t, false
				}
				v0, v1 = p+1, p+1+e
				p = v1 + 1
			default:
				v0 = p
				for p++; p < len(s) && !isSpace(s[p]) && s[p] != '>'; p++ {
				}
				if p == len(s) {
					return t, false
				}
				v1 = p
				if s[p] != '>' {
					p++
				}
			}
		}
		if save && k1 > k0 {
			if len(x.attrs) == maxAttrs {
				x.unsure = true
				return t, false
			}
			x.attrs = append(x.attrs, attrSpan{k0, k1, v0, v1})
		}
	}
}

// saved reports whether x.attrs[i] is one the tokenizer keeps: it drops an
// attribute whose key (lower-cased) came earlier in the tag.
func (x *stripper) saved(s string, i int) bool {
	k := s[x.attrs[i].k0:x.attrs[i].k1]
	for _, a := range x.attrs[:i] {
		if asciiEqualFold(s[a.k0:a.k1], k) {
			return false
		}
	}
	return true
}

// selfClosing is html.Tokenizer.readStartTag's test: the byte before '>' is a
// '/' that is not the last byte of the last kept attribute's value (<p a=/>).
func (x *stripper) selfClosing(s string, t tag) bool {
	if s[t.end-2] != '/' {
		return false
	}
	for i := len(x.attrs) - 1; i >= 0; i-- {
		if x.saved(s, i) {
			return t.end-2 != x.attrs[i].v1-1
		}
	}
	return true
}

// literalTag is literalTag over x.attrs: an unknown tag reads as bracketed text
// unless its name is a custom element's or an attribute has a value, an
// event-handler name or a quote, '=' or '/' in its name.
func (x *stripper) literalTag(s, name string) bool {
	if strings.ContainsAny(name, "-:") {
		return false
	}
	for i, a := range x.attrs {
		if !x.saved(s, i) {
			continue
		}
		k := s[a.k0:a.k1]
		// The tokenizer lower-cases ASCII and literalTag then applies
		// bytes.ToLower; no rune but 'O' and 'N' lower-cases to 'o' or 'n'
		// (TestOnlyASCIILowersToON), so ASCII folding decides "on" alike.
		if a.v1 > a.v0 || len(k) >= 2 && k[0]|0x20 == 'o' && k[1]|0x20 == 'n' || strings.ContainsAny(k, "=/\"'") {
			return false
		}
	}
	return true
}

func (x *stripper) keep(name string) {
	for i := range x.kept {
		if asciiEqualFold(x.kept[i].name, name) {
			x.kept[i].n++
			return
		}
	}
	if len(x.kept) == maxKept {
		x.unsure = true
		return
	}
	x.kept = append(x.kept, keptTag{name, 1})
}

// unkeep reports whether an end tag called name closes a kept start tag.
func (x *stripper) unkeep(name string) bool {
	for i := range x.kept {
		if k := &x.kept[i]; k.n > 0 && asciiEqualFold(k.name, name) {
			k.n--
			return true
		}
	}
	return false
}

// markupDeclaration skips what follows "<!" at s[p]: a comment, a doctype or a
// bogus comment, none of which stripTags writes (readMarkupDeclaration).
func markupDeclaration(s string, p int) (int, bool) {
	if len(s)-p < 2 {
		return 0, false
	}
	if s[p] == '-' && s[p+1] == '-' {
		return comment(s, p+2)
	}
	// A doctype and a bogus comment both end at the next '>'.
	return closeAngle(s, p)
}

// comment returns where the comment whose text starts at s[p] ends, following
// html.Tokenizer.readComment's rules for "-->", "--!>" and "<!-->".
func comment(s string, p int) (int, bool) {
	dashes, beginning := 0, true
	for p < len(s) {
		c := s[p]
		p++
		switch c {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return p, true
			}
		case '!':
			if dashes >= 2 {
				if p == len(s) {
					return 0, false
				}
				c = s[p]
				p++
				if c == '>' {
					return p, true
				}
				if c == '-' {
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
	return 0, false
}

// closeAngle returns the position past the first '>' at or after s[p]
// (readUntilCloseAngle); without one, what is left is a comment.
func closeAngle(s string, p int) (int, bool) {
	i := strings.IndexByte(s[p:], '>')
	if i < 0 {
		return 0, false
	}
	return p + i + 1, true
}

// text writes a text token's content with entities decoded (html's unescape).
func (x *stripper) text(s string) {
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			x.w.str(s)
			return
		}
		x.w.str(s[:i])
		s = s[i+x.entity(s[i:]):]
	}
}

// commonEntities are the named references feeds use most, with their values in
// html's entity table (TestCommonEntities), decoded here without a call into
// html. Only names with the ';' are listed: html looks those up as they are.
var commonEntities = map[string]rune{
	"amp;": '&', "lt;": '<', "gt;": '>', "quot;": '"', "apos;": '\'', "nbsp;": '\u00A0',
	"middot;": '·', "hellip;": '…', "lsquo;": '‘', "rsquo;": '’', "ldquo;": '“',
	"rdquo;": '”', "ndash;": '–', "mdash;": '—', "bull;": '•', "laquo;": '«', "raquo;": '»',
	"copy;": '©', "reg;": '®', "trade;": '™', "times;": '×',
}

// entity writes the character reference at the start of s (s[0] == '&'), or a
// literal '&' when there is none, and returns how many bytes it used.
func (x *stripper) entity(s string) int {
	// n is where html's unescapeEntity stops reading: after the digits (and
	// one ';') of a numeric reference, after the letters and digits (and one
	// ';') of a named one. html decodes s[:n] alone exactly as it does in
	// place, and what it leaves of s[:n] is text without '&'; so whatever the
	// fast cases below do not settle, html.UnescapeString(s[:n]) does.
	n := 1
	if len(s) > 1 && s[1] == '#' {
		n = 2
		hex := n < len(s) && s[n]|0x20 == 'x'
		if hex {
			n++
		}
		d0 := n
		for n < len(s) && (isDigit(s[n]) || hex && isHex(s[n])) {
			n++
		}
		digits := s[d0:n]
		if n < len(s) && s[n] == ';' {
			n++
		}
		if r, ok := plainNumber(digits, hex); ok {
			x.w.rune(r)
			return n
		}
	} else {
		for n < len(s) && (isLetter(s[n]) || isDigit(s[n])) {
			n++
		}
		switch {
		case n == 1:
			// '&' before anything but a letter, digit or '#'.
			x.w.str("&")
			return 1
		case n < len(s) && s[n] == ';':
			n++
			if r, ok := commonEntities[s[1:n]]; ok {
				x.w.rune(r)
				return n
			}
		case n == 2:
			// "AT&T", "M&A": html knows no name of one letter without ';',
			// and its prefix search only tries names shorter than this one.
			x.w.str("&")
			return 1
		}
	}
	x.w.str(html.UnescapeString(s[:n]))
	return n
}

// plainNumber decodes the digits of "&#65;" or "&#x41;" when they name an
// ordinary character; the numbers html replaces (0, the windows-1252 range
// 0x80-0x9F, surrogates, beyond U+10FFFF) are left to html.UnescapeString.
func plainNumber(digits string, hex bool) (rune, bool) {
	if len(digits) == 0 || len(digits) > 6 {
		return 0, false
	}
	var r rune
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		switch {
		case !hex:
			r = r*10 + rune(c-'0')
		case c <= '9':
			r = r*16 + rune(c-'0')
		default:
			r = r*16 + rune(c|0x20-'a') + 10
		}
	}
	if r == 0 || r >= 0x80 && r <= 0x9F || r >= 0xD800 && r <= 0xDFFF || r > 0x10FFFF {
		return 0, false
	}
	return r, true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }

// isSpace is white space as html.Tokenizer knows it (not '\v').
func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' }

func skipSpace(s string, p int) int {
	for p < len(s) && isSpace(s[p]) {
		p++
	}
	return p
}

// inlineAtoms is the inline set as a sorted slice: stripClean asks about
// every tag, and a binary search over these few atoms costs a fraction of a
// map lookup.
var inlineAtoms = slices.Sorted(maps.Keys(inline))

func isInline(a atom.Atom) bool {
	_, found := slices.BinarySearch(inlineAtoms, a)
	return found
}

// isRawText reports the elements after whose start tag html.Tokenizer reads
// raw text (readStartTag).
func isRawText(a atom.Atom) bool {
	switch a {
	case atom.Iframe, atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext,
		atom.Script, atom.Style, atom.Textarea, atom.Title, atom.Xmp:
		return true
	}
	return false
}

// lowerASCII appends name to dst with A-Z lower-cased, as html's lower does.
func lowerASCII(dst []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// asciiEqualFold is equality after html's lower: only A-Z fold.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		c, d := a[i], b[i]
		if c != d && (c|0x20 != d|0x20 || !isLetter(c)) {
			return false
		}
	}
	return true
}
