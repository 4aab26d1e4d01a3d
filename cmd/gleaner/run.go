package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/publish"
	"github.com/gleaner/gleaner/store"
)

// shutdownTimeout bounds how long in-flight requests get at shutdown.
const shutdownTimeout = 5 * time.Second

// Schedules of the daemon's background work.
const (
	reloadDebounce = 500 * time.Millisecond // quiet time after a config file event
	retentionFirst = 2 * time.Minute        // first retention run after start
	retentionEvery = time.Hour
)

func cmdRun(e *env, args []string) error {
	f := e.newFlags("run", "[-config F]", "Run the daemon: poll every source at its interval and serve the curated feed\n"+
		"(/feed.atom, /feed.rss, /feed.json, /, /sources.opml, /status), /metrics, /healthz and /readyz.\n"+
		"SIGHUP, or saving the config file, reloads the config; SIGINT or SIGTERM stops it.", true)
	if err := f.parse(args); err != nil {
		return err
	}
	log, err := f.logger(e.stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	return runDaemon(ctx, f.config, log, daemonOptions{hup: hup})
}

// daemonOptions are the daemon's inputs besides its config; zero values take
// the production defaults. Tests run the daemon in-process through them.
type daemonOptions struct {
	hup            <-chan os.Signal // reload requests (SIGHUP)
	now            func() time.Time // the poller's and retention's clock
	debounce       time.Duration
	retentionFirst time.Duration
	retentionEvery time.Duration
	notifier       *notifier
}

func (o *daemonOptions) defaults(log *slog.Logger) {
	if o.now == nil {
		o.now = time.Now
	}
	if o.debounce <= 0 {
		o.debounce = reloadDebounce
	}
	if o.retentionFirst <= 0 {
		o.retentionFirst = retentionFirst
	}
	if o.retentionEvery <= 0 {
		o.retentionEvery = retentionEvery
	}
	if o.notifier == nil {
		o.notifier = newNotifier(log)
	}
}

// runDaemon runs gleaner until ctx ends: it serves the curated feed, polls,
// reloads the config on SIGHUP and on file changes, applies retention, and
// reports to systemd. Shutdown order: stop accepting requests, stop the
// background loops and wait for the poller's last save, then close the database.
func runDaemon(ctx context.Context, path string, log *slog.Logger, o daemonOptions) error {
	o.defaults(log)
	// The bytes loaded are the ones later reloads compare against.
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	cfg, err := config.Parse(path, data)
	if err != nil {
		return err
	}
	c, err := classifierFor(cfg)
	if err != nil {
		return err
	}
	m := newMetrics()
	a, err := newAppWith(ctx, cfg, c, log, appOptions{observer: roundStatus{m, o.notifier}, now: o.now})
	if err != nil {
		return err
	}
	defer a.close()
	m.watchApp(a, log)
	a.refresh(ctx)
	// A daemon will group items sooner or later: its story index is loaded now,
	// beside the first polls, rather than in the first save that needs it.
	if g, ok := a.grouper.(*aggregate.StoryGrouper); ok {
		go preloadStories(g)
	}

	// A database that was polled before serves a feed at once: a restart is
	// ready without waiting for sources whose next poll is hours away.
	var polledBefore atomic.Bool
	if status, err := a.store.SourceStatus(ctx); err == nil {
		for _, s := range status {
			if !s.State.LastSuccess.IsZero() {
				polledBefore.Store(true)
				break
			}
		}
	}

	r := &reloader{a: a, path: path, log: log, m: m, n: o.notifier, now: o.now, lastSeen: sha256.Sum256(data)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		var why []string
		pctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
		defer cancel()
		if err := a.store.Ping(pctx); err != nil {
			why = append(why, "database not reachable: "+err.Error())
		}
		if a.config() == nil {
			why = append(why, "no config loaded")
		}
		if a.poller.Rounds() == 0 && !polledBefore.Load() {
			why = append(why, "no poll round finished yet")
		}
		if len(why) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready: "+strings.Join(why, "; "))
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", m.handler(log))
	mux.Handle("/", m.instrument(a.publish))
	srv := publish.NewServer(cfg.Listen, mux)
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	log.Info("gleaner started", "version", appVersion(), "listen", ln.Addr().String(), "config", cfg.Path,
		"database", cfg.Database, "sources", len(cfg.Sources))
	watcher, err := newConfigWatcher(path, o.debounce, log)
	if err != nil {
		// SIGHUP still reloads.
		log.Warn("config file changes will not be noticed; send SIGHUP to reload", "error", err)
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	o.notifier.ready(r.statusLine())

	// Everything in the background stops when bg ends, after the server has
	// stopped; the poller's save in flight then finishes (saves run detached
	// from cancellation) before the store closes.
	bg, cancelBG := context.WithCancel(ctx)
	defer cancelBG()
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := a.poller.Run(bg); err != nil {
			log.Error("poller stopped", "error", err)
		}
	})
	changed := make(chan struct{}, 1)
	if watcher != nil {
		wg.Go(func() { watcher.run(bg, changed) })
		// An edit made while starting, before the watch began, is caught now.
		changed <- struct{}{}
	}
	wg.Go(func() {
		for {
			select {
			case <-bg.Done():
				return
			case <-o.hup:
				log.Info("reloading config", "trigger", "SIGHUP", "config", path)
				r.reload(bg, "SIGHUP", true)
			case <-changed:
				r.reload(bg, "file changed", false)
			}
		}
	})
	wg.Go(func() { retentionLoop(bg, a, m, log, o) })
	wg.Go(func() { o.notifier.watchdog(bg, a.store.Ping) })

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		o.notifier.stopping()
		cancelBG()
		wg.Wait()
		return fmt.Errorf("serve: %w", err)
	}
	o.notifier.stopping()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("http shutdown", "error", err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("http server", "error", err)
	}
	cancelBG()
	wg.Wait()
	log.Info("stopped")
	return nil
}

