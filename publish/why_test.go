package publish

import (
	"strings"
	"testing"
)

func TestWhy(t *testing.T) {
	long := strings.Repeat("a long note ", 30)
	for _, tc := range []struct {
		name    string
		reasons []string
		want    string
	}{
		{"the filter's first reasons", []string{"title: AI", "title: ministry", "summary: bill", "rule: ai+actor"}, "title: AI; title: ministry; summary: bill (+1 more)"},
		{"kept by the curator, alone", []string{"kept by the curator: a ministry's plan", "title: AI"}, "kept by the curator: a ministry's plan"},
		{"kept without a note", []string{"kept by the curator", "rule: none holds -> no match"}, "kept by the curator"},
		// Typed, not markup: "<Senate>" and "<script>" are words the curator wrote.
		{"the note is plain text", []string{"kept by the curator: <b>bold</b> &amp; the <Senate> <script>budget 2026</script>"},
			"kept by the curator: <b>bold</b> &amp; the <Senate> <script>budget 2026</script>"},
		{"no control or bidi characters", []string{"kept by the curator: x \x1b[31mRED\u202e\nok"}, "kept by the curator: x [31mRED ok"},
		{"the filter's reasons are text too", []string{"title: AI (\"<AI>\")"}, "title: AI (\"<AI>\")"},
		{"a long note is cut", []string{"kept by the curator: " + long}, shorten("kept by the curator: "+strings.TrimSpace(long), whyRunes)},
		{"nothing", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := why(tc.reasons); got != tc.want {
				t.Errorf("why(%q) = %q, want %q", tc.reasons, got, tc.want)
			}
		})
	}
}
