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
	"github.com/gleaner/gleaner/aggregate/story"
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
	// An undated item's Published is the time of the poll: hashing it would make
	// every poll a revision, moving the item to the top of the feed each time.
	var pub int64
	if !it.Undated {
		pub = it.Published.Unix()
	}
	binary.LittleEndian.PutUint64(n[:], uint64(pub))
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
// either both land or neither does. New items the filter kept join a story:
// before the transaction, the store looks up which items are new or changed and
// the stories of their URLs, and g (which may be nil) decides the story of each
// one that needs it (see aggregate.Grouper); without g, an item joins the story
// of the same article URL from another source, else starts one. It reports
// per-source counts and whether the curated set may have changed.
func (s *Store) Save(ctx context.Context, batch []aggregate.Fetched, g aggregate.Grouper) ([]aggregate.SaveStats, bool, error) {
	p, err := s.plan(ctx, batch, g != nil)
	if err != nil {
		return nil, false, fmt.Errorf("store: save: %w", err)
	}
	var done func(bool)
	p.pulls, done = decide(g, p.needs, true)
	stats, changed, err := s.write(ctx, batch, p)
	done(err == nil)
	if err != nil {
		return nil, false, err
	}
	if b, ok := g.(aggregate.Bridger); ok && len(p.needs) > 0 {
		merged, err := s.bridge(ctx, b)
		if err != nil {
			return stats, changed, &aggregate.MergeError{Err: err}
		}
		if merged > 0 && len(stats) > 0 {
			stats[0].Merged = merged
			changed = true
		}
	}
	return stats, changed, nil
}

// bridge asks b which stories the save's items call for merging with another story of
// their event, merges them, and tells b which it merged. It returns how many it
// merged.
func (s *Store) bridge(ctx context.Context, b aggregate.Bridger) (int, error) {
	done, err := s.MergeStories(ctx, b.Bridges())
	b.Merged(done)
	return len(done), err
}

// decide lets g decide the stories of needs before a write transaction, and
// returns what to call once it is over, saved or not: g is told what was saved
// (nothing, when saved is false), every time it was asked to decide. With pull,
// a Puller also says which stored near reports the needs pull in (a poll's
// save; a reclassification or a label does not pull).
func decide(g aggregate.Grouper, needs []aggregate.StoryNeed, pull bool) (pulls []aggregate.Pull, done func(saved bool)) {
	if g == nil || len(needs) == 0 {
		return nil, func(bool) {}
	}
	g.Assign(needs)
	if pl, ok := g.(aggregate.Puller); ok && pull {
		pulls = pl.Pulls(needs)
	}
	return pulls, func(saved bool) {
		if !saved {
			for i := range needs {
				needs[i].Item.StoryID = 0
			}
		}
		if pl, ok := g.(aggregate.Puller); ok {
			pl.Pulled(saved)
		}
		g.Added(needs)
	}
}

func (s *Store) write(ctx context.Context, batch []aggregate.Fetched, p *plan) ([]aggregate.SaveStats, bool, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("store: save: %w", err)
	}
	defer tx.Rollback()
	w, err := newWriter(ctx, tx, p)
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
			if err := w.saveItem(ctx, it, &st, &p.polls[i], j); err != nil {
				return nil, false, fmt.Errorf("store: save item %q of source %d: %w", it.Key, it.SourceID, err)
			}
		}
		// Seen and kept count the items first stored from the source, each once.
		if err := saveState(ctx, w.state, f.State, st.New, st.Kept); err != nil {
			return nil, false, fmt.Errorf("store: %w", err)
		}
		stats[i] = st
	}
	for i := range p.pulls {
		if err := w.pull(ctx, &p.pulls[i]); err != nil {
			return nil, false, fmt.Errorf("store: save: pull item %d: %w", p.pulls[i].ItemID, err)
		}
		if p.pulls[i].StoryID != 0 && len(stats) > 0 {
			stats[0].Pulled++
		}
	}
	if err := w.stories.finish(ctx); err != nil {
		return nil, false, fmt.Errorf("store: save: %w", err)
	}
	// The search index is brought up to date by IndexSearch, off the path
	// of a poll round: the changes wait in item_search_queue meanwhile.
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("store: save: commit: %w", err)
	}
	return stats, w.changed, nil
}

