package boilerplate

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// A trailer is what an outlet or its feed software appends to every description: a
// copyright notice ("<저작권자 © 아이뉴스24 무단전재 및 재배포 금지>", "ⓒ 한경닷컴, 무단전재 및
// 재배포 금지", "Copyright © 2025 … All rights reserved."), Newsis's sign-off, WordPress's
// "The post <headline> appeared first on <site>.", a link's "Continue reading…" or "Read
// more", wire credit lines, the reporter's e-mail address. Every item of the feed carries
// it, so it says nothing of the item, and its words read as the item's: "금지" (a ban) in a
// copyright notice, the headline a second time in WordPress's. Each pattern runs only when
// one of its needles, matched as written, is near the end; a pattern that ignores case
// ("(?i)") is also looked for by its needles in title case and capitals (see caseForms:
// "The Post … Appeared First On", "(Reporting By …)", "COPYRIGHT 2025").
var trailers = withCaseForms([]trailer{
	// "저작권자" on its own is a word of a lead ("생성형 AI 사업자가 저작권자에게 대가를"): only
	// with a copyright sign does it open a notice. "All rights reserved" and "(c)" come with a
	// sign, "Copyright" or "무단 전재", which are the needles.
	{200, []string{"©", "ⓒ", "opyright", "무단"},
		regexp.MustCompile(`(?i)\s*[<\[(【]?\s*(?:저작권자\s*(?:[©ⓒ]|\(c\))|copyright\s*(?:[©ⓒ]|\(c\)|\d{4})|[©ⓒ]|\(c\)\s*\d{4}|all rights reserved|무단\s*전재).*$`)},
	{200, []string{"◎"}, regexp.MustCompile(`\s*◎공감언론.*$`)},
	{TrailerBytes, []string{"he post"}, regexp.MustCompile(`(?i)\s*the post .{0,300}? appeared first on .*$`)},
	// WordPress's "Continue reading <headline> →" and a link's "Read more »", at the end.
	// Capitalised, after the end of a sentence or an excerpt's "[…]": "officials will continue
	// reading the submissions" is a lead's.
	{TrailerBytes, []string{"Continue reading", "CONTINUE READING"}, regexp.MustCompile(`(^|[.!?…\]»"”'’)])\s*(?:Continue reading|CONTINUE READING)\b.{0,300}$`)},
	{120, []string{"Read more", "READ MORE"}, regexp.MustCompile(`(^|[.!?…\]»"”'’)])\s*(?:Read more|READ MORE)(?:\s*(?:at|on|here|about this|:)[^.!?]{0,80})?\s*[.…»→>\]]*\s*$`)},
	{200, []string{"ing by"}, regexp.MustCompile(`(?i)\(\s*(?:reporting|writing|editing) by[^)]*\)`)},
	{120, []string{"@"}, regexp.MustCompile(`[\w.+-]+@[\w-]+(?:\.[\w-]+)+`)},
})

type trailer struct {
	reach   int // how far from the end its first needle may be, in bytes
	needles []string
	re      *regexp.Regexp
}

// withCaseForms adds to the needles of each trailer whose pattern ignores case their
// title-case and capital forms (caseForms), so that a needle is still found with
// strings.Index, as written, and a notice in capitals still runs its pattern.
func withCaseForms(ts []trailer) []trailer {
	for i := range ts {
		if !strings.HasPrefix(ts[i].re.String(), "(?i)") {
			continue
		}
		var all []string
		for _, n := range ts[i].needles {
			for _, f := range caseForms(n) {
				if !slices.Contains(all, f) {
					all = append(all, f)
				}
			}
		}
		ts[i].needles = all
	}
	return ts
}

// caseForms returns the lower-case needle n as written, with each ASCII letter after a
// space in capitals ("he post" -> "he Post"), and with every ASCII letter in capitals.
func caseForms(n string) []string {
	title, upper := []byte(n), []byte(n)
	for i, c := range upper {
		if 'a' <= c && c <= 'z' {
			upper[i] = c - 'a' + 'A'
			if i > 0 && n[i-1] == ' ' {
				title[i] = upper[i]
			}
		}
	}
	return []string{n, string(title), string(upper)}
}

// TrailerBytes is how much of the end of a description StripTrailers reads: a notice or a
// credit line is shorter, and reading only the end keeps the end-anchored patterns from
// scanning a whole article.
const TrailerBytes = 400

// StripTrailers returns s without the trailers (see trailers) in its last TrailerBytes bytes,
// trimmed of the space they leave.
func StripTrailers(s string) string {
	cut := max(len(s)-TrailerBytes, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	tail := s[cut:]
	changed := false
	for _, t := range trailers {
		start := max(len(tail)-t.reach, 0)
		at := -1
		for _, n := range t.needles {
			if i := strings.Index(tail[start:], n); i >= 0 && (at < 0 || i < at) {
				at = i
			}
		}
		if at < 0 {
			continue
		}
		// A trailer starts at most lookBack bytes before its first needle ("<저작권자 ©",
		// "kim.cheol-su@…"): the pattern reads from there on, not the whole tail.
		from := max(start+at-lookBack, 0)
		for from > 0 && !utf8.RuneStart(tail[from]) {
			from--
		}
		// A pattern's first group, if it has one, is what stands before the trailer and stays.
		if u := t.re.ReplaceAllString(tail[from:], "$1"); u != tail[from:] {
			tail, changed = tail[:from]+u, true
		}
	}
	if !changed {
		return s
	}
	return strings.TrimSpace(s[:cut] + tail)
}

// lookBack is how far before its first needle a trailer may start: an opening bracket and
// "저작권자 ", or the local part of an e-mail address.
const lookBack = 64
