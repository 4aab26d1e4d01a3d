package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/gleaner/gleaner/aggregate"
)

// hash64 is the stored 64-bit form of identities and bodies: FNV-1a over the
// parts, each after the first preceded by a zero byte. SQLite integers are
// signed, so the bits are reinterpreted. It is written out rather than using
// hash/fnv, whose Write would copy every string (the bodies are kilobytes).
func hash64(parts ...string) int64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i, p := range parts {
		if i > 0 {
			h *= prime // h ^= 0 is a no-op
		}
		for j := 0; j < len(p); j++ {
			h ^= uint64(p[j])
			h *= prime
		}
	}
	return int64(h)
}

func urlHash(u string) int64 {
	if u == "" {
		return 0
	}
	return hash64(u)
}

// bodyHashVersion is stored with each row's body_hash (items.hash_v): a row
// hashed by an earlier version is compared by its text once (see sameText).
const bodyHashVersion = 2

// bodyHash tells whether a stored item's text changed: xxHash64 over its fields,
// each preceded by its length so that no two field lists run together. It reads
// every byte of the item's HTML body on the single writer, so it is a hash that
// reads 8 bytes at a time, not a byte-at-a-time one such as FNV-1a.
func bodyHash(it *aggregate.Item) int64 {
	var d xxhash.Digest // on the stack: the writer hashes every item it is given
	d.Reset()
	var n [8]byte
	for _, f := range [...]string{it.URL, it.Title, it.Summary, it.BodyText, it.Content, it.Author} {
		binary.LittleEndian.PutUint64(n[:], uint64(len(f)))
		d.Write(n[:])
		d.WriteString(f)
	}
	binary.LittleEndian.PutUint64(n[:], uint64(it.Published.Unix()))
	d.Write(n[:])
	return int64(d.Sum64())
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
		known, err := w.known(ctx, f.State.SourceID, f.Items)
		if err != nil {
			return nil, false, fmt.Errorf("store: save items of source %d: %w", f.State.SourceID, err)
		}
		for j := range f.Items {
			it := &f.Items[j]
			it.SourceID = f.State.SourceID
			if err := w.saveItem(ctx, it, &st, known); err != nil {
				return nil, false, fmt.Errorf("store: save item %q of source %d: %w", it.Key, it.SourceID, err)
			}
		}
		if err := saveState(ctx, w.state, f.State, st.Seen, st.Kept); err != nil {
			return nil, false, fmt.Errorf("store: %w", err)
		}
		stats[i] = st
	}
	for id := range w.touched {
		var err error
		if js := w.joins[id]; len(js) > 0 && !w.full[id] {
			err = w.stories.join(ctx, id, js)
		} else {
			err = w.stories.recompute(ctx, id)
		}
		if err != nil {
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
	tx         *sql.Tx
	g          aggregate.Grouper
	stmts      []*sql.Stmt
	lookup     *sql.Stmt
	insert     *sql.Stmt
	update     *sql.Stmt
	byURL      *sql.Stmt
	setItem    *sql.Stmt // story of a stored item
	story      *sql.Stmt // new story
	entry      *sql.Stmt // story by entry id
	exists     *sql.Stmt
	oldText    *sql.Stmt
	rehash     *sql.Stmt
	state      *sql.Stmt // a source's fetch state
	sourceRank *sql.Stmt
	touched    map[int64]bool // stories to bring up to date before commit
	reasons    []byte         // reasonsJSON buffer, reused for every item
	// joins are the new curated members of touched stories; a story touched
	// only by them is brought up to date from its row (see storyStmts.join),
	// others (in full) from all their members.
	joins   map[int64][]member
	full    map[int64]bool
	stories storyStmts
	srcs    map[int64]source
	nextID  int64 // id of the next new item
	changed bool
}

func newWriter(ctx context.Context, tx *sql.Tx, g aggregate.Grouper) (*writer, error) {
	w := &writer{tx: tx, g: g, touched: map[int64]bool{}, joins: map[int64][]member{}, full: map[int64]bool{},
		srcs: map[int64]source{}, stories: storyStmts{tx: tx}}
	prepare := func(dst **sql.Stmt, query string) error {
		st, err := tx.PrepareContext(ctx, query)
		if err != nil {
			return err
		}
		*dst = st
		w.stmts = append(w.stmts, st)
		return nil
	}
	// One look-up per poll tells new items from stored ones, and a stored
	// one's text from its hash, before any text is bound: most items of a poll
	// are already stored and unchanged. Tombstones keep items deleted by
	// retention from coming back.
	err := errors.Join(
		prepare(&w.lookup, `SELECT j.value, t.key_hash IS NOT NULL, i.id, i.body_hash, i.hash_v, i.story_id, i.first_seen, i.fresh
			FROM json_each(?2) j
			LEFT JOIN items i ON i.source_id = ?1 AND i.key_hash = j.value
			LEFT JOIN tombstones t ON t.source_id = ?1 AND t.key_hash = j.value
			WHERE i.id IS NOT NULL OR t.key_hash IS NOT NULL`),
		// New items get their id from the writer (the one connection that
		// inserts), so that a curated item's story is known before the row is
		// written, and the row is written once.
		prepare(&w.insert, `INSERT INTO items(id, source_id, key_hash, url_hash, body_hash, guid, url, title,
			summary, content, author, lang, published, updated, first_seen, match, fresh, score, reasons, facets, body_text,
			story_id, similarity, hash_v)
			VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, `+
			strconv.Itoa(bodyHashVersion)+`)`),
		// A revised item keeps its identity, first-seen time and freshness.
		prepare(&w.update, `UPDATE items SET url_hash = ?2, body_hash = ?3, guid = ?4, url = ?5, title = ?6,
			summary = ?7, content = ?8, author = ?9, lang = ?10, published = ?11, updated = ?12,
			match = ?13, score = ?14, reasons = ?15, facets = ?16, body_text = ?17, hash_v = `+strconv.Itoa(bodyHashVersion)+`
			WHERE id = ?1`),
		// A row hashed by an earlier version: its text, to tell a revision from
		// a new hash of the same text, and the silent update when it is the same.
		prepare(&w.oldText, `SELECT url, title, summary, body_text, author, published FROM items WHERE id = ?`),
		prepare(&w.rehash, `UPDATE items SET body_hash = ?2, content = ?3, hash_v = `+strconv.Itoa(bodyHashVersion)+` WHERE id = ?1`),
		prepare(&w.byURL, byURLQuery),
		prepare(&w.setItem, `UPDATE items SET story_id = ?, similarity = ? WHERE id = ?`),
		prepare(&w.story, `INSERT INTO stories(entry_id, lead_item_id, source_id, published, first_seen, updated,
			lang, facets, members, visible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1)
			ON CONFLICT(entry_id) DO NOTHING RETURNING id`),
		prepare(&w.entry, `SELECT id FROM stories WHERE entry_id = ?`),
		prepare(&w.exists, `SELECT count(*) FROM stories WHERE id = ?`),
		prepare(&w.state, saveStateQuery),
		prepare(&w.sourceRank, `SELECT url, rank FROM sources WHERE id = ?`),
	)
	if err == nil {
		err = tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) + 1 FROM items").Scan(&w.nextID)
	}
	if err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *writer) close() {
	for _, st := range w.stmts {
		st.Close()
	}
	w.stories.close()
}

