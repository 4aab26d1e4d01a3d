package aggregate

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

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

// Outcomes counts what the polls of a set of sources came to, for the one
// line that sums them up (the poll round's log line, /readyz, the page while
// it is empty).
type Outcomes struct {
	Sources  int            // sources counted
	Answered int            // sources that answered: a feed, or 304
	Failed   map[string]int // sources that failed, by error kind (fetch.Kind, "save")
	Waiting  int            // sources not polled yet
}

// Add counts one source: answered, failed with an error of kind, or (kind
// "" and not answered) waiting for its first poll.
func (o *Outcomes) Add(answered bool, kind string) {
	o.Sources++
	switch {
	case answered:
		o.Answered++
	case kind != "":
		if o.Failed == nil {
			o.Failed = map[string]int{}
		}
		o.Failed[kind]++
	default:
		o.Waiting++
	}
}

// StatusOutcomes counts the configured sources by their last poll: ok ones
// answered, backoff and gone ones failed by error kind, pending ones wait.
func StatusOutcomes(list []SourceStatus) Outcomes {
	var o Outcomes
	for _, s := range list {
		switch state := s.StateName(); state {
		case StateRemoved:
		case StateOK:
			o.Add(true, "")
		case StateBackoff, StateGone:
			o.Add(false, cmp.Or(s.State.ErrorKind, "other"))
		default:
			o.Add(false, "")
		}
	}
	return o
}

// NumFailed is the number of sources that failed.
func (o Outcomes) NumFailed() int {
	n := 0
	for _, c := range o.Failed {
		n += c
	}
	return n
}

// String sums the outcomes up in a line: "9 of 11 sources answered: 1
// timeout, 1 not found (404)", or, when every source failed to connect, "0 of
// 11 sources answered: 11 DNS errors — is this machine online?".
func (o Outcomes) String() string {
	noun := "sources"
	if o.Sources == 1 {
		noun = "source"
	}
	s := fmt.Sprintf("%d of %d %s answered", o.Answered, o.Sources, noun)
	kinds := slices.Collect(maps.Keys(o.Failed))
	slices.SortFunc(kinds, func(a, b string) int {
		return cmp.Or(cmp.Compare(o.Failed[b], o.Failed[a]), cmp.Compare(a, b))
	})
	offline := len(kinds) > 0
	for i, k := range kinds {
		if i == 0 {
			s += ": "
		} else {
			s += ", "
		}
		s += failureWords(k, o.Failed[k])
		offline = offline && (k == "dns" || k == "connect" || k == "timeout")
	}
	if o.Waiting > 0 {
		s += fmt.Sprintf("; %d not polled yet", o.Waiting)
	}
	if offline && o.Answered == 0 && o.NumFailed() > 1 {
		s += " — is this machine online?"
	}
	return s
}

// failureWords says n failures of an error kind in words: "3 DNS errors",
// "1 not found (404)".
func failureWords(kind string, n int) string {
	one, many := kind+" error", kind+" errors"
	switch kind {
	case "dns":
		one, many = "DNS error", "DNS errors"
	case "timeout":
		one, many = "timeout", "timeouts"
	case "connect":
		one, many = "connection error", "connection errors"
	case "tls":
		one, many = "TLS error", "TLS errors"
	case "http_4xx":
		one, many = "HTTP 4xx answer", "HTTP 4xx answers"
	case "http_5xx":
		one, many = "HTTP 5xx answer", "HTTP 5xx answers"
	case "rate_limited":
		one, many = "rate limited (429)", "rate limited (429)"
	case "unavailable":
		one, many = "unavailable (503)", "unavailable (503)"
	case "gone":
		one, many = "gone (410)", "gone (410)"
	case "not_found":
		one, many = "not found (404)", "not found (404)"
	case "too_large":
		one, many = "too large", "too large"
	case "not_feed":
		one, many = "not a feed", "not feeds"
	case "empty":
		one, many = "empty answer", "empty answers"
	case "parse":
		one, many = "unreadable feed", "unreadable feeds"
	case "denied":
		one, many = "denied address", "denied addresses"
	case "canceled":
		one, many = "cancelled", "cancelled"
	case "held":
		one, many = "held for its host", "held for their hosts"
	}
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
