package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandsOnStoredDataNeedADatabase: label, reclassify, export and stories
// work on what gleaner stored. Pointed at a database that does not exist (a
// mistyped -config, a wrong working directory), each says so, fails, and
// creates nothing: no empty database, and no empty feed over an exported site.
func TestCommandsOnStoredDataNeedADatabase(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	writeConfigFile(t, cfg, "database = \"none.db\"\n[[source]]\nurl = \"https://example.org/feed\"\n")
	site := filepath.Join(dir, "site")
	for _, args := range [][]string{
		{"label", "-config", cfg, "https://example.org/a", "in"},
		{"reclassify", "-config", cfg},
		{"export", "-config", cfg, "-out", site},
		{"stories", "-config", cfg},
	} {
		code, _, stderr := runBinary(t, "", args...)
		if code == 0 || !strings.Contains(stderr, "no such database") {
			t.Errorf("gleaner %s: exit %d, stderr %q; want a failure naming the missing database", args[0], code, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
			t.Fatalf("gleaner %s created the database", args[0])
		}
	}
	if _, err := os.Stat(site); err == nil {
		t.Errorf("gleaner export wrote %s without a database", site)
	}
}

// TestNonsenseCountsAreUsageErrors: a negative or zero -since or -n is a usage
// error (exit 2, naming the flag), not a command that quietly does nothing.
func TestNonsenseCountsAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	writeConfigFile(t, cfg, "database = \"g.db\"\n[[source]]\nurl = \"https://example.org/feed\"\n")
	topicFile := filepath.Join(dir, "topic.toml")
	writeConfigFile(t, topicFile, "[topic.extend]\n")
	for _, c := range []struct {
		args []string
		flag string
	}{
		{[]string{"reclassify", "-config", cfg, "-since", "-5h"}, "-since"},
		{[]string{"topic", "diff", "-config", cfg, "-since", "0s", topicFile}, "-since"},
		{[]string{"stories", "-config", cfg, "-n", "-5"}, "-n"},
		{[]string{"stories", "-config", cfg, "-members", "0"}, "-members"},
	} {
		code, _, stderr := runBinary(t, "", c.args...)
		if code != 2 || !strings.Contains(stderr, c.flag) {
			t.Errorf("gleaner %s: exit %d, stderr %q; want 2 naming %s", strings.Join(c.args, " "), code, stderr, c.flag)
		}
	}
}

// TestFetchMakesTheDatabaseDirectory: a database in a directory that does not
// exist yet ("data/gleaner.db" in a fresh checkout) passes check without a
// word, and gleaner fetch creates the directory (0750) and the database in it,
// instead of failing on "open .../data/gleaner.db.lock: no such file or
// directory" after check said ok.
func TestFetchMakesTheDatabaseDirectory(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	writeConfigFile(t, cfg, "database = \"data/state/gleaner.db\"\n[[source]]\nurl = \"http://127.0.0.1:9/feed\"\n")
	code, out, stderr := runBinary(t, "", "check", "-config", cfg)
	if code != 0 || strings.Contains(out+stderr, "warning") {
		t.Errorf("check: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = runBinary(t, "", "fetch", "-config", cfg)
	if code > 1 { // 1: the source (a closed port) failed
		t.Fatalf("fetch: exit %d\n%s%s", code, out, stderr)
	}
	fi, err := os.Stat(filepath.Join(dir, "data", "state"))
	if err != nil || fi.Mode().Perm()&0o007 != 0 { // 0750 less the umask: others get nothing
		t.Fatalf("the database's directory: %v %v", fi, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "state", "gleaner.db")); err != nil {
		t.Errorf("no database made: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "created the database's directory") {
		t.Errorf("the new directory was not logged:\n%s", stderr)
	}
}
