package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/publish/opml"
)

// importer decides which outlines of an OPML file `gleaner sources import`
// adds, and says of every other one why not.
type importer struct {
	cfg        *config.Config
	configured map[string]int // URL key -> index in cfg.Sources
	skipped    []skip
}

// skip is an outline not imported, and why.
type skip struct {
	n         int // 1-based outline number, for the order of the report
	what, why string
}

// candidate is an outline that may be imported, with what fetching it found.
type candidate struct {
	n     int
	feed  opml.Feed
	found fetch.Discovered
	err   error
	check bool // fetched: found and err are set
}

func newImporter(cfg *config.Config) *importer {
	im := &importer{cfg: cfg, configured: make(map[string]int, len(cfg.Sources))}
	for i, s := range cfg.Sources {
		im.configured[config.URLKey(s.URL)] = i
	}
	return im
}

func describe(fd opml.Feed) string { return fmt.Sprintf("%q <%s>", fd.Name, fd.URL) }

func (im *importer) skip(n int, fd opml.Feed, format string, args ...any) {
	im.skipped = append(im.skipped, skip{n, describe(fd), fmt.Sprintf(format, args...)})
}

// screen returns the outlines worth fetching: usable URLs that are neither
// configured already nor listed before in the file.
func (im *importer) screen(feeds []opml.Feed) []*candidate {
	var out []*candidate
	listed := make(map[string]*candidate, len(feeds))
	for i, fd := range feeds {
		n := i + 1
		if err := config.CheckSourceURL(fd.URL); err != nil {
			im.skip(n, fd, "not a usable URL: %v", err)
			continue
		}
		k := config.URLKey(fd.URL)
		if j, ok := im.configured[k]; ok {
			im.skip(n, fd, "already configured as source %d (%s)", j+1, im.cfg.Sources[j].Name)
			continue
		}
		if c, ok := listed[k]; ok {
			im.skip(n, fd, "the same feed as outline %d (%q) above", c.n, c.feed.Name)
			continue
		}
		c := &candidate{n: n, feed: fd}
		listed[k] = c
		out = append(out, c)
	}
	return out
}

// checkFeeds fetches every candidate, concurrency at a time (the fetcher
// also keeps to its per-host limit), calling done after each.
func checkFeeds(ctx context.Context, fc *fetch.Client, cands []*candidate, concurrency int, done func()) {
	jobs := make(chan *candidate)
	var wg sync.WaitGroup
	for range min(max(concurrency, 1), len(cands)) {
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
	for _, c := range cands {
		if ctx.Err() != nil {
			break
		}
		jobs <- c
	}
	close(jobs)
	wg.Wait()
}

// decide returns the sources to append, in the file's order, and records
// why each other candidate is skipped: it did not answer with a feed, or the
// feed it leads to (a page's advertised feed, a permanent redirect) is
// configured or added already.
func (im *importer) decide(cands []*candidate) []config.Source {
	var add []config.Source
	added := map[string]*candidate{}
	for _, c := range cands {
		src := config.Source{Name: c.feed.Name, URL: c.feed.URL}
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
		k := config.URLKey(src.URL)
		if j, ok := im.configured[k]; ok {
			im.skip(c.n, c.feed, "leads to %s, already configured as source %d (%s)", src.URL, j+1, im.cfg.Sources[j].Name)
			continue
		}
		if o, ok := added[k]; ok {
			im.skip(c.n, c.feed, "leads to %s, the feed of outline %d (%q)", src.URL, o.n, o.feed.Name)
			continue
		}
		added[k] = c
		add = append(add, src)
	}
	sort.SliceStable(im.skipped, func(i, j int) bool { return im.skipped[i].n < im.skipped[j].n })
	return add
}
