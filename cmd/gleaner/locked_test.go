package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/internal/sdnotify"
	"github.com/gleaner/gleaner/internal/syncbuf"
)

// fakeClock is the daemon's clock in in-process tests: schedules move only
// when the test says so.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// quietNotifier is a notifier that sends nothing.
func quietNotifier() *sdnotify.Notifier {
	return sdnotify.New(slog.New(slog.DiscardHandler), func(string) (bool, error) { return false, nil })
}

// inProcess runs the daemon in this process on clk, as a proc whose log the
// test reads; stop ends it and returns what it returned. tune, if given,
// adjusts the daemon's options.
func inProcess(t *testing.T, cfgPath string, clk *fakeClock, tune ...func(*app.DaemonOptions)) (p *proc, stop func() error) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the daemon for several seconds; skipped with -short")
	}
	p = &proc{log: &syncbuf.Buffer{}, done: make(chan struct{})}
	log := slog.New(slog.NewTextHandler(p.log, nil))
	ctx, cancel := context.WithCancel(context.Background())
	o := app.DaemonOptions{Now: clk.Now, Notifier: quietNotifier()}
	for _, f := range tune {
		f(&o)
	}
	go func() { p.err = runDaemon(ctx, cfgPath, log, nil, o); close(p.done) }()
	stop = func() error {
		cancel()
		select {
		case <-p.done:
			return p.err
		case <-time.After(30 * time.Second):
			return fmt.Errorf("daemon did not stop; log:\n%s", p.log)
		}
	}
	t.Cleanup(func() { stop() })
	return p, stop
}

