// Package textcut cuts UTF-8 text to a byte budget without splitting a rune.
package textcut

import "unicode/utf8"

// Prefix returns at most n bytes of s, cut at a rune boundary.
func Prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
