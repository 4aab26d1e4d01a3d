package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gleaner/gleaner/aggregate"
)

const itemColumns = `i.id, i.source_id, i.guid, i.url, i.title, i.summary, i.content, i.author, i.lang, i.published,
	i.updated, i.first_seen, i.match, i.fresh, i.score, i.reasons, i.facets, i.story_id`

func scanItem(dst []any, it *aggregate.Item, tmp *itemScan) []any {
	return append(dst, &it.ID, &it.SourceID, &it.GUID, &it.URL, &it.Title, &it.Summary, &it.Content, &it.Author, &it.Lang,
		&tmp.published, &tmp.updated, &tmp.firstSeen, &tmp.match, &tmp.fresh, &it.Verdict.Score, &tmp.reasons, &tmp.facets, &it.StoryID)
}

type itemScan struct {
	published, updated, firstSeen int64
	match, fresh                  int
	reasons, facets               string
}

func (t *itemScan) finish(it *aggregate.Item) error {
	it.Published, it.Updated, it.FirstSeen = fromUnix(t.published), fromUnix(t.updated), fromUnix(t.firstSeen)
	it.Verdict.Match, it.Fresh = t.match != 0, t.fresh != 0
	it.Verdict.Facets = strings.Fields(t.facets)
	if err := json.Unmarshal([]byte(t.reasons), &it.Verdict.Reasons); err != nil {
		return fmt.Errorf("reasons of item %d: %w", it.ID, err)
	}
	return nil
}

// Curated lists the curated feed: one entry per visible story, newest first by
// the lead item's published date, filtered and capped as q asks.
func (s *Store) Curated(ctx context.Context, q aggregate.Query) ([]aggregate.Entry, error) {
	if q.Limit <= 0 {
		return []aggregate.Entry{}, nil
	}
	where := "st.visible = 1"
	var args []any
	if q.Lang != "" {
		where += " AND st.lang = ?"
		args = append(args, q.Lang)
	}
	if q.Facet != "" {
		where += " AND st.facets LIKE ?"
		args = append(args, "% "+q.Facet+" %")
	}
	// Rows are read only as far as needed: the cap per source may skip some.
	rows, err := s.r.QueryContext(ctx, `SELECT st.entry_id, st.updated, `+itemColumns+`,
		src.url, src.name, src.feed_title, src.feed_link, src.feed_id
		FROM stories st INDEXED BY stories_curated
		JOIN items i ON i.id = st.lead_item_id
		JOIN sources src ON src.id = st.source_id
		WHERE `+where+` ORDER BY st.published DESC, st.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: curated: %w", err)
	}
	defer rows.Close()
	entries := []aggregate.Entry{}
	perSource := map[int64]int{}
	index := map[int64]int{} // story id -> entry index
	for rows.Next() && len(entries) < q.Limit {
		var e aggregate.Entry
		var tmp itemScan
		var updated int64
		dst := scanItem([]any{&e.ID, &updated}, &e.Item, &tmp)
		dst = append(dst, &e.Outlet.FeedURL, &e.Outlet.Name, &e.Outlet.Title, &e.Outlet.Link, &e.Outlet.FeedID)
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("store: curated: %w", err)
		}
		if err := tmp.finish(&e.Item); err != nil {
			return nil, fmt.Errorf("store: curated: %w", err)
		}
		e.Updated = fromUnix(updated)
		if q.MaxPerSource > 0 {
			if perSource[e.Item.SourceID] >= q.MaxPerSource {
				continue
			}
			perSource[e.Item.SourceID]++
		}
		index[e.Item.StoryID] = len(entries)
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: curated: %w", err)
	}
	rows.Close()
	if err := s.addRelated(ctx, entries, index); err != nil {
		return nil, err
	}
	return entries, nil
}

// addRelated fills each entry's other outlets: the story's members other than
// the lead, earliest first.
func (s *Store) addRelated(ctx context.Context, entries []aggregate.Entry, index map[int64]int) error {
	if len(entries) == 0 {
		return nil
	}
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		ids = append(ids, fmt.Sprint(e.Item.StoryID))
	}
	rows, err := s.r.QueryContext(ctx, `SELECT i.story_id, i.id, i.title, i.url, i.published, i.similarity,
		src.url, src.name, src.feed_title, src.feed_link, src.feed_id
		FROM items i JOIN sources src ON src.id = i.source_id
		WHERE i.story_id IN (`+strings.Join(ids, ",")+`) ORDER BY i.published, i.id`)
	if err != nil {
		return fmt.Errorf("store: related: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var storyID, itemID, published int64
		var r aggregate.Related
		if err := rows.Scan(&storyID, &itemID, &r.Title, &r.URL, &published, &r.Similarity,
			&r.Outlet.FeedURL, &r.Outlet.Name, &r.Outlet.Title, &r.Outlet.Link, &r.Outlet.FeedID); err != nil {
			return fmt.Errorf("store: related: %w", err)
		}
		i, ok := index[storyID]
		if !ok || itemID == entries[i].Item.ID {
			continue
		}
		r.Published = fromUnix(published)
		entries[i].Also = append(entries[i].Also, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: related: %w", err)
	}
	return nil
}
