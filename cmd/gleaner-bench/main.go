// Command gleaner-bench measures gleaner side by side with the floor it cannot
// go below: fetching and parsing the same feeds with net/http and gofeed and
// nothing else. It serves a synthetic corpus of news feeds on loopback (see
// bench/feeds), then runs, each in a child process of its own so that memory
// figures are not shared:
//
//   - the floor: fetch every feed at gleaner's concurrency, gofeed.Parser.Parse each;
//   - gleaner as internal/app assembles it for `gleaner fetch`: a cold round on a new
//     database, a warm round (every feed answers 304), and a changed round (every
//     tenth feed gained five items);
//   - serving: /feed.atom from the publish cache, its 304, and the same bytes from
//     a plain net/http handler, under one load generator;
//   - one big story: a farm of as many feeds whose AI-policy items all report one
//     event (feeds.NewFarm), so that each language's reports make one story of
//     thousands; the floor over it, and gleaner's cold round with [stories] on
//     and off (-farm=false skips it);
//   - load: the daemon as `gleaner run` assembles it, a cold round over 1,000 and
//     then 10,000 feeds of 10 items on 16 loopback hosts, its /healthz asked every
//     50 ms meanwhile, the requests in flight per host counted (-load-feeds 0
//     skips it);
//   - scale: a database filled with a million items, the time to rebuild the
//     curated feed and the bytes per stored item.
//
// It prints one table with the figures, the ratios and the targets. `make bench`
// runs it; BENCHMARKS.md records a run.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/gleaner/gleaner/bench/feeds"
	"github.com/gleaner/gleaner/config"
)

// childArgs are the flags a child mode reads.
type childArgs struct {
	urls, config, db, profile string
	concurrency, feeds, items int
}

type options struct {
	feeds, hosts, runs, items, conns int
	loadFeeds                        int
	loadConfig                       []string // top-level config lines of the load line's daemon
	serveFor                         time.Duration
	profile, keep                    string
	serveFeeds, serveFarm, farm      bool
}

