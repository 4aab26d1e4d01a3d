package aggregate_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/store"
)

// stallFetcher answers every fetch with a server error after the clock moved
// on by took (a fetch that waited for its host's turn), or, with block, only
// when the context ends.
type stallFetcher struct {
	clock   *clock
	took    time.Duration
	block   bool
	fetches atomic.Int32
	mu      sync.Mutex
	holds   map[string]time.Time // what the poller told it of hosts' Retry-After
}

func (f *stallFetcher) Hold(target string, until time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.holds == nil {
		f.holds = map[string]time.Time{}
	}
	f.holds[target] = until
}

func (f *stallFetcher) Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error) {
	f.fetches.Add(1)
	if f.block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	f.clock.Add(f.took)
	return &fetch.Response{Status: 500}, &fetch.Error{Kind: fetch.KindHTTP5xx, Status: 500, Err: errors.New("500 Internal Server Error")}
}

func (f *stallFetcher) Parse(body []byte, contentType, baseURL string) (*gofeed.Feed, error) {
	return nil, errors.New("not used")
}

// countingSaver counts the saves that reach the store.
type countingSaver struct {
	*store.Store
	saves atomic.Int32
}

func (s *countingSaver) Save(ctx context.Context, b []aggregate.Fetched, g aggregate.Grouper) ([]aggregate.SaveStats, bool, error) {
	s.saves.Add(1)
	return s.Store.Save(ctx, b, g)
}

func opsPoller(t *testing.T, f *stallFetcher, maxBackoff time.Duration, src aggregate.Source, state func(*aggregate.FetchState), log ...*slog.Logger) (*aggregate.Poller, *countingSaver, int64) {
	t.Helper()
	st, c := storeAndClassifier(t)
	sv := &countingSaver{Store: st}
	opt := aggregate.PollerOptions{Concurrency: 2, MaxBackoff: maxBackoff, Now: f.clock.Now}
	if len(log) > 0 {
		opt.Log = log[0]
	}
	p := aggregate.NewPoller(sv, f, c, opt)
	srcs, states, err := st.SyncSources(context.Background(), []aggregate.Source{src})
	if err != nil {
		t.Fatal(err)
	}
	if state != nil {
		state(&states[0])
	}
	p.SetSources(srcs, states)
	return p, sv, srcs[0].ID
}

// TestRetryIsTimedFromTheEndOfTheFetch: a fetch that first waited its host's
// turn was timed from before the wait, so its retry fell due at once and the
// host got request after request; and a failing source whose interval is
// longer than max_backoff was polled more often than a healthy one.
func TestRetryIsTimedFromTheEndOfTheFetch(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)}
	// A long wait for the host's slot: timed from before it, the retry's
	// [48m, 60m] (the backoff's spread) would be 18-30 minutes after the end.
	f := &stallFetcher{clock: clk, took: 30 * time.Minute}
	p, _, id := opsPoller(t, f, 5*time.Second, aggregate.Source{Name: "x", URL: "https://x.example/feed", Interval: time.Hour}, nil)
	p.PollAll(context.Background())
	ended := clk.Now()
	next := p.Schedule()[id]
	if gap := next.Sub(ended); gap < 48*time.Minute {
		t.Errorf("a failed poll of a source polled hourly, max_backoff 5s: next fetch %v after the fetch ended, want about the interval", gap)
	}
}

// TestFarFutureScheduleIsBrought: a next poll stored further ahead than any
// wait gleaner sets (a clock that ran 30 days fast) is brought to the longest
// wait from now, not kept, leaving the source unpolled for a month.
func TestFarFutureScheduleIsBrought(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)}
	f := &stallFetcher{clock: clk}
	p, _, id := opsPoller(t, f, 12*time.Hour, aggregate.Source{Name: "x", URL: "https://x.example/feed", Interval: 15 * time.Minute},
		func(st *aggregate.FetchState) {
			st.LastAttempt, st.NextFetch = clk.Now().Add(30*24*time.Hour), clk.Now().Add(30*24*time.Hour+15*time.Minute)
		})
	if next := p.Schedule()[id]; next.After(clk.Now().Add(24 * time.Hour)) {
		t.Errorf("next fetch %v from now, want at most a day", next.Sub(clk.Now()))
	}
}

