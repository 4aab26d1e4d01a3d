package app

import (
	"context"
	"log/slog"
	"time"
)

// followEvery is how often the daemon checks whether another process (gleaner
// label, reclassify or fetch run beside it) changed the database.
const followEvery = 2 * time.Second

// follow makes the daemon follow what other processes write to its database
// until ctx ends, and brings the search index up to date with what its own
// polls saved (store.IndexSearch) at the same pace: each time the store's data version moved, the story index is
// rebuilt from the store (items another process took into or out of stories)
// and the curated feed is refreshed, so that a curator's label shows within
// seconds without a restart. A refresh that failed is tried again at the same pace.
func (d *Daemon) follow(ctx context.Context) {
	log := d.Log
	last, err := d.Store.DataVersion(ctx)
	if err != nil {
		log.Warn("changes other processes make to the database will not be followed", "error", err)
		return
	}
	t := time.NewTicker(d.o.FollowEvery)
	defer t.Stop()
	for {
		d.indexSearch(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if d.Publish.Ready() != nil {
			// The last refresh failed (a timeout, a locked database): the feed is
			// served as last rendered and /readyz says so until one succeeds. On
			// quiet sources the next one could be hours away: try again now.
			d.Refresh(ctx)
		}
		v, err := d.Store.DataVersion(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("check the database for changes by other processes", "error", err)
			}
			continue
		}
		if v == last {
			continue
		}
		last = v
		log.Info("database changed by another process: refreshing the curated feed")
		d.setStories(d.Config())
		d.Refresh(ctx)
	}
}

// indexSearch applies what saves left queued for the search index.
func (d *Daemon) indexSearch(ctx context.Context) {
	n, err := d.Store.IndexSearch(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		level := slog.LevelWarn
		if d.searchFailing {
			level = slog.LevelDebug
		}
		d.Log.Log(ctx, level, "search index not brought up to date (retried every few seconds; said again when it is)", "error", err)
		d.searchFailing = true
		return
	case err == nil && d.searchFailing:
		d.searchFailing = false
		d.Log.Info("search index up to date again", "changes", n)
	}
	if n > 0 {
		d.Log.Debug("search index brought up to date", "changes", n)
		// Search results rendered before it are stale now.
		d.Publish.SearchChanged()
	}
}
