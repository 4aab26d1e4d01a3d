package store

import (
	"context"
	"fmt"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// Move is a stored item that re-applying a topic profile would move into or
// out of the curated feed.
type Move struct {
	Item    aggregate.Item    // as stored, with its current verdict
	Verdict aggregate.Verdict // the verdict it would get
	Enter   bool              // it would enter the curated feed; else leave it
}

// PreviewReclassify tells what Reclassify with classify would do to the items
// first seen at or after since, and changes nothing: the items that would enter
// and leave the curated feed, oldest first, and the counts Reclassify would
// report. Each item is judged as Reclassify judges it (rejudge), so a labelled
// item never moves.
func (s *Store) PreviewReclassify(ctx context.Context, since time.Time, classify func(title, summary, body string) aggregate.Verdict) ([]Move, ReclassifyStats, error) {
	var st ReclassifyStats
	var moves []Move
	var after int64
	for {
		items, _, labels, err := s.reclassifyItems(ctx, reclassifyQuery, unix(since), after, reclassifyBatch)
		if err != nil {
			return nil, st, fmt.Errorf("store: preview reclassify: %w", err)
		}
		for i := range items {
			it := &items[i]
			st.Checked++
			v, changed := rejudge(it, labels[i], classify, true)
			if !changed {
				continue
			}
			if st.count(it, it.Verdict, v) {
				it.BodyText = "" // read for the classifier only
				moves = append(moves, Move{Item: *it, Verdict: v, Enter: v.Match})
			}
		}
		if len(items) < reclassifyBatch {
			return moves, st, nil
		}
		after = items[len(items)-1].ID
	}
}
