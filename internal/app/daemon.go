package app

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/sdnotify"
)

// Schedules of the daemon's background work.
const (
	reloadDebounce = 500 * time.Millisecond // quiet time after a config file event
	retentionFirst = 2 * time.Minute        // first retention run after start
	retentionEvery = time.Hour
)

// DaemonOptions are the daemon's inputs besides its config file; zero values
// take the production defaults. Tests run the daemon in-process through them.
type DaemonOptions struct {
	Version        string             // in /metrics and the User-Agent
	Now            func() time.Time   // the poller's and retention's clock
	Debounce       time.Duration      // quiet time after a config file event
	RetentionFirst time.Duration      // first retention run after start
	RetentionEvery time.Duration      // retention runs after the first
	Notifier       *sdnotify.Notifier // nil: systemd's, from the environment
	FollowEvery    time.Duration      // how often to check for other processes' writes
	FileCheckEvery time.Duration      // how often to check the database file is still the one opened
	Command        string             // the command its lock names to others ("run" by default; "demo")
}

func (o *DaemonOptions) defaults(log *slog.Logger) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Debounce <= 0 {
		o.Debounce = reloadDebounce
	}
	if o.RetentionFirst <= 0 {
		o.RetentionFirst = retentionFirst
	}
	if o.RetentionEvery <= 0 {
		o.RetentionEvery = retentionEvery
	}
	if o.FollowEvery <= 0 {
		o.FollowEvery = followEvery
	}
	if o.FileCheckEvery <= 0 {
		o.FileCheckEvery = time.Minute
	}
	if o.Notifier == nil {
		o.Notifier = sdnotify.New(log, nil)
	}
}

// Daemon is gleaner run as a service: the App with its metrics, readiness,
// config reloads (on SIGHUP and on file changes), retention and systemd
// notifications. The caller serves Handler, calls Run for the background work,
// and owns signals and the order of shutdown.
type Daemon struct {
	*App
	path string
	o    DaemonOptions
	m    *metrics
	r    *reloader
	mux  *http.ServeMux
	rdy  *readiness
	// searchFailing: the last indexSearch failed (said once, not every few
	// seconds while a disk is full or the database locked).
	searchFailing bool
}

// NewDaemon loads the config file at path and builds the daemon around it,
// with the curated feed rendered from what the store holds.
func NewDaemon(ctx context.Context, path string, log *slog.Logger, o DaemonOptions) (*Daemon, error) {
	o.defaults(log)
	// The bytes loaded are the ones later reloads compare against.
	data, err := config.ReadFile(path)
	if err != nil {
		return nil, config.ReadError(err)
	}
	cfg, err := ParseConfig(path, data)
	if err != nil {
		return nil, err
	}
	logWarnings(log, cfg)
	m := newMetrics(o.Version)
	last := new(atomic.Pointer[string])
	a, err := New(ctx, cfg, Options{Log: log, Version: o.Version, Observer: roundStatus{m, o.Notifier, last}, Now: o.Now, PreloadStories: true, Lock: cmp.Or(o.Command, "run"), Daemon: true})
	if err != nil {
		return nil, err
	}
	m.watchApp(a, log)
	if status, err := a.Store.SourceStatus(ctx); err == nil {
		m.seedPolls(status)
	} else {
		log.Warn("last poll times unread: the gauges start at 0", "error", err)
	}
	if dir := cfg.Publish.ExportDir; dir != "" {
		a.WarnExportLinks(dir)
	}
	a.Refresh(ctx)
	d := &Daemon{App: a, path: path, o: o, m: m, mux: http.NewServeMux(), rdy: newReadiness(a),
		r: &reloader{a: a, path: path, log: log, m: m, n: o.Notifier, now: o.Now, lastSeen: configSum(data, cfg.TopicFile), lastRound: last}}
	a.Publish.SetProblems(d.rdy.problems)
	d.mux.Handle("/healthz", getOnly(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	}))
	d.mux.Handle("/readyz", getOnly(d.rdy.ServeHTTP))
	d.mux.Handle("/metrics", getOnly(m.handler(log).ServeHTTP))
	d.mux.Handle("/", m.instrument(a.Publish))
	return d, nil
}

// getOnly serves GET and HEAD with h, and answers other methods with 405: a
// method pattern ("GET /healthz") would leave them to the catch-all "/", which
// answers 404. Like every page of gleaner's, its answers are not to be sniffed.
func getOnly(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed: use GET or HEAD", http.StatusMethodNotAllowed)
			return
		}
		h(w, r)
	})
}

