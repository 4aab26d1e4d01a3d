package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gleaner/gleaner/bench/feeds"
)

// farmResults are the figures of the one-big-story farm (feeds.NewFarm): the
// floor over its feeds, and gleaner's cold round with stories on and off.
type farmResults struct {
	floor   []floorResult
	on, off []roundResult
	stories storyStats // after the last cold round with stories on
}

// measureFarm serves a farm of o.feeds feeds that carry one story and runs, o.runs
// times, the floor and a cold round on a new database with [stories] on and
// off (in alternating order), each in a child of its own.
func measureFarm(o options, concurrency int, dir string, progress func(string, ...any)) (*farmResults, error) {
	corpus := feeds.NewFarm(o.feeds, time.Now().Add(-10*time.Minute))
	srv, err := feeds.Serve(corpus, o.hosts)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	items := o.feeds * feeds.ItemsPerFeed
	urlsFile := filepath.Join(dir, "farm-urls.txt")
	if err := os.WriteFile(urlsFile, []byte(strings.Join(srv.URLs(), "\n")), 0o644); err != nil {
		return nil, err
	}
	names, zones := make([]string, o.feeds), make([]string, o.feeds)
	for i := range o.feeds {
		names[i], zones[i] = corpus.Outlet(i).Name, corpus.Outlet(i).Timezone
	}
	res := &farmResults{}
	for r := range o.runs {
		var f floorResult
		if err := oneShot("floor", &f, "-urls", urlsFile, "-concurrency", fmt.Sprint(concurrency)); err != nil {
			return nil, err
		}
		if f.Errors > 0 || f.Items != items {
			return nil, fmt.Errorf("farm floor: %d errors, %d items of %d", f.Errors, f.Items, items)
		}
		res.floor = append(res.floor, f)
		order := []bool{true, false}
		if r%2 == 1 {
			order = []bool{false, true}
		}
		for _, stories := range order {
			cold, st, err := farmRound(o, dir, names, srv.URLs(), zones, stories, r == o.runs-1)
			if err != nil {
				return nil, err
			}
			if cold.Err > 0 || cold.New != items || cold.OK != o.feeds {
				return nil, fmt.Errorf("farm cold round (stories %v): %d errors, %d new items from %d feeds, want %d from %d: %s",
					stories, cold.Err, cold.New, cold.OK, items, o.feeds, cold.FirstError)
			}
			if stories {
				res.on, res.stories = append(res.on, cold), st
			} else {
				res.off = append(res.off, cold)
			}
		}
		on, off := res.on[len(res.on)-1], res.off[len(res.off)-1]
		progress("farm run %d: floor %.2fs (CPU %.2fs), cold with stories %.2fs (CPU %.2fs, in Save %.2fs, refresh %.2fs, %d stories, largest %v), without %.2fs (CPU %.2fs)",
			r+1, f.Seconds, f.CPU, on.Seconds, on.CPU, on.SaveSeconds, on.RefreshSeconds, res.stories.Stories, res.stories.Largest, off.Seconds, off.CPU)
	}
	return res, nil
}

// farmRound runs one cold round over the farm on a new database.
func farmRound(o options, dir string, names, urls, zones []string, stories, last bool) (roundResult, storyStats, error) {
	name := "farm"
	if !stories {
		name = "farm-off"
	}
	cfg, db := filepath.Join(dir, name+".toml"), filepath.Join(dir, name+".db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	var cold roundResult
	var st storyStats
	if err := writeConfig(cfg, db, names, urls, zones, stories); err != nil {
		return cold, st, err
	}
	args := []string{"-config", cfg}
	if o.profile != "" && last {
		args = append(args, "-profile", o.profile)
	}
	g, err := startChild("gleaner", args...)
	if err != nil {
		return cold, st, err
	}
	err = g.do(name, &cold)
	if err == nil && stories {
		err = g.do("stories", &st)
	}
	return cold, st, errors.Join(err, g.wait())
}

// printFarm adds the farm's rows to the table.
func printFarm(w io.Writer, f *farmResults, nfeeds int, row func(name, value, cpu, target string, ok *bool)) {
	if f == nil || len(f.floor) == 0 {
		return
	}
	b := func(v bool) *bool { return &v }
	secs := func(v float64) string { return fmt.Sprintf("%.2f s", v) }
	ratio := func(v float64) string { return fmt.Sprintf("%.2fx", v) }
	floor, floorCPU := seconds(f.floor, func(x floorResult) float64 { return x.Seconds }), seconds(f.floor, func(x floorResult) float64 { return x.CPU })
	on, onCPU := seconds(f.on, func(x roundResult) float64 { return x.Seconds }), seconds(f.on, func(x roundResult) float64 { return x.CPU })
	off, offCPU := seconds(f.off, func(x roundResult) float64 { return x.Seconds }), seconds(f.off, func(x roundResult) float64 { return x.CPU })
	largest := "-"
	if len(f.stories.Largest) > 0 {
		parts := make([]string, 0, 3)
		for _, n := range f.stories.Largest[:min(3, len(f.stories.Largest))] {
			parts = append(parts, fmt.Sprint(n))
		}
		largest = strings.Join(parts, ", ")
	}
	row(fmt.Sprintf("one big story: %d feeds carry one event", nfeeds), "", "", "", nil)
	row(fmt.Sprintf("  %d stories, the largest of %s reports", f.stories.Stories, largest), "", "", "", nil)
	row("  floor: fetch + gofeed.Parse", secs(floor), secs(floorCPU), "", nil)
	row(fmt.Sprintf("  cold round, stories on (%d kept)", f.on[0].Kept), secs(on), secs(onCPU), "", nil)
	row("    of which the writer in store.Save", secs(seconds(f.on, func(x roundResult) float64 { return x.SaveSeconds })), "", "", nil)
	row("  cold round, stories off", secs(off), secs(offCPU), "", nil)
	row("  stories on / floor", ratio(on/floor), ratio(onCPU/floorCPU), "<= 1.3x", b(on/floor <= 1.3))
	row("  stories on / off", ratio(on/off), ratio(onCPU/offCPU), "<= 1.1x", b(on/off <= 1.1))
}
