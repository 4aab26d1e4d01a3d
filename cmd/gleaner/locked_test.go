package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
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
func quietNotifier() *notifier {
	return &notifier{log: slog.New(slog.DiscardHandler), send: func(string) (bool, error) { return false, nil }}
}

// inProcess runs the daemon in this process on clk; stop ends it and returns
// what it returned.
func inProcess(t *testing.T, cfgPath string, clk *fakeClock) (logs *syncBuffer, stop func() error) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the daemon for several seconds; skipped with -short")
	}
	logs = &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runDaemon(ctx, cfgPath, log, daemonOptions{now: clk.Now, notifier: quietNotifier()}) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				err = fmt.Errorf("daemon did not stop; log:\n%s", logs)
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return logs, stop
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
	logs, stop := inProcess(t, cfgPath, clk)

	feed := func() (int, string) { return httpGet("http://" + addr + "/feed.json") }
	waitFeed := func(what string, cond func(string) bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			clk.Add(5 * time.Second) // first polls are spread over up to 10s of the clock
			if code, body := feed(); code == 200 && cond(body) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; log:\n%s", what, logs)
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
	eventually(t, nil, 30*time.Second, "the poll", func() bool { return site.count("/feed/1.xml") > hits })
	// While the save waits for the lock and after it gave up, the feed is served as it was.
	for !strings.Contains(logs.String(), "save poll results") {
		if code, body := feed(); code != 200 || body != before {
			t.Fatalf("while the database is locked, /feed.json answered %d:\n%.300s", code, body)
		}
		if code, _ := httpGet("http://" + addr + "/healthz"); code != 200 {
			t.Fatalf("/healthz answered %d while the database is locked", code)
		}
		time.Sleep(200 * time.Millisecond)
	}
	eventually(t, nil, 30*time.Second, "the round's summary", func() bool {
		return strings.Contains(logs.String(), "errors=1")
	})
	if !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("the logged error does not say the database is locked:\n%s", logs)
	}
	if code, body := feed(); code != 200 || body != before {
		t.Errorf("after the failed save, /feed.json answered %d:\n%.300s", code, body)
	}
	if _, err := lock.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	lock.Close()

	// The retry comes after a backoff of about a minute.
	waitFeed("the new item after the retry", func(b string) bool { return strings.Contains(b, "rule 1-6") })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
