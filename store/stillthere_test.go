package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPingTellsADeletedOrReplacedFile: a database file deleted under the
// running daemon (its writes went to a file no name reaches, lost at the next
// start) or replaced by another (a backup restored with mv) was still "ready"
// to Ping, and so to /readyz and the systemd watchdog.
func TestPingTellsADeletedOrReplacedFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "g.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping of the file opened: %v", err)
	}
	aside := filepath.Join(dir, "aside.db")
	if err := os.Rename(path, aside); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err == nil || !strings.Contains(err.Error(), "was deleted while gleaner had it open") {
		t.Errorf("ping with the file gone: %v", err)
	}
	other, err := Open(ctx, path) // another database at the path
	if err != nil {
		t.Fatal(err)
	}
	other.Close()
	if err := s.Ping(ctx); err == nil || !strings.Contains(err.Error(), "was replaced while gleaner had it open") {
		t.Errorf("ping with another file at the path: %v", err)
	}
	if err := os.Rename(aside, path); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("ping with its own file back: %v", err)
	}
}
