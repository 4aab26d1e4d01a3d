package term

import (
	"fmt"
	"strings"
	"time"
)

// Ago says how far t is from now, briefly, for a table: "3m ago", "in 2h",
// "now", "-" for never (zero).
func Ago(t, now time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	suffix := " ago"
	if d < 0 {
		d, suffix = -d, ""
		if d >= time.Second {
			return "in " + shortDuration(d)
		}
		return "now"
	}
	return shortDuration(d) + suffix
}

func shortDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

// OneLine is s with every run of white space, line breaks included, one space.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
