package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/story"
)

// The stored hashes must not change with the implementation: databases hold them.
func TestHash64IsFNV1a(t *testing.T) {
	for _, parts := range [][]string{{""}, {"a"}, {"https://news.example/1"}, {"a", "b"}, {"", ""}, {"인공지능", "기본법", "", "x"}} {
		h := fnv.New64a()
		for i, p := range parts {
			if i > 0 {
				h.Write([]byte{0})
			}
			h.Write([]byte(p))
		}
		if got, want := hash64(parts...), int64(h.Sum64()); got != want {
			t.Errorf("hash64(%q) = %d, want %d", parts, got, want)
		}
	}
}

func TestSaveRevisedItemKeepsIdentityAndFirstSeen(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	it := item("a-1", "https://news.example/1", "AI act passes", true, t0.Add(-time.Hour))
	save := func(it aggregate.Item) aggregate.SaveStats {
		t.Helper()
		f := []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: []aggregate.Item{it}}}
		stats, _, err := s.Save(ctx, f, nil)
		if err != nil {
			t.Fatal(err)
		}
		return stats[0]
	}
	if st := save(it); st.New != 1 || st.Kept != 1 || st.Changed != 0 {
		t.Fatalf("first save: %+v", st)
	}
	first, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil || len(first) != 1 {
		t.Fatalf("curated: %v, %d entries", err, len(first))
	}
	if st := save(it); st.New != 0 || st.Changed != 0 {
		t.Fatalf("same item again: %+v", st)
	}
	revised := it
	revised.Title = "AI act passes final vote"
	revised.FirstSeen = t0.Add(time.Hour)
	if st := save(revised); st.New != 0 || st.Changed != 1 {
		t.Fatalf("revised item: %+v", st)
	}
	after, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil || len(after) != 1 {
		t.Fatalf("curated: %v, %d entries", err, len(after))
	}
	a, b := first[0].Item, after[0].Item
	if b.Title != revised.Title || b.ID != a.ID || b.StoryID != a.StoryID || !b.FirstSeen.Equal(a.FirstSeen) || after[0].ID != first[0].ID {
		t.Fatalf("revision: before %+v, after %+v", a, b)
	}
}

func TestSaveDoesNotBringBackDeletedItems(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	f := []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: []aggregate.Item{
		item("a-1", "https://news.example/1", "Football", false, t0.Add(-time.Hour)),
	}}}
	if _, _, err := s.Save(ctx, f, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Retain(ctx, t0.Add(48*time.Hour), Retention{KeepUnmatched: time.Hour, KeepMatched: time.Hour}); err != nil {
		t.Fatal(err)
	}
	stats, _, err := s.Save(ctx, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Count(ctx); stats[0].New != 0 || c.Items != 0 || c.Tombstones != 1 {
		t.Fatalf("after retention, the feed still listing the item: %+v, counts %+v", stats[0], c)
	}
}

// New items get consecutive ids, as SQLite's own would be, and a curated one is
// written with its story.
func TestNewCuratedItemsGetStoriesAndIDs(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/feed")
	f := []aggregate.Fetched{
		{State: aggregate.FetchState{SourceID: src[0].ID}, Items: []aggregate.Item{
			item("a-1", "https://news.example/1", "AI act passes", true, t0.Add(-2*time.Hour)),
			item("a-2", "https://news.example/2", "Football", false, t0.Add(-2*time.Hour)),
		}},
		{State: aggregate.FetchState{SourceID: src[1].ID}, Items: []aggregate.Item{
			item("b-1", "https://news.example/1", "AI act passes, copy", true, t0.Add(-time.Hour)),
		}},
	}
	if _, _, err := s.Save(ctx, f, nil); err != nil {
		t.Fatal(err)
	}
	a1, a2, b1 := f[0].Items[0], f[0].Items[1], f[1].Items[0]
	if a1.ID == 0 || a2.ID != a1.ID+1 || b1.ID != a2.ID+1 {
		t.Fatalf("ids %d %d %d, want consecutive", a1.ID, a2.ID, b1.ID)
	}
	if a1.StoryID == 0 || b1.StoryID != a1.StoryID || a2.StoryID != 0 {
		t.Fatalf("stories %d %d %d: want the same URL in one story, the unmatched item in none", a1.StoryID, b1.StoryID, a2.StoryID)
	}
	entries, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil || len(entries) != 1 {
		t.Fatalf("curated: %v, %d entries", err, len(entries))
	}
	if e := entries[0]; e.Item.ID != a1.ID || len(e.Also) != 1 || e.Also[0].Similarity != 1 {
		t.Fatalf("entry: lead %d, also %+v", e.Item.ID, e.Also)
	}
}

// A poll that lists one item twice stores it once; the second listing is a
// revision of the first.
func TestSaveSameKeyTwiceInOnePoll(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	first := item("a-1", "https://news.example/1", "AI act passes", true, t0.Add(-time.Hour))
	second := first
	second.Title = "AI act passes, updated"
	f := []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: []aggregate.Item{first, first, second}}}
	stats, _, err := s.Save(ctx, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := stats[0]; st.New != 1 || st.Changed != 1 {
		t.Fatalf("stats %+v, want 1 new and 1 changed", st)
	}
	entries, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if c, _ := s.Count(ctx); err != nil || len(entries) != 1 || c.Items != 1 || c.Stories != 1 || entries[0].Item.Title != second.Title {
		t.Fatalf("entries %d (%v), counts %+v", len(entries), err, c)
	}
}