// TestClockSetBackMovesTheScheduleBack: a source last polled six hours from now
// (a clock that ran fast, set right since) is due a minute after its last poll
// as the corrected clock reads it, not in six hours and a minute, and the log
// says why; a host's Retry-After is still owed in full; a source polled a few
// seconds ahead (another machine's clock) keeps its schedule.
func TestClockSetBackMovesTheScheduleBack(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)}
	f := &stallFetcher{clock: clk}
	var logged bytes.Buffer
	ahead := 6*time.Hour - time.Minute
	p, _, id := opsPoller(t, f, 12*time.Hour, aggregate.Source{Name: "x", URL: "https://x.example/feed", Interval: time.Minute},
		func(st *aggregate.FetchState) {
			st.LastAttempt, st.NextFetch = clk.Now().Add(ahead), clk.Now().Add(ahead+time.Minute)
		}, slog.New(slog.NewTextHandler(&logged, nil)))
	if next := p.Schedule()[id]; !next.Equal(clk.Now().Add(time.Minute)) {
		t.Errorf("next fetch %v from now, want the interval's minute", next.Sub(clk.Now()))
	}
	if out := logged.String(); !strings.Contains(out, `msg="sources last polled later than now: the clock was set back; their schedule is moved back as far" sources=1 furthest_ahead=5h59m0s`) {
		t.Errorf("log:\n%s", out)
	}
	p, _, id = opsPoller(t, f, 12*time.Hour, aggregate.Source{Name: "x", URL: "https://x.example/feed", Interval: time.Minute},
		func(st *aggregate.FetchState) {
			st.LastAttempt, st.NextFetch, st.HoldUntil = clk.Now().Add(ahead), clk.Now().Add(ahead+2*time.Hour), clk.Now().Add(ahead+2*time.Hour)
			st.ErrorKind, st.ConsecutiveErrors = string(fetch.KindRateLimited), 1
		})
	if next := p.Schedule()[id]; !next.Equal(clk.Now().Add(2 * time.Hour)) {
		t.Errorf("Retry-After of 2h: next fetch %v from now, want 2h", next.Sub(clk.Now()))
	}
	p.PollAll(context.Background()) // tells the fetcher of the hosts held (gleaner fetch's path)
	f.mu.Lock()
	holds := maps.Clone(f.holds)
	f.mu.Unlock()
	if len(holds) != 1 {
		t.Errorf("holds %v, want the host's", holds)
	}
	for host, until := range holds {
		if !until.Equal(clk.Now().Add(2 * time.Hour)) {
			t.Errorf("%s held for %v, want the 2h it still asks", host, until.Sub(clk.Now()))
		}
	}
	p, _, id = opsPoller(t, f, 12*time.Hour, aggregate.Source{Name: "x", URL: "https://x.example/feed", Interval: time.Minute},
		func(st *aggregate.FetchState) {
			st.LastAttempt, st.NextFetch = clk.Now().Add(5*time.Second), clk.Now().Add(65*time.Second)
		})
	if next := p.Schedule()[id]; !next.Equal(clk.Now().Add(65 * time.Second)) {
		t.Errorf("a few seconds' skew: next fetch %v from now, want 65s", next.Sub(clk.Now()))
	}
}

