package app

import (
	"context"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/store"
)

// Label records the curator's label l on the stored items ids (store.FindItems
// finds them), places the items taken in into stories with the story grouper,
// and refreshes the curated feed. A daemon running beside the command follows
// within seconds (see follow).
func (a *App) Label(ctx context.Context, ids []int64, l aggregate.Label) ([]store.Labelled, error) {
	out, err := a.Store.SetLabel(ctx, ids, l, time.Now(), a.Grouper())
	if err != nil {
		return nil, err
	}
	for _, it := range out {
		a.Log.Info("labelled", "item", it.ItemID, "url", it.URL, "keep", l.Keep, "note", l.Note, "was_curated", it.Was)
	}
	a.Refresh(ctx)
	return out, nil
}

// PreviewReclassify tells what Reclassify with c would change in the store, as
// Reclassify judges the items, and changes nothing.
func PreviewReclassify(ctx context.Context, st *store.Store, c aggregate.Classifier, since time.Time) ([]store.Move, store.ReclassifyStats, error) {
	return st.PreviewReclassify(ctx, since, classifyFunc(c, nil))
}
