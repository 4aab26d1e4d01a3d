package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/story"
	"golang.org/x/net/idna"
)

// A curator's labels (migration 010) win over the topic filter: SetLabel applies
// one to its items' stored verdicts, and every later verdict is passed through
// it before it is stored (a revision in Save, see writer.applyLabel; Reclassify).

// FindItems returns the ids of the stored items ref names, for a label:
//
//   - an item's link, as its feed gave it or canonical (aggregate.CanonicalURL):
//     every item with that link, from every source, since they are one article;
//     a link names its article even when it is also the entry id of a story that
//     another report now leads (a story keeps the id of the item that started it);
//   - an entry id of the curated feed: the item that leads that entry (an entry
//     no longer published, because its only item was labelled out, names that
//     item again; the entry of a story merged into another names the item it
//     showed), with the other sources' items of the same link;
//   - an item's own id when it is a URI (its GUID), which is its entry id.
//
// An unknown ref is an error that wraps ErrNotFound and names it.
func (s *Store) FindItems(ctx context.Context, ref string) ([]int64, error) {
	ref = strings.TrimSpace(ref)
	ids, err := s.findItems(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("store: find %q: %w", ref, err)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no stored item has the link or entry id %q: %w", ref, ErrNotFound)
	}
	return ids, nil
}

func (s *Store) findItems(ctx context.Context, ref string) ([]int64, error) {
	if ref == "" {
		return nil, nil
	}
	found := map[int64]bool{}
	var ids []int64
	add := func(id int64) {
		if !found[id] {
			found[id] = true
			ids = append(ids, id)
		}
	}
	// An article's link: its items, whatever entry it is also the id of.
	if err := s.itemsWithLink(ctx, add, linkForms(ref)); err != nil || len(ids) > 0 {
		return ids, err
	}
	// An entry of the curated feed: its lead, or the item last labelled under it.
	var lead int64
	var visible bool
	err := s.r.QueryRowContext(ctx, `SELECT lead_item_id, visible FROM stories WHERE entry_id = ?`, ref).Scan(&lead, &visible)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if errors.Is(err, sql.ErrNoRows) {
		// The entry of a story since merged into another (MergeStories): the item it
		// showed.
		err := s.r.QueryRowContext(ctx, `SELECT lead_item_id FROM story_merges WHERE entry_id = ? ORDER BY merged_at DESC LIMIT 1`, ref).Scan(&lead)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		visible = lead != 0
	}
	if !visible {
		var labelled int64
		err := s.r.QueryRowContext(ctx, `SELECT item_id FROM labels WHERE entry_id = ? ORDER BY labelled DESC, item_id DESC LIMIT 1`, ref).Scan(&labelled)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		if labelled != 0 {
			lead = labelled
		}
	}
	if lead != 0 {
		add(lead)
		var link string
		if err := s.r.QueryRowContext(ctx, `SELECT url FROM items WHERE id = ?`, lead).Scan(&link); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		if err := s.itemsWithLink(ctx, add, linkForms(link)); err != nil {
			return nil, err
		}
	}
	// An item whose GUID is ref is keyed by it (items_identity).
	if lead == 0 {
		err := s.collect(ctx, add, `SELECT i.id FROM sources src JOIN items i ON i.source_id = src.id AND i.key_hash = ?
			WHERE i.guid = ? ORDER BY i.id`, hash64(ref), ref)
		if err != nil {
			return nil, err
		}
	}
	if len(ids) > 0 {
		return ids, nil
	}
	// The ids gleaner labels and gleaner labels export give a labelled item: its
	// own entry id (see ownEntryID), or ItemRef when it has none.
	if n, ok := strings.CutPrefix(ref, itemRefPrefix); ok {
		id, err := strconv.ParseInt(n, 10, 64)
		if err != nil || id <= 0 {
			return nil, nil
		}
		err = s.collect(ctx, add, `SELECT id FROM items WHERE id = ?`, id)
		return ids, err
	}
	labels, err := s.Labels(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range labels {
		if l.OwnID == ref {
			add(l.ItemID)
		}
	}
	return ids, nil
}

// itemRefPrefix begins ItemRef's ids.
const itemRefPrefix = "gleaner-item-"

// ItemRef is an id gleaner label takes for stored item id, for an item that
// has no link to be named by.
func ItemRef(id int64) string { return itemRefPrefix + strconv.FormatInt(id, 10) }

// Ref is an id gleaner label takes for the labelled item alone: its link, else
// ItemRef (its own entry id may also be that of a story another item now
// leads, which names the lead).
func (l StoredLabel) Ref() string {
	if l.URL != "" {
		return l.URL
	}
	return ItemRef(l.ItemID)
}

// itemsWithLink passes to add the items whose link is one of links. Only
// curated items are indexed by link (items_url), so this reads the items table
// (about a second for a million items): a correction is rare, and reading
// beside a running daemon takes no lock.
func (s *Store) itemsWithLink(ctx context.Context, add func(int64), links []string) error {
	if len(links) == 0 {
		return nil
	}
	hashes, forms := make([]any, 0, len(links)), make([]any, 0, len(links))
	for _, link := range links {
		hashes, forms = append(hashes, urlHash(link)), append(forms, link)
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(links)), ",")
	return s.collect(ctx, add, `SELECT id FROM items WHERE url_hash IN (`+marks+`) AND url IN (`+marks+`) ORDER BY id`,
		append(hashes, forms...)...)
}

