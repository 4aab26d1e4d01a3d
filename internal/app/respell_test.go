package app

import (
	"context"
	"os"
	"regexp"
	"testing"
)

// TestRespeltSourceKeepsItsItems: a source whose URL the user re-spells (the
// scheme and host in capitals, a fragment) is the same source, as the config's
// duplicate rule says: its items are not stored a second time, and no removed
// twin of it is left behind.
func TestRespeltSourceKeepsItsItems(t *testing.T) {
	cfg := sampleConfig(t, "")
	ctx := context.Background()
	a, err := New(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	stored := 0
	for _, r := range a.Poller.PollAll(ctx) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Source.Name, r.Err)
		}
		stored += r.New
	}
	if stored == 0 {
		t.Fatal("the first round stored nothing")
	}
	data, err := os.ReadFile(cfg.Path)
	if err != nil {
		t.Fatal(err)
	}
	data = regexp.MustCompile(`url = "http://127\.0\.0\.1(:\d+/[^"]*)"`).ReplaceAll(data, []byte(`url = " HTTP://127.0.0.1$1#top"`))
	if err := os.WriteFile(cfg.Path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	respelt, err := LoadConfig(cfg.Path)
	if err != nil {
		t.Fatal(err)
	}
	if respelt.Sources[0].URL == cfg.Sources[0].URL {
		t.Fatalf("the test did not re-spell the URLs: %s", respelt.Sources[0].URL)
	}
	if err := a.SyncSources(ctx, respelt); err != nil {
		t.Fatal(err)
	}
	again := 0
	for _, r := range a.Poller.PollAll(ctx) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Source.Name, r.Err)
		}
		again += r.New
	}
	if again != 0 {
		t.Errorf("after re-spelling the URLs, %d items were stored again (first round: %d)", again, stored)
	}
	status, err := a.Store.SourceStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(status) != len(cfg.Sources) {
		t.Errorf("%d stored sources for %d configured: the old spellings stayed as removed sources", len(status), len(cfg.Sources))
	}
	for _, s := range status {
		if !s.Active || s.Source.URL[:5] != "HTTP:" {
			t.Errorf("stored source %q (active %v): want the new spelling, active", s.Source.URL, s.Active)
		}
	}
}
