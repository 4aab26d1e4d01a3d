package aggregate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/gleaner/gleaner/aggregate/fetch"
)

// Saver stores the outcome of polls; the store satisfies it.
type Saver interface {
	Save(ctx context.Context, batch []Fetched, g Grouper) ([]SaveStats, bool, error)
}

// Fetcher polls one URL and parses a body; *fetch.Client satisfies it.
type Fetcher interface {
	Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error)
	Parse(body []byte, contentType, baseURL string) (*gofeed.Feed, error)
}

// Observer is told what each poll and round did (metrics). It may be nil.
type Observer interface {
	ObserveFetch(source string, result string, d time.Duration)
	ObserveRound(r RoundStats)
}

// PollerOptions configure a Poller: its limits, its clock, and what it tells
// about each round.
type PollerOptions struct {
	Concurrency int           // polls in flight at once
	MaxBackoff  time.Duration // cap on error backoff
	MaxAge      time.Duration // items older than this when first seen are not published
	FirstSpread time.Duration // first polls of new sources are spread over this long
	// OnChange runs after a round that may have changed the curated feed, and
	// during a long one (a source that answers slowly holds the round to its
	// timeout) at most every RefreshEvery (default 10 s), so that what the
	// sources that answered brought is published meanwhile.
	OnChange     func(ctx context.Context)
	RefreshEvery time.Duration
	Observer     Observer
	Log          *slog.Logger
	Now          func() time.Time // for tests; time.Now by default
}

// Poller polls sources on their schedules, classifies what they yield and saves
// it. Schedules live in each source's FetchState and are saved with it, so a
// restart resumes them.
type Poller struct {
	store   Saver
	fetcher Fetcher
	opt     PollerOptions
	log     *slog.Logger

	classifier atomic.Value // Classifier
	grouper    atomic.Value // groupBox

	mu      sync.Mutex
	sources map[int64]*polled
	wake    chan struct{}
	rounds  atomic.Int64

	saveFail atomic.Pointer[SaveFailure] // nil while saves succeed
}

// SaveFailure is what the poller's last save failed with, and since when
// every save has: polls that fetch but cannot store (a locked, damaged or full
// database) keep the daemon alive and serving, but not ready.
type SaveFailure struct {
	Err   string
	Since time.Time
}

// SaveFailing returns the failure of the last save, nil if it succeeded.
func (p *Poller) SaveFailing() *SaveFailure { return p.saveFail.Load() }

type groupBox struct{ g Grouper }

// polled is the poller's view of one source.
type polled struct {
	src    Source
	state  FetchState
	active bool
	busy   bool
	minGap time.Duration // lower bound on the interval from the feed's <ttl> or Cache-Control
	// cancel stops the poll in flight, when the source is taken out of the
	// config during it (nil between polls).
	cancel context.CancelFunc
}

// MinBackoff is the least cap on the error backoff (PollerOptions.MaxBackoff).
const MinBackoff = time.Minute

// NewPoller returns a Poller; call SetSources before Run.
func NewPoller(s Saver, f Fetcher, c Classifier, opt PollerOptions) *Poller {
	if opt.Concurrency < 1 {
		opt.Concurrency = 1
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 12 * time.Hour
	}
	// The backoff starts at a minute: a shorter cap had a failing save, or a
	// source failing every poll, retried at once, round after round.
	opt.MaxBackoff = max(opt.MaxBackoff, MinBackoff)
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	p := &Poller{store: s, fetcher: f, opt: opt, log: opt.Log, sources: map[int64]*polled{}, wake: make(chan struct{}, 1)}
	p.classifier.Store(c)
	p.grouper.Store(groupBox{})
	return p
}

// Classifier returns the topic classifier in use.
func (p *Poller) Classifier() Classifier { return p.classifier.Load().(Classifier) }

// SetClassifier replaces the topic classifier for later polls.
func (p *Poller) SetClassifier(c Classifier) { p.classifier.Store(c) }

// SetGrouper sets the near-duplicate grouper (nil: only identical URLs group).
func (p *Poller) SetGrouper(g Grouper) { p.grouper.Store(groupBox{g}) }

