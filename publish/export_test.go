package publish

import (
	"bytes"
	"encoding/json"
	"errors"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

func TestExport(t *testing.T) {
	h, st := newTestHandler(t, fixtureOptions(), fixtureEntries())
	dir := t.TempDir()
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	served := map[string]string{"feed.atom": "/feed.atom", "feed.rss": "/feed.rss", "feed.json": "/feed.json", "index.html": "/", "sources.opml": "/sources.opml"}
	before := map[string]os.FileInfo{}
	for name, path := range served {
		f := filepath.Join(dir, name)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		served := body(t, get(t, h, "GET", path))
		if name == "index.html" {
			// The served page says how long ago; a static file cannot keep that
			// true, so it gives the times themselves.
			if !bytes.Contains(served, []byte(" ago</time>")) || bytes.Contains(b, []byte(" ago</time>")) || !bytes.Contains(b, []byte("2025-03-10 17:30 KST</time>")) {
				t.Errorf("index.html should give absolute times where / gives relative ones:\n%s", b)
			}
		} else if !bytes.Equal(b, served) {
			t.Errorf("%s differs from what %s serves", name, path)
		}
		fi, _ := os.Stat(f)
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s has mode %v, want 0644 for a web server to read", name, fi.Mode().Perm())
		}
		before[name] = fi
	}
	// The exported page carries its CSP itself: a static host sends no header.
	if page, _ := os.ReadFile(filepath.Join(dir, "index.html")); !bytes.Contains(page, []byte(`http-equiv="Content-Security-Policy"`)) {
		t.Errorf("exported index.html has no CSP meta element")
	}

	entries := fixtureEntries()
	entries[0].Item.Title = "과기정통부, 인공지능 기본법 시행령 확정"
	st.set(entries)
	h.Refresh(t.Context())
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	list, _ := os.ReadDir(dir)
	list = slices.DeleteFunc(list, func(e os.DirEntry) bool { return e.Name() == "story" && e.IsDir() })
	if len(list) != len(served) {
		var names []string
		for _, e := range list {
			names = append(names, e.Name())
		}
		t.Errorf("export left %d files (%s), want %d: temporary files behind?", len(list), strings.Join(names, " "), len(served))
	}
	atom, _ := os.ReadFile(filepath.Join(dir, "feed.atom"))
	if !bytes.Contains(atom, []byte("시행령 확정")) {
		t.Errorf("the second export did not write the new feed")
	}
	// Written by rename, not in place: a reader holding the old file keeps a whole one.
	after, _ := os.Stat(filepath.Join(dir, "feed.atom"))
	if os.SameFile(before["feed.atom"], after) {
		t.Errorf("feed.atom was rewritten in place rather than replaced")
	}

	// The story pages the entries link to, as a static host serves /story/ID.
	page, err := os.ReadFile(filepath.Join(dir, "story", "12", "index.html"))
	if err != nil || !bytes.Contains(page, []byte(`http-equiv="Content-Security-Policy"`)) || bytes.Count(page, []byte("</li>")) != 25 {
		t.Errorf("story page 12: %v, %d reports listed, want 25 and a CSP meta element", err, bytes.Count(page, []byte("</li>")))
	}
	var js struct{ Members []struct{ URL string } }
	if b, err := os.ReadFile(filepath.Join(dir, "story", "11.json")); err != nil || json.Unmarshal(b, &js) != nil || len(js.Members) != 3 {
		t.Errorf("story/11.json: %v, %d members, want 3", err, len(js.Members))
	}
	if _, err := os.Stat(filepath.Join(dir, "story", "13", "index.html")); err == nil {
		t.Errorf("a page was written for a story of one report")
	}
	storyBefore, _ := os.Stat(filepath.Join(dir, "story", "12.json"))
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	if storyAfter, _ := os.Stat(filepath.Join(dir, "story", "12.json")); !os.SameFile(storyBefore, storyAfter) {
		t.Errorf("an unchanged story page was written again")
	}

	// A missing directory is created (TestExportCreatesTheDirectory); one that
	// cannot be, under a file, is an error.
	if err := h.Export(t.Context(), filepath.Join(dir, "feed.atom", "dir")); err == nil {
		t.Errorf("export under a file succeeded")
	}
}

