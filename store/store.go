// Package store keeps gleaner's state in SQLite (modernc.org/sqlite, no cgo):
// sources with their fetch state, every fetched item with its verdict, stories and
// tombstones. It owns the schema (embedded numbered migrations) and every SQL
// statement, and satisfies the small interfaces that aggregate and publish declare.
//
// Writes go through one connection (SQLite allows one writer; a pool of writers
// only trades "database is locked" errors for retries); reads use a small pool.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrNewerSchema is returned by Open for a database that a newer gleaner has
// migrated past what this binary knows: writing to it could corrupt what the
// newer one relies on, so nothing is written.
var ErrNewerSchema = errors.New("store: database schema is newer than this binary")

// Store is an open gleaner database.
type Store struct {
	path string
	w    *sql.DB // the one writer connection
	r    *sql.DB // readers
	// opened is the file at path when it was opened: Ping tells a file
	// deleted or replaced since (connections opened before write to the
	// unlinked one; those opened after would read the new one).
	opened os.FileInfo
}

// Open opens (creating if missing) the database file at path and applies pending
// migrations. A file or directory this process's user may not use is said so
// (ExplainAccess).
func Open(ctx context.Context, file string) (*Store, error) {
	if file == "" || file == ":memory:" {
		// Each pooled connection would get its own empty in-memory database.
		return nil, fmt.Errorf("store: open: a database file is required, got %q", file)
	}
	s, err := open(ctx, file)
	if err != nil {
		return nil, ExplainAccess(file, true, err)
	}
	return s, nil
}

func open(ctx context.Context, file string) (*Store, error) {
	if err := create(ctx, file); err != nil {
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(file, false))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", file, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	// Checked through a read-only connection: the writer's first connection
	// already writes the file's header.
	if err := checkSchema(ctx, r, file); err != nil {
		r.Close()
		return nil, err
	}
	w, err := sql.Open("sqlite", dsn(file, true))
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("store: open %s: %w", file, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{path: file, w: w, r: r}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.opened, _ = os.Stat(file)
	return s, nil
}

// pageSize is the page size of new database files. An item is one to a few
// kilobytes of text: with SQLite's default 4 KiB pages a fifth of the file was
// the unused ends of pages and rows spilled into overflow pages; 16 KiB pages
// hold several items each (a sixth smaller file for the same items, and fewer
// pages written per save).
const pageSize = 16384

// create makes a new database file with the page size and auto-vacuum mode,
// which a file takes only before its first table and before WAL (the
// connection string's pragmas run in name order, journal_mode before
// page_size). An existing file is left as it is, but for an empty one (made
// by touch, or by a crash before the first write), which SQLite reads as a new
// database: left as it was, it got 4 KiB pages and no auto-vacuum, so that
// retention could never shrink it.
func create(ctx context.Context, file string) error {
	if fi, err := os.Stat(file); err == nil && fi.Size() > 0 || err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: file}).EscapedPath())
	if err != nil {
		return fmt.Errorf("store: create %s: %w", file, err)
	}
	defer db.Close()
	for _, p := range []string{"PRAGMA page_size = " + strconv.Itoa(pageSize), "PRAGMA auto_vacuum = INCREMENTAL", "PRAGMA journal_mode = WAL"} {
		if _, err := db.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("store: create %s: %s: %w", file, p, err)
		}
	}
	return db.Close()
}

func dsn(file string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "temp_store(MEMORY)")
	if writer {
		// No auto_vacuum here: create gives a new file its mode, the only time a
		// file takes it, and setting it on an open file rewrites the header, which
		// a daemon beside this process reads as a change (PRAGMA data_version).
		q.Add("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + (&url.URL{Path: file}).EscapedPath() + "?" + q.Encode()
}

// Close closes the database. Pending writes have finished when it returns.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return s.stillThere()
}

// stillThere returns an error when the database file at the store's path is
// no longer the one it opened: deleted (what gleaner stores goes to a file no
// name reaches, lost at the next start), or replaced (a backup restored with
// mv: gleaner goes on writing to the old one). The daemon then turns not
// ready, and its watchdog, so that systemd restarts it on the file at path.
func (s *Store) stillThere() error {
	if s.opened == nil {
		return nil
	}
	fi, err := os.Stat(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("store: %s was deleted while gleaner had it open: what it stores now is lost at the next start; restart gleaner", s.path)
	case err != nil:
		return fmt.Errorf("store: %w", err)
	case !os.SameFile(s.opened, fi):
		return fmt.Errorf("store: %s was replaced while gleaner had it open (a backup restored?): gleaner still writes to the old file; restart gleaner to use the new one", s.path)
	}
	return nil
}

