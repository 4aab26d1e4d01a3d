package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/gleaner/gleaner/aggregate"
)

// SyncSources makes the stored source list match the config: sources are keyed by
// URL, new ones are added, names and ranks updated, and sources no longer
// configured are marked inactive (their items and fetch state stay). A source
// that answered 410 Gone is polled again once it is configured after a config
// without it: taking it out and putting it back is how a user says it is back.
// It returns the sources with their ids, in the order given, and each one's
// fetch state.
func (s *Store) SyncSources(ctx context.Context, src []aggregate.Source) ([]aggregate.Source, []aggregate.FetchState, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("store: sync sources: %w", err)
	}
	defer tx.Rollback()
	// Within the transaction, active = 2 marks the sources active before it, so
	// that the upsert can tell a source put back from one that stayed.
	if _, err := tx.ExecContext(ctx, "UPDATE sources SET active = CASE active WHEN 0 THEN 0 ELSE 2 END"); err != nil {
		return nil, nil, fmt.Errorf("store: sync sources: %w", err)
	}
	out := make([]aggregate.Source, len(src))
	states := make([]aggregate.FetchState, len(src))
	// Prepared once: a config lists up to thousands of sources.
	upsert, err := tx.PrepareContext(ctx, `INSERT INTO sources(url, name, rank, active) VALUES (?, ?, ?, 1)
			ON CONFLICT(url) DO UPDATE SET name = excluded.name, rank = excluded.rank, active = 1,
				next_fetch = CASE WHEN sources.active = 0 AND sources.gone != 0 THEN 0 ELSE sources.next_fetch END,
				consecutive_errors = CASE WHEN sources.active = 0 AND sources.gone != 0 THEN 0 ELSE sources.consecutive_errors END,
				error_kind = CASE WHEN sources.active = 0 AND sources.gone != 0 THEN '' ELSE sources.error_kind END,
				gone = CASE WHEN sources.active = 0 THEN 0 ELSE sources.gone END
			RETURNING `+stateColumns)
	if err != nil {
		return nil, nil, fmt.Errorf("store: sync sources: %w", err)
	}
	defer upsert.Close()
	for i, so := range src {
		row := upsert.QueryRowContext(ctx, so.URL, so.Name, so.Rank)
		st, err := scanState(row)
		if err != nil {
			return nil, nil, fmt.Errorf("store: sync source %s: %w", so.URL, err)
		}
		so.ID = st.SourceID
		out[i], states[i] = so, st
	}
	if _, err := tx.ExecContext(ctx, "UPDATE sources SET active = 0 WHERE active = 2"); err != nil {
		return nil, nil, fmt.Errorf("store: sync sources: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("store: sync sources: %w", err)
	}
	return out, states, nil
}

const stateColumns = `id, current_url, etag, last_modified, last_attempt, last_success, next_fetch, status,
	consecutive_errors, last_error, error_kind, gone, items_seen, items_kept, feed_title, feed_link, feed_id, hold_until`

type scanner interface{ Scan(dest ...any) error }

// scanState reads stateColumns from r, after the destinations lead of the
// columns selected before them.
func scanState(r scanner, lead ...any) (aggregate.FetchState, error) {
	var st aggregate.FetchState
	var attempt, success, next, hold int64
	var gone int
	err := r.Scan(append(lead, &st.SourceID, &st.CurrentURL, &st.ETag, &st.LastModified, &attempt, &success, &next, &st.Status,
		&st.ConsecutiveErrors, &st.LastError, &st.ErrorKind, &gone, &st.ItemsSeen, &st.ItemsKept, &st.FeedTitle, &st.FeedLink, &st.FeedID, &hold)...)
	st.LastAttempt, st.LastSuccess, st.NextFetch, st.Gone = fromUnix(attempt), fromUnix(success), fromUnix(next), gone != 0
	st.HoldUntil = fromUnix(hold)
	return st, err
}