// SetSources replaces the polled sources: src with ids and states as the store
// returned them. Sources not listed stop being polled; new ones (never polled)
// get a first poll spread over FirstSpread so that a start does not hit every
// site at once.
func (p *Poller) SetSources(src []Source, states []FetchState) {
	now := p.opt.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	clockSet, clockAhead := 0, time.Duration(0)
	wasActive := make(map[int64]bool, len(p.sources))
	for id, ps := range p.sources {
		wasActive[id] = ps.active
		ps.active = false
	}
	for i, s := range src {
		ps, ok := p.sources[s.ID]
		switch {
		case !ok:
			ps = &polled{state: states[i]}
			p.sources[s.ID] = ps
		case !wasActive[s.ID] && !ps.busy:
			// Taken out of the config and put back: the store's state, which
			// SyncSources reset (a gone source is polled again), not the one it
			// had when it was taken out.
			ps.state = states[i]
		}
		if ok && wasActive[s.ID] && !ps.busy {
			ps.state = rescheduled(ps.state, ps.src, s, now)
		}
		ps.src, ps.active = s, true
		if ps.state.NextFetch.IsZero() && ps.state.LastAttempt.IsZero() && !ps.busy {
			ps.state.NextFetch = now.Add(time.Duration(rand.Float64() * float64(p.opt.FirstSpread)))
		}
		// Last attempted later than now: the schedule was made by a clock that
		// ran fast and has been set back since, and its waits (a minute's
		// interval kept for hours) are counted from a time still to come. They
		// are moved back by as much, so that the source waits what it still
		// owes from its last poll, a host's Retry-After included.
		if ahead := ps.state.LastAttempt.Sub(now); ahead > clockSlack && !ps.busy && !ps.state.Gone {
			clockAhead = max(clockAhead, ahead)
			clockSet++
			st := &ps.state
			st.LastAttempt = st.LastAttempt.Add(-ahead)
			for _, t := range []*time.Time{&st.NextFetch, &st.HoldUntil, &st.LastSuccess} {
				if !t.IsZero() && t.After(now) {
					*t = t.Add(-ahead)
				}
			}
		}
		// A poll stored further ahead than any wait gleaner sets (a clock that
		// ran fast, then was set right) would leave the source unpolled for
		// as long, without a word: it is due at the longest wait from now.
		if limit := now.Add(p.longestWait(s)); ps.state.NextFetch.After(limit) && !ps.busy {
			ps.state.NextFetch = limit
		}
	}
	// A source taken out while it is polled (a slow host's queue can hold a
	// removed source for minutes) is not fetched or saved after all.
	for _, ps := range p.sources {
		if !ps.active && ps.cancel != nil {
			ps.cancel()
		}
	}
	if clockSet > 0 {
		p.log.Warn("sources last polled later than now: the clock was set back; their schedule is moved back as far", "sources", clockSet,
			"furthest_ahead", clockAhead.Round(time.Second).String())
	}
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// rescheduled is st after the config changed a polled source from was to now:
//   - its URL re-spelt (the same source to gleaner, another address to the
//     server): the old address's validators and redirect are dropped, and a
//     source that failed there, or was gone, is polled again at once (a fixed
//     typo waited out the old address's backoff, up to max_backoff);
//   - its interval shortened: due at most the new interval after its last poll
//     (the old, longer wait stood until then).
//
// A host's Retry-After hold stands either way.
func rescheduled(st FetchState, was, now Source, at time.Time) FetchState {
	if st.HoldUntil.After(at) {
		return st
	}
	if was.URL != now.URL {
		st.ETag, st.LastModified, st.CurrentURL = "", "", ""
		if st.ConsecutiveErrors > 0 || st.Gone {
			st.Gone, st.NextFetch = false, at
		}
	}
	if now.Interval < was.Interval && st.ConsecutiveErrors == 0 && !st.Gone && !st.LastAttempt.IsZero() {
		if due := st.LastAttempt.Add(now.Interval); due.Before(st.NextFetch) {
			st.NextFetch = due
			if due.Before(at) {
				st.NextFetch = at
			}
		}
	}
	return st
}

// clockSlack is how far in the future a source's last attempt may be before
// gleaner takes the clock to have been set back: clocks of machines that share
// a database disagree by seconds.
const clockSlack = time.Minute

// longestWait is the longest gleaner waits between two polls of src: its
// interval, the backoff's cap, or a day (the longest Retry-After it honours).
func (p *Poller) longestWait(src Source) time.Duration {
	return max(src.Interval, p.opt.MaxBackoff, 24*time.Hour)
}

// Schedule returns when each active source is next due, by source id.
func (p *Poller) Schedule() map[int64]time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[int64]time.Time, len(p.sources))
	for id, ps := range p.sources {
		if ps.active && !ps.state.Gone {
			out[id] = ps.state.NextFetch
		}
	}
	return out
}

