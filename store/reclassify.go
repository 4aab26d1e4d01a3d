package store

import (
	"context"
	"database/sql"
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
	// Stale counts the items a clear left as they were: revised by a poll or
	// labelled again since they were read (gleaner label ... clear again).
	Stale int
	// Cleared counts the labels a clear removed; Gone the items it found deleted
	// (by retention) when it came to write.
	Cleared, Gone int
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
	items, hashes, labels, err := s.reclassifyItems(ctx, reclassifyQuery, unix(since), after, reclassifyBatch)
	if err != nil {
		return 0, 0, fmt.Errorf("store: reclassify: %w", err)
	}
	return s.rejudgeItems(ctx, items, hashes, labels, classify, g, nil, st)
}

// ClearLabels removes the curator's labels of the items ids and hands them back
// to the topic filter: each is judged again by classify, as Reclassify judges it,
// and its freshness again by maxAge (0: every item is fresh) from its date and
// when it was first seen (a label in made it fresh), as a poll judges it; it
// joins or leaves its story by the verdict. The labels go in the transaction
// that writes the verdicts, so that a crash leaves both or neither. An item
// without a label is left as it is. Items deleted meanwhile are skipped.
func (s *Store) ClearLabels(ctx context.Context, ids []int64, classify func(title, summary, body string) aggregate.Verdict, maxAge time.Duration, g aggregate.Grouper) (ReclassifyStats, error) {
	var st ReclassifyStats
	if len(ids) == 0 {
		return st, fmt.Errorf("store: clear labels: %w", ErrNotFound)
	}
	list := string(intsJSON(ids))
	items, hashes, labels, err := s.reclassifyItems(ctx, clearQuery, list)
	if err != nil {
		return st, fmt.Errorf("store: clear labels: %w", err)
	}
	if len(items) == 0 {
		return st, fmt.Errorf("store: clear labels: the items were deleted meanwhile: %w", ErrNotFound)
	}
	c := &clearing{labels: labels, fresh: func(it *aggregate.Item) bool {
		return maxAge <= 0 || !it.Published.Before(it.FirstSeen.Add(-maxAge))
	}}
	_, _, err = s.rejudgeItems(ctx, items, hashes, make([]*aggregate.Label, len(items)), classify, g, c, &st)
	return st, err
}

// wasMate reports whether v, a stored verdict, is a story mate's, or was one
// before a curator's label put its reason first.
func wasMate(v aggregate.Verdict) bool {
	if len(v.Reasons) > 1 && aggregate.IsCuratorReason(v.Reasons[0]) {
		return v.Reasons[1] == aggregate.MateReason
	}
	return aggregate.IsMate(v)
}

// clearing is what rejudgeItems needs to clear labels: the items' labels as read
// (each is deleted with its item's new verdict, if the item still has it), and
// their freshness as a poll judges it.
type clearing struct {
	labels []*aggregate.Label
	fresh  func(*aggregate.Item) bool
}