// SourceStatus lists every stored source with its fetch state, configured ones
// first in config order, then removed ones that still have items or
// tombstones. A removed source of which nothing is stored (a typo'd URL that
// never answered, one whose items retention deleted long ago) is not listed,
// or gleaner sources, /status and the metrics would list every source ever
// removed; its row stays, so that put back it takes up its fetch state again.
func (s *Store) SourceStatus(ctx context.Context) ([]aggregate.SourceStatus, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT url, name, rank, active, `+stateColumns+` FROM sources
		WHERE active != 0
			OR EXISTS (SELECT 1 FROM items WHERE items.source_id = sources.id)
			OR EXISTS (SELECT 1 FROM tombstones WHERE tombstones.source_id = sources.id)
		ORDER BY active DESC, rank, id`)
	if err != nil {
		return nil, fmt.Errorf("store: source status: %w", err)
	}
	defer rows.Close()
	var out []aggregate.SourceStatus
	for rows.Next() {
		var ss aggregate.SourceStatus
		var active int
		st, err := scanState(rows, &ss.Source.URL, &ss.Source.Name, &ss.Source.Rank, &active)
		if err != nil {
			return nil, fmt.Errorf("store: source status: %w", err)
		}
		ss.Source.ID = st.SourceID
		ss.State = st
		ss.Active = active != 0
		out = append(out, ss)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: source status: %w", err)
	}
	return out, nil
}

// saveState writes a source's fetch state inside tx. Counters are added, not set,
// so that concurrent rounds cannot lose counts.
// saveStateQuery is prepared once per Save (writer.state): a round saves the
// state of every source it polled.
const saveStateQuery = `UPDATE sources SET current_url = ?, etag = ?, last_modified = ?, last_attempt = ?,
		last_success = ?, next_fetch = ?, status = ?, consecutive_errors = ?, last_error = ?, error_kind = ?, gone = ?, hold_until = ?,
		items_seen = items_seen + ?, items_kept = items_kept + ?,
		feed_title = CASE WHEN ? != '' THEN ? ELSE feed_title END,
		feed_link = CASE WHEN ? != '' THEN ? ELSE feed_link END,
		feed_id = CASE WHEN ? != '' THEN ? ELSE feed_id END
		WHERE id = ?`

func saveState(ctx context.Context, stmt *sql.Stmt, st aggregate.FetchState, seen, kept int) error {
	gone := 0
	if st.Gone {
		gone = 1
	}
	res, err := stmt.ExecContext(ctx,
		st.CurrentURL, st.ETag, st.LastModified, unix(st.LastAttempt), unix(st.LastSuccess), unix(st.NextFetch),
		st.Status, st.ConsecutiveErrors, st.LastError, st.ErrorKind, gone, unix(st.HoldUntil), seen, kept,
		st.FeedTitle, st.FeedTitle, st.FeedLink, st.FeedLink, st.FeedID, st.FeedID, st.SourceID)
	if err != nil {
		return fmt.Errorf("save state of source %d: %w", st.SourceID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("save state of source %d: %w", st.SourceID, ErrNotFound)
	}
	return nil
}

// RespellSources gives a stored source the spelling its URL has in urls when
// key says the two are one address (config.URLKey: the letter case of the
// scheme and host, a default port, a fragment, a trailing slash, spaces around
// it), so that SyncSources, which matches URLs exactly, finds it: a source whose
// URL a user re-spelt keeps its items, stories and fetch state, where it became
// a new source that stored every item again, each one a second report of its
// own story. A URL stored exactly as written is left alone; of several stored
// spellings of one address, the configured one (active) wins, then the oldest.
// It returns the old and new spellings of the sources it changed.
func (s *Store) RespellSources(ctx context.Context, urls []string, key func(string) string) ([][2]string, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: respell sources: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT id, url FROM sources ORDER BY active = 0, id")
	if err != nil {
		return nil, fmt.Errorf("store: respell sources: %w", err)
	}
	type stored struct {
		id  int64
		url string
	}
	exact := map[string]bool{}
	byKey := map[string]stored{}
	for rows.Next() {
		var st stored
		if err := rows.Scan(&st.id, &st.url); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: respell sources: %w", err)
		}
		exact[st.url] = true
		if k := key(st.url); byKey[k].id == 0 {
			byKey[k] = st
		}
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("store: respell sources: %w", err)
	}
	var changed [][2]string
	for _, u := range urls {
		if exact[u] {
			continue
		}
		k := key(u)
		old, ok := byKey[k]
		if !ok {
			continue
		}
		// Another address to the server: its validators and redirect are the
		// old one's, and a source failing there (or gone) is due at once: a
		// fixed typo waited out the old address's backoff after a restart.
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET url = ?, etag = '', last_modified = '', current_url = '',
			next_fetch = CASE WHEN consecutive_errors > 0 OR gone != 0 THEN 0 ELSE next_fetch END,
			gone = 0 WHERE id = ?`, u, old.id); err != nil {
			return nil, fmt.Errorf("store: respell source %d: %w", old.id, err)
		}
		delete(byKey, k) // one stored source per configured spelling
		exact[u] = true
		changed = append(changed, [2]string{old.url, u})
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: respell sources: %w", err)
	}
	return changed, nil
}
