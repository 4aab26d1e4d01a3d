package publish

import (
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// emptyState is what the page says while the curated feed is empty: whether
// the sources were polled, how that went, and when the next poll is.
type emptyState struct {
	Sources  int    // configured sources
	Polled   bool   // some source answered or failed
	Answered int    // sources that answered
	Summary  string // the outcomes in a sentence (aggregate.Outcomes)
	Kept     int64  // items the topic filter kept from the active sources, none of them published now
	Waiting  int    // active sources not polled yet: the first poll is still under way
	Next     time.Time
}

// emptyOf reads the empty page's state from the sources' states; nil when
// no source is configured.
func emptyOf(list []aggregate.SourceStatus) *emptyState {
	out := aggregate.StatusOutcomes(list)
	if out.Sources == 0 {
		return nil
	}
	e := &emptyState{Sources: out.Sources, Polled: out.Answered+out.NumFailed() > 0, Answered: out.Answered, Summary: sentence(out.String()),
		Waiting: out.Waiting}
	for _, s := range list {
		if s.Active {
			e.Kept += s.State.ItemsKept
		}
		if next := s.State.NextFetch; s.Active && !s.State.Gone && !next.IsZero() && (e.Next.IsZero() || next.Before(e.Next)) {
			e.Next = next
		}
	}
	return e
}

// sentence ends s with a full stop unless it ends with a mark of its own.
func sentence(s string) string {
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}