// storyRows reads every story's derived columns.
func storyRows(t *testing.T, s *Store) map[int64]string {
	t.Helper()
	rows, err := s.w.Query(`SELECT id, lead_item_id, source_id, published, first_seen, updated, lang, facets, langs, members, visible FROM stories`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id, lead, src, pub, seen, upd, members, visible int64
		var lang, facets, langs string
		if err := rows.Scan(&id, &lead, &src, &pub, &seen, &upd, &lang, &facets, &langs, &members, &visible); err != nil {
			t.Fatal(err)
		}
		out[id] = fmt.Sprint(lead, src, pub, seen, upd, lang, facets, langs, members, visible)
	}
	return out
}

// Stories brought up to date from their rows as members join (storyStmts.join)
// must equal stories recomputed from all their members, whatever the order of
// arrival: earlier and later leads, ties in the published second, stories first
// led by an item later revised, members that are not curated.
func TestJoinedStoriesEqualRecomputed(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/feed", "https://c.example/feed", "https://d.example/feed")
	g := &fakeGrouper{by: map[string]int64{}}
	r := rand.New(rand.NewPCG(7, 11))
	facets := []string{"law", "regulation", "funding", "chips", "privacy"}
	var saved []aggregate.Item
	// Later than the clock a revision stamps on its story, so that updated
	// follows the members' first sightings.
	seen := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	for round := range 40 {
		var batch []aggregate.Fetched
		for i := range src {
			f := aggregate.Fetched{State: aggregate.FetchState{SourceID: src[i].ID}}
			for k := range 1 + r.IntN(4) {
				topic := fmt.Sprintf("story%d", r.IntN(12))
				pub := t0.Add(-time.Duration(r.IntN(48*60)) * time.Minute)
				if r.IntN(10) == 0 {
					pub = t0.Add(-time.Duration(r.IntN(3)) * time.Hour) // ties in the published second
				}
				it := item(fmt.Sprintf("%d-%d-%d", i, round, k), fmt.Sprintf("https://news.example/%s/%d", topic, r.IntN(3)),
					topic+": report", r.IntN(5) > 0, pub)
				it.FirstSeen = seen.Add(time.Duration(round) * time.Minute)
				it.Fresh = r.IntN(6) > 0
				it.Lang = []string{"en", "ko"}[r.IntN(2)]
				it.Verdict.Facets = []string{facets[r.IntN(len(facets))], facets[r.IntN(len(facets))]}
				if len(saved) > 0 && r.IntN(8) == 0 {
					// A revision of an earlier item: its story is recomputed in full.
					it = saved[r.IntN(len(saved))]
					if it.SourceID != src[i].ID {
						continue
					}
					it.Title += " (updated)"
					it.Verdict.Match = !it.Verdict.Match
				}
				f.Items = append(f.Items, it)
			}
			batch = append(batch, f)
		}
		if _, _, err := s.Save(ctx, batch, g); err != nil {
			t.Fatal(err)
		}
		for _, f := range batch {
			saved = append(saved, f.Items...)
		}
	}
	got := storyRows(t, s)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for id := range got {
		if err := recomputeStory(ctx, tx, id, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	want := storyRows(t, s)
	if len(got) < 10 {
		t.Fatalf("only %d stories", len(got))
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("story %d: joined %q, recomputed %q", id, got[id], w)
		}
	}
}

// A tie in the published second between two members is decided by the
// sources' ranks as they are when the story is brought up to date: after the
// config reorders its sources, a member joining recomputes the lead.
func TestJoinAfterRanksChangedRecomputesTies(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	urls := []string{"https://a.example/feed", "https://b.example/feed", "https://c.example/feed"}
	src := sync(t, s, urls...)
	g := &fakeGrouper{by: map[string]int64{}}
	save := func(i int, it aggregate.Item) {
		t.Helper()
		if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[i].ID}, Items: []aggregate.Item{it}}}, g); err != nil {
			t.Fatal(err)
		}
	}
	tied := t0.Add(-2 * time.Hour)
	save(0, item("a1", "https://a/1", "summit: a", true, tied))
	save(1, item("b1", "https://b/1", "summit: b", true, tied))
	lead := func() string {
		t.Helper()
		e, err := s.Curated(ctx, aggregate.Query{Limit: 1})
		if err != nil || len(e) != 1 {
			t.Fatalf("curated: %v %d", err, len(e))
		}
		return e[0].Item.URL
	}
	if got := lead(); got != "https://a/1" {
		t.Fatalf("lead %s, want the first-ranked source's", got)
	}
	// b now ranks first; c joins later, not tied with anyone.
	if _, _, err := s.SyncSources(ctx, []aggregate.Source{{URL: urls[1], Rank: 0}, {URL: urls[0], Rank: 1}, {URL: urls[2], Rank: 2}}); err != nil {
		t.Fatal(err)
	}
	save(2, item("c1", "https://c/1", "summit: c", true, t0.Add(-time.Hour)))
	if got := lead(); got != "https://b/1" {
		t.Fatalf("lead %s after the reorder, want b's (ranked first now)", got)
	}
}