// rejudgeItems judges items again and writes the verdicts that changed, with the
// stories they join or leave; it returns how many items it read and the last one's id.
// With clear (labels cleared), the labels go in the same transaction, freshness is
// judged again too, and an item no longer in the curated feed leaves its story, as
// one labelled out does (it was there by the curator's word); else (reclassify) it
// stays in it as a member not curated.
func (s *Store) rejudgeItems(ctx context.Context, items []aggregate.Item, hashes []int64, labels []*aggregate.Label,
	classify func(string, string, string) aggregate.Verdict, g aggregate.Grouper, clear *clearing, st *ReclassifyStats) (int, int64, error) {
	// The new verdicts, and the stories of the items that now enter the curated
	// feed, are decided before the write transaction.
	type change struct {
		i     int
		v     aggregate.Verdict
		fresh bool
		need  int // 1 + index in needs, or 0
	}
	var changes []change
	p := &plan{}
	var last int64
	for i := range items {
		it := &items[i]
		last = it.ID
		st.Checked++
		if clear != nil && clear.labels[i] == nil {
			continue // no label to clear: left as it is
		}
		// A clear keeps no mate: whether its story still has a kept report is
		// known only in the write, and a near item the filter does not keep
		// leaves its story, as one labelled out does. A labelled item always
		// changes: its label's reason goes.
		v, changed := rejudge(it, labels[i], classify, clear == nil)
		fresh := it.Fresh
		if clear != nil {
			fresh, changed = clear.fresh(it), true
		}
		if !changed {
			continue
		}
		c := change{i: i, v: v, fresh: fresh}
		if it.StoryID == 0 && v.Match && fresh {
			p.needs = append(p.needs, aggregate.StoryNeed{Item: it})
			c.need = len(p.needs)
		}
		changes = append(changes, c)
	}
	if g != nil && len(p.needs) > 0 {
		if err := urlStories(ctx, s.r, p.needs); err != nil {
			return 0, 0, fmt.Errorf("store: reclassify: %w", err)
		}
	}
	committed := false
	_, done := decide(g, p.needs, false)
	defer func() { done(committed) }()

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
		old, wasIn := it.Verdict, it.Verdict.Match && it.Fresh
		// An item revised (or deleted) since it was read keeps what its save gave
		// it, and one labelled since, what its label gave it.
		// A clear checks the label it read, and deletes it only with the new
		// verdict: a label whose item changed meanwhile stays with it.
		guard := labels[c.i]
		if clear != nil {
			guard = clear.labels[c.i]
		}
		res, err := tx.ExecContext(ctx, "UPDATE items SET match = ?, score = ?, reasons = ?, facets = ?, fresh = ? WHERE id = ? AND body_hash = ? AND "+
			labelStateSQL+" = ?", b2i(c.v.Match), c.v.Score, string(stringsJSON(nil, c.v.Reasons)), joinFacets(c.v.Facets), b2i(c.fresh),
			it.ID, hashes[c.i], labelState(guard))
		if err != nil {
			return 0, 0, fmt.Errorf("store: reclassify item %d: %w", it.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return 0, 0, fmt.Errorf("store: reclassify item %d: %w", it.ID, err)
			}
			if clear != nil {
				// Deleted by retention, or changed meanwhile: stale if it still
				// has a label (revised, or labelled again).
				var there, labelled bool
				if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM items WHERE id = ?1), EXISTS (SELECT 1 FROM labels WHERE item_id = ?1)`,
					it.ID).Scan(&there, &labelled); err != nil {
					return 0, 0, fmt.Errorf("store: reclassify item %d: %w", it.ID, err)
				}
				switch {
				case !there:
					st.Gone++
				case labelled:
					st.Stale++
				}
			}
			continue
		}
		if clear != nil {
			if _, err := tx.ExecContext(ctx, `DELETE FROM labels WHERE item_id = ?`, it.ID); err != nil {
				return 0, 0, fmt.Errorf("store: clear the label of item %d: %w", it.ID, err)
			}
			st.Cleared++
		}
		// Its story as it is now: a merge since the read may have moved it.
		if err := tx.QueryRowContext(ctx, `SELECT story_id FROM items WHERE id = ?`, it.ID).Scan(&it.StoryID); err != nil {
			return 0, 0, fmt.Errorf("store: reclassify item %d: %w", it.ID, err)
		}
		if clear == nil {
			st.count(it, old, c.v)
		} else {
			// In or out of the curated feed by verdict and freshness both.
			st.Changed++
			switch nowIn := c.v.Match && c.fresh; {
			case nowIn && !wasIn:
				st.Entered++
			case wasIn && !nowIn:
				st.Left++
			}
		}
		it.Verdict, it.Fresh = c.v, c.fresh
		if clear != nil && !(c.v.Match && c.fresh) && it.StoryID != 0 {
			if _, err := tx.ExecContext(ctx, "UPDATE items SET story_id = 0, similarity = 0 WHERE id = ?", it.ID); err != nil {
				return 0, 0, fmt.Errorf("store: reclassify item %d: %w", it.ID, err)
			}
			err = w.stories.recompute(ctx, it.StoryID, time.Time{})
			it.StoryID = 0
			if err != nil {
				return 0, 0, fmt.Errorf("store: reclassify item %d: %w", it.ID, err)
			}
			continue
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
	if err := syncSearch(ctx, tx); err != nil {
		return 0, 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("store: reclassify: commit: %w", err)
	}
	committed = true
	return len(items), last, nil
}

// rejudge is the verdict classify gives stored item it, with its label l (nil
// for none) applied, and whether it differs from the stored verdict.
func rejudge(it *aggregate.Item, l *aggregate.Label, classify func(title, summary, body string) aggregate.Verdict, mates bool) (aggregate.Verdict, bool) {
	v := classify(it.Title, it.Summary, it.BodyText)
	if mates && !v.Match && v.Near && it.StoryID != 0 && wasMate(it.Verdict) {
		v = aggregate.KeptAsMate(v) // still near, still in its story: still a mate
	}
	if l != nil {
		v = l.Apply(v)
	}
	old := it.Verdict
	same := v.Match == old.Match && v.Score == old.Score && slices.Equal(v.Facets, old.Facets) && slices.Equal(v.Reasons, old.Reasons)
	return v, !same
}

// count counts an item whose verdict changes from old to v, and reports
// whether it moves: it enters or leaves the curated feed when it was fresh and
// its match changed.
func (st *ReclassifyStats) count(it *aggregate.Item, old, v aggregate.Verdict) bool {
	st.Changed++
	if !it.Fresh || v.Match == old.Match {
		return false
	}
	if v.Match {
		st.Entered++
	} else {
		st.Left++
	}
	return true
}

// The items to judge again, with the text the classifier read, the hash of
// their text and their labels: up to a batch first seen at or after a time with
// ids above one (reclassifyQuery), or those of a JSON list of ids (clearQuery).
const (
	rejudgeColumns = `SELECT ` + itemColumns + `, i.body_text, i.body_hash, l.keep, l.note FROM items i
		LEFT JOIN labels l ON l.item_id = i.id `
	reclassifyQuery = rejudgeColumns + `WHERE i.first_seen >= ? AND i.id > ? ORDER BY i.id LIMIT ?`
	clearQuery      = rejudgeColumns + `WHERE i.id IN (SELECT value FROM json_each(?)) ORDER BY i.id`
)

// reclassifyItems reads the items query selects with args, with their labels
// (nil for none).
func (s *Store) reclassifyItems(ctx context.Context, query string, args ...any) ([]aggregate.Item, []int64, []*aggregate.Label, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	defer rows.Close()
	var items []aggregate.Item
	var hashes []int64
	var labels []*aggregate.Label
	for rows.Next() {
		var it aggregate.Item
		var tmp itemScan
		var h int64
		var keep sql.NullBool
		var note sql.NullString
		if err := rows.Scan(append(scanItem(nil, &it, &tmp), &it.BodyText, &h, &keep, &note)...); err != nil {
			return nil, nil, nil, err
		}
		if err := tmp.finish(&it); err != nil {
			return nil, nil, nil, err
		}
		var l *aggregate.Label
		if keep.Valid {
			l = &aggregate.Label{Keep: keep.Bool, Note: note.String}
		}
		items, hashes, labels = append(items, it), append(hashes, h), append(labels, l)
	}
	return items, hashes, labels, rows.Err()
}

// urlStories sets the URLStory of each need: the story of another stored item
// with its URL, looked up for all of them in one query.
func urlStories(ctx context.Context, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, needs []aggregate.StoryNeed) error {
	pairs := make([]int64, 0, 2*len(needs))
	for i := range needs {
		pairs = append(pairs, urlHash(needs[i].Item.URL), needs[i].Item.ID)
	}
	rows, err := db.QueryContext(ctx, urlStoriesQuery, string(intsJSON(pairs)))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var id int64
		if err := rows.Scan(&i, &id); err != nil {
			return err
		}
		needs[i/2].URLStory = id
	}
	return rows.Err()
}