// retentionLoop applies [store] retention soon after start and then on a
// schedule, through the store's single writer, in batches: polls keep saving
// and the feed keeps being served while it runs.
func retentionLoop(ctx context.Context, a *app, m *metrics, log *slog.Logger, o daemonOptions) {
	timer := time.NewTimer(o.retentionFirst)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		cfg := a.config()
		begin := time.Now()
		st, err := a.store.Retain(ctx, o.now(), store.Retention{
			KeepUnmatched: cfg.Store.KeepUnmatched.D(),
			KeepMatched:   cfg.Store.KeepMatched.D(),
		})
		m.retention(st, err)
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case err != nil:
			log.Error("retention", "deleted", st.Deleted, "error", err)
		default:
			log.Info("retention", "deleted", st.Deleted, "deleted_matched", st.DeletedMatched, "stories", st.Stories,
				"tombstones_pruned", st.TombstonesPruned, "freed_pages", st.FreedPages, "duration", time.Since(begin).Round(time.Millisecond))
		}
		if st.Stories > 0 {
			a.refresh(ctx)
		}
		timer.Reset(o.retentionEvery)
	}
}

// roundStatus counts each poll in the metrics and shows the last round in
// `systemctl status`.
type roundStatus struct {
	*metrics
	n *notifier
}

func (r roundStatus) ObserveRound(rs aggregate.RoundStats) {
	r.metrics.ObserveRound(rs)
	r.n.status(fmt.Sprintf("last poll round %s: %d sources, %d errors, %d new items, %d kept",
		rs.Finished.Format("15:04:05"), rs.Sources, rs.Errors, rs.New, rs.Kept))
}

// preloadStories fills g's index from the store now (see
// StoryGrouper.WithLoader, whose report logs it).
func preloadStories(g *aggregate.StoryGrouper) {
	if g != nil {
		g.Len()
	}
}
