package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIsDamage reads real SQLite errors: a file that is not a database and a table
// whose pages were overwritten are damage; a database locked by another connection,
// a cancelled context and other errors are not (the check at start retries them).
func TestIsDamage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func(t *testing.T, path string) *sql.DB {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}

	notADB := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(notADB, []byte(strings.Repeat("not a database at all. ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errNotADB := open(t, notADB).ExecContext(ctx, "SELECT count(*) FROM sqlite_master")

	// A table over many pages, whose pages past the first two are then overwritten.
	broken := filepath.Join(dir, "broken.db")
	db := open(t, broken)
	if _, err := db.ExecContext(ctx, "CREATE TABLE t(x TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 2000) INSERT INTO t SELECT printf('%0500d', i) FROM n"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	f, err := os.OpenFile(broken, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(strings.Repeat("\xff\x00\x7f", 40000)), 3*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var n int
	errCorrupt := open(t, broken).QueryRowContext(ctx, "SELECT count(*) FROM t WHERE length(x) > 0").Scan(&n)

	// A lock another connection holds, with no busy wait.
	locked := filepath.Join(dir, "locked.db")
	holder := open(t, locked)
	if _, err := holder.ExecContext(ctx, "CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	conn, err := holder.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	_, errBusy := open(t, locked).ExecContext(ctx, "SELECT count(*) FROM t")
	conn.ExecContext(ctx, "ROLLBACK")

	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"not a database", errNotADB, true},
		{"overwritten pages", errCorrupt, true},
		{"locked", errBusy, false},
		{"cancelled", context.Canceled, false},
		{"plain", errors.New("database disk image is malformed"), false},
	} {
		if c.err == nil {
			t.Errorf("%s: no error to read", c.name)
			continue
		}
		wrapped := fmt.Errorf("store: quick_check: %w", c.err)
		t.Logf("%s: %v", c.name, wrapped)
		if got := IsDamage(wrapped); got != c.want {
			t.Errorf("%s: IsDamage(%v) = %v, want %v", c.name, wrapped, got, c.want)
		}
	}
}
