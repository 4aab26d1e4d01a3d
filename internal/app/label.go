package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/config"
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

// ClearLabels removes the curator's labels of the stored items ids and hands
// them back to the topic filter of the config in effect (store.ClearLabels),
// then refreshes the curated feed.
func (a *App) ClearLabels(ctx context.Context, ids []int64) (store.ReclassifyStats, error) {
	cfg := a.Config()
	st, err := a.Store.ClearLabels(ctx, ids, classifyFunc(cfg.Classifier, nil), cfg.Feed.MaxAge.D(), a.Grouper())
	if err != nil {
		return st, err
	}
	a.Log.Info("labels cleared", "labels", st.Cleared, "stale", st.Stale, "entered", st.Entered, "left", st.Left)
	a.Refresh(ctx)
	return st, nil
}

// PreviewReclassify tells what Reclassify with c would change among the
// items first seen since in the database of the config file at path, as
// Reclassify judges them: the items that would enter the curated feed and
// those that would leave it. It opens the database read-only.
func PreviewReclassify(ctx context.Context, path string, c aggregate.Classifier, since time.Time) (enter, leave []store.Move, st store.ReclassifyStats, err error) {
	db, err := ReadStore(ctx, path)
	if err != nil {
		return nil, nil, st, err
	}
	defer db.Close()
	moves, st, err := db.PreviewReclassify(ctx, since, classifyFunc(c, nil))
	for _, m := range moves {
		if m.Enter {
			enter = append(enter, m)
		} else {
			leave = append(leave, m)
		}
	}
	return enter, leave, st, err
}

// FindItems returns the stored items of the database of cfg whose link (as
// their feed gave it, or canonical) or published entry id is ref
// (store.FindItems), and changes nothing.
func FindItems(ctx context.Context, cfg *Config, ref string) ([]int64, error) {
	st, err := openMigrating(ctx, cfg.Database, store.OpenExisting)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.FindItems(ctx, ref)
}

// labelLine is one exported label: a labelled item as gleaner eval reads it
// (topic.Labeled), with its link and the curator's note.
type labelLine struct {
	ID      string `json:"id"`
	Lang    string `json:"lang"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Label   bool   `json:"label"`
	URL     string `json:"url"`
	Note    string `json:"note"`
}

// ExportLabels writes labels as JSON lines in gleaner eval's format, so that
// each correction can join a topic development set. An item is named by its
// own entry id, else by "gleaner-item-" and its number in the store.
func ExportLabels(w io.Writer, labels []store.StoredLabel) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, l := range labels {
		id := l.OwnID
		if id == "" {
			id = store.ItemRef(l.ItemID)
		}
		if err := enc.Encode(labelLine{ID: id, Lang: l.Lang, Title: l.Title, Summary: l.Summary, Label: l.Keep, URL: l.URL, Note: l.Note}); err != nil {
			return err
		}
	}
	return nil
}

// ReadStore opens the database of the config file at path read-only, for the
// commands that only read it.
func ReadStore(ctx context.Context, path string) (*store.Store, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	st, err := store.OpenReadOnly(ctx, cfg.Database) // migrates nothing: no lock to take
	if errors.Is(err, store.ErrNotMigrated) {
		// "Run gleaner once" cannot be done beside the daemon that holds it.
		if holder := lockHolder(cfg.Database); holder != "" {
			return nil, fmt.Errorf("%w\n(but %s)", err, besideHolder(holder))
		}
	}
	return st, err
}

// ReadStoreOrMigrate opens the database of the config file at path with
// store.OpenForReading (gleaner stories).
func ReadStoreOrMigrate(ctx context.Context, path string) (*store.Store, error) {
	return openStore(ctx, path, store.OpenForReading)
}

// OpenStore opens the database of the config file at path.
func OpenStore(ctx context.Context, path string) (*store.Store, error) {
	return openStore(ctx, path, store.OpenExisting)
}

func openStore(ctx context.Context, path string, open func(context.Context, string) (*store.Store, error)) (*store.Store, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	return openMigrating(ctx, cfg.Database, open)
}
