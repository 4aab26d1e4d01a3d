package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// ReclassifyStats counts what re-applying the topic filter changed.
type ReclassifyStats struct {
	Checked int // items read
	Changed int // items whose verdict changed
	Entered int // items that now enter the curated feed
	Left    int // items that leave it
}

// reclassifyBatch is how many items one transaction re-judges, so that the
// writer is not held for long and the feed keeps being served.
const reclassifyBatch = 500

// Reclassify re-applies classify to items first seen at or after since, using
// the text stored with each (what the classifier read when it arrived), and
// updates verdicts and stories. Items that newly pass join or start stories (g
// may be nil); stories whose items no longer pass are hidden.
func (s *Store) Reclassify(ctx context.Context, since time.Time, classify func(title, summary, body string) aggregate.Verdict, g aggregate.Grouper) (ReclassifyStats, error) {
	var st ReclassifyStats
	var lastID int64
	for {
		n, last, err := s.reclassifyBatch(ctx, since, lastID, classify, g, &st)
		if err != nil {
			return st, err
		}
		if n < reclassifyBatch {
			return st, nil
		}
		lastID = last
	}
}

func (s *Store) reclassifyBatch(ctx context.Context, since time.Time, after int64, classify func(string, string, string) aggregate.Verdict, g aggregate.Grouper, st *ReclassifyStats) (int, int64, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("store: reclassify: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+itemColumns+`, i.body_text FROM items i
		WHERE i.first_seen >= ? AND i.id > ? ORDER BY i.id LIMIT ?`, unix(since), after, reclassifyBatch)
	if err != nil {
		return 0, 0, fmt.Errorf("store: reclassify: %w", err)
	}
	var items []aggregate.Item
	for rows.Next() {
		var it aggregate.Item
		var tmp itemScan
		if err := rows.Scan(append(scanItem(nil, &it, &tmp), &it.BodyText)...); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("store: reclassify: %w", err)
		}
		if err := tmp.finish(&it); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("store: reclassify: %w", err)
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("store: reclassify: %w", err)
	}
	w, err := newWriter(ctx, tx, g)
	if err != nil {
		return 0, 0, fmt.Errorf("store: reclassify: %w", err)
	}
	defer w.close()
	var last int64
	for i := range items {
		it := &items[i]
		last = it.ID
		st.Checked++
		v := classify(it.Title, it.Summary, it.BodyText)
		old := it.Verdict
		if v.Match == old.Match && v.Score == old.Score && slices.Equal(v.Facets, old.Facets) && slices.Equal(v.Reasons, old.Reasons) {
			continue
		}
		st.Changed++
		reasons := reasonsJSON(nil, v.Reasons)
		if _, err := tx.ExecContext(ctx, "UPDATE items SET match = ?, score = ?, reasons = ?, facets = ? WHERE id = ?",
			b2i(v.Match), v.Score, string(reasons), joinFacets(v.Facets), it.ID); err != nil {
			return 0, 0, fmt.Errorf("store: reclassify item %d: %w", it.ID, err)
		}
		it.Verdict = v
		if it.Fresh && v.Match != old.Match {
			if v.Match {
				st.Entered++
			} else {
				st.Left++
			}
		}
		switch {
		case it.StoryID != 0:
			w.touched[it.StoryID] = true
		case v.Match && it.Fresh:
			if err := w.assignStory(ctx, it); err != nil {
				return 0, 0, fmt.Errorf("store: reclassify item %d: %w", it.ID, err)
			}
		}
	}
	for id := range w.touched {
		if err := recomputeStory(ctx, tx, id); err != nil {
			return 0, 0, fmt.Errorf("store: reclassify: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("store: reclassify: commit: %w", err)
	}
	return len(items), last, nil
}