// Handler serves the curated feed, /healthz, /readyz and /metrics.
func (d *Daemon) Handler() http.Handler { return d.mux }

// Ready tells systemd that the daemon serves.
func (d *Daemon) Ready() { d.o.Notifier.Ready(d.r.statusLine()) }

// Stopping tells systemd that the daemon is shutting down.
func (d *Daemon) Stopping() { d.o.Notifier.Stopping() }

// Run does the daemon's background work until ctx ends: it polls, reloads the
// config when hup delivers or the file changes, applies retention, follows
// what other processes write to the database and pings systemd's watchdog. It returns when all of it has stopped, the poller's last
// save included.
func (d *Daemon) Run(ctx context.Context, hup <-chan os.Signal) {
	log := d.Log
	var wg sync.WaitGroup
	wg.Go(func() { d.rdy.checkDatabase(ctx, log) })
	wg.Go(func() {
		if err := d.Poller.Run(ctx); err != nil {
			log.Error("poller stopped", "error", err)
		}
	})
	changed := make(chan struct{}, 1)
	watched := map[string]bool{d.Config().TopicFile: true}
	watcher, err := newConfigWatcher(d.path, d.o.Debounce, log, d.Config().TopicFile)
	if err != nil {
		// SIGHUP still reloads.
		log.Warn("config file changes will not be noticed; send SIGHUP to reload", "error", err)
	} else {
		wg.Go(func() { watcher.run(ctx, changed) })
		// An edit made while starting, before the watch began, is caught now.
		changed <- struct{}{}
	}
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				log.Info("reloading config", "trigger", "SIGHUP", "config", d.path)
				d.r.reload(ctx, "SIGHUP", true)
			case <-changed:
				d.r.reload(ctx, "file changed", false)
			}
			// A topic_file a reload named is watched from now on, as at a start,
			// also when that reload was refused (for that file, most likely).
			if tf := d.r.namedTopicFile(); watcher != nil && tf != "" && !watched[tf] {
				if err := watcher.add(tf); err != nil {
					// Tried again after the next reload (its directory may be made).
					log.Warn("topic file changes will not be noticed; send SIGHUP to reload", "topic_file", tf, "error", err)
				} else {
					// An edit made after the reload read it, before the watch
					// began, is caught now, as at a start.
					select {
					case changed <- struct{}{}:
					default:
					}
					watched[tf] = true
				}
			}
		}
	})
	ret := retention{a: d.App, m: d.m, now: d.o.Now, first: d.o.RetentionFirst, every: d.o.RetentionEvery}
	wg.Go(func() { ret.run(ctx) })
	wg.Go(func() { d.follow(ctx) })
	wg.Go(func() { d.watchFile(ctx, d.o.FileCheckEvery) })
	wg.Go(func() { d.o.Notifier.Watchdog(ctx, d.Store.Ping) })
	wg.Wait()
}

// roundStatus counts each poll in the metrics and shows the last round in
// `systemctl status`; last keeps that line for the status sent after a reload.
type roundStatus struct {
	*metrics
	n    *sdnotify.Notifier
	last *atomic.Pointer[string]
}

func (r roundStatus) ObserveRound(rs aggregate.RoundStats) {
	r.metrics.ObserveRound(rs)
	line := fmt.Sprintf("last poll round %s: %d sources, %d errors, %d new items, %d kept",
		rs.Finished.Format("15:04:05"), rs.Sources, rs.Errors, rs.New, rs.Kept)
	r.last.Store(&line)
	r.n.Status(line)
}

// logWarnings logs what in the config is valid but probably not meant (see
// config.Config.Warnings), as gleaner check prints it.
func logWarnings(log *slog.Logger, cfg *Config) {
	for _, w := range cfg.Warnings {
		log.Warn("config", "warning", w.Error())
	}
}

// watchFile logs, once each time it happens, that the database file was
// deleted or replaced under the running daemon (store.Ping says so; /readyz
// and the systemd watchdog follow Ping), and when it is right again.
func (d *Daemon) watchFile(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var last string
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := d.Store.Ping(pctx)
		cancel()
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		switch {
		case ctx.Err() != nil:
			return
		case msg != "" && msg != last:
			d.Log.Error("database", "problem", msg)
		case msg == "" && last != "":
			d.Log.Info("database reachable again", "database", d.Config().Database)
		}
		last = msg
	}
}
