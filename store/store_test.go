package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/story"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var t0 = time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)

func item(key, url, title string, match bool, published time.Time) aggregate.Item {
	return aggregate.Item{Key: key, GUID: key, URL: url, Title: title, Summary: title + " summary", Lang: "en",
		Published: published, FirstSeen: t0, Fresh: true,
		Verdict: aggregate.Verdict{Match: match, Score: 3, Reasons: []string{"title: AI"}, Facets: []string{"regulation"}}}
}

func sync(t *testing.T, s *Store, urls ...string) []aggregate.Source {
	t.Helper()
	var src []aggregate.Source
	for i, u := range urls {
		src = append(src, aggregate.Source{Name: fmt.Sprintf("S%d", i), URL: u, Rank: i})
	}
	out, _, err := s.SyncSources(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSaveIsIdempotentAndDeduplicatesURLs(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/feed")
	a := aggregate.Fetched{State: aggregate.FetchState{SourceID: src[0].ID, ETag: `"a1"`}, Items: []aggregate.Item{
		item("a-1", "https://news.example/1", "AI act passes", true, t0.Add(-2*time.Hour)),
		item("a-2", "https://news.example/2", "Football", false, t0.Add(-1*time.Hour)),
		item("a-3", "https://news.example/3", "AI chips export rule", true, t0.Add(-3*time.Hour)),
	}}
	b := aggregate.Fetched{State: aggregate.FetchState{SourceID: src[1].ID}, Items: []aggregate.Item{
		item("b-1", "https://news.example/1", "AI act passes (copy)", true, t0.Add(-1*time.Hour)),
	}}
	for round := 0; round < 2; round++ {
		stats, _, err := s.Save(ctx, []aggregate.Fetched{a, b}, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantNew := 3
		if round == 1 {
			wantNew = 0
		}
		if stats[0].New != wantNew || stats[0].Seen != 3 {
			t.Errorf("round %d: stats %+v", round, stats[0])
		}
	}
	entries, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("got %d entries, want 2 (one per article URL)", len(entries))
	}
	if entries[0].Item.URL != "https://news.example/1" || entries[1].Item.URL != "https://news.example/3" {
		t.Errorf("order: %s, %s", entries[0].Item.URL, entries[1].Item.URL)
	}
	if entries[0].Item.Title != "AI act passes" || len(entries[0].Also) != 1 || entries[0].Also[0].Outlet.Name != "S1" {
		t.Errorf("lead or related wrong: %+v", entries[0])
	}
	if entries[0].Outlet.Name != "S0" || entries[0].ID != "urn:uuid:"+entries[0].ID[len("urn:uuid:"):] {
		t.Errorf("outlet/id: %+v %q", entries[0].Outlet, entries[0].ID)
	}
	st, err := s.SourceStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Seen and kept count each item once, however often its feed lists it.
	if st[0].State.ETag != `"a1"` || st[0].State.ItemsSeen != 3 || st[0].State.ItemsKept != 2 {
		t.Errorf("state: %+v", st[0].State)
	}
}

// TestMigrationCountsItemsSeenOnce: migration 019 turns the old count of every
// item of every poll into the items stored, never below those kept.
func TestMigrationCountsItemsSeenOnce(t *testing.T) {
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/feed")
	save(t, s, src[0], item("a-1", "https://news.example/1", "AI act passes", true, t0), item("a-2", "https://news.example/2", "Bakery", false, t0))
	// As an old gleaner counted them: 3 polls of 2 items; b's items deleted by retention.
	if _, err := s.w.Exec(`UPDATE sources SET items_seen = CASE id WHEN ? THEN 6 ELSE 9 END, items_kept = CASE id WHEN ? THEN 1 ELSE 4 END`, src[0].ID, src[0].ID); err != nil {
		t.Fatal(err)
	}
	body, err := migrations.ReadFile("migrations/019_items_seen_distinct.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(string(body)); err != nil {
		t.Fatal(err)
	}
	st, err := s.SourceStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int64{}
	for _, ss := range st {
		got[ss.Source.URL] = [2]int64{ss.State.ItemsSeen, ss.State.ItemsKept}
	}
	if want := map[string][2]int64{"https://a.example/feed": {2, 1}, "https://b.example/feed": {4, 4}}; !maps.Equal(got, want) {
		t.Errorf("seen, kept after the migration: %v, want %v", got, want)
	}
}

func TestSaveFailureKeepsNeitherItemsNorValidators(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	good := aggregate.Fetched{State: aggregate.FetchState{SourceID: src[0].ID, ETag: `"new"`}, Items: []aggregate.Item{
		item("a-1", "https://news.example/1", "AI act passes", true, t0),
	}}
	bad := aggregate.Fetched{State: aggregate.FetchState{SourceID: 999}}
	_, _, err := s.Save(ctx, []aggregate.Fetched{good, bad}, nil)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	st, _ := s.SourceStatus(ctx)
	if st[0].State.ETag != "" {
		t.Errorf("validator kept after a failed save: %q", st[0].State.ETag)
	}
	entries, _ := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if len(entries) != 0 {
		t.Errorf("items kept after a failed save: %d", len(entries))
	}
}

func TestStaleItemsAreStoredButNotPublished(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	old := item("old", "https://news.example/old", "AI act (old)", true, t0.AddDate(0, -2, 0))
	old.Fresh = false
	stats, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: []aggregate.Item{old}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The save says the kept item is too old to publish (gleaner fetch prints it).
	if len(stats) != 1 || stats[0].Kept != 1 || stats[0].Old != 1 {
		t.Errorf("save stats %+v, want 1 kept, 1 of them old", stats)
	}
	entries, _ := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if len(entries) != 0 {
		t.Errorf("stale item published")
	}
	var n int
	s.r.QueryRow("SELECT count(*) FROM items").Scan(&n)
	if n != 1 {
		t.Errorf("stale item not stored: %d rows", n)
	}
}

func TestQueryFilters(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/feed")
	var items []aggregate.Item
	for i := 0; i < 5; i++ {
		it := item(fmt.Sprint("a", i), fmt.Sprint("https://a.example/", i), "AI law", true, t0.Add(time.Duration(-i)*time.Hour))
		if i%2 == 1 {
			it.Lang = "ko"
			it.Verdict.Facets = []string{"funding"}
		}
		items = append(items, it)
	}
	bi := item("b0", "https://b.example/0", "AI law b", true, t0.Add(-30*time.Minute))
	_, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: items},
		{State: aggregate.FetchState{SourceID: src[1].ID}, Items: []aggregate.Item{bi}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q    aggregate.Query
		want int
	}{
		{aggregate.Query{Limit: 100}, 6},
		{aggregate.Query{Limit: 3}, 3},
		{aggregate.Query{Limit: 100, Lang: "ko"}, 2},
		{aggregate.Query{Limit: 100, Facet: "funding"}, 2},
		{aggregate.Query{Limit: 100, Facet: "fund"}, 0},
		{aggregate.Query{Limit: 100, MaxPerSource: 2}, 3},
		{aggregate.Query{Limit: 0}, 0},
	}
	for _, tt := range tests {
		got, err := s.Curated(ctx, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tt.want {
			t.Errorf("%+v: got %d entries, want %d", tt.q, len(got), tt.want)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Item.Published.After(got[i-1].Item.Published) {
				t.Errorf("%+v: not newest first", tt.q)
			}
		}
	}
}

// TestMaxPerSourceCountsOutlets checks that [feed] max_per_source caps an
// aggregator's feed per outlet it names, and a plain feed as one outlet.
func TestMaxPerSourceCountsOutlets(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://news.google.example/rss", "https://b.example/feed")
	var agg []aggregate.Item
	for i, origin := range []string{"Reuters", "Reuters", "reuters", "AP", ""} {
		it := item(fmt.Sprint("g", i), fmt.Sprint("https://news.google.example/a/", i), fmt.Sprint("AI law ", i), true, t0.Add(time.Duration(-i)*time.Hour))
		it.Origin = origin
		agg = append(agg, it)
	}
	var plain []aggregate.Item
	for i := range 3 {
		plain = append(plain, item(fmt.Sprint("b", i), fmt.Sprint("https://b.example/", i), fmt.Sprint("AI rule ", i), true, t0.Add(time.Duration(-i)*time.Hour-time.Minute)))
	}
	_, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: agg},
		{State: aggregate.FetchState{SourceID: src[1].ID}, Items: plain}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Curated(ctx, aggregate.Query{Limit: 100, MaxPerSource: 1})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range got {
		names = append(names, fmt.Sprintf("%d/%s", e.Item.SourceID, e.Outlet.Origin))
	}
	// One Reuters (of three, one spelled in lower case), one AP, one item naming no
	// outlet from the aggregator; one of the plain feed's three.
	want := []string{fmt.Sprintf("%d/Reuters", src[0].ID), fmt.Sprintf("%d/", src[1].ID), fmt.Sprintf("%d/AP", src[0].ID), fmt.Sprintf("%d/", src[0].ID)}
	if !slices.Equal(names, want) {
		t.Errorf("max_per_source 1 kept %q, want %q", names, want)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	src, _, _ := s.SyncSources(ctx, []aggregate.Source{{Name: "A", URL: "https://a.example/feed"}})
	next := t0.Add(time.Hour)
	_, _, err = s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID, NextFetch: next, ConsecutiveErrors: 3},
		Items: []aggregate.Item{item("x", "https://x/", "AI act", true, t0)}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := s.Curated(ctx, aggregate.Query{Limit: 5})
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, states, err := s.SyncSources(ctx, []aggregate.Source{{Name: "A", URL: "https://a.example/feed"}})
	if err != nil {
		t.Fatal(err)
	}
	if !states[0].NextFetch.Equal(next) || states[0].ConsecutiveErrors != 3 {
		t.Errorf("fetch state lost: %+v", states[0])
	}
	again, _ := s.Curated(ctx, aggregate.Query{Limit: 5})
	if len(again) != 1 || again[0].ID != first[0].ID {
		t.Errorf("entry id changed across reopen: %v vs %v", again, first)
	}
}

func TestReclassify(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	items := []aggregate.Item{
		item("1", "https://x/1", "AI act passes", true, t0),
		item("2", "https://x/2", "AI chip subsidy", false, t0.Add(-time.Hour)),
		item("3", "https://x/3", "Football", false, t0.Add(-2*time.Hour)),
	}
	if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: items}}, nil); err != nil {
		t.Fatal(err)
	}
	// A new filter: keep "chip", drop "act".
	classify := func(title, summary, body string) aggregate.Verdict {
		m := strings.Contains(title, "chip")
		return aggregate.Verdict{Match: m, Score: b2f(m), Reasons: []string{"test rule"}}
	}
	st, err := s.Reclassify(ctx, time.Time{}, classify, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Checked != 3 || st.Entered != 1 || st.Left != 1 {
		t.Errorf("stats %+v, want 3 checked, 1 entered, 1 left", st)
	}
	entries, _ := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if len(entries) != 1 || entries[0].Item.Title != "AI chip subsidy" || entries[0].Item.Verdict.Reasons[0] != "test rule" {
		t.Errorf("curated after reclassify: %+v", entries)
	}
	// Running it again changes nothing.
	st, _ = s.Reclassify(ctx, time.Time{}, classify, nil)
	if st.Changed != 0 {
		t.Errorf("second run changed %d", st.Changed)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// fakeGrouper joins items whose titles share the word before ':', with
// similarity 0.5, by the rules the real one follows (story.Choose).
type fakeGrouper struct{ by map[string]int64 }

func (g *fakeGrouper) key(it *aggregate.Item) string { return strings.SplitN(it.Title, ":", 2)[0] }

func (g *fakeGrouper) Assign(needs []aggregate.StoryNeed) {
	batch, byURL := map[string]story.Choice{}, map[string]story.Choice{}
	groups := 0
	for i := range needs {
		n := &needs[i]
		k := g.key(n.Item)
		m, found := story.Match{Similarity: 0.5}, false
		if id, ok := g.by[k]; ok {
			m.StoryID, found = id, true
		} else if c, ok := batch[k]; ok {
			m.StoryID, found = story.StoryGroup(c), true
		}
		if _, sameURL := byURL[n.Item.URL]; n.Mate && !found && n.URLStory == 0 && !sameURL {
			continue // a mate starts no story
		}
		n.Choice = story.Choose(byURL[n.Item.URL], n.URLStory, m, found, groups+1)
		if n.Choice.Story == 0 {
			groups = max(groups, n.Choice.Group)
		}
		if _, ok := batch[k]; !ok {
			batch[k] = n.Choice
		}
		if _, ok := byURL[n.Item.URL]; !ok && n.Item.URL != "" {
			byURL[n.Item.URL] = n.Choice
		}
	}
}

func (g *fakeGrouper) Added(needs []aggregate.StoryNeed) {
	for _, n := range needs {
		if n.Item.StoryID != 0 {
			g.by[g.key(n.Item)] = n.Item.StoryID
		}
	}
}

// groupedStore opens a store of three sources and returns it with a save of
// one poll of source i through a fakeGrouper.
func groupedStore(t *testing.T) (*Store, func(i int, items ...aggregate.Item)) {
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/feed", "https://c.example/feed")
	g := &fakeGrouper{by: map[string]int64{}}
	return s, func(i int, items ...aggregate.Item) {
		t.Helper()
		if _, _, err := s.Save(context.Background(), []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[i].ID}, Items: items}}, g); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStoriesGrowWithStableIDs(t *testing.T) {
	ctx := context.Background()
	s, save := groupedStore(t)
	first := item("b1", "https://b/1", "summit: leaders meet", true, t0.Add(-time.Hour))
	first.FirstSeen = t0
	save(1, first)
	e1, _ := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if len(e1) != 1 {
		t.Fatalf("entries %d", len(e1))
	}
	// Another outlet reports the same story later, but it was published earlier:
	// it becomes the lead, the entry keeps its id, and updated moves.
	second := item("a1", "https://a/1", "summit: leaders agree on AI rules", true, t0.Add(-2*time.Hour))
	second.FirstSeen = t0.Add(time.Hour)
	save(0, second)
	third := item("c1", "https://c/1", "summit: AI declaration", false, t0)
	third.FirstSeen = t0.Add(2 * time.Hour)
	save(2, third) // not kept by the filter: it does not join
	e2, _ := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if len(e2) != 1 {
		t.Fatalf("entries %d, want one per story", len(e2))
	}
	if e2[0].ID != e1[0].ID {
		t.Errorf("entry id changed as the story grew: %q -> %q", e1[0].ID, e2[0].ID)
	}
	if e2[0].Item.Key != "" || e2[0].Item.URL != "https://a/1" || e2[0].Outlet.Name != "S0" {
		t.Errorf("lead should be the earliest published report: %+v", e2[0].Item)
	}
	if len(e2[0].Also) != 1 || e2[0].Also[0].URL != "https://b/1" || e2[0].Also[0].Outlet.Name != "S1" {
		t.Errorf("also reported by: %+v", e2[0].Also)
	}
	if !e2[0].Updated.Equal(t0.Add(time.Hour)) {
		t.Errorf("updated %v, want when the second outlet was first seen", e2[0].Updated)
	}
	stories, err := s.RecentStories(ctx, 5, 10)
	if err != nil || len(stories) != 1 || len(stories[0].Members) != 2 {
		t.Fatalf("recent stories: %v %+v", err, stories)
	}
	// Members earliest published first: the joiner (lead, similarity 0.5 from the
	// grouper), then the item that started the story (similarity 1).
	if m := stories[0].Members; !m[0].Lead || m[0].Similarity != 0.5 || m[1].Lead || m[1].Similarity != 1 {
		t.Errorf("members: %+v", stories[0].Members)
	}
}

// TestGoneSourceComesBackWhenPutBack: a source that answered 410 Gone stays gone
// while it stays in the config; taken out and put back, it is polled again.
func TestGoneSourceComesBackWhenPutBack(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a := aggregate.Source{Name: "A", URL: "https://a.example/feed"}
	b := aggregate.Source{Name: "B", URL: "https://b.example/feed"}
	src, _, err := s.SyncSources(ctx, []aggregate.Source{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID, Gone: true, Status: 410, ConsecutiveErrors: 2, ErrorKind: "gone"}}}, nil); err != nil {
		t.Fatal(err)
	}
	_, states, err := s.SyncSources(ctx, []aggregate.Source{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if !states[0].Gone {
		t.Fatal("a gone source kept in the config came back")
	}
	if _, states, err = s.SyncSources(ctx, []aggregate.Source{b}); err != nil || states[0].Gone {
		t.Fatalf("taking A out: %v %+v", err, states)
	}
	if _, states, err = s.SyncSources(ctx, []aggregate.Source{a, b}); err != nil {
		t.Fatal(err)
	}
	if states[0].Gone || !states[0].NextFetch.IsZero() || states[0].ConsecutiveErrors != 0 || states[0].ErrorKind != "" {
		t.Errorf("put back: %+v; want polled again now, its error count from before it was gone cleared", states[0])
	}
	if states[0].SourceID != src[0].ID || states[1].SourceID != src[1].ID {
		t.Errorf("ids changed: %v -> %v, %v", src, states[0].SourceID, states[1].SourceID)
	}
	var active int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM sources WHERE active = 1").Scan(&active); err != nil || active != 2 {
		t.Errorf("active sources: %d (%v), want 2", active, err)
	}
	if _, _, err = s.SyncSources(ctx, []aggregate.Source{b}); err != nil {
		t.Fatal(err)
	}
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM sources WHERE active != 0").Scan(&active); err != nil || active != 1 {
		t.Errorf("after taking A out again: %d sources not inactive (%v), want 1", active, err)
	}
}

