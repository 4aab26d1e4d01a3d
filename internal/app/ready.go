package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// readiness answers /readyz: 200 when the database answers, a config is
// loaded and a poll round has finished, else 503 with the reasons.
type readiness struct {
	a *App
	// polledBefore: the database was polled before this start, so a restart
	// serves a feed at once, without waiting for sources whose next poll is
	// hours away.
	polledBefore bool
}

func newReadiness(ctx context.Context, a *App) *readiness {
	r := &readiness{a: a}
	if status, err := a.Store.SourceStatus(ctx); err == nil {
		for _, s := range status {
			if !s.State.LastSuccess.IsZero() {
				r.polledBefore = true
				break
			}
		}
	}
	return r
}

func (r *readiness) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	var why []string
	ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
	defer cancel()
	if err := r.a.Store.Ping(ctx); err != nil {
		why = append(why, "database not reachable: "+err.Error())
	}
	if r.a.Config() == nil {
		why = append(why, "no config loaded")
	}
	if r.a.Poller.Rounds() == 0 && !r.polledBefore {
		why = append(why, "no poll round finished yet")
	}
	if len(why) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready: "+strings.Join(why, "; "))
		return
	}
	fmt.Fprintln(w, "ready")
}
