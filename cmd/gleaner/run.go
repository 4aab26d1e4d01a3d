package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/gleaner/gleaner/publish"
)

// shutdownTimeout bounds how long in-flight requests get at shutdown.
const shutdownTimeout = 5 * time.Second

func cmdRun(e *env, args []string) error {
	f := e.newFlags("run", "[-config F]", "Run the daemon: poll every source at its interval and serve the curated feed\n(/feed.atom, /feed.rss, /feed.json, /, /healthz). SIGINT or SIGTERM stops it.", true)
	if err := f.parse(args); err != nil {
		return err
	}
	log, err := f.logger(e.stderr)
	if err != nil {
		return err
	}
	cfg, c, err := loadConfig(f.config)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	a, err := newApp(ctx, cfg, c, log)
	if err != nil {
		return err
	}
	defer a.close()
	a.refresh(ctx)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("/", a.publish)
	srv := publish.NewServer(cfg.Listen, mux)
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	log.Info("gleaner started", "version", appVersion(), "listen", ln.Addr().String(), "config", cfg.Path,
		"database", cfg.Database, "sources", len(cfg.Sources))

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := a.poller.Run(ctx); err != nil {
			log.Error("poller stopped", "error", err)
		}
	}()

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		stop()
		wg.Wait()
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("http shutdown", "error", err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("http server", "error", err)
	}
	wg.Wait()
	log.Info("stopped")
	return nil
}
