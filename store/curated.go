package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/story"
	"github.com/gleaner/gleaner/aggregate/topic"
)

// outletColumns are a report's outlet (aggregate.Outlet): its source's, and the
// outlet an aggregator's item names (items.origin, migration 015).
const outletColumns = `src.url, src.name, src.feed_title, src.feed_link, src.feed_id, i.origin, i.origin_url`

func scanOutlet(dst []any, o *aggregate.Outlet) []any {
	return append(dst, &o.FeedURL, &o.Name, &o.Title, &o.Link, &o.FeedID, &o.Origin, &o.OriginLink)
}

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
	query, args := curatedQuery(q)
	// Rows are read only as far as needed: the cap per source may skip some.
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: curated: %w", err)
	}
	defer rows.Close()
	entries := []aggregate.Entry{}
	perSource := map[outletKey]int{}
	for rows.Next() && len(entries) < q.Limit {
		var e aggregate.Entry
		var tmp itemScan
		var updated, published int64
		var langs, facets string
		dst := scanItem([]any{&e.Cursor.StoryID, &published, &e.ID, &updated, &e.Reports, &langs, &facets}, &e.Item, &tmp)
		dst = scanOutlet(dst, &e.Outlet)
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("store: curated: %w", err)
		}
		if err := tmp.finish(&e.Item); err != nil {
			return nil, fmt.Errorf("store: curated: %w", err)
		}
		e.Updated, e.Cursor.Published, e.Facets = fromUnix(updated), fromUnix(published), strings.Fields(facets)
		if err := json.Unmarshal([]byte(langs), &e.Langs); err != nil {
			return nil, fmt.Errorf("store: curated: languages of story %d: %w", e.Item.StoryID, err)
		}
		if q.Lang != "" && e.Item.Lang != q.Lang {
			if err := s.leadIn(ctx, &e, q.Lang); err != nil {
				return nil, fmt.Errorf("store: curated: %w", err)
			}
		}
		if q.MaxPerSource > 0 {
			k := keyOfOutlet(&e)
			if perSource[k] >= q.MaxPerSource {
				continue
			}
			perSource[k]++
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: curated: %w", err)
	}
	rows.Close()
	if err := s.addRelated(ctx, entries, q.MaxRelated); err != nil {
		return nil, err
	}
	return entries, nil
}

// leadInQuery is the first curated report (kept, fresh: what may lead a story)
// in a language of a story, earliest published first, as addRelated names each
// language's reports; items_story serves it. Its parameters: the story's id,
// then the language.
const leadInQuery = `SELECT ` + itemColumns + `, ` + outletColumns + `
	FROM items i JOIN sources src ON src.id = i.source_id
	WHERE i.story_id = ? AND i.story_id != 0 AND i.lang = ? AND i.match != 0 AND i.fresh != 0
	ORDER BY i.published, i.id LIMIT 1`

// leadIn makes the entry of a story led by a report in another language lead
// with its first curated report in lang, for a feed of that language: its
// title, link, summary and outlet are that report's; the story's id, reports
// and time stay (the entry is dated by the story, as the feed is ordered and
// paged by it), and the former lead is among the others named.
func (s *Store) leadIn(ctx context.Context, e *aggregate.Entry, lang string) error {
	var it aggregate.Item
	var tmp itemScan
	var o aggregate.Outlet
	dst := scanOutlet(scanItem(nil, &it, &tmp), &o)
	switch err := s.r.QueryRowContext(ctx, leadInQuery, e.Item.StoryID, lang).Scan(dst...); {
	case errors.Is(err, sql.ErrNoRows):
		return nil // its report in lang left the story since the list was read
	case err != nil:
		return fmt.Errorf("report in %s of story %d: %w", lang, e.Item.StoryID, err)
	}
	if err := tmp.finish(&it); err != nil {
		return err
	}
	it.Published = e.Cursor.Published
	e.Item, e.Outlet = it, o
	return nil
}

// outletKey is what [feed] max_per_source counts entries by: the source polled and,
// for an aggregator's item, the outlet it names (Origin), so that a Google News search
// is capped per outlet, as the outlets' own feeds would be, not as one source.
type outletKey struct {
	source int64
	origin string
}

func keyOfOutlet(e *aggregate.Entry) outletKey {
	return outletKey{e.Item.SourceID, strings.ToLower(e.Outlet.Origin)}
}