// TestDatabaseLockedKeepsServing holds an exclusive lock on the database from
// another connection while a poll brings new items: the save fails with a
// clear logged error, the feed keeps being served as it was, and once the lock
// is gone the retried poll stores the items. The retry gets them only because
// the failed save kept the old validators: had the new ETag been stored, the
// server would have answered 304 and the items would be lost.
func TestDatabaseLockedKeepsServing(t *testing.T) {
	site := newFeedSite(t, 6)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gleaner.toml")
	addr := listenAddr(t)
	writeConfigFile(t, cfgPath, fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\n[poll]\ninterval = \"10m\"\n[[source]]\nname = \"one\"\nurl = %q\n", addr, site.url(1)))
	clk := &fakeClock{t: time.Now()}
	p, stop := inProcess(t, cfgPath, clk)

	feed := func() (int, string) { return httpGet("http://" + addr + "/feed.json") }
	waitFeed := func(what string, cond func(string) bool) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			clk.Add(5 * time.Second) // first polls are spread over up to 10s of the clock
			if code, body := feed(); code == 200 && cond(body) {
				return
			}
			if p.exited() {
				t.Fatalf("the daemon returned %v while waiting for %s; log:\n%s", p.err, what, p.log)
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; log:\n%s", what, p.log)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitFeed("the first items", func(b string) bool { return strings.Contains(b, "rule 1-3") })
	_, before := feed()

	// Another process takes the write lock and keeps it.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "g.db")+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lock, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	site.addItems(1, 3) // item 6 is about policy
	hits := site.count("/feed/1.xml")
	clk.Add(11 * time.Minute)
	eventually(t, p, 30*time.Second, "the poll", func() bool { return site.count("/feed/1.xml") > hits })
	// While the save waits for the lock and after it gave up, the feed is served as it was.
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(p.log.String(), "save poll results") {
		if p.exited() || time.Now().After(deadline) {
			t.Fatalf("no failed save logged (daemon exited: %v, %v); log:\n%s", p.exited(), p.err, p.log)
		}
		if code, body := feed(); code != 200 || body != before {
			t.Fatalf("while the database is locked, /feed.json answered %d:\n%.300s", code, body)
		}
		if code, _ := httpGet("http://" + addr + "/healthz"); code != 200 {
			t.Fatalf("/healthz answered %d while the database is locked", code)
		}
		time.Sleep(200 * time.Millisecond)
	}
	eventually(t, p, 30*time.Second, "the round's summary", func() bool {
		return strings.Contains(p.log.String(), "errors=1")
	})
	if !strings.Contains(p.log.String(), "database is locked") {
		t.Errorf("the logged error does not say the database is locked:\n%s", p.log)
	}
	if code, body := feed(); code != 200 || body != before {
		t.Errorf("after the failed save, /feed.json answered %d:\n%.300s", code, body)
	}
	// The source's row shows its state as last saved (ok): the status pages
	// say above it that saving fails.
	if code, body := httpGet("http://" + addr + "/status.json"); code != 200 || !strings.Contains(body, "Saving poll results has failed since") ||
		strings.Contains(body, "database is locked") {
		t.Errorf("/status.json while saves fail: %d\n%s", code, body)
	}
	if _, err := lock.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	lock.Close()

	// The retry comes after a backoff of about a minute.
	waitFeed("the new item after the retry", func(b string) bool { return strings.Contains(b, "rule 1-6") })
	if _, body := httpGet("http://" + addr + "/status.json"); strings.Contains(body, "problems") {
		t.Errorf("/status.json still lists problems after a save that worked:\n%s", body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestRetentionInDaemon runs retention from the daemon's schedule on a clock
// the test moves: unmatched items go after keep_unmatched, then the curated
// ones after keep_matched, the feed empties, and a poll of the feed that still
// lists them all brings none back.
func TestRetentionInDaemon(t *testing.T) {
	site := newFeedSite(t, 6)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gleaner.toml")
	addr := listenAddr(t)
	writeConfigFile(t, cfgPath, fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\n[poll]\ninterval = \"3h\"\n"+
		"[store]\nkeep_unmatched = \"1h\"\nkeep_matched = \"2h\"\n[[source]]\nname = \"one\"\nurl = %q\n", addr, site.url(1)))
	clk := &fakeClock{t: time.Now()}
	p, stop := inProcess(t, cfgPath, clk, func(o *app.DaemonOptions) {
		o.RetentionFirst, o.RetentionEvery = 50*time.Millisecond, 100*time.Millisecond
	})
	eventually(t, p, 30*time.Second, "/healthz", func() bool { code, _ := httpGet("http://" + addr + "/healthz"); return code == 200 })
	items := func() float64 { return metricValue(scrape(t, addr), "gleaner_stored_rows", "table=items") }
	deadline := time.Now().Add(30 * time.Second)
	for items() != 6 {
		clk.Add(2 * time.Second)
		if time.Now().After(deadline) {
			t.Fatalf("the first poll did not store 6 items; log:\n%s", p.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	clk.Add(90 * time.Minute) // past keep_unmatched only
	eventually(t, p, 30*time.Second, "the unmatched items deleted", func() bool { return items() == 2 })
	// The two left are the curated ones, which the feed shows (once its
	// refresh after the first poll, which runs beside retention, is done).
	eventually(t, p, 30*time.Second, "the curated items in the feed after the unmatched ones went", func() bool {
		_, body := httpGet("http://" + addr + "/feed.json")
		return strings.Contains(body, "rule 1-0") && strings.Contains(body, "rule 1-3")
	})
	clk.Add(time.Hour) // past keep_matched
	eventually(t, p, 30*time.Second, "every item deleted", func() bool { return items() == 0 })
	eventually(t, p, 30*time.Second, "the feed emptied", func() bool {
		_, body := httpGet("http://" + addr + "/feed.json")
		return strings.Contains(body, "AI Industry Policy") && !strings.Contains(body, "export controls")
	})
	// The feed gains an item, so the next poll reads it whole (not a 304) and
	// sees every deleted item again: the tombstones keep them out.
	site.addItems(1, 1)
	clk.Add(2 * time.Hour)
	eventually(t, p, 30*time.Second, "the new item curated", func() bool {
		_, body := httpGet("http://" + addr + "/feed.json")
		return strings.Contains(body, "rule 1-6")
	})
	fams := scrape(t, addr)
	if v := metricValue(fams, "gleaner_stored_rows", "table=items"); v != 1 {
		t.Errorf("%v items stored, want only the new one: deleted items came back", v)
	}
	if _, body := httpGet("http://" + addr + "/feed.json"); strings.Contains(body, "rule 1-0") {
		t.Errorf("a deleted item is back in the feed")
	}
	if v := metricValue(fams, "gleaner_retention_deleted_items_total"); v != 6 {
		t.Errorf("gleaner_retention_deleted_items_total = %v, want 6", v)
	}
	if !strings.Contains(p.log.String(), `msg=retention deleted=4`) {
		t.Errorf("no retention run logged:\n%s", p.log)
	}
	// Runs that deleted nothing (the first, at start, and those between) are
	// at debug level: an INFO line an hour for nothing.
	if strings.Contains(p.log.String(), `level=INFO msg=retention deleted=0 `) {
		t.Errorf("a retention run that deleted nothing was logged at INFO:\n%s", p.log)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestDatabaseFileDeletedUnderTheDaemon: the database file moved away (as
// rm or a restore with mv leaves it) under the running daemon turns /readyz
// to 503 with the reason and is logged once, not at every check; put back, it
// is logged as reachable again.
func TestDatabaseFileDeletedUnderTheDaemon(t *testing.T) {
	site := newFeedSite(t, 2)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gleaner.toml")
	addr := listenAddr(t)
	writeConfigFile(t, cfgPath, fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\n[poll]\ninterval = \"3h\"\n[[source]]\nname = \"one\"\nurl = %q\n", addr, site.url(1)))
	clk := &fakeClock{t: time.Now()}
	p, stop := inProcess(t, cfgPath, clk, func(o *app.DaemonOptions) { o.FileCheckEvery = 20 * time.Millisecond })
	eventually(t, p, 30*time.Second, "ready", func() bool {
		clk.Add(2 * time.Second)
		code, _ := httpGet("http://" + addr + "/readyz")
		return code == 200
	})
	db := filepath.Join(dir, "g.db")
	if err := os.Rename(db, db+".aside"); err != nil {
		t.Fatal(err)
	}
	eventually(t, p, 30*time.Second, "/readyz 503 with the reason", func() bool {
		code, body := httpGet("http://" + addr + "/readyz")
		return code == 503 && strings.Contains(body, "was deleted while gleaner had it open")
	})
	eventually(t, p, 30*time.Second, "the problem logged", func() bool { return strings.Contains(p.log.String(), "was deleted while gleaner had it open") })
	// The status pages, whose rows show the sources as last saved, say it too,
	// in their own words: no path or error text on a public page.
	for _, path := range []string{"/status.json", "/status"} {
		code, body := httpGet("http://" + addr + path)
		if code != 200 || !strings.Contains(body, "The database file cannot be reached") || strings.Contains(body, db) {
			t.Errorf("%s while the file is away: %d\n%s", path, code, body)
		}
	}
	time.Sleep(200 * time.Millisecond) // about ten more checks
	if n := strings.Count(p.log.String(), "level=ERROR msg=database "); n != 1 {
		t.Errorf("the deleted file logged %d times, want once:\n%s", n, p.log)
	}
	if err := os.Rename(db+".aside", db); err != nil {
		t.Fatal(err)
	}
	eventually(t, p, 30*time.Second, "logged reachable again", func() bool { return strings.Contains(p.log.String(), "database reachable again") })
	if _, body := httpGet("http://" + addr + "/status.json"); strings.Contains(body, "problems") {
		t.Errorf("/status.json still lists problems with the file back:\n%s", body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
