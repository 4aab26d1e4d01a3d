package topic

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalize appends the matching form of s to dst: Unicode NFKC (which also
// folds full-width and compatibility forms), whitespace runs collapsed to one
// space, hyphens and dashes turned into spaces (so "AI-generated" and
// "AI generated" are one thing), typographic quotes made plain and, unless
// keepCase, letters lower-cased. Lower-casing only ever replaces a rune by one
// of the same encoded length, so a lower-cased and a case-kept normalisation of
// the same text have identical byte offsets; the case-sensitive matcher relies
// on that.
func normalize(dst []byte, s string, keepCase bool) []byte {
	if !nfkcStable(s) && !norm.NFKC.IsNormalString(s) {
		s = norm.NFKC.String(s)
	}
	space := false // a space is pending: written before the next visible rune
	start := len(dst)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '-' || c == '_':
				space = true
				continue
			case 'A' <= c && c <= 'Z' && !keepCase:
				c += 'a' - 'A'
			case c == '`':
				c = '\''
			}
			if space && len(dst) > start {
				dst = append(dst, ' ')
			}
			space = false
			dst = append(dst, c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= 0xAC00 && r <= 0xD7A3 { // Hangul syllable: the common case in Korean text
			if space && len(dst) > start {
				dst = append(dst, ' ')
			}
			space = false
			dst = append(dst, s[i:i+n]...)
			i += n
			continue
		}
		i += n
		switch {
		case unicode.IsSpace(r) || isDash(r):
			space = true
			continue
		case r == '…': // NFKC: "..."; done here so that the fast path stays exact
			if space && len(dst) > start {
				dst = append(dst, ' ')
			}
			space = false
			dst = append(dst, "..."...)
			continue
		case r == '‘' || r == '’' || r == '′' || r == 'ʼ':
			r = '\''
		case r == '“' || r == '”' || r == '″':
			r = '"'
		case !keepCase && unicode.IsUpper(r):
			if l := unicode.ToLower(r); utf8.RuneLen(l) == utf8.RuneLen(r) {
				r = l
			}
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// nfkcStable reports, cheaply, that s is certainly in NFKC: it holds only
// ASCII, precomposed Hangul syllables and a few common punctuation marks, none
// of which NFKC changes or composes with a neighbour. Most news text passes,
// and skips the full quick-check.
func nfkcStable(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r >= 0xAC00 && r <= 0xD7A3: // Hangul syllables
		case r == '·', r == '‘', r == '’', r == '“', r == '”', r == '–', r == '—', r == '•', r == '→':
		case r == '…', r == '\u00a0', r == '\u3000': // normalize maps these as NFKC would
		default:
			return false
		}
	}
	return true
}

// appendLower appends text lower-cased to dst. Like normalize, it replaces a
// rune only by one of the same encoded length, so offsets are kept.
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
		if r >= 0xAC00 && r <= 0xD7A3 || !unicode.IsUpper(r) {
			dst = append(dst, text[i:i+n]...)
		} else if l := unicode.ToLower(r); utf8.RuneLen(l) == n {
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
// "press@ai").
func leftBoundary(text []byte, i int) bool {
	r := runeBefore(text, i)
	if r < 0 {
		return true
	}
	if isWordRune(r) {
		return false
	}
	if r == '.' || r == '@' {
		if isWordRune(runeBefore(text, i-1)) {
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
	for _, r := range text {
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
