package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/publish"
)

// shutdownTimeout bounds how long in-flight requests get at shutdown.
const shutdownTimeout = 5 * time.Second

func cmdRun(e *env, args []string) error { return runAs(e, args, "run") }

// runAs is gleaner run, its lock naming command ("demo" runs it too).
func runAs(e *env, args []string, command string) error {
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
	// The first signal stops gleaner in order; a second one, while that runs,
	// ends the process at once (Go's default for the signal once stop is called).
	go func() { <-ctx.Done(); stop() }()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	err = runDaemon(ctx, f.config, log, hup, app.DaemonOptions{Command: command})
	var busy *app.BusyPortError
	if errors.As(err, &busy) && busy.Free != "" {
		busy.Hint = fmt.Sprintf("set listen in %s to a free address, such as %q", f.config, busy.Free)
	}
	return err
}

// runDaemon runs gleaner until ctx ends: it serves the curated feed and runs
// the daemon's background work (polls, reloads on hup and on file changes,
// retention, systemd). Shutdown order: stop accepting requests, stop the
// background work and wait for the poller's last save, then close the database.
func runDaemon(ctx context.Context, path string, log *slog.Logger, hup <-chan os.Signal, o app.DaemonOptions) error {
	o.Version = appVersion()
	d, err := app.NewDaemon(ctx, path, log, o)
	if err != nil {
		return err
	}
	defer d.Close()
	cfg := d.Config()
	srv := publish.NewServer(cfg.Listen, d.Handler())
	ln, err := app.Listen(cfg.Listen)
	if err != nil {
		return err
	}
	if err := d.SetAddress(ln.Addr().String()); err != nil {
		log.Warn("lock file: record the address", "error", err)
	}
	log.Info("gleaner started", "version", appVersion(), "listen", ln.Addr().String(), "config", cfg.Path,
		"database", cfg.Database, "sources", len(cfg.Sources))

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	d.Ready()

	// The background work stops when bg ends, after the server has stopped;
	// the poller's save in flight then finishes (saves run detached from
	// cancellation) before the store closes.
	bg, cancelBG := context.WithCancel(ctx)
	defer cancelBG()
	bgDone := make(chan struct{})
	go func() { d.Run(bg, hup); close(bgDone) }()

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		d.Stopping()
		cancelBG()
		<-bgDone
		return fmt.Errorf("serve: %w", err)
	}
	d.Stopping()
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
	<-bgDone
	log.Info("stopped")
	return nil
}
