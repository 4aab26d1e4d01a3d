package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/aggregate/story"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/publish"
	"github.com/gleaner/gleaner/store"
)

// app is gleaner assembled from a config: every long-lived part, built once.
type app struct {
	cfg     *config.Config
	log     *slog.Logger
	client  *http.Client
	store   *store.Store
	poller  *aggregate.Poller
	publish *publish.Handler
	grouper aggregate.Grouper // nil: only identical URLs group
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

// newApp opens the store and builds the poller and the publisher.
func newApp(ctx context.Context, cfg *config.Config, c *topic.Classifier, log *slog.Logger) (*app, error) {
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, store: st}
	a.client = fetch.NewHTTPClient(cfg.Poll.Timeout.D())
	fc := fetch.New(a.client, fetch.Options{
		UserAgent: userAgent(),
		Timeout:   cfg.Poll.Timeout.D(),
		MaxBody:   cfg.Poll.MaxBody.N(),
		MaxItems:  cfg.Poll.MaxItems,
		PerHost:   cfg.Poll.PerHost,
	})
	a.publish = publish.New(publishOptions(cfg), st, st, log)
	a.poller = aggregate.NewPoller(st, fc, c, aggregate.Options{
		Concurrency: cfg.Poll.Concurrency,
		MaxBackoff:  cfg.Poll.MaxBackoff.D(),
		MaxAge:      cfg.Feed.MaxAge.D(),
		FirstSpread: min(cfg.Poll.Interval.D()/4, 10*time.Second),
		OnChange:    a.refresh,
		Log:         log,
	})
	if cfg.Stories.On() {
		g, err := a.newGrouper(ctx)
		if err != nil {
			st.Close()
			return nil, err
		}
		a.grouper = g
		a.poller.SetGrouper(g)
	}
	if err := a.syncSources(ctx); err != nil {
		st.Close()
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

// newGrouper builds the near-duplicate index from the stored items of the last
// story window.
func (a *app) newGrouper(ctx context.Context) (*aggregate.StoryGrouper, error) {
	sc := storyConfig(a.cfg)
	g := aggregate.NewStoryGrouper(sc)
	items, err := a.store.StoryItems(ctx, time.Now().Add(-sc.Window-24*time.Hour))
	if err != nil {
		return nil, err
	}
	for i := range items {
		g.Add(&items[i], items[i].StoryID)
	}
	return g, nil
}

// syncSources makes the store and the poller follow the config's source list.
func (a *app) syncSources(ctx context.Context) error {
	src, states, err := a.store.SyncSources(ctx, sourcesOf(a.cfg))
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
	if _, err := a.publish.Refresh(ctx); err != nil {
		a.log.Error("refresh curated feed", "error", err)
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

func (a *app) close() error { return a.store.Close() }