func TestNewFileHasLargePagesAndIncrementalVacuum(t *testing.T) {
	t.Run("no file", func(t *testing.T) { checkNewFile(t, openTest(t)) })
	// An empty file (touch, or a crash before the first write) is a new
	// database: it got 4 KiB pages and no auto-vacuum, retention never
	// shrinking it.
	t.Run("empty file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "g.db")
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		checkNewFile(t, s)
	})
}

func checkNewFile(t *testing.T, s *Store) {
	t.Helper()
	var page, vacuum int
	var mode string
	if err := s.w.QueryRow("PRAGMA page_size").Scan(&page); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRow("PRAGMA auto_vacuum").Scan(&vacuum); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if page != pageSize || vacuum != 2 || mode != "wal" {
		t.Fatalf("page size %d, auto_vacuum %d, journal %s; want %d, 2 (incremental), wal", page, vacuum, mode, pageSize)
	}
}

// What Save looks up before its transaction may be stale by the time it
// writes: another process stored the same item, or retention deleted the story
// an item was to join. Neither fails the save or stores anything twice.
func TestSaveWhenItsPlanWentStale(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/feed")
	poll := func(i int, items ...aggregate.Item) []aggregate.Fetched {
		return []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[i].ID}, Items: items}}
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := s.r.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("stored by another process meanwhile", func(t *testing.T) {
		batch := poll(0, item("a-1", "https://news.example/1", "summit: leaders meet", true, t0))
		p, err := s.plan(ctx, batch, true)
		if err != nil || len(p.needs) != 1 {
			t.Fatalf("plan: %v, %d needs", err, len(p.needs))
		}
		if _, _, err := s.Save(ctx, poll(0, item("a-1", "https://news.example/1", "summit: leaders meet", true, t0)), nil); err != nil {
			t.Fatal(err)
		}
		stats, _, err := s.write(ctx, batch, p)
		if err != nil {
			t.Fatalf("save after the item was stored meanwhile: %v", err)
		}
		if stats[0].New != 0 || batch[0].Items[0].StoryID != 0 {
			t.Errorf("stats %+v, story %d; want the item left to the other save", stats[0], batch[0].Items[0].StoryID)
		}
		if n := count("SELECT count(*) FROM items"); n != 1 {
			t.Errorf("%d items stored, want 1", n)
		}
		if n := count("SELECT count(*) FROM stories"); n != 1 {
			t.Errorf("%d stories, want 1", n)
		}
	})

	t.Run("the story chosen was deleted meanwhile", func(t *testing.T) {
		batch := poll(1, item("b-1", "https://news.example/2", "summit: leaders agree", true, t0))
		p, err := s.plan(ctx, batch, true)
		if err != nil || len(p.needs) != 1 {
			t.Fatalf("plan: %v, %d needs", err, len(p.needs))
		}
		p.needs[0].Choice = story.Choice{Story: 9999, Similarity: 0.5}
		if _, _, err := s.write(ctx, batch, p); err != nil {
			t.Fatal(err)
		}
		it := batch[0].Items[0]
		if it.StoryID == 0 || it.StoryID == 9999 {
			t.Fatalf("story %d, want a new one", it.StoryID)
		}
		e, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
		if err != nil || len(e) != 2 {
			t.Fatalf("curated: %v, %d entries, want 2", err, len(e))
		}
	})
}

