package store

import (
	"context"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// TestOldHashesAreNotRevisions simulates a database written before body_hash
// changed (migration 006): its rows carry hash_v 1, a hash of another function
// and sanitised HTML. Polling the same items again must not count them as
// revised nor move their stories' updated time; an item whose text did change
// is still a revision.
func TestOldHashesAreNotRevisions(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	g := &fakeGrouper{by: map[string]int64{}}
	same := item("k1", "https://news.example/1", "summit: AI rules agreed", true, t0.Add(-time.Hour))
	same.Content = `<p>Body <script>x()</script></p>`
	revised := item("k2", "https://news.example/2", "chips: export rule", true, t0.Add(-2*time.Hour))
	plain := item("k3", "https://news.example/3", "Football", false, t0.Add(-3*time.Hour))
	save := func(items ...aggregate.Item) aggregate.SaveStats {
		t.Helper()
		stats, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: items}}, g)
		if err != nil {
			t.Fatal(err)
		}
		return stats[0]
	}
	if st := save(same, revised, plain); st.New != 3 {
		t.Fatalf("first save: %+v", st)
	}
	// As an earlier version left them.
	if _, err := s.w.ExecContext(ctx, `UPDATE items SET hash_v = 1, body_hash = 12345, content = '<p>Body </p>' WHERE content != ''`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE items SET hash_v = 1, body_hash = 67890 WHERE content = ''`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE stories SET updated = 1000`); err != nil {
		t.Fatal(err)
	}

	revised2 := revised
	revised2.Title = "chips: export rule tightened"
	if st := save(same, revised2, plain); st.Changed != 1 || st.New != 0 {
		t.Errorf("after the hash change: %+v, want 1 changed (the revised title) and 0 new", st)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT i.key_hash, i.hash_v, st.updated FROM items i LEFT JOIN stories st ON st.id = i.story_id ORDER BY i.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var updated []int64
	for rows.Next() {
		var kh, hv int64
		var up *int64
		if err := rows.Scan(&kh, &hv, &up); err != nil {
			t.Fatal(err)
		}
		if hv != bodyHashVersion {
			t.Errorf("item %d: hash_v %d after a poll, want %d", kh, hv, bodyHashVersion)
		}
		if up != nil {
			updated = append(updated, *up)
		}
	}
	if len(updated) != 2 || updated[0] != 1000 || updated[1] == 1000 {
		t.Errorf("stories' updated = %v: want the unchanged item's story untouched (1000) and the revised one's moved", updated)
	}
	// Rehashed: the next poll of the same items changes nothing.
	if st := save(same, revised2, plain); st.Changed != 0 || st.New != 0 {
		t.Errorf("third poll: %+v, want nothing changed", st)
	}
}