// TestDeletedStoryIDIsNotGivenAgain: when the newest story is deleted (its only
// report labelled out), the next new story gets a new id: the deleted one's
// /story/ID page and the links to it stay its own.
func TestDeletedStoryIDIsNotGivenAgain(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	save := func(it aggregate.Item) {
		t.Helper()
		if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: []aggregate.Item{it}}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	storyOf := func(url string) int64 {
		t.Helper()
		var id int64
		if err := s.r.QueryRowContext(ctx, "SELECT story_id FROM items WHERE url = ?", url).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	save(item("a", "https://a.example/1", "EU adopts AI Act", true, t0))
	save(item("b", "https://a.example/2", "Korea funds GPU centre", true, t0.Add(time.Hour)))
	gone := storyOf("https://a.example/2")
	ids, err := s.FindItems(ctx, "https://a.example/2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetLabel(ctx, ids, aggregate.Label{Keep: false}, t0.Add(2*time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM stories WHERE id = ?", gone).Scan(&left); err != nil || left != 0 {
		t.Fatalf("story %d still there (%d, %v): the test needs it deleted", gone, left, err)
	}
	save(item("c", "https://a.example/3", "UK regulator opens AI probe", true, t0.Add(3*time.Hour)))
	if got := storyOf("https://a.example/3"); got == gone {
		t.Errorf("the new story got the deleted story's id %d", got)
	}
}

// TestRespellSourcesPrefersTheConfiguredTwin: where an address is stored under
// two spellings (as re-spelling made before), the configured one takes the new
// spelling; one stored exactly as configured is left alone.
func TestRespellSourcesPrefersTheConfiguredTwin(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	old := sync(t, s, "https://a.example/feed", "https://b.example/feed")
	active := sync(t, s, "https://A.example/feed", "https://b.example/feed") // the first is removed now
	changed, err := s.RespellSources(ctx, []string{"https://a.EXAMPLE/feed", "https://b.example/feed"}, strings.ToLower)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][2]string{{"https://A.example/feed", "https://a.EXAMPLE/feed"}}; !slices.Equal(changed, want) {
		t.Errorf("changed %q, want %q", changed, want)
	}
	now := sync(t, s, "https://a.EXAMPLE/feed", "https://b.example/feed")
	if now[0].ID != active[0].ID || now[0].ID == old[0].ID || now[1].ID != old[1].ID {
		t.Errorf("ids: first %d, then %d, now %d; b %d -> %d", old[0].ID, active[0].ID, now[0].ID, old[1].ID, now[1].ID)
	}
}