// A story of many reports makes an entry that names at most MaxRelated of them,
// taking turns between languages, and a story page that lists every one.
func TestBoundedEntryAndStoryPage(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var urls []string
	for i := range 40 {
		urls = append(urls, fmt.Sprintf("https://s%d.example/feed", i))
	}
	src := sync(t, s, urls...)
	g := &fakeGrouper{by: map[string]int64{}}
	var batch []aggregate.Fetched
	for i := range src {
		it := item(fmt.Sprint("k", i), fmt.Sprintf("https://news%d.example/a", i), fmt.Sprintf("summit: report %d", i), true,
			t0.Add(time.Duration(i)*time.Minute))
		if i%10 == 3 {
			it.Lang = "ko"
		}
		batch = append(batch, aggregate.Fetched{State: aggregate.FetchState{SourceID: src[i].ID}, Items: []aggregate.Item{it}})
	}
	if _, _, err := s.Save(ctx, batch, g); err != nil {
		t.Fatal(err)
	}
	entries, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 6})
	if err != nil || len(entries) != 1 {
		t.Fatalf("curated: %v, %d entries", err, len(entries))
	}
	e := entries[0]
	if e.Reports != 40 || !slices.Equal(e.Langs, []string{"en", "ko"}) {
		t.Errorf("reports %d, languages %q; want 40 in en and ko", e.Reports, e.Langs)
	}
	var also []string
	for _, r := range e.Also {
		also = append(also, r.Lang+" "+r.URL)
	}
	// Turns between the languages, the lead's (en) first, earliest first in each.
	want := []string{"en https://news1.example/a", "en https://news2.example/a", "en https://news4.example/a",
		"ko https://news3.example/a", "ko https://news13.example/a", "ko https://news23.example/a"}
	if !slices.Equal(also, want) {
		t.Errorf("also reported by\n%q\nwant\n%q", also, want)
	}

	page, ok, err := s.Story(ctx, e.Item.StoryID)
	if err != nil || !ok {
		t.Fatalf("story page: %v %v", ok, err)
	}
	if len(page.Members) != 40 || page.Reports != 40 || !page.Members[0].Lead || page.Members[0].URL != e.Item.URL {
		t.Fatalf("story page: %d members of %d, first %+v", len(page.Members), page.Reports, page.Members[0])
	}
	for i, m := range page.Members {
		if m.Outlet.Name == "" || m.URL == "" || m.Lang == "" || m.Published.IsZero() || i > 0 && m.Published.Before(page.Members[i-1].Published) {
			t.Fatalf("member %d: %+v", i, m)
		}
	}
	if _, ok, err := s.Story(ctx, 999); ok || err != nil {
		t.Errorf("a story that does not exist: %v %v", ok, err)
	}
	recent, err := s.RecentStories(ctx, 5, 3)
	if err != nil || len(recent) != 1 || len(recent[0].Members) != 3 || recent[0].Reports != 40 || !recent[0].Members[0].Lead {
		t.Errorf("recent stories: %v %+v", err, recent)
	}
}

