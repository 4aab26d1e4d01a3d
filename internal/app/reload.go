package app

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/gctune"
	"github.com/gleaner/gleaner/internal/sdnotify"
)

// reclassifyWindow is how far back a changed [topic] profile is re-applied on
// reload: far enough to cover what the curated feed shows.
const reclassifyWindow = 30 * 24 * time.Hour

// reloader re-reads the config file and applies what changed to the running
// daemon. A file that does not load changes nothing: the daemon keeps the last
// good config. Nothing a reload does deletes stored items or fetch state.
type reloader struct {
	a       *App
	path    string
	log     *slog.Logger
	m       *metrics
	n       *sdnotify.Notifier
	now     func() time.Time
	onApply func() // called after each successful reload (tests)
	// lastRound is the status line of the last poll round (roundStatus), which
	// the status sent after a reload keeps.
	lastRound *atomic.Pointer[string]

	mu       sync.Mutex // one reload at a time
	lastSeen [sha256.Size]byte
	// named is the topic_file the config file named when last read, whether
	// or not that reload was refused: the one to watch, so that creating or
	// fixing it is noticed.
	named atomic.Pointer[string]
}

// namedTopicFile is the topic_file the config file named when last read, or "".
func (r *reloader) namedTopicFile() string {
	if p := r.named.Load(); p != nil {
		return *p
	}
	return r.a.Config().TopicFile
}

// reload reloads the config. Unless force (SIGHUP), a file whose bytes did not
// change since the last attempt is left alone: the watcher fires for touches
// and for saves that change nothing.
func (r *reloader) reload(ctx context.Context, why string, force bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	data, err := config.ReadFile(r.path)
	if err != nil {
		// An editor between removing and renaming, or a mistake: keep running,
		// and load the file when it is back, even with the same bytes.
		r.lastSeen = [sha256.Size]byte{}
		r.failed(why, fmt.Errorf("read config: %w", err))
		return err
	}
	// The topic file the new text names, not the one in effect: after a
	// reload refused for a missing or broken topic file, fixing that file (and
	// touching the config) must be seen as a change.
	tf := config.TopicFileOf(r.path, data)
	r.named.Store(&tf)
	sum := configSum(data, tf)
	if !force && sum == r.lastSeen {
		return nil
	}
	r.lastSeen = sum

	r.n.Reloading()
	defer func() { r.n.Ready(r.statusLine()) }()
	cfg, err := ParseConfig(r.path, data)
	if err != nil {
		r.failed(why, err)
		return err
	}
	logWarnings(r.log, cfg)
	if err := r.apply(ctx, cfg); err != nil {
		// Not the file's fault (the database, most likely): let the next event retry.
		r.lastSeen = [sha256.Size]byte{}
		r.failed(why, err)
		return err
	}
	r.m.reloads.Inc()
	r.m.reloadOK.Set(1)
	r.m.reloadOKTime.SetToCurrentTime()
	if r.onApply != nil {
		r.onApply()
	}
	return nil
}

// failed logs a refused reload, one line per problem in the file so that each
// names its file:line:column and key, and counts it.
func (r *reloader) failed(why string, err error) {
	r.m.reloadErrors.Inc()
	r.m.reloadOK.Set(0)
	var errs config.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			r.log.Error("config reload refused: keeping the last good config", "trigger", why, "problem", e.Error())
		}
		return
	}
	r.log.Error("config reload failed: keeping the last good config", "trigger", why, "config", r.path, "error", err)
}

