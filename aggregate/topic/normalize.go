package topic

import (
	"github.com/gleaner/gleaner/internal/nfkc"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalize appends the matching form of s to dst: Unicode NFKC (which also
// folds full-width and compatibility forms), whitespace runs collapsed to one
// space, hyphens and dashes turned into spaces (so "AI-generated" and
// "AI generated" are one thing), typographic quotes made plain and, unless
// keepCase, letters lower-cased.
func normalize(dst []byte, s string, keepCase bool) []byte {
	cased, lower := normalizeBoth(nil, nil, s)
	if keepCase {
		return append(dst, cased...)
	}
	return append(dst, lower...)
}

// normalizeBoth appends to cased and lower the normalisation of s (see
// normalize), with and without case folding, in one pass. Lower-casing only
// ever replaces a rune by one of the same encoded length, so the two results
// have identical byte offsets; case-sensitive terms rely on that.
//
// The pass assumes s is already NFKC, which holds for ASCII, precomposed
// Hangul and common punctuation; at the first other rune it asks norm once
// and, if s is not NFKC, starts over on its NFKC form.
func normalizeBoth(cased, lower []byte, s string) ([]byte, []byte) {
	c0, l0 := len(cased), len(lower)
	checked := false
again:
	space := false // a space is pending: written before the next visible rune
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case ' ', '\t', '\n', '\r', '\f', '\v', '-', '_':
				space = true
				continue
			case '`':
				c = '\''
			}
			if space && len(cased) > c0 {
				cased, lower = append(cased, ' '), append(lower, ' ')
			}
			space = false
			cased = append(cased, c)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			lower = append(lower, c)
			continue
		}
		// A Hangul syllable, the common case in Korean text, is three bytes
		// from U+AC00 (EA B0 80) to U+D7A3 (ED 9E A3): decoded here without
		// utf8's general path.
		if c >= 0xEA && c <= 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			if r := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F); r >= 0xAC00 && r <= 0xD7A3 {
				if space && len(cased) > c0 {
					cased, lower = append(cased, ' '), append(lower, ' ')
				}
				space = false
				cased, lower = append(cased, s[i:i+3]...), append(lower, s[i:i+3]...)
				i += 3
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= 0xAC00 && r <= 0xD7A3 { // Hangul syllable not taken above (never, if the fast path is right)
			if space && len(cased) > c0 {
				cased, lower = append(cased, ' '), append(lower, ' ')
			}
			space = false
			cased, lower = append(cased, s[i:i+n]...), append(lower, s[i:i+n]...)
			i += n
			continue
		}
		if !checked && !nfkcStableRune(r) {
			checked = true
			if !norm.NFKC.IsNormalString(s) {
				s = norm.NFKC.String(s)
				cased, lower = cased[:c0], lower[:l0]
				goto again
			}
		}
		i += n
		var out string // replacement text, when not the rune itself
		switch {
		case unicode.IsSpace(r) || isDash(r):
			space = true
			continue
		case r == '…': // NFKC: "..."; done here so that the fast path stays exact
			out = "..."
		case r == '‘' || r == '’' || r == '′' || r == 'ʼ':
			out = "'"
		case r == '“' || r == '”' || r == '″':
			out = "\""
		}
		if space && len(cased) > c0 {
			cased, lower = append(cased, ' '), append(lower, ' ')
		}
		space = false
		if out != "" {
			cased, lower = append(cased, out...), append(lower, out...)
			continue
		}
		cased = utf8.AppendRune(cased, r)
		if l := unicode.ToLower(r); l != r && utf8.RuneLen(l) == n {
			r = l
		}
		lower = utf8.AppendRune(lower, r)
	}
	return cased, lower
}

// nfkcStableRune reports, cheaply, that NFKC leaves r alone and does not
// compose it with a neighbour (nfkc.Stable). "…", NBSP and the ideographic space
// are not NFKC-stable but normalizeBoth maps them itself exactly as NFKC would.
func nfkcStableRune(r rune) bool {
	return nfkc.Stable(r) || r == '…' || r == '\u00a0' || r == '\u3000'
}

