package sanitize

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestTextMatchesReference checks Text, whose fast paths (no round when there is
// no '<' or '&', ASCII without decoding, no allocation per tag) were added for
// speed, against the straightforward version it replaced, kept below.
func TestTextMatchesReference(t *testing.T) {
	inputs := []string{
		"", " ", "plain title", "  정부, <b>생성형 AI</b> 가이드라인   발표 ", "Open<b>AI</b> faces EU <i>AI Act</i>",
		"AT&amp;T &amp; the FCC", "AT&T", "&amp;lt;b&amp;gt;twice&amp;lt;/b&amp;gt; escaped", "&amp;amp;lt;b&amp;amp;gt;thrice",
		"<AI 기본법> 국회 통과", "<Ai 기본법> and </AI> and <aI>", "a < b && c > d", "line<br>break<p>para</p>",
		"<script>alert(1)</script>제목", "<SCRIPT>x</SCRIPT>after", "<style>p{}</style>Title", "ctl\x00\x07\x1b[31m\u0085x",
		"bidi \u202egnp.exe\u202c ok", "tab\tand\nnewline\u00a0nbsp\r\nCRLF\rCR\v\f", "bad \xff utf8", "<x onclick=alert(1)>custom</x>",
		"<my-el>custom element</my-el>", "<a:b>ns</a:b>", "\x7fdel\u009fc1", "\ufeffbom \ufdd0 nonchar \U0010FFFF",
		"<p class=\"lead\">리드 &middot; 문단</p><p style=\"margin:0\"><a href=\"/x\" target=\"_blank\">링크</a> <strong>강조</strong></p>",
		"<img src=x onerror=alert(1)>", "&lt;script&gt;alert(1)&lt;/script&gt;", "unterminated <b", "entity at end &amp",
		"<![CDATA[cdata]]> <!-- comment --> text", "<title>in title</title>", "<textarea><b>raw</b></textarea>",
	}
	if b, err := os.ReadFile("../../testdata/publish/xss.json"); err == nil {
		var ps []string
		if json.Unmarshal(b, &ps) == nil {
			for _, p := range ps {
				inputs = append(inputs, p, "<p>기사 "+p+" 본문</p>", "&lt;b&gt;"+p)
			}
		}
	}
	for _, in := range inputs {
		if got, want := Text(in), textRef(in); got != want {
			t.Errorf("Text(%q)\n got %q\nwant %q (reference)", in, got, want)
		}
		if got, want := clean(in), cleanRef(in); got != want {
			t.Errorf("clean(%q)\n got %q\nwant %q (reference)", in, got, want)
		}
	}
	// Every single byte and a sample of runes, alone and between words.
	for r := rune(0); r < 0x3000; r++ {
		for _, in := range []string{string(r), "a" + string(r) + "b", "a " + string(r) + " b"} {
			if got, want := clean(in), cleanRef(in); got != want {
				t.Fatalf("clean(%q) = %q, reference %q", in, got, want)
			}
		}
	}
	for c := 0; c < 256; c++ {
		in := "x" + string([]byte{byte(c)}) + "y"
		if got, want := Text(in), textRef(in); got != want {
			t.Fatalf("Text(%q) = %q, reference %q", in, got, want)
		}
	}
}

// The reference: Text as first written.

func textRef(s string) string {
	s = cleanRef(s)
	for range maxTextRounds { // rounds until nothing changes (three when first written)
		t := cleanRef(stripTagsRef(s))
		if t == s {
			return s
		}
		s = t
	}
	return strings.NewReplacer("<", "", ">", "").Replace(s)
}

func stripTagsRef(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := ""
	kept := map[string]int{} // unknown tags kept as text, so that only their end tags are
	foreign := 0             // svg and math elements open: unknown tags in them are markup
	off := 0                 // bytes read
	lower := ""              // s, ASCII letters lowered, once an unclosed raw-text tag is looked at
	closes := map[string]*regexp.Regexp{}
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
			raw := string(z.Raw())
			name, hasAttr := z.TagName()
			tag := string(name)
			if tt == html.EndTagToken {
				if tag == skip {
					skip = ""
				}
				if skip != "" {
					continue
				}
				if a := atom.Lookup(name); a != 0 {
					if (tag == "svg" || tag == "math") && foreign > 0 {
						foreign--
					}
					if !inline[a] {
						b.WriteByte(' ')
					}
				} else if kept[tag] > 0 {
					kept[tag]--
					b.WriteString(raw)
				}
				continue
			}
			if skip != "" {
				continue
			}
			if a := atom.Lookup(name); a != 0 {
				if tt == html.StartTagToken && rawSkip[tag] {
					// ASCII case aside only, as the tokenizer reads end tags.
					if lower == "" {
						lb := []byte(s)
						for i, c := range lb {
							if 'A' <= c && c <= 'Z' {
								lb[i] = c + 'a' - 'A'
							}
						}
						lower = string(lb)
					}
					closed, seen := closes[tag]
					if !seen {
						closed = regexp.MustCompile(`</` + tag + `[ \n\r\t\f/>]`)
						closes[tag] = closed
					}
					if !closed.MatchString(lower[off:]) {
						// Never closed: what follows is text, and the tag too
						// when it has no attribute.
						z.NextIsNotRawText()
						if !inline[a] {
							b.WriteByte(' ')
						}
						if !hasAttr {
							b.WriteString(raw)
						}
						continue
					}
					skip = tag
				}
				if tt == html.StartTagToken && (tag == "svg" || tag == "math") && lastEndTag(s, tag) >= off {
					foreign++
				}
				if !inline[a] {
					b.WriteByte(' ')
				}
				continue
			}
			if foreign == 0 && literalTagRef(z, tag, hasAttr) {
				if tt == html.StartTagToken {
					kept[tag]++
				}
				b.WriteString(raw)
			}
		}
	}
}