// apply makes the daemon follow cfg: sources first (the one step that can fail,
// so that a failure leaves everything as it was), then the publisher, the
// story grouper and the topic filter.
func (r *reloader) apply(ctx context.Context, cfg *Config) error {
	old := r.a.Config()
	restart := keepRestartOnly(old.Config, cfg.Config)
	if err := r.a.SyncSources(ctx, cfg); err != nil {
		return fmt.Errorf("apply sources: %w", err)
	}
	added, removed := diffSources(old.Config, cfg.Config)
	if r.m != nil {
		r.m.forgetSources(old.Sources, cfg.Sources)
	}
	var changed []string
	if len(added) > 0 || len(removed) > 0 {
		changed = append(changed, "source")
	} else if !sameSources(old.Sources, cfg.Sources) {
		changed = append(changed, "source") // intervals, names, zones, order
	}
	if old.MemoryLimit.N() != cfg.MemoryLimit.N() {
		gctune.Apply(cfg.MemoryLimit.N())
		changed = append(changed, "memory_limit")
	}
	if po, pn := PublishOptions(old.Config), PublishOptions(cfg.Config); !po.Equal(pn) {
		r.a.Publish.SetOptions(pn)
		po.Facets = pn.Facets // they follow [topic], which is reported as such
		if !po.Equal(pn) {
			changed = append(changed, "feed")
		}
	}
	newAnnouncer := old.Publish.ExportDir != cfg.Publish.ExportDir || old.Publish.Hub != cfg.Publish.Hub ||
		old.Feed.BaseURL != cfg.Feed.BaseURL // the hub is told the feeds' URLs
	if newAnnouncer {
		changed = append(changed, "publish")
	}
	// Any setting of the grouper (window, thresholds, aliases, mates) rebuilds it.
	if old.Stories.On() != cfg.Stories.On() || !reflect.DeepEqual(StoryConfig(old.Config), StoryConfig(cfg.Config)) {
		changed = append(changed, "stories")
		r.a.setStories(cfg)
	}
	if old.Store.KeepMatched.D() != cfg.Store.KeepMatched.D() || old.Store.KeepUnmatched.D() != cfg.Store.KeepUnmatched.D() {
		changed = append(changed, "store")
	}
	topicChanged := !reflect.DeepEqual(old.Topic, cfg.Topic)
	if topicChanged {
		changed = append(changed, "topic")
		r.a.Poller.SetClassifier(cfg.Classifier)
	}
	r.a.setConfig(cfg)
	if newAnnouncer {
		// The old one may be waiting on a slow hub: let it finish on its own.
		old := r.a.announce.Swap(r.a.announcerFor(cfg))
		go old.close()
	}
	r.log.Info("config reloaded", "config", r.path, "sources", len(cfg.Sources), "added", fewNames(added), "removed", fewNames(removed),
		"changed", changed)
	if len(restart) > 0 {
		r.log.Warn("config changes need a restart to apply; running with the old values", "keys", restart)
	}
	if topicChanged {
		// Recent items are judged again with the new profile, so that the feed
		// reflects it now rather than as new items arrive.
		if st, err := r.a.Reclassify(ctx, cfg.Classifier, r.now().Add(-reclassifyWindow), nil); err != nil {
			r.log.Error("re-apply topic profile to recent items", "error", err)
		} else {
			r.log.Info("reclassified", "checked", st.Checked, "changed", st.Changed, "entered", st.Entered, "left", st.Left)
		}
	} else {
		r.a.Refresh(ctx)
	}
	if newAnnouncer {
		// Write the export to its new place, and tell the new hub, now.
		r.a.announce.Load().changed(ctx)
	}
	return nil
}

