package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/gleaner/gleaner/store"
)

// retention applies [store] retention soon after start and then on a
// schedule, through the store's single writer, in batches: polls keep saving
// and the feed keeps being served while it runs.
type retention struct {
	a            *App
	m            *metrics
	now          func() time.Time // what "older than keep_*" is measured from
	first, every time.Duration
}

// run applies retention until ctx ends.
func (r retention) run(ctx context.Context) {
	timer := time.NewTimer(r.first)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if r.once(ctx) {
			return
		}
		timer.Reset(r.every)
	}
}

// once applies retention once; it reports whether ctx ended meanwhile.
func (r retention) once(ctx context.Context) (stopped bool) {
	cfg := r.a.Config()
	log := r.a.Log
	begin := time.Now()
	st, err := r.a.Store.Retain(ctx, r.now(), store.Retention{
		KeepUnmatched: cfg.Store.KeepUnmatched.D(),
		KeepMatched:   cfg.Store.KeepMatched.D(),
	})
	r.m.retention(st, err)
	switch {
	case err != nil && ctx.Err() != nil:
		return true
	case err != nil:
		log.Error("retention", "deleted", st.Deleted, "error", err)
	default:
		// An hour that deleted nothing is no news: at debug level, or it was
		// 24 lines a day for as long as gleaner runs.
		level := slog.LevelInfo
		if st.Deleted == 0 && st.TombstonesPruned == 0 && st.FreedPages == 0 {
			level = slog.LevelDebug
		}
		log.Log(ctx, level, "retention", "deleted", st.Deleted, "deleted_matched", st.DeletedMatched, "stories", st.Stories,
			"tombstones_pruned", st.TombstonesPruned, "freed_pages", st.FreedPages, "duration", time.Since(begin).Round(time.Millisecond))
	}
	if st.Stories > 0 {
		r.a.Refresh(ctx)
	}
	return false
}
