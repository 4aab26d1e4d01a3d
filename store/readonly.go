package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"

	sqlite3 "modernc.org/sqlite/lib"
)

// OpenReadOnly opens the existing database file at path for reading only, for
// commands that must change nothing (gleaner topic diff, gleaner labels):
// nothing is created or migrated, and every connection is read-only. It fails
// when the file is missing, was written by a newer gleaner (ErrNewerSchema), or
// lacks a migration of this gleaner (running the daemon or gleaner fetch once
// applies them).
// Methods that write fail on such a Store.
func OpenReadOnly(ctx context.Context, file string) (*Store, error) {
	if err := mustExist(file); err != nil {
		return nil, err
	}
	s, err := openReadOnly(ctx, file)
	if err != nil {
		explained := ExplainAccess(file, false, err)
		if explained == err && sqliteCode(err) == sqlite3.SQLITE_READONLY {
			// Readable, but a reader of a WAL database shares its index file
			// (gleaner.db-shm), which it creates beside it when no process
			// has it open: that takes write access.
			explained = ExplainAccess(file, true, err)
		}
		return nil, explained
	}
	return s, nil
}

func openReadOnly(ctx context.Context, file string) (*Store, error) {
	q := url.Values{}
	q.Add("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	q.Add("_pragma", "temp_store(MEMORY)")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: file}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", file, err)
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	s := &Store{path: file, w: db, r: db}
	if err := checkSchema(ctx, db, file); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.checkMigrated(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// ErrNotMigrated is OpenReadOnly's error for a file that lacks a migration of
// this gleaner (one a newer binary brought, or an empty file): opening it with
// Open applies them.
var ErrNotMigrated = errors.New("the database lacks migrations of this gleaner")

// OpenForReading is OpenReadOnly for the commands that only read the database
// but opened it for writing before (gleaner sources, stories): a gleaner file
// that lacks a migration of this binary (installed, the daemon not restarted
// yet), or an empty one, is opened with OpenExisting, which applies them.
func OpenForReading(ctx context.Context, file string) (*Store, error) {
	s, err := OpenReadOnly(ctx, file)
	if errors.Is(err, ErrNotMigrated) {
		return OpenExisting(ctx, file)
	}
	return s, err
}

// LacksMigrations reports whether the gleaner database file exists and lacks
// a migration of this gleaner, which opening it for writing would apply. Any
// other failure to read it is left for that open to report.
func LacksMigrations(ctx context.Context, file string) bool {
	if _, err := os.Stat(file); err != nil {
		return false
	}
	s, err := openReadOnly(ctx, file)
	if err == nil {
		s.Close()
		return false
	}
	return errors.Is(err, ErrNotMigrated)
}

// checkMigrated fails unless every embedded migration was applied to the file.
func (s *Store) checkMigrated(ctx context.Context) error {
	list, err := migrationList()
	if err != nil {
		return err
	}
	// gleaner's: its migrations table, as gleaner makes it (checkSchema has
	// refused another tool's); a file with tables but none of that is not.
	var ours, tables int
	err = s.r.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE name = 'schema_migrations'), count(*)
		FROM sqlite_master WHERE type = 'table'`).Scan(&ours, &tables)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", s.path, err)
	}
	switch {
	case tables == 0:
		return fmt.Errorf("store: open %s: %w: it has no schema yet; run gleaner (run or fetch) once to make it", s.path, ErrNotMigrated)
	case ours == 0:
		// Someone else's database: nothing of gleaner's is written into it.
		return fmt.Errorf("store: open %s: not a gleaner database: it has tables of its own and none of gleaner's; set database to another file", s.path)
	}
	for _, m := range list {
		var n int
		err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n)
		if err != nil {
			return fmt.Errorf("store: open %s: %w", s.path, err)
		}
		if n == 0 {
			return fmt.Errorf("store: open %s: %w: its schema lacks migration %s; run gleaner (run or fetch) once to apply it", s.path, ErrNotMigrated, m.name)
		}
	}
	return nil
}

// DataVersion returns a number that changes when another process has committed
// a change to the database since the last call: PRAGMA data_version of the
// writer connection, which its own commits leave as it is. The daemon polls it
// to follow what commands run beside it write (gleaner label, reclassify).
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.w.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: data version: %w", err)
	}
	return v, nil
}

// OpenExisting is Open for commands that work on what gleaner stored (gleaner
// label, reclassify, export, stories): it fails when the database file does not
// exist, rather than creating an empty one (an export of it would overwrite a
// site with an empty feed after a mistyped -config).
func OpenExisting(ctx context.Context, file string) (*Store, error) {
	if err := mustExist(file); err != nil {
		return nil, err
	}
	return Open(ctx, file)
}

func mustExist(file string) error {
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: open %s: no such database (gleaner run or gleaner fetch creates it)", file)
	}
	return nil
}
