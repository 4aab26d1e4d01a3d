package store

import (
	"context"
	"hash/fnv"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
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
	first, err := s.Curated(ctx, aggregate.Query{Limit: 10})
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
	after, err := s.Curated(ctx, aggregate.Query{Limit: 10})
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
	entries, err := s.Curated(ctx, aggregate.Query{Limit: 10})
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
	entries, err := s.Curated(ctx, aggregate.Query{Limit: 10})
	if c, _ := s.Count(ctx); err != nil || len(entries) != 1 || c.Items != 1 || c.Stories != 1 || entries[0].Item.Title != second.Title {
		t.Fatalf("entries %d (%v), counts %+v", len(entries), err, c)
	}
}