// collect passes the ids a query returns to add.
func (s *Store) collect(ctx context.Context, add func(int64), query string, args ...any) error {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		add(id)
	}
	return rows.Err()
}

// linkForms are the stored forms an article link ref may take, when ref is an
// http(s) URL: ref itself and its canonical form, and those of its other
// spellings that name the same page: an internationalised host in Unicode or
// punycode (a browser shows the one, a feed may give the other), a path with
// or without escapes of characters that need none ("/%34" for "/4", "/뉴스"
// for "/%EB%89%B4%EC%8A%A4"), an empty query ("?").
func linkForms(ref string) []string {
	u, err := url.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	forms := []string{ref}
	add := func(s string) {
		if !slices.Contains(forms, s) {
			forms = append(forms, s)
		}
	}
	hosts := []string{u.Host}
	for _, convert := range []func(string) (string, error){idna.Lookup.ToASCII, idna.Lookup.ToUnicode} {
		if h := convertHost(u, convert); h != u.Host {
			hosts = append(hosts, h)
		}
	}
	rawPaths := []string{u.RawPath}
	if !reservedEscapes(u.RawPath) {
		rawPaths = append(rawPaths, "") // the decoded path, escaped where it must be
	}
	for _, host := range hosts {
		for _, rawPath := range rawPaths {
			v := *u
			v.Host, v.RawPath, v.ForceQuery = host, rawPath, false
			add(v.String())
			add(aggregate.CanonicalURL(v.String()))
		}
	}
	add(aggregate.CanonicalURL(ref))
	return forms
}

// convertHost is u's host with its name converted (to punycode or Unicode),
// its port kept; u.Host itself when the name does not convert.
func convertHost(u *url.URL, convert func(string) (string, error)) string {
	name, port := u.Hostname(), u.Port()
	h, err := convert(name)
	if name == "" || err != nil || h == name {
		return u.Host // also an IP address, which keeps its brackets
	}
	if port != "" {
		h = net.JoinHostPort(h, port)
	}
	return h
}

// reservedEscapes reports whether a raw path escapes a character that means
// something there ("/", "?", "#"): "/a%2Fb" is not "/a/b".
func reservedEscapes(rawPath string) bool {
	l := strings.ToLower(rawPath)
	return strings.Contains(l, "%2f") || strings.Contains(l, "%3f") || strings.Contains(l, "%23")
}

// linkKey is one spelling of every link that names the page link names (see
// linkForms): canonical, its host in punycode, its path without needless
// escapes, no empty query. "" when link is no http(s) URL.
func linkKey(link string) string {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	u.Host = convertHost(u, idna.Lookup.ToASCII)
	if !reservedEscapes(u.RawPath) {
		u.RawPath = ""
	}
	u.ForceQuery = false
	return aggregate.CanonicalURL(u.String())
}

// Labelled is an item SetLabel labelled, as it was and is now.
type Labelled struct {
	ItemID     int64
	Title, URL string
	Was, Now   bool // in the curated feed before and after
}

