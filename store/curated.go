package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

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
	rows, err := s.r.QueryContext(ctx, relatedQuery(ids))
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

// StoryItems lists curated items published at or after since that belong to a
// story, oldest first: what the near-duplicate index is rebuilt from.
func (s *Store) StoryItems(ctx context.Context, since time.Time) ([]aggregate.Item, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT i.id, i.title, i.summary, i.published, i.story_id FROM items i
		WHERE i.story_id != 0 AND i.published >= ? ORDER BY i.published, i.id`, unix(since))
	if err != nil {
		return nil, fmt.Errorf("store: story items: %w", err)
	}
	defer rows.Close()
	var out []aggregate.Item
	for rows.Next() {
		var it aggregate.Item
		var published int64
		if err := rows.Scan(&it.ID, &it.Title, &it.Summary, &published, &it.StoryID); err != nil {
			return nil, fmt.Errorf("store: story items: %w", err)
		}
		it.Published = fromUnix(published)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: story items: %w", err)
	}
	return out, nil
}

// relatedQuery lists the members of stories ids. It repeats story_id != 0 so
// that the partial index items_story serves it (TestQueriesUseIndexes).
func relatedQuery(ids []string) string {
	return `SELECT i.story_id, i.id, i.title, i.url, i.published, i.similarity,
		src.url, src.name, src.feed_title, src.feed_link, src.feed_id
		FROM items i JOIN sources src ON src.id = i.source_id
		WHERE i.story_id IN (` + strings.Join(ids, ",") + `) AND i.story_id != 0 ORDER BY i.published, i.id`
}

// recentStoriesQuery: see RecentStories; story_id != 0 as in relatedQuery.
const recentStoriesQuery = `SELECT st.id, st.entry_id, st.visible, st.updated, st.lead_item_id,
		i.id, src.name, i.title, i.url, i.published, i.similarity
		FROM (SELECT * FROM stories WHERE members > 1 ORDER BY updated DESC, id DESC LIMIT ?) st
		JOIN items i ON i.story_id = st.id AND i.story_id != 0 JOIN sources src ON src.id = i.source_id
		ORDER BY st.updated DESC, st.id DESC, i.published, i.id`

// RecentStories lists the most recently updated stories with more than one
// member, with their members, so a user can see why items were grouped.
func (s *Store) RecentStories(ctx context.Context, limit int) ([]aggregate.Story, error) {
	rows, err := s.r.QueryContext(ctx, recentStoriesQuery, limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent stories: %w", err)
	}
	defer rows.Close()
	var out []aggregate.Story
	for rows.Next() {
		var st aggregate.Story
		var m aggregate.StoryMember
		var visible int
		var updated, lead, published int64
		if err := rows.Scan(&st.ID, &st.EntryID, &visible, &updated, &lead, &m.ItemID, &m.Source, &m.Title, &m.URL, &published, &m.Similarity); err != nil {
			return nil, fmt.Errorf("store: recent stories: %w", err)
		}
		m.Published, m.Lead = fromUnix(published), m.ItemID == lead
		if len(out) == 0 || out[len(out)-1].ID != st.ID {
			st.Visible, st.Updated = visible != 0, fromUnix(updated)
			out = append(out, st)
		}
		out[len(out)-1].Members = append(out[len(out)-1].Members, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recent stories: %w", err)
	}
	return out, nil
}