func TestExportBeforeRefresh(t *testing.T) {
	st := &fakeStore{entries: fixtureEntries()}
	h := New(fixtureOptions(), st, nil, testLogger(t))
	dir := t.TempDir()
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "feed.rss")); err != nil || !bytes.Contains(b, []byte("입법예고")) {
		t.Errorf("export before any Refresh: %v", err)
	}
}

// TestExportCreatesTheDirectory: a missing export directory ([publish]
// export_dir, gleaner export -out) is created.
func TestExportCreatesTheDirectory(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	dir := filepath.Join(t.TempDir(), "www", "feeds")
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		t.Fatalf("export directory: %v %v", fi, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "feed.atom")); err != nil {
		t.Error(err)
	}
}

// TestExportRemovesWhatAnInterruptedOneLeft puts in the directory the temporary
// files a killed export leaves: the next export removes them and nothing else.
func TestExportRemovesWhatAnInterruptedOneLeft(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	dir := t.TempDir()
	left := []string{".index.html.2837462.tmp", ".feed.atom.11.tmp", ".sources.opml.999999.tmp"}
	kept := []string{".other.html.12.tmp", "notes.txt", ".index.html.swp"}
	for _, name := range append(append([]string{}, left...), kept...) {
		if err := os.WriteFile(filepath.Join(dir, name), bytes.Repeat([]byte("x"), 1<<20), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range left {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s is still there", name)
		}
	}
	for _, name := range kept {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s, not an export's, was removed: %v", name, err)
		}
	}
}

// TestConcurrentExports runs exports to one directory at once (the daemon's and a
// cron job's): each succeeds, and the directory ends with the five files and
// the story pages only.
func TestConcurrentExports(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = h.Export(t.Context(), dir) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("export %d: %v", i, err)
		}
	}
	if list, _ := os.ReadDir(dir); len(list) != 6 {
		t.Errorf("%d files after concurrent exports, want 5 and the story directory", len(list))
	}
	var stories []string
	filepath.WalkDir(filepath.Join(dir, "story"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			stories = append(stories, rel)
		}
		return nil
	})
	slices.Sort(stories)
	if want := []string{"story/11.json", "story/11/index.html", "story/12.json", "story/12/index.html"}; !slices.Equal(stories, want) {
		t.Errorf("story files %q, want %q", stories, want)
	}
}

// TestExportedPageLinksExist: every link of the exported index.html to the site
// itself names a file the export wrote; a static host serves no status page and
// ignores a query string, so the language and category links are left out.
func TestExportedPageLinksExist(t *testing.T) {
	o := fixtureOptions()
	h, _ := newTestHandler(t, o, fixtureEntries())
	dir := t.TempDir()
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	hrefs := regexp.MustCompile(`href="([^"]*)"`).FindAllSubmatch(page, -1)
	own := 0
	for _, m := range hrefs {
		href := html.UnescapeString(string(m[1]))
		if !strings.HasPrefix(href, o.BaseURL) {
			continue
		}
		own++
		rel := strings.TrimPrefix(href, o.BaseURL)
		if strings.Contains(rel, "?") {
			t.Errorf("exported link %q has a query a static host ignores", href)
			continue
		}
		if rel == "" {
			rel = "index.html"
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			if _, err2 := os.Stat(filepath.Join(dir, filepath.FromSlash(rel)+".html")); err2 != nil {
				t.Errorf("exported link %q names no exported file", href)
			}
		}
	}
	if own == 0 {
		t.Fatalf("no link to the site itself in the exported page:\n%s", page)
	}
	// Without links, the categories are still tags the stylesheet draws: bare
	// in their list items they read as a line of the article.
	lists := regexp.MustCompile(`<ul class="facets">(.*?)</ul>`).FindAllSubmatch(page, -1)
	if len(lists) == 0 {
		t.Fatalf("no categories in the exported page")
	}
	for _, l := range lists {
		if !regexp.MustCompile(`^(<li><span>[^<]+</span></li>)+$`).Match(l[1]) {
			t.Errorf("exported categories not drawn as tags: %s", l[1])
		}
	}
	if !regexp.MustCompile(`\.facets span[,{]`).Match(page) {
		t.Errorf("the exported page's stylesheet draws no .facets span")
	}
}

