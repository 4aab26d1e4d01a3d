package store

import (
	"context"
	"crypto/rand"
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
)

// storyTx loads and saves stories within one write transaction: a story's row is
// read once, the members its rules ask for are loaded, and what aggregate/story
// decides is written back once, before commit (see finish). Statements are
// prepared on first use.
type storyTx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	work  map[int64]*storyWork
	srcs  map[int64]source // source of an item: its URL (entry ids) and rank (leads)
	next  int64            // id of the next new story; 0 until read
	// leadMoved, when set, is the updated time of a story whose lead a full
	// recompute changes without a revision of its own (retention deleted the
	// lead, a merge brought an earlier report): the entry's title and link
	// change, and readers go by its updated time to show that.
	leadMoved time.Time
}

// storyWork is what one transaction does to a story.
type storyWork struct {
	st      story.State
	found   bool           // the story's row exists (st is what it holds)
	joined  []story.Member // new curated members
	full    bool           // a member was revised or removed: recompute from every member
	revised time.Time      // when, for full
}

// source is what stories need of an item's source.
type source struct {
	url  string
	rank int
}

func newStoryTx(tx *sql.Tx) *storyTx {
	return &storyTx{tx: tx, stmts: map[string]*sql.Stmt{}, work: map[int64]*storyWork{}, srcs: map[int64]source{}}
}

func (t *storyTx) close() {
	for _, st := range t.stmts {
		st.Close()
	}
}

func (t *storyTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = st
	return st, nil
}

// The queries that find items by story or URL repeat story_id != 0, word for
// word, so that the partial indexes items_story and items_url (migrations 004
// and 005) serve them: a bound story_id = ? does not imply it.
// TestQueriesUseIndexes checks each plan.
const (
	byURLQuery = `SELECT story_id FROM items WHERE url_hash = ? AND story_id != 0 AND id != ? LIMIT 1`
	// The same for many: ?1 is a JSON array of url hash and item id pairs;
	// each row is the pair's index (of its url hash) and the story found.
	urlStoriesQuery = `SELECT j.key, (SELECT i.story_id FROM items i WHERE i.url_hash = j.value AND i.story_id != 0
			AND i.id != json_extract(?1, '$[' || (j.key + 1) || ']') LIMIT 1) AS story
		FROM json_each(?1) j WHERE j.key % 2 = 0 AND j.value != 0 AND story IS NOT NULL`
	memberColumns     = `i.id, i.source_id, i.published, i.first_seen, i.lang, i.facets, i.match, i.fresh, s.rank, ` + mateColumn
	storyMembersQuery = `SELECT ` + memberColumns + ` FROM items i JOIN sources s ON s.id = i.source_id
		WHERE i.story_id = ? AND i.story_id != 0`
	// The members tied with the lead: one seek of items_story per language.
	storyTiesQuery = storyMembersQuery + ` AND i.lang IN (SELECT value FROM json_each(?)) AND i.published = ?`
	storyRowQuery  = `SELECT lead_item_id, source_id, published, first_seen, updated, lang, facets, langs, members, visible
		FROM stories WHERE id = ?`
	storyUpdateQuery = `UPDATE stories SET lead_item_id = ?, source_id = ?, published = ?, first_seen = ?, updated = ?,
		lang = ?, facets = ?, langs = ?, members = ?, visible = ? WHERE id = ?`
	storyInsertQuery = `INSERT INTO stories(id, entry_id, lead_item_id, source_id, published, first_seen, updated,
		lang, facets, langs, members, visible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(entry_id) DO NOTHING`
)

// mateColumn tells a story mate (aggregate.IsMate) by its stored reasons, a JSON
// array whose first string is aggregate.MateReason, which holds no character
// that JSON escapes, nor a quote that SQL would.
const mateColumn = `(i.match != 0 AND substr(i.reasons, 1, length('` + matePrefix + `')) = '` + matePrefix + `')`

// wasMateColumn is mateColumn, or a mate's verdict under a curator's label (whose
// reason comes first, the mate's second): what a poll's revision of a labelled
// mate keeps it a mate beneath its label by (as Reclassify does with wasMate).
// Stories count a labelled item as the label says.
// The JSON is parsed only for a labelled row (CASE): every poll's look-up reads this
// column for each of its stored items.
const wasMateColumn = `(` + mateColumn + ` OR CASE WHEN substr(i.reasons, 1, length('["` + aggregate.ReasonCuratorKept + `')) = '["` +
	aggregate.ReasonCuratorKept + `' OR substr(i.reasons, 1, length('["` + aggregate.ReasonCuratorDropped + `')) = '["` +
	aggregate.ReasonCuratorDropped + `' THEN json_extract(i.reasons, '$[1]') = '` + aggregate.MateReason + `' ELSE 0 END)`

