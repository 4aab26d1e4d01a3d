//go:build unix

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPermissionDeniedSaysWho runs gleaner sources, stories and fetch, as a
// user who may not enter the state directory (mode 0): each says permission
// denied, names the directory and its owner and what to do, instead of
// SQLite's "unable to open database file (14)". Run as root, whom permissions
// do not stop, the commands run as nobody (uid 65534).
func TestPermissionDeniedSaysWho(t *testing.T) {
	bin := gleanerBinary(t)
	dir := t.TempDir()
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = nobody
		// nobody must reach the binary and the config: open the test's
		// directories (TempDir makes them 0700) and copy the binary in.
		for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		own := filepath.Join(dir, "gleaner")
		copyFile(t, bin, own, 0o755)
		bin = own
	}
	state := filepath.Join(dir, "state")
	cfg := filepath.Join(dir, "gleaner.toml")
	writeConfigFile(t, cfg, "database = \"state/gleaner.db\"\n[[source]]\nurl = \"http://127.0.0.1:9/feed\"\n")
	if err := os.Mkdir(state, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(state, 0o755) })
	for _, args := range [][]string{{"sources"}, {"stories"}, {"fetch"}} {
		msg, err := runAsUser(t, cred, bin, append(args, "-config", cfg)...)
		if err == nil || !strings.Contains(msg, "permission denied: "+state+" (d---------) is owned by ") ||
			!strings.Contains(msg, "may not enter it; run gleaner as ") || !strings.Contains(msg, " or with sudo") {
			t.Errorf("gleaner %s: %v\n%s", args[0], err, msg)
		}
	}

	// A lock file another user left (gleaner fetch run once with sudo) in a
	// directory this user may write: the lock file is named.
	if cred == nil {
		return // only root can leave a file this user may not open
	}
	if err := os.Chmod(state, 0o777); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(state, "gleaner.db.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := runAsUser(t, cred, bin, "fetch", "-config", cfg); err == nil || !strings.Contains(msg, "permission denied: "+lock+" (-rw-r--r--) is owned by ") {
		t.Errorf("gleaner fetch beside root's lock file: %v\n%s", err, msg)
	}
}

// TestReadOnlyCommandsSayWhatTheyNeed: the commands that only read the
// database (sources, stories, labels) open it read-only, but a reader of a WAL
// database creates its index file (gleaner.db-shm) beside it when no process
// has it open: a user who may read the directory but not write it is told
// that, not SQLite's "attempt to write a readonly database (1544)". Root
// only: the database is root's, the commands run as nobody.
func TestReadOnlyCommandsSayWhatTheyNeed(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to leave a database another user may read but not write beside")
	}
	dir, own := nobodysCopy(t)
	cfg := filepath.Join(dir, "gleaner.toml")
	writeConfigFile(t, cfg, "database = \"gleaner.db\"\n[[source]]\nurl = \"http://127.0.0.1:9/feed\"\n")
	if code, out, stderr := runBinary(t, "", "fetch", "-config", cfg); code > 1 {
		t.Fatalf("fetch as root: %d\n%s%s", code, out, stderr)
	}
	for _, args := range [][]string{{"sources"}, {"stories"}, {"labels"}} {
		if msg, err := runAsUser(t, nobody, own, append(args, "-config", cfg)...); err == nil || !strings.Contains(msg, "permission denied: "+dir+" (drwxr-xr-x) is owned by root") ||
			!strings.Contains(msg, "may not write to it") {
			t.Errorf("gleaner %s as nobody: %v\n%s", args[0], err, msg)
		}
	}
}

// TestSourcesAddWithoutPermissionSaysWho: gleaner sources add, run by a user who
// may not write the config's directory (/etc/gleaner without sudo), names the
// directory, its owner and what to do, not the temporary file it could not
// create. Root only: the directory is root's, the command runs as nobody.
func TestSourcesAddWithoutPermissionSaysWho(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to leave a config directory another user may read but not write")
	}
	dir, own := nobodysCopy(t)
	cfg := filepath.Join(dir, "gleaner.toml")
	before := "database = \"gleaner.db\"\n[[source]]\nurl = \"http://127.0.0.1:9/feed\"\n"
	writeConfigFile(t, cfg, before)
	msg, err := runAsUser(t, nobody, own, "sources", "add", "-no-check", "http://127.0.0.1:9/other", "-config", cfg)
	if err == nil || !strings.Contains(msg, cfg+": permission denied: "+dir+" (drwxr-xr-x) is owned by root") ||
		!strings.Contains(msg, "may not write to it; run gleaner as root") || !strings.Contains(msg, "or with sudo") ||
		strings.Contains(msg, ".tmp-") {
		t.Errorf("gleaner sources add as nobody: %v\n%s", err, msg)
	}
	if b, _ := os.ReadFile(cfg); string(b) != before {
		t.Errorf("the config changed:\n%s", b)
	}
}

// nobody is the user the root-only tests run commands as.
var nobody = &syscall.Credential{Uid: 65534, Gid: 65534}

// runAsUser runs the gleaner binary bin with args as cred's user (nil: this
// process's), and returns its standard error and how it ended; a test that
// cannot start a process as that user here is skipped.
func runAsUser(t *testing.T, cred *syscall.Credential, bin string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "GLEANER_CONFIG=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if _, exited := err.(*exec.ExitError); err != nil && !exited && cred != nil {
		t.Skipf("cannot run gleaner as nobody here: %v", err)
	}
	return stderr.String(), err
}

// nobodysCopy returns a new directory that another user (nobody) may enter and
// read, with a copy of the gleaner binary in it: TempDir makes its directories
// 0700.
func nobodysCopy(t *testing.T) (dir, bin string) {
	t.Helper()
	dir = t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin = filepath.Join(dir, "gleaner")
	copyFile(t, gleanerBinary(t), bin, 0o755)
	return dir, bin
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
