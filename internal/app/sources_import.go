package app

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/redact"
	"github.com/gleaner/gleaner/publish/opml"
)

// Import decides which outlines of an OPML file `gleaner sources import`
// adds to a SourcesFile, and says of every other one why not: Import screens
// the outlines, Check fetches those left, Write appends the ones that lead to
// a feed.
type Import struct {
	f          *SourcesFile
	configured map[string]int // URL key -> index in the file's sources
	cands      []*candidate
	skipped    []Skipped
	// Warnings, after Write, are gleaner check's warnings about the sources
	// it added (a name in use, one feed over http and https).
	Warnings config.Errors
}

// Skipped is an outline not imported, and why.
type Skipped struct {
	n         int // 1-based outline number, for the order of the report
	What, Why string
	// Dup: skipped as a feed configured already or listed above, not for a
	// problem.
	Dup bool
}

// candidate is an outline that may be imported, with what fetching it found.
type candidate struct {
	n     int
	feed  opml.Feed
	found fetch.Discovered
	err   error
	check bool // fetched: found and err are set
}

// source is the [[source]] block of the candidate's outline: its name, unless
// that is its URL's host (an unnamed source of gleaner's export, named so
// again by the config), and its own interval and time zone where they are
// good ones. A list from elsewhere is not trusted to set how often a site is
// polled: an interval under a minute is not taken, nor one that does not
// parse, nor a zone that does not load; the feed is imported without them.
func (c *candidate) source() config.Source {
	src := config.Source{Name: c.feed.Name, URL: c.feed.URL}
	if u, err := url.Parse(c.feed.URL); err == nil && strings.EqualFold(src.Name, u.Host) {
		src.Name = ""
	}
	if d, err := config.ParseDuration(c.feed.Interval); c.feed.Interval != "" && err == nil && d.D() >= time.Minute {
		src.Interval = d
	}
	if tz := c.feed.Timezone; tz != "" {
		if _, err := time.LoadLocation(tz); err == nil { // which refuses "..", as a path
			src.Timezone = tz
		}
	}
	return src
}

// Import starts the import of feeds, the outlines of an OPML file, keeping
// those worth fetching: usable URLs that are neither configured already nor
// listed before in the file.
func (f *SourcesFile) Import(feeds []opml.Feed) *Import {
	im := &Import{f: f, configured: make(map[string]int, len(f.Config.Sources))}
	for i, s := range f.Config.Sources {
		im.configured[config.FeedKey(s.URL)] = i
	}
	im.screen(feeds)
	return im
}

// ImportFile is Import of the outlines of the OPML file name.
func (f *SourcesFile) ImportFile(name string) (*Import, error) {
	feeds, err := readFile(name, opml.Read)
	if err != nil {
		return nil, err
	}
	return f.Import(feeds), nil
}

// ToCheck is how many outlines Check would fetch.
func (im *Import) ToCheck() int { return len(im.cands) }

func describe(fd opml.Feed) string {
	if fd.URL == "" {
		return fmt.Sprintf("%q", fd.Name)
	}
	return fmt.Sprintf("%q <%s>", fd.Name, fd.URL)
}

func (im *Import) skip(n int, fd opml.Feed, format string, args ...any) {
	im.skipped = append(im.skipped, Skipped{n: n, What: describe(fd), Why: fmt.Sprintf(format, args...)})
}

// dup is skip of a feed that is there already.
func (im *Import) dup(n int, fd opml.Feed, format string, args ...any) {
	im.skip(n, fd, format, args...)
	im.skipped[len(im.skipped)-1].Dup = true
}

// redactedMatch is the configured source whose URL, with its secrets redacted
// as gleaner's listings print it (redact.Marked), is u; -1 when u shows no
// redacted secret or not exactly one source matches.
func redactedMatch(cfg *config.Config, u string) int {
	if !strings.Contains(u, redact.Placeholder) {
		return -1
	}
	if hits := redactedMatches(cfg, u); len(hits) == 1 {
		return hits[0]
	}
	return -1
}