// stored is what Save needs to know of an item already stored, or deleted.
type stored struct {
	id, bodyHash, storyID, firstSeen int64
	hashV                            int64 // bodyHashVersion of bodyHash
	fresh                            bool
	tombstone                        bool // deleted by retention, no row
	sameText                         bool // hashed by an earlier version, and its text is unchanged
	mate                             bool // kept as a story mate (aggregate.IsMate)
	// alias: an article the source gave under another key, stored or earlier
	// in the same poll (sameArticles): not stored.
	alias bool
}

// plan is what Save looks up before its write transaction.
type plan struct {
	polls []pollPlan
	needs []aggregate.StoryNeed
	pulls []aggregate.Pull // stored near reports the grouper pulls into this save's stories
}

// pollPlan is what the store holds of one poll's items.
type pollPlan struct {
	known  map[int64]stored // by key hash
	hashes []int64          // each item's key hash and body hash
	bodies []int64
	need   []int32 // per item: 1 + its index in plan.needs, or 0
}

// plan looks up, before the write transaction, what the store holds of each item of
// batch, and which curated items need a story (new ones, and stored ones that
// changed and have none), with the stories of their URLs when urls is set.
// The transaction that follows re-checks what may have changed meanwhile:
// another process storing the same item, retention deleting a story.
func (s *Store) plan(ctx context.Context, batch []aggregate.Fetched, urls bool) (*plan, error) {
	p := &plan{polls: make([]pollPlan, len(batch))}
	items := 0
	for i := range batch {
		items += len(batch[i].Items)
	}
	if items == 0 {
		return p, nil
	}
	// The writer's connection, outside any transaction: its page cache holds
	// what it wrote last, which a reader's loses with every commit.
	tx, err := s.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Close()
	// One look-up per poll tells new items from stored ones, and a stored
	// one's text from its hash, before any text is bound: most items of a poll
	// are already stored and unchanged. Tombstones keep items deleted by
	// retention from coming back.
	lookup, err := tx.PrepareContext(ctx, `SELECT j.value, t.key_hash IS NOT NULL, i.id, i.body_hash, i.hash_v, i.story_id, i.first_seen, i.fresh,
			coalesce(`+wasMateColumn+`, 0)
			FROM json_each(?2) j
			LEFT JOIN items i ON i.source_id = ?1 AND i.key_hash = j.value
			LEFT JOIN tombstones t ON t.source_id = ?1 AND t.key_hash = j.value
			WHERE i.id IS NOT NULL OR t.key_hash IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	defer lookup.Close()
	var oldText *sql.Stmt
	defer func() {
		if oldText != nil {
			oldText.Close()
		}
	}()
	for i := range batch {
		f := &batch[i]
		pp := &p.polls[i]
		n := len(f.Items)
		pp.hashes, pp.bodies, pp.need = make([]int64, n), make([]int64, n), make([]int32, n)
		for j := range f.Items {
			f.Items[j].SourceID = f.State.SourceID
			pp.hashes[j] = hash64(f.Items[j].Key)
			pp.bodies[j] = bodyHash(&f.Items[j])
		}
		if pp.known, err = known(ctx, lookup, f.State.SourceID, pp.hashes); err != nil {
			return nil, fmt.Errorf("items of source %d: %w", f.State.SourceID, err)
		}
		if err := sameArticles(ctx, tx, f, pp); err != nil {
			return nil, fmt.Errorf("items of source %d: %w", f.State.SourceID, err)
		}
		seen := make(map[int64]bool, n)
		for j := range f.Items {
			it, kh := &f.Items[j], pp.hashes[j]
			if seen[kh] {
				continue // the same key again in one poll: the same item, saved after the first
			}
			seen[kh] = true
			old, found := pp.known[kh]
			var needs bool
			switch {
			case old.tombstone, old.alias:
			case found && old.hashV == bodyHashVersion && old.bodyHash == pp.bodies[j]:
			case found && old.hashV != bodyHashVersion:
				if oldText == nil {
					if oldText, err = tx.PrepareContext(ctx, oldTextQuery); err != nil {
						return nil, err
					}
				}
				same, err := sameText(ctx, oldText, old.id, it)
				if err != nil {
					return nil, err
				}
				old.sameText = same
				pp.known[kh] = old
				needs = !same && old.storyID == 0 && it.Verdict.Match && old.fresh
			case found:
				needs = old.storyID == 0 && it.Verdict.Match && old.fresh
			default:
				// A near item may join a story of kept reports as a mate.
				needs = (it.Verdict.Match || urls && it.Verdict.Near) && it.Fresh
			}
			if !needs {
				continue
			}
			it.ID = old.id // 0 for a new item: the URL look-up skips the item itself
			p.needs = append(p.needs, aggregate.StoryNeed{Item: it, Mate: !it.Verdict.Match})
			pp.need[j] = int32(len(p.needs))
		}
	}
	if urls && len(p.needs) > 0 {
		if err := urlStories(ctx, tx, p.needs); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// known looks up, in one query, which of a poll's items source already has (or
// had), by the hashes of their keys.
func known(ctx context.Context, lookup *sql.Stmt, source int64, hashes []int64) (map[int64]stored, error) {
	rows, err := lookup.QueryContext(ctx, source, string(intsJSON(hashes)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]stored{}
	for rows.Next() {
		var key int64
		var tomb bool
		var id, bodyHash, hashV, storyID, firstSeen, fresh sql.NullInt64
		var mate bool
		if err := rows.Scan(&key, &tomb, &id, &bodyHash, &hashV, &storyID, &firstSeen, &fresh, &mate); err != nil {
			return nil, err
		}
		out[key] = stored{id: id.Int64, bodyHash: bodyHash.Int64, hashV: hashV.Int64, storyID: storyID.Int64, firstSeen: firstSeen.Int64,
			fresh: fresh.Int64 != 0, tombstone: !id.Valid && tomb, mate: mate}
	}
	return out, rows.Err()
}

// sameArticlesQuery finds a source's stored story members by the hashes of links
// (json_each's key is the index of the link in the list), through the partial
// index items_url, link by link: CROSS JOIN keeps the links outside, and the unary
// + keeps SQLite from walking all the source's items by items_identity instead.
var sameArticlesQuery = `SELECT j.key, i.body_hash
	FROM json_each(?2) j CROSS JOIN items i ON i.url_hash = j.value AND i.story_id != 0 AND +i.source_id = ?1
		AND i.hash_v = ` + strconv.Itoa(bodyHashVersion)

// sameArticles finds the poll's new items that are an article the source already
// gave under another key: a feed that makes a new GUID for each article on every poll
// (a session or a time in it) would otherwise store the article again each time, and
// add it to its story as one more report. An item is that article when its link and
// its whole text and date (the body hash: headline, lead, body, author, date) are
// those of a story member of the same source, or of an earlier new item of the same
// poll; a weekly briefing under one link with the same headline but another body or
// date is another item, and an undated item (whose hash has no date) is never matched.
// Such an item is an alias, not stored: its key is not remembered (a tombstone would
// outlive or undo nothing right: a correction under it is another text, stored as a new
// item), so the next poll looks it up again. In the database only story members are
// looked for, through the index the story look-ups use: those are what readers see
// counted; in the poll, any item stored or tombstoned under its own key counts (a feed
// that lists one article under two GUIDs on every poll).
func sameArticles(ctx context.Context, tx *sql.Conn, f *aggregate.Fetched, pp *pollPlan) error {
	type article struct{ link, body int64 }
	var links []int64
	var at []int
	first := map[article]int{} // the poll's first item of each article
	// Items of the poll stored or deleted under their own keys come first: a feed
	// that lists one article under two GUIDs on every poll has it stored under one
	// and, once retention deleted it, tombstoned; the other stays an alias.
	for j := range f.Items {
		it := &f.Items[j]
		if _, found := pp.known[pp.hashes[j]]; found && it.URL != "" && !it.Undated {
			a := article{urlHash(it.URL), pp.bodies[j]}
			if _, dup := first[a]; !dup {
				first[a] = j
			}
		}
	}
	for j := range f.Items {
		it := &f.Items[j]
		if _, found := pp.known[pp.hashes[j]]; found || it.URL == "" || it.Undated || !(it.Verdict.Match || it.Verdict.Near) {
			continue
		}
		a := article{urlHash(it.URL), pp.bodies[j]}
		if k, dup := first[a]; dup {
			if pp.hashes[k] != pp.hashes[j] { // the same key twice is the same item (saveItem)
				pp.known[pp.hashes[j]] = stored{alias: true}
			}
			continue
		}
		first[a] = j
		links, at = append(links, a.link), append(at, j)
	}
	if len(links) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, sameArticlesQuery, f.State.SourceID, string(intsJSON(links)))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k int
		var body int64
		if err := rows.Scan(&k, &body); err != nil {
			return err
		}
		if j := at[k]; body == pp.bodies[j] {
			pp.known[pp.hashes[j]] = stored{alias: true}
		}
	}
	return rows.Err()
}

// A row hashed by an earlier version: its text, to tell a revision from a new
// hash of the same text.
const oldTextQuery = `SELECT url, title, summary, body_text, author, published FROM items WHERE id = ?`

// sameText reports whether stored item id still has its text: the fields a reader
// sees change (the HTML body aside, which earlier versions stored sanitised).
func sameText(ctx context.Context, q *sql.Stmt, id int64, it *aggregate.Item) (bool, error) {
	var url, title, summary, bodyText, author string
	var published int64
	if err := q.QueryRowContext(ctx, id).Scan(&url, &title, &summary, &bodyText, &author, &published); err != nil {
		return false, fmt.Errorf("text of item %d: %w", id, err)
	}
	return url == it.URL && title == it.Title && summary == it.Summary && bodyText == it.BodyText &&
		author == it.Author && (it.Undated || published == unix(it.Published)), nil
}

// writer holds the statements one Save prepares once and runs per item.
type writer struct {
	tx      *sql.Tx
	p       *plan
	stmts   []*sql.Stmt
	insert  *sql.Stmt
	update  *sql.Stmt
	rehash  *sql.Stmt
	search  *sql.Stmt // queues a new curated item for the search index (migration 014)
	setItem *sql.Stmt // story of a stored item
	byURL   *sql.Stmt
	state   *sql.Stmt // a source's fetch state
	label   *sql.Stmt // an item's label, prepared on first use (labels.go)
	// linkLabels are the curator's labels by the link of the item they are on,
	// read on first use (labels.go).
	linkLabels map[string]linkLabel
	reasons    []byte // stringsJSON buffer, reused for every item
	stories    *storyTx
	groups     map[int]int64 // the story each new-story group of the plan started
	nextID     int64         // id of the next new item
	now        time.Time     // when stored items were revised
	changed    bool
}

func newWriter(ctx context.Context, tx *sql.Tx, p *plan) (*writer, error) {
	w := &writer{tx: tx, p: p, stories: newStoryTx(tx), groups: map[int]int64{}, now: time.Now()}
	prepare := func(dst **sql.Stmt, query string) error {
		st, err := tx.PrepareContext(ctx, query)
		if err != nil {
			return err
		}
		*dst = st
		w.stmts = append(w.stmts, st)
		return nil
	}
	err := errors.Join(
		// New items get their id from the writer (the one connection that
		// inserts), so that a curated item's story is known before the row is
		// written, and the row is written once. An item another process stored
		// since the plan's look-up is left as it is.
		prepare(&w.insert, `INSERT INTO items(id, source_id, key_hash, url_hash, body_hash, guid, url, title,
			summary, content, author, lang, published, updated, first_seen, match, fresh, score, reasons, facets, body_text,
			story_id, similarity, origin, origin_url, item_key, hash_v)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+
			strconv.Itoa(bodyHashVersion)+`) ON CONFLICT(source_id, key_hash) DO NOTHING`),
		// A revised item keeps its identity, first-seen time and freshness.
		prepare(&w.update, `UPDATE items SET url_hash = ?2, body_hash = ?3, guid = ?4, url = ?5, title = ?6,
			summary = ?7, content = ?8, author = ?9, lang = ?10,
			published = CASE WHEN ?20 THEN published ELSE ?11 END, updated = ?12,
			match = ?13, score = ?14, reasons = ?15, facets = ?16, body_text = ?17, origin = ?18, origin_url = ?19,
			item_key = ?21, hash_v = `+strconv.Itoa(bodyHashVersion)+`
			WHERE id = ?1`),
		// The silent update of a row hashed the old way whose text is the same.
		prepare(&w.rehash, `UPDATE items SET body_hash = ?2, content = ?3, hash_v = `+strconv.Itoa(bodyHashVersion)+` WHERE id = ?1`),
		prepare(&w.search, `INSERT INTO item_search_queue(op, item_id, title, summary) VALUES ('insert', ?, ?, substr(?, 1, 100))`),
		prepare(&w.setItem, `UPDATE items SET story_id = ?, similarity = ? WHERE id = ?`),
		prepare(&w.byURL, byURLQuery),
		prepare(&w.state, saveStateQuery),
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

// choice is the story decided for item j of a poll before the transaction;
// the zero Choice (undecided) for an item the plan did not see as needing one.
func (w *writer) choice(pp *pollPlan, j int) story.Choice {
	if k := pp.need[j]; k > 0 {
		return w.p.needs[k-1].Choice
	}
	return story.Choice{}
}

// saveItem inserts a new item, or updates a stored one whose text changed, as
// the plan found them; the plan's look-up is kept up to date.
func (w *writer) saveItem(ctx context.Context, it *aggregate.Item, st *aggregate.SaveStats, pp *pollPlan, j int) error {
	kh, bh := pp.hashes[j], pp.bodies[j]
	known := pp.known
	old, found := known[kh]
	if old.alias {
		return nil // another key of an article stored (sameArticles)
	}
	switch {
	case old.tombstone:
		return nil // deleted by retention: not stored again
	case found && old.hashV == bodyHashVersion && old.bodyHash == bh:
		return nil // stored and unchanged
	case found && old.sameText:
		// Hashed the old way, text unchanged: not a revision.
		if _, err := w.rehash.ExecContext(ctx, old.id, bh, it.Content); err != nil {
			return err
		}
		old.bodyHash, old.hashV, old.sameText = bh, bodyHashVersion, false
		known[kh] = old
		return nil
	case found:
		// A revision: a story mate still near stays one, as reclassify judges it
		// (rejudge); the curator's label, if any, wins over its new verdict.
		if !it.Verdict.Match && it.Verdict.Near && old.storyID != 0 && old.mate {
			it.Verdict = aggregate.KeptAsMate(it.Verdict)
		}
		if err := w.applyLabel(ctx, old.id, it); err != nil {
			return err
		}
	}
	if k := pp.need[j]; !found && k > 0 && w.p.needs[k-1].Mate && (w.p.needs[k-1].Choice.Story != 0 || w.p.needs[k-1].Choice.Group != 0) {
		// A near report that joins a story of kept reports: kept as a mate.
		it.Verdict = aggregate.KeptAsMate(it.Verdict)
	}
	var linked *linkLabel
	if !found {
		var err error
		if linked, err = w.linkLabel(ctx, it); err != nil {
			return err
		}
	}
	w.reasons = stringsJSON(w.reasons[:0], it.Verdict.Reasons)
	reasons := w.reasons
	uh, facets := urlHash(it.URL), joinFacets(it.Verdict.Facets)
	if !found {
		it.ID = w.nextID
		var place placement
		if it.Verdict.Match && it.Fresh {
			var err error
			if place, err = w.place(ctx, it, w.choice(pp, j)); err != nil {
				return err
			}
		}
		it.StoryID = place.story // 0 when not placed, whatever the caller's item said
		res, err := w.insert.ExecContext(ctx, it.ID, it.SourceID, kh, uh, bh, it.GUID, it.URL, it.Title, it.Summary, it.Content,
			it.Author, it.Lang, unix(it.Published), unix(it.Updated), unix(it.FirstSeen), b2i(it.Verdict.Match), b2i(it.Fresh),
			it.Verdict.Score, string(reasons), facets, it.BodyText, it.StoryID, place.similarity, it.Origin, it.OriginURL, ownKey(it))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			it.ID, it.StoryID = 0, 0 // stored meanwhile by another process
			return err
		}
		w.nextID++
		if linked != nil {
			if err := w.copyLabel(ctx, it.ID, linked); err != nil {
				return err
			}
		}
		if it.StoryID != 0 {
			if _, err := w.search.ExecContext(ctx, it.ID, it.Title, it.Summary); err != nil {
				return err
			}
		}
		// The same key listed twice in one poll is the same item.
		known[kh] = stored{id: it.ID, bodyHash: bh, hashV: bodyHashVersion, storyID: it.StoryID, firstSeen: unix(it.FirstSeen), fresh: it.Fresh}
		st.New++
		if it.Verdict.Match {
			st.Kept++
			if !it.Fresh {
				st.Old++
			}
			if aggregate.IsMate(it.Verdict) {
				st.Mates++
			}
		}
		if it.StoryID != 0 {
			return w.placed(ctx, it, place)
		}
		return nil
	}
	// Already stored, and its text changed.
	it.ID = old.id
	res, err := w.update.ExecContext(ctx, it.ID, uh, bh, it.GUID, it.URL, it.Title, it.Summary, it.Content,
		it.Author, it.Lang, unix(it.Published), unix(it.Updated), b2i(it.Verdict.Match), it.Verdict.Score,
		string(reasons), facets, it.BodyText, it.Origin, it.OriginURL, it.Undated, ownKey(it))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		it.ID = 0 // deleted meanwhile by retention
		return err
	}
	st.Changed++
	it.StoryID, it.FirstSeen, it.Fresh = old.storyID, fromUnix(old.firstSeen), old.fresh
	switch {
	case it.StoryID != 0:
		// Its verdict or date may have changed.
		if err := w.stories.recompute(ctx, it.StoryID, w.now); err != nil {
			return err
		}
		w.changed = true
	case it.Verdict.Match && it.Fresh:
		if err := w.assignStory(ctx, it, w.choice(pp, j)); err != nil {
			return err
		}
	}
	old.bodyHash, old.hashV, old.storyID = bh, bodyHashVersion, it.StoryID
	known[kh] = old
	return nil
}