// stored is what Save needs to know of an item already stored, or deleted.
type stored struct {
	id, bodyHash, storyID, firstSeen int64
	hashV                            int64 // bodyHashVersion of bodyHash
	fresh                            bool
	tombstone                        bool // deleted by retention, no row
}

// known looks up, in one query, which of a poll's items source already has
// (or had), by identity.
func (w *writer) known(ctx context.Context, source int64, items []aggregate.Item) (map[int64]stored, error) {
	if len(items) == 0 {
		return nil, nil
	}
	keys := make([]byte, 0, 2+21*len(items))
	keys = append(keys, '[')
	for i := range items {
		if i > 0 {
			keys = append(keys, ',')
		}
		keys = strconv.AppendInt(keys, hash64(items[i].Key), 10)
	}
	keys = append(keys, ']')
	rows, err := w.lookup.QueryContext(ctx, source, string(keys))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]stored{}
	for rows.Next() {
		var key int64
		var tomb bool
		var id, bodyHash, hashV, storyID, firstSeen, fresh sql.NullInt64
		if err := rows.Scan(&key, &tomb, &id, &bodyHash, &hashV, &storyID, &firstSeen, &fresh); err != nil {
			return nil, err
		}
		out[key] = stored{id: id.Int64, bodyHash: bodyHash.Int64, hashV: hashV.Int64, storyID: storyID.Int64, firstSeen: firstSeen.Int64,
			fresh: fresh.Int64 != 0, tombstone: !id.Valid && tomb}
	}
	return out, rows.Err()
}

