package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/flock"
	"github.com/gleaner/gleaner/internal/redact"
	"github.com/gleaner/gleaner/publish/opml"
	"github.com/gleaner/gleaner/store"
)

// SourcesFile is a config file opened to edit its [[source]] blocks (gleaner
// sources add, remove, import). An edit keeps the rest of the file byte for
// byte, is validated before the file is replaced atomically, and is picked up
// by a running gleaner's reload.
type SourcesFile struct {
	Config *config.Config // the file as it was read
	disk   []byte         // the file's bytes, to tell whether it changed meanwhile
	data   []byte         // what is edited: the same without a byte order mark
	bom    []byte         // the byte order mark the file starts with, if any
}

// OpenSourcesFile reads and validates the config file at path, to edit. A file
// valid but for having no source yet may be edited: adding is what it needs.
func OpenSourcesFile(path string) (*SourcesFile, error) {
	disk, err := config.ReadFile(path)
	if err != nil {
		return nil, config.ReadError(err)
	}
	// A byte order mark, which some editors write first, is no TOML: Parse
	// passes over it, and so does the editor, which writes it back.
	data := bytes.TrimPrefix(disk, []byte("\ufeff"))
	cfg, err := config.ParsePartial(path, data)
	if err != nil && !config.OnlyNoSources(err) {
		return nil, fmt.Errorf("the config is not valid; fix it first:\n%w", err)
	}
	if err := config.CheckEditable(path, data); err != nil {
		return nil, err
	}
	return &SourcesFile{Config: cfg, disk: disk, data: data, bom: disk[:len(disk)-len(data)]}, nil
}

// Fetcher is the fetch client of the file's [poll] settings, to check feeds
// before they are added.
func (f *SourcesFile) Fetcher(version string) *fetch.Client {
	return NewFetcher(f.Config, NewHTTPClient(f.Config), version)
}

// ErrConfigChanged is the error of an edit whose file changed on disk after it
// was read (another gleaner sources command, or a hand edit, meanwhile).
var ErrConfigChanged = errors.New("the config file changed while this command ran (another edit meanwhile), so it was not written; run the command again")

// write validates the edited file and replaces the old one with it, unless the
// file on disk is no longer the one read: writing would lose the other edit.
func (f *SourcesFile) write(data []byte) (*config.Config, error) {
	cfg, err := config.Parse(f.Config.Path, data)
	if err != nil {
		return nil, fmt.Errorf("the edited config would not be valid, so it was not written:\n%w", err)
	}
	// The comparison and the replacement are one step for every gleaner
	// sources command: two at once otherwise both found the file as they read
	// it, and the second replacement lost the first's edit.
	unlock, err := lockEdits(f.Config.Path)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if now, err := config.ReadFile(f.Config.Path); err != nil {
		return nil, config.ReadError(err)
	} else if !bytes.Equal(now, f.disk) {
		return nil, ErrConfigChanged
	}
	if err := config.WriteFile(f.Config.Path, append(slices.Clip(f.bom), data...)); err != nil {
		// Which directory refuses, who owns it, and what to do (sudo): not
		// only the temporary file's name.
		return nil, store.ExplainWrite(f.Config.Path, err)
	}
	return cfg, nil
}

