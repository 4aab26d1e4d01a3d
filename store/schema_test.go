package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewerDatabaseIsRefused opens a database whose schema has a migration this
// binary does not know (written by a newer gleaner): Open refuses with a message
// naming both versions, and the file is left as it was, byte for byte.
func TestNewerDatabaseIsRefused(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "g.db")
	s, err := Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	var known int
	if err := s.r.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&known); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// What a newer gleaner leaves: one more migration, and a change of its own.
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		fmt.Sprintf("INSERT INTO schema_migrations(version, applied_at) VALUES (%d, 0)", known+1),
		"CREATE TABLE newer_things (id INTEGER PRIMARY KEY)",
		"DROP INDEX IF EXISTS items_curated", // an index a newer schema may have replaced
		"PRAGMA wal_checkpoint(TRUNCATE)",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, file)
	if err == nil {
		s.Close()
		t.Fatal("Open accepted a database from a newer gleaner")
	}
	want := fmt.Sprintf("this database was written by a newer gleaner (schema %d, this binary knows %d)", known+1, known)
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), file) {
		t.Errorf("error %q; want it to name %s and say %q", err, file, want)
	}
	after, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(before) != sha256.Sum256(after) {
		n := 0
		for i := range min(len(before), len(after)) {
			if before[i] != after[i] && n < 10 {
				t.Logf("byte %d: %d -> %d", i, before[i], after[i])
				n++
			}
		}
		t.Errorf("the refused database was written (%d -> %d bytes)", len(before), len(after))
	}
	if fi, err := os.Stat(file + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("the refused database has %d bytes of write-ahead log", fi.Size())
	}
}
