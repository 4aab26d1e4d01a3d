package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// hash64 is the stored 64-bit form of identities and bodies. SQLite integers are
// signed, so the bits are reinterpreted.
func hash64(parts ...string) int64 {
	h := fnv.New64a()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(p))
	}
	return int64(h.Sum64())
}

func urlHash(u string) int64 {
	if u == "" {
		return 0
	}
	return hash64(u)
}

func bodyHash(it *aggregate.Item) int64 {
	return hash64(it.URL, it.Title, it.Summary, it.BodyText, it.Content, it.Author, it.Published.UTC().Format(time.RFC3339))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Save stores a batch of poll outcomes in one transaction: each source's fetch
// state and validators together with the items its response produced, so that
// either both land or neither does. New items the filter kept join a story: the
// story of the same article URL from another source, else the one g finds (g may
// be nil), else a new one. It reports per-source counts and whether the curated
// set may have changed.
func (s *Store) Save(ctx context.Context, batch []aggregate.Fetched, g aggregate.Grouper) ([]aggregate.SaveStats, bool, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("store: save: %w", err)
	}
	defer tx.Rollback()
	w, err := newWriter(ctx, tx, g)
	if err != nil {
		return nil, false, fmt.Errorf("store: save: %w", err)
	}
	defer w.close()
	stats := make([]aggregate.SaveStats, len(batch))
	for i := range batch {
		f := &batch[i]
		st := aggregate.SaveStats{SourceID: f.State.SourceID, Seen: len(f.Items)}
		for j := range f.Items {
			it := &f.Items[j]
			it.SourceID = f.State.SourceID
			if err := w.saveItem(ctx, it, &st); err != nil {
				return nil, false, fmt.Errorf("store: save item %q of source %d: %w", it.Key, it.SourceID, err)
			}
		}
		if err := saveState(ctx, tx, f.State, st.Seen, st.Kept); err != nil {
			return nil, false, fmt.Errorf("store: %w", err)
		}
		stats[i] = st
	}
	for id := range w.touched {
		if err := recomputeStory(ctx, tx, id); err != nil {
			return nil, false, fmt.Errorf("store: save: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("store: save: commit: %w", err)
	}
	return stats, w.changed, nil
}

// writer holds the statements one Save prepares once and runs per item.
type writer struct {
	tx      *sql.Tx
	g       aggregate.Grouper
	insert  *sql.Stmt
	update  *sql.Stmt
	byURL   *sql.Stmt
	touched map[int64]bool // stories to recompute before commit
	srcURL  map[int64]string
	changed bool
}

func newWriter(ctx context.Context, tx *sql.Tx, g aggregate.Grouper) (*writer, error) {
	w := &writer{tx: tx, g: g, touched: map[int64]bool{}, srcURL: map[int64]string{}}
	var err error
	// The tombstone check keeps items deleted by retention from coming back.
	w.insert, err = tx.PrepareContext(ctx, `INSERT INTO items(source_id, key_hash, url_hash, body_hash, guid, url, title,
		summary, content, author, lang, published, updated, first_seen, match, fresh, score, reasons, facets, body_text)
		SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20
		WHERE NOT EXISTS (SELECT 1 FROM tombstones WHERE source_id = ?1 AND key_hash = ?2)
		ON CONFLICT(source_id, key_hash) DO NOTHING RETURNING id`)
	if err != nil {
		return nil, err
	}
	// A revised item keeps its identity, first-seen time and freshness.
	w.update, err = tx.PrepareContext(ctx, `UPDATE items SET url_hash = ?3, body_hash = ?4, guid = ?5, url = ?6, title = ?7,
		summary = ?8, content = ?9, author = ?10, lang = ?11, published = ?12, updated = ?13,
		match = ?14, score = ?15, reasons = ?16, facets = ?17, body_text = ?18
		WHERE source_id = ?1 AND key_hash = ?2 AND body_hash != ?4
		RETURNING id, story_id, first_seen, fresh`)
	if err != nil {
		w.close()
		return nil, err
	}
	w.byURL, err = tx.PrepareContext(ctx, `SELECT story_id FROM items WHERE url_hash = ? AND story_id != 0 AND id != ? LIMIT 1`)
	if err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *writer) close() {
	for _, st := range []*sql.Stmt{w.insert, w.update, w.byURL} {
		if st != nil {
			st.Close()
		}
	}
}

func (w *writer) saveItem(ctx context.Context, it *aggregate.Item, st *aggregate.SaveStats) error {
	reasons, err := json.Marshal(nonNil(it.Verdict.Reasons))
	if err != nil {
		return err
	}
	kh, uh, bh := hash64(it.Key), urlHash(it.URL), bodyHash(it)
	facets := joinFacets(it.Verdict.Facets)
	err = w.insert.QueryRowContext(ctx, it.SourceID, kh, uh, bh, it.GUID, it.URL, it.Title, it.Summary, it.Content,
		it.Author, it.Lang, unix(it.Published), unix(it.Updated), unix(it.FirstSeen), b2i(it.Verdict.Match), b2i(it.Fresh),
		it.Verdict.Score, string(reasons), facets, it.BodyText).Scan(&it.ID)
	switch {
	case err == nil:
		st.New++
		if it.Verdict.Match {
			st.Kept++
		}
		if it.Verdict.Match && it.Fresh {
			return w.assignStory(ctx, it)
		}
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	// Already stored (or remembered as deleted): update it only if its text changed.
	var storyID, firstSeen int64
	var fresh int
	err = w.update.QueryRowContext(ctx, it.SourceID, kh, uh, bh, it.GUID, it.URL, it.Title, it.Summary, it.Content,
		it.Author, it.Lang, unix(it.Published), unix(it.Updated), b2i(it.Verdict.Match), it.Verdict.Score,
		string(reasons), facets, it.BodyText).Scan(&it.ID, &storyID, &firstSeen, &fresh)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	st.Changed++
	it.StoryID, it.FirstSeen, it.Fresh = storyID, fromUnix(firstSeen), fresh != 0
	if storyID != 0 {
		if _, err := w.tx.ExecContext(ctx, "UPDATE stories SET updated = max(updated, ?) WHERE id = ?", time.Now().Unix(), storyID); err != nil {
			return err
		}
		w.touched[storyID] = true
		w.changed = true
		return nil
	}
	if it.Verdict.Match && it.Fresh {
		return w.assignStory(ctx, it)
	}
	return nil
}

// assignStory puts a stored, curated item into a story.
func (w *writer) assignStory(ctx context.Context, it *aggregate.Item) error {
	w.changed = true
	var storyID int64
	var sim float64
	if it.URL != "" {
		err := w.byURL.QueryRowContext(ctx, urlHash(it.URL), it.ID).Scan(&storyID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if storyID != 0 {
			sim = 1
		}
	}
	if storyID == 0 && w.g != nil {
		if id, similarity, ok := w.g.Find(it); ok {
			// The index may hold a story whose transaction was rolled back.
			var exists int
			err := w.tx.QueryRowContext(ctx, "SELECT count(*) FROM stories WHERE id = ?", id).Scan(&exists)
			if err != nil {
				return err
			}
			if exists > 0 {
				storyID, sim = id, similarity
			}
		}
	}
	if storyID == 0 {
		id, err := w.newStory(ctx, it)
		if err != nil {
			return err
		}
		storyID, sim = id, 1
	} else {
		w.touched[storyID] = true
	}
	it.StoryID = storyID
	if _, err := w.tx.ExecContext(ctx, "UPDATE items SET story_id = ?, similarity = ? WHERE id = ?", storyID, sim, it.ID); err != nil {
		return err
	}
	if w.g != nil {
		w.g.Add(it, storyID)
	}
	return nil
}

// newStory starts a story led by it. Two sources carrying the same URI id publish
// the same article, so an existing story with that entry id is joined instead.
func (w *writer) newStory(ctx context.Context, it *aggregate.Item) (int64, error) {
	src, ok := w.srcURL[it.SourceID]
	if !ok {
		if err := w.tx.QueryRowContext(ctx, "SELECT url FROM sources WHERE id = ?", it.SourceID).Scan(&src); err != nil {
			return 0, fmt.Errorf("source of item: %w", err)
		}
		w.srcURL[it.SourceID] = src
	}
	entryID := aggregate.EntryID(src, *it)
	var id int64
	err := w.tx.QueryRowContext(ctx, `INSERT INTO stories(entry_id, lead_item_id, source_id, published, first_seen, updated,
		lang, facets, members, visible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1)
		ON CONFLICT(entry_id) DO NOTHING RETURNING id`,
		entryID, it.ID, it.SourceID, unix(it.Published), unix(it.FirstSeen), unix(it.FirstSeen), it.Lang,
		joinFacets(it.Verdict.Facets)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = w.tx.QueryRowContext(ctx, "SELECT id FROM stories WHERE entry_id = ?", entryID).Scan(&id)
		w.touched[id] = true
	}
	return id, err
}

// recomputeStory derives a story's lead, dates, facets and visibility from its
// members: the lead is the earliest published curated member, ties going to the
// source ranked first in the config. A story with no members left is deleted.
func recomputeStory(ctx context.Context, tx *sql.Tx, id int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.source_id, i.published, i.first_seen, i.lang, i.facets, i.match, i.fresh, s.rank
		FROM items i JOIN sources s ON s.id = i.source_id WHERE i.story_id = ?`, id)
	if err != nil {
		return fmt.Errorf("recompute story %d: %w", id, err)
	}
	defer rows.Close()
	var lead, any *member
	n := 0
	var maxSeen int64
	facetSet := map[string]bool{}
	for rows.Next() {
		var m member
		var match, fresh int
		if err := rows.Scan(&m.id, &m.source, &m.published, &m.firstSeen, &m.lang, &m.facets, &match, &fresh, &m.rank); err != nil {
			return fmt.Errorf("recompute story %d: %w", id, err)
		}
		m.curated = match != 0 && fresh != 0
		n++
		maxSeen = max(maxSeen, m.firstSeen)
		if any == nil || before(&m, any) {
			mm := m
			any = &mm
		}
		if m.curated {
			for _, f := range strings.Fields(m.facets) {
				facetSet[f] = true
			}
			if lead == nil || before(&m, lead) {
				mm := m
				lead = &mm
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("recompute story %d: %w", id, err)
	}
	rows.Close()
	if n == 0 {
		_, err := tx.ExecContext(ctx, "DELETE FROM stories WHERE id = ?", id)
		return err
	}
	visible := 1
	if lead == nil {
		lead, visible = any, 0
	}
	facets := make([]string, 0, len(facetSet))
	for f := range facetSet {
		facets = append(facets, f)
	}
	_, err = tx.ExecContext(ctx, `UPDATE stories SET lead_item_id = ?, source_id = ?, published = ?, first_seen = ?,
		updated = max(updated, ?), lang = ?, facets = ?, members = ?, visible = ? WHERE id = ?`,
		lead.id, lead.source, lead.published, lead.firstSeen, maxSeen, lead.lang, joinFacets(facets), n, visible, id)
	if err != nil {
		return fmt.Errorf("recompute story %d: %w", id, err)
	}
	return nil
}

// member is a story's item as recomputeStory weighs it.
type member struct {
	id, source, published, firstSeen int64
	lang, facets                     string
	curated                          bool
	rank                             int
}

// before orders candidates for a story's lead: earliest published, then the
// source ranked first in the config, then the item stored first.
func before(a, b *member) bool {
	if a.published != b.published {
		return a.published < b.published
	}
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	return a.id < b.id
}

// joinFacets stores facets as a space-separated list with spaces at both ends,
// so that one facet is found with LIKE '% facet %'.
func joinFacets(f []string) string {
	if len(f) == 0 {
		return ""
	}
	sorted := append([]string(nil), f...)
	sort.Strings(sorted)
	return " " + strings.Join(sorted, " ") + " "
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
