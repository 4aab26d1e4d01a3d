// Package boilerplate recognises what aggregators write into every item's description
// instead of a lead: web addresses, Hacker News's "Article URL: … Comments URL: … Points:
// 12 # Comments: 3" (through hnrss) or its own "Comments", Reddit's "submitted by /u/name
// [link] [comments]", arXiv's "arXiv:2401.12345v1 Announce Type: new Abstract:". Every item
// of such a feed has them, so they say nothing of the item: the story index made unrelated
// items alike by them, and the topic filter read such an item as one with a lead.
package boilerplate

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	url    = regexp.MustCompile(`(?i)(?:https?://|www\.)\S+`)
	labels = regexp.MustCompile(`(?i)(?:article url|comments url)\s*:|(?:points|#\s*comments)\s*:\s*\d+|submitted by\s+/?u/\S+|\[(?:link|comments)\]|arxiv:\S+\s+announce type:\s*\S+\s+abstract:`)
)

// minWords is the fewest words a description in Latin script needs to be a lead: one or two
// ("Comments", "Read more") are a link's label. Two Korean words can be one ("정부가
// 발표했다").
const minWords = 3

// Strip returns s without web addresses and aggregators' labels, trimmed; "" when what is
// left is a few words of Latin script, or nothing.
func Strip(s string) string {
	if strings.Contains(s, "http") || strings.Contains(s, "www.") {
		s = url.ReplaceAllString(s, " ")
	}
	if strings.Contains(s, "URL:") || strings.Contains(s, "omments:") || strings.Contains(s, "oints:") ||
		strings.Contains(s, "/u/") || strings.Contains(s, "[link]") || strings.Contains(s, "nnounce Type:") {
		s = labels.ReplaceAllString(s, " ")
	}
	s = strings.TrimSpace(s)
	if len(s) < 64 && isASCII(s) && len(strings.Fields(s)) < minWords {
		return ""
	}
	return s
}

// IsEmpty reports whether description s is no lead: nothing, or only what Strip removes.
// Aggregators' descriptions are short, so a long one is taken as a lead unread.
func IsEmpty(s string) bool {
	if len(s) > maxLabelled {
		return false
	}
	return Strip(s) == ""
}

// maxLabelled bounds the descriptions IsEmpty reads: hnrss's, with two addresses, is about
// 200 bytes.
const maxLabelled = 512

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
