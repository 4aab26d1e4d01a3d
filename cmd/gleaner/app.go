package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
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

// app is gleaner assembled from a config: every long-lived part, built once.
type app struct {
	// cfg is the config in effect. The daemon swaps it on reload (under mu,
	// read with config()); one-shot commands read it directly.
	cfg     *config.Config
	mu      sync.Mutex
	log     *slog.Logger
	client  *http.Client
	store   *store.Store
	poller  *aggregate.Poller
	publish *publish.Handler
	grouper aggregate.Grouper // nil: only identical URLs group
	// announce writes the static export and pings the WebSub hub after changes;
	// a reload that changes [publish] swaps it.
	announce atomic.Pointer[announcer]
	curated  atomic.Int64 // entries in the default curated feed at its last refresh
}

// appOptions are what the daemon (and its tests) add to an app.
type appOptions struct {
	observer aggregate.Observer // poll metrics; nil for none
	now      func() time.Time   // the poller's clock; nil for time.Now
}

// config returns the config in effect.
func (a *app) config() *config.Config {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cfg
}

func (a *app) setConfig(cfg *config.Config) {
	a.mu.Lock()
	a.cfg = cfg
	a.mu.Unlock()
}

// loadConfig reads the config and compiles its topic profile.
func loadConfig(path string) (*config.Config, *topic.Classifier, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, nil, err
	}
	c, err := classifierFor(cfg)
	if err != nil {
		return nil, nil, err
	}
	return cfg, c, nil
}

// classifierFor compiles the config's [topic] profile, or the built-in one.
func classifierFor(cfg *config.Config) (*topic.Classifier, error) {
	p := cfg.Topic
	if p == nil {
		p = topic.Default()
	}
	c, err := topic.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("topic profile: %w", err)
	}
	return c, nil
}

