package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gleaner/gleaner/bench/feeds"
	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/publish"
)

// The load line: how far one machine goes. Two cold rounds of the daemon as
// `gleaner run` assembles it, over loadSmall and then o.loadFeeds feeds of
// loadItems items spread over loadHosts loopback hosts, each in a child of its
// own, while the parent asks its /healthz every healthEvery. The feed server
// counts the requests each host serves at once, which the per-host limit bounds.
const (
	loadSmall   = 1000
	loadItems   = 10
	loadHosts   = 16
	healthEvery = 50 * time.Millisecond
)

// loadRun is one cold round of the load line.
type loadRun struct {
	Feeds        int
	Round        roundResult
	HealthMax    time.Duration // the slowest /healthz answer during the round
	HealthP99    time.Duration // the 99th percentile
	HealthChecks int
	HealthFailed int
	MaxPerHost   int // most requests one host served at once
	PerHost      int // the config's per-host limit
}

type loadResults struct {
	small, large loadRun
	config       []string // the daemon's top-level config lines
}

// measureLoad runs the load line's two rounds.
func measureLoad(o options, dir string, progress func(string, ...any)) (*loadResults, error) {
	res := loadResults{config: o.loadConfig}
	for _, r := range []struct {
		feeds int
		dst   *loadRun
	}{{loadSmall, &res.small}, {o.loadFeeds, &res.large}} {
		run, err := loadRound(r.feeds, dir, o.profile, o.loadConfig...)
		if err != nil {
			return nil, err
		}
		*r.dst = run
		progress("load: %d feeds x %d items on %d hosts: cold round %.2fs (CPU %.2fs, peak RSS %.0f MB), /healthz slowest %v (p99 %v) of %d, at most %d in flight per host",
			run.Feeds, loadItems, loadHosts, run.Round.Seconds, run.Round.CPU, float64(run.Round.PeakRSS)/1e6,
			run.HealthMax.Round(time.Millisecond), run.HealthP99.Round(time.Millisecond), run.HealthChecks, run.MaxPerHost)
	}
	return &res, nil
}

// loadRound serves n feeds and runs one cold round of a daemon child on a new
// database, asking its /healthz meanwhile.
func loadRound(n int, dir, profile string, extra ...string) (loadRun, error) {
	run := loadRun{Feeds: n, PerHost: 1}
	corpus := feeds.NewSized(n, loadItems, time.Now().Add(-10*time.Minute))
	srv, err := feeds.Serve(corpus, loadHosts)
	if err != nil {
		return run, err
	}
	defer srv.Close()
	names, zones := make([]string, n), make([]string, n)
	for i := range n {
		names[i], zones[i] = corpus.Outlet(i).Name, corpus.Outlet(i).Timezone
	}
	cfg, db := filepath.Join(dir, fmt.Sprintf("load-%d.toml", n)), filepath.Join(dir, fmt.Sprintf("load-%d.db", n))
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	if err := writeConfig(cfg, db, names, srv.URLs(), zones, true, extra...); err != nil {
		return run, err
	}
	args := []string{"-config", cfg}
	if profile != "" {
		args = append(args, "-profile", profile)
	}
	c, err := startChild("daemon", args...)
	if err != nil {
		return run, err
	}
	var addr string
	if err := c.read(&addr); err != nil {
		return run, errors.Join(err, c.wait())
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var took []float64
	wg.Go(func() {
		client := &http.Client{Timeout: 10 * time.Second}
		t := time.NewTicker(healthEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			start := time.Now()
			resp, err := client.Get(addr + "/healthz")
			d := time.Since(start)
			took = append(took, d.Seconds())
			run.HealthChecks++
			run.HealthMax = max(run.HealthMax, d)
			if err != nil {
				run.HealthFailed++
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				run.HealthFailed++
			}
		}
	})
	err = c.do("cold", &run.Round)
	close(stop)
	wg.Wait()
	if len(took) > 0 {
		slices.Sort(took)
		run.HealthP99 = time.Duration(took[len(took)*99/100] * float64(time.Second))
	}
	err = errors.Join(err, c.wait())
	run.MaxPerHost = srv.MaxInFlightPerHost()
	switch r := run.Round; {
	case err != nil:
		return run, err
	case r.Err > 0 || r.New != n*loadItems || r.OK != n:
		return run, fmt.Errorf("load round of %d feeds: %d errors (%s), %d new items of %d", n, r.Err, r.FirstError, r.New, n*loadItems)
	case run.HealthChecks == 0:
		return run, fmt.Errorf("load round of %d feeds: /healthz was never asked", n)
	}
	return run, nil
}

// daemonChild runs gleaner as `gleaner run` assembles it (app.NewDaemon: the
// lock, the store, the poller, the publisher, /healthz), serves its handler on
// loopback and tells the parent where; then it runs one poll round per command
// read from stdin, answering each with its figures.
func daemonChild(ctx context.Context, args childArgs) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	d, err := app.NewDaemon(ctx, args.config, log, app.DaemonOptions{Version: "bench"})
	if err != nil {
		return err
	}
	defer d.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := publish.NewServer("", d.Handler())
	go srv.Serve(ln)
	defer srv.Close()
	answer("http://" + ln.Addr().String())
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		name := strings.TrimSpace(sc.Text())
		var stop func()
		if args.profile != "" {
			if stop, err = startProfile(args.profile, fmt.Sprintf("load-%d-%s", len(d.Config().Sources), name)); err != nil {
				return err
			}
		}
		start, cpu0 := time.Now(), cpuTime()
		r := summarize(name, d.Poller.PollAll(ctx), start, cpu0)
		if stop != nil {
			stop()
		}
		r.PeakRSS = peakRSS()
		answer(r)
	}
	return sc.Err()
}

