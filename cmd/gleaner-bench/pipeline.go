package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/aggregate/story"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/gctune"
	"github.com/gleaner/gleaner/publish"
	"github.com/gleaner/gleaner/store"
)

// pipeline is gleaner assembled the way cmd/gleaner's newApp assembles it for
// `gleaner fetch`: the config's store, one shared HTTP client, the fetch client
// with the config's limits, the built-in topic profile, the story grouper
// rebuilt from the store, the publisher refreshed after a round that changed
// the curated set.
type pipeline struct {
	cfg     *config.Config
	store   *store.Store
	poller  *aggregate.Poller
	publish *publish.Handler
	saver   *timedSaver

	refreshTime time.Duration
}

// timedSaver is the store as the poller's Saver, timing the writer's saves:
// they run one at a time, so their total bounds a round from below.
type timedSaver struct {
	*store.Store
	busy time.Duration
}

func (t *timedSaver) Save(ctx context.Context, b []aggregate.Fetched, g aggregate.Grouper) ([]aggregate.SaveStats, bool, error) {
	start := time.Now()
	defer func() { t.busy += time.Since(start) }()
	return t.Store.Save(ctx, b, g)
}

func openPipeline(ctx context.Context, cfgPath string, log *slog.Logger) (*pipeline, error) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	gctune.Apply(cfg.MemoryLimit.N()) // as gleaner does with the same config
	prof := cfg.Topic
	if prof == nil {
		prof = topic.Default()
	}
	c, err := topic.Compile(prof)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	p := &pipeline{cfg: cfg, store: st, saver: &timedSaver{Store: st}}
	hc := fetch.NewHTTPClient(cfg.Poll.Timeout.D(), fetch.AddressPolicy{DenyPrivate: cfg.Poll.DenyPrivate})
	fc := fetch.New(hc, fetch.Options{
		UserAgent: "gleaner-bench",
		Timeout:   cfg.Poll.Timeout.D(),
		MaxBody:   cfg.Poll.MaxBody.N(),
		MaxItems:  cfg.Poll.MaxItems,
		PerHost:   cfg.Poll.PerHost,
	})
	p.publish = publish.New(publishOptions(cfg), st, st, log)
	p.poller = aggregate.NewPoller(p.saver, fc, c, aggregate.Options{
		Concurrency: cfg.Poll.Concurrency,
		MaxBackoff:  cfg.Poll.MaxBackoff.D(),
		MaxAge:      cfg.Feed.MaxAge.D(),
		FirstSpread: min(cfg.Poll.Interval.D()/4, 10*time.Second),
		OnChange:    p.refresh,
		Log:         log,
	})
	if cfg.Stories.On() {
		g, err := newGrouper(ctx, cfg, st)
		if err != nil {
			st.Close()
			return nil, err
		}
		p.poller.SetGrouper(g)
	}
	src, states, err := st.SyncSources(ctx, sourcesOf(cfg))
	if err != nil {
		st.Close()
		return nil, err
	}
	p.poller.SetSources(src, states)
	p.publish.SetSources(src)
	return p, nil
}

func (p *pipeline) refresh(ctx context.Context) {
	start := time.Now()
	defer func() { p.refreshTime += time.Since(start) }()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, err := p.publish.Refresh(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "refresh curated feed:", err)
	}
}

func newGrouper(ctx context.Context, cfg *config.Config, st *store.Store) (*aggregate.StoryGrouper, error) {
	sc := story.DefaultConfig()
	sc.Window = cfg.Stories.Window.D()
	if cfg.Stories.Threshold > 0 {
		sc.Threshold = cfg.Stories.Threshold
	}
	g := aggregate.NewStoryGrouper(sc)
	items, err := st.StoryItems(ctx, time.Now().Add(-sc.Window-24*time.Hour))
	if err != nil {
		return nil, err
	}
	for i := range items {
		g.Add(&items[i], items[i].StoryID)
	}
	return g, nil
}

func sourcesOf(cfg *config.Config) []aggregate.Source {
	out := make([]aggregate.Source, len(cfg.Sources))
	for i, s := range cfg.Sources {
		loc := time.UTC
		if s.Timezone != "" {
			if l, err := time.LoadLocation(s.Timezone); err == nil {
				loc = l
			}
		}
		out[i] = aggregate.Source{Name: s.Name, URL: s.URL, Interval: s.Interval.D(), Timezone: loc, Rank: i}
	}
	return out
}

func publishOptions(cfg *config.Config) publish.Options {
	return publish.Options{
		Title:        cfg.Feed.Title,
		Description:  cfg.Feed.Description,
		BaseURL:      cfg.Feed.BaseURL,
		MaxItems:     cfg.Feed.MaxItems,
		MaxPerSource: cfg.Feed.MaxPerSource,
		CacheMaxAge:  min(cfg.Poll.Interval.D(), time.Hour),
		Hub:          cfg.Publish.Hub,
	}
}

// roundResult is what one poll round did and cost.
type roundResult struct {
	Round                         string
	Seconds                       float64
	CPU                           float64 // seconds of CPU time used
	SaveSeconds, RefreshSeconds   float64 // spent by the writer in store.Save and in refreshing the curated feed
	Sources, OK, NotModified, Err int
	Seen, New, Kept               int
	PeakRSS                       int64 // bytes, this process so far
	FirstError                    string
}

func (p *pipeline) round(ctx context.Context, name string) roundResult {
	start, cpu0 := time.Now(), cpuTime()
	p.saver.busy, p.refreshTime = 0, 0
	reports := p.poller.PollAll(ctx)
	r := roundResult{Round: name, Seconds: time.Since(start).Seconds(), CPU: (cpuTime() - cpu0).Seconds(), Sources: len(reports),
		SaveSeconds: p.saver.busy.Seconds(), RefreshSeconds: p.refreshTime.Seconds()}
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
	r.PeakRSS = peakRSS()
	if os.Getenv("GLEANER_BENCH_DEBUG") != "" {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(os.Stderr, "# %s: VmHWM %d kB, VmRSS %d kB, RssAnon %d kB, RssFile %d kB, heap sys %d MB, heap inuse %d MB, GC %d\n", name,
			memStatus("VmHWM"), memStatus("VmRSS"), memStatus("RssAnon"), memStatus("RssFile"), ms.HeapSys>>20, ms.HeapInuse>>20, ms.NumGC)
	}
	return r
}

// writeConfig writes a gleaner.toml that polls urls with the database at db,
// every other key at its default.
func writeConfig(path, db string, names, urls, zones []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "database = %q\nlisten = \"127.0.0.1:0\"\n\n", db)
	for i := range urls {
		fmt.Fprintf(&b, "[[source]]\nname = %q\nurl = %q\ntimezone = %q\n\n", names[i], urls[i], zones[i])
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
