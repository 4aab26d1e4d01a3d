//go:build unix

package app

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// openLockFile opens (creating) the lock file at path for reading and writing.
// It follows no symbolic link and takes only a plain file of one link: whoever
// may write to the database's directory could otherwise point the lock file at
// another file, which a gleaner run as root would overwrite and give away.
func openLockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			return nil, fmt.Errorf("%s is a symbolic link, which gleaner does not follow for its lock file: remove it", path)
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !fi.Mode().IsRegular() || ok && st.Nlink != 1 {
		f.Close()
		return nil, fmt.Errorf("%s is not a plain file of its own (a link to another, or not a file): remove it", path)
	}
	return f, nil
}

// giveToOwner gives f, the lock file beside the database, the owner of the
// first of refs that exists (the database, else its directory) when gleaner
// runs as root and that owner is another user: a sudo gleaner fetch left
// DATABASE.lock to root, and the service's own user could not start after it.
// SQLite does the same for its -wal and -shm files. f is a plain file of one
// link (openLockFile).
func giveToOwner(f *os.File, refs ...string) {
	if os.Geteuid() != 0 {
		return
	}
	for _, ref := range refs {
		uid, gid, ok := ownerOf(os.Stat(ref))
		if !ok {
			continue
		}
		if cuid, cgid, ok := ownerOf(f.Stat()); ok && uid != 0 && (cuid != uid || cgid != gid) {
			f.Chown(uid, gid) // best effort: the lock works either way
		}
		return
	}
}

// ownerOf is the owner of the file a Stat described, ok false on its error.
func ownerOf(fi os.FileInfo, err error) (uid, gid int, ok bool) {
	if err != nil {
		return 0, 0, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}

// processRuns reports whether a process of pid runs on this machine.
func processRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
