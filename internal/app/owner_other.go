//go:build !unix

package app

import "os"

// openLockFile opens (creating) the lock file at path for reading and writing.
func openLockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
}

// giveToOwner does nothing where files have no Unix owner.
func giveToOwner(*os.File, ...string) {}

// processRuns cannot tell here: no lock holder is named.
func processRuns(int) bool { return false }