// TestExportFollowsMergedAndDeletedStories exports, then merges story 11 into
// 12 and deletes story 15 (its items labelled out), and exports again, as the
// daemon would and as a cron job's first export does: story 11's files answer
// as the daemon's 301 does, story 15's are gone, and nothing else in story/ is
// touched.
func TestExportFollowsMergedAndDeletedStories(t *testing.T) {
	entries, h, st, dir := exportWithStory15(t)
	for _, name := range []string{"story/11/index.html", "story/11.json", "story/15/index.html", "story/15.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Fatalf("first export: %v", err)
		}
	}
	// Story 15's page as an export before pages named their generator wrote it.
	old := filepath.Join(dir, "story", "15", "index.html")
	page, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, bytes.Replace(page, []byte(`<meta name="generator" content="gleaner">`+"\n"), nil, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	// What a user put beside the export's files, some named almost like them.
	// story/2024/ is named as a story's would be, but it is no page of one.
	theirs := []string{"story/notes.txt", "story/015.json", "story/15.json.bak", "story/abc/index.html", "story/16/photo.jpg", "story/0/index.html",
		"story/2024/index.html", "story/2024.json"}
	for _, name := range theirs {
		f := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(f), 0o755)
		if err := os.WriteFile(f, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	st.mu.Lock()
	st.entries = slices.Delete(slices.Clone(entries), 3, 4) // story 15: deleted
	st.entries = slices.Delete(st.entries, 0, 1)            // story 11: merged into 12
	st.merged = map[int64]int64{11: 12}
	st.mu.Unlock()
	for name, exporter := range daemonAndCron(t, h, st) {
		if err := exporter.Export(t.Context(), dir); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		page, err := os.ReadFile(filepath.Join(dir, "story", "11", "index.html"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, want := range []string{`<meta http-equiv="refresh" content="0; url=../12/">`, `<meta name="viewport" content="width=device-width, initial-scale=1">`,
			`<link rel="canonical" href="https://feeds.example.com/ai-policy/story/12">`, `<a href="../12/">`} {
			if !bytes.Contains(page, []byte(want)) {
				t.Errorf("%s: story/11/index.html lacks %s:\n%s", name, want, page)
			}
		}
		js, _ := os.ReadFile(filepath.Join(dir, "story", "11.json"))
		if want, _ := os.ReadFile(filepath.Join(dir, "story", "12.json")); len(want) == 0 || !bytes.Equal(js, want) {
			t.Errorf("%s: story/11.json is not the JSON of story 12 it was merged into:\n%s", name, js)
		}
		for _, gone := range []string{"story/15/index.html", "story/15.json", "story/15"} {
			if _, err := os.Stat(filepath.Join(dir, gone)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s: %s of the deleted story is still there (%v)", name, gone, err)
			}
		}
		for _, name := range theirs {
			if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); err != nil || string(b) != "mine" {
				t.Errorf("%s, not the export's, was removed or changed: %v", name, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "story", "12", "index.html")); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// exportWithStory15 exports the fixture's entries, the fourth made story 15 of
// two reports, to a new directory.
func exportWithStory15(t *testing.T) ([]aggregate.Entry, *Handler, *fakeStore, string) {
	t.Helper()
	entries := fixtureEntries()
	entries[3].Item.StoryID, entries[3].Reports = 15, 2
	h, st := newTestHandler(t, fixtureOptions(), entries)
	dir := t.TempDir()
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	return entries, h, st, dir
}

// exportStory15OfFour exports a feed of four entries at most, the fourth made
// story 15 of two reports, to a new directory.
func exportStory15OfFour(t *testing.T) ([]aggregate.Entry, *Handler, *fakeStore, string) {
	t.Helper()
	o := fixtureOptions()
	o.MaxItems = 4
	entries := fixtureEntries()[:4]
	entries[3].Item.StoryID, entries[3].Reports = 15, 2
	h, st := newTestHandler(t, o, entries)
	dir := t.TempDir()
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	return entries, h, st, dir
}

// newerEntry is a story of its own, an hour newer than e, to push the oldest
// entry out of a full feed.
func newerEntry(e aggregate.Entry) aggregate.Entry {
	e.ID, e.Item.ID, e.Item.StoryID = "urn:uuid:newer", 999, 99
	e.Item.URL, e.Item.GUID = "https://news.example/newer", "https://news.example/newer"
	e.Item.Published = e.Item.Published.Add(time.Hour)
	return e
}

// daemonAndCron refreshes the daemon's handler h on st and returns it with a
// handler of a new process on st (gleaner export from cron), which remembers no
// earlier export, to export by each.
func daemonAndCron(t *testing.T, h *Handler, st *fakeStore) map[string]*Handler {
	t.Helper()
	if _, err := h.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	cron := New(fixtureOptions(), st, st, testLogger(t))
	cron.SetSources(fixtureSources())
	return map[string]*Handler{"daemon": h, "cron": cron}
}

// TestExportOfStoryMergedAfterRefresh: a story the feed lists was merged into
// another after the feed was read (a cron export beside a running daemon).
// The export does not stop there: it writes every file, that story's as the
// redirect to the other one.
func TestExportOfStoryMergedAfterRefresh(t *testing.T) {
	h, st := newTestHandler(t, fixtureOptions(), fixtureEntries())
	st.mu.Lock()
	st.merged = map[int64]int64{11: 12}
	st.mu.Unlock()
	dir := t.TempDir()
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatalf("export with a listed story merged since the feed was read: %v", err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "story", "11", "index.html"))
	if err != nil || !bytes.Contains(page, []byte(`<meta http-equiv="refresh" content="0; url=../12/">`)) {
		t.Errorf("story/11/index.html is no redirect to story 12 (%v):\n%s", err, page)
	}
	js, _ := os.ReadFile(filepath.Join(dir, "story", "11.json"))
	if want, err := os.ReadFile(filepath.Join(dir, "story", "12.json")); err != nil || !bytes.Equal(js, want) {
		t.Errorf("story/11.json is not the JSON of story 12 (%v)", err)
	}
}

// TestExportRewritesChangedStoryPages: a story whose entry no longer links its
// page (one of its two reports labelled out) keeps its files, but they follow
// the store: written again when the story changed after them, left alone
// when it did not.
func TestExportRewritesChangedStoryPages(t *testing.T) {
	entries, h, st, dir := exportWithStory15(t)
	js := filepath.Join(dir, "story", "15.json")
	if b, err := os.ReadFile(js); err != nil || !bytes.Contains(b, []byte("Report 1")) {
		t.Fatalf("first export's story/15.json lacks the second report: %v\n%s", err, b)
	}
	old := time.Now().Add(-time.Hour) // the files of an earlier export
	for _, f := range []string{js, filepath.Join(dir, "story", "15", "index.html")} {
		if err := os.Chtimes(f, old, old); err != nil {
			t.Fatal(err)
		}
	}
	st.mu.Lock()
	st.entries = slices.Clone(entries)
	st.entries[3].Reports, st.entries[3].Updated = 1, time.Now() // its second report labelled out now
	st.mu.Unlock()
	for name, exporter := range daemonAndCron(t, h, st) {
		if err := exporter.Export(t.Context(), dir); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b, err := os.ReadFile(js); err != nil || bytes.Contains(b, []byte("Report 1")) {
			t.Errorf("%s: story/15.json still lists the report labelled out: %v\n%s", name, err, b)
		}
	}
	// Unchanged since: not written again.
	st.mu.Lock()
	st.entries[3].Updated = old.Add(-time.Hour)
	st.mu.Unlock()
	if err := os.WriteFile(js, []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := daemonAndCron(t, h, st)["cron"].Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(js); string(b) != "kept" {
		t.Errorf("story/15.json of a story unchanged since it was written was written again")
	}
}

// TestExportSettlesAfterRewritingAStoryPage: a story that changed in the
// second its page was written, and then left the feed (newer stories pushed
// it out), has its page read and written again once, not at every later
// export (a file written with the same bytes keeps its time: it is dated now).
func TestExportSettlesAfterRewritingAStoryPage(t *testing.T) {
	entries, h, st, dir := exportStory15OfFour(t)
	fi, err := os.Stat(filepath.Join(dir, "story", "15.json"))
	if err != nil {
		t.Fatal(err)
	}
	newer := newerEntry(entries[0])
	st.mu.Lock()
	st.entries = append([]aggregate.Entry{newer}, slices.Clone(entries)...)
	st.entries[4].Updated = fi.ModTime() // changed in the second its files were written
	st.mu.Unlock()
	// As the daemon does: a refresh, then an export, after each round; the
	// store keeps times to the second, so the page settles once its files are
	// dated after the change's second.
	var calls []int
	for i := range 3 {
		if i == 1 {
			time.Sleep(time.Until(fi.ModTime().Truncate(time.Second).Add(time.Second + 10*time.Millisecond)))
		}
		if _, err := h.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		st.mu.Lock()
		before := st.stories
		st.mu.Unlock()
		if err := h.Export(t.Context(), dir); err != nil {
			t.Fatal(err)
		}
		st.mu.Lock()
		calls = append(calls, st.stories-before)
		st.mu.Unlock()
	}
	if calls[0] == 0 || calls[2] != 0 {
		t.Errorf("story reads per export %v: want the changed page read, then no more", calls)
	}
}

// TestExportRewritesFromTheStore: an off-feed story page found changed is
// rendered from the store, not from the page the daemon cached at this
// refresh (a reader asked /story/ID before the change), whose bytes the files
// already have: else the stale page would be dated after the change and kept.
func TestExportRewritesFromTheStore(t *testing.T) {
	entries, h, st, dir := exportStory15OfFour(t)
	newer := newerEntry(entries[0])
	st.mu.Lock()
	st.entries = append([]aggregate.Entry{newer}, slices.Clone(entries)...) // story 15 leaves the feed
	st.mu.Unlock()
	if _, err := h.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, get(t, h, "GET", "/story/15.json"), 200) // cached at this refresh
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	st.entries[4].Reports, st.entries[4].Updated = 1, time.Now() // its second report labelled out
	st.mu.Unlock()
	time.Sleep(1100 * time.Millisecond)
	if err := h.Export(t.Context(), dir); err != nil { // before the daemon's next refresh
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := h.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "story", "15.json")); err != nil || bytes.Contains(b, []byte("Report 1")) {
		t.Errorf("story/15.json still lists the report labelled out (%v):\n%s", err, b)
	}
}

// TestExportKeepsTheStoryCacheCount: rewriting an off-feed story page drops its
// cached page and that page's bytes from the cache's count, which would else
// grow at each rewrite until the cache emptied itself for nothing.
func TestExportKeepsTheStoryCacheCount(t *testing.T) {
	entries, h, st, dir := exportStory15OfFour(t)
	st.mu.Lock()
	st.entries = append([]aggregate.Entry{newerEntry(entries[0])}, slices.Clone(entries)...)
	st.entries[4].Updated = time.Now().Add(time.Hour) // found changed at every export
	st.mu.Unlock()
	if _, err := h.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		mustStatus(t, get(t, h, "GET", "/story/15.json"), 200) // cached
		if err := h.Export(t.Context(), dir); err != nil {
			t.Fatal(err)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	sum := 0
	for _, sd := range h.stories {
		sum += sd.size
	}
	if h.storyBytes != sum {
		t.Errorf("the story cache counts %d bytes, holds %d", h.storyBytes, sum)
	}
}

// TestFailedExportKeepsFeedsWithTheirPages: an export that cannot write a story
// page (a full disk, here a file where its directory goes) fails before it
// replaces the feeds, so that no feed links to a page that is not there; the
// next export that can writes both.
func TestFailedExportKeepsFeedsWithTheirPages(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "story"), 0o755); err != nil {
		t.Fatal(err)
	}
	blocker := filepath.Join(dir, "story", "12")
	if err := os.WriteFile(blocker, []byte("in the way"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := h.Export(t.Context(), dir); err == nil {
		t.Fatal("export succeeded with story/12 blocked")
	}
	for _, name := range exportNames {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was written though a story page it links to could not be", name)
		}
	}
	os.Remove(blocker)
	if err := h.Export(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"feed.atom", "story/12/index.html", "story/12.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("after the blocker went: %v", err)
		}
	}
}