// sourcesOf converts configured sources to the domain's.
func sourcesOf(cfg *config.Config) []aggregate.Source {
	out := make([]aggregate.Source, len(cfg.Sources))
	for i, s := range cfg.Sources {
		loc := time.UTC
		if s.Timezone != "" {
			// Validated by config.Load.
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

// openApp is how the one-shot commands (fetch, export, reclassify) start: the
// logger from the flags, the config, and the app, with a context that ends on
// SIGINT or SIGTERM. close releases all of it.
func (f *flags) openApp(e *env) (a *app, ctx context.Context, close func(), err error) {
	log, err := f.logger(e.stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	cfg, c, err := loadConfig(f.config)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	a, err = newApp(ctx, cfg, c, log)
	if err != nil {
		stop()
		return nil, nil, nil, err
	}
	return a, ctx, func() { a.close(); stop() }, nil
}

// newApp opens the store and builds the poller and the publisher.
func newApp(ctx context.Context, cfg *config.Config, c *topic.Classifier, log *slog.Logger) (*app, error) {
	return newAppWith(ctx, cfg, c, log, appOptions{})
}

// newAppWith is newApp with the daemon's additions.
func newAppWith(ctx context.Context, cfg *config.Config, c *topic.Classifier, log *slog.Logger, o appOptions) (*app, error) {
	gctune.Apply(cfg.MemoryLimit.N())
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, store: st}
	a.client = fetch.NewHTTPClient(cfg.Poll.Timeout.D(), fetch.AddressPolicy{DenyPrivate: cfg.Poll.DenyPrivate})
	ua := cfg.Poll.UserAgent
	if ua == "" {
		ua = userAgent()
	}
	fc := fetch.New(a.client, fetch.Options{
		UserAgent: ua,
		Timeout:   cfg.Poll.Timeout.D(),
		MaxBody:   cfg.Poll.MaxBody.N(),
		MaxItems:  cfg.Poll.MaxItems,
		PerHost:   cfg.Poll.PerHost,
	})
	a.publish = publish.New(publishOptions(cfg), countingLister{st, a}, st, log)
	a.announce.Store(a.announcerFor(cfg))
	a.poller = aggregate.NewPoller(st, fc, c, aggregate.Options{
		Concurrency: cfg.Poll.Concurrency,
		MaxBackoff:  cfg.Poll.MaxBackoff.D(),
		MaxAge:      cfg.Feed.MaxAge.D(),
		FirstSpread: min(cfg.Poll.Interval.D()/4, 10*time.Second),
		OnChange:    a.refresh,
		Observer:    o.observer,
		Log:         log,
		Now:         o.now,
	})
	if cfg.Stories.On() {
		g := a.grouperFor(cfg)
		a.grouper = g
		a.poller.SetGrouper(g)
	}
	if err := a.syncSources(ctx); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// storyConfig is the config's [stories] section with the grouping package's
// tuned threshold where the config leaves it out.
func storyConfig(cfg *config.Config) story.Config {
	sc := story.DefaultConfig()
	sc.Window = cfg.Stories.Window.D()
	if cfg.Stories.Threshold > 0 {
		sc.Threshold = cfg.Stories.Threshold
	}
	return sc
}

// grouperFor builds the near-duplicate index for cfg's [stories] section, filled
// from the stored items of the last story window.
func (a *app) grouperFor(cfg *config.Config) *aggregate.StoryGrouper {
	sc := storyConfig(cfg)
	// The index is filled on first use: a round that brings no new curated
	// item (most cron runs of gleaner fetch) never reads the story window.
	load := func() ([]aggregate.Item, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return a.store.StoryItems(ctx, time.Now().Add(-sc.Window-24*time.Hour))
	}
	report := func(n int, took time.Duration, err error) {
		if err != nil {
			a.log.Error("story index: load the recent curated items (grouping goes on without them; retried on next use)", "error", err)
			return
		}
		a.log.Info("story index loaded", "items", n, "duration", took.Round(time.Millisecond))
	}
	return aggregate.NewStoryGrouper(sc).WithLoader(load, report)
}

// syncSources makes the store and the poller follow the config's source list.
func (a *app) syncSources(ctx context.Context) error {
	return a.syncSourcesOf(ctx, a.cfg)
}

// syncSourcesOf makes the store, the poller and /sources.opml follow cfg's
// sources: new ones are polled soon, removed ones stop (their items and fetch
// state stay in the store).
func (a *app) syncSourcesOf(ctx context.Context, cfg *config.Config) error {
	src, states, err := a.store.SyncSources(ctx, sourcesOf(cfg))
	if err != nil {
		return err
	}
	a.poller.SetSources(src, states)
	a.publish.SetSources(src)
	return nil
}

// refresh re-renders the curated feed after the store changed.
func (a *app) refresh(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	changed, err := a.publish.Refresh(ctx)
	if err != nil {
		a.log.Error("refresh curated feed", "error", err)
		return
	}
	if an := a.announce.Load(); changed && an != nil {
		an.changed(ctx)
	}
}

// reclassify re-applies c to items first seen since then and refreshes the feed.
func (a *app) reclassify(ctx context.Context, c aggregate.Classifier, since time.Time) (store.ReclassifyStats, error) {
	st, err := a.store.Reclassify(ctx, since, classifyFunc(c), a.grouper)
	if err != nil {
		return st, err
	}
	a.log.Info("reclassified", "checked", st.Checked, "changed", st.Changed, "entered", st.Entered, "left", st.Left)
	a.refresh(ctx)
	return st, nil
}

// announcerFor builds the announcer of cfg's [publish] export_dir and hub.
func (a *app) announcerFor(cfg *config.Config) *announcer {
	var hub *publish.Notifier
	if cfg.Publish.Hub != "" {
		hub = publish.NewNotifier(a.client, cfg.Publish.Hub, publish.Topics(publishOptions(cfg)), a.log)
	}
	return newAnnouncer(a.publish, cfg.Publish.ExportDir, hub, a.log)
}

func (a *app) close() error {
	if an := a.announce.Load(); an != nil {
		an.close()
	}
	return a.store.Close()
}

// countingLister passes the publisher's queries to the store and remembers the
// size of the default curated feed, for the curated-entries metric.
type countingLister struct {
	st *store.Store
	a  *app
}

func (l countingLister) Curated(ctx context.Context, q aggregate.Query) ([]aggregate.Entry, error) {
	entries, err := l.st.Curated(ctx, q)
	if err == nil && q.Lang == "" && q.Facet == "" && q.Limit == l.a.config().Feed.MaxItems {
		l.a.curated.Store(int64(len(entries)))
	}
	return entries, err
}