// saveItem inserts a new item, or updates a stored one whose text changed;
// known is what the poll's look-up found, and is kept up to date.
func (w *writer) saveItem(ctx context.Context, it *aggregate.Item, st *aggregate.SaveStats, known map[int64]stored) error {
	kh := hash64(it.Key)
	old, found := known[kh]
	if old.tombstone {
		return nil // deleted by retention: not stored again
	}
	bh := bodyHash(it)
	if found && old.hashV == bodyHashVersion && old.bodyHash == bh {
		return nil // stored and unchanged
	}
	if found && old.hashV != bodyHashVersion {
		same, err := w.sameText(ctx, old.id, it)
		if err != nil {
			return err
		}
		if same {
			// Hashed the old way, text unchanged: not a revision.
			if _, err := w.rehash.ExecContext(ctx, old.id, bh, it.Content); err != nil {
				return err
			}
			old.bodyHash, old.hashV = bh, bodyHashVersion
			known[kh] = old
			return nil
		}
	}
	w.reasons = reasonsJSON(w.reasons[:0], it.Verdict.Reasons)
	reasons := w.reasons
	var err error
	uh, facets := urlHash(it.URL), joinFacets(it.Verdict.Facets)
	if !found {
		it.ID = w.nextID
		var sim float64
		if it.Verdict.Match && it.Fresh {
			if it.StoryID, sim, err = w.findStory(ctx, it); err != nil {
				return err
			}
		}
		_, err := w.insert.ExecContext(ctx, it.ID, it.SourceID, kh, uh, bh, it.GUID, it.URL, it.Title, it.Summary, it.Content,
			it.Author, it.Lang, unix(it.Published), unix(it.Updated), unix(it.FirstSeen), b2i(it.Verdict.Match), b2i(it.Fresh),
			it.Verdict.Score, string(reasons), facets, it.BodyText, it.StoryID, sim)
		if err != nil {
			return err
		}
		w.nextID++
		// The same key listed twice in one poll is the same item.
		known[kh] = stored{id: it.ID, bodyHash: bh, hashV: bodyHashVersion, storyID: it.StoryID, firstSeen: unix(it.FirstSeen), fresh: it.Fresh}
		st.New++
		if it.Verdict.Match {
			st.Kept++
		}
		if it.StoryID != 0 && w.g != nil {
			w.g.Add(it, it.StoryID)
		}
		return nil
	}
	// Already stored, and its text changed.
	it.ID = old.id
	_, err = w.update.ExecContext(ctx, it.ID, uh, bh, it.GUID, it.URL, it.Title, it.Summary, it.Content,
		it.Author, it.Lang, unix(it.Published), unix(it.Updated), b2i(it.Verdict.Match), it.Verdict.Score,
		string(reasons), facets, it.BodyText)
	if err != nil {
		return err
	}
	st.Changed++
	it.StoryID, it.FirstSeen, it.Fresh = old.storyID, fromUnix(old.firstSeen), old.fresh
	switch {
	case it.StoryID != 0:
		if _, err := w.tx.ExecContext(ctx, "UPDATE stories SET updated = max(updated, ?) WHERE id = ?", time.Now().Unix(), it.StoryID); err != nil {
			return err
		}
		w.touched[it.StoryID] = true
		w.full[it.StoryID] = true // its verdict or date may have changed
		w.changed = true
	case it.Verdict.Match && it.Fresh:
		if err := w.assignStory(ctx, it); err != nil {
			return err
		}
	}
	old.bodyHash, old.hashV, old.storyID = bh, bodyHashVersion, it.StoryID
	known[kh] = old
	return nil
}

// sameText reports whether stored item id still has its text: the fields a reader
// sees change (the HTML body aside, which earlier versions stored sanitised).
func (w *writer) sameText(ctx context.Context, id int64, it *aggregate.Item) (bool, error) {
	var url, title, summary, bodyText, author string
	var published int64
	if err := w.oldText.QueryRowContext(ctx, id).Scan(&url, &title, &summary, &bodyText, &author, &published); err != nil {
		return false, fmt.Errorf("text of item %d: %w", id, err)
	}
	return url == it.URL && title == it.Title && summary == it.Summary && bodyText == it.BodyText &&
		author == it.Author && published == unix(it.Published), nil
}

