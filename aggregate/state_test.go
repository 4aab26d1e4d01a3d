package aggregate_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/store"
)

func TestOutcomesString(t *testing.T) {
	type src struct {
		answered bool
		kind     string
	}
	many := func(n int, s src) []src {
		out := make([]src, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	cases := []struct {
		name    string
		sources []src
		want    string
	}{
		{"offline", many(11, src{kind: "dns"}), "0 of 11 sources answered: 11 DNS errors — is this machine online?"},
		{"all fine", many(3, src{answered: true}), "3 of 3 sources answered"},
		{"one source, one DNS error: no guess", many(1, src{kind: "dns"}), "0 of 1 source answered: 1 DNS error"},
		{"most answered", append(many(9, src{answered: true}), src{kind: "not_found"}, src{kind: "timeout"}),
			"9 of 11 sources answered: 1 not found (404), 1 timeout"},
		{"most common kind first", append(many(2, src{kind: "timeout"}), src{kind: "connect"}, src{kind: "dns"}, src{kind: "dns"}, src{kind: "dns"}),
			"0 of 6 sources answered: 3 DNS errors, 2 timeouts, 1 connection error — is this machine online?"},
		{"not a network failure", many(2, src{kind: "not_feed"}), "0 of 2 sources answered: 2 not feeds"},
		{"some not polled yet", append(many(2, src{kind: "dns"}), src{}), "0 of 3 sources answered: 2 DNS errors; 1 not polled yet — is this machine online?"},
		{"unknown kind", many(2, src{kind: "quantum"}), "0 of 2 sources answered: 2 quantum errors"},
		{"held for a hung host", append(append(many(4, src{kind: "held"}), src{kind: "timeout"}), src{answered: true}),
			"1 of 6 sources answered: 4 held for their hosts, 1 timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var o aggregate.Outcomes
			for _, s := range c.sources {
				o.Add(s.answered, s.kind)
			}
			if got := o.String(); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestStateName(t *testing.T) {
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		st     aggregate.SourceStatus
		want   string
		answer string // what StatusOutcomes counts it as
	}{
		{aggregate.SourceStatus{Active: true}, aggregate.StatePending, "waiting"},
		{aggregate.SourceStatus{Active: true, State: aggregate.FetchState{LastAttempt: now}}, aggregate.StatePending, "waiting"}, // cancelled
		{aggregate.SourceStatus{Active: true, State: aggregate.FetchState{LastAttempt: now, LastSuccess: now}}, aggregate.StateOK, "answered"},
		{aggregate.SourceStatus{Active: true, State: aggregate.FetchState{LastSuccess: now, ConsecutiveErrors: 1, ErrorKind: "timeout"}}, aggregate.StateBackoff, "timeout"},
		{aggregate.SourceStatus{Active: true, State: aggregate.FetchState{Gone: true, ConsecutiveErrors: 1, ErrorKind: "gone"}}, aggregate.StateGone, "gone"},
		{aggregate.SourceStatus{State: aggregate.FetchState{Gone: true}}, aggregate.StateRemoved, ""},
		{aggregate.SourceStatus{State: aggregate.FetchState{LastSuccess: now}}, aggregate.StateRemoved, ""},
	}
	for i, c := range cases {
		if got := c.st.StateName(); got != c.want {
			t.Errorf("case %d: %q, want %q", i, got, c.want)
		}
		o := aggregate.StatusOutcomes([]aggregate.SourceStatus{c.st})
		got := ""
		switch {
		case o.Answered == 1:
			got = "answered"
		case o.Waiting == 1:
			got = "waiting"
		case o.NumFailed() == 1:
			for k := range o.Failed {
				got = k
			}
		}
		if got != c.answer {
			t.Errorf("case %d: counted as %q, want %q", i, got, c.answer)
		}
	}
}

// offline fails every fetch as a machine without a network does.
type offline struct{}

func (offline) Fetch(_ context.Context, r fetch.Request) (*fetch.Response, error) {
	return nil, &fetch.Error{Kind: fetch.KindDNS, URL: r.URL, Err: errors.New("dial tcp: lookup example.org: no such host")}
}

func (offline) Parse([]byte, string, string) (*gofeed.Feed, error) { return nil, errors.New("unused") }

// TestOfflineRoundLogsOneLine polls eleven sources that all fail: the round
// says so in one line that sums the failures up, and every failure's own line
// is at debug level.
func TestOfflineRoundLogsOneLine(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := topic.Compile(topic.Default())
	if err != nil {
		t.Fatal(err)
	}
	var src []aggregate.Source
	for i := range 11 {
		src = append(src, aggregate.Source{Name: fmt.Sprintf("source %d", i+1), URL: fmt.Sprintf("https://s%d.example/feed", i), Interval: 15 * time.Minute, Rank: i})
	}
	var logs bytes.Buffer
	p := aggregate.NewPoller(st, offline{}, c, aggregate.PollerOptions{Concurrency: 4, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	stored, states, err := st.SyncSources(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	p.SetSources(stored, states)
	p.PollAll(t.Context())

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want one:\n%s", len(lines), logs.String())
	}
	for _, want := range []string{"level=WARN", `msg="poll round"`, `summary="0 of 11 sources answered: 11 DNS errors — is this machine online?"`,
		`failed="source 1 (dns), source 2 (dns), source 3 (dns), source 4 (dns), source 5 (dns) and 6 more"`, "errors=11"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("the round's line lacks %s:\n%s", want, lines[0])
		}
	}
	// The failures back off: the next round is not the next second's.
	for id, next := range p.Schedule() {
		if time.Until(next) < 10*time.Minute {
			t.Errorf("source %d is due again in %v", id, time.Until(next).Round(time.Second))
		}
	}
}
