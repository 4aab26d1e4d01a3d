package publish

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gleaner/gleaner/internal/flock"
)

// Export writes feed.atom, feed.rss, feed.json, index.html and sources.opml of the
// default rendering to dir, and the story page of each of its entries that links
// to one (story/ID/index.html, served as /story/ID/, which static servers
// redirect /story/ID to, and story/ID.json), each atomically: written to a temporary file in dir,
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
	// The page with absolute times: nothing renders a static file again.
	v := *set.view
	v.Now, v.Static = time.Time{}, true
	page, err := renderHTML(&v, set.opts)
	if err != nil {
		return fmt.Errorf("publish: export index.html: %w", err)
	}
	bodies := [len(exportNames)][]byte{set.docs[fmtAtom].body, set.docs[fmtRSS].body, set.docs[fmtJSON].body, page, h.opml.Load().body}
	for i, name := range exportNames {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := writeAtomic(dir, name, bodies[i]); err != nil {
			return fmt.Errorf("publish: export %s: %w", name, err)
		}
	}
	if err := h.exportStories(ctx, dir, set); err != nil {
		return err
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

// maxExported bounds what Export remembers of the story files it wrote.
const maxExported = 4096

// exportStories writes the story pages the default rendering links to. A page
// written to dir before with the same bytes is not written again.
func (h *Handler) exportStories(ctx context.Context, dir string, set *defaultSet) error {
	o := h.options()
	for i := range set.entries {
		e := &set.entries[i]
		if entryOf(o, e).StoryURL == "" {
			continue
		}
		id := strconv.FormatInt(e.Item.StoryID, 10)
		for form, name := range [nStoryForms]string{filepath.Join("story", id, "index.html"), filepath.Join("story", id+".json")} {
			if err := ctx.Err(); err != nil {
				return err
			}
			d, err := h.storyDocument(ctx, e.Item.StoryID, form)
			if errors.Is(err, errNoStory) {
				break // gone since the feed was read
			}
			if err != nil {
				return err
			}
			key := filepath.Join(dir, name)
			h.mu.Lock()
			same := h.exported[key] == d.etag
			h.mu.Unlock()
			if same {
				continue
			}
			if err := os.MkdirAll(filepath.Dir(key), 0o755); err != nil {
				return fmt.Errorf("publish: export %s: %w", name, err)
			}
			removeLeftovers(filepath.Dir(key), []string{filepath.Base(key)})
			if err := writeAtomic(filepath.Dir(key), filepath.Base(key), d.body); err != nil {
				return fmt.Errorf("publish: export %s: %w", name, err)
			}
			h.mu.Lock()
			if len(h.exported) >= maxExported {
				clear(h.exported) // some pages are written again, once
			}
			h.exported[key] = d.etag
			h.mu.Unlock()
		}
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