// literalTagRef reports whether an unknown tag reads as bracketed text rather than
// markup: no attribute with a value, no event-handler name, no custom-element name.
func literalTagRef(z *html.Tokenizer, tag string, more bool) bool {
	if strings.ContainsAny(tag, "-:") {
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

// cleanRef makes s valid UTF-8, drops control, bidi-override and non-characters,
// and collapses every run of white space into one ASCII space.
func cleanRef(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), isBidiControl(r), r == '\uFEFF', isNonChar(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// TestTextOfTextIsTheSame: gleaner applies Text when an item is stored and again
// when it is published. A title escaped more times than Text's rounds came out of
// the second as a live tag ("<img src=x onerror=...>" from six layers of
// "&amp;"); every layer count now gives text without a tag, the same both times.
func TestTextOfTextIsTheSame(t *testing.T) {
	for n := 0; n <= 40; n++ {
		s := "Parliament adopts AI law &" + strings.Repeat("amp;", n) + "lt;img src=x onerror=alert(document.domain)&" +
			strings.Repeat("amp;", n) + "gt; today"
		once := Text(s)
		twice := Text(once)
		for _, out := range []string{once, twice} {
			if strings.Contains(out, "<img") || strings.Contains(out, "onerror=alert") && strings.Contains(out, "<") {
				t.Errorf("%d layers: %q", n, out)
			}
		}
		if n <= maxTextRounds-2 && twice != once {
			t.Errorf("%d layers: Text gives %q, Text of that %q", n, once, twice)
		}
	}
	// The Korean angle-bracket quotes of a real headline stay.
	if got := Text("<AI 기본법> 국회 통과"); got != "<AI 기본법> 국회 통과" {
		t.Errorf("Korean quotes: %q", got)
	}
}

// TestTextScansEndTagsOncePerName: Text looks for an element's last end tag
// once per name and round, however many of its start tags the text has: a
// hostile title of many unclosed <style> tags (each text) made it scan the
// rest at each, quadratic time. The scans are counted, for several names and
// for both paths (an <svg> sends the text to the tokenizer's).
func TestTextScansEndTagsOncePerName(t *testing.T) {
	for _, unit := range []string{"<style></b>", "<script>x<iframe>y<noscript></i>", "<svg><style><math>z</b>", "<xmp a=1><noembed></p>"} {
		scans := func(n int) int64 {
			s := "Title " + strings.Repeat(unit, n)
			before := lastEndScans.Load()
			Text(s)
			return lastEndScans.Load() - before
		}
		if few, many := scans(50), scans(500); few != many || many > 40 {
			t.Errorf("%q repeated: %d end-tag scans for 50, %d for 500; want the same few", unit, few, many)
		}
	}
}