// SetLabel labels the items ids in or out of the curated feed, at at, whatever
// the topic filter says, and brings their stories up to date: an item taken in
// joins a story as a curated item does (the story of its link, else the one g
// finds, else a new one; g may be nil); one taken out leaves its story, whose
// lead and times are recomputed (or which is deleted with no member left).
// Items deleted meanwhile are skipped; when none is left it returns ErrNotFound.
func (s *Store) SetLabel(ctx context.Context, ids []int64, l aggregate.Label, at time.Time, g aggregate.Grouper) ([]Labelled, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("store: label: %w", ErrNotFound)
	}
	// Stories of the items taken in are decided before the write transaction,
	// as Save and Reclassify decide them.
	before, err := labelItems(ctx, s.r, ids)
	if err != nil {
		return nil, fmt.Errorf("store: label: %w", err)
	}
	p := &plan{}
	choice := map[int64]int{} // item id -> 1 + index in p.needs
	for i := range before {
		it := &before[i].item
		if l.Keep && it.StoryID == 0 {
			p.needs = append(p.needs, aggregate.StoryNeed{Item: it})
			choice[it.ID] = len(p.needs)
		}
	}
	if g != nil && len(p.needs) > 0 {
		if err := urlStories(ctx, s.r, p.needs); err != nil {
			return nil, fmt.Errorf("store: label: %w", err)
		}
	}
	_, done := decide(g, p.needs, false)
	out, placed, err := s.setLabel(ctx, ids, l, at, p, choice)
	for i := range p.needs {
		p.needs[i].Item.StoryID = placed[p.needs[i].Item.ID]
	}
	done(err == nil)
	if err != nil {
		return nil, fmt.Errorf("store: label: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("store: label: the items were deleted meanwhile: %w", ErrNotFound)
	}
	return out, nil
}

