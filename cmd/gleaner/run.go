package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/publish"
)

// shutdownTimeout bounds how long in-flight requests get at shutdown.
const shutdownTimeout = 5 * time.Second

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
	err = runDaemon(ctx, f.config, log, hup, app.DaemonOptions{})
	var busy *busyPortError
	if errors.As(err, &busy) && busy.free != "" {
		busy.hint = fmt.Sprintf("set listen in %s to a free address, such as %q", f.config, busy.free)
	}
	return err
}

// busyPortError is the error of listening on an address that another program
// (another gleaner, perhaps) holds: it names the port and, with hint, what to
// do instead.
type busyPortError struct {
	addr string
	free string // an address near it that is free, "" if none was found
	hint string
}

func (e *busyPortError) Error() string {
	_, port, _ := net.SplitHostPort(e.addr)
	s := fmt.Sprintf("port %s is in use (another program listens on %s)", port, e.addr)
	if e.hint != "" {
		s += "; " + e.hint
	}
	return s
}

// listenTCP listens on addr; an address in use is a *busyPortError naming a
// free port near it.
func listenTCP(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, &busyPortError{addr: addr, free: freeNear(addr)}
	}
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	return ln, nil
}

// freeNear finds a port of addr's host, among the next few, that nothing
// listens on now, and returns that address ("" if none).
func freeNear(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	p, err := strconv.Atoi(port)
	if err != nil || p == 0 {
		return ""
	}
	for next := p + 1; next <= min(p+20, 65535); next++ {
		a := net.JoinHostPort(host, strconv.Itoa(next))
		if ln, err := net.Listen("tcp", a); err == nil {
			ln.Close()
			return a
		}
	}
	return ""
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
	ln, err := listenTCP(cfg.Listen)
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
