package sanitize

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// textPrev is Text before the one-pass converter of text.go, as it stood at
// commit b2deef0: clean, then up to three rounds of stripTags through
// html.Tokenizer and clean. It is the reference the fast path must match. It
// shares the inline and rawSkip tables and isBidiControl and isNonChar with
// the package: they say what the rules are, not how they are carried out.
func textPrev(s string) string {
	s = cleanPrev(s)
	for range 3 {
		// Without '<' or '&' there is neither tag nor entity: stripping would
		// return s itself (clean already dropped the NUL and CR the tokenizer
		// rewrites), so the round is skipped.
		if !strings.ContainsAny(s, "<&") {
			break
		}
		t := cleanPrev(stripTagsPrev(s))
		if t == s {
			break
		}
		s = t
	}
	return s
}

func stripTagsPrev(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
	skip := ""
	var kept map[string]int // unknown tags kept as text, so that only their end tags are
	var raw []byte
	for {
		tt := z.Next()
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
					skip = string(name)
				}
				if !inline[a] {
					b.WriteByte(' ')
				}
				continue
			}
			if literalTagPrev(z, name, hasAttr) {
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

// literalTag reports whether an unknown tag reads as bracketed text rather than
// markup: no attribute with a value, no event-handler name, no custom-element name.
func literalTagPrev(z *html.Tokenizer, tag []byte, more bool) bool {
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

// clean makes s valid UTF-8, drops control, bidi-override and non-characters,
// and collapses every run of white space into one ASCII space.
func cleanPrev(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // white space since the last kept character
	run := -1      // start of the pending run of characters kept as they are
	for i := 0; i < len(s); {
		keep, isSpace := false, false
		size := 1
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII, most of every feed, without decoding: the same tests as
			// below (unicode.IsSpace, then unicode.IsControl) for these bytes.
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
			switch {
			case unicode.IsSpace(r):
				isSpace = true
			case unicode.IsControl(r), isBidiControl(r), r == '\uFEFF', isNonChar(r):
			default:
				keep = true
			}
		}
		switch {
		case keep && run < 0:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space, run = false, i
		case !keep:
			if run >= 0 {
				b.WriteString(s[run:i]) // kept characters are copied a run at a time
				run = -1
			}
			space = space || isSpace
		}
		i += size
	}
	if run >= 0 {
		b.WriteString(s[run:])
	}
	return b.String()
}
