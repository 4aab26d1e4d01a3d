package store

import (
	"context"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
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
