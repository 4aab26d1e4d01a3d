package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gleaner/gleaner/store"
)

// TestNewerDatabaseIsRefused runs `gleaner fetch` and `gleaner run` on a
// database that a newer gleaner migrated: both refuse with a message naming the
// versions, and the file stays as it was.
func TestNewerDatabaseIsRefused(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("INSERT INTO schema_migrations(version, applied_at) VALUES (9999, 0)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	cfg := filepath.Join(dir, "gleaner.toml")
	if err := os.WriteFile(cfg, []byte("database = \"g.db\"\nlisten = \"127.0.0.1:0\"\n[[source]]\nurl = \"http://127.0.0.1:9/feed\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(db)
	for _, cmd := range []string{"fetch", "run"} {
		code, out, errs := run(cmd, "-config", cfg)
		if code != 1 || !strings.Contains(errs, "this database was written by a newer gleaner (schema 9999, this binary knows ") {
			t.Errorf("gleaner %s: exit %d\n%s%s", cmd, code, out, errs)
		}
		if after, _ := os.ReadFile(db); sha256.Sum256(before) != sha256.Sum256(after) {
			t.Errorf("gleaner %s wrote to the refused database", cmd)
		}
	}
}
