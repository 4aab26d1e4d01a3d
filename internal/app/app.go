// Package app assembles gleaner from a config: the HTTP client, the store, the
// fetch client, the poller, the story grouper, the publisher and what announces
// its changes. Every binary builds gleaner here (gleaner run and the one-shot
// commands, gleaner-bench), so that what is measured is what runs. The daemon's
// other parts (reload, metrics, readiness, retention, the config watcher) live
// here too, and what the commands load and decide (the edits of the config's
// sources, labels, topic profiles, the demo); cmd/gleaner only parses flags,
// wires commands, orders shutdown and formats output. It is the only package
// that knows every concrete type.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/gctune"
	"github.com/gleaner/gleaner/publish"
	"github.com/gleaner/gleaner/store"
)

// App is gleaner assembled from a config: every long-lived part, built once.
type App struct {
	Log     *slog.Logger
	Client  *http.Client // the one HTTP client: fetches, WebSub pings
	Store   *store.Store
	Poller  *aggregate.Poller
	Publish *publish.Handler

	o    Options
	lock *dbLock // held for the App's life when Options.Lock is set

	// mu guards the parts a reload replaces.
	mu      sync.Mutex
	cfg     *Config
	grouper *aggregate.StoryGrouper // nil: stories off, only identical URLs group
	// announce writes the static export and pings the WebSub hub after changes.
	announce atomic.Pointer[announcer]
	curated  atomic.Int64 // entries in the default curated feed at its last refresh
}

// Options are what a binary adds to the config; the zero value is what the
// one-shot commands use.
type Options struct {
	Log      *slog.Logger       // nil: discard
	Version  string             // gleaner's version, in the default User-Agent
	Observer aggregate.Observer // told about each poll and round (metrics); nil for none
	Now      func() time.Time   // the poller's clock; nil for time.Now
	// PreloadStories loads the story index in the background as soon as it is
	// built (the daemon will group items sooner or later), instead of in the
	// first save that needs it (a cron run of gleaner fetch may never).
	PreloadStories bool
	// Saver, if set, wraps the store where the poller saves (the benchmark
	// times the writer with it).
	Saver func(aggregate.Saver) aggregate.Saver
	// Refreshed, if set, is told how long each refresh of the curated feed took.
	Refreshed func(took time.Duration)
	// PollLog is the poller's logger, nil for Log. gleaner fetch, which
	// prints every source's outcome itself, gives one that keeps only errors.
	PollLog *slog.Logger
	// Lock, if set, is the command ("run", "fetch") that polls the database:
	// New takes the database's lock for it, and refuses with ErrDatabaseInUse,
	// naming the holder, when another gleaner holds it.
	Lock   string
	Daemon bool // a long-running daemon (run, demo), not a one-shot fetch
	// Existing makes New fail when the database does not exist yet, rather than
	// create it: for commands that work on what was stored (export, reclassify,
	// label).
	Existing bool
}

// New opens the store and builds the poller and the publisher for cfg. Close
// releases them.
func New(ctx context.Context, cfg *Config, o Options) (*App, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	gctune.Apply(cfg.MemoryLimit.N())
	var lock *dbLock
	if o.Lock != "" {
		// A command that writes (run, fetch) makes the database's directory,
		// as export makes its own and systemd's StateDirectory= the service's.
		if err := makeDatabaseDir(cfg.Database, o.Log); err != nil {
			return nil, err
		}
		var err error
		if lock, err = lockDatabase(cfg.Database, o.Lock); err != nil {
			return nil, err
		}
	}
	open := store.Open
	if o.Existing {
		open = store.OpenExisting
	}
	var st *store.Store
	var err error
	_, statErr := os.Stat(cfg.Database)
	if lock != nil {
		st, err = open(ctx, cfg.Database)
	} else {
		st, err = openMigrating(ctx, cfg.Database, open)
	}
	if err != nil {
		lock.release()
		return nil, err
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		// A mistyped path starts an empty feed: say where the new file is.
		o.Log.Info("created a new, empty database", "path", cfg.Database)
	}
	a := &App{Log: o.Log, Store: st, o: o, cfg: cfg, lock: lock}
	a.Client = NewHTTPClient(cfg.Config)
	a.Publish = publish.New(PublishOptions(cfg.Config), countingLister{st, a}, st, a.Log)
	a.announce.Store(a.announcerFor(cfg))
	var saver aggregate.Saver = st
	if o.Saver != nil {
		saver = o.Saver(st)
	}
	a.Poller = aggregate.NewPoller(saver, newFetcher(cfg.Config, a.Client, o.Version, o.Daemon), cfg.Classifier, aggregate.PollerOptions{
		Concurrency: cfg.Poll.Concurrency,
		MaxBackoff:  cfg.Poll.MaxBackoff.D(),
		MaxAge:      cfg.Feed.MaxAge.D(),
		// No FirstSpread: the first polls of a start make one round, paced by
		// Concurrency and per_host, that one log line sums up (spread over
		// seconds, each second of the spread would be a round of its own).
		OnChange: a.Refresh,
		Observer: o.Observer,
		Log:      cmp.Or(o.PollLog, a.Log),
		Now:      o.Now,
	})
	if err := a.SyncSources(ctx, cfg); err != nil {
		a.Close()
		return nil, err
	}
	a.setStories(cfg)
	return a, nil
}