// placement is the story an item is saved into.
type placement struct {
	story      int64
	similarity float64
	start      bool // a new story, id reserved, started by the item
	group      int  // the plan's new-story group it belongs to, if any
}

// place returns the story a curated item joins, as c decided: an existing
// story, or the one its group started earlier in this save, or, undecided, the
// story of a stored item with its URL; else (or when the story decided is gone)
// a new story, whose id is reserved here and started once the item is saved.
// it.ID must be set; the item's row may not be written yet.
func (w *writer) place(ctx context.Context, it *aggregate.Item, c story.Choice) (placement, error) {
	w.changed = true
	switch {
	case c.Story != 0:
		ok, err := w.stories.exists(ctx, c.Story)
		if err != nil || ok {
			return placement{story: c.Story, similarity: c.Similarity}, err
		}
		// Deleted since it was chosen (retention): a story of its own.
		c = story.Choice{}
	case c.Group != 0:
		if id := w.groups[c.Group]; id != 0 {
			return placement{story: id, similarity: c.Similarity}, nil
		}
	case it.URL != "":
		var id int64
		err := w.byURL.QueryRowContext(ctx, urlHash(it.URL), it.ID).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return placement{}, err
		}
		if id != 0 {
			return placement{story: id, similarity: 1}, nil
		}
	}
	id, err := w.stories.reserve(ctx)
	return placement{story: id, similarity: 1, start: true, group: c.Group}, err
}

