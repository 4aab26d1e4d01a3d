package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestZonesWithoutTheHostsDatabase: a static binary copied to a host without
// /usr/share/zoneinfo (a minimal image) still reads sources' timezone =
// "Asia/Seoul". The binary is built as make build builds it (-trimpath, so
// Go's own copy of the database is not found either) and run with an empty
// directory mounted over the host's database, in a mount namespace of its own.
func TestZonesWithoutTheHostsDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("needs unshare(1) to hide the host's zone database")
	}
	if _, err := os.Stat("/usr/share/zoneinfo"); err != nil {
		t.Skip("this host has no /usr/share/zoneinfo to hide")
	}
	dir := t.TempDir()
	if err := exec.Command("unshare", "-m", "true").Run(); err != nil {
		t.Skipf("cannot make a mount namespace here (unshare -m: %v): needs root or user namespaces", err)
	}
	bin := filepath.Join(dir, "gleaner")
	if out, err := exec.Command("go", "build", "-trimpath", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "gleaner.toml")
	writeConfigFile(t, cfg, "database = \"g.db\"\n[[source]]\nurl = \"https://news.example/rss\"\ntimezone = \"Asia/Seoul\"\n")
	script := `mount --bind "$1" /usr/share/zoneinfo && test ! -e /usr/share/zoneinfo/Asia/Seoul && exec "$2" check -config "$3"`
	out, err := exec.Command("unshare", "-m", "sh", "-c", script, "sh", empty, bin, cfg).CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "mount") && !strings.Contains(string(out), "time zone") {
			t.Skipf("cannot hide the zone database here: %s", out)
		}
		t.Fatalf("check without the host's zone database: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Asia/Seoul") {
		t.Errorf("check's summary does not name the source's zone:\n%s", out)
	}
}