// Config returns the config in effect: the one New was given, or the last a
// reload applied.
func (a *App) Config() *Config {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cfg
}

func (a *App) setConfig(cfg *Config) {
	a.mu.Lock()
	a.cfg = cfg
	a.mu.Unlock()
}

// Grouper returns the story grouper in use, nil when stories are off.
func (a *App) Grouper() aggregate.Grouper {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.grouper == nil {
		return nil // not a typed nil in the interface
	}
	return a.grouper
}

// setStories builds the story grouper of cfg's [stories] section (or none)
// and hands it to the poller.
func (a *App) setStories(cfg *Config) {
	var g *aggregate.StoryGrouper
	if cfg.Stories.On() {
		g = a.grouperFor(cfg)
	}
	a.mu.Lock()
	a.grouper = g
	a.mu.Unlock()
	if g == nil {
		a.Poller.SetGrouper(nil)
		return
	}
	a.Poller.SetGrouper(g)
	if a.o.PreloadStories {
		go g.Len() // fills the index (see StoryGrouper.WithLoader, whose report logs it)
	}
}

// grouperFor builds the near-duplicate index for cfg's [stories] section,
// filled from the stored items of the last story window on first use.
func (a *App) grouperFor(cfg *Config) *aggregate.StoryGrouper {
	sc := StoryConfig(cfg.Config)
	load := func() ([]aggregate.Item, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return a.Store.StoryItems(ctx, sc.Horizon(time.Now()))
	}
	report := func(n int, took time.Duration, err error) {
		if err != nil {
			a.Log.Error("story index: load the recent curated items (grouping goes on without them; retried on next use)", "error", err)
			return
		}
		a.Log.Info("story index loaded", "items", n, "duration", took.Round(time.Millisecond))
	}
	return aggregate.NewStoryGrouper(sc).WithLoader(load, report)
}

// SyncSources makes the store, the poller and /sources.opml follow cfg's
// sources: new ones are polled soon, removed ones stop (their items and fetch
// state stay in the store).
func (a *App) SyncSources(ctx context.Context, cfg *Config) error {
	sources := Sources(cfg.Config)
	urls := make([]string, len(sources))
	for i, s := range sources {
		urls[i] = s.URL
	}
	respelt, err := a.Store.RespellSources(ctx, urls, config.URLKey)
	if err != nil {
		return err
	}
	for _, r := range respelt {
		a.Log.Info("source URL re-spelt: the same source, its items kept", "from", r[0], "to", r[1])
	}
	src, states, err := a.Store.SyncSources(ctx, sources)
	if err != nil {
		return err
	}
	a.Poller.SetSources(src, states)
	a.Publish.SetSources(src)
	return nil
}

// Refresh re-renders the curated feed after the store changed and, when it
// changed, writes the export and pings the hub.
func (a *App) Refresh(ctx context.Context) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	changed, err := a.Publish.Refresh(ctx)
	if a.o.Refreshed != nil {
		a.o.Refreshed(time.Since(start))
	}
	if err != nil {
		a.Log.Error("refresh curated feed", "error", err)
		return
	}
	if an := a.announce.Load(); changed && an != nil {
		an.changed(ctx)
	}
}

// Reclassify re-applies c to the items first seen since then and refreshes
// the curated feed. done, if not nil, is called after each item is judged.
// It logs nothing: the daemon logs what a reload's reclassification did, and
// gleaner reclassify prints it.
func (a *App) Reclassify(ctx context.Context, c aggregate.Classifier, since time.Time, done func()) (store.ReclassifyStats, error) {
	st, err := a.Store.Reclassify(ctx, since, classifyFunc(c, done), a.Grouper())
	if err != nil {
		return st, err
	}
	a.Refresh(ctx)
	return st, nil
}