// matePrefix is how a story mate's stored reasons start.
const matePrefix = `["` + aggregate.MateReason + `"`

// source returns what stories need of source id.
func (t *storyTx) source(ctx context.Context, id int64) (source, error) {
	src, ok := t.srcs[id]
	if !ok {
		q, err := t.stmt(ctx, `SELECT url, rank FROM sources WHERE id = ?`)
		if err != nil {
			return src, err
		}
		if err := q.QueryRowContext(ctx, id).Scan(&src.url, &src.rank); err != nil {
			return src, fmt.Errorf("source of item: %w", err)
		}
		t.srcs[id] = src
	}
	return src, nil
}

// member is item it as a story's rules weigh it.
func (t *storyTx) member(ctx context.Context, it *aggregate.Item) (story.Member, error) {
	src, err := t.source(ctx, it.SourceID)
	if err != nil {
		return story.Member{}, err
	}
	return story.Member{ItemID: it.ID, SourceID: it.SourceID, Rank: src.rank, Published: fromUnix(unix(it.Published)),
		FirstSeen: fromUnix(unix(it.FirstSeen)), Lang: it.Lang, Facets: it.Verdict.Facets,
		Curated: it.Verdict.Match && it.Fresh, Mate: aggregate.IsMate(it.Verdict)}, nil
}

// load returns what this transaction does to story id, reading its row the
// first time.
func (t *storyTx) load(ctx context.Context, id int64) (*storyWork, error) {
	if w, ok := t.work[id]; ok {
		return w, nil
	}
	q, err := t.stmt(ctx, storyRowQuery)
	if err != nil {
		return nil, err
	}
	w := &storyWork{}
	var lead story.Member
	var published, firstSeen, updated int64
	var facets, langs string
	var visible int
	err = q.QueryRowContext(ctx, id).Scan(&lead.ItemID, &lead.SourceID, &published, &firstSeen, &updated, &lead.Lang,
		&facets, &langs, &w.st.Members, &visible)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("story %d: %w", id, err)
	default:
		lead.Published, lead.FirstSeen = fromUnix(published), fromUnix(firstSeen)
		if err := json.Unmarshal([]byte(langs), &w.st.Langs); err != nil {
			return nil, fmt.Errorf("story %d: languages: %w", id, err)
		}
		w.found = true
		w.st.Lead, w.st.Updated, w.st.Facets, w.st.Visible = lead, fromUnix(updated), strings.Fields(facets), visible != 0
	}
	t.work[id] = w
	return w, nil
}

// exists reports whether story id is stored (or started in this transaction).
func (t *storyTx) exists(ctx context.Context, id int64) (bool, error) {
	w, err := t.load(ctx, id)
	return err == nil && w.found, err
}

// join notes that the saved curated item it joined story id.
func (t *storyTx) join(ctx context.Context, id int64, it *aggregate.Item) error {
	m, err := t.member(ctx, it)
	if err != nil {
		return err
	}
	w, err := t.load(ctx, id)
	if err != nil {
		return err
	}
	w.joined = append(w.joined, m)
	return nil
}

// recompute notes that story id lost or changed members (at revised, if not
// zero): it is brought up to date from all of them.
func (t *storyTx) recompute(ctx context.Context, id int64, revised time.Time) error {
	w, err := t.load(ctx, id)
	if err != nil {
		return err
	}
	w.full = true
	if revised.After(w.revised) {
		w.revised = revised
	}
	return nil
}

// reserve returns the id the next new story will get. The writer connection is
// the only one that inserts stories, so the id is known before the item that
// starts the story is written, with its story.
func (t *storyTx) reserve(ctx context.Context) (int64, error) {
	if t.next == 0 {
		// Above every id ever given (migration 016): a merged or deleted story's
		// id stays taken, so that its published page never turns into another's.
		if err := t.tx.QueryRowContext(ctx, `SELECT last + 1 FROM story_ids`).Scan(&t.next); err != nil {
			return 0, err
		}
	}
	return t.next, nil
}

