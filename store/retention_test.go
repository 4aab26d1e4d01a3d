package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// dayItems is what one source yields on one simulated day: perDay new items,
// every fifth kept by the filter, each with a body of realistic size.
func dayItems(src, day, perDay int, firstSeen time.Time) []aggregate.Item {
	var out []aggregate.Item
	body := strings.Repeat("정부는 인공지능 산업 육성 방안을 발표했다. The ministry published its plan. ", 12)
	for i := range perDay {
		key := fmt.Sprintf("s%d-d%d-i%d", src, day, i)
		match := i%5 == 0
		it := aggregate.Item{Key: key, GUID: key, URL: "https://news.example/" + key, Title: "Title " + key,
			Summary: "Summary of " + key, BodyText: body + key, Lang: "ko", Published: firstSeen.Add(-time.Hour),
			FirstSeen: firstSeen, Fresh: true, Verdict: aggregate.Verdict{Match: match, Score: 1, Reasons: []string{}}}
		if match {
			it.Content = "<p>" + body + "</p>"
		}
		out = append(out, it)
	}
	return out
}

// TestRetentionLevelsOffDatabaseSize ingests many days of polling with
// retention after each, and shows that the file stops growing: the size after
// 2N days is within a small factor of the size after N days, once the oldest
// items (and later their tombstones) go as fast as new ones come.
func TestRetentionLevelsOffDatabaseSize(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests 80 simulated days")
	}
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/feed", "https://c.example/feed")
	const perDay, days = 60, 80
	r := Retention{KeepUnmatched: 10 * 24 * time.Hour, KeepMatched: 20 * 24 * time.Hour} // tombstones: 40 days
	sizes := map[int]int64{}
	var unbounded int64 // what the items alone would have grown to
	for day := 0; day < days; day++ {
		now := t0.Add(time.Duration(day) * 24 * time.Hour)
		var batch []aggregate.Fetched
		for i, so := range src {
			batch = append(batch, aggregate.Fetched{State: aggregate.FetchState{SourceID: so.ID, LastSuccess: now},
				Items: dayItems(i, day, perDay, now)})
		}
		if _, _, err := s.Save(ctx, batch, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Retain(ctx, now, r); err != nil {
			t.Fatalf("day %d: %v", day, err)
		}
		size, err := s.Size()
		if err != nil {
			t.Fatal(err)
		}
		sizes[day+1] = size
		unbounded += int64(len(src) * perDay)
	}
	n := days / 2
	t.Logf("size after %d days: %d bytes, after %d days: %d bytes (%d items ingested)", n, sizes[n], days, sizes[days], unbounded)
	if sizes[n] == 0 || sizes[days] > sizes[n]*5/4 {
		t.Errorf("database keeps growing: %d bytes after %d days, %d after %d", sizes[n], n, sizes[days], days)
	}
	// What is left is exactly the retention window: items first seen less than
	// 10 days (unmatched) or 20 days (matched) before the last run, which sees
	// day 79: days 69..79 and 59..79, since an item exactly as old stays.
	c, err := s.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantMatched := int64(21 * len(src) * perDay / 5)
	wantItems := wantMatched + int64(11*len(src)*perDay*4/5)
	if c.Items != wantItems || c.Matched != wantMatched {
		t.Errorf("counts %+v, want %d items of which %d matched", c, wantItems, wantMatched)
	}
	// Tombstones live 40 days after deletion: those of days deleted within the
	// last 40 days remain, older ones are forgotten.
	if c.Tombstones == 0 || c.Tombstones >= unbounded-c.Items {
		t.Errorf("tombstones %d: want some pruned out of %d deleted", c.Tombstones, unbounded-c.Items)
	}
	if c.Stories != wantMatched {
		t.Errorf("%d stories left, want one per matched item left (%d)", c.Stories, wantMatched)
	}

	// A feed still listing items deleted recently does not bring them back.
	now := t0.Add(days * 24 * time.Hour)
	old := dayItems(0, days-25, perDay, now) // unmatched ones deleted, matched kept
	stats, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: old}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats[0].New != 0 {
		t.Errorf("%d deleted items came back when their feed listed them again", stats[0].New)
	}
	if c2, _ := s.Count(ctx); c2.Items != c.Items {
		t.Errorf("items %d after re-listing, want %d", c2.Items, c.Items)
	}
}

