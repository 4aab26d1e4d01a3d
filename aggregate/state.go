package aggregate

// A source's state, in the one vocabulary that /status, /status.json,
// gleaner sources, the gleaner_sources metric and README.md use.
const (
	StateOK      = "ok"      // its last poll answered (a feed, or 304 Not Modified)
	StateBackoff = "backoff" // its last poll failed: retried after a backoff
	StateGone    = "gone"    // it answered 410 Gone: no longer polled
	StatePending = "pending" // it has neither answered nor failed yet: its first poll is due
	StateRemoved = "removed" // no longer in the config: not polled, its items stay
)

// SourceStates lists every state, in the order tables and metrics give them.
var SourceStates = []string{StateOK, StateBackoff, StateGone, StatePending, StateRemoved}

// StateName is the source's state (see SourceStates). A source no longer
// configured is removed whatever its last poll did; one whose polls were all
// cancelled (a shutdown) is still pending.
func (s SourceStatus) StateName() string {
	switch {
	case !s.Active:
		return StateRemoved
	case s.State.Gone:
		return StateGone
	case s.State.ConsecutiveErrors > 0:
		return StateBackoff
	case s.State.LastSuccess.IsZero():
		return StatePending
	}
	return StateOK
}
