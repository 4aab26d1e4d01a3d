package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/internal/app"
)

// pipeline is gleaner as internal/app assembles it for `gleaner fetch`, with
// the writer's saves and the curated feed's refreshes timed.
type pipeline struct {
	*app.App
	saver *timedSaver

	refreshTime time.Duration
}

// timedSaver is the store as the poller's Saver, timing the writer's saves:
// they run one at a time, so their total bounds a round from below.
type timedSaver struct {
	aggregate.Saver
	busy time.Duration
}

func (t *timedSaver) Save(ctx context.Context, b []aggregate.Fetched, g aggregate.Grouper) ([]aggregate.SaveStats, bool, error) {
	start := time.Now()
	defer func() { t.busy += time.Since(start) }()
	return t.Saver.Save(ctx, b, g)
}

func openPipeline(ctx context.Context, cfgPath string, log *slog.Logger) (*pipeline, error) {
	cfg, err := app.LoadConfig(cfgPath)
	if err != nil {
		return nil, err
	}
	p := &pipeline{}
	p.App, err = app.New(ctx, cfg, app.Options{
		Log:       log,
		Version:   "bench",
		Saver:     func(s aggregate.Saver) aggregate.Saver { p.saver = &timedSaver{Saver: s}; return p.saver },
		Refreshed: func(took time.Duration) { p.refreshTime += took },
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// roundResult is what one poll round did and cost.
type roundResult struct {
	Round                         string
	Seconds                       float64
	CPU                           float64 // seconds of CPU time used
	SaveSeconds, RefreshSeconds   float64 // spent by the writer in store.Save and in refreshing the curated feed
	SearchSeconds                 float64 // bringing the search index up to date after the round
	Sources, OK, NotModified, Err int
	Seen, New, Kept               int
	PeakRSS                       int64 // bytes, this process so far
	FirstError                    string
}

func (p *pipeline) round(ctx context.Context, name string) roundResult {
	start, cpu0 := time.Now(), cpuTime()
	p.saver.busy, p.refreshTime = 0, 0
	r := summarize(name, p.Poller.PollAll(ctx), start, cpu0)
	r.SaveSeconds, r.RefreshSeconds = p.saver.busy.Seconds(), p.refreshTime.Seconds()
	// The daemon brings the search index up to date off the round's path,
	// within seconds of it: timed here on its own, after the round.
	indexStart := time.Now()
	if _, err := p.Store.IndexSearch(ctx); err != nil && r.FirstError == "" {
		r.FirstError = err.Error()
	}
	r.SearchSeconds = time.Since(indexStart).Seconds()
	r.PeakRSS = peakRSS()
	if os.Getenv("GLEANER_BENCH_DEBUG") != "" {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(os.Stderr, "# %s: VmHWM %d kB, VmRSS %d kB, RssAnon %d kB, RssFile %d kB, heap sys %d MB, heap inuse %d MB, GC %d\n", name,
			memStatus("VmHWM"), memStatus("VmRSS"), memStatus("RssAnon"), memStatus("RssFile"), ms.HeapSys>>20, ms.HeapInuse>>20, ms.NumGC)
	}
	return r
}

// summarize counts a round's reports; start and cpu0 are when it began.
func summarize(name string, reports []aggregate.Report, start time.Time, cpu0 time.Duration) roundResult {
	r := roundResult{Round: name, Seconds: time.Since(start).Seconds(), CPU: (cpuTime() - cpu0).Seconds(), Sources: len(reports)}
	for _, rep := range reports {
		switch {
		case rep.Err != nil:
			r.Err++
			if r.FirstError == "" {
				r.FirstError = rep.Source.Name + ": " + rep.Err.Error()
			}
		case rep.NotModified:
			r.NotModified++
		default:
			r.OK++
		}
		r.Seen += rep.Seen
		r.New += rep.New
		r.Kept += rep.Kept
	}
	return r
}

// storyStats counts the published stories after a round, and the reports of
// the largest ones.
type storyStats struct {
	Stories int   // visible stories
	Largest []int // reports of the largest, largest first (at most 10)
}

func (p *pipeline) stories(ctx context.Context) (storyStats, error) {
	entries, err := p.Store.Curated(ctx, aggregate.Query{Limit: 1 << 20})
	if err != nil {
		return storyStats{}, err
	}
	st := storyStats{Stories: len(entries)}
	for _, e := range entries {
		st.Largest = append(st.Largest, e.Reports)
	}
	slices.Sort(st.Largest)
	slices.Reverse(st.Largest)
	st.Largest = st.Largest[:min(10, len(st.Largest))]
	return st, nil
}

// writeConfig writes a gleaner.toml that polls urls with the database at db,
// every other key at its default but [stories] enabled and the top-level
// settings given as extra lines.
func writeConfig(path, db string, names, urls, zones []string, stories bool, extra ...string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "database = %q\nlisten = \"127.0.0.1:0\"\n", db)
	for _, l := range extra {
		b.WriteString(l + "\n")
	}
	b.WriteString("\n")
	if !stories {
		b.WriteString("[stories]\nenabled = false\n\n")
	}
	for i := range urls {
		fmt.Fprintf(&b, "[[source]]\nname = %q\nurl = %q\ntimezone = %q\n\n", names[i], urls[i], zones[i])
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