func (im *Import) screen(feeds []opml.Feed) {
	listed := make(map[string]*candidate, len(feeds))
	for i, fd := range feeds {
		n := i + 1
		if fd.Problem != "" {
			im.skip(n, fd, "%s", fd.Problem)
			continue
		}
		if j := redactedMatch(im.f.Config, fd.URL); j >= 0 {
			// gleaner's own export, secrets shown as REDACTED: the source is there.
			im.dup(n, fd, "already configured as source %d (%s)", j+1, im.f.Config.Sources[j].Name)
			continue
		}
		if err := config.CheckSourceURL(fd.URL); err != nil {
			im.skip(n, fd, "not a usable URL: %v", err)
			continue
		}
		k := config.FeedKey(fd.URL)
		if j, ok := im.configured[k]; ok {
			im.dup(n, fd, "already configured as source %d (%s)", j+1, im.f.Config.Sources[j].Name)
			continue
		}
		if c, ok := listed[k]; ok {
			im.dup(n, fd, "the same feed as outline %d (%q) above", c.n, c.feed.Name)
			continue
		}
		c := &candidate{n: n, feed: fd}
		listed[k] = c
		im.cands = append(im.cands, c)
	}
}

// Check fetches every outline left, [poll] concurrency at a time (the fetcher
// also keeps to its per-host limit), calling done after each. It stops
// starting fetches when ctx ends.
func (im *Import) Check(ctx context.Context, fc *fetch.Client, done func()) {
	jobs := make(chan *candidate)
	var wg sync.WaitGroup
	for range min(max(im.f.Config.Poll.Concurrency, 1), len(im.cands)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				c.found, c.err = fc.FindFeed(ctx, c.feed.URL)
				c.check = true
				done()
			}
		}()
	}
	for _, c := range im.cands {
		if ctx.Err() != nil {
			break
		}
		jobs <- c
	}
	close(jobs)
	wg.Wait()
}

// Write appends the sources to add, in the file's order, and returns them
// with every outline skipped, in the file's order: besides those screened
// out, a checked one that did not answer with a feed, or whose feed (a page's
// advertised feed, a permanent redirect) is configured or added already.
// Skipped is returned also when writing the file fails.
func (im *Import) Write() ([]config.Source, []Skipped, error) {
	add := im.decide()
	if len(add) > 0 {
		out, err := im.f.write(config.AppendSources(im.f.data, add))
		if err != nil {
			return nil, im.skipped, err
		}
		im.Warnings = sourceWarnings(out, len(out.Sources)-len(add), len(out.Sources))
	}
	return add, im.skipped, nil
}

// decide returns the sources to append and records why each other candidate
// is skipped.
func (im *Import) decide() []config.Source {
	var add []config.Source
	added := map[string]*candidate{}
	for _, c := range im.cands {
		src := c.source()
		if c.check {
			if c.err != nil {
				// The outline's URL is on the line already.
				msg := strings.TrimPrefix(c.err.Error(), "fetch ")
				im.skip(c.n, c.feed, "%s", strings.TrimPrefix(msg, c.feed.URL+": "))
				continue
			}
			src.URL = c.found.URL
			if src.Name == "" {
				src.Name = c.found.Title
			}
		}
		k := config.FeedKey(src.URL)
		if j, ok := im.configured[k]; ok {
			im.dup(c.n, c.feed, "leads to %s, already configured as source %d (%s)", src.URL, j+1, im.f.Config.Sources[j].Name)
			continue
		}
		if o, ok := added[k]; ok {
			im.dup(c.n, c.feed, "leads to %s, the feed of outline %d (%q)", src.URL, o.n, o.feed.Name)
			continue
		}
		added[k] = c
		add = append(add, src)
	}
	sort.SliceStable(im.skipped, func(i, j int) bool { return im.skipped[i].n < im.skipped[j].n })
	return add
}