func main() {
	var mode string
	var ca childArgs
	var o options
	flag.StringVar(&mode, "child", "", "internal: run as a child in this mode")
	flag.StringVar(&ca.urls, "urls", "", "internal: file of feed URLs (floor)")
	flag.StringVar(&ca.config, "config", "", "internal: gleaner config (gleaner, serve)")
	flag.StringVar(&ca.db, "db", "", "internal: database file (scale)")
	flag.IntVar(&ca.concurrency, "concurrency", config.Defaults().Poll.Concurrency, "fetches in flight (floor); gleaner's default")
	flag.IntVar(&o.feeds, "feeds", 1000, "feeds served, each of 50 items")
	flag.IntVar(&o.hosts, "hosts", 0, "loopback hosts (ports) the feeds are spread over; 0: one per feed")
	flag.IntVar(&o.runs, "runs", 3, "repetitions of floor and rounds; the table shows medians (0: scale only)")
	flag.IntVar(&o.items, "scale", 1_000_000, "items stored for the scale measurement; 0 skips it")
	flag.IntVar(&o.conns, "conns", 16, "load generator connections")
	flag.DurationVar(&o.serveFor, "serve-for", 2*time.Second, "load generator time per measurement")
	flag.StringVar(&o.profile, "profile", "", "write CPU and allocation profiles of gleaner's rounds to this directory")
	flag.StringVar(&o.keep, "keep", "", "keep the databases and config in this directory (default: a temporary one, removed)")
	flag.IntVar(&o.loadFeeds, "load-feeds", 10_000, "the load line: feeds of 10 items on 16 hosts for the daemon's cold round, against 1,000 (0 skips it)")
	flag.Func("load-config", "a top-level config line for the load line's daemon, replacing the default 'memory_limit = \"250MiB\"' (repeatable)",
		func(v string) error { o.loadConfig = append(o.loadConfig, v); return nil })
	flag.BoolVar(&o.farm, "farm", true, "also measure the one-big-story farm: the same number of feeds, whose AI-policy items all report one event")
	flag.BoolVar(&o.serveFarm, "serve-farm", false, "with -serve-feeds: serve the one-big-story farm instead")
	flag.BoolVar(&o.serveFeeds, "serve-feeds", false, "only serve the feeds and write -keep DIR/gleaner.toml polling them, until SIGINT;\nSIGUSR1 makes every tenth feed gain 5 items, SIGUSR2 undoes it (to measure a running gleaner yourself)")
	flag.Parse()
	if o.loadConfig == nil {
		// What README "How far one machine goes" says to set for 10,000 sources:
		// the default 100 MiB makes the collector run ever more often once the
		// working set passes a third of it.
		o.loadConfig = []string{`memory_limit = "250MiB"`}
	}
	ca.feeds, ca.items, ca.profile = o.feeds, o.items, o.profile
	if mode != "" {
		if err := childMain(mode, ca); err != nil {
			fail(err)
			fmt.Fprintln(os.Stderr, "gleaner-bench child:", err)
			os.Exit(1)
		}
		return
	}
	if o.serveFeeds {
		if err := serveFeeds(o); err != nil {
			fmt.Fprintln(os.Stderr, "gleaner-bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(o, ca.concurrency, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gleaner-bench:", err)
		os.Exit(1)
	}
}

// results gathers every run's figures.
type results struct {
	feeds, items     int
	plainMB, gzMB    float64
	floor            []floorResult
	cold, warm, chg  []roundResult
	cache, c304, raw []float64
	atomBytes        int
	atomEntries      int
	scale            *scaleResult
	farm             *farmResults
	load             *loadResults
	scaleItemsWanted int
	loadStart        string
}

func run(o options, concurrency int, out io.Writer) error {
	dir := o.keep
	if dir == "" {
		d, err := os.MkdirTemp("", "gleaner-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if o.profile != "" {
		if err := os.MkdirAll(o.profile, 0o755); err != nil {
			return err
		}
	}
	progress := func(format string, a ...any) { fmt.Fprintf(os.Stderr, "# "+format+"\n", a...) }

	corpus := feeds.New(o.feeds, time.Now().Add(-10*time.Minute))
	srv, err := feeds.Serve(corpus, o.hosts)
	if err != nil {
		return err
	}
	defer srv.Close()
	res := &results{feeds: o.feeds, items: o.feeds * feeds.ItemsPerFeed, scaleItemsWanted: o.items, loadStart: loadAverage()}
	plain, gz := srv.Size()
	res.plainMB, res.gzMB = float64(plain)/1e6, float64(gz)/1e6
	progress("serving %d feeds (%.1f MB, %.1f MB gzipped) on loopback", o.feeds, res.plainMB, res.gzMB)

	urlsFile := filepath.Join(dir, "urls.txt")
	if err := os.WriteFile(urlsFile, []byte(strings.Join(srv.URLs(), "\n")), 0o644); err != nil {
		return err
	}
	names, zones := make([]string, o.feeds), make([]string, o.feeds)
	for i := range o.feeds {
		names[i], zones[i] = corpus.Outlet(i).Name, corpus.Outlet(i).Timezone
	}
	cfgPath := filepath.Join(dir, "gleaner.toml")
	dbPath := filepath.Join(dir, "gleaner.db")

	for r := range o.runs {
		var f floorResult
		if err := oneShot("floor", &f, "-urls", urlsFile, "-concurrency", fmt.Sprint(concurrency)); err != nil {
			return err
		}
		if f.Errors > 0 || f.Items != res.items {
			return fmt.Errorf("floor: %d errors, %d items of %d", f.Errors, f.Items, res.items)
		}
		res.floor = append(res.floor, f)
		progress("run %d: floor %.2fs (CPU %.2fs)", r+1, f.Seconds, f.CPU)

		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(dbPath + suffix)
		}
		if err := writeConfig(cfgPath, dbPath, names, srv.URLs(), zones, true); err != nil {
			return err
		}
		args := []string{"-config", cfgPath}
		if o.profile != "" && r == o.runs-1 {
			args = append(args, "-profile", o.profile)
		}
		g, err := startChild("gleaner", args...)
		if err != nil {
			return err
		}
		var cold, warm, chg roundResult
		err = g.do("cold", &cold)
		if err == nil {
			err = g.do("warm", &warm)
		}
		if err == nil {
			srv.Advance(10)
			err = g.do("changed", &chg)
		}
		err = errors.Join(err, g.wait())
		srv.Reset()
		if err != nil {
			return err
		}
		if err := checkRounds(res.items, o.feeds, cold, warm, chg); err != nil {
			return err
		}
		res.cold, res.warm, res.chg = append(res.cold, cold), append(res.warm, warm), append(res.chg, chg)
		progress("run %d: cold %.2fs (CPU %.2fs, in Save %.2fs, refresh %.2fs, kept %d, peak RSS %.0f MB), warm %.3fs (CPU %.3fs), changed %.3fs (CPU %.3fs, in Save %.3fs, refresh %.3fs, new %d)",
			r+1, cold.Seconds, cold.CPU, cold.SaveSeconds, cold.RefreshSeconds, cold.Kept, float64(cold.PeakRSS)/1e6,
			warm.Seconds, warm.CPU, chg.Seconds, chg.CPU, chg.SaveSeconds, chg.RefreshSeconds, chg.New)
	}

	if o.runs > 0 && o.farm {
		f, err := measureFarm(o, concurrency, dir, progress)
		if err != nil {
			return err
		}
		res.farm = f
	}

	if o.runs > 0 && o.loadFeeds > 0 {
		l, err := measureLoad(o, dir, progress)
		if err != nil {
			return err
		}
		res.load = l
	}

	if o.runs > 0 {
		if err := measureServing(cfgPath, o, res); err != nil {
			return err
		}
		progress("serving: cache %.0f req/s, 304 %.0f req/s, plain %.0f req/s", median(res.cache), median(res.c304), median(res.raw))
	}

	if o.items > 0 {
		progress("scale: filling a database with %d items", o.items)
		var s scaleResult
		args := []string{"-db", filepath.Join(dir, "scale.db"), "-feeds", fmt.Sprint(o.feeds), "-scale", fmt.Sprint(o.items)}
		if o.profile != "" {
			args = append(args, "-profile", o.profile)
		}
		if err := oneShot("scale", &s, args...); err != nil {
			return err
		}
		res.scale = &s
	}
	printTable(out, res, concurrency)
	return nil
}

// serveFeeds serves the corpus and writes a config that polls it, so that a
// real gleaner (gleaner fetch, gleaner run) can be measured against the same
// feeds with other tools.
func serveFeeds(o options) error {
	if o.keep == "" {
		return errors.New("-serve-feeds needs -keep DIR for the config it writes")
	}
	if err := os.MkdirAll(o.keep, 0o755); err != nil {
		return err
	}
	corpus := feeds.New(o.feeds, time.Now().Add(-10*time.Minute))
	if o.serveFarm {
		corpus = feeds.NewFarm(o.feeds, time.Now().Add(-10*time.Minute))
	}
	srv, err := feeds.Serve(corpus, o.hosts)
	if err != nil {
		return err
	}
	defer srv.Close()
	names, zones := make([]string, o.feeds), make([]string, o.feeds)
	for i := range o.feeds {
		names[i], zones[i] = corpus.Outlet(i).Name, corpus.Outlet(i).Timezone
	}
	cfg := filepath.Join(o.keep, "gleaner.toml")
	if err := writeConfig(cfg, filepath.Join(o.keep, "gleaner.db"), names, srv.URLs(), zones, true); err != nil {
		return err
	}
	// The feed URLs alone, for programs that do not read gleaner's config
	// (bench/plain floor).
	if err := os.WriteFile(filepath.Join(o.keep, "urls.txt"), []byte(strings.Join(srv.URLs(), "\n")+"\n"), 0o644); err != nil {
		return err
	}
	plain, gz := srv.Size()
	fmt.Printf("serving %d feeds (%.1f MB, %.1f MB gzipped); config %s (pid %d: SIGUSR1 advances every tenth feed, SIGUSR2 resets)\n",
		o.feeds, float64(plain)/1e6, float64(gz)/1e6, cfg, os.Getpid())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGUSR1, syscall.SIGUSR2)
	for s := range sig {
		switch s {
		case syscall.SIGUSR1:
			fmt.Printf("advanced %d feeds\n", len(srv.Advance(10)))
		case syscall.SIGUSR2:
			srv.Reset()
			fmt.Println("reset")
		default:
			req, nm, n := srv.Stats()
			fmt.Printf("served %d requests (%d not modified, %.1f MB)\n", req, nm, float64(n)/1e6)
			return nil
		}
	}
	return nil
}

