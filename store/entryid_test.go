package store

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/story"
)

// TestItemsTakenInKeepTheirOwnEntryIDs: items the filter left out and that
// enter the curated feed later, by a curator's label or by reclassify, start
// stories of their own under the entry id a poll would have given them. Their
// keys are not GUIDs that are URIs (a plain GUID, none at all), so the id is made
// from the key: an item read back from the database has none in memory, and
// every such item of a source once got one id and joined one story.
func TestItemsTakenInKeepTheirOwnEntryIDs(t *testing.T) {
	ctx := context.Background()
	mk := func() []aggregate.Item {
		plain1 := item("hanbit-1004", "https://hanbit.example/1004", "baseball: a match report", false, t0.Add(-3*time.Hour))
		plain2 := item("hanbit-1005", "https://hanbit.example/1005", "flu: avian flu measures", false, t0.Add(-2*time.Hour))
		// No GUID and no link: the key is a hash of the title and date (aggregate's itemKey).
		bare1 := item("sha1:0a1b2c", "", "weather: rain tomorrow", false, t0.Add(-time.Hour))
		bare1.GUID = ""
		bare2 := item("sha1:3d4e5f", "", "markets: stocks fall", false, t0.Add(-time.Hour))
		bare2.GUID = ""
		return []aggregate.Item{plain1, plain2, bare1, bare2}
	}
	check := func(t *testing.T, s *Store, src aggregate.Source, items []aggregate.Item) {
		t.Helper()
		entries, err := s.Curated(ctx, aggregate.Query{Limit: 100, MaxRelated: 100})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{} // title -> entry id
		for _, e := range entries {
			if len(e.Also) > 0 {
				t.Errorf("entry %q has other reports %+v: unrelated items share a story", e.Item.Title, e.Also)
			}
			got[e.Item.Title] = e.ID
		}
		for _, it := range items {
			if want := aggregate.EntryID(src.URL, it); got[it.Title] != want {
				t.Errorf("%q: entry id %q, want %q (its own, as a poll gives it)", it.Title, got[it.Title], want)
			}
		}
	}

	t.Run("label", func(t *testing.T) {
		s := openTest(t)
		src := sync(t, s, "https://hanbit.example/feed")[0]
		items := mk()
		g := &fakeGrouper{by: map[string]int64{}}
		if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src.ID}, Items: items}}, g); err != nil {
			t.Fatal(err)
		}
		rows, err := s.r.Query(`SELECT id FROM items ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids { // one at a time, as a curator does
			if _, err := s.SetLabel(ctx, []int64{id}, aggregate.Label{Keep: true}, t0, g); err != nil {
				t.Fatal(err)
			}
		}
		check(t, s, src, items)
	})

	t.Run("reclassify", func(t *testing.T) {
		s := openTest(t)
		src := sync(t, s, "https://hanbit.example/feed")[0]
		items := mk()
		g := &fakeGrouper{by: map[string]int64{}}
		if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src.ID}, Items: items}}, g); err != nil {
			t.Fatal(err)
		}
		keepAll := func(title, summary, body string) aggregate.Verdict {
			return aggregate.Verdict{Match: true, Score: 1, Reasons: []string{"all"}}
		}
		if st, err := s.Reclassify(ctx, time.Time{}, keepAll, g); err != nil || st.Entered != len(items) {
			t.Fatalf("reclassify: %+v, %v; want %d entered", st, err, len(items))
		}
		check(t, s, src, items)
	})
}

// TestStoryFates: the static export asks in one read what became of every story
// it wrote a page for: a published story is itself; one merged into another,
// even through a later merge, is the story it ends in; one deleted (its only
// report labelled out) or never made is absent.
func TestStoryFates(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")[0]
	g := &fakeGrouper{by: map[string]int64{}}
	var items []aggregate.Item
	for i, prefix := range []string{"one", "two", "three", "four"} {
		items = append(items, item(prefix, "https://a.example/"+prefix, prefix+": AI act", true, t0.Add(-time.Duration(i)*time.Hour)))
	}
	if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src.ID}, Items: items}}, g); err != nil {
		t.Fatal(err)
	}
	ids, itemIDs := map[string]int64{}, map[string]int64{}
	for _, key := range []string{"one", "two", "three", "four"} {
		var storyID, itemID int64
		if err := s.r.QueryRow(`SELECT story_id, id FROM items WHERE guid = ?`, key).Scan(&storyID, &itemID); err != nil {
			t.Fatal(err)
		}
		ids[key], itemIDs[key] = storyID, itemID
	}
	for _, m := range []story.Merge{{Keep: ids["two"], Drop: ids["one"]}, {Keep: ids["three"], Drop: ids["two"]}} {
		if done, err := s.MergeStories(ctx, []story.Merge{m}); err != nil || len(done) != 1 {
			t.Fatalf("merge %+v: %v, %v", m, done, err)
		}
	}
	if _, err := s.SetLabel(ctx, []int64{itemIDs["four"]}, aggregate.Label{Keep: false}, t0, g); err != nil {
		t.Fatal(err)
	}
	got, err := s.StoryFates(ctx, []int64{ids["one"], ids["two"], ids["three"], ids["four"], 99999})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]int64{ids["one"]: ids["three"], ids["two"]: ids["three"], ids["three"]: ids["three"]}
	if !maps.Equal(got, want) {
		t.Errorf("StoryFates = %v, want %v (stories %v)", got, want, ids)
	}
	// Only published stories have a time, the one Story gives.
	updated, err := s.StoriesUpdated(ctx, []int64{ids["one"], ids["three"], ids["four"], 99999})
	if err != nil {
		t.Fatal(err)
	}
	three, ok, err := s.Story(ctx, ids["three"])
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if len(updated) != 1 || !updated[ids["three"]].Equal(three.Updated) || three.Updated.IsZero() {
		t.Errorf("StoriesUpdated = %v, want story %d at %s alone", updated, ids["three"], three.Updated)
	}
}

// TestRevisionFillsItemKey: a row stored before migration 017 has no item_key;
// its next revision from the feed fills it, so that its own entry id can be
// told from then on.
func TestRevisionFillsItemKey(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")[0]
	bare := item("sha1:0a1b2c", "", "weather: rain tomorrow", false, t0)
	bare.GUID = ""
	if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src.ID}, Items: []aggregate.Item{bare}}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`UPDATE items SET item_key = ''`); err != nil { // as before migration 017
		t.Fatal(err)
	}
	bare.Summary = "revised"
	if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src.ID}, Items: []aggregate.Item{bare}}}, nil); err != nil {
		t.Fatal(err)
	}
	var key string
	if err := s.r.QueryRow(`SELECT item_key FROM items`).Scan(&key); err != nil || key != bare.Key {
		t.Errorf("item_key after a revision: %q (%v), want %q", key, err, bare.Key)
	}
}

// TestMigration018KeepsCurrentHolds: a source holding its host when migration
// 018 runs (its last answer a 429 with its next poll to come) keeps the hold,
// so that the first cron run after the upgrade does not ask the host again.
func TestMigration018KeepsCurrentHolds(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	src := sync(t, s, "https://busy.example/feed", "https://fine.example/feed")
	next := t0.Add(10 * time.Minute)
	for _, st := range []aggregate.FetchState{
		{SourceID: src[0].ID, Status: 429, ErrorKind: "rate_limited", ConsecutiveErrors: 1, NextFetch: next, LastAttempt: t0},
		{SourceID: src[1].ID, Status: 200, NextFetch: next, LastAttempt: t0, LastSuccess: t0},
	} {
		if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: st}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	// The database as before 018.
	for _, q := range []string{`ALTER TABLE sources DROP COLUMN hold_until`, `DELETE FROM schema_migrations WHERE version = 18`} {
		if _, err := s.w.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	status, err := s.SourceStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := status[0].State.HoldUntil; !got.Equal(next) {
		t.Errorf("the 429 source's hold after the migration: %v, want its next poll %v", got, next)
	}
	if got := status[1].State.HoldUntil; !got.IsZero() {
		t.Errorf("the answering source's hold: %v, want none", got)
	}
}

// TestCopiedEntryIDDoesNotTakeOverAStory: every entry id is public in the
// curated feed. A source that copies another outlet's URI id onto an item of
// its own link, dated earlier, took over that outlet's entry (title and link,
// which feed readers update in place) and pulled unrelated items into its
// story. Such an item starts a story of its own; a copy with the same link is
// the same article and joins.
func TestCopiedEntryIDDoesNotTakeOverAStory(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://legit.example/feed", "https://evil.example/feed", "https://mirror.example/feed")
	const id = "urn:uuid:19304ae8-640a-506c-8a85-40840301ebac"
	real := item(id, "https://legit.example/news/eu-ai-act", "EU lawmakers approve the AI Act", true, t0.Add(-2*time.Hour))
	fake := item(id, "https://evil.example/phish", "FAKE: EU withdraws the AI Act", true, t0.Add(-6*time.Hour))
	copied := item(id, "https://legit.example/news/eu-ai-act", "EU lawmakers approve the AI Act (mirror)", true, t0.Add(-time.Hour))
	for i, it := range []aggregate.Item{real, fake, copied} {
		if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[i].ID}, Items: []aggregate.Item{it}}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]aggregate.Entry{}
	for _, e := range entries {
		byID[e.ID] = e
	}
	legit, ok := byID[id]
	if len(entries) != 2 || !ok || legit.Item.URL != real.URL || legit.Reports != 2 {
		for _, e := range entries {
			t.Logf("entry %s: %q %s, %d reports", e.ID, e.Item.Title, e.Item.URL, e.Reports)
		}
		t.Fatalf("want the legit entry under its id with its link and the mirror's report, and the fake apart")
	}
	for eid, e := range byID {
		if eid != id && (e.Item.URL != fake.URL || e.Reports != 1) {
			t.Errorf("the other entry %s: %s, %d reports; want the fake alone", eid, e.Item.URL, e.Reports)
		}
	}
}

// TestSquattedEntryIDsDoNotCaptureAnItem: a source that takes an outlet's next
// id first, and the id gleaner would fall back to (computable from the feed's
// URL, which the curated feed publishes), does not pull the outlet's item into
// its story: the item starts one of its own under a third id.
func TestSquattedEntryIDsDoNotCaptureAnItem(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://evil.example/feed", "https://legit.example/feed")
	const id = "tag:legit.example,2026:1001"
	fallback := aggregate.SourceEntryID("https://legit.example/feed", id)
	squat := item(id, "https://evil.example/phish", "FAKE: ministry withdraws AI bill", true, t0.Add(-6*time.Hour))
	squat2 := item(fallback, "https://evil.example/phish2", "FAKE: AI bill delayed", true, t0.Add(-5*time.Hour))
	real := item(id, "https://legit.example/news/1001", "Assembly passes AI basic act", true, t0.Add(-time.Hour))
	squats := []aggregate.Item{squat, squat2}
	// And the ids a third try once made of the fallback and the next story
	// numbers (sequential, and public in /story/ID).
	for n := 40; n <= 80; n++ {
		third := aggregate.SourceEntryID("https://legit.example/feed", id+"\x00story "+strconv.Itoa(n))
		squats = append(squats, item(third, fmt.Sprintf("https://evil.example/phish-%d", n), fmt.Sprintf("FAKE %d: AI bill delayed", n), true, t0.Add(-4*time.Hour)))
	}
	for _, f := range []aggregate.Fetched{
		{State: aggregate.FetchState{SourceID: src[0].ID}, Items: squats},
		{State: aggregate.FetchState{SourceID: src[1].ID}, Items: []aggregate.Item{real}},
	} {
		if _, _, err := s.Save(ctx, []aggregate.Fetched{f}, nil); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := s.Curated(ctx, aggregate.Query{Limit: 100, MaxRelated: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Logf("%s %q %d", e.ID, e.Item.Title, e.Reports)
	}
	if len(entries) != 44 {
		t.Fatalf("%d entries, want 44", len(entries))
	}
	for _, e := range entries {
		if e.Reports != 1 {
			t.Errorf("entry %s (%q) has %d reports, want its own alone", e.ID, e.Item.Title, e.Reports)
		}
	}
}
