package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
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
	// holdExport, while set, leaves the export to whoever set it: PollOnce
	// writes it once after all its polls, and says itself when that fails.
	holdExport atomic.Bool

	// exportFailing and hubFailing are when the export, or the hub's ping,
	// started failing (nil while the last one worked): /status says so.
	exportFailing, hubFailing atomic.Pointer[time.Time]

	kick chan struct{}
	stop chan struct{}
	wg   sync.WaitGroup
	// ctx ends a ping still under way when close has waited closeWait for it.
	ctx    context.Context
	cancel context.CancelFunc
}

// closeWait is how long close waits for a hub ping under way (or one announced
// just before, as by gleaner fetch) before abandoning it: a hub that does not
// answer must not hold up a shutdown (systemd's stop timeout is 30 s) or a
// one-shot command for the ping's two minutes.
var closeWait = 5 * time.Second

func newAnnouncer(h *publish.Handler, exportDir string, hub *publish.Notifier, log *slog.Logger) *announcer {
	a := &announcer{handler: h, exportDir: exportDir, notifier: hub, log: log,
		kick: make(chan struct{}, 1), stop: make(chan struct{})}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	if hub != nil {
		a.wg.Add(1)
		go a.pingLoop()
	}
	return a
}

// changed runs after a refresh that changed the curated feed.
func (a *announcer) changed(ctx context.Context) {
	if a.exportDir != "" && !a.holdExport.Load() {
		err := a.handler.Export(ctx, a.exportDir)
		if err != nil {
			a.log.Error("export curated feed", "dir", a.exportDir, "error", err)
		}
		noteFailure(&a.exportFailing, err)
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
		ctx, cancel := context.WithTimeout(a.ctx, 2*time.Minute)
		defer cancel()
		err := a.notifier.Notify(ctx)
		if err != nil {
			a.log.Warn("websub hub not notified", "error", err)
		}
		if a.ctx.Err() == nil {
			noteFailure(&a.hubFailing, err)
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

// noteFailure keeps in since when failures began: kept through a run of
// them, cleared by a success.
func noteFailure(since *atomic.Pointer[time.Time], err error) {
	if err == nil {
		since.Store(nil)
		return
	}
	now := time.Now()
	since.CompareAndSwap(nil, &now)
}

// problems are what /status says of the export and the hub while they fail.
func (a *announcer) problems() []string {
	var out []string
	if t := a.exportFailing.Load(); t != nil {
		out = append(out, fmt.Sprintf("Writing the static export has failed since %s: the files in the export directory are as last written. The log says why.",
			t.UTC().Format(time.RFC3339)))
	}
	if t := a.hubFailing.Load(); t != nil {
		out = append(out, fmt.Sprintf("Notifying the WebSub hub has failed since %s: subscribers through the hub may not hear of new items. The log says why.",
			t.UTC().Format(time.RFC3339)))
	}
	return out
}

// close stops the ping loop after any pending ping, waiting closeWait at most.
func (a *announcer) close() {
	defer a.cancel()
	close(a.stop)
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(closeWait):
		a.log.Warn("websub hub still not answering: ping abandoned", "waited", closeWait)
		a.cancel()
		<-done
	}
}