// keepRestartOnly puts old's values back into cfg for the settings that are
// fixed while running (the listener, the database, the fetch client and the
// poller's limits) and names the keys that differed.
func keepRestartOnly(old, cfg *config.Config) []string {
	var keys []string
	keep := func(key string, differs bool, restore func()) {
		if differs {
			keys = append(keys, key)
			restore()
		}
	}
	keep("listen", old.Listen != cfg.Listen, func() {
		// A base URL derived from the new address would send readers where
		// nothing listens until the restart: it follows the address kept.
		if cfg.Feed.BaseURL == config.DefaultBaseURL(cfg.Listen) {
			cfg.Feed.BaseURL = config.DefaultBaseURL(old.Listen)
		}
		cfg.Listen = old.Listen
	})
	keep("database", old.Database != cfg.Database, func() { cfg.Database = old.Database })
	keep("poll.timeout", old.Poll.Timeout.D() != cfg.Poll.Timeout.D(), func() { cfg.Poll.Timeout = old.Poll.Timeout })
	keep("poll.concurrency", old.Poll.Concurrency != cfg.Poll.Concurrency, func() { cfg.Poll.Concurrency = old.Poll.Concurrency })
	keep("poll.per_host", old.Poll.PerHost != cfg.Poll.PerHost, func() { cfg.Poll.PerHost = old.Poll.PerHost })
	keep("poll.max_backoff", old.Poll.MaxBackoff.D() != cfg.Poll.MaxBackoff.D(), func() { cfg.Poll.MaxBackoff = old.Poll.MaxBackoff })
	keep("poll.max_body", old.Poll.MaxBody.N() != cfg.Poll.MaxBody.N(), func() { cfg.Poll.MaxBody = old.Poll.MaxBody })
	keep("poll.max_items", old.Poll.MaxItems != cfg.Poll.MaxItems, func() { cfg.Poll.MaxItems = old.Poll.MaxItems })
	keep("poll.user_agent", old.Poll.UserAgent != cfg.Poll.UserAgent, func() { cfg.Poll.UserAgent = old.Poll.UserAgent })
	keep("poll.deny_private", old.Poll.DenyPrivate != cfg.Poll.DenyPrivate, func() { cfg.Poll.DenyPrivate = old.Poll.DenyPrivate })
	keep("feed.max_age", old.Feed.MaxAge.D() != cfg.Feed.MaxAge.D(), func() { cfg.Feed.MaxAge = old.Feed.MaxAge })
	return keys
}

// sameSources reports whether two source lists poll the same way.
func sameSources(a, b []config.Source) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].URL != b[i].URL || a[i].Interval.D() != b[i].Interval.D() || a[i].Timezone != b[i].Timezone {
			return false
		}
	}
	return true
}

// diffSources names the sources cfg adds to and removes from old, by URL.
func diffSources(old, cfg *config.Config) (added, removed []string) {
	keys := func(list []config.Source) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, s := range list {
			m[config.URLKey(s.URL)] = true
		}
		return m
	}
	before, after := keys(old.Sources), keys(cfg.Sources)
	for _, s := range cfg.Sources {
		if !before[config.URLKey(s.URL)] {
			added = append(added, s.Name)
		}
	}
	for _, s := range old.Sources {
		if !after[config.URLKey(s.URL)] {
			removed = append(removed, s.Name)
		}
	}
	return added, removed
}

// logNames is how many sources a log line names before "and N more": adding
// or removing thousands at once made one line of megabytes.
const logNames = 20

// fewNames is names for a log line: the first logNames, then how many more.
func fewNames(names []string) []string {
	if len(names) <= logNames {
		return names
	}
	return append(slices.Clip(names[:logNames]), fmt.Sprintf("and %d more", len(names)-logNames))
}

// statusLine is what `systemctl status` shows under the unit: the last poll
// round, once there was one (README's "Running it as a service" shows it), else
// the address and sources.
func (r *reloader) statusLine() string {
	if r.lastRound != nil {
		if p := r.lastRound.Load(); p != nil {
			return *p
		}
	}
	cfg := r.a.Config()
	var b strings.Builder
	fmt.Fprintf(&b, "serving %s; %d sources", cfg.Listen, len(cfg.Sources))
	if rounds := r.a.Poller.Rounds(); rounds > 0 {
		fmt.Fprintf(&b, "; %d poll rounds", rounds)
	}
	return b.String()
}

// configSum identifies what a reload reads: the config file's bytes and those
// of the topic_file of the config in effect (an edit to gleaner.toml that
// names another topic_file changes the first).
func configSum(data []byte, topicFile string) [sha256.Size]byte {
	h := sha256.New()
	h.Write(data)
	if topicFile != "" {
		h.Write([]byte{0})
		if b, err := config.ReadFile(topicFile); err == nil {
			h.Write(b)
		}
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}
