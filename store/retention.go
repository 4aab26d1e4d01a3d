package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Retention says how long stored rows are kept. Items are aged by when gleaner
// first saw them, not by their published date, which feeds get wrong.
type Retention struct {
	KeepUnmatched time.Duration // items the topic filter did not keep
	KeepMatched   time.Duration // items it kept
	// KeepTombstones is how long the identity of a deleted item is remembered
	// after its deletion; 0 means twice the longer of the two above. A feed that
	// still lists an item when its tombstone goes brings it back as new.
	KeepTombstones time.Duration
	// Batch is how many items one transaction deletes (0: 500), so that the
	// writer is never held long and polls keep being saved in between.
	Batch int
}

func (r Retention) withDefaults() Retention {
	if r.KeepTombstones <= 0 {
		r.KeepTombstones = 2 * max(r.KeepUnmatched, r.KeepMatched)
	}
	if r.Batch <= 0 {
		r.Batch = 500
	}
	return r
}

// RetentionStats counts what one Retain did.
type RetentionStats struct {
	Deleted          int   // items deleted
	DeletedMatched   int   // of which the filter had kept
	Stories          int   // stories recomputed because members went (deleted when none is left)
	TombstonesPruned int   // identities forgotten
	FreedPages       int64 // pages returned to the file system by the incremental vacuum
	Checkpointed     bool  // the WAL was checkpointed and truncated (false when readers held it)
}

// ErrRetention is wrapped by Retain's errors when a Retention is unusable.
var ErrRetention = errors.New("store: bad retention")

// Retain deletes items first seen before now minus their keep time, remembers
// their identities as tombstones (so that Save does not store them again),
// recomputes or deletes the stories they belonged to, forgets old tombstones,
// then returns free pages to the file system (PRAGMA incremental_vacuum) and
// checkpoints the WAL, so that the database file stops growing once the oldest
// items go as fast as new ones come. Work is done in batches, each in its own
// transaction on the writer connection: a crash between batches loses nothing
// but the remaining work, which the next run does.
func (s *Store) Retain(ctx context.Context, now time.Time, r Retention) (RetentionStats, error) {
	var st RetentionStats
	if r.KeepUnmatched <= 0 || r.KeepMatched <= 0 {
		return st, fmt.Errorf("%w: keep times must be positive, got %s and %s", ErrRetention, r.KeepUnmatched, r.KeepMatched)
	}
	r = r.withDefaults()
	for {
		n, err := s.retainBatch(ctx, now, r, &st)
		if err != nil {
			return st, err
		}
		if n < r.Batch {
			break
		}
	}
	for {
		res, err := s.w.ExecContext(ctx, `DELETE FROM tombstones WHERE (source_id, key_hash) IN
			(SELECT source_id, key_hash FROM tombstones WHERE deleted_at < ? LIMIT ?)`, unix(now.Add(-r.KeepTombstones)), r.Batch)
		if err != nil {
			return st, fmt.Errorf("store: retain: prune tombstones: %w", err)
		}
		n, _ := res.RowsAffected()
		st.TombstonesPruned += int(n)
		if n < int64(r.Batch) {
			break
		}
	}
	// A merged story's id answers with the story it joined while that story is
	// kept; once retention deleted it too, and as long as a tombstone, the row is
	// forgotten (its id stays taken: migration 016).
	if _, err := s.w.ExecContext(ctx, `DELETE FROM story_merges WHERE merged_at < ? AND into_id NOT IN (SELECT id FROM stories)`,
		unix(now.Add(-r.KeepTombstones))); err != nil {
		return st, fmt.Errorf("store: retain: prune story merges: %w", err)
	}
	freed, err := s.vacuum(ctx)
	st.FreedPages = freed
	if err != nil {
		return st, err
	}
	st.Checkpointed, err = s.Checkpoint(ctx)
	return st, err
}