// A feed of one language lists every story a report in that language is part
// of, led by its first such report, not only the stories such a report leads;
// the story's own lead is among the others it names. Search with a language
// likewise. A story with no report in the language stays out.
func TestLanguageFeedTakesEveryStoryItReported(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://en1.example/feed", "https://ko1.example/feed", "https://ko2.example/feed", "https://en2.example/feed")
	g := &fakeGrouper{by: map[string]int64{}}
	summit := func(i int, lang, title string) aggregate.Fetched {
		it := item(fmt.Sprint("s", i), fmt.Sprintf("https://news%d.example/a", i), "summit: "+title, true, t0.Add(time.Duration(i)*time.Minute))
		it.Lang = lang
		return aggregate.Fetched{State: aggregate.FetchState{SourceID: src[i].ID}, Items: []aggregate.Item{it}}
	}
	other := item("o", "https://en2.example/other", "chips: export rule", true, t0.Add(time.Hour))
	batch := []aggregate.Fetched{summit(0, "en", "leaders meet"), summit(1, "ko", "정상회의 개막"), summit(2, "ko", "정상회의 합의문"),
		{State: aggregate.FetchState{SourceID: src[3].ID}, Items: []aggregate.Item{other}}}
	if _, _, err := s.Save(ctx, batch, g); err != nil {
		t.Fatal(err)
	}
	if _, err := s.IndexSearch(ctx); err != nil {
		t.Fatal(err)
	}
	all, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 5})
	if err != nil || len(all) != 2 || all[1].Item.Lang != "en" || all[1].Reports != 3 {
		t.Fatalf("curated: %v, %+v", err, all)
	}
	for _, q := range []aggregate.Query{{Limit: 10, MaxRelated: 5, Lang: "ko"}, {Limit: 10, MaxRelated: 5, Lang: "ko", Match: "summit"}} {
		ko, err := s.Curated(ctx, q)
		if err != nil || len(ko) != 1 {
			t.Fatalf("%+v: %v, %d entries, want the summit's", q, err, len(ko))
		}
		e := ko[0]
		if e.Item.Lang != "ko" || e.Item.URL != "https://news1.example/a" || e.Outlet.FeedURL != "https://ko1.example/feed" ||
			e.ID != all[1].ID || e.Item.StoryID != all[1].Item.StoryID || e.Reports != 3 || e.Cursor != all[1].Cursor {
			t.Errorf("%+v: entry led by %s %s (%s), id %q, story %d, %d reports; want the first Korean report, the story's id %q",
				q, e.Item.Lang, e.Item.URL, e.Outlet.FeedURL, e.ID, e.Item.StoryID, e.Reports, all[1].ID)
		}
		var also []string
		for _, r := range e.Also {
			also = append(also, r.URL)
		}
		if !slices.Contains(also, "https://news0.example/a") || !slices.Contains(also, "https://news2.example/a") || len(also) != 2 {
			t.Errorf("%+v: also reported by %q, want the English lead and the other Korean report", q, also)
		}
	}
	en, err := s.Curated(ctx, aggregate.Query{Limit: 10, Lang: "en"})
	if err != nil || len(en) != 2 || en[1].Item.URL != "https://news0.example/a" {
		t.Errorf("English feed: %v, %+v", err, en)
	}

	// Revised so that the filter no longer keeps them, the Korean reports stay
	// in the story but may not lead it, and with none kept it is not Korean news.
	revised := func(i int, title string, match bool) aggregate.Fetched {
		f := summit(i, "ko", title)
		f.Items[0].Verdict.Match = match
		return f
	}
	if _, _, err := s.Save(ctx, []aggregate.Fetched{revised(1, "정상회의 개막 (광고)", false)}, g); err != nil {
		t.Fatal(err)
	}
	ko, err := s.Curated(ctx, aggregate.Query{Limit: 10, Lang: "ko"})
	if err != nil || len(ko) != 1 || ko[0].Item.URL != "https://news2.example/a" {
		t.Errorf("Korean feed, its first report no longer kept: %v, %+v", err, ko)
	}
	if _, _, err := s.Save(ctx, []aggregate.Fetched{revised(2, "정상회의 합의문 (광고)", false)}, g); err != nil {
		t.Fatal(err)
	}
	if ko, err := s.Curated(ctx, aggregate.Query{Limit: 10, Lang: "ko"}); err != nil || len(ko) != 0 {
		t.Errorf("Korean feed, no Korean report kept: %v, %+v", err, ko)
	}
}