// TestRetentionShrinksFile shows that deleted pages go back to the file
// system, not only to SQLite's free list.
func TestRetentionShrinksFile(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var av int
	if err := s.w.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&av); err != nil || av != 2 {
		t.Fatalf("auto_vacuum = %d (%v), want 2 (incremental) on a new database", av, err)
	}
	src := sync(t, s, "https://a.example/feed")
	for day := range 5 {
		items := dayItems(0, day, 200, t0)
		if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: items}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	full, _ := s.Size()
	st, err := s.Retain(ctx, t0.Add(400*24*time.Hour), Retention{KeepUnmatched: time.Hour, KeepMatched: time.Hour, KeepTombstones: 1000 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	empty, _ := s.Size()
	if st.Deleted != 1000 || st.DeletedMatched != 200 || st.FreedPages == 0 || !st.Checkpointed {
		t.Errorf("stats %+v: want 1000 deleted (200 matched), pages freed, WAL checkpointed", st)
	}
	if empty >= full/2 {
		t.Errorf("file is %d bytes after deleting everything, was %d", empty, full)
	}
	var free int
	s.w.QueryRowContext(ctx, "PRAGMA freelist_count").Scan(&free)
	if free != 0 {
		t.Errorf("%d pages left on the free list", free)
	}
	if c, _ := s.Count(ctx); c.Items != 0 || c.Stories != 0 || c.Tombstones != 1000 {
		t.Errorf("counts after deleting everything: %+v", c)
	}
	if got, err := s.IntegrityCheck(ctx); err != nil || len(got) != 1 || got[0] != "ok" {
		t.Errorf("integrity_check = %v, %v", got, err)
	}
}

// TestRetentionRecomputesStories deletes the lead of a story reported by two
// outlets: the story stays, led by the remaining report.
func TestRetentionRecomputesStories(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/feed")
	early := item("a-1", "https://news.example/1", "AI act passes", true, t0.Add(-3*time.Hour))
	early.FirstSeen = t0.Add(-40 * 24 * time.Hour)
	late := item("b-1", "https://news.example/1", "AI act passes (copy)", true, t0.Add(-1*time.Hour))
	late.FirstSeen = t0
	for _, f := range []aggregate.Fetched{
		{State: aggregate.FetchState{SourceID: src[0].ID}, Items: []aggregate.Item{early}},
		{State: aggregate.FetchState{SourceID: src[1].ID}, Items: []aggregate.Item{late}},
	} {
		if _, _, err := s.Save(ctx, []aggregate.Fetched{f}, nil); err != nil {
			t.Fatal(err)
		}
	}
	before, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil || len(before) != 1 || before[0].Item.Title != "AI act passes" || len(before[0].Also) != 1 {
		t.Fatalf("before: %+v, %v", before, err)
	}
	ran := t0.Add(time.Hour)
	st, err := s.Retain(ctx, ran, Retention{KeepUnmatched: 24 * time.Hour, KeepMatched: 30 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if st.Deleted != 1 || st.Stories != 1 {
		t.Errorf("stats %+v, want 1 item deleted and 1 story recomputed", st)
	}
	after, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil || len(after) != 1 {
		t.Fatalf("after: %+v, %v", after, err)
	}
	if after[0].Item.Title != "AI act passes (copy)" || len(after[0].Also) != 0 || after[0].ID != before[0].ID {
		t.Errorf("story after its lead went: id %s (was %s), lead %q, %d others", after[0].ID, before[0].ID, after[0].Item.Title, len(after[0].Also))
	}
	// The entry's title and link changed: its updated time says so, for readers.
	if !after[0].Updated.Equal(ran) {
		t.Errorf("entry updated %v after its lead changed, want the retention run's %v (was %v)", after[0].Updated, ran, before[0].Updated)
	}
	// Re-listing the deleted lead does not bring it back into the story.
	stats, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: []aggregate.Item{early}}}, nil)
	if err != nil || stats[0].New != 0 {
		t.Errorf("re-listed deleted item: %+v, %v", stats, err)
	}
}

