// Package flock holds advisory locks (flock(2)) on open files and directories.
// The kernel releases them when the process ends, however it ends (kill -9
// included), so that a lock never outlives its holder. gleaner uses them for
// one daemon per database and one export at a time per directory.
//
// (gofrs/flock locks only regular files it opens read-write; a directory is
// locked here too, and the daemon's lock file carries who holds it.)
package flock

import (
	"context"
	"errors"
	"os"
	"time"
)

// ErrLocked is returned by TryLock when another open file holds the lock.
var ErrLocked = errors.New("flock: locked by another process")

// ErrUnsupported is returned where the system has no flock.
var ErrUnsupported = errors.New("flock: not supported on this system")

// TryLock takes an exclusive lock on f without waiting: ErrLocked when another
// open file holds one. The lock lasts until f is closed or Unlock is called.
func TryLock(f *os.File) error { return tryLock(f) }

// Unlock releases f's lock.
func Unlock(f *os.File) error { return unlock(f) }

// Lock takes an exclusive lock on f, trying again every poll until ctx ends.
func Lock(ctx context.Context, f *os.File, poll time.Duration) error {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		err := TryLock(f)
		if !errors.Is(err, ErrLocked) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
