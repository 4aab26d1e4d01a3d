package aggregate

import (
	"errors"
	"testing"
)

// TestFailedSourcesLeavesHeldOut: the round's log line names the sources that
// failed, not those held back for their host, which were not asked.
func TestFailedSourcesLeavesHeldOut(t *testing.T) {
	reports := []Report{
		{Source: Source{Name: "down"}, Err: errors.New("connection refused"), Kind: "connect"},
		{Source: Source{Name: "held"}, Err: errors.New("not sent"), Kind: "rate_limited", Held: true},
		{Source: Source{Name: "fine"}},
	}
	if got := failedSources(reports); got != "down (connect)" {
		t.Errorf("failedSources = %q, want only the source that failed", got)
	}
}
