package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate/sanitize"
	"github.com/gleaner/gleaner/internal/flock"
)

// Export writes feed.atom, feed.rss, feed.json, index.html and sources.opml of the
// default rendering to dir, and the story page of each of its entries that links
// to one (story/ID/index.html, served as /story/ID/, which static servers
// redirect /story/ID to, and story/ID.json; see exportEarlier for those of
// stories merged or gone since), each atomically: written to a temporary file in dir,
// synced, then renamed over the old one, so that a web server serving dir never
// sends a half-written file. It renders first if nothing was rendered yet, and
// creates dir (mode 0755, as a web server must read it) if it is missing.
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
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("publish: export: %w", err)
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
	// The story pages the new feeds link to first, the feeds then, the pages of
	// stories they no longer link to last: an export that fails midway (a full
	// disk) leaves feeds whose every story page is there.
	done := map[int64]bool{}
	if err := h.exportLinked(ctx, dir, set, done); err != nil {
		return err
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
	if err := h.exportEarlier(ctx, dir, done); err != nil {
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

// exportLinked writes the story pages the default rendering links to, noting
// each story in done. A page written to dir before with the same bytes is not
// written again.
func (h *Handler) exportLinked(ctx context.Context, dir string, set *defaultSet, done map[int64]bool) error {
	o := h.options()
	for i := range set.entries {
		e := &set.entries[i]
		if entryOf(o, e).StoryURL == "" || done[e.Item.StoryID] {
			continue
		}
		done[e.Item.StoryID] = true
		if err := h.exportStory(ctx, dir, o, e.Item.StoryID, done); err != nil {
			return err
		}
	}
	return nil
}

// exportEarlier makes the story files an earlier export left for stories not
// in done follow the store: the page of a story merged into another becomes a
// redirect to that one's (exportMoved), one that changed is written again, and
// the files of a story that is gone are removed.
func (h *Handler) exportEarlier(ctx context.Context, dir string, done map[int64]bool) error {
	o := h.options()
	earlier, err := exportedStories(filepath.Join(dir, "story"))
	if err != nil {
		return fmt.Errorf("publish: export story: %w", err)
	}
	// Not listed: their files stay as they are while their stories do. One read
	// for all of them: the files of every story that ever had a page pile up.
	earlier = slices.DeleteFunc(earlier, func(id int64) bool { return done[id] })
	fates, err := h.lister.StoryFates(ctx, earlier)
	if err != nil {
		return fmt.Errorf("publish: export story: %w", err)
	}
	updated, err := h.lister.StoriesUpdated(ctx, earlier)
	if err != nil {
		return fmt.Errorf("publish: export story: %w", err)
	}
	for _, id := range earlier {
		if err := ctx.Err(); err != nil {
			return err
		}
		done[id] = true
		switch to, ok := fates[id]; {
		case !ok:
			err = h.removeStory(dir, id)
		case to != id:
			err = h.exportMoved(ctx, dir, o, id, to, done)
		case changedSince(dir, id, updated[id]):
			// Changed since its files were written (a report labelled out,
			// one that joined): written again, and dated now even when its
			// bytes were the same (written already by this process), so that
			// the next export does not find it changed again.
			// Rendered from the store: a page cached at this refresh may
			// be from before the change.
			h.mu.Lock()
			h.dropStory(id)
			h.mu.Unlock()
			if err = h.exportStory(ctx, dir, o, id, done); err == nil {
				touchStory(dir, id)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// changedSince reports whether story id changed at updated or after its files
// in dir were written (to the second, as the store keeps times), or whether
// either file is missing.
func changedSince(dir string, id int64, updated time.Time) bool {
	for _, name := range storyFiles(id) {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !updated.Before(fi.ModTime().Truncate(time.Second)) {
			return true
		}
	}
	return false
}

// touchStory dates the files of story id's page now, where they exist.
func touchStory(dir string, id int64) {
	now := time.Now()
	for _, name := range storyFiles(id) {
		os.Chtimes(filepath.Join(dir, name), now, now) // a file removed meanwhile is no matter
	}
}

// exportStory writes both forms of story id's page; those of a story merged
// into another since the feed was read answer as the daemon does
// (exportMoved), those of a story gone since are removed. done holds the
// stories exported so far.
func (h *Handler) exportStory(ctx context.Context, dir string, o Options, id int64, done map[int64]bool) error {
	for form := range nStoryForms {
		if err := ctx.Err(); err != nil {
			return err
		}
		d, err := h.storyDocument(ctx, id, form)
		var moved movedStory
		switch {
		case errors.As(err, &moved):
			return h.exportMoved(ctx, dir, o, id, int64(moved), done)
		case errors.Is(err, errNoStory):
			return h.removeStory(dir, id)
		case err != nil:
			return err
		}
		if err := h.writeStoryFile(dir, storyFiles(id)[form], d.body, d.etag); err != nil {
			return err
		}
	}
	return nil
}

// exportMoved writes the files of story id, merged into story to, as a static
// server can answer for them what the daemon's 301 does: story/ID/index.html
// is a page that sends the reader on to the other one's (and names it as
// canonical), story/ID.json the other one's JSON, which gives its own id and
// URL. The other story's page is written too, unless it was already.
func (h *Handler) exportMoved(ctx context.Context, dir string, o Options, id, to int64, done map[int64]bool) error {
	if !done[to] {
		done[to] = true
		if err := h.exportStory(ctx, dir, o, to, done); err != nil {
			return err
		}
	}
	js, err := h.storyDocument(ctx, to, storyJSON)
	if errors.Is(err, errNoStory) {
		return h.removeStory(dir, id) // the other one is gone too
	}
	if err != nil {
		return err
	}
	d := struct {
		ID        int64
		URL, To   string
		FeedTitle string
	}{ID: id, URL: storyURL(o, to), To: "../" + strconv.FormatInt(to, 10) + "/", FeedTitle: sanitize.Text(o.Title)}
	page, err := execute(movedTemplate, clock{loc: o.Location}, d, nil)
	if err != nil {
		return fmt.Errorf("publish: render story %d moved: %w", id, err)
	}
	files := storyFiles(id)
	if err := h.writeStoryFile(dir, files[storyHTML], page, etagOf(page)); err != nil {
		return err
	}
	return h.writeStoryFile(dir, files[storyJSON], js.body, js.etag)
}

var movedTemplate = parseTemplate("moved.html")

// storyFiles are the files of story id's page in an export, by form.
func storyFiles(id int64) [nStoryForms]string {
	s := strconv.FormatInt(id, 10)
	return [nStoryForms]string{filepath.Join("story", s, "index.html"), filepath.Join("story", s+".json")}
}

// exportedStories lists the stories an export wrote files for in storyDir:
// story/ID/ and story/ID.json, ID as the daemon reads it in /story/ID; other
// names are not gleaner's.
func exportedStories(storyDir string) ([]int64, error) {
	list, err := os.ReadDir(storyDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, e := range list {
		id, json, ok := storyPath("/story/" + e.Name())
		if ok && (e.IsDir() && !json || e.Type().IsRegular() && json) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// writeStoryFile writes b, whose ETag is tag, to name in dir, unless this
// Handler wrote the same bytes there before.
func (h *Handler) writeStoryFile(dir, name string, b []byte, tag string) error {
	key := filepath.Join(dir, name)
	h.mu.Lock()
	same := h.exported[key] == tag
	h.mu.Unlock()
	if same {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(key), 0o755); err != nil {
		return fmt.Errorf("publish: export %s: %w", name, err)
	}
	removeLeftovers(filepath.Dir(key), []string{filepath.Base(key)})
	if err := writeAtomic(filepath.Dir(key), filepath.Base(key), b); err != nil {
		return fmt.Errorf("publish: export %s: %w", name, err)
	}
	h.mu.Lock()
	if len(h.exported) >= maxExported {
		clear(h.exported) // some pages are written again, once
	}
	h.exported[key] = tag
	h.mu.Unlock()
	return nil
}

// removeStory removes the files of story id's page from dir, and its
// directory once that holds nothing else: only what an export writes.
func (h *Handler) removeStory(dir string, id int64) error {
	for _, name := range storyFiles(id) {
		key := filepath.Join(dir, name)
		if !wroteStoryFile(key, id) {
			continue // someone else's file under story/ (story/2024/index.html): not ours to remove
		}
		h.mu.Lock()
		delete(h.exported, key)
		h.mu.Unlock()
		removeLeftovers(filepath.Dir(key), []string{filepath.Base(key)})
		switch err := os.Remove(key); {
		case err == nil:
			if filepath.Base(key) == "index.html" {
				os.Remove(filepath.Dir(key)) // fails, as it should, when something else is there
			}
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("publish: export: remove %s: %w", name, err)
		}
	}
	return nil
}

// wroteStoryFile reports whether the file at path is a file of story id an
// export wrote: a page that names gleaner as its generator, or, as pages did
// before they named it, links to the story's JSON and says it was made by
// gleaner; or a story's JSON (an object with a number id and a story page url).
func wroteStoryFile(path string, id int64) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	if strings.HasSuffix(path, ".json") {
		var st struct {
			ID  *int64 `json:"id"`
			URL string `json:"url"`
		}
		return json.Unmarshal(b, &st) == nil && st.ID != nil && strings.Contains(st.URL, "/story/")
	}
	if bytes.Contains(b, []byte(`<meta name="generator" content="gleaner">`)) {
		return true
	}
	json := []byte("/story/" + strconv.FormatInt(id, 10) + `.json">`)
	return bytes.Contains(b, []byte(`<link rel="alternate" type="application/json" href="`)) && bytes.Contains(b, json) &&
		bytes.Contains(b, []byte("made by gleaner</footer>"))
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
