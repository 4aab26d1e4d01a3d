package app

import (
	"context"
	"time"
)

// followEvery is how often the daemon checks whether another process (gleaner
// label, reclassify or fetch run beside it) changed the database.
const followEvery = 2 * time.Second

// follow makes the daemon follow what other processes write to its database
// until ctx ends: each time the store's data version moved, the story index is
// rebuilt from the store (items another process took into or out of stories)
// and the curated feed is refreshed, so that a curator's label shows within
// seconds without a restart.
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
		select {
		case <-ctx.Done():
			return
		case <-t.C:
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