// start starts story id (reserved) led by the saved item it, and returns the
// story it belongs to. Another source carrying the same URI id and the same
// link publishes the same article, so the story with that entry id is joined
// instead. An id alone is no proof: every entry id is public in the curated
// feed, and a source that copied one with a link of its own took over the
// entry (its title and link, read in place by feed readers) and pulled any
// unrelated item into the story. Such an item starts a story of its own under
// an id made from its source and key, or, that one taken too, a random one.
func (t *storyTx) start(ctx context.Context, id int64, it *aggregate.Item) (int64, error) {
	m, err := t.member(ctx, it)
	if err != nil {
		return 0, err
	}
	src, err := t.source(ctx, it.SourceID)
	if err != nil {
		return 0, err
	}
	// Its own entry id (aggregate.EntryID), from its key: for an item read
	// back from the database (a curator's label, reclassify), its stored key.
	key, err := t.itemKey(ctx, it)
	if err != nil {
		return 0, err
	}
	own := *it
	own.Key = key
	entryID := aggregate.EntryID(src.url, own)
	st := story.Start(m)
	for attempt := 0; ; attempt++ {
		started, err := t.insertStory(ctx, id, entryID, st)
		if err != nil || started {
			return id, err
		}
		q, err := t.stmt(ctx, `SELECT id FROM stories WHERE entry_id = ?`)
		if err != nil {
			return 0, err
		}
		var existing int64
		if err := q.QueryRowContext(ctx, entryID).Scan(&existing); err != nil {
			return 0, fmt.Errorf("story of entry %s: %w", entryID, err)
		}
		same, err := t.hasLink(ctx, existing, it.URL)
		if err != nil {
			return 0, err
		}
		if same {
			return existing, t.join(ctx, existing, it)
		}
		// The id from its source and key; taken as well (it can be computed
		// from what the curated feed publishes), one nobody can compute.
		entryID = aggregate.SourceEntryID(src.url, key)
		if attempt > 0 {
			entryID = aggregate.SourceEntryID(src.url, key+"\x00"+rand.Text())
		}
	}
}

