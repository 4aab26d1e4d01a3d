package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/store"
)

// readiness answers /readyz: 200 when the database answers and passed its
// check at start, a config is loaded, a source has answered at least once
// (in this run or before it), and the curated feed can be served; else 503
// with the reasons.
type readiness struct {
	a *App
	// answered: a source has answered once. Set for good once seen, so that
	// a restart of a database polled before serves its feed at once, without
	// waiting for sources whose next poll is hours away.
	answered atomic.Bool
	// damaged is what the check at start found wrong with the database file,
	// nil while it runs and when it found nothing.
	damaged atomic.Pointer[string]

	path       string                                  // the database's, for the log
	quickCheck func(context.Context) ([]string, error) // Store.QuickCheck
	retryEvery time.Duration                           // after a check that could not run
}

// checkAttempts bounds the tries of the check at start that could not run.
const checkAttempts = 5

func newReadiness(a *App) *readiness {
	return &readiness{a: a, path: a.Store.Path(), quickCheck: a.Store.QuickCheck, retryEvery: 30 * time.Second}
}

// notAnswered says why no source has answered yet ("" once one has): the
// first poll is under way, or how the polls failed.
func (r *readiness) notAnswered(ctx context.Context) string {
	if r.answered.Load() {
		return ""
	}
	status, err := r.a.Store.SourceStatus(ctx)
	if err != nil {
		return "source states unreadable: " + err.Error()
	}
	for _, s := range status {
		if !s.State.LastSuccess.IsZero() {
			r.answered.Store(true)
			return ""
		}
	}
	out := aggregate.StatusOutcomes(status)
	if out.NumFailed() == 0 {
		return "no source has answered yet: the first poll is under way"
	}
	return "no source has answered yet: " + out.String()
}

// checkDatabase runs SQLite's quick_check once, in the background of a start:
// it reads the whole file, which a damaged page (a disk fault, a copy taken
// mid-write) may otherwise hide until the query that reads it. The outcome is
// logged; damage keeps /readyz at 503 until a restart on a sound file.
func (r *readiness) checkDatabase(ctx context.Context, log *slog.Logger) {
	for attempt := 1; ; attempt++ {
		start := time.Now()
		problems, err := r.quickCheck(ctx)
		took := time.Since(start).Round(time.Millisecond)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !store.IsDamage(err):
			// Not the file's fault: the check is tried again, the daemon ready meanwhile.
			if attempt == checkAttempts {
				log.Warn("database check could not run; given up", "database", r.path, "attempts", attempt, "error", err)
				return
			}
			log.Warn("database check could not run; trying again", "database", r.path, "in", r.retryEvery, "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(r.retryEvery):
			}
			continue
		case err != nil:
			problems = []string{err.Error()}
		case len(problems) == 0:
			log.Info("database check: ok", "database", r.path, "duration", took)
			return
		}
		msg := strings.Join(problems, "; ")
		r.damaged.Store(&msg)
		log.Error("database check: damaged", "database", r.path, "problems", problems, "duration", took,
			"hint", "stop gleaner and restore the file from a backup, or recover it with the sqlite3 shell's .recover")
		return
	}
}

// health is the daemon's own state, which /readyz and the status pages both
// report, each in its own words.
type health struct {
	unreachable error                  // Store.Ping's
	damaged     *string                // what the check at start found, nil if nothing
	saving      *aggregate.SaveFailure // the failing saves, nil while they work
}

func (r *readiness) health(ctx context.Context) health {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	// Ping reads; a locked, damaged or full file fails the writes only (saving).
	return health{unreachable: r.a.Store.Ping(ctx), damaged: r.damaged.Load(), saving: r.a.Poller.SaveFailing()}
}

// problems is what the public status pages say of the daemon's own problems
// (publish.Handler.SetProblems): the database unreachable or damaged, its
// saves failing. In plain words and times; the errors' texts stay with
// /readyz and the log.
func (r *readiness) problems(ctx context.Context) []string {
	var out []string
	h := r.health(ctx)
	if h.unreachable != nil {
		out = append(out, "The database file cannot be reached (deleted, replaced or unreadable under the running daemon): "+
			"nothing is saved until it is back or the daemon restarts. The log and /readyz say why.")
	}
	if h.damaged != nil {
		out = append(out, "The database check at start found damage in the file. The log and /readyz say what.")
	}
	if h.saving != nil {
		out = append(out, fmt.Sprintf("Saving poll results has failed since %s: the states below are as last saved, "+
			"and new items wait for the next save. The log and /readyz say why.", h.saving.Since.UTC().Format(time.RFC3339)))
	}
	if an := r.a.announce.Load(); an != nil {
		out = append(out, an.problems()...)
	}
	return out
}

func (r *readiness) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	var why []string
	ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
	defer cancel()
	h := r.health(ctx)
	if h.unreachable != nil {
		why = append(why, "database not reachable: "+h.unreachable.Error())
	}
	if h.damaged != nil {
		why = append(why, "database damaged: "+*h.damaged)
	}
	if h.saving != nil {
		why = append(why, fmt.Sprintf("saving poll results fails since %s: %s", h.saving.Since.UTC().Format(time.RFC3339), h.saving.Err))
	}
	if r.a.Config() == nil {
		why = append(why, "no config loaded")
	}
	if s := r.notAnswered(ctx); s != "" {
		why = append(why, s)
	}
	if err := r.a.Publish.Ready(); err != nil {
		why = append(why, "curated feed unavailable: "+err.Error())
	}
	if len(why) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready: "+strings.Join(why, "; "))
		return
	}
	fmt.Fprintln(w, "ready")
}
