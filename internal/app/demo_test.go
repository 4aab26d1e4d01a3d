package app

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gleaner/gleaner/aggregate"
)

// TestDemoFeedsMakeStories polls the demo's embedded sample feeds with the
// config gleaner demo writes: several outlets' reports of one event become
// one entry, in either language and across both; outlets are named by their
// feeds' titles; the news that is not about AI policy stays out.
func TestDemoFeedsMakeStories(t *testing.T) {
	ctx := t.Context()
	a := demoApp(t, nil)
	for _, r := range a.Poller.PollAll(ctx) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Source.Name, r.Err)
		}
	}
	entries, err := a.Store.Curated(ctx, aggregate.Query{Limit: 100, MaxRelated: 10})
	if err != nil {
		t.Fatal(err)
	}
	several, both := 0, 0
	for _, e := range entries {
		t.Logf("%d reports %v: %s — %s", e.Reports, e.Langs, e.Outlet.Name, e.Item.Title)
		for _, r := range e.Also {
			t.Logf("    %s — %s", r.Outlet.Name, r.Title)
		}
		if e.Reports >= 3 {
			several++
		}
		if slices.Contains(e.Langs, "ko") && slices.Contains(e.Langs, "en") {
			both++
		}
		if !strings.Contains(e.Outlet.Name, "(sample feed)") && !strings.Contains(e.Outlet.Name, "(표본 피드)") {
			t.Errorf("outlet named %q, want its feed's title", e.Outlet.Name)
		}
		for _, off := range []string{"farm bill", "subway", "프로야구", "조류인플루엔자", "한파", "interest rates"} {
			if strings.Contains(e.Item.Title+e.Item.Summary, off) {
				t.Errorf("an item not about AI policy is curated: %s", e.Item.Title)
			}
		}
	}
	if several < 3 || both < 2 {
		t.Errorf("%d stories of three reports or more (want 3), %d in both languages (want 2)", several, both)
	}
}

// TestDemoPublishesOldSavedFeeds: gleaner demo -feeds DIR serves a user's saved
// feeds, often years old; their items are published, not stored as too old
// for the default max_age, which left the demo's page empty.
func TestDemoPublishesOldSavedFeeds(t *testing.T) {
	ctx := t.Context()
	old := `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Old policy news</title><link>https://old.example/</link>
<item><title>Commerce Department tightens export controls on advanced AI chips</title><link>https://old.example/1</link>
<pubDate>Mon, 07 Oct 2019 09:00:00 +0000</pubDate><description>The Commerce Department added AI chip makers to the entity list.</description></item>
</channel></rss>`
	a := demoApp(t, fstest.MapFS{"old.xml": {Data: []byte(old)}})
	// The config the demo wrote gets no warning of its retention: the user
	// wrote none of it (the test's port 0 gets one of its own).
	if w := a.Config().Warnings; strings.Contains(fmt.Sprint(w), "keep_matched") {
		t.Errorf("the demo's own config has warnings: %v", w)
	}
	a.Poller.PollAll(ctx)
	entries, err := a.Store.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil || len(entries) != 1 {
		t.Errorf("curated: %d entries (%v), want the 2019 item", len(entries), err)
	}
}

// demoApp is the app of the config gleaner demo writes for fsys (nil: the
// built-in sample feeds), closed with its demo when the test ends.
func demoApp(t *testing.T, fsys fs.FS) *App {
	t.Helper()
	d, err := StartDemo(t.Context(), fsys, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	cfg, err := LoadConfig(d.Config)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(t.Context(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}