// curatedQuery is the statement that lists the curated entries q asks for,
// newest first, and its arguments.
func curatedQuery(q aggregate.Query) (string, []any) {
	where := "st.visible = 1"
	var args []any
	if q.Lang != "" {
		// Every story a curated report in the language is part of, not only
		// those it leads (a seek of items_story per story).
		where += ` AND EXISTS (SELECT 1 FROM items m WHERE m.story_id = st.id AND m.story_id != 0 AND m.lang = ?
			AND m.match != 0 AND m.fresh != 0)`
		args = append(args, q.Lang)
	}
	if q.Facet != "" {
		where += " AND st.facets LIKE ?"
		args = append(args, "% "+q.Facet+" %")
	}
	if !q.Before.Published.IsZero() {
		where += " AND (st.published, st.id) < (?, ?)"
		args = append(args, unix(q.Before.Published), q.Before.StoryID)
	}
	// The newest first, from the index of that order; a search of words the
	// search index holds finds its stories there instead, then orders them.
	from := "stories st INDEXED BY stories_curated"
	if q.Match != "" {
		match, margs, indexed := searchWhere(q.Match)
		if indexed {
			from = "stories st"
		}
		where += " AND " + match
		args = append(args, margs...)
	}
	return `SELECT st.id, st.published, st.entry_id, st.updated, st.members, st.langs, st.facets, ` + itemColumns + `,
		` + outletColumns + `
		FROM ` + from + `
		JOIN items i ON i.id = st.lead_item_id
		JOIN sources src ON src.id = st.source_id
		WHERE ` + where + ` ORDER BY st.published DESC, st.id DESC`, args
}

// addRelated names each entry's other reports, at most max (see story.Pick):
// the first few of each language, read with one seek per language of each
// story, however many members it has.
func (s *Store) addRelated(ctx context.Context, entries []aggregate.Entry, max int) error {
	if len(entries) == 0 || max <= 0 {
		return nil
	}
	ids := make([]int64, len(entries))
	for i := range entries {
		ids[i] = entries[i].Item.StoryID
	}
	// One more of each language than named: the lead is among them.
	first, err := s.firstMembers(ctx, ids, max+1)
	if err != nil {
		return fmt.Errorf("store: related: %w", err)
	}
	for i := range entries {
		e := &entries[i]
		byLang := map[string][]aggregate.Related{}
		for _, m := range first[e.Item.StoryID] {
			if m.ItemID != e.Item.ID {
				byLang[m.Lang] = append(byLang[m.Lang], m.Related)
			}
		}
		e.Also = story.Pick(e.Item.Lang, e.Langs, byLang, max)
	}
	return nil
}

// firstMembersQuery lists the first ?2 members of each language of each story
// of the JSON array ?1, earliest published first within a language. It repeats
// story_id != 0 so that the partial index items_story serves it, a seek per
// language (TestQueriesUseIndexes).
const firstMembersQuery = `SELECT st.id, i.id, i.title, iif(i.title = '', i.summary, ''), i.url, i.lang, i.published, i.similarity,
		` + outletColumns + `
	FROM json_each(?1) k CROSS JOIN stories st ON st.id = k.value CROSS JOIN json_each(st.langs) l
		CROSS JOIN items i JOIN sources src ON src.id = i.source_id
	WHERE i.id IN (SELECT m.id FROM items m WHERE m.story_id = st.id AND m.story_id != 0 AND m.lang = l.value
			ORDER BY m.published, m.id LIMIT ?2)`

