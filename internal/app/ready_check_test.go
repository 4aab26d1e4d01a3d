package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckAtStartRetriesWhatIsNotDamage: a check at start that could not run
// (the database briefly locked) is tried again and does not mark the database
// damaged; an error that is the file's damage does.
func TestCheckAtStartRetriesWhatIsNotDamage(t *testing.T) {
	// A real SQLite error of a damaged file: a file that is not a database.
	garbage := filepath.Join(t.TempDir(), "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database at all. ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", garbage)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, notADB := db.Exec("SELECT count(*) FROM sqlite_master")
	if notADB == nil {
		t.Fatal("reading a file that is not a database gave no error")
	}
	for _, c := range []struct {
		name    string
		errs    []error // the check's answers, in turn; nil: ok
		damaged bool
		calls   int
	}{
		{"locked once, then sound", []error{errors.New("store: quick_check: database is locked (5) (SQLITE_BUSY)"), nil}, false, 2},
		{"not a database", []error{fmt.Errorf("store: quick_check: %w", notADB)}, true, 1},
		{"never runs", []error{errors.New("i/o error"), errors.New("i/o error"), errors.New("i/o error"), errors.New("i/o error"), errors.New("i/o error")}, false, checkAttempts},
	} {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			r := &readiness{path: "g.db", retryEvery: time.Millisecond, quickCheck: func(context.Context) ([]string, error) {
				err := c.errs[min(calls, len(c.errs)-1)]
				calls++
				return nil, err
			}}
			r.checkDatabase(context.Background(), slog.New(slog.DiscardHandler))
			if got := r.damaged.Load() != nil; got != c.damaged {
				t.Errorf("damaged %v, want %v", got, c.damaged)
			}
			if calls != c.calls {
				t.Errorf("%d checks, want %d", calls, c.calls)
			}
		})
	}
}
