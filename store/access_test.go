package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// fakeSystem refuses the modes deny lists for each path, as access(2) would
// for a user other than root; root, who runs the tests in containers, is
// refused nothing by the real one.
func fakeSystem(deny map[string]uint32) system {
	return system{
		access: func(path string, mode uint32) error {
			if deny[path]&mode != 0 {
				return fs.ErrPermission
			}
			return nil
		},
		owner: func(path string) (owner, string) { return owner{Name: "gleaner (uid 998)", UID: 998}, "drwx------" },
		self:  func() owner { return owner{Name: "alice (uid 1000)", UID: 1000} },
	}
}

// TestExplainAccess: SQLite's "unable to open database file (14)" is explained
// by the path that refuses this user, what it refuses, its owner and what to
// do; an error with no refusal behind it is returned as it is.
func TestExplainAccess(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	file := filepath.Join(state, "gleaner.db")
	// SQLite's own error for a file it may not open (CANTOPEN), as Open wraps it.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "missing", "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cantOpen := db.Ping()
	if cantOpen == nil || !strings.Contains(cantOpen.Error(), "(14)") {
		t.Fatalf("no CANTOPEN from a file in a missing directory: %v", cantOpen)
	}
	sqliteErr := fmt.Errorf("store: %s: read the schema version: %w", file, cantOpen)
	for _, c := range []struct {
		name  string
		deny  map[string]uint32
		write bool
		want  string // "" for err as it is
	}{
		{"directory not searchable", map[string]uint32{state: accessSearch | accessRead | accessWrite}, true,
			"store: " + file + ": permission denied: " + state + " (drwx------) is owned by gleaner (uid 998), and alice (uid 1000) may not enter it; run gleaner as gleaner (uid 998) or with sudo (" + sqliteErr.Error() + ")"},
		{"a parent not searchable", map[string]uint32{dir: accessSearch}, false, "permission denied: " + dir + " (drwx------) is owned by gleaner (uid 998), and alice (uid 1000) may not enter it"},
		{"directory read-only", map[string]uint32{state: accessWrite}, true, "permission denied: " + state + " (drwx------) is owned by gleaner (uid 998), and alice (uid 1000) may not write to it"},
		{"directory read-only, reading", map[string]uint32{state: accessWrite}, false, ""},
		{"file not writable", map[string]uint32{file: accessWrite}, true, "permission denied: " + file + " (drwx------) is owned by gleaner (uid 998), and alice (uid 1000) may not read and write it"},
		{"file not readable", map[string]uint32{file: accessRead}, false, "may not read it"},
		{"nothing refused", nil, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := explainAccess(file, c.write, sqliteErr, fakeSystem(c.deny))
			if c.want == "" {
				if err != sqliteErr {
					t.Errorf("got %v, want the error as it is", err)
				}
				return
			}
			if !strings.Contains(err.Error(), c.want) || !errors.Is(err, fs.ErrPermission) || !errors.Is(err, sqliteErr) {
				t.Errorf("got  %v\nwant %s (and errors.Is fs.ErrPermission and the cause)", err, c.want)
			}
		})
	}
	// A directory on a read-only file system, reading or writing: no user may
	// write there, which is said instead of an owner.
	roFS := fakeSystem(nil)
	roFS.access = func(path string, mode uint32) error {
		if path == state && mode&accessWrite != 0 {
			return syscall.EROFS
		}
		return nil
	}
	for _, write := range []bool{false, true} {
		err := explainAccess(file, write, sqliteErr, roFS)
		if want := "store: " + file + ": " + state + " is on a read-only file system"; !strings.Contains(err.Error(), want) || !errors.Is(err, sqliteErr) {
			t.Errorf("read-only file system (write %v): got %v, want %s", write, err, want)
		}
	}
	// A failure that is no refusal (a file that is not a database) is not
	// explained as one, whatever the permissions.
	notADB := errors.New("store: " + file + ": read the schema version: file is not a database (26)")
	if err := explainAccess(file, true, notADB, fakeSystem(map[string]uint32{state: accessWrite})); err != notADB {
		t.Errorf("a file that is not a database, in a read-only directory: %v, want the error as it is", err)
	}
	// A state directory that is a link into a directory only root may enter
	// (systemd's DynamicUser=: /var/lib/gleaner -> private/gleaner): the
	// directory that refuses is named.
	private := filepath.Join(dir, "private")
	if err := os.MkdirAll(filepath.Join(private, "gleaner"), 0o755); err != nil {
		t.Fatal(err)
	}
	linked := filepath.Join(dir, "linked")
	if err := os.Symlink(filepath.Join("private", "gleaner"), linked); err != nil {
		t.Fatal(err)
	}
	err = explainAccess(filepath.Join(linked, "gleaner.db"), true, sqliteErr, fakeSystem(map[string]uint32{private: accessSearch}))
	if !strings.Contains(err.Error(), "permission denied: "+private+" (drwx------) is owned by gleaner (uid 998), and alice (uid 1000) may not enter it") {
		t.Errorf("through a link: %v", err)
	}

	// This user's own file: the fix is chmod, not another user.
	sys := fakeSystem(map[string]uint32{file: accessWrite})
	sys.self = func() owner { return owner{Name: "gleaner (uid 998)", UID: 998} }
	if err := explainAccess(file, true, sqliteErr, sys); !strings.Contains(err.Error(), "give its owner access: chmod u+rwX "+file) {
		t.Errorf("own file: %v", err)
	}
}

// TestOpenUnreadableDirectory opens a database in a directory of mode 0: the
// error says permission denied and who owns the directory, not SQLite's
// "unable to open database file".
func TestOpenUnreadableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, whom file permissions do not stop: TestExplainAccess covers the message")
	}
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	state := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(state, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(state, "gleaner.db")
	s, err := Open(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Chmod(state, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(state, 0o755) })
	for name, open := range map[string]func(context.Context, string) (*Store, error){"Open": Open, "OpenReadOnly": OpenReadOnly} {
		_, err := open(context.Background(), file)
		if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "permission denied: "+state+" (d---------) is owned by ") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