// insertStory inserts story id under entryID with state st, and reports
// whether it did: false when a story has that entry id already.
func (t *storyTx) insertStory(ctx context.Context, id int64, entryID string, st story.State) (bool, error) {
	ins, err := t.stmt(ctx, storyInsertQuery)
	if err != nil {
		return false, err
	}
	res, err := ins.ExecContext(ctx, append([]any{id, entryID}, stateArgs(st)...)...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	t.next = id + 1
	t.work[id] = &storyWork{st: st, found: true}
	return true, nil
}

// hasLinkQuery finds an item of a story by its link. items_url and
// items_story are partial indexes (story_id != 0), which a bound story_id does
// not imply: without the condition written out the query scans every item.
const hasLinkQuery = `SELECT 1 FROM items WHERE url_hash = ? AND story_id = ? AND story_id != 0 AND url = ? LIMIT 1`

// hasLink reports whether story holds an item with link u.
func (t *storyTx) hasLink(ctx context.Context, story int64, u string) (bool, error) {
	if u == "" {
		return false, nil
	}
	q, err := t.stmt(ctx, hasLinkQuery)
	if err != nil {
		return false, err
	}
	var one int
	switch err := q.QueryRowContext(ctx, urlHash(u), story, u).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// itemKey is the key of the saved item it: its own, or for one read back from
// the database (a curator's label, reclassify) its stored key; for a row whose
// key cannot be told (stored before migration 017, without GUID or link) a name
// of its key's hash, which is at least its own: an empty key would give every
// such item of the source one entry id, and so one story.
func (t *storyTx) itemKey(ctx context.Context, it *aggregate.Item) (string, error) {
	if it.Key != "" {
		return it.Key, nil
	}
	q, err := t.stmt(ctx, `SELECT key_hash, item_key FROM items WHERE id = ?`)
	if err != nil {
		return "", err
	}
	var keyHash int64
	var itemKey string
	if err := q.QueryRowContext(ctx, it.ID).Scan(&keyHash, &itemKey); err != nil {
		return "", fmt.Errorf("key of item %d: %w", it.ID, err)
	}
	if key := storedKey(*it, keyHash, itemKey); key != "" {
		return key, nil
	}
	return "key-hash:" + strconv.FormatInt(keyHash, 16), nil
}

// finish writes back every story this transaction touched, as the rules decide.
func (t *storyTx) finish(ctx context.Context) error {
	ids := make([]int64, 0, len(t.work))
	for id, w := range t.work {
		if w.found && (w.full || len(w.joined) > 0) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := t.save(ctx, id, t.work[id]); err != nil {
			return fmt.Errorf("story %d: %w", id, err)
		}
	}
	return nil
}

func (t *storyTx) save(ctx context.Context, id int64, w *storyWork) error {
	var st story.State
	// A hidden story may hold story mates, which a join cannot tell from members
	// the filter did not keep: it is recomputed from all its members.
	if w.full || !w.st.Visible {
		members, err := t.members(ctx, storyMembersQuery, id)
		if err != nil {
			return err
		}
		var ok bool
		if st, ok = story.Recompute(story.Revised(w.st, w.revised).Updated, members); !ok {
			del, err := t.stmt(ctx, "DELETE FROM stories WHERE id = ?")
			if err == nil {
				_, err = del.ExecContext(ctx, id)
			}
			return err
		}
		if !t.leadMoved.IsZero() && w.found && st.Lead.ItemID != w.st.Lead.ItemID {
			st = story.Revised(st, t.leadMoved)
		}
	} else {
		var ties []story.Member
		if w.st.Visible {
			var err error
			if ties, err = t.members(ctx, storyTiesQuery, id, string(stringsJSON(nil, w.st.Langs)), unix(w.st.Lead.Published)); err != nil {
				return err
			}
		}
		st = story.Join(w.st, ties, w.joined)
	}
	up, err := t.stmt(ctx, storyUpdateQuery)
	if err != nil {
		return err
	}
	_, err = up.ExecContext(ctx, append(stateArgs(st), id)...)
	return err
}

// members loads the story members a query selects.
func (t *storyTx) members(ctx context.Context, query string, args ...any) ([]story.Member, error) {
	q, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []story.Member
	for rows.Next() {
		var m story.Member
		var published, firstSeen int64
		var facets string
		var match, fresh int
		if err := rows.Scan(&m.ItemID, &m.SourceID, &published, &firstSeen, &m.Lang, &facets, &match, &fresh, &m.Rank, &m.Mate); err != nil {
			return nil, err
		}
		m.Published, m.FirstSeen, m.Facets = fromUnix(published), fromUnix(firstSeen), strings.Fields(facets)
		m.Curated = match != 0 && fresh != 0
		out = append(out, m)
	}
	return out, rows.Err()
}

// stateArgs are a story's columns from lead_item_id to visible, as
// storyUpdateQuery and storyInsertQuery list them.
func stateArgs(st story.State) []any {
	return []any{st.Lead.ItemID, st.Lead.SourceID, unix(st.Lead.Published), unix(st.Lead.FirstSeen), unix(st.Updated),
		st.Lead.Lang, joinFacets(st.Facets), string(stringsJSON(nil, st.Langs)), st.Members, b2i(st.Visible)}
}

// recomputeStory brings story id up to date from all its members, or deletes it
// when none is left.
func recomputeStory(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	t := newStoryTx(tx)
	t.leadMoved = now
	defer t.close()
	if err := t.recompute(ctx, id, time.Time{}); err != nil {
		return err
	}
	return t.finish(ctx)
}

// MergeStories merges stories found to report one event (aggregate.Bridger): the
// members of each Drop join its Keep, which is brought up to date from all of
// them, and Drop's row goes; Drop's id is recorded as merged into Keep, so that
// its story page redirects there and no new story takes it. A merge whose Keep
// or Drop is no longer stored (retention, an earlier merge of this batch that
// moved it) follows Keep's own merge, or is skipped. All in one transaction. It
// returns the merges it made.
func (s *Store) MergeStories(ctx context.Context, merges []story.Merge) ([]story.Merge, error) {
	if len(merges) == 0 {
		return nil, nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: merge stories: %w", err)
	}
	defer tx.Rollback()
	now := unix(time.Now())
	into := map[int64]int64{} // merged in this batch
	var done []story.Merge
	for _, m := range merges {
		keep, drop := m.Keep, m.Drop
		for into[keep] != 0 {
			keep = into[keep]
		}
		for into[drop] != 0 {
			drop = into[drop]
		}
		if keep == drop {
			continue
		}
		// Drop's entry and lead, when both stories are still stored.
		var entry string
		var lead int64
		switch err := tx.QueryRowContext(ctx, `SELECT d.entry_id, d.lead_item_id FROM stories d JOIN stories k ON k.id = ?
			WHERE d.id = ?`, keep, drop).Scan(&entry, &lead); {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return nil, fmt.Errorf("store: merge stories: %w", err)
		}
		for _, q := range []struct {
			query string
			args  []any
		}{
			// story_id != 0 lets SQLite use the partial index items_story.
			{`UPDATE items SET story_id = ? WHERE story_id = ? AND story_id != 0`, []any{keep, drop}},
			{`UPDATE story_merges SET into_id = ? WHERE into_id = ?`, []any{keep, drop}},
			{`INSERT INTO story_merges (id, into_id, merged_at, entry_id, lead_item_id) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET into_id = excluded.into_id, merged_at = excluded.merged_at`, []any{drop, keep, now, entry, lead}},
		} {
			if _, err := tx.ExecContext(ctx, q.query, q.args...); err != nil {
				return nil, fmt.Errorf("store: merge story %d into %d: %w", drop, keep, err)
			}
		}
		// Drop has no member left and goes; Keep is recomputed from all of them.
		for _, id := range []int64{drop, keep} {
			if err := recomputeStory(ctx, tx, id, time.Unix(now, 0)); err != nil {
				return nil, fmt.Errorf("store: merge story %d into %d: %w", drop, keep, err)
			}
		}
		into[drop] = keep
		done = append(done, story.Merge{Keep: keep, Drop: drop})
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: merge stories: commit: %w", err)
	}
	return done, nil
}