// printLoad writes the load line's rows.
func printLoad(w io.Writer, l *loadResults, row func(name, value, cpu, target string, ok *bool)) {
	if l == nil {
		return
	}
	b := func(v bool) *bool { return &v }
	secs := func(v float64) string { return fmt.Sprintf("%.2f s", v) }
	row("load: the daemon's cold round, "+strings.Join(l.config, ", "), "", "", "", nil)
	for _, r := range []loadRun{l.small, l.large} {
		row(fmt.Sprintf("  %d feeds x %d items on %d hosts", r.Feeds, loadItems, loadHosts), secs(r.Round.Seconds), secs(r.Round.CPU), "", nil)
	}
	ratio := l.large.Round.Seconds / l.small.Round.Seconds
	limit := 1.1 * float64(l.large.Feeds) / float64(l.small.Feeds)
	row(fmt.Sprintf("  %d / %d feeds", l.large.Feeds, l.small.Feeds), fmt.Sprintf("%.2fx", ratio),
		fmt.Sprintf("%.2fx", l.large.Round.CPU/l.small.Round.CPU), fmt.Sprintf("<= %.0fx", limit), b(ratio <= limit))
	row(fmt.Sprintf("  peak RSS, %d feeds (the daemon's process)", l.large.Feeds), fmt.Sprintf("%.0f MB", float64(l.large.Round.PeakRSS)/1e6), "", "< 300 MB", b(l.large.Round.PeakRSS < 300e6))
	worst := max(l.small.HealthMax, l.large.HealthMax)
	failed := l.small.HealthFailed + l.large.HealthFailed
	row(fmt.Sprintf("  /healthz slowest of %d during the rounds", l.small.HealthChecks+l.large.HealthChecks),
		fmt.Sprintf("%.1f ms", float64(worst)/1e6), "", "<= 100 ms", b(worst <= 100*time.Millisecond && failed == 0))
	row("    99th percentile", fmt.Sprintf("%.1f ms", float64(max(l.small.HealthP99, l.large.HealthP99))/1e6), "", "", nil)
	most := max(l.small.MaxPerHost, l.large.MaxPerHost)
	row("  most requests in flight to one host", fmt.Sprint(most), "", fmt.Sprintf("<= %d", l.large.PerHost), b(most <= l.large.PerHost))
}