// firstMembers returns the first n members of each language of each story of
// ids, by story, earliest published first within a language.
func (s *Store) firstMembers(ctx context.Context, ids []int64, n int) (map[int64][]aggregate.StoryMember, error) {
	rows, err := s.r.QueryContext(ctx, firstMembersQuery, string(intsJSON(ids)), n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64][]aggregate.StoryMember, len(ids))
	for rows.Next() {
		var storyID int64
		m, err := scanMember(rows, &storyID)
		if err != nil {
			return nil, err
		}
		out[storyID] = append(out[storyID], m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, ms := range out {
		sortMembers(ms)
	}
	return out, nil
}

// scanMember reads a row of a members query's columns, after dst: the lead
// only of a report without a title (publish titles it by its lead).
func scanMember(rows *sql.Rows, dst ...any) (aggregate.StoryMember, error) {
	var m aggregate.StoryMember
	var published int64
	err := rows.Scan(scanOutlet(append(dst, &m.ItemID, &m.Title, &m.Summary, &m.URL, &m.Lang, &published, &m.Similarity), &m.Outlet)...)
	m.Published = fromUnix(published)
	return m, err
}

// sortMembers orders members as a story lists them: earliest published first,
// then the item stored first.
func sortMembers(ms []aggregate.StoryMember) {
	slices.SortFunc(ms, func(a, b aggregate.StoryMember) int {
		if c := a.Published.Compare(b.Published); c != 0 {
			return c
		}
		return cmp.Compare(a.ItemID, b.ItemID)
	})
}

// storyMembersListQuery lists every member of a story, as its page shows them;
// story_id != 0 as in firstMembersQuery.
const storyMembersListQuery = `SELECT i.id, i.title, iif(i.title = '', i.summary, ''), i.url, i.lang, i.published, i.similarity,
		` + outletColumns + `
	FROM items i JOIN sources src ON src.id = i.source_id
	WHERE i.story_id = ? AND i.story_id != 0 ORDER BY i.published, i.id`

// storyQuery reads a visible story's row.
const storyQuery = `SELECT id, entry_id, visible, updated, lead_item_id, members, langs FROM stories WHERE id = ?`

// Story returns visible story id with every member, earliest published first;
// ok is false when there is no such story. For a story merged into another
// (MergeStories) it returns that one, whose ID differs from id.
func (s *Store) Story(ctx context.Context, id int64) (st aggregate.Story, ok bool, err error) {
	var lead int64
	err = s.scanStory(s.r.QueryRowContext(ctx, storyQuery, id), &st, &lead)
	if errors.Is(err, sql.ErrNoRows) {
		var into int64
		switch err := s.r.QueryRowContext(ctx, `SELECT into_id FROM story_merges WHERE id = ?`, id).Scan(&into); {
		case err == nil && into != id:
			return s.Story(ctx, into)
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return st, false, fmt.Errorf("store: story %d: %w", id, err)
		}
	}
	if errors.Is(err, sql.ErrNoRows) || err == nil && !st.Visible {
		return aggregate.Story{}, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("store: story %d: %w", id, err)
	}
	rows, err := s.r.QueryContext(ctx, storyMembersListQuery, id)
	if err != nil {
		return st, false, fmt.Errorf("store: story %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return st, false, fmt.Errorf("store: story %d: %w", id, err)
		}
		m.Lead = m.ItemID == lead
		st.Members = append(st.Members, m)
	}
	if err := rows.Err(); err != nil {
		return st, false, fmt.Errorf("store: story %d: %w", id, err)
	}
	return st, true, nil
}

// StoryFates says, for each of ids, the id of the published story it is now:
// itself when it is stored and visible (what Story returns), else the story
// its merges lead to when that one is; an id gone or hidden is absent. It
// reads the stories and the merges of all ids at once (the static export asks
// about every story page it ever wrote).
func (s *Store) StoryFates(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(ids))
	into := map[int64]int64{}
	for _, in := range idLists(ids) {
		if err := s.collectPairs(ctx, `SELECT id, id FROM stories WHERE visible = 1 AND id IN (`+in+`)`, out); err != nil {
			return nil, fmt.Errorf("store: story fates: %w", err)
		}
		if err := s.collectPairs(ctx, `SELECT id, into_id FROM story_merges WHERE id IN (`+in+`)`, into); err != nil {
			return nil, fmt.Errorf("store: story fates: %w", err)
		}
	}
	for id, to := range into {
		if _, ok := out[id]; ok {
			continue
		}
		// A merge may lead to a story merged since: follow it, a few steps at most.
		for range 16 {
			var next int64
			err := s.r.QueryRowContext(ctx, `SELECT into_id FROM story_merges WHERE id = ?`, to).Scan(&next)
			if errors.Is(err, sql.ErrNoRows) || next == to {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("store: story fates: %w", err)
			}
			to = next
		}
		var visible bool
		err := s.r.QueryRowContext(ctx, `SELECT visible FROM stories WHERE id = ?`, to).Scan(&visible)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("store: story fates: %w", err)
		}
		if visible {
			out[id] = to
		}
	}
	return out, nil
}

// StoriesUpdated says, for each of ids that is a published story, when it last
// changed (the Updated that Story returns), in one read per 500 ids.
func (s *Store) StoriesUpdated(ctx context.Context, ids []int64) (map[int64]time.Time, error) {
	at := map[int64]int64{}
	for _, in := range idLists(ids) {
		if err := s.collectPairs(ctx, `SELECT id, updated FROM stories WHERE visible = 1 AND id IN (`+in+`)`, at); err != nil {
			return nil, fmt.Errorf("store: stories updated: %w", err)
		}
	}
	out := make(map[int64]time.Time, len(at))
	for id, u := range at {
		out[id] = fromUnix(u)
	}
	return out, nil
}

