package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gleaner/gleaner/internal/flock"
	"github.com/gleaner/gleaner/store"
)

// ErrDatabaseInUse is returned by New with Options.Lock set when another
// gleaner holds the database's lock.
var ErrDatabaseInUse = errors.New("database in use by another gleaner")

// dbLock is the lock a gleaner that polls holds on its database for its life:
// an flock on DATABASE.lock, beside the database, which the kernel releases
// when the process ends however it ends (kill -9 included). Two daemons on one
// database would poll every source twice; a gleaner fetch beside a daemon
// would too. The file says who holds it, for the refusal's message.
type dbLock struct {
	f       *os.File
	command string
	started time.Time
}

// realPath is path with its symbolic links resolved (the file's, else its
// directory's, when the file does not exist yet), so that one database reached
// by two paths has one lock: a second daemon started on it through a link polled
// beside the first.
func realPath(path string) string {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		return p
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		return filepath.Join(dir, filepath.Base(path))
	}
	return path
}

// lockDatabase takes the lock of database db for command ("run", "fetch"), or
// says who holds it. Where flock is not available, it takes nothing.
func lockDatabase(db, command string) (*dbLock, error) {
	real := realPath(db)
	path := real + ".lock"
	f, err := openLockFile(path)
	if err != nil {
		err = store.ExplainAccess(path, true, fmt.Errorf("lock database: %w", err))
		if _, lerr := os.Lstat(path); lerr == nil && errors.Is(err, fs.ErrPermission) {
			// Left by a gleaner run as another user (a sudo gleaner fetch).
			err = fmt.Errorf("%w\n(%s holds no data: removing it while no gleaner runs on this database, or giving it to the database's owner, fixes this)", err, path)
		}
		return nil, err
	}
	switch err := flock.TryLock(f); {
	case errors.Is(err, flock.ErrLocked):
		holder, _ := io.ReadAll(f)
		f.Close()
		return nil, &inUseError{db: db, holder: describeHolder(holder)}
	case errors.Is(err, flock.ErrUnsupported):
		f.Close()
		return nil, nil
	case err != nil:
		f.Close()
		return nil, fmt.Errorf("lock database: %w", err)
	}
	giveToOwner(f, real, filepath.Dir(real))
	l := &dbLock{f: f, command: command, started: time.Now()}
	if err := l.write(""); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock database: %w", err)
	}
	return l, nil
}

// write replaces the lock file's content with who holds it.
func (l *dbLock) write(addr string) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "pid=%d\ncommand=gleaner %s\nstarted=%s\n", os.Getpid(), l.command, l.started.UTC().Format(time.RFC3339))
	if addr != "" {
		fmt.Fprintf(&b, "address=%s\n", addr)
	}
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err := l.f.WriteAt(b.Bytes(), 0)
	return err
}

// setAddress records the address the holder serves on.
func (l *dbLock) setAddress(addr string) error {
	if l == nil {
		return nil
	}
	return l.write(addr)
}

// inUseError is lockDatabase's refusal: another gleaner holds the lock.
type inUseError struct{ db, holder string }

func (e *inUseError) Error() string {
	return fmt.Sprintf("%v: %s is in use by %s; one gleaner polls a database at a time "+
		"(gleaner sources, stories and export work beside it): stop that one first, or give this one another database",
		ErrDatabaseInUse, e.db, e.holder)
}

func (e *inUseError) Unwrap() error { return ErrDatabaseInUse }

// openMigrating opens database db with open, which migrates a database that
// lacks migrations of this gleaner: while it does, the command holds the lock
// a daemon holds, and it refuses when one does. That daemon is an older
// gleaner (it would have migrated the database when it started): a listing
// by a newly built binary migrated the database under it, which went on
// writing a schema it did not know and then could not start again.
func openMigrating(ctx context.Context, db string, open func(context.Context, string) (*store.Store, error)) (*store.Store, error) {
	if !store.LacksMigrations(ctx, db) {
		return open(ctx, db)
	}
	l, err := lockDatabase(db, "migrate")
	if inUse := (*inUseError)(nil); errors.As(err, &inUse) {
		return nil, fmt.Errorf("%w: %s", ErrDatabaseInUse, notMigratedBeside(db, inUse.holder))
	}
	if err != nil {
		return nil, err
	}
	defer l.release()
	return open(ctx, db)
}

// notMigratedBeside says that database db lacks migrations of this gleaner
// while holder, another gleaner, holds its lock, and what to do.
func notMigratedBeside(db, holder string) string {
	return fmt.Sprintf("%s lacks migrations of this gleaner, and %s", db, besideHolder(holder))
}

// besideHolder says what holder, the gleaner that holds the lock of a
// database lacking migrations of this one, is doing there and what to do.
func besideHolder(holder string) string {
	switch {
	case strings.HasPrefix(holder, "gleaner migrate"):
		return fmt.Sprintf("another command is migrating it (%s): try again in a moment", holder)
	case strings.HasPrefix(holder, "gleaner fetch"):
		return fmt.Sprintf("a gleaner fetch is polling it (%s), an older version or one migrating it as it starts: "+
			"try again once it ends, and give whatever runs gleaner fetch (cron) this version", holder)
	}
	return fmt.Sprintf("another gleaner polls it (%s): if that is an older version, migrating the database under it "+
		"would leave it unable to start again; restart the daemon with this version first (it migrates the database), "+
		"or run this command with the daemon's own binary; if it is starting, try again in a moment", holder)
}

// lockHolder describes the gleaner whose lock file beside database db names
// a process still running, "" when none does. It takes no lock: a probe that
// held it for an instant could make a daemon starting then refuse to start.
func lockHolder(db string) string {
	content, err := os.ReadFile(realPath(db) + ".lock")
	if err != nil {
		return ""
	}
	if pid, err := strconv.Atoi(holderFields(content)["pid"]); err != nil || pid <= 0 || !processRuns(pid) {
		return ""
	}
	return describeHolder(content)
}

// release gives the lock up. The file stays: removing it could remove the one
// a new holder has just opened.
func (l *dbLock) release() error {
	if l == nil {
		return nil
	}
	return l.f.Close()
}

// holderFields reads a lock file's key=value lines (dbLock.write).
func holderFields(content []byte) map[string]string {
	kv := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(content))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			kv[k] = v
		}
	}
	return kv
}

// describeHolder reads a lock file's content: "gleaner run (pid 1234, serving
// 127.0.0.1:8080, since 2026-03-03T10:00:00Z)".
func describeHolder(content []byte) string {
	kv := holderFields(content)
	if kv["pid"] == "" {
		return "another gleaner (starting: it has not said who it is yet)"
	}
	cmd := kv["command"]
	if cmd == "" {
		cmd = "another gleaner"
	}
	parts := []string{"pid " + kv["pid"]}
	if a := kv["address"]; a != "" {
		parts = append(parts, "serving "+a)
	}
	if s := kv["started"]; s != "" {
		parts = append(parts, "since "+s)
	}
	return cmd + " (" + strings.Join(parts, ", ") + ")"
}