// assignStory puts a stored, curated item into a story.
func (w *writer) assignStory(ctx context.Context, it *aggregate.Item) error {
	storyID, sim, err := w.findStory(ctx, it)
	if err != nil {
		return err
	}
	it.StoryID = storyID
	if _, err := w.setItem.ExecContext(ctx, storyID, sim, it.ID); err != nil {
		return err
	}
	if w.g != nil {
		w.g.Add(it, storyID)
	}
	return nil
}

// findStory returns the story a curated item joins, and its similarity to it:
// the story of the same article URL from another source, else the one the
// grouper finds, else a new story led by it. it.ID must be set; the item's row
// may not be written yet.
func (w *writer) findStory(ctx context.Context, it *aggregate.Item) (int64, float64, error) {
	w.changed = true
	var storyID int64
	var sim float64
	if it.URL != "" {
		err := w.byURL.QueryRowContext(ctx, urlHash(it.URL), it.ID).Scan(&storyID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, 0, err
		}
		if storyID != 0 {
			sim = 1
		}
	}
	if storyID == 0 && w.g != nil {
		if id, similarity, ok := w.g.Find(it); ok {
			// The index may hold a story whose transaction was rolled back.
			var exists int
			if err := w.exists.QueryRowContext(ctx, id).Scan(&exists); err != nil {
				return 0, 0, err
			}
			if exists > 0 {
				storyID, sim = id, similarity
			}
		}
	}
	if storyID == 0 {
		id, created, err := w.newStory(ctx, it)
		if err != nil || created {
			return id, 1, err
		}
		storyID, sim = id, 1
	}
	if err := w.join(ctx, storyID, it); err != nil {
		return 0, 0, err
	}
	return storyID, sim, nil
}

// source is what Save needs of an item's source.
type source struct {
	url  string
	rank int
}

func (w *writer) source(ctx context.Context, id int64) (source, error) {
	src, ok := w.srcs[id]
	if !ok {
		if err := w.sourceRank.QueryRowContext(ctx, id).Scan(&src.url, &src.rank); err != nil {
			return src, fmt.Errorf("source of item: %w", err)
		}
		w.srcs[id] = src
	}
	return src, nil
}

// join notes that the curated item it joins an existing story.
func (w *writer) join(ctx context.Context, storyID int64, it *aggregate.Item) error {
	src, err := w.source(ctx, it.SourceID)
	if err != nil {
		return err
	}
	w.touched[storyID] = true
	w.joins[storyID] = append(w.joins[storyID], member{id: it.ID, source: it.SourceID, published: unix(it.Published),
		firstSeen: unix(it.FirstSeen), lang: it.Lang, facets: joinFacets(it.Verdict.Facets), curated: true, rank: src.rank})
	return nil
}

// newStory starts a story led by it, and reports whether it did. Two sources
// carrying the same URI id publish the same article, so an existing story with
// that entry id is returned instead.
func (w *writer) newStory(ctx context.Context, it *aggregate.Item) (int64, bool, error) {
	src, err := w.source(ctx, it.SourceID)
	if err != nil {
		return 0, false, err
	}
	entryID := aggregate.EntryID(src.url, *it)
	var id int64
	err = w.story.QueryRowContext(ctx, entryID, it.ID, it.SourceID, unix(it.Published), unix(it.FirstSeen), unix(it.FirstSeen), it.Lang,
		joinFacets(it.Verdict.Facets)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = w.entry.QueryRowContext(ctx, entryID).Scan(&id)
		return id, false, err
	}
	return id, err == nil, err
}

// recomputeStory derives a story's lead, dates, facets and visibility from its
// members: the lead is the earliest published curated member, ties going to the
// source ranked first in the config. A story with no members left is deleted.
func recomputeStory(ctx context.Context, tx *sql.Tx, id int64) error {
	r := storyStmts{tx: tx}
	defer r.close()
	return r.recompute(ctx, id)
}

// storyStmts are the statements of recomputeStory, prepared on first use, for
// a transaction that recomputes many stories.
type storyStmts struct {
	tx                            *sql.Tx
	members, remove, update, lead *sql.Stmt
}

