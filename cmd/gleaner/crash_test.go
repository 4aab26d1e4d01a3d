package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// TestKill9DuringIngestion kills the real binary with SIGKILL, again and
// again, while it ingests 200 slow feeds (each kill lands while responses are
// in flight, so while items are being fetched, classified and saved), and
// restarts it each time. Feeds gain items between runs, so later runs write
// too. After a final complete round (`gleaner fetch`), the database passes
// integrity_check, holds every item of every feed exactly once, and serves the
// same curated feed as a clean run on a fresh database.
func TestKill9DuringIngestion(t *testing.T) {
	bin := gleanerBinary(t)
	const feeds, items, kills = 200, 20, 8
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 7))
	site := newFeedSite(t, items)
	site.setDelay(func(string) time.Duration { return time.Duration(20+rand.IntN(130)) * time.Millisecond })

	dir := t.TempDir()
	config := func(name, db string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "listen = %q\ndatabase = %q\n[poll]\ninterval = \"3s\"\nconcurrency = 8\nper_host = 8\n[stories]\nenabled = false\n",
			listenAddr(t), db)
		for n := range feeds {
			fmt.Fprintf(&b, "[[source]]\nname = \"feed %d\"\nurl = %q\n", n, site.url(n))
		}
		path := filepath.Join(dir, name)
		writeConfigFile(t, path, b.String())
		return path
	}
	crashed := config("crashed.toml", "crashed.db")

	for k := range kills {
		p := startGleaner(t, bin, crashed)
		// Wait until responses are in flight, then a little longer, at random.
		eventually(t, p, 30*time.Second, "a poll in flight", func() bool { return site.inflight.Load() > 0 })
		time.Sleep(time.Duration(rnd.IntN(1500)) * time.Millisecond)
		if p.exited() {
			t.Fatalf("run %d exited by itself (%v); log:\n%s", k, p.err, p.log)
		}
		p.kill()
		t.Logf("run %d killed: %d poll rounds logged", k, strings.Count(p.log.String(), `msg="poll round"`))
		// New items for some feeds, so that the next runs have writes to do.
		for n := range feeds {
			if rnd.IntN(4) == 0 {
				site.addItems(n, 1)
			}
		}
	}

	// One complete round on what the kills left, and a clean run for comparison.
	site.setDelay(nil)
	fetch := func(cfg string) {
		out, err := exec.Command(bin, "fetch", "-config", cfg).CombinedOutput()
		if err != nil {
			t.Fatalf("gleaner fetch -config %s: %v\n%s", cfg, err, out)
		}
		if regexp.MustCompile(`(?m)^feed \d+\s+error\s`).Match(out) {
			t.Fatalf("gleaner fetch -config %s: a source failed:\n%s", cfg, out)
		}
	}
	fetch(crashed)
	clean := config("clean.toml", "clean.db")
	fetch(clean)

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "crashed.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var integrity string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check = %q, %v", integrity, err)
	}
	var dupSources, dupItems int
	db.QueryRow("SELECT count(*) FROM (SELECT url FROM sources GROUP BY url HAVING count(*) > 1)").Scan(&dupSources)
	db.QueryRow("SELECT count(*) FROM (SELECT source_id, guid FROM items GROUP BY source_id, guid HAVING count(*) > 1)").Scan(&dupItems)
	if dupSources != 0 || dupItems != 0 {
		t.Errorf("%d duplicated sources, %d duplicated items", dupSources, dupItems)
	}
	rows, err := db.Query("SELECT s.name, count(i.id) FROM sources s LEFT JOIN items i ON i.source_id = s.id GROUP BY s.id")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		rows.Scan(&name, &n)
		got[name] = n
	}
	rows.Close()
	for n := range feeds {
		site.mu.Lock()
		want := items + site.extra[n]
		site.mu.Unlock()
		if name := fmt.Sprintf("feed %d", n); got[name] != want {
			t.Errorf("%s: %d items stored, want %d (every item once)", name, got[name], want)
		}
	}

	// The curated feed of the crashed database is the clean run's.
	entries := func(cfg string) []string {
		outDir := t.TempDir()
		if out, err := exec.Command(bin, "export", "-config", cfg, "-out", outDir).CombinedOutput(); err != nil {
			t.Fatalf("gleaner export: %v\n%s", err, out)
		}
		b, err := os.ReadFile(filepath.Join(outDir, "feed.json"))
		if err != nil {
			t.Fatal(err)
		}
		var raw struct {
			Items []map[string]any `json:"items"`
		}
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatalf("feed.json: %v", err)
		}
		var out []string
		for _, it := range raw.Items {
			out = append(out, fmt.Sprint(it["id"], " ", it["url"], " ", it["title"], " ", it["date_published"]))
		}
		return out
	}
	crashedFeed, cleanFeed := entries(crashed), entries(clean)
	if len(cleanFeed) == 0 {
		t.Fatal("the clean run's curated feed is empty")
	}
	if !reflect.DeepEqual(crashedFeed, cleanFeed) {
		t.Errorf("curated feed after the kills differs from a clean run's:\n%s\nwant\n%s",
			strings.Join(crashedFeed, "\n"), strings.Join(cleanFeed, "\n"))
	}
}
