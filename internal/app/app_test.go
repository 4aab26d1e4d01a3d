package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/internal/samples"
	"github.com/gleaner/gleaner/store"
)

// sampleConfig writes a config polling the sample feeds and parses it.
func sampleConfig(t *testing.T, extra string) *Config {
	return feedsConfig(t, os.DirFS("../../testdata/feeds"), extra, func(_ *samples.Server, file string) string { return samples.SourceName(file) })
}

// feedsConfig serves the sample feeds of fsys until the test ends, and loads a
// config whose sources they are, each named by name.
func feedsConfig(t *testing.T, fsys fs.FS, extra string, name func(s *samples.Server, file string) string) *Config {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, base, err := samples.StartFS(ctx, fsys)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "database = \"g.db\"\n%s\n", extra)
	for _, n := range s.Names() {
		fmt.Fprintf(&b, "[[source]]\nname = %q\nurl = %q\n", name(s, n), base+n)
	}
	path := filepath.Join(t.TempDir(), "gleaner.toml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestNewPollsAndPublishes assembles gleaner from a config and runs one
// round: every sample source answers, the curated feed is refreshed with what
// the topic filter kept, and the story grouper is in place.
func TestNewPollsAndPublishes(t *testing.T) {
	cfg := sampleConfig(t, "")
	if cfg.Classifier == nil {
		t.Fatal("LoadConfig did not compile the topic profile")
	}
	ctx := context.Background()
	var refreshed int
	a, err := New(ctx, cfg, Options{Refreshed: func(time.Duration) { refreshed++ }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	reports := a.Poller.PollAll(ctx)
	if len(reports) != len(cfg.Sources) {
		t.Fatalf("%d reports for %d sources", len(reports), len(cfg.Sources))
	}
	kept := 0
	for _, r := range reports {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Source.Name, r.Err)
		}
		kept += r.Kept
	}
	if kept == 0 || refreshed == 0 || a.Curated() == 0 {
		t.Errorf("kept %d, refreshed %d times, %d curated entries: want all above 0", kept, refreshed, a.Curated())
	}
	rec := httptest.NewRecorder()
	a.Publish.ServeHTTP(rec, httptest.NewRequest("GET", "/feed.json", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"items"`) {
		t.Errorf("/feed.json: %d %.200s", rec.Code, rec.Body)
	}
	if a.Grouper() == nil {
		t.Errorf("no story grouper with [stories] on by default")
	}
}

// TestNewWithoutStories leaves the grouper out, as an untyped nil, so that the
// store and the poller see no grouper at all.
func TestNewWithoutStories(t *testing.T) {
	cfg := sampleConfig(t, "[stories]\nenabled = false\n")
	a, err := New(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if g := a.Grouper(); g != nil {
		t.Errorf("Grouper() = %#v with stories off, want nil", g)
	}
}

// TestLockRefusesASecondPoller opens the same database twice for polling: the
// second is refused with the first's pid, and gets the lock once the first
// closes. Apps that only read (no Lock) open beside it.
func TestLockRefusesASecondPoller(t *testing.T) {
	cfg := sampleConfig(t, "")
	ctx := context.Background()
	a, err := New(ctx, cfg, Options{Lock: "run"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetAddress("127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	_, err = New(ctx, cfg, Options{Lock: "fetch"})
	if !errors.Is(err, ErrDatabaseInUse) || !strings.Contains(err.Error(), fmt.Sprintf("gleaner run (pid %d, serving 127.0.0.1:8080", os.Getpid())) {
		t.Fatalf("second poller: %v", err)
	}
	reader, err := New(ctx, cfg, Options{})
	if err != nil {
		t.Fatalf("an App without the lock beside the poller: %v", err)
	}
	reader.Close()
	a.Close()
	b, err := New(ctx, cfg, Options{Lock: "fetch"})
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	b.Close()
}

// TestPublishOptions: the pages' zone is [feed] timezone, else this
// machine's; ?category= is checked against the topic profile's facets.
func TestPublishOptions(t *testing.T) {
	cfg := sampleConfig(t, "")
	o := PublishOptions(cfg.Config)
	if o.Location != time.Local {
		t.Errorf("zone %v without [feed] timezone, want the machine's", o.Location)
	}
	if !slices.Contains(o.Facets, "export-control") || !slices.IsSorted(o.Facets) {
		t.Errorf("facets %q", o.Facets)
	}
	cfg = sampleConfig(t, "[feed]\ntimezone = \"Asia/Seoul\"\n")
	if got := PublishOptions(cfg.Config); got.Location.String() != "Asia/Seoul" || !got.Equal(PublishOptions(cfg.Config)) {
		t.Errorf("zone %v, want Asia/Seoul, the same on every call", got.Location)
	}
}

// TestLockFollowsSymbolicLinks: one database reached through a link, to the
// file or to its directory, has one lock: a second poller started on it by the
// other path was let in, and both polled every source.
func TestLockFollowsSymbolicLinks(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "real", "g.db")
	if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
		t.Fatal(err)
	}
	first, err := lockDatabase(db, "run")
	if err != nil || first == nil {
		t.Fatalf("first lock: %v", err)
	}
	defer first.f.Close()
	if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "linkdir")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := os.WriteFile(db, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(db, filepath.Join(dir, "link.db")); err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{filepath.Join(dir, "linkdir", "g.db"), filepath.Join(dir, "link.db")} {
		l, err := lockDatabase(other, "fetch")
		if !errors.Is(err, ErrDatabaseInUse) {
			if l != nil {
				l.f.Close()
			}
			t.Errorf("lock of %s while %s is locked: %v, want ErrDatabaseInUse", other, db, err)
		}
	}
}

// TestNoMigrationUnderAnOlderDaemon: a command that would migrate a database
// lacking a migration of this gleaner (gleaner sources, stories, label ...)
// refuses while another gleaner polls it, and migrates nothing: that daemon is
// older, and could not start again on the migrated file. Without one, the
// command takes the lock while it migrates.
func TestNoMigrationUnderAnOlderDaemon(t *testing.T) {
	cfg := sampleConfig(t, "")
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	// What an older gleaner left: the newest migration not applied.
	raw, err := sql.Open("sqlite", cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var newest int
	if err := raw.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&newest); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("DELETE FROM schema_migrations WHERE version = ?", newest); err != nil {
		t.Fatal(err)
	}
	daemon, err := lockDatabase(cfg.Database, "run")
	if err != nil || daemon == nil {
		t.Fatalf("lock: %v", err)
	}
	_, _, err = SourceStatus(ctx, cfg.Config, false)
	if !errors.Is(err, ErrDatabaseInUse) || !strings.Contains(err.Error(), "lacks migrations of this gleaner, and another gleaner polls it (gleaner run") {
		t.Errorf("sources beside an older daemon: %v", err)
	}
	if _, err := ReadStoreOrMigrate(ctx, cfg.Path); !errors.Is(err, ErrDatabaseInUse) || strings.Contains(err.Error(), "stop that one first") {
		t.Errorf("stories beside an older daemon: %v", err)
	}
	// A command that only reads migrates nothing: it says what the file lacks,
	// and that the daemon beside it is in the way of the usual fix.
	if _, err := ReadStore(ctx, cfg.Path); !errors.Is(err, store.ErrNotMigrated) || !strings.Contains(err.Error(), "restart the daemon with this version first") {
		t.Errorf("labels beside an older daemon: %v", err)
	}
	var n int
	if err := raw.QueryRow("SELECT count(*) FROM schema_migrations WHERE version = ?", newest).Scan(&n); err != nil || n != 0 {
		t.Errorf("migration %d applied under the daemon (%v)", newest, err)
	}
	daemon.release()
	// Another command migrating it: try again.
	other, err := lockDatabase(cfg.Database, "migrate")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadStoreOrMigrate(ctx, cfg.Path); !errors.Is(err, ErrDatabaseInUse) || !strings.Contains(err.Error(), "another command is migrating it") {
		t.Errorf("stories beside a migration: %v", err)
	}
	other.release()
	// A cron job's gleaner fetch: wait for it, and upgrade what runs it.
	fetch, err := lockDatabase(cfg.Database, "fetch")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadStoreOrMigrate(ctx, cfg.Path); !errors.Is(err, ErrDatabaseInUse) || !strings.Contains(err.Error(), "a gleaner fetch is polling it") {
		t.Errorf("stories beside a fetch: %v", err)
	}
	fetch.release()
	// A lock file left by a process that is gone names nobody.
	if err := os.WriteFile(cfg.Database+".lock", []byte("pid=2147483646\ncommand=gleaner run\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadStore(ctx, cfg.Path); !errors.Is(err, store.ErrNotMigrated) || strings.Contains(err.Error(), "polls it") {
		t.Errorf("labels beside a stale lock file: %v", err)
	}
}
