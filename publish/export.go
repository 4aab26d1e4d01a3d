package publish

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Export writes feed.atom, feed.rss, feed.json, index.html and sources.opml of the
// default rendering to dir, each atomically: written to a temporary file in dir,
// synced, then renamed over the old one, so that a web server serving dir never
// sends a half-written file. It renders first if nothing was rendered yet.
func (h *Handler) Export(ctx context.Context, dir string) error {
	set := h.defaults.Load()
	if set == nil {
		if _, err := h.Refresh(ctx); err != nil {
			return err
		}
		set = h.defaults.Load()
	}
	files := []struct {
		name string
		d    *doc
	}{
		{"feed.atom", set.docs[fmtAtom]},
		{"feed.rss", set.docs[fmtRSS]},
		{"feed.json", set.docs[fmtJSON]},
		{"index.html", set.docs[fmtHTML]},
		{"sources.opml", h.opml.Load()},
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := writeAtomic(dir, f.name, f.d.body); err != nil {
			return fmt.Errorf("publish: export %s: %w", f.name, err)
		}
	}
	// The renames are durable only once the directory itself is synced.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
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