// retainBatch deletes up to r.Batch expired items in one transaction.
func (s *Store) retainBatch(ctx context.Context, now time.Time, r Retention, st *RetentionStats) (int, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: retain: %w", err)
	}
	defer tx.Rollback()
	// Both halves walk items_first_seen from the oldest.
	rows, err := tx.QueryContext(ctx, `DELETE FROM items WHERE id IN (
			SELECT id FROM items WHERE first_seen < ?1 AND match = 0
			UNION ALL
			SELECT id FROM items WHERE first_seen < ?2 AND match != 0
			LIMIT ?3)
		RETURNING source_id, key_hash, story_id, match`,
		unix(now.Add(-r.KeepUnmatched)), unix(now.Add(-r.KeepMatched)), r.Batch)
	if err != nil {
		return 0, fmt.Errorf("store: retain: delete items: %w", err)
	}
	type gone struct{ source, key, story int64 }
	var deleted []gone
	matched := 0
	for rows.Next() {
		var g gone
		var match int
		if err := rows.Scan(&g.source, &g.key, &g.story, &match); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: retain: delete items: %w", err)
		}
		if match != 0 {
			matched++
		}
		deleted = append(deleted, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: retain: delete items: %w", err)
	}
	if len(deleted) == 0 {
		return 0, nil
	}
	tomb, err := tx.PrepareContext(ctx, `INSERT INTO tombstones(source_id, key_hash, deleted_at) VALUES (?, ?, ?)
		ON CONFLICT(source_id, key_hash) DO UPDATE SET deleted_at = excluded.deleted_at`)
	if err != nil {
		return 0, fmt.Errorf("store: retain: %w", err)
	}
	defer tomb.Close()
	stories := map[int64]bool{}
	for _, g := range deleted {
		if _, err := tomb.ExecContext(ctx, g.source, g.key, unix(now)); err != nil {
			return 0, fmt.Errorf("store: retain: tombstone: %w", err)
		}
		if g.story != 0 {
			stories[g.story] = true
		}
	}
	for id := range stories {
		if err := recomputeStory(ctx, tx, id, now); err != nil {
			return 0, fmt.Errorf("store: retain: %w", err)
		}
	}
	if err := syncSearch(ctx, tx); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: retain: commit: %w", err)
	}
	st.Deleted += len(deleted)
	st.DeletedMatched += matched
	st.Stories += len(stories)
	return len(deleted), nil
}

// vacuum returns the free pages to the file system. A database gleaner created
// has auto_vacuum=INCREMENTAL (see create); on others freelist pages are
// reused, not returned.
func (s *Store) vacuum(ctx context.Context) (int64, error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: vacuum: %w", err)
	}
	defer conn.Close()
	var before, after int64
	if err := conn.QueryRowContext(ctx, "PRAGMA freelist_count").Scan(&before); err != nil {
		return 0, fmt.Errorf("store: vacuum: %w", err)
	}
	if before == 0 {
		return 0, nil
	}
	// The pragma returns a row per step; Query reads them all, so it runs to the end.
	rows, err := conn.QueryContext(ctx, "PRAGMA incremental_vacuum")
	if err != nil {
		return 0, fmt.Errorf("store: vacuum: %w", err)
	}
	for rows.Next() {
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: vacuum: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA freelist_count").Scan(&after); err != nil {
		return 0, fmt.Errorf("store: vacuum: %w", err)
	}
	return before - after, nil
}

// Checkpoint copies the WAL into the database file and truncates it. It reports
// false, without error, when a reader still needs the WAL; the next one catches up.
func (s *Store) Checkpoint(ctx context.Context) (bool, error) {
	var busy, logPages, done int
	if err := s.w.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logPages, &done); err != nil {
		return false, fmt.Errorf("store: checkpoint: %w", err)
	}
	return busy == 0, nil
}

// Size returns the bytes the database takes on disk: the file and its WAL.
func (s *Store) Size() (int64, error) {
	var total int64
	for _, name := range []string{s.path, s.path + "-wal"} {
		fi, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("store: size: %w", err)
		}
		total += fi.Size()
	}
	return total, nil
}

// Counts is how many rows the main tables hold.
type Counts struct {
	Items, Matched, Stories, Tombstones int64
}

// Count counts the stored items, stories and tombstones.
func (s *Store) Count(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM items WHERE match != 0),
		(SELECT count(*) FROM stories), (SELECT count(*) FROM tombstones)`).Scan(&c.Items, &c.Matched, &c.Stories, &c.Tombstones)
	if err != nil {
		return c, fmt.Errorf("store: count: %w", err)
	}
	return c, nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns its findings; "ok"
// alone means the file is sound.
func (s *Store) IntegrityCheck(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, fmt.Errorf("store: integrity check: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, fmt.Errorf("store: integrity check: %w", err)
		}
		out = append(out, line)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: integrity check: %w", err)
	}
	return out, nil
}