// appendLower appends text lower-cased to dst, replacing a rune only by one
// of the same encoded length.
func appendLower(dst, text []byte) []byte {
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(text[i:])
		if l := unicode.ToLower(r); l != r && utf8.RuneLen(l) == n {
			dst = utf8.AppendRune(dst, l)
		} else {
			dst = append(dst, text[i:i+n]...)
		}
		i += n
	}
	return dst
}

func isDash(r rune) bool {
	switch r {
	case '‐', '‑', '‒', '–', '—', '―', '−', '﹣', '－':
		return true
	}
	return false
}

// isHangul reports whether r is a Hangul syllable or jamo.
func isHangul(r rune) bool {
	return (r >= 0xAC00 && r <= 0xD7A3) || (r >= 0x1100 && r <= 0x11FF) ||
		(r >= 0x3130 && r <= 0x318F) || (r >= 0xA960 && r <= 0xA97F) || (r >= 0xD7B0 && r <= 0xD7FF)
}

// isCJK reports whether r belongs to a script written without spaces between
// words (Hangul in Korean compounds, Han, Kana). Next to such a rune a Latin
// term still starts or ends a word: "초거대AI가", "美AI".
func isCJK(r rune) bool {
	return isHangul(r) || unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}

// isWordRune reports whether r continues a Latin-script word: a letter or
// digit that is not CJK.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isCJK(r)
}

// runeBefore returns the rune that ends text[:i], or -1 at the start.
func runeBefore(text []byte, i int) rune {
	if i <= 0 {
		return -1
	}
	r, _ := utf8.DecodeLastRune(text[:i])
	return r
}

// runeAt returns the rune that starts text[i:], or -1 at the end.
func runeAt(text []byte, i int) rune {
	if i >= len(text) {
		return -1
	}
	r, _ := utf8.DecodeRune(text[i:])
	return r
}

// leftBoundary reports whether a term whose first rune is a word rune may
// start at text[i]: the rune before is not a word rune, and the term is not
// the last label of a domain name or an address ("x.ai", "mistral.ai",
// "press@ai", ".ai").
func leftBoundary(text []byte, i int) bool {
	r := runeBefore(text, i)
	if r < 0 {
		return true
	}
	if isWordRune(r) {
		return false
	}
	if r == '.' || r == '@' {
		b := runeBefore(text, i-1)
		if isWordRune(b) {
			return false
		}
		// A lone ".ai" is a domain ending, not the word: ".ai domain sales".
		// After Hangul the dot ends a sentence that lost its space when
		// paragraphs were joined ("밝혔다.AI 기본법은").
		if r == '.' && (b < 0 || b == ' ' || b == '(' || b == '"' || b == '\'') {
			return false
		}
	}
	return true
}

// rightBoundary reports whether a whole-word term may end at text[i]. It
// accepts the plural and possessive endings "s", "es" (and "'s", since the
// apostrophe is not a word rune), so "law" matches "laws" and "chip" matches
// "chips"; other inflections are listed as terms or written with a trailing
// "*". A following ".x" (a domain such as "ai.gov") is not a word end.
func rightBoundary(text []byte, i int) bool {
	r := runeAt(text, i)
	if r < 0 {
		return true
	}
	if isWordRune(r) {
		switch {
		case r == 's':
			return endsWord(text, i+1)
		case r == 'e' && i+1 < len(text) && text[i+1] == 's':
			return endsWord(text, i+2)
		}
		return false
	}
	if r == '.' && isWordRune(runeAt(text, i+1)) && runeAt(text, i+1) < utf8.RuneSelf {
		return false
	}
	return true
}

func endsWord(text []byte, i int) bool {
	r := runeAt(text, i)
	return r < 0 || !isWordRune(r)
}

// DetectLang returns "ko" when the text is substantially Hangul (at least a
// fifth of its letters), else "en". Korean news often carries Latin acronyms
// (AI, GPU, EU), so a majority rule would misfile it.
func DetectLang(text string) string {
	var hangul, letters int
	for i := 0; i < len(text); {
		// ASCII, most of English text, without decoding: its letters are
		// exactly A-Z and a-z.
		if c := text[i]; c < utf8.RuneSelf {
			if c|0x20 >= 'a' && c|0x20 <= 'z' {
				letters++
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if isHangul(r) {
			hangul++
		}
	}
	if hangul > 0 && hangul*5 >= letters {
		return "ko"
	}
	return "en"
}
