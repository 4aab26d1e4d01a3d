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