// Rounds is the number of poll rounds finished.
func (p *Poller) Rounds() int64 { return p.rounds.Load() }

// Run polls due sources until ctx ends. In-flight polls and saves finish (or see
// ctx cancelled) before it returns.
func (p *Poller) Run(ctx context.Context) error {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	// A host that asked to be left alone before a restart is left alone for
	// the rest of that time: its other feeds may be due before.
	p.holdAskedHosts(p.opt.Now())
	for {
		if ctx.Err() != nil {
			return nil // no new round once shutdown began (the select picks at random)
		}
		if due := p.due(p.opt.Now(), false); len(due) > 0 {
			p.round(ctx, due)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-p.wake:
		}
	}
}

// PollAll polls every active source once now, whatever its schedule, and
// returns what each poll did, in source order.
func (p *Poller) PollAll(ctx context.Context) []Report {
	now := p.opt.Now()
	p.holdAskedHosts(now)
	due := p.due(now, true)
	return p.round(ctx, due)
}

// notSent is err's *fetch.Error when the request was held back for its host
// (fetch.Error.NotSent), else nil.
func notSent(err error) *fetch.Error {
	var fe *fetch.Error
	if errors.As(err, &fe) && fe.NotSent {
		return fe
	}
	return nil
}

// hostHolder is a Fetcher that can be told that a host asked to be left alone
// (fetch.Client.Hold).
type hostHolder interface {
	Hold(target string, until time.Time)
}

// holdAskedHosts tells the fetcher which hosts asked to be left alone until a
// time still to come: those of sources whose last answer was a 429 or 503 with
// Retry-After (FetchState.HoldUntil; a request held back is no answer and
// keeps it), until the time it named. A round of every source
// (gleaner fetch from cron, a new process each time) would otherwise ask them
// again at once, and a restarted daemon the host's other feeds when due.
func (p *Poller) holdAskedHosts(now time.Time) {
	h, ok := p.fetcher.(hostHolder)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, ps := range p.sources {
		if ps.active && ps.state.HoldUntil.After(now) {
			h.Hold(pollTarget(ps.src, ps.state), ps.state.HoldUntil)
		}
	}
}

// due marks and returns the sources to poll now.
func (p *Poller) due(now time.Time, all bool) []*polled {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*polled
	for _, ps := range p.sources {
		if !ps.active || ps.busy || ps.state.Gone {
			continue
		}
		if all || !ps.state.NextFetch.After(now) {
			ps.busy = true
			out = append(out, ps)
		}
	}
	sortByRank(out)
	return interleaveHosts(out)
}

// Report is what one poll of one source did.
type Report struct {
	Source      Source
	Status      int
	NotModified bool
	Seen        int
	New         int
	Kept        int
	Held        bool // not sent: its host asked to be left alone (Err says until when); no error of the feed
	Mates       int  // of Kept, story mates
	Old         int  // of Kept, older than max_age when first seen: stored, not published
	Pulled      int  // near reports saved earlier that this poll's save pulled into stories as mates
	Merged      int  // stories this poll's save merged into another story of their event
	Err         error
	Kind        string // the error's kind (fetch.Kind, "save"), "" without one
}

