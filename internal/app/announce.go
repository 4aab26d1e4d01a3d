package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/gleaner/gleaner/publish"
)

// announcer tells the outside world that the curated feed changed: it writes the
// static export ([publish] export_dir) and pings the WebSub hub ([publish] hub).
// The hub is pinged from its own goroutine, so a slow or failing hub never holds
// up polling; several changes while a ping runs coalesce into one more ping.
type announcer struct {
	handler   *publish.Handler
	exportDir string
	notifier  *publish.Notifier // nil without a hub
	log       *slog.Logger

	kick chan struct{}
	stop chan struct{}
	wg   sync.WaitGroup
}

func newAnnouncer(h *publish.Handler, exportDir string, hub *publish.Notifier, log *slog.Logger) *announcer {
	a := &announcer{handler: h, exportDir: exportDir, notifier: hub, log: log,
		kick: make(chan struct{}, 1), stop: make(chan struct{})}
	if hub != nil {
		a.wg.Add(1)
		go a.pingLoop()
	}
	return a
}

// changed runs after a refresh that changed the curated feed.
func (a *announcer) changed(ctx context.Context) {
	if a.exportDir != "" {
		if err := a.handler.Export(ctx, a.exportDir); err != nil {
			a.log.Error("export curated feed", "dir", a.exportDir, "error", err)
		}
	}
	if a.notifier != nil {
		select {
		case a.kick <- struct{}{}:
		default: // a ping is already pending
		}
	}
}

func (a *announcer) pingLoop() {
	defer a.wg.Done()
	ping := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := a.notifier.Notify(ctx); err != nil {
			a.log.Warn("websub hub not notified", "error", err)
		}
	}
	for {
		select {
		case <-a.kick:
			ping()
		case <-a.stop:
			// A change announced just before stopping (as by `gleaner fetch`) is
			// still pinged.
			select {
			case <-a.kick:
				ping()
			default:
			}
			return
		}
	}
}

// close stops the ping loop after any pending ping.
func (a *announcer) close() {
	close(a.stop)
	a.wg.Wait()
}
