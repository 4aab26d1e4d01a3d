package aggregate

import "strings"

// The first reason of an item the curator labelled says so, in words a reader of
// the curated feed can read: the label wins over the topic filter's verdict, and
// the filter's own reasons follow it.
const (
	ReasonCuratorKept    = "kept by the curator"
	ReasonCuratorDropped = "dropped by the curator"
)

// Label is a curator's correction of the topic filter for one item: in the
// curated feed (Keep) or out of it, whatever the filter says.
type Label struct {
	Keep bool
	Note string // why, in the curator's words; may be empty
}

// Reason is the reason the label puts first: "kept by the curator" or
// "dropped by the curator", followed by ": NOTE" when there is a note.
func (l Label) Reason() string {
	r := ReasonCuratorDropped
	if l.Keep {
		r = ReasonCuratorKept
	}
	if note := strings.TrimSpace(l.Note); note != "" {
		r += ": " + note
	}
	return r
}

// Apply returns the verdict v as the label overrides it: Match is the label's,
// its reason comes first, and the filter's score, facets and reasons stay (a
// curator's reason v already starts with, from an earlier label, is replaced).
func (l Label) Apply(v Verdict) Verdict {
	rest := v.Reasons
	if len(rest) > 0 && IsCuratorReason(rest[0]) {
		rest = rest[1:]
	}
	reasons := make([]string, 0, 1+len(rest))
	v.Reasons = append(append(reasons, l.Reason()), rest...)
	v.Match = l.Keep
	return v
}

// IsCuratorReason reports whether a reason is one a curator's label gave.
func IsCuratorReason(r string) bool {
	return strings.HasPrefix(r, ReasonCuratorKept) || strings.HasPrefix(r, ReasonCuratorDropped)
}