// checkRounds refuses figures from rounds that did not do what they claim.
func checkRounds(items, nfeeds int, cold, warm, chg roundResult) error {
	switch {
	case cold.Err > 0 || warm.Err > 0 || chg.Err > 0:
		return fmt.Errorf("rounds had errors (cold %d, warm %d, changed %d): %s%s%s", cold.Err, warm.Err, chg.Err, cold.FirstError, warm.FirstError, chg.FirstError)
	case cold.New != items || cold.OK != nfeeds:
		return fmt.Errorf("cold round stored %d new items from %d feeds, want %d from %d", cold.New, cold.OK, items, nfeeds)
	case warm.NotModified != nfeeds:
		return fmt.Errorf("warm round: %d of %d feeds not modified", warm.NotModified, nfeeds)
	case chg.New != (nfeeds+9)/10*feeds.NewPerChange:
		return fmt.Errorf("changed round stored %d new items, want %d", chg.New, (nfeeds+9)/10*feeds.NewPerChange)
	}
	return nil
}

// oneShot runs a child that answers once without being asked.
func oneShot(mode string, v any, args ...string) error {
	c, err := startChild(mode, args...)
	if err != nil {
		return err
	}
	err = c.read(v)
	return errors.Join(err, c.wait())
}

// measureServing starts a serving child on the last run's database and loads
// its three endpoints in turn, three times, keeping each one's median.
func measureServing(cfgPath string, o options, res *results) error {
	c, err := startChild("serve", "-config", cfgPath)
	if err != nil {
		return err
	}
	defer c.wait()
	var info serveInfo
	if err := c.read(&info); err != nil {
		return err
	}
	res.atomBytes, res.atomEntries = info.Bytes, info.Entries
	warm := 300 * time.Millisecond
	for range 3 {
		for _, m := range []struct {
			url  string
			hdr  http.Header
			want int
			dst  *[]float64
		}{
			{info.Plain + "/feed.atom", http.Header{}, 200, &res.raw},
			{info.Gleaner + "/feed.atom", http.Header{}, 200, &res.cache},
			{info.Gleaner + "/feed.atom", http.Header{"If-None-Match": {info.ETag}}, 304, &res.c304},
		} {
			r, err := load(m.url, m.hdr, o.conns, warm, o.serveFor)
			if err != nil {
				return err
			}
			if r.Status != m.want || (m.want == 200 && r.Bytes != int64(info.Bytes)) {
				return fmt.Errorf("serving %s: status %d with %d bytes, want %d with %d", m.url, r.Status, r.Bytes, m.want, info.Bytes)
			}
			*m.dst = append(*m.dst, r.RPS)
		}
	}
	return nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func seconds[T any](rs []T, f func(T) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	return median(v)
}

func printTable(w io.Writer, r *results, concurrency int) {
	fmt.Fprintf(w, "gleaner-bench: %d feeds x %d items (%.1f MB, %.1f MB gzipped) on loopback, concurrency %d, %d run(s), medians\n",
		r.feeds, feeds.ItemsPerFeed, r.plainMB, r.gzMB, concurrency, len(r.floor))
	fmt.Fprintf(w, "machine: %d CPU(s), %s, %s; load average %s at start, %s at end\n\n",
		runtime.NumCPU(), cpuModel(), runtime.Version(), r.loadStart, loadAverage())
	fmt.Fprintf(w, "| %-46s | %12s | %10s | %-9s | %-5s |\n", "measure", "value", "CPU time", "target", "holds")
	fmt.Fprintf(w, "|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 48), strings.Repeat("-", 14), strings.Repeat("-", 12), strings.Repeat("-", 11), strings.Repeat("-", 7))
	row := func(name, value, cpu, target string, ok *bool) {
		mark := ""
		if ok != nil {
			mark = "yes"
			if !*ok {
				mark = "NO"
			}
		}
		fmt.Fprintf(w, "| %-46s | %12s | %10s | %-9s | %-5s |\n", name, value, cpu, target, mark)
	}
	b := func(v bool) *bool { return &v }
	if len(r.floor) > 0 {
		floor, floorCPU := seconds(r.floor, func(f floorResult) float64 { return f.Seconds }), seconds(r.floor, func(f floorResult) float64 { return f.CPU })
		cold, coldCPU := seconds(r.cold, func(x roundResult) float64 { return x.Seconds }), seconds(r.cold, func(x roundResult) float64 { return x.CPU })
		warm, warmCPU := seconds(r.warm, func(x roundResult) float64 { return x.Seconds }), seconds(r.warm, func(x roundResult) float64 { return x.CPU })
		chg, chgCPU := seconds(r.chg, func(x roundResult) float64 { return x.Seconds }), seconds(r.chg, func(x roundResult) float64 { return x.CPU })
		save := seconds(r.cold, func(x roundResult) float64 { return x.SaveSeconds })
		var coldRSS, floorRSS int64
		for _, x := range r.cold {
			coldRSS = max(coldRSS, x.PeakRSS)
		}
		for _, x := range r.floor {
			floorRSS = max(floorRSS, x.PeakRSS)
		}
		secs := func(v float64) string { return fmt.Sprintf("%.2f s", v) }
		ratio := func(v float64) string { return fmt.Sprintf("%.2fx", v) }
		row(fmt.Sprintf("floor: fetch + gofeed.Parse, %d feeds", r.feeds), secs(floor), secs(floorCPU), "", nil)
		row(fmt.Sprintf("cold round: %d new items, %d kept", r.items, r.cold[0].Kept), secs(cold), secs(coldCPU), "", nil)
		row("  of which the writer in store.Save", secs(save), "", "", nil)
		row("  then the search index, off the round's path", secs(seconds(r.cold, func(x roundResult) float64 { return x.SearchSeconds })), "", "", nil)
		row("  cold / floor", ratio(cold/floor), ratio(coldCPU/floorCPU), "<= 1.3x", b(cold/floor <= 1.3))
		row("warm round: every feed 304", secs(warm), secs(warmCPU), "", nil)
		row("  warm / cold", fmt.Sprintf("%.3fx", warm/cold), fmt.Sprintf("%.3fx", warmCPU/coldCPU), "<= 0.1x", b(warm/cold <= 0.1))
		row(fmt.Sprintf("changed round: %d feeds gained 5 items", r.chg[0].OK), secs(chg), secs(chgCPU), "", nil)
		row("  changed / cold", fmt.Sprintf("%.3fx", chg/cold), fmt.Sprintf("%.3fx", chgCPU/coldCPU), "<= 0.2x", b(chg/cold <= 0.2))
		row("peak RSS of the cold round (its own process)", fmt.Sprintf("%.0f MB", float64(coldRSS)/1e6), "", "< 150 MB", b(coldRSS < 150e6))
		row("  peak RSS of the floor (its own process)", fmt.Sprintf("%.0f MB", float64(floorRSS)/1e6), "", "", nil)
	}
	if len(r.raw) > 0 {
		cache, c304, raw := median(r.cache), median(r.c304), median(r.raw)
		rps := func(v float64) string { return fmt.Sprintf("%.0f req/s", v) }
		row(fmt.Sprintf("serve /feed.atom from the cache (%d KB)", r.atomBytes>>10), rps(cache), "", "", nil)
		row("serve /feed.atom, 304 to If-None-Match", rps(c304), "", "", nil)
		row("serve the same bytes from plain net/http", rps(raw), "", "", nil)
		row("  cache / plain", fmt.Sprintf("%.2fx", cache/raw), "", ">= 0.8x", b(cache/raw >= 0.8))
	}
	printFarm(w, r.farm, r.feeds, row)
	printLoad(w, r.load, row)
	if s := r.scale; s != nil {
		row(fmt.Sprintf("scale: %d items stored (%d curated)", s.Items, s.Curated), "", "", "", nil)
		row(fmt.Sprintf("  %d visible stories of %d", s.Visible, s.Stories), "", "", "", nil)
		row("  filled through store.Save in poll batches", fmt.Sprintf("%.0f s", s.FillSeconds), "", "", nil)
		row("  rebuild curated feed: Curated(100) + render", fmt.Sprintf("%.1f ms", s.RebuildMedian*1e3), "", "< 50 ms", b(s.RebuildMedian < 0.05))
		row("    of which store.Curated(100)", fmt.Sprintf("%.1f ms", s.CuratedMedian*1e3), "", "", nil)
		row("    slowest of 25", fmt.Sprintf("%.1f ms", s.RebuildMax*1e3), "", "", nil)
		row("  database file", fmt.Sprintf("%.0f MB", float64(s.DBBytes)/1e6), "", "", nil)
		per := float64(s.DBBytes) / float64(max(s.Items, 1))
		row("  bytes per stored item", fmt.Sprintf("%.0f B", per), "", "< 2048 B", b(per < 2048))
	}
}

// loadAverage is the 1-, 5- and 15-minute load averages: on a shared machine
// they say how much of it the figures had.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown CPU"
}
