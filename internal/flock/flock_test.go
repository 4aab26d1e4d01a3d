package flock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLockExcludesAndIsReleasedOnClose(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{filepath.Join(dir, "f.lock"), dir} {
		if path != dir {
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		a, _ := os.Open(path)
		b, _ := os.Open(path)
		defer b.Close()
		if err := TryLock(a); errors.Is(err, ErrUnsupported) {
			t.Skip("no flock on this system")
		} else if err != nil {
			t.Fatal(err)
		}
		if err := TryLock(b); !errors.Is(err, ErrLocked) {
			t.Fatalf("%s: second lock: %v, want ErrLocked", path, err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		if err := Lock(ctx, b, 10*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: waiting lock: %v, want the context's end", path, err)
		}
		cancel()
		a.Close()
		if err := TryLock(b); err != nil {
			t.Fatalf("%s: after the holder closed: %v", path, err)
		}
	}
}