func (r *storyStmts) prepare(ctx context.Context) error {
	if r.members != nil {
		return nil
	}
	var err error
	if r.members, err = r.tx.PrepareContext(ctx, storyMembersQuery); err != nil {
		return err
	}
	if r.remove, err = r.tx.PrepareContext(ctx, "DELETE FROM stories WHERE id = ?"); err != nil {
		return err
	}
	if r.update, err = r.tx.PrepareContext(ctx, `UPDATE stories SET lead_item_id = ?, source_id = ?, published = ?, first_seen = ?,
		updated = max(updated, ?), lang = ?, facets = ?, members = ?, visible = ? WHERE id = ?`); err != nil {
		return err
	}
	r.lead, err = r.tx.PrepareContext(ctx, storyLeadQuery)
	return err
}

// The queries that find items by story or URL repeat story_id != 0, word for
// word, so that the partial indexes items_story and items_url (migrations 004
// and 005) serve them: a bound story_id = ? does not imply it.
// TestQueriesUseIndexes checks each plan.
const (
	byURLQuery        = `SELECT story_id FROM items WHERE url_hash = ? AND story_id != 0 AND id != ? LIMIT 1`
	storyMembersQuery = `SELECT i.id, i.source_id, i.published, i.first_seen, i.lang, i.facets, i.match, i.fresh, s.rank
		FROM items i JOIN sources s ON s.id = i.source_id WHERE i.story_id = ? AND i.story_id != 0`
	storyLeadQuery = `SELECT st.lead_item_id, st.source_id, st.published, st.first_seen, st.lang, st.facets,
		st.members, st.visible, s.rank,
		(SELECT count(*) FROM items i WHERE i.story_id = st.id AND i.story_id != 0 AND i.published = st.published AND i.id != st.lead_item_id)
		FROM stories st JOIN sources s ON s.id = st.source_id WHERE st.id = ?`
)

// join brings story id up to date after new curated members joined it, from
// its row rather than from all its members: the lead can only change to one of
// them, the facets only grow, and so on. It gives what recompute would, and
// falls back to it when another member (new or not) was published in the same
// second as the lead: such ties are decided by the sources' ranks, which the
// config may have changed since the lead was chosen.
func (r *storyStmts) join(ctx context.Context, id int64, joined []member) error {
	if err := r.prepare(ctx); err != nil {
		return fmt.Errorf("story %d: %w", id, err)
	}
	var lead member
	var n, visible int
	var ties int
	err := r.lead.QueryRowContext(ctx, id).Scan(&lead.id, &lead.source, &lead.published, &lead.firstSeen, &lead.lang,
		&lead.facets, &n, &visible, &lead.rank, &ties)
	if err != nil {
		return fmt.Errorf("story %d: %w", id, err)
	}
	if ties > 0 {
		return r.recompute(ctx, id)
	}
	facets := map[string]bool{}
	if visible != 0 {
		for _, f := range strings.Fields(lead.facets) {
			facets[f] = true
		}
	}
	var maxSeen int64
	for i := range joined {
		m := &joined[i]
		if m.published == lead.published {
			return r.recompute(ctx, id)
		}
		n++
		maxSeen = max(maxSeen, m.firstSeen)
		for _, f := range strings.Fields(m.facets) {
			facets[f] = true
		}
		if visible == 0 || before(m, &lead) {
			lead, visible = *m, 1
		}
	}
	list := make([]string, 0, len(facets))
	for f := range facets {
		list = append(list, f)
	}
	_, err = r.update.ExecContext(ctx, lead.id, lead.source, lead.published, lead.firstSeen, maxSeen, lead.lang,
		joinFacets(list), n, visible, id)
	if err != nil {
		return fmt.Errorf("story %d: %w", id, err)
	}
	return nil
}

func (r *storyStmts) close() {
	for _, st := range []*sql.Stmt{r.members, r.remove, r.update, r.lead} {
		if st != nil {
			st.Close()
		}
	}
}

func (r *storyStmts) recompute(ctx context.Context, id int64) error {
	if err := r.prepare(ctx); err != nil {
		return fmt.Errorf("recompute story %d: %w", id, err)
	}
	rows, err := r.members.QueryContext(ctx, id)
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
		_, err := r.remove.ExecContext(ctx, id)
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
	_, err = r.update.ExecContext(ctx, lead.id, lead.source, lead.published, lead.firstSeen, maxSeen, lead.lang, joinFacets(facets), n, visible, id)
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
