//go:build unix

package app

import (
	"os"
	"syscall"
)

// giveToOwner gives f, a file gleaner keeps beside the database, the owner of
// the first of refs that exists (the database, else its directory) when gleaner
// runs as root and that owner is another user: a sudo gleaner fetch left
// DATABASE.lock to root, and the service's own user could not start after it.
// SQLite does the same for its -wal and -shm files.
func giveToOwner(f *os.File, refs ...string) {
	if os.Geteuid() != 0 {
		return
	}
	for _, ref := range refs {
		fi, err := os.Stat(ref)
		if err != nil {
			continue
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
			if cur, err := f.Stat(); err == nil {
				if cs, ok := cur.Sys().(*syscall.Stat_t); ok && (cs.Uid != st.Uid || cs.Gid != st.Gid) {
					f.Chown(int(st.Uid), int(st.Gid)) // best effort: the lock works either way
				}
			}
		}
		return
	}
}
