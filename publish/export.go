package publish

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gleaner/gleaner/internal/flock"
)

// Export writes feed.atom, feed.rss, feed.json, index.html and sources.opml of the
// default rendering to dir, each atomically: written to a temporary file in dir,
// synced, then renamed over the old one, so that a web server serving dir never
// sends a half-written file. It renders first if nothing was rendered yet.
//
// Exports to one directory take turns (a lock on the directory, which the
// daemon's exports and a cron job's share), and each first removes the
// temporary files that an export killed midway left behind.
func (h *Handler) Export(ctx context.Context, dir string) error {
	set := h.defaults.Load()
	if set == nil {
		if _, err := h.Refresh(ctx); err != nil {
			return err
		}
		set = h.defaults.Load()
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("publish: export: %w", err)
	}
	defer d.Close() // releases the lock
	switch err := flock.Lock(ctx, d, 50*time.Millisecond); {
	case err == nil:
		removeLeftovers(dir, exportNames[:])
	case !errors.Is(err, flock.ErrUnsupported):
		return fmt.Errorf("publish: export: lock %s: %w", dir, err)
	}
	docs := [len(exportNames)]*doc{set.docs[fmtAtom], set.docs[fmtRSS], set.docs[fmtJSON], set.docs[fmtHTML], h.opml.Load()}
	for i, name := range exportNames {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := writeAtomic(dir, name, docs[i].body); err != nil {
			return fmt.Errorf("publish: export %s: %w", name, err)
		}
	}
	// The renames are durable only once the directory itself is synced.
	d.Sync()
	return nil
}

// exportNames are the files Export writes.
var exportNames = [...]string{"feed.atom", "feed.rss", "feed.json", "index.html", "sources.opml"}

// removeLeftovers removes the temporary files of writeAtomic for names in dir.
// The caller holds the directory's lock: no export is writing them.
func removeLeftovers(dir string, names []string) {
	list, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range list {
		for _, name := range names {
			if tmp := e.Name(); strings.HasPrefix(tmp, "."+name+".") && strings.HasSuffix(tmp, ".tmp") {
				os.Remove(filepath.Join(dir, tmp))
			}
		}
	}
}

func writeAtomic(dir, name string, b []byte) (err error) {
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(b); err != nil {
		return err
	}
	// CreateTemp makes the file 0600; a static web server must be able to read it.
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}
