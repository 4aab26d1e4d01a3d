package aggregate_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

func TestSameFeedPairsSourcesThatPollOneFeed(t *testing.T) {
	src := func(id int64, url string) aggregate.Source {
		return aggregate.Source{ID: id, Name: fmt.Sprint("s", id), URL: url}
	}
	moved := func(id int64, url, to string) aggregate.SourceStatus {
		return aggregate.SourceStatus{Source: src(id, url), State: aggregate.FetchState{CurrentURL: to}, Active: true}
	}
	at := func(id int64, url string) aggregate.SourceStatus { return moved(id, url, "") }
	key := strings.ToLower
	for _, c := range []struct {
		name string
		list []aggregate.SourceStatus
		want map[int64]int64 // not polled -> polled as
	}{
		{"moved onto a configured one, listed before it", []aggregate.SourceStatus{moved(1, "http://a/old", "http://b/feed"), at(2, "http://b/feed")}, map[int64]int64{1: 2}},
		{"moved onto a configured one, listed after it", []aggregate.SourceStatus{at(2, "http://b/feed"), moved(1, "http://a/old", "http://b/feed")}, map[int64]int64{1: 2}},
		{"the key decides (letter case)", []aggregate.SourceStatus{moved(1, "http://a/old", "HTTP://B/FEED"), at(2, "http://b/feed")}, map[int64]int64{1: 2}},
		{"two moved to one address: the first polls", []aggregate.SourceStatus{moved(3, "http://c", "http://d"), moved(1, "http://a", "http://d")}, map[int64]int64{1: 3}},
		{"moved elsewhere", []aggregate.SourceStatus{moved(1, "http://a/old", "http://a/new"), at(2, "http://b/feed")}, map[int64]int64{}},
		{"the other taken out of the config", []aggregate.SourceStatus{moved(1, "http://a/old", "http://b/feed"), {Source: src(2, "http://b/feed")}}, map[int64]int64{}},
		{"the other gone", []aggregate.SourceStatus{moved(1, "http://a/old", "http://b/feed"), {Source: src(2, "http://b/feed"), State: aggregate.FetchState{Gone: true}, Active: true}}, map[int64]int64{}},
	} {
		got := map[int64]int64{}
		for id, by := range aggregate.SameFeed(c.list, key) {
			got[id] = by.ID
		}
		if !maps.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// A source whose feed moved for good to the address of another source is not
// polled while that one is: the host got every request twice, and the feed's
// items were stored twice. Taken out, the other leaves it polled again.
func TestSourceMovedOntoAnotherIsNotPolledTwice(t *testing.T) {
	s := newSite(t)
	s.handle("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	s.handle("/new", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`))
	h := newHarness(t, nil,
		aggregate.Source{Name: "old", URL: s.URL + "/old", Interval: 10 * time.Minute},
		aggregate.Source{Name: "new", URL: s.URL + "/new", Interval: 10 * time.Minute})
	ctx := context.Background()
	h.poller.PollAll(ctx)
	if n := len(s.requests("/new")); n != 2 {
		t.Fatalf("first round: /new asked %d times, want 2 (once after the redirect)", n)
	}
	un := h.poller.Unpolled()
	if len(un) != 1 || un[0].Source.Name != "old" || un[0].PolledAs.Name != "new" || un[0].MovedTo != s.URL+"/new" {
		t.Fatalf("Unpolled = %+v", un)
	}
	h.clock.Add(time.Hour)
	reports := h.poller.PollAll(ctx)
	if n := len(s.requests("/new")); n != 3 {
		t.Errorf("second round: /new asked %d times in all, want 3: the moved source must not poll it too", n)
	}
	if names := reportNames(reports); !slices.Equal(names, []string{"new"}) {
		t.Errorf("second round polled %v", names)
	}
	// The source at the address is taken out: the moved one polls it again.
	h.poller.SetSources(h.src[:1], []aggregate.FetchState{h.status(t, 0)})
	if un := h.poller.Unpolled(); len(un) != 0 {
		t.Errorf("still unpolled after the other source left: %+v", un)
	}
	h.clock.Add(time.Hour)
	if names := reportNames(h.poller.PollAll(ctx)); !slices.Equal(names, []string{"old"}) {
		t.Errorf("after the other source left, polled %v", names)
	}
}

func reportNames(reports []aggregate.Report) []string {
	var out []string
	for _, r := range reports {
		out = append(out, r.Source.Name)
	}
	return out
}
