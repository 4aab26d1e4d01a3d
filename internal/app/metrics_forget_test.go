package app

import (
	"testing"
	"time"

	"github.com/gleaner/gleaner/config"
)

// TestRemovedSourcesLeaveMetrics: the per-source fetch series of a source taken
// out of the config, or renamed, go; the others stay.
func TestRemovedSourcesLeaveMetrics(t *testing.T) {
	m := newMetrics("test")
	for _, name := range []string{"kept", "removed", "old name"} {
		m.ObserveFetch(name, "ok", time.Millisecond)
	}
	sources := func() map[string]bool {
		t.Helper()
		families, err := m.reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, f := range families {
			if f.GetName() != "gleaner_fetches_total" {
				continue
			}
			for _, s := range f.GetMetric() {
				for _, l := range s.GetLabel() {
					if l.GetName() == "source" {
						out[l.GetValue()] = true
					}
				}
			}
		}
		return out
	}
	if got := sources(); len(got) != 3 {
		t.Fatalf("series before: %v, want 3 sources", got)
	}
	old := []config.Source{{Name: "kept"}, {Name: "removed"}, {Name: "old name"}}
	m.forgetSources(old, []config.Source{{Name: "kept"}, {Name: "new name"}})
	if got := sources(); len(got) != 1 || !got["kept"] {
		t.Errorf("series after: %v, want only kept", got)
	}
}