// A language's feed stays newest first: an entry led by a later report in the
// language is dated by its story, as the feed orders and pages it.
func TestLanguageFeedStaysInOrder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://en.example/feed", "https://ko1.example/feed", "https://ko2.example/feed")
	g := &fakeGrouper{by: map[string]int64{}}
	at := func(i int, key, lang, title string, h time.Duration) aggregate.Fetched {
		it := item(key, "https://x.example/"+key, title, true, t0.Add(h))
		it.Lang = lang
		return aggregate.Fetched{State: aggregate.FetchState{SourceID: src[i].ID}, Items: []aggregate.Item{it}}
	}
	batch := []aggregate.Fetched{at(0, "e", "en", "summit: leaders meet", 0), at(1, "k", "ko", "summit: 정상회의", 5*time.Hour),
		at(2, "o", "ko", "chips: 반도체 지원", 2*time.Hour)}
	if _, _, err := s.Save(ctx, batch, g); err != nil {
		t.Fatal(err)
	}
	ko, err := s.Curated(ctx, aggregate.Query{Limit: 10, Lang: "ko"})
	if err != nil || len(ko) != 2 {
		t.Fatalf("Korean feed: %v, %+v", err, ko)
	}
	for i, e := range ko {
		if !e.Item.Published.Equal(e.Cursor.Published) || i > 0 && e.Item.Published.After(ko[i-1].Item.Published) {
			t.Errorf("entry %d (%s) dated %v, its place %v; the feed must read newest first", i, e.Item.Title, e.Item.Published, e.Cursor.Published)
		}
	}
}

// A report of an article another source already carries joins its story, with
// the grouper too, whatever the grouper would say of its text.
func TestSameURLJoinsWithGrouper(t *testing.T) {
	ctx := context.Background()
	s, save := groupedStore(t)
	first := item("a1", "https://news.example/x", "summit: leaders meet", true, t0)
	save(0, first, item("a2", "https://news.example/y", "budget: passes", true, t0))
	again := item("b1", "https://news.example/x", "budget: a different title", true, t0.Add(time.Minute))
	save(1, again)
	e, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil || len(e) != 2 {
		t.Fatalf("curated: %v, %d entries, want 2", err, len(e))
	}
	for _, en := range e {
		if en.Item.URL == "https://news.example/x" && (len(en.Also) != 1 || en.Also[0].Outlet.Name != "S1" || en.Also[0].Similarity != 1) {
			t.Errorf("the same article from another source: %+v", en.Also)
		}
	}
}

// recordingGrouper is a fakeGrouper that records what Added was told.
type recordingGrouper struct {
	fakeGrouper
	assigned int
	added    [][]int64 // per Added: each need's story
}

func (g *recordingGrouper) Assign(needs []aggregate.StoryNeed) {
	g.assigned++
	g.fakeGrouper.Assign(needs)
}

func (g *recordingGrouper) Added(needs []aggregate.StoryNeed) {
	var stories []int64
	for _, n := range needs {
		stories = append(stories, n.Item.StoryID)
	}
	g.added = append(g.added, stories)
	g.fakeGrouper.Added(needs)
}

// The grouper hears of every save it decided for, saved or not: one that failed
// saved nothing, whatever its items' stories were when it failed.
func TestGrouperHearsOfEverySave(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	g := &recordingGrouper{fakeGrouper: fakeGrouper{by: map[string]int64{}}}
	good := aggregate.Fetched{State: aggregate.FetchState{SourceID: src[0].ID}, Items: []aggregate.Item{
		item("a-1", "https://news.example/1", "summit: leaders meet", true, t0),
	}}
	bad := aggregate.Fetched{State: aggregate.FetchState{SourceID: 999}}
	if _, _, err := s.Save(ctx, []aggregate.Fetched{good, bad}, g); err == nil {
		t.Fatal("the save with an unknown source succeeded")
	}
	if g.assigned != 1 || len(g.added) != 1 || !slices.Equal(g.added[0], []int64{0}) {
		t.Fatalf("after a failed save: %d Assign, Added with %v; want one each, nothing saved", g.assigned, g.added)
	}
	if _, _, err := s.Save(ctx, []aggregate.Fetched{good}, g); err != nil {
		t.Fatal(err)
	}
	if g.assigned != 2 || len(g.added) != 2 || len(g.added[1]) != 1 || g.added[1][0] == 0 {
		t.Fatalf("after a save: %d Assign, Added with %v; want the item's story", g.assigned, g.added)
	}
}