// setLabel is SetLabel's write transaction. It returns the items labelled and
// the stories the items taken in were placed in, by item id.
func (s *Store) setLabel(ctx context.Context, ids []int64, l aggregate.Label, at time.Time, p *plan, choice map[int64]int) ([]Labelled, map[int64]int64, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	// Read again in the transaction: a save may have revised them since.
	items, err := labelItems(ctx, tx, ids)
	if err != nil {
		return nil, nil, err
	}
	w, err := newWriter(ctx, tx, p)
	if err != nil {
		return nil, nil, err
	}
	defer w.close()
	var out []Labelled
	placed := map[int64]int64{}
	byLink := map[string]int64{} // story of the link of an item taken in here
	for i := range items {
		li := &items[i]
		it := &li.item
		res := Labelled{ItemID: it.ID, Title: it.Title, URL: it.URL, Was: it.Verdict.Match && it.Fresh, Now: l.Keep}
		oldStory := it.StoryID
		it.Verdict = l.Apply(it.Verdict)
		if l.Keep {
			it.Fresh = true // taken in even if it was too old when first seen
		} else {
			it.StoryID = 0 // it leaves its story, and no longer shows as "also reported by"
		}
		_, err := tx.ExecContext(ctx, `UPDATE items SET match = ?, reasons = ?, fresh = ?, story_id = ?,
			similarity = CASE WHEN story_id = ? THEN similarity ELSE 0 END WHERE id = ?`,
			b2i(it.Verdict.Match), string(stringsJSON(nil, it.Verdict.Reasons)), b2i(it.Fresh), it.StoryID, it.StoryID, it.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("item %d: %w", it.ID, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO labels(item_id, keep, note, labelled, entry_id) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(item_id) DO UPDATE SET keep = excluded.keep, note = excluded.note, labelled = excluded.labelled,
				entry_id = CASE WHEN excluded.entry_id = '' THEN entry_id ELSE excluded.entry_id END`,
			it.ID, b2i(l.Keep), strings.TrimSpace(l.Note), at.Unix(), li.entryID)
		if err != nil {
			return nil, nil, fmt.Errorf("label item %d: %w", it.ID, err)
		}
		switch {
		case oldStory != 0:
			err = w.stories.recompute(ctx, oldStory, at)
		case l.Keep:
			var c story.Choice
			if k := choice[it.ID]; k > 0 {
				c = p.needs[k-1].Choice
			}
			if id := byLink[it.URL]; id != 0 && it.URL != "" {
				c = story.Choice{Story: id, Similarity: 1} // one article from several sources
			}
			if err = w.assignStory(ctx, it, c); err == nil {
				placed[it.ID], byLink[it.URL] = it.StoryID, it.StoryID
				// Recomputed in full: the story changed now, whenever the item was first seen.
				err = w.stories.recompute(ctx, it.StoryID, at)
			}
		}
		if err != nil {
			return nil, nil, fmt.Errorf("story of item %d: %w", it.ID, err)
		}
		out = append(out, res)
	}
	if err := w.stories.finish(ctx); err != nil {
		return nil, nil, err
	}
	if err := syncSearch(ctx, tx); err != nil {
		return nil, nil, err
	}
	return out, placed, tx.Commit()
}

// labelItem is an item as SetLabel reads it.
type labelItem struct {
	item    aggregate.Item
	entryID string // the id the curated feed publishes it under: its story's, else its own
}

// labelItemsQuery reads items by id with what a label needs: the item, its key
// hash and source URL (its own entry id) and its story's entry id.
const labelItemsQuery = `SELECT ` + itemColumns + `, i.key_hash, i.item_key, src.url, coalesce(st.entry_id, '')
	FROM items i JOIN sources src ON src.id = i.source_id LEFT JOIN stories st ON st.id = i.story_id
	WHERE i.id IN (%s) ORDER BY i.id`

func labelItems(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, ids []int64) ([]labelItem, error) {
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = strconv.FormatInt(id, 10)
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf(labelItemsQuery, strings.Join(list, ",")))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []labelItem
	for rows.Next() {
		var li labelItem
		var tmp itemScan
		var keyHash int64
		var itemKey, srcURL string
		if err := rows.Scan(append(scanItem(nil, &li.item, &tmp), &keyHash, &itemKey, &srcURL, &li.entryID)...); err != nil {
			return nil, err
		}
		if err := tmp.finish(&li.item); err != nil {
			return nil, err
		}
		if li.entryID == "" {
			li.entryID = ownEntryID(srcURL, li.item, keyHash, itemKey)
		}
		out = append(out, li)
	}
	return out, rows.Err()
}

// ownEntryID is aggregate.EntryID of a stored item: the id the curated feed
// gives it when it starts a story. Its key is stored as a hash, and in full
// (itemKey) only when it is neither the GUID nor the link (see ownKey); "" when
// the key cannot be told (a row stored before migration 017 whose key was made
// from its title and date).
func ownEntryID(srcURL string, it aggregate.Item, keyHash int64, itemKey string) string {
	if it.Key = storedKey(it, keyHash, itemKey); it.Key == "" {
		return ""
	}
	return aggregate.EntryID(srcURL, it)
}

// storedKey is the key of a stored item: its item_key when it has one, else
// its GUID or its link, whichever hashes to its key_hash; "" when none does.
func storedKey(it aggregate.Item, keyHash int64, itemKey string) string {
	if itemKey != "" {
		return itemKey
	}
	for _, k := range []string{it.GUID, it.URL} {
		if k != "" && hash64(k) == keyHash {
			return k
		}
	}
	return ""
}

// ownKey is what items.item_key keeps of it: its key when that is neither its
// GUID nor its link (which the row has), else "".
func ownKey(it *aggregate.Item) string {
	if it.Key == it.GUID || it.Key == it.URL {
		return ""
	}
	return it.Key
}

// applyLabel makes the curator's label of stored item id, if it has one, win
// over the verdict of its revision it.
func (w *writer) applyLabel(ctx context.Context, id int64, it *aggregate.Item) error {
	if w.label == nil {
		st, err := w.tx.PrepareContext(ctx, `SELECT keep, note FROM labels WHERE item_id = ?`)
		if err != nil {
			return err
		}
		w.label = st
		w.stmts = append(w.stmts, st)
	}
	var l aggregate.Label
	err := w.label.QueryRowContext(ctx, id).Scan(&l.Keep, &l.Note)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("label of item %d: %w", id, err)
	}
	it.Verdict = l.Apply(it.Verdict)
	return nil
}

// linkLabel is a curator's label as a later copy of its link takes it.
type linkLabel struct {
	aggregate.Label
	at      int64
	entryID string
}

// linkLabelsQuery reads every label with its item's link. CROSS JOIN keeps
// labels the outer loop: with a plain JOIN the planner scanned the items and
// looked each one's label up, a scan of the items per save.
const linkLabelsQuery = `SELECT i.url, l.keep, l.note, l.labelled, l.entry_id
	FROM labels l CROSS JOIN items i ON i.id = l.item_id WHERE i.url != '' ORDER BY l.labelled, l.item_id`

// linkLabel gives new item it the curator's label of another source's copy of
// its link, if one has a label, and returns that label (nil for none): every
// copy of a link is one article (see FindItems), so a copy first polled after
// the label was set is labelled as the copies before it were.
func (w *writer) linkLabel(ctx context.Context, it *aggregate.Item) (*linkLabel, error) {
	if it.URL == "" {
		return nil, nil
	}
	if w.linkLabels == nil {
		// Labels are few: all of them, read once per save.
		rows, err := w.tx.QueryContext(ctx, linkLabelsQuery)
		if err != nil {
			return nil, fmt.Errorf("labels of links: %w", err)
		}
		defer rows.Close()
		w.linkLabels = map[string]linkLabel{}
		for rows.Next() {
			var link string
			var l linkLabel
			if err := rows.Scan(&link, &l.Keep, &l.Note, &l.at, &l.entryID); err != nil {
				return nil, fmt.Errorf("labels of links: %w", err)
			}
			if key := linkKey(link); key != "" {
				w.linkLabels[key] = l // the newest label of a link wins
			}
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("labels of links: %w", err)
		}
	}
	if len(w.linkLabels) == 0 {
		return nil, nil // as in most saves: no spelling to work out
	}
	l, ok := w.linkLabels[linkKey(it.URL)]
	if !ok {
		return nil, nil
	}
	it.Verdict = l.Apply(it.Verdict)
	if l.Keep {
		it.Fresh = true // as SetLabel takes an item in
	}
	return &l, nil
}

// copyLabel records label l, which linkLabel gave it, on stored item id.
func (w *writer) copyLabel(ctx context.Context, id int64, l *linkLabel) error {
	_, err := w.tx.ExecContext(ctx, `INSERT INTO labels(item_id, keep, note, labelled, entry_id) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(item_id) DO NOTHING`, id, b2i(l.Keep), l.Note, l.at, l.entryID)
	if err != nil {
		return fmt.Errorf("label of item %d: %w", id, err)
	}
	return nil
}

// labelStateSQL is an item's label as one value, "" for none, as labelState
// writes it: Reclassify updates an item only when its label is still what it
// read, so that a label set meanwhile is not overwritten.
const labelStateSQL = `coalesce((SELECT keep || ':' || note FROM labels WHERE item_id = items.id), '')`

func labelState(l *aggregate.Label) string {
	if l == nil {
		return ""
	}
	return strconv.Itoa(b2i(l.Keep)) + ":" + l.Note
}

// StoredLabel is a label with the item it is on, as `gleaner labels` lists it.
type StoredLabel struct {
	aggregate.Label
	ItemID  int64
	At      time.Time
	EntryID string // the id the curated feed published the item under when it was labelled
	OwnID   string // the item's own entry id (see ownEntryID), "" when it cannot be told
	Source  string // the source's name
	URL     string
	Title   string
	Summary string
	Lang    string
}

// Labels lists every label, oldest first.
func (s *Store) Labels(ctx context.Context) ([]StoredLabel, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT l.item_id, l.keep, l.note, l.labelled, l.entry_id,
		i.guid, i.url, i.key_hash, i.item_key, i.title, i.summary, i.lang, src.name, src.url
		FROM labels l JOIN items i ON i.id = l.item_id JOIN sources src ON src.id = i.source_id
		ORDER BY l.labelled, l.item_id`)
	if err != nil {
		return nil, fmt.Errorf("store: labels: %w", err)
	}
	defer rows.Close()
	var out []StoredLabel
	for rows.Next() {
		var sl StoredLabel
		var at, keyHash int64
		var guid, itemKey, srcURL string
		if err := rows.Scan(&sl.ItemID, &sl.Keep, &sl.Note, &at, &sl.EntryID, &guid, &sl.URL, &keyHash, &itemKey, &sl.Title, &sl.Summary,
			&sl.Lang, &sl.Source, &srcURL); err != nil {
			return nil, fmt.Errorf("store: labels: %w", err)
		}
		sl.At = fromUnix(at)
		sl.OwnID = ownEntryID(srcURL, aggregate.Item{GUID: guid, URL: sl.URL}, keyHash, itemKey)
		out = append(out, sl)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: labels: %w", err)
	}
	return out, nil
}
