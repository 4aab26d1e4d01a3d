// Package nfkc normalises text to Unicode NFKC, skipping the normaliser for the text
// nearly every Korean and English headline is made of.
package nfkc

import "golang.org/x/text/unicode/norm"

// Stable reports, cheaply, that NFKC leaves r as it is and never composes it with the
// rune before it: ASCII, precomposed Hangul syllables, CJK unified ideographs and common
// punctuation. A string of such runes is already in NFKC (each starts a segment of its own),
// which TestStable checks rune by rune against the normaliser.
func Stable(r rune) bool {
	switch {
	case r < 0x80:
		return true
	case r >= 0xAC00 && r <= 0xD7A3, r >= 0x4E00 && r <= 0x9FFF:
		return true
	case r == '·', r == '‘', r == '’', r == '“', r == '”', r == '–', r == '—', r == '•', r == '→',
		r == '「', r == '」', r == '『', r == '』', r == '《', r == '》', r == '〈', r == '〉', r == '【', r == '】':
		return true
	}
	return false
}

// String is norm.NFKC.String(s), without the normaliser's work when every rune of s is
// Stable.
func String(s string) string {
	for _, r := range s { // invalid UTF-8 reads as U+FFFD, which is not Stable
		if !Stable(r) {
			return norm.NFKC.String(s)
		}
	}
	return s
}