// checkSchema refuses a database with a migration this binary does not know.
func checkSchema(ctx context.Context, r *sql.DB, file string) error {
	list, err := migrationList()
	if err != nil {
		return err
	}
	known := list[len(list)-1].version
	var tables, ours int
	err = r.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE sql LIKE '%applied_at%')
		FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&tables, &ours)
	if err != nil {
		return fmt.Errorf("store: %s: read the schema version: %w", file, err)
	}
	if tables == 0 {
		return nil
	}
	if ours == 0 {
		// Another tool's (golang-migrate's, Rails'): its versions are not gleaner's.
		return fmt.Errorf("store: %s: not a gleaner database: its schema_migrations table is another tool's; set database to another file", file)
	}
	var applied int
	if err := r.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&applied); err != nil {
		return fmt.Errorf("store: %s: read the schema version: %w", file, err)
	}
	if applied > known {
		return fmt.Errorf("%w: %s: this database was written by a newer gleaner (schema %d, this binary knows %d); "+
			"nothing was written to it: run that gleaner, or restore a copy made before it", ErrNewerSchema, file, applied, known)
	}
	return nil
}

// IsDamage reports whether err, from any Store method, is the database file's
// damage (SQLite's SQLITE_CORRUPT, "database disk image is malformed", or
// SQLITE_NOTADB, "file is not a database"), as against an error that only kept
// the statement from running ("database is locked", an I/O hiccup, a cancelled
// context), which may succeed when tried again.
func IsDamage(err error) bool {
	code := sqliteCode(err)
	return code == sqlite3.SQLITE_CORRUPT || code == sqlite3.SQLITE_NOTADB
}

// sqliteCode is the primary result code (without an extended code's high bits)
// of the SQLite error in err's chain, 0 when there is none.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return 0
	}
	return se.Code() & 0xff
}

// QuickCheck runs SQLite's quick_check over the whole file (a read of every
// page, without the index cross-checks of integrity_check) and returns the
// problems it reports, at most ten; none when the file is sound.
func (s *Store) QuickCheck(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "PRAGMA quick_check(10)")
	if err != nil {
		return nil, fmt.Errorf("store: quick_check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, fmt.Errorf("store: quick_check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: quick_check: %w", err)
	}
	return problems, nil
}

// migrate applies each embedded migration not yet applied, each in its own
// transaction, in numeric order.
func (s *Store) migrate(ctx context.Context) error {
	list, err := migrationList()
	if err != nil {
		return err
	}
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	// The versions applied, read without the write lock: a database that is
	// up to date opens beside another process's long write (a backup, a
	// sqlite3 shell), which a transaction per migration would wait for.
	applied := map[int]bool{}
	rows, err := s.w.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("store: migrate: %w", err)
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, m := range list {
		if applied[m.version] {
			continue
		}
		if err := s.applyMigration(ctx, m.version, m.name); err != nil {
			if busy(err) {
				return fmt.Errorf("store: another process held the database's write lock for over 10 s, and migration %s needs it: "+
					"stop that process (a sqlite3 shell, a backup) or try again: %w", path.Base(m.name), err)
			}
			return err
		}
	}
	return nil
}

// busy reports whether err is SQLite's SQLITE_BUSY ("database is locked"),
// what busy_timeout gives up with.
func busy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

type migration struct {
	version int
	name    string
}

// migrationList lists the embedded migrations in numeric order.
func migrationList() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("store: migrate: no embedded migrations: %v", err)
	}
	var list []migration
	for _, n := range names {
		base := path.Base(n)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("store: migration %s: name must start with a number", base)
		}
		list = append(list, migration{v, n})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	for i := 1; i < len(list); i++ {
		if list[i].version == list[i-1].version {
			// Two branches that each added the next migration: one would be skipped.
			return nil, fmt.Errorf("store: migrations %s and %s have the same number", path.Base(list[i-1].name), path.Base(list[i].name))
		}
	}
	return list, nil
}

func (s *Store) applyMigration(ctx context.Context, version int, name string) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("store: migration %s: %w", name, err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migration %s: %w", name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", version).Scan(&n); err != nil {
		return fmt.Errorf("store: migration %s: %w", name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("store: migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)", version, time.Now().Unix()); err != nil {
		return fmt.Errorf("store: migration %s: %w", name, err)
	}
	return tx.Commit()
}

// unix converts a time to the stored form (seconds); the zero time is 0.
func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// fromUnix converts the stored form back; 0 is the zero time.
func fromUnix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}