// placed records a saved item's place in its story: it starts the story, or
// joins it. Starting may find the story of another source's item with the same
// URI id instead, which the item then joins.
func (w *writer) placed(ctx context.Context, it *aggregate.Item, p placement) error {
	if !p.start {
		return w.stories.join(ctx, p.story, it)
	}
	id, err := w.stories.start(ctx, p.story, it)
	if err != nil {
		return err
	}
	if id != p.story {
		if _, err := w.setItem.ExecContext(ctx, id, 1.0, it.ID); err != nil {
			return err
		}
		it.StoryID = id
	}
	if p.group != 0 {
		w.groups[p.group] = id
	}
	return nil
}

// assignStory puts a stored, curated item into the story c decided.
func (w *writer) assignStory(ctx context.Context, it *aggregate.Item, c story.Choice) error {
	p, err := w.place(ctx, it, c)
	if err != nil {
		return err
	}
	it.StoryID = p.story
	if _, err := w.setItem.ExecContext(ctx, p.story, p.similarity, it.ID); err != nil {
		return err
	}
	return w.placed(ctx, it, p)
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

// pull keeps the stored near report of pl as a mate in the story its Choice names: one
// this save started for the group, or a stored one that still exists; never a new one.
// A report that meanwhile was kept, joined a story, went stale or was labelled stays as
// it is.
func (w *writer) pull(ctx context.Context, pl *aggregate.Pull) error {
	var id int64
	switch c := pl.Choice; {
	case c.Story != 0:
		ok, err := w.stories.exists(ctx, c.Story)
		if err != nil || !ok {
			return err
		}
		id = c.Story
	case c.Group != 0:
		if id = w.groups[c.Group]; id == 0 {
			return nil
		}
	default:
		return nil
	}
	items, err := labelItems(ctx, w.tx, []int64{pl.ItemID})
	if err != nil || len(items) == 0 {
		return err
	}
	it := &items[0].item
	if it.Verdict.Match || it.StoryID != 0 || !it.Fresh {
		return nil
	}
	it.Verdict = aggregate.KeptAsMate(it.Verdict)
	res, err := w.tx.ExecContext(ctx, `UPDATE items SET match = 1, reasons = ?, story_id = ?, similarity = ?
		WHERE id = ? AND match = 0 AND story_id = 0 AND NOT EXISTS (SELECT 1 FROM labels WHERE item_id = ?)`,
		string(stringsJSON(nil, it.Verdict.Reasons)), id, pl.Choice.Similarity, it.ID, it.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	it.StoryID = id
	w.changed = true
	pl.StoryID = id
	return w.stories.join(ctx, id, it)
}