// classifyFunc adapts a classifier to the store's reclassify callback, reading
// stored text exactly as the pipeline does.
func classifyFunc(c aggregate.Classifier, done func()) func(title, summary, body string) aggregate.Verdict {
	return func(title, summary, body string) aggregate.Verdict {
		v, _ := aggregate.ClassifyText(c, title, summary, body)
		if done != nil {
			done()
		}
		return v
	}
}

// PollOnce polls every source once now (gleaner fetch) and returns what each
// poll did; then it brings the search index up to date and writes the static export, when [publish] export_dir names
// one, even when nothing changed, so that a cron job's first run produces the
// files. The export is written once, after every poll, not after each change
// as the daemon writes it. The error is the export's.
func (a *App) PollOnce(ctx context.Context) ([]aggregate.Report, error) {
	an := a.announce.Load()
	if an != nil {
		an.holdExport.Store(true)
	}
	reports := a.Poller.PollAll(ctx)
	if an != nil {
		an.holdExport.Store(false)
	}
	// Leave the search index up to date, as a daemon keeps it.
	if _, err := a.Store.IndexSearch(context.WithoutCancel(ctx)); err != nil {
		a.Log.Warn("search index not brought up to date (the daemon will)", "error", err)
	}
	if dir := a.Config().Publish.ExportDir; dir != "" {
		if err := a.Publish.Export(ctx, dir); err != nil {
			return reports, err
		}
	}
	return reports, nil
}

// WarnExportLinks logs, when the config leaves feed.base_url out, that the
// files exported to dir link to the listen address: a static host's readers
// cannot open those links, and nothing else would tell.
func (a *App) WarnExportLinks(dir string) {
	if cfg := a.Config(); cfg.BaseURLDerived() {
		a.Log.Warn("feed.base_url is not set: the exported files link to the listen address; set it to the address they are served at",
			"base_url", cfg.Feed.BaseURL, "dir", dir)
	}
}

// Pollable counts the sources PollAll polls: the configured ones not gone.
func (a *App) Pollable(ctx context.Context) (int, error) {
	status, err := a.Store.SourceStatus(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range status {
		if s.Active && !s.State.Gone {
			n++
		}
	}
	return n, nil
}

// announcerFor builds the announcer of cfg's [publish] export_dir and hub.
func (a *App) announcerFor(cfg *Config) *announcer {
	var hub *publish.Notifier
	if cfg.Publish.Hub != "" {
		hub = publish.NewNotifier(a.Client, cfg.Publish.Hub, publish.Topics(PublishOptions(cfg.Config)), a.Log)
	}
	return newAnnouncer(a.Publish, cfg.Publish.ExportDir, hub, a.Log)
}

// Close stops the announcer (after any pending hub ping) and closes the store.
func (a *App) Close() error {
	if an := a.announce.Load(); an != nil {
		an.close()
	}
	return errors.Join(a.Store.Close(), a.lock.release())
}

// SetAddress records, in the database's lock, the address the App serves on,
// so that a gleaner refused beside it can say where it is.
func (a *App) SetAddress(addr string) error { return a.lock.setAddress(addr) }

// Curated is the number of entries of the default curated feed at its last
// refresh.
func (a *App) Curated() int64 { return a.curated.Load() }

// countingLister passes the publisher's queries to the store and remembers the
// size of the default curated feed, for the curated-entries metric.
type countingLister struct {
	st *store.Store
	a  *App
}

func (l countingLister) Curated(ctx context.Context, q aggregate.Query) ([]aggregate.Entry, error) {
	entries, err := l.st.Curated(ctx, q)
	if err == nil && q.Lang == "" && q.Facet == "" && q.Match == "" && q.Before.Published.IsZero() && q.Limit == l.a.Config().Feed.MaxItems {
		l.a.curated.Store(int64(len(entries)))
	}
	return entries, err
}

func (l countingLister) Story(ctx context.Context, id int64) (aggregate.Story, bool, error) {
	return l.st.Story(ctx, id)
}

func (l countingLister) StoryFates(ctx context.Context, ids []int64) (map[int64]int64, error) {
	return l.st.StoryFates(ctx, ids)
}

func (l countingLister) StoriesUpdated(ctx context.Context, ids []int64) (map[int64]time.Time, error) {
	return l.st.StoriesUpdated(ctx, ids)
}

// makeDatabaseDir creates the directory of the database file db, and those above
// it, when it does not exist yet, readable by its owner and group only.
func makeDatabaseDir(db string, log *slog.Logger) error {
	dir := filepath.Dir(db)
	if _, err := os.Stat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		return nil // there (or unreadable: the lock says why)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		// A file in the way says "not a directory", with its path.
		return store.ExplainAccess(dir, true, fmt.Errorf("create the database's directory: %w", err))
	}
	log.Info("created the database's directory", "directory", dir)
	return nil
}