// TestShutdownStartsNoRoundAndSavesNothingCancelled: once its context ends, Run
// starts no round, and polls cut short by it are not saved (a save of nothing
// could wait the busy timeout on a locked database, holding up the stop).
func TestShutdownStartsNoRoundAndSavesNothingCancelled(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)}
	f := &stallFetcher{clock: clk, block: true}
	var logged bytes.Buffer
	p, sv, _ := opsPoller(t, f, 12*time.Hour, aggregate.Source{Name: "x", URL: "https://x.example/feed", Interval: 15 * time.Minute},
		func(st *aggregate.FetchState) {
			st.LastAttempt, st.NextFetch = clk.Now().Add(-time.Hour), clk.Now().Add(-time.Minute)
		}, slog.New(slog.NewTextHandler(&logged, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 20 {
		p.Run(ctx) // the source is due: a round started after all would fetch it
	}
	if n := f.fetches.Load(); n != 0 {
		t.Errorf("Run after shutdown fetched %d times, want no round", n)
	}
	ctx, cancel = context.WithCancel(context.Background())
	go func() {
		for f.fetches.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	r := p.PollAll(ctx)
	if len(r) != 1 || r[0].Kind != string(fetch.KindCanceled) {
		t.Fatalf("reports %+v, want one cancelled poll", r)
	}
	if n := sv.saves.Load(); n != 0 {
		t.Errorf("%d saves of a cancelled poll, want none", n)
	}
	// A round cut short by shutdown failed no source: no warning, no "failed" list.
	if out := logged.String(); !strings.Contains(out, `level=INFO msg="poll round"`) || strings.Contains(out, "failed=") {
		t.Errorf("the cut-short round's line:\n%s", out)
	}
}

// TestHungHostIsAskedOncePerRound: a host that lets a request time out is not
// asked for its other feeds in the same round (they are held, not failed), so
// that one hung host costs a round one timeout, not one per feed, each waiting
// for its turn (per_host), while every source due meanwhile waited too.
func TestHungHostIsAskedOncePerRound(t *testing.T) {
	// The daemon holds the host (it asks again a minute later); a one-shot
	// command (cron's gleaner fetch, an import) asks every feed, having no later.
	for _, daemon := range []bool{true, false} {
		t.Run(map[bool]string{true: "daemon", false: "one-shot"}[daemon], func(t *testing.T) { hungHostRound(t, daemon) })
	}
}

func hungHostRound(t *testing.T, daemon bool) {
	var hung atomic.Int32
	stop := make(chan struct{})
	hungSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hung.Add(1)
		select { // no answer until the client gives up
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer hungSrv.Close()
	defer close(stop)
	fine := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss version="2.0"><channel><title>t</title><item><title>x</title><link>https://fine.example/1</link></item></channel></rss>`)
	}))
	defer fine.Close()
	st, c := storeAndClassifier(t)
	fc := fetch.New(nil, fetch.Options{Timeout: 300 * time.Millisecond, PerHost: 1, HoldAfterTimeout: daemon})
	obs := &resultObserver{}
	p := aggregate.NewPoller(st, fc, c, aggregate.PollerOptions{Concurrency: 4, MaxBackoff: time.Hour, Observer: obs})
	var src []aggregate.Source
	for i := range 5 {
		src = append(src, aggregate.Source{Name: fmt.Sprint("hung", i), URL: fmt.Sprintf("%s/f%d", hungSrv.URL, i), Interval: time.Hour, Rank: i})
	}
	src = append(src, aggregate.Source{Name: "fine", URL: fine.URL + "/f", Interval: time.Hour, Rank: 5})
	srcs, states, err := st.SyncSources(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	p.SetSources(srcs, states)
	timeouts, held := 0, 0
	for _, r := range p.PollAll(context.Background()) {
		switch {
		case r.Source.Name == "fine":
			if r.Err != nil {
				t.Errorf("fine: %v", r.Err)
			}
		case r.Held && r.Kind == string(fetch.KindTimeout):
			held++
		case r.Kind == string(fetch.KindTimeout):
			timeouts++
		default:
			t.Errorf("%s: %+v", r.Source.Name, r)
		}
	}
	wantAsked, wantHeld := 1, 4
	if !daemon {
		wantAsked, wantHeld = 5, 0
	}
	if n := hung.Load(); int(n) != wantAsked || timeouts != wantAsked || held != wantHeld {
		t.Errorf("the hung host got %d requests; %d timeouts, %d held; want %d, %d, %d", n, timeouts, held, wantAsked, wantAsked, wantHeld)
	}
	// Held polls are no errors in the metrics (an error-rate alert counts those).
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.results["held"] != wantHeld || obs.results["error_timeout"] != wantAsked {
		t.Errorf("fetch results observed: %v, want %d held and %d error_timeout", obs.results, wantHeld, wantAsked)
	}
}

// resultObserver counts the fetch results the poller reports to metrics.
type resultObserver struct {
	mu      sync.Mutex
	results map[string]int
}

func (o *resultObserver) ObserveFetch(source, result string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.results == nil {
		o.results = map[string]int{}
	}
	o.results[result]++
}

func (o *resultObserver) ObserveRound(aggregate.RoundStats) {}

// TestBackoffCapIsAtLeastAMinute: a max_backoff below a minute (once refused,
// now read as 1m) had a source whose saves failed retried at once, round after
// round.
func TestBackoffCapIsAtLeastAMinute(t *testing.T) {
	s := newSite(t)
	s.handle("/feed", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v2"`))
	st, c := storeAndClassifier(t)
	clk := &clock{t: time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)}
	p := aggregate.NewPoller(&saver{Store: st, fail: true}, fetch.New(nil, fetch.Options{}), c,
		aggregate.PollerOptions{Concurrency: 1, MaxBackoff: time.Nanosecond, Now: clk.Now})
	srcs, states, err := st.SyncSources(context.Background(), []aggregate.Source{{Name: "x", URL: s.URL + "/feed", Interval: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	p.SetSources(srcs, states)
	if r := p.PollAll(context.Background())[0]; r.Err == nil {
		t.Fatalf("the save did not fail: %+v", r)
	}
	if gap := p.Schedule()[srcs[0].ID].Sub(clk.Now()); gap < 48*time.Second {
		t.Errorf("after a failed save with max_backoff 1ns: next poll in %v, want about a minute", gap)
	}
}

// gateFetcher blocks the fetches of one URL until their context ends, and
// answers the others with a server error; it records every URL asked.
type gateFetcher struct {
	stallFetcher
	gate    string
	started chan struct{} // closed when the gated fetch has begun
	release chan struct{} // if not nil, closing it ends the gated fetch with a 500
	mu2     sync.Mutex
	asked   []string
	gateErr error // the gated fetch's context's error when it ended
}

func (f *gateFetcher) Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error) {
	f.mu2.Lock()
	f.asked = append(f.asked, r.URL)
	f.mu2.Unlock()
	if r.URL == f.gate {
		close(f.started)
		select {
		case <-ctx.Done():
		case <-f.release:
			return &fetch.Response{Status: 500}, &fetch.Error{Kind: fetch.KindHTTP5xx, Status: 500, Err: errors.New("500 Internal Server Error")}
		}
		f.mu2.Lock()
		f.gateErr = ctx.Err()
		f.mu2.Unlock()
		return nil, ctx.Err()
	}
	return &fetch.Response{Status: 500}, &fetch.Error{Kind: fetch.KindHTTP5xx, Status: 500, Err: errors.New("500 Internal Server Error")}
}

// startGatedRound gives p the sources all, starts a round of every one, and
// returns once f's gated fetch has begun: the stored sources, their states, and
// where the round's reports arrive.
func startGatedRound(t *testing.T, p *aggregate.Poller, st *store.Store, f *gateFetcher, all []aggregate.Source) ([]aggregate.Source, []aggregate.FetchState, chan []aggregate.Report) {
	t.Helper()
	srcs, states, err := st.SyncSources(context.Background(), all)
	if err != nil {
		t.Fatal(err)
	}
	p.SetSources(srcs, states)
	done := make(chan []aggregate.Report)
	go func() { done <- p.PollAll(context.Background()) }()
	<-f.started
	return srcs, states, done
}

// TestRemovedSourceIsNotPolled: sources taken out of the config during a round
// (README: "removed ones stop being polled") were still fetched, and their
// items stored, until the round ended: one in flight (a slow host) is stopped,
// one still queued is not fetched, and neither is saved or reported; the
// source that stays is polled.
func TestRemovedSourceIsNotPolled(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)}
	st, c := storeAndClassifier(t)
	sv := &countingSaver{Store: st}
	f := &gateFetcher{stallFetcher: stallFetcher{clock: clk}, gate: "https://slow.example/a", started: make(chan struct{})}
	p := aggregate.NewPoller(sv, f, c, aggregate.PollerOptions{Concurrency: 1, Now: clk.Now})
	all := []aggregate.Source{
		// Ranked, so that a is polled first (sources of one rank come in any order).
		{Name: "a", URL: "https://slow.example/a", Interval: time.Hour, Rank: 0},
		{Name: "b", URL: "https://slow.example/b", Interval: time.Hour, Rank: 1},
		{Name: "c", URL: "https://c.example/feed", Interval: time.Hour, Rank: 2},
	}
	srcs, states, done := startGatedRound(t, p, st, f, all)
	p.SetSources(srcs[2:], states[2:]) // a and b taken out while a is fetched
	var reports []aggregate.Report
	select {
	case reports = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the round still fetches a source taken out of the config")
	}
	if f.gateErr == nil {
		t.Error("the removed source's fetch was not cancelled")
	}
	for _, u := range f.asked {
		if u == "https://slow.example/b" {
			t.Error("a source taken out while queued was fetched")
		}
	}
	if len(reports) != 1 || reports[0].Source.Name != "c" {
		names := []string{}
		for _, r := range reports {
			names = append(names, r.Source.Name)
		}
		t.Errorf("reports for %v, want c's alone", names)
	}
	// The cancelled poll recorded nothing for a: put back, it is polled as
	// its stored state says.
	_, after, err := st.SyncSources(context.Background(), all)
	if err != nil {
		t.Fatal(err)
	}
	if got := after[0]; got.ConsecutiveErrors != 0 || !got.LastAttempt.IsZero() || got.LastError != "" {
		t.Errorf("a's stored state after its removed poll: %d errors, last attempt %v, %q", got.ConsecutiveErrors, got.LastAttempt, got.LastError)
	}
	if after[2].ConsecutiveErrors != 1 {
		t.Errorf("c's stored state: %d errors, want its 500 recorded", after[2].ConsecutiveErrors)
	}
}

// TestRemovedWhileBatchedIsNotSaved: a source taken out after its poll ended,
// while its outcome waited in the writer's batch, was still saved and reported.
func TestRemovedWhileBatchedIsNotSaved(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)}
	st, c := storeAndClassifier(t)
	f := &gateFetcher{stallFetcher: stallFetcher{clock: clk}, gate: "https://slow.example/a", started: make(chan struct{}), release: make(chan struct{})}
	p := aggregate.NewPoller(st, f, c, aggregate.PollerOptions{Concurrency: 2, Now: clk.Now})
	all := []aggregate.Source{{Name: "a", URL: "https://slow.example/a", Interval: time.Hour}, {Name: "b", URL: "https://b.example/feed", Interval: time.Hour}}
	srcs, states, done := startGatedRound(t, p, st, f, all)
	for { // b answered (its 500) and its outcome went to the writer's batch
		f.mu2.Lock()
		n := len(f.asked)
		f.mu2.Unlock()
		if n == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // well inside the batch's wait
	p.SetSources(srcs[:1], states[:1])
	close(f.release)
	reports := <-done
	for _, r := range reports {
		if r.Source.Name == "b" {
			t.Errorf("a source taken out of the config was reported: %+v", r)
		}
	}
	_, after, err := st.SyncSources(context.Background(), all)
	if err != nil {
		t.Fatal(err)
	}
	if after[1].ConsecutiveErrors != 0 || after[0].ConsecutiveErrors != 1 {
		t.Errorf("stored errors: a %d (want its 500), b %d (want none: taken out)", after[0].ConsecutiveErrors, after[1].ConsecutiveErrors)
	}
}