// TestOpeningChangesNothing: a command that opens the database beside a
// running daemon (gleaner sources, stories, label's look-up) and writes
// nothing leaves the file as it was: the daemon, which watches PRAGMA
// data_version to follow other processes' changes, sees none, and does not
// refresh its feeds and story index for it.
func TestOpeningChangesNothing(t *testing.T) {
	ctx := context.Background()
	daemon := openTest(t)
	src := sync(t, daemon, "https://a.example/feed")
	save(t, daemon, src[0], item("a-1", "https://news.example/1", "AI act passes", true, t0))
	before, err := daemon.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, open := range []func(context.Context, string) (*Store, error){Open, OpenExisting, OpenReadOnly} {
		s, err := open(ctx, daemon.Path())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SourceStatus(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if after, err := daemon.DataVersion(ctx); err != nil || after != before {
		t.Errorf("data_version %d -> %d (%v): opening the database changed it", before, after, err)
	}
}

// TestOpenBesideAWriteLock: a database whose migrations are all applied opens
// while another process holds its write lock (a sqlite3 shell, a backup): the
// check of what is applied takes no lock. It used to wait out busy_timeout and
// fail naming the first migration.
func TestOpenBesideAWriteLock(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "g.db")
	s, err := Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	other, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
	s, err = Open(ctx, file)
	if err != nil {
		t.Fatalf("open beside a write lock: %v", err)
	}
	s.Close()
}

// TestRespeltFailingSourceIsDueAtOnce: a URL re-spelt in the config while the
// daemon was stopped (or under gleaner fetch from cron) is another address to
// the server: it is asked without the old one's validators and redirect, and
// at once if the old one was failing or gone (it waited out the old address's
// backoff, up to max_backoff).
func TestRespeltFailingSourceIsDueAtOnce(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed/", "https://b.example/feed/")
	_, _, err := s.Save(ctx, []aggregate.Fetched{
		{State: aggregate.FetchState{SourceID: src[0].ID, Status: 404, ConsecutiveErrors: 4, ETag: `"x"`, CurrentURL: "https://a.example/moved", LastAttempt: t0, NextFetch: t0.Add(3 * time.Hour)}},
		{State: aggregate.FetchState{SourceID: src[1].ID, Status: 200, ETag: `"y"`, LastAttempt: t0, LastSuccess: t0, NextFetch: t0.Add(time.Hour)}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	key := func(u string) string { return strings.TrimSuffix(u, "/") }
	if _, err := s.RespellSources(ctx, []string{"https://a.example/feed", "https://b.example/feed"}, key); err != nil {
		t.Fatal(err)
	}
	_, states, err := s.SyncSources(ctx, []aggregate.Source{{Name: "a", URL: "https://a.example/feed"}, {Name: "b", URL: "https://b.example/feed"}})
	if err != nil {
		t.Fatal(err)
	}
	if a := states[0]; !a.NextFetch.IsZero() || a.ETag != "" || a.CurrentURL != "" {
		t.Errorf("the failing source re-spelt: next %v, etag %q, current %q; want due now, no validators, no redirect", a.NextFetch, a.ETag, a.CurrentURL)
	}
	if b := states[1]; !b.NextFetch.Equal(t0.Add(time.Hour)) || b.ETag != "" {
		t.Errorf("the healthy source re-spelt: next %v, etag %q; want its schedule, no validators", b.NextFetch, b.ETag)
	}
}

// TestCuratedEntryCarriesItsStorysCategories: ?category= finds a story by the
// categories of its curated reports, so its entry carries them, not only its
// lead's: the one a category feed lists shows that category.
func TestCuratedEntryCarriesItsStorysCategories(t *testing.T) {
	ctx := context.Background()
	s, save := groupedStore(t)
	lead := item("a1", "https://a/1", "code: EU publishes AI code of practice", true, t0.Add(-2*time.Hour))
	lead.Verdict.Facets = []string{"copyright", "regulation"}
	mate := item("b1", "https://b/1", "code: 유럽연합, AI 행동강령 발표", true, t0.Add(-time.Hour))
	mate.Verdict.Facets = []string{"governance"}
	save(0, lead)
	save(1, mate)
	for _, facet := range []string{"", "governance"} {
		e, err := s.Curated(ctx, aggregate.Query{Limit: 10, Facet: facet})
		if err != nil || len(e) != 1 {
			t.Fatalf("category %q: %d entries, %v", facet, len(e), err)
		}
		if want := []string{"copyright", "governance", "regulation"}; !slices.Equal(e[0].Facets, want) || e[0].Item.URL != "https://a/1" {
			t.Errorf("category %q: entry led by %s with categories %q, want %q", facet, e[0].Item.URL, e[0].Facets, want)
		}
	}
}