func TestRetentionRejectsZeroKeep(t *testing.T) {
	s := openTest(t)
	_, err := s.Retain(context.Background(), t0, Retention{KeepMatched: time.Hour})
	if !errors.Is(err, ErrRetention) {
		t.Errorf("err = %v, want ErrRetention", err)
	}
}

// TestRetentionPrunesOldMerges: the record of a story merged into one that
// retention has since deleted goes once it is as old as a tombstone may be; one
// whose story is kept, or that is recent, stays.
func TestRetentionPrunesOldMerges(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID},
		Items: []aggregate.Item{item("a", "https://a.example/1", "EU adopts AI Act", true, t0)}}}, nil); err != nil {
		t.Fatal(err)
	}
	var kept int64
	if err := s.r.QueryRowContext(ctx, "SELECT id FROM stories").Scan(&kept); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(10 * 24 * time.Hour)
	old, recent := unix(now.Add(-48*time.Hour)), unix(now.Add(-time.Hour))
	for _, m := range []struct {
		id, into int64
		at       int64
	}{{100, 999, old}, {101, kept, old}, {102, 999, recent}} {
		if _, err := s.w.ExecContext(ctx, `INSERT INTO story_merges (id, into_id, merged_at, entry_id, lead_item_id) VALUES (?, ?, ?, ?, 0)`,
			m.id, m.into, m.at, fmt.Sprintf("tag:x,%d", m.id)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Retain(ctx, now, Retention{KeepUnmatched: 365 * 24 * time.Hour, KeepMatched: 365 * 24 * time.Hour, KeepTombstones: 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT id FROM story_merges ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var left []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		left = append(left, id)
	}
	if fmt.Sprint(left) != "[101 102]" {
		t.Errorf("merges left %v, want [101 102] (the old one into a deleted story pruned)", left)
	}
}

// TestRemovedSourcesWithNothingStoredAreNotListed: a source taken out of the
// config is listed while it has items or tombstones; one with neither is not,
// or every source ever removed, a typo'd URL that never stored anything
// included, stayed in gleaner sources, /status and the metrics. Put back, it
// takes up its fetch state again.
func TestRemovedSourcesWithNothingStoredAreNotListed(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/typo", "https://c.example/feed", "https://d.example/feed")
	now := t0
	var batch []aggregate.Fetched
	for i, so := range []aggregate.Source{src[0], src[2]} {
		batch = append(batch, aggregate.Fetched{State: aggregate.FetchState{SourceID: so.ID, LastSuccess: now}, Items: dayItems(i, 0, 5, now)})
	}
	batch = append(batch, aggregate.Fetched{State: aggregate.FetchState{SourceID: src[1].ID, ConsecutiveErrors: 3, Status: 404}})
	if _, _, err := s.Save(ctx, batch, nil); err != nil {
		t.Fatal(err)
	}
	r := Retention{KeepUnmatched: 10 * 24 * time.Hour, KeepMatched: 10 * 24 * time.Hour}
	// c's items go by retention (their tombstones stay); a, b and c are removed
	// from the config, d stays in it.
	if _, err := s.Retain(ctx, now.Add(11*24*time.Hour), r); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: dayItems(0, 11, 5, now.Add(11*24*time.Hour))}}, nil); err != nil {
		t.Fatal(err)
	}
	sync(t, s, "https://d.example/feed")
	listed := func() string {
		status, err := s.SourceStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var urls []string
		for _, so := range status {
			urls = append(urls, so.Source.URL)
		}
		slices.Sort(urls)
		return strings.Join(urls, " ")
	}
	if got, want := listed(), "https://a.example/feed https://c.example/feed https://d.example/feed"; got != want {
		t.Errorf("sources listed: %s, want %s", got, want)
	}
	// Put back, b is listed again with the state it had.
	sync(t, s, "https://d.example/feed", "https://b.example/typo")
	status, err := s.SourceStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(status) != 4 || status[1].Source.URL != "https://b.example/typo" || status[1].State.ConsecutiveErrors != 3 {
		t.Errorf("after b was put back: %+v", status)
	}
}