// A feed that gives its articles new GUIDs on every poll: the article (same link,
// text and date) is stored once, under its first key, and its story counts it once.
// Under one link, an item with another date or body (a weekly briefing with the same
// headline) is another item, listed beside it or alone, and so is a correction under
// a new GUID; two undated items are never taken for one. One article under two GUIDs
// in one poll, stored or new, is stored once.
func TestSaveArticleUnderANewGUIDIsTheSameItem(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	save := func(items ...aggregate.Item) aggregate.SaveStats {
		t.Helper()
		f := []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: items}}
		stats, _, err := s.Save(ctx, f, nil)
		if err != nil {
			t.Fatal(err)
		}
		return stats[0]
	}
	count := func() (items, members int) {
		t.Helper()
		if err := s.r.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(story_id != 0), 0) FROM items`).Scan(&items, &members); err != nil {
			t.Fatal(err)
		}
		return
	}
	under := func(it aggregate.Item, key string) aggregate.Item {
		it.Key, it.GUID = key, key
		return it
	}
	link := "https://news.example/ai-act"
	first := item("guid-1", link, "AI act passes", true, t0.Add(-time.Hour))
	if st := save(first); st.New != 1 {
		t.Fatalf("first poll: %+v", st)
	}
	for i, key := range []string{"guid-2", "guid-3", "guid-2", "guid-1"} {
		if st := save(under(first, key)); st.New != 0 || st.Changed != 0 {
			t.Errorf("poll %d, the article under %s: %+v, want nothing new", i+2, key, st)
		}
	}
	if n, m := count(); n != 1 || m != 1 {
		t.Errorf("after new GUIDs: %d items, %d story members; want 1, 1", n, m)
	}
	// Listed twice in one poll, under its stored key and a new one: stored once.
	if st := save(first, under(first, "guid-5")); st.New != 0 {
		t.Errorf("listed under two GUIDs: %+v", st)
	}
	// Another week's briefing under the same link and headline, with another
	// date (and body): another item, beside the first or alone.
	week2 := under(first, "guid-w2")
	week2.Published, week2.Content = t0.Add(6*24*time.Hour), "<p>week 2</p>"
	week3 := under(first, "guid-w3")
	week3.Published = t0.Add(13 * 24 * time.Hour)
	if st := save(first, week2); st.New != 1 {
		t.Errorf("next week's briefing beside the first: %+v, want it new", st)
	}
	if st := save(week3); st.New != 1 {
		t.Errorf("a third week's briefing alone: %+v, want it new", st)
	}
	if n, _ := count(); n != 3 {
		t.Errorf("%d items, want 3 (one a week)", n)
	}
	// A new article under two GUIDs in its first poll: stored once.
	other := item("guid-o1", "https://news.example/chips", "Chip export rule", true, t0)
	if st := save(other, under(other, "guid-o2")); st.New != 1 {
		t.Errorf("a new article under two GUIDs in one poll: %+v, want 1 new", st)
	}
	if n, _ := count(); n != 4 {
		t.Errorf("%d items, want 4", n)
	}
	// A correction under a GUID seen before as an alias: another text, stored
	// (not lost).
	fixed := under(first, "guid-2")
	fixed.Summary = "AI act passes, corrected"
	if st := save(fixed); st.New != 1 {
		t.Errorf("a correction under a new GUID: %+v, want it stored", st)
	}
	// Undated items (the poll's time is their date) under one link and headline:
	// two items, whatever their GUIDs say.
	undated := item("guid-u1", "https://news.example/briefing", "Weekly AI briefing", true, t0)
	undated.Undated = true
	if st := save(undated); st.New != 1 {
		t.Fatalf("an undated briefing: %+v", st)
	}
	if st := save(under(undated, "guid-u2")); st.New != 1 {
		t.Errorf("next week's undated briefing: %+v, want it new", st)
	}
	// One article under two GUIDs on every poll: stored once; deleted by
	// retention, neither GUID brings it back.
	twice := item("guid-t1", "https://news.example/twice", "Chip subsidy bill", true, t0)
	if st := save(twice, under(twice, "guid-t2")); st.New != 1 {
		t.Errorf("an article under two GUIDs: %+v, want 1 new", st)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE items SET first_seen = ? WHERE url = ?`, unix(t0.Add(-400*24*time.Hour)), twice.URL); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Retain(ctx, t0, Retention{KeepUnmatched: time.Hour, KeepMatched: time.Hour, KeepTombstones: 1000 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	for poll := range 2 {
		if st := save(twice, under(twice, "guid-t2")); st.New != 0 {
			t.Errorf("poll %d after retention: %+v, want the article not back", poll+1, st)
		}
	}
}
