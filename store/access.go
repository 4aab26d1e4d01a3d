package store

import (
	"errors"
	"fmt"
	"io/fs"
	sqlite3 "modernc.org/sqlite/lib"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// The modes of access(2), the same on every Unix.
const (
	accessSearch = 1 // X_OK: enter a directory
	accessWrite  = 2 // W_OK
	accessRead   = 4 // R_OK
)

// owner is who owns a path, and who this process runs as.
type owner struct {
	Name string // "gleaner (uid 998)"
	UID  int
}

// system is what ExplainAccess asks the operating system; tests replace it,
// since root, who runs them in containers, may do anything.
type system struct {
	access func(path string, mode uint32) error // access(2): nil when allowed
	owner  func(path string) (owner, string)    // a path's owner and its mode ("drwx------")
	self   func() owner                         // the user this process runs as
}

// ExplainAccess returns err, the failure to open the database file (or the
// lock beside it), explained when this process's user may not use the file or
// a directory on its way: SQLite says only "unable to open database file
// (14)". The explanation names the path that refuses, its owner and what to do,
// and the error is fs.ErrPermission. Otherwise err is returned as it is.
func ExplainAccess(file string, write bool, err error) error {
	return explainAccess(file, write, err, osSystem)
}

// ExplainWrite returns err, the failure to replace file (a new file written
// in its directory, renamed over it), explained as ExplainAccess explains it,
// without the store's prefix: for the config file that gleaner sources edits.
func ExplainWrite(file string, err error) error {
	e := explainAccess(file, true, err, osSystem)
	if e == err {
		return err
	}
	// The explanation says it all: not the name of the temporary file.
	msg := strings.TrimSuffix(strings.TrimPrefix(e.Error(), "store: "), " ("+err.Error()+")")
	return &writeError{msg: msg, err: err}
}

type writeError struct {
	msg string
	err error
}

func (e *writeError) Error() string { return e.msg }
func (e *writeError) Is(target error) bool {
	return target == fs.ErrPermission || errors.Is(e.err, target)
}
func (e *writeError) Unwrap() error { return e.err }

func explainAccess(file string, write bool, err error, sys system) error {
	if err == nil || sys.access == nil || !mayBeAccess(err) {
		return err
	}
	path, what := deniedPath(file, write, sys.access)
	if path == "" {
		if dir := readOnlyDir(file, sys.access); dir != "" {
			// No user may write there: SQLite creates the database, its -wal
			// and, to read a WAL database no process has open, its -shm file.
			return fmt.Errorf("store: %s: %s is on a read-only file system, and SQLite must create files beside the database "+
				"(to read one in WAL mode too, when no gleaner has it open): mount it read-write, or copy the database "+
				"with its -wal file to a writable place (%w)", file, dir, err)
		}
		return err
	}
	own, mode := sys.owner(path)
	me := sys.self()
	fix := fmt.Sprintf("run gleaner as %s or with sudo", own.Name)
	if own.UID == me.UID {
		fix = "give its owner access: chmod u+rwX " + path
	}
	return fmt.Errorf("store: %s: %w: %s (%s) is owned by %s, and %s may not %s it; %s (%w)",
		file, fs.ErrPermission, path, mode, own.Name, me.Name, what, fix, err)
}

// deniedPath returns the first path that access refuses for opening file
// (write: for reading and writing, as SQLite's WAL mode needs), and what was
// refused; "" when access allows everything.
func deniedPath(file string, write bool, access func(path string, mode uint32) error) (path, what string) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", ""
	}
	abs = resolve(abs)
	dir := filepath.Dir(abs)
	var dirs []string // the file's directory, then each parent up to the root
	for d := dir; ; d = filepath.Dir(d) {
		dirs = append(dirs, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if denied(access(dirs[i], accessSearch)) {
			return dirs[i], "enter"
		}
	}
	if write {
		// SQLite creates the file, its -wal and -shm files in the directory.
		if denied(access(dir, accessWrite)) {
			return dir, "write to"
		}
		if denied(access(abs, accessRead|accessWrite)) {
			return abs, "read and write"
		}
		return "", ""
	}
	if denied(access(abs, accessRead)) {
		return abs, "read"
	}
	return "", ""
}

// readOnlyDir is file's directory when the file system holding it is mounted
// read-only (access(2) says EROFS), else "".
func readOnlyDir(file string, access func(path string, mode uint32) error) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	if dir := filepath.Dir(resolve(abs)); errors.Is(access(dir, accessWrite), syscall.EROFS) {
		return dir
	}
	return ""
}

// resolve follows the symbolic links of the absolute path abs as far as they
// can be read, so that the directory that refuses is named as it is: a
// systemd unit's StateDirectory= with DynamicUser= is a link into
// /var/lib/private, which only root may enter. What cannot be read is left
// as it is.
func resolve(abs string) string {
	parts := strings.Split(strings.TrimPrefix(abs, string(filepath.Separator)), string(filepath.Separator))
	cur := string(filepath.Separator)
	links := 0
	for i := 0; i < len(parts); i++ {
		next := filepath.Join(cur, parts[i])
		fi, err := os.Lstat(next)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 || links == 40 { // 40: Linux's limit
			cur = next
			continue
		}
		links++
		target, err := os.Readlink(next)
		if err != nil {
			cur = next
			continue
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(cur, target)
		}
		// Go on from the target's own components, then the rest.
		rest := append(strings.Split(strings.TrimPrefix(filepath.Clean(target), string(filepath.Separator)), string(filepath.Separator)), parts[i+1:]...)
		parts, i, cur = rest, -1, string(filepath.Separator)
	}
	return cur
}

// mayBeAccess reports whether err can be a refusal of access: a refusal
// itself, or SQLite's "unable to open database file" (CANTOPEN), "attempt to
// write a readonly database" (READONLY) or "access permission denied" (PERM),
// which is what it says of a file it may not use. Another failure (a file
// that is not a database) is not explained as one, whatever the permissions.
func mayBeAccess(err error) bool {
	if errors.Is(err, fs.ErrPermission) {
		return true
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
		return true
	}
	return false
}

// denied reports whether err is a refusal (EACCES, EPERM), not a missing file.
func denied(err error) bool { return errors.Is(err, fs.ErrPermission) }