// lockEdits takes the flock of the directory the config file really is in
// (the file itself is replaced by a rename, so a lock on it would not outlive
// an edit; a link to it is followed, as the write follows it), waiting for
// another edit's to end; unlock releases it. Where flock is not available or
// fails (some network file systems), or the directory cannot be opened (the
// write then says why), it takes nothing: the comparison still catches most.
func lockEdits(path string) (unlock func(), err error) {
	dir, err := os.Open(filepath.Dir(realPath(path)))
	if err != nil {
		return func() {}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	switch err := flock.Lock(ctx, dir, 10*time.Millisecond); {
	case errors.Is(err, context.DeadlineExceeded):
		dir.Close()
		return nil, fmt.Errorf("another edit of %s has held it for 10s: %w", path, ErrConfigChanged)
	case err != nil:
		dir.Close()
		return func() {}, nil
	}
	return func() { dir.Close() }, nil
}

// ErrSourceExists is the error of adding a URL already configured.
var ErrSourceExists = errors.New("source already configured")

// find returns the index of the source whose URL is the same as url
// (config.SameURL), -1 for none.
func (f *SourcesFile) find(url string) int {
	for i, s := range f.Config.Sources {
		if config.SameURL(s.URL, url) {
			return i
		}
	}
	return -1
}

// findFeed is find, but also finds the source that is url over the other
// scheme (http or https): the same feed, polled and stored twice.
func (f *SourcesFile) findFeed(url string) int {
	for i, s := range f.Config.Sources {
		if config.FeedKey(s.URL) == config.FeedKey(url) {
			return i
		}
	}
	return -1
}

// exists is the error of adding url when it is the i-th source.
func (f *SourcesFile) exists(url string, i int) error {
	s := f.Config.Sources[i]
	if !config.SameURL(s.URL, url) {
		return fmt.Errorf("%w: %s is source %d (%s) over the other scheme, %s, in %s: the feed would be polled and stored twice",
			ErrSourceExists, url, i+1, s.Name, s.URL, f.Config.Path)
	}
	return fmt.Errorf("%w: %s is source %d (%s) in %s", ErrSourceExists, url, i+1, s.Name, f.Config.Path)
}

// Added is what SourcesFile.Add did.
type Added struct {
	Asked string // the URL as given, without surrounding space
	// Found is what fetching Asked found, nil when it was not fetched; its
	// URL is empty when Asked did not lead to a feed.
	Found  *fetch.Discovered
	Number int           // the new source's number in the file, from 1
	Source config.Source // as the edited file reads it
	// Warnings are gleaner check's warnings about the new source (a name
	// another source has, an interval under a minute).
	Warnings config.Errors
}

// Add appends a [[source]] block for src. With a fetch client it fetches the
// URL first and adds the feed it leads to (the URL itself, where it moved
// permanently, or a feed that the page advertises), named by the feed's
// title unless src has a name; without one (fc nil) it adds the URL as it is.
// A URL configured already is refused with ErrSourceExists; a bad value of
// another field of src, before anything is fetched, with the first
// *config.SourceError, which names the field.
func (f *SourcesFile) Add(ctx context.Context, src config.Source, fc *fetch.Client) (Added, error) {
	a := Added{Asked: strings.TrimSpace(src.URL)}
	if err := config.CheckSourceURL(a.Asked); err != nil {
		return a, fmt.Errorf("%s: %w", a.Asked, err)
	}
	src.URL = a.Asked
	if problems := config.CheckSource(src); len(problems) > 0 {
		return a, problems[0]
	}
	if i := f.findFeed(a.Asked); i >= 0 {
		return a, f.exists(a.Asked, i)
	}
	if fc != nil {
		found, err := fc.FindFeed(ctx, a.Asked)
		a.Found = &found
		if err != nil {
			return a, err
		}
		if i := f.findFeed(found.URL); i >= 0 {
			return a, f.exists(found.URL, i)
		}
		src.URL = found.URL
		if src.Name == "" {
			src.Name = found.Title
		}
	}
	out, err := f.write(config.AppendSources(f.data, []config.Source{src}))
	if err != nil {
		return a, err
	}
	a.Number = len(out.Sources)
	a.Source = out.Sources[a.Number-1]
	a.Warnings = sourceWarnings(out, a.Number-1, a.Number)
	return a, nil
}

// sourceWarnings are cfg's warnings about its sources from (0-based) to before to.
func sourceWarnings(cfg *config.Config, from, to int) config.Errors {
	var out config.Errors
	for _, w := range cfg.Warnings {
		for i := from; i < to; i++ {
			if key := fmt.Sprintf("source[%d]", i); w.Key == key || strings.HasPrefix(w.Key, key+".") {
				out = append(out, w)
				break
			}
		}
	}
	return out
}

// Remove deletes the [[source]] block of the one source whose URL or name is
// arg (MatchSource), and returns that source and its number, from 1.
func (f *SourcesFile) Remove(arg string) (config.Source, int, error) {
	i, err := MatchSource(f.Config, arg)
	if err != nil {
		return config.Source{}, 0, err
	}
	out, err := config.RemoveSource(f.data, i)
	if err != nil {
		return config.Source{}, 0, err
	}
	if _, err := f.write(out); err != nil {
		return config.Source{}, 0, err
	}
	return f.Config.Sources[i], i + 1, nil
}

// MatchSource finds the one source of cfg whose URL or name is arg: the same
// URL (config.SameURL), else the URL as the CLI shows it with its secrets
// redacted (redact.Marked) when only one source shows so, else the name as
// written, else the name in any case. Several sources of that name are an
// error that lists their URLs.
func MatchSource(cfg *config.Config, arg string) (int, error) {
	f := SourcesFile{Config: cfg}
	if i := f.find(arg); i >= 0 {
		return i, nil
	}
	redacted := strings.Contains(arg, redact.Placeholder)
	var hits []int
	if redacted {
		hits = redactedMatches(cfg, arg)
		switch {
		case len(hits) == 1:
			return hits[0], nil
		case len(hits) > 1:
			return -1, fmt.Errorf("%d sources show as %s with their secrets redacted; remove one by name, or by its URL as gleaner sources -show-secrets shows it", len(hits), arg)
		}
	}
	for i, s := range cfg.Sources {
		if s.Name == arg {
			hits = append(hits, i)
		}
	}
	if len(hits) == 0 {
		for i, s := range cfg.Sources {
			if strings.EqualFold(s.Name, arg) {
				hits = append(hits, i)
			}
		}
	}
	switch len(hits) {
	case 0:
		if redacted {
			return -1, fmt.Errorf("%w: no source in %s has the URL or name %q (URLs are shown with their secrets as %s; gleaner sources -show-secrets shows them as they are)", config.ErrNoSuchSource, cfg.Path, arg, redact.Placeholder)
		}
		return -1, fmt.Errorf("%w: no source in %s has the URL or name %q", config.ErrNoSuchSource, cfg.Path, arg)
	case 1:
		return hits[0], nil
	}
	var urls []string
	for _, i := range hits {
		urls = append(urls, cfg.Sources[i].URL)
	}
	return -1, fmt.Errorf("%d sources are named %q; remove one by URL: %s", len(hits), arg, strings.Join(urls, ", "))
}

// redactedMatches are the configured sources whose URL, with its secrets
// redacted as gleaner's listings print it (redact.Marked), is u.
func redactedMatches(cfg *config.Config, u string) []int {
	var hits []int
	for i, s := range cfg.Sources {
		if config.SameURL(redact.Marked(s.URL), u) {
			hits = append(hits, i)
		}
	}
	return hits
}

// SourceStatus returns the polling state of every source the database of cfg
// knows, then, when withConfigured, the configured sources it does not know
// yet, as pending. found is false when there is no database yet (nothing has
// been polled).
func SourceStatus(ctx context.Context, cfg *config.Config, withConfigured bool) (status []aggregate.SourceStatus, found bool, err error) {
	if _, err := os.Stat(cfg.Database); !errors.Is(err, fs.ErrNotExist) {
		found = true
		st, err := openMigrating(ctx, cfg.Database, store.OpenForReading)
		if err != nil {
			return nil, true, err
		}
		defer st.Close()
		if status, err = st.SourceStatus(ctx); err != nil {
			return nil, true, err
		}
	}
	if !withConfigured {
		return status, found, nil
	}
	known := make(map[string]bool, len(status))
	for _, ss := range status {
		known[ss.Source.URL] = true
	}
	for _, s := range cfg.Sources {
		if !known[s.URL] {
			status = append(status, aggregate.SourceStatus{Source: aggregate.Source{Name: s.Name, URL: s.URL}, Active: true})
		}
	}
	return status, found, nil
}

// SourcesOPML is the configured sources of cfg as an OPML 2.0 document
// (gleaner sources export) dated now, their URLs as out shows them, and how
// many of those URLs out redacted.
func SourcesOPML(cfg *config.Config, out *redact.Output, now time.Time) (doc []byte, redacted int, err error) {
	feeds := make([]opml.Feed, len(cfg.Sources))
	for i, s := range cfg.Sources {
		feeds[i] = opml.Feed{Name: s.Name, URL: out.URL(s.URL), Timezone: s.Timezone}
		if s.Interval.D() != cfg.Poll.Interval.D() {
			feeds[i].Interval = s.Interval.String() // the source's own
		}
		if feeds[i].URL != s.URL {
			redacted++
		}
	}
	doc, err = opml.Marshal(cfg.Feed.Title+" — sources", now, feeds)
	return doc, redacted, err
}