// RoundStats summarises a round of polls.
type RoundStats struct {
	Sources, OK, NotModified, Errors int
	Held                             int // requests held back for their hosts (not counted in Errors)
	Seen, New, Kept                  int
	Mates                            int // of Kept, story mates
	Old                              int // of Kept, too old to publish (max_age)
	Pulled                           int // near reports saved in earlier rounds, pulled into stories as mates
	Merged                           int // stories merged into another story of their event
	SaveErrors                       int // polls answered whose results could not be saved (of Errors)
	Duration                         time.Duration
	Finished                         time.Time
}

// outcome travels from a worker to the writer.
type outcome struct {
	ps      *polled
	fetched Fetched
	report  Report
	minGap  time.Duration
	// cancelled: cut short by shutdown, the poll records nothing, so it is
	// not saved (a save waits up to the busy timeout on a locked database,
	// and a stop must not wait for saves of nothing).
	cancelled bool
	// removed: the source was taken out of the config before or during its
	// poll: nothing is saved or reported.
	removed bool
}

// round polls the given sources with at most Concurrency in flight, and saves
// their outcomes in batches through one writer.
func (p *Poller) round(ctx context.Context, due []*polled) []Report {
	start := time.Now()
	jobs := make(chan *polled)
	// The writer is a round's bottleneck: room for about a batch of outcomes
	// lets the workers parse the next batch while it saves one, rather than
	// stop after Concurrency.
	results := make(chan outcome, 4*p.opt.Concurrency)
	var wg sync.WaitGroup
	for range min(p.opt.Concurrency, len(due)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ps := range jobs {
				results <- p.poll(ctx, ps)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, ps := range due {
			select {
			case jobs <- ps:
			case <-ctx.Done():
				// Not polled: release them for the next run.
				p.mu.Lock()
				ps.busy = false
				p.mu.Unlock()
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	reports := p.write(ctx, results)
	rs := RoundStats{Sources: len(reports), Duration: time.Since(start), Finished: p.opt.Now()}
	var out Outcomes
	cancelled := 0
	for _, r := range reports {
		if r.Kind == string(fetch.KindCanceled) {
			cancelled++
		}
		kind := r.Kind
		if r.Held {
			kind = "held" // not asked: its host asked to wait, or another of its feeds timed out
		}
		out.Add(r.Err == nil, kind)
		switch {
		case r.Held:
			rs.Held++
		case r.Err != nil:
			rs.Errors++
			if r.Kind == "save" {
				rs.SaveErrors++
			}
		case r.NotModified:
			rs.NotModified++
		default:
			rs.OK++
		}
		rs.Seen += r.Seen
		rs.New += r.New
		rs.Kept += r.Kept
		rs.Mates += r.Mates
		rs.Old += r.Old
		rs.Pulled += r.Pulled
		rs.Merged += r.Merged
	}
	first := p.rounds.Add(1) == 1
	sortReports(reports)
	if len(reports) > 0 {
		// One line a round, whatever failed: each failure's own line is at
		// debug level, and the sources' states are on /status. A round that
		// brought nothing (every source unchanged or without new items, none
		// failed), after the process's first, is at debug level too: sources
		// fall due apart, and a quiet day of such rounds was a line every few
		// seconds with nothing to say.
		level, attrs := slog.LevelInfo, []any{"summary", out.String()}
		if !first && rs.Errors == 0 && rs.Held == 0 && rs.New == 0 && rs.Pulled == 0 && rs.Merged == 0 {
			level = slog.LevelDebug
		}
		if rs.Errors > cancelled {
			// (A round cut short by shutdown failed no source: it is told at info.)
			level, attrs = slog.LevelWarn, append(attrs, "failed", failedSources(reports))
		}
		p.log.Log(context.WithoutCancel(ctx), level, "poll round", append(attrs, "sources", rs.Sources, "ok", rs.OK,
			"not_modified", rs.NotModified, "errors", rs.Errors, "held", rs.Held, "items_seen", rs.Seen, "items_new", rs.New,
			"items_kept", rs.Kept, "items_too_old", rs.Old, "story_mates", rs.Mates, "mates_pulled", rs.Pulled, "stories_merged", rs.Merged, "duration", rs.Duration.Round(time.Millisecond))...)
	}
	if p.opt.Observer != nil {
		p.opt.Observer.ObserveRound(rs)
	}
	return reports
}

// failedNamed bounds the sources a round's log line names.
const failedNamed = 5

// failedSources names the sources that failed, with their errors' kinds:
// "전자신문 (dns), GovTech (timeout) and 9 more".
func failedSources(reports []Report) string {
	var names []string
	n := 0
	for _, r := range reports {
		if r.Err == nil || r.Held {
			continue // a source held back for its host did not fail
		}
		if n++; n <= failedNamed {
			names = append(names, r.Source.Name+" ("+r.Kind+")")
		}
	}
	s := strings.Join(names, ", ")
	if n > failedNamed {
		s += fmt.Sprintf(" and %d more", n-failedNamed)
	}
	return s
}

// defaultRefreshEvery is PollerOptions.RefreshEvery's default.
const defaultRefreshEvery = 10 * time.Second

// Batches are saved when this many items are pending, or after batchDelay.
const (
	batchItems = 2000
	batchDelay = 250 * time.Millisecond
)

// write is the single writer of a round: it saves outcomes in batches, one
// transaction per batch, and applies each saved state to the in-memory schedule.
func (p *Poller) write(ctx context.Context, results <-chan outcome) []Report {
	var reports []Report
	var pending []outcome
	items := 0
	changed := false
	timer := time.NewTimer(batchDelay)
	timer.Stop()
	// A change saved during the round is published RefreshEvery after the
	// round started or was last published, if the round lasts that long.
	every := cmp.Or(p.opt.RefreshEvery, defaultRefreshEvery)
	published, armed := time.Now(), false
	refresh := time.NewTimer(every)
	refresh.Stop()
	flush := func() {
		// A source taken out while its outcome waited for the batch is not saved either.
		p.mu.Lock()
		pending = slices.DeleteFunc(pending, func(o outcome) bool {
			if !o.ps.active {
				o.ps.busy = false
			}
			return !o.ps.active
		})
		p.mu.Unlock()
		if len(pending) == 0 {
			return
		}
		reports = append(reports, p.save(ctx, pending, &changed)...)
		pending, items = pending[:0], 0
		if changed && !armed && p.opt.OnChange != nil {
			refresh.Reset(max(every-time.Since(published), 0))
			armed = true
		}
	}
	defer refresh.Stop()
	for {
		select {
		case <-refresh.C:
			armed = false
			if changed {
				p.opt.OnChange(ctx)
				changed, published = false, time.Now()
			}
		case o, ok := <-results:
			if !ok {
				flush()
				if changed && p.opt.OnChange != nil {
					p.opt.OnChange(ctx)
				}
				return reports
			}
			if o.cancelled || o.removed {
				p.mu.Lock()
				o.ps.busy = false
				p.mu.Unlock()
				if !o.removed { // taken out of the config: nothing of it is reported
					reports = append(reports, o.report)
				}
				continue
			}
			// Taken out after its poll: flush drops it.
			if len(pending) == 0 {
				timer.Reset(batchDelay)
			}
			pending = append(pending, o)
			items += len(o.fetched.Items)
			if items >= batchItems {
				timer.Stop()
				flush()
			}
		case <-timer.C:
			flush()
		}
	}
}

// save writes one batch. If the transaction fails, no state in it is kept: the
// sources keep their old validators (so the next poll fetches the items again)
// and are retried after a backoff.
func (p *Poller) save(ctx context.Context, batch []outcome, changed *bool) []Report {
	fs := make([]Fetched, len(batch))
	for i, o := range batch {
		fs[i] = o.fetched
	}
	g := p.grouper.Load().(groupBox).g
	stats, ch, err := p.store.Save(context.WithoutCancel(ctx), fs, g)
	if me := (*MergeError)(nil); errors.As(err, &me) {
		// The save was committed; only merging stories failed, and the next save
		// that touches them tries again.
		p.log.Warn("save: merging stories failed", "error", me.Err)
		err = nil
	}
	if ch {
		*changed = true
	}
	now := p.opt.Now()
	reports := make([]Report, len(batch))
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, o := range batch {
		r := o.report
		if err != nil {
			if r.Err == nil {
				r.Err, r.Kind = fmt.Errorf("save: %w", err), "save"
			}
			st := o.ps.state
			st.LastAttempt = now
			st.ConsecutiveErrors++
			st.LastError, st.ErrorKind = r.Err.Error(), "save"
			st.NextFetch = now.Add(fetch.Backoff(st.ConsecutiveErrors, time.Minute, p.opt.MaxBackoff, rand.Float64))
			o.ps.state = st
		} else {
			r.New, r.Kept, r.Mates, r.Old, r.Pulled, r.Merged = stats[i].New, stats[i].Kept, stats[i].Mates, stats[i].Old, stats[i].Pulled, stats[i].Merged
			o.ps.state = o.fetched.State
			if iv := o.report.Source.Interval; max(o.minGap, iv) != max(o.ps.minGap, iv) {
				// A feed's own hint that lengthens its polls is said, as it comes and goes:
				// without a word, a source with a day's max-age looked polled every 15m.
				if o.minGap > iv {
					p.log.Info("the feed asks to be polled less often than its interval: polled at its pace (Cache-Control max-age or <ttl>, at most max_backoff)",
						"source", o.report.Source.Name, "every", o.minGap.String(), "interval", iv.String())
				} else {
					p.log.Info("the feed no longer asks to be polled less often: polled at its interval", "source", o.report.Source.Name, "interval", iv.String())
				}
			}
			o.ps.minGap = o.minGap
		}
		o.ps.busy = false
		reports[i] = r
	}
	if err != nil {
		p.log.Error("save poll results: their sources keep their old validators and are polled again after a backoff",
			"sources", len(batch), "error", err)
		since := now
		if f := p.saveFail.Load(); f != nil {
			since = f.Since
		}
		p.saveFail.Store(&SaveFailure{Err: err.Error(), Since: since})
	} else {
		p.saveFail.Store(nil)
	}
	return reports
}

// poll fetches one source and ingests what it sent (ingest.go). It never
// fails: errors become the source's state and its report.
func (p *Poller) poll(ctx context.Context, ps *polled) outcome {
	p.mu.Lock()
	if !ps.active {
		p.mu.Unlock()
		return outcome{ps: ps, removed: true}
	}
	src, st, minGap := ps.src, ps.state, ps.minGap
	pctx, cancel := context.WithCancel(ctx)
	ps.cancel = cancel
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		ps.cancel = nil
		p.mu.Unlock()
		cancel()
	}()
	now := p.opt.Now()
	st.SourceID = src.ID
	before := st
	st.LastAttempt = now
	target := pollTarget(src, st)
	o := outcome{ps: ps, minGap: minGap, report: Report{Source: src}}
	begin := time.Now()
	resp, err := p.fetcher.Fetch(pctx, fetch.Request{URL: target, ETag: st.ETag, LastModified: st.LastModified})
	if pctx.Err() != nil && ctx.Err() == nil {
		// Taken out of the config meanwhile (and maybe put back): this poll
		// records nothing; a source put back is polled as its state says.
		if resp != nil {
			resp.Release()
		}
		return outcome{ps: ps, removed: true}
	}
	// The next poll is timed from when this one ended: a fetch may first wait
	// for its host's turn (per_host), and timed from before that wait, a retry
	// fell due at once, the host getting request after request.
	done := p.opt.Now()
	if resp != nil {
		st.Status = resp.Status
		o.report.Status = resp.Status
	}
	// A server's max-age is a lower bound on the interval, but not one that can
	// stop polling for a year; and only the feed's own answers set it. An error
	// page's (a CDN caching a 503 for a day) says nothing of the feed, and a feed
	// that stops sending one is polled at its interval again. A 304 without one
	// keeps the hint of the document it confirms.
	switch {
	case err != nil:
	case resp.NotModified:
		if resp.MaxAge > 0 {
			o.minGap = min(resp.MaxAge, p.opt.MaxBackoff)
		}
	default:
		o.minGap = min(resp.MaxAge, p.opt.MaxBackoff) // 0 without one; ingest adds the feed's <ttl>
	}
	var items []Item
	if err == nil && !resp.NotModified {
		items, err = p.ingest(resp, src, &st, now, &o.minGap)
		resp.Release() // the items hold copies; the buffer serves the next fetch
	}
	// A permanent redirect is followed from now on only once the new address has
	// answered with a feed: a 301 to a home page must not replace the feed URL.
	if err == nil && resp.PermanentURL != "" && resp.PermanentURL != target {
		st.CurrentURL = resp.PermanentURL
	}
	result := "ok"
	held := notSent(err)
	switch {
	case err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled):
		// Shutdown, not the source's fault: nothing is recorded, and the
		// source, still due, is polled first after the restart.
		st, items = before, nil
		result = "error_" + string(fetch.KindCanceled)
		o.report.Err, o.report.Kind = err, string(fetch.KindCanceled)
		o.cancelled = true
	case held != nil:
		// Held back for the host (another feed of it got a 429 or 503 with
		// Retry-After): not an attempt, nor this feed's error. It is due again
		// when the hold ends, with its state as it was: a held poll neither
		// grows its backoff nor, from cron, renews the hold.
		st, items = before, nil
		st.NextFetch = done.Add(held.RetryAfter)
		result = "held" // not asked: no error of this feed's (nor of the error-rate alert's)
		o.report.Err, o.report.Kind, o.report.Held = err, string(held.Kind), true
	case err != nil:
		result = p.failed(&st, src, err, done)
		o.report.Err, o.report.Kind = err, st.ErrorKind
	default:
		if resp.NotModified {
			result = "not_modified"
			o.report.NotModified = true
		} else {
			st.ETag, st.LastModified = resp.ETag, resp.LastModified
		}
		st.LastSuccess = now
		st.ConsecutiveErrors = 0
		st.LastError, st.ErrorKind = "", ""
		st.HoldUntil = time.Time{}
		gap := max(src.Interval, o.minGap)
		// A little jitter keeps sources that started together from staying in step.
		st.NextFetch = done.Add(gap + time.Duration(rand.Float64()*0.05*float64(gap)))
	}
	if p.opt.Observer != nil {
		p.opt.Observer.ObserveFetch(src.Name, result, time.Since(begin))
	}
	o.report.Seen = len(items)
	o.fetched = Fetched{State: st, Items: items}
	return o
}

// failed records a failed poll in st and schedules the next one: 410 stops
// polling; 429 and 503 wait at least Retry-After; others back off exponentially.
func (p *Poller) failed(st *FetchState, src Source, err error, now time.Time) string {
	st.ConsecutiveErrors++
	st.LastError = err.Error()
	st.HoldUntil = time.Time{} // an answer: set again below if it asks for a hold
	kind := "other"
	var fe *fetch.Error
	// Capped at the interval at least: with max_backoff below it, a failing
	// source was polled more often than a healthy one.
	wait := fetch.Backoff(st.ConsecutiveErrors, src.Interval, max(p.opt.MaxBackoff, src.Interval), rand.Float64)
	if errors.As(err, &fe) {
		kind = string(fe.Kind)
		if fe.Kind == fetch.KindGone {
			st.Gone, st.ErrorKind = true, kind
			st.NextFetch = time.Time{}
			p.log.Debug("source gone: polling stopped", "source", src.Name, "url", src.URL, "status", fe.Status)
			return kind
		}
		if fe.RetryAfter > wait {
			wait = fe.RetryAfter
		}
		if fe.RetryAfter > 0 && (fe.Kind == fetch.KindRateLimited || fe.Kind == fetch.KindUnavailable) {
			st.HoldUntil = now.Add(fe.RetryAfter)
		}
	}
	p.log.Debug("poll failed", "source", src.Name, "url", src.URL, "kind", kind, "consecutive_errors", st.ConsecutiveErrors,
		"next_fetch", now.Add(wait).Format(time.RFC3339), "error", err)
	st.NextFetch = now.Add(wait)
	st.ErrorKind = kind
	return "error_" + kind
}
