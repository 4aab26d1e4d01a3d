package main

import (
	"cmp"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/internal/term"
)

func cmdFetch(e *env, args []string) error {
	f := e.newFlags("fetch", "[-config F] [-show-secrets]", "Poll every source once now, store what they yield, print one line per source\n(items seen, new, kept, held, or the error) and exit. Exit status 1 when no source\nanswered and at least one failed or is gone (410); a source held for its host's Retry-After\nis no failure.\nOn a terminal, a progress line counts the sources polled.", true)
	show := showSecretsFlag(f)
	if err := f.parse(args); err != nil {
		return err
	}
	obs := &fetchProgress{}
	a, ctx, closeApp, err := f.openApp(e, func(o *app.Options) {
		o.Lock = "fetch" // a daemon on the same database polls the same sources
		o.Observer = obs
		// Each source's outcome is in the table: the poller's own lines about
		// failing sources would say it twice.
		if f.logLevel != "debug" {
			o.PollLog = slog.New(app.LevelAtLeast(o.Log.Handler(), slog.LevelError))
		}
	})
	if err != nil {
		return err
	}
	defer closeApp()
	if e.status() != nil {
		total, err := a.Pollable(ctx)
		if err != nil {
			return err
		}
		obs.p = e.newProgress("fetch", total, "sources")
	}
	reports, exportErr := a.PollOnce(ctx)
	obs.p.Stop()
	t := term.NewTable("", 2)
	failed, held := 0, 0
	var outcomes aggregate.Outcomes
	names := map[string]int{}
	for _, r := range reports {
		names[r.Source.Name]++
	}
	// Sources that answered 410 Gone are not polled any more: listed after the
	// others, so that a cron job's mail keeps saying so until the config drops
	// or fixes them.
	var gone []string
	var goneSrc []aggregate.Source
	polled := make(map[int64]bool, len(reports))
	for _, r := range reports {
		polled[r.Source.ID] = true // this run's answer, 410 included, is its row
	}
	if status, err := a.Store.SourceStatus(ctx); err != nil {
		fmt.Fprintf(e.errOut(), "gleaner fetch: the sources' states were not read, so sources that are gone (410) are not listed: %v\n", show.Error(err))
	} else {
		for _, s := range status {
			if s.Active && s.State.Gone && !polled[s.Source.ID] {
				goneSrc = append(goneSrc, s.Source)
				names[s.Source.Name]++
			}
		}
	}
	for _, r := range reports {
		// Unnamed sources of one host share its name: their URLs tell them apart.
		name := r.Source.Name
		if names[name] > 1 {
			name = show.String(r.Source.URL)
		}
		switch {
		case r.Held:
			// Not asked: its host said when to come back. No failure of the source.
			held++
			t.Row(name, "held", term.OneLine(show.String(r.Err.Error())))
		case r.Err != nil:
			failed++
			outcomes.Add(false, cmp.Or(r.Kind, "other"))
			t.Row(name, "error", term.OneLine(show.String(r.Err.Error())))
		case r.NotModified:
			outcomes.Add(true, "")
			t.Row(name, "not modified")
		default:
			outcomes.Add(true, "")
			line := fmt.Sprintf("seen %d, new %d, kept %d", r.Seen, r.New, r.Kept)
			if r.Old > 0 {
				line += fmt.Sprintf(" (%d older than [feed] max_age: not published)", r.Old)
			}
			t.Row(name, "ok", line)
		}
	}
	for _, src := range goneSrc {
		name := src.Name
		if names[name] > 1 {
			name = show.String(src.URL) // as above: unnamed sources of one host share its name
		}
		gone = append(gone, name)
		t.Row(name, "gone", "not polled: it answered 410 Gone; remove it from the config, or give its new URL")
	}
	if err := t.Print(e.stdout); err != nil {
		return err
	}
	if len(gone) > 0 && f.logLevel != "error" {
		what, listed := "1 source is", gone
		if len(gone) > 1 {
			what = fmt.Sprintf("%d sources are", len(gone))
		}
		if len(listed) > 5 {
			listed = append(listed[:5:5], fmt.Sprintf("and %d more", len(gone)-5))
		}
		fmt.Fprintf(e.errOut(), "gleaner fetch: %s gone (410) and not polled: %s; remove from the config, or give the new URL\n",
			what, show.String(strings.Join(listed, ", ")))
	}
	if exportErr != nil {
		// Said, but the exit status stays that of the polls, as README
		// promises (1 only when every source failed): what was fetched is
		// stored, and the next fetch or the daemon writes the files again.
		fmt.Fprintf(e.errOut(), "gleaner fetch: the curated feed was not written to [publish] export_dir: %v\n", show.Error(exportErr))
	}
	if failed > 0 && f.logLevel != "error" {
		// The table may go to /dev/null (cron): failures are said where
		// warnings go, in one line.
		line := outcomes.String()
		if held > 0 {
			line += fmt.Sprintf("; %d held for their hosts", held)
		}
		fmt.Fprintf(e.errOut(), "gleaner fetch: %s\n", line)
	}
	// None answered, and not only because they were held: some failed, or are
	// gone (a gone source is a failure that is not asked again).
	if answered := len(reports) - failed - held; answered == 0 && failed+len(gone) > 0 {
		return exitError{1}
	}
	return nil
}

// fetchProgress counts the polls of gleaner fetch on its progress line.
type fetchProgress struct{ p *term.Progress }

func (f *fetchProgress) ObserveFetch(string, string, time.Duration) { f.p.Add(1) }
func (f *fetchProgress) ObserveRound(aggregate.RoundStats)          {}
