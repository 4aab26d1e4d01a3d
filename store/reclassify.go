package store

import (
	"context"
	"database/sql"
	"errors"
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
	items, hashes, err := s.reclassifyItems(ctx, since, after)
	if err != nil {
		return 0, 0, fmt.Errorf("store: reclassify: %w", err)
	}
	// The new verdicts, and the stories of the items that now enter the curated
	// feed, are decided before the write transaction.
	type change struct {
		i    int
		v    aggregate.Verdict
		need int // 1 + index in needs, or 0
	}
	var changes []change
	p := &plan{}
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
		c := change{i: i, v: v}
		if it.StoryID == 0 && v.Match && it.Fresh {
			p.needs = append(p.needs, aggregate.StoryNeed{Item: it})
			c.need = len(p.needs)
		}
		changes = append(changes, c)
	}
	if g != nil && len(p.needs) > 0 {
		if err := urlStories(ctx, s.r, p.needs); err != nil {
			return 0, 0, fmt.Errorf("store: reclassify: %w", err)
		}
		g.Assign(p.needs)
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("store: reclassify: %w", err)
	}
	defer tx.Rollback()
	w, err := newWriter(ctx, tx, p)
	if err != nil {
		return 0, 0, fmt.Errorf("store: reclassify: %w", err)
	}
	defer w.close()
	for _, c := range changes {
		it := &items[c.i]
		old := it.Verdict
		// An item revised (or deleted) since it was read keeps what its save gave it.
		res, err := tx.ExecContext(ctx, "UPDATE items SET match = ?, score = ?, reasons = ?, facets = ? WHERE id = ? AND body_hash = ?",
			b2i(c.v.Match), c.v.Score, string(stringsJSON(nil, c.v.Reasons)), joinFacets(c.v.Facets), it.ID, hashes[c.i])
		if err != nil {
			return 0, 0, fmt.Errorf("store: reclassify item %d: %w", it.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return 0, 0, fmt.Errorf("store: reclassify item %d: %w", it.ID, err)
			}
			continue
		}
		st.Changed++
		it.Verdict = c.v
		if it.Fresh && c.v.Match != old.Match {
			if c.v.Match {
				st.Entered++
			} else {
				st.Left++
			}
		}
		switch {
		case it.StoryID != 0:
			err = w.stories.recompute(ctx, it.StoryID, time.Time{})
		case c.need > 0:
			err = w.assignStory(ctx, it, p.needs[c.need-1].Choice)
		}
		if err != nil {
			return 0, 0, fmt.Errorf("store: reclassify item %d: %w", it.ID, err)
		}
	}
	if err := w.stories.finish(ctx); err != nil {
		return 0, 0, fmt.Errorf("store: reclassify: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("store: reclassify: commit: %w", err)
	}
	if g != nil && len(p.needs) > 0 {
		g.Added(p.needs)
	}
	return len(items), last, nil
}

// reclassifyItems reads up to reclassifyBatch items first seen at or after
// since with ids above after, with the text the classifier read and the hash
// of their text.
func (s *Store) reclassifyItems(ctx context.Context, since time.Time, after int64) ([]aggregate.Item, []int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+itemColumns+`, i.body_text, i.body_hash FROM items i
		WHERE i.first_seen >= ? AND i.id > ? ORDER BY i.id LIMIT ?`, unix(since), after, reclassifyBatch)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var items []aggregate.Item
	var hashes []int64
	for rows.Next() {
		var it aggregate.Item
		var tmp itemScan
		var h int64
		if err := rows.Scan(append(scanItem(nil, &it, &tmp), &it.BodyText, &h)...); err != nil {
			return nil, nil, err
		}
		if err := tmp.finish(&it); err != nil {
			return nil, nil, err
		}
		items, hashes = append(items, it), append(hashes, h)
	}
	return items, hashes, rows.Err()
}

// urlStories sets the URLStory of each need: the story of another stored item
// with its URL.
func urlStories(ctx context.Context, db interface {
	PrepareContext(context.Context, string) (*sql.Stmt, error)
}, needs []aggregate.StoryNeed) error {
	q, err := db.PrepareContext(ctx, byURLQuery)
	if err != nil {
		return err
	}
	defer q.Close()
	for i := range needs {
		it := needs[i].Item
		if it.URL == "" {
			continue
		}
		err := q.QueryRowContext(ctx, urlHash(it.URL), it.ID).Scan(&needs[i].URLStory)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	return nil
}