// idLists writes ids as SQL lists of at most 500, for "IN (...)".
func idLists(ids []int64) []string {
	const chunk = 500
	var lists []string
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		list := make([]string, len(part))
		for i, id := range part {
			list[i] = strconv.FormatInt(id, 10)
		}
		lists = append(lists, strings.Join(list, ","))
	}
	return lists
}

// collectPairs puts the (key, value) rows of query in m.
func (s *Store) collectPairs(ctx context.Context, query string, m map[int64]int64) error {
	rows, err := s.r.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v int64
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		m[k] = v
	}
	return rows.Err()
}

func (s *Store) scanStory(row interface{ Scan(...any) error }, st *aggregate.Story, lead *int64) error {
	var visible int
	var updated int64
	var langs string
	if err := row.Scan(&st.ID, &st.EntryID, &visible, &updated, lead, &st.Reports, &langs); err != nil {
		return err
	}
	st.Visible, st.Updated = visible != 0, fromUnix(updated)
	return json.Unmarshal([]byte(langs), &st.Langs)
}

// RecentStories lists the most recently updated stories with more than one
// member, with their first members (at most members of them, earliest
// published first), so a user can see why items were grouped.
func (s *Store) RecentStories(ctx context.Context, limit, members int) ([]aggregate.Story, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, entry_id, visible, updated, lead_item_id, members, langs FROM stories
		WHERE members > 1 ORDER BY updated DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent stories: %w", err)
	}
	defer rows.Close()
	var out []aggregate.Story
	var leads, ids []int64
	for rows.Next() {
		var st aggregate.Story
		var lead int64
		if err := s.scanStory(rows, &st, &lead); err != nil {
			return nil, fmt.Errorf("store: recent stories: %w", err)
		}
		out, leads, ids = append(out, st), append(leads, lead), append(ids, st.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recent stories: %w", err)
	}
	rows.Close()
	first, err := s.firstMembers(ctx, ids, members)
	if err != nil {
		return nil, fmt.Errorf("store: recent stories: %w", err)
	}
	for i := range out {
		ms := first[out[i].ID]
		out[i].Members = ms[:min(len(ms), members)]
		for j := range out[i].Members {
			out[i].Members[j].Lead = out[i].Members[j].ItemID == leads[i]
		}
	}
	return out, nil
}

// The queries StoryItems runs: the members of stories published since ?1, and the
// near reports waiting for one (?2 the lowest near score), found through
// items_first_seen (an item is first seen after it is published).
const (
	storyItemsQuery = `SELECT i.id, i.title, i.summary, i.published, i.story_id FROM items i
		WHERE i.story_id != 0 AND i.published >= ? ORDER BY i.published, i.id`
	nearItemsQuery = `SELECT i.id, i.title, i.summary, i.published, 0 FROM items i INDEXED BY items_first_seen
		WHERE i.first_seen >= ?1 AND i.published >= ?1 AND i.story_id = 0 AND i.match = 0 AND i.fresh = 1
			AND i.score < 0 AND i.score >= ?2
			AND i.reasons LIKE '%"model: score %' AND i.reasons NOT LIKE '%no AI evidence%'
			AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.item_id = i.id)
		ORDER BY i.published, i.id`
)

// StoryItems lists the items published at or after since that belong to a story, oldest
// first, then the fresh ones the model left just under its threshold that joined none and
// carry no label (StoryID 0, Verdict.Near set: story mates waiting for a kept report of
// their event): what the near-duplicate index and its pool of near reports are rebuilt
// from. A near one is told by its stored score and reasons, as the model wrote them.
func (s *Store) StoryItems(ctx context.Context, since time.Time) ([]aggregate.Item, error) {
	var out []aggregate.Item
	for _, q := range []struct {
		query string
		args  []any
	}{{storyItemsQuery, []any{unix(since)}}, {nearItemsQuery, []any{unix(since), -topic.NearMargin}}} {
		rows, err := s.r.QueryContext(ctx, q.query, q.args...)
		if err != nil {
			return nil, fmt.Errorf("store: story items: %w", err)
		}
		for rows.Next() {
			var it aggregate.Item
			var published int64
			if err := rows.Scan(&it.ID, &it.Title, &it.Summary, &published, &it.StoryID); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: story items: %w", err)
			}
			it.Published = fromUnix(published)
			it.Verdict.Near = it.StoryID == 0
			out = append(out, it)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: story items: %w", err)
		}
	}
	return out, nil
}
