package main

import (
	"fmt"
	"text/tabwriter"
)

func cmdFetch(e *env, args []string) error {
	f := e.newFlags("fetch", "[-config F]", "Poll every source once now, store what they yield, print one line per source\n(items seen, new, kept, or the error) and exit. Exit status 1 when every source failed.", true)
	if err := f.parse(args); err != nil {
		return err
	}
	a, ctx, closeApp, err := f.openApp(e)
	if err != nil {
		return err
	}
	defer closeApp()
	cfg := a.Config()
	reports := a.Poller.PollAll(ctx)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	failed := 0
	for _, r := range reports {
		switch {
		case r.Err != nil:
			failed++
			fmt.Fprintf(tw, "%s\terror\t%v\n", r.Source.Name, r.Err)
		case r.NotModified:
			fmt.Fprintf(tw, "%s\tnot modified\t\n", r.Source.Name)
		default:
			fmt.Fprintf(tw, "%s\tok\tseen %d, new %d, kept %d\n", r.Source.Name, r.Seen, r.New, r.Kept)
		}
	}
	tw.Flush()
	// The export is written even when nothing changed, so that a cron job's
	// first run produces the files.
	if cfg.Publish.ExportDir != "" {
		if err := a.Publish.Export(ctx, cfg.Publish.ExportDir); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if len(reports) > 0 && failed == len(reports) {
		return exitError{1}
	}
	return nil
}
