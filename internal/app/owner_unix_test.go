//go:build unix

package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLockFileBelongsToTheDatabasesOwner: a gleaner run as root on a database
// another user owns (sudo gleaner fetch beside a service's database) leaves the
// lock file to that user, who can then start the daemon; a lock file left to
// root before says how to fix it.
func TestLockFileBelongsToTheDatabasesOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the test gives a database to another user")
	}
	const uid, gid = 65534, 65534 // nobody
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} { // the test's directories are root's own
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(dir, "data")
	db := filepath.Join(data, "g.db")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{data, db} {
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	l, err := lockDatabase(db, "fetch")
	if err != nil || l == nil {
		t.Fatalf("lock: %v", err)
	}
	l.f.Close()
	fi, err := os.Stat(db + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != uid || st.Gid != gid {
		t.Errorf("lock file owned by %d:%d, want the database's %d:%d", st.Uid, st.Gid, uid, gid)
	}

	// One left to root by an older gleaner: the service's user is told what to do.
	if err := os.Chown(db+".lock", 0, 0); err != nil {
		t.Fatal(err)
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("no setpriv to run as another user")
	}
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", os.Args[0], "-test.v", "-test.run=TestLockAsAnotherUser$")
	cmd.Env = append(os.Environ(), "GLEANER_TEST_LOCK_DB="+db)
	out, _ := cmd.CombinedOutput()
	if !strings.Contains(string(out), "g.db.lock (-rw-r--r--) is owned by root") || !strings.Contains(string(out), "holds no data: removing it while no gleaner runs on this database") {
		t.Errorf("a lock file left to root, as the database's owner:\n%s", out)
	}
	// No lock file, in a directory the user may not write to: that is the
	// problem, and no lock file is to be removed.
	if err := os.Remove(db + ".lock"); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(data, 0, 0); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", os.Args[0], "-test.v", "-test.run=TestLockAsAnotherUser$")
	cmd.Env = append(os.Environ(), "GLEANER_TEST_LOCK_DB="+db)
	out, _ = cmd.CombinedOutput()
	if !strings.Contains(string(out), "may not write to it") || strings.Contains(string(out), "holds no data") {
		t.Errorf("no lock file, a directory the user may not write to:\n%s", out)
	}
}

// TestLockAsAnotherUser is TestLockFileBelongsToTheDatabasesOwner's child: it
// takes the lock of GLEANER_TEST_LOCK_DB and prints the error.
func TestLockAsAnotherUser(t *testing.T) {
	db := os.Getenv("GLEANER_TEST_LOCK_DB")
	if db == "" {
		t.Skip("run by TestLockFileBelongsToTheDatabasesOwner")
	}
	if l, err := lockDatabase(db, "run"); err != nil {
		t.Log(err)
	} else if l != nil {
		l.f.Close()
	}
}

// TestLockFileFollowsNoLink: the lock file planted as a link to another file
// (by whoever may write to the database's directory) is refused, and the file
// it points to keeps its owner and content: gleaner run as root used to write
// the lock's text into it and give it to the database's owner.
func TestLockFileFollowsNoLink(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	if err := os.WriteFile(db, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(db, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	for name, plant := range map[string]func(string, string) error{"symbolic link": os.Symlink, "hard link": os.Link} {
		os.Remove(db + ".lock")
		if err := plant(victim, db+".lock"); err != nil {
			t.Fatal(err)
		}
		l, err := lockDatabase(db, "fetch")
		if err == nil {
			l.release()
			t.Errorf("%s: the lock was taken through it", name)
		}
		fi, _ := os.Stat(victim)
		if b, _ := os.ReadFile(victim); string(b) != "secret" || fi.Sys().(*syscall.Stat_t).Uid != uint32(os.Geteuid()) {
			t.Errorf("%s: the file it points to now holds %q, owned by %d", name, b, fi.Sys().(*syscall.Stat_t).Uid)
		}
	}
}
