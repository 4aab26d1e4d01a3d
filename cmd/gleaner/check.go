package main

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/app"
)

func cmdCheck(e *env, args []string) error {
	f := e.newFlags("check", "[-config F]", "Validate the config and summarise it. Exit status 0 when it is valid; otherwise\nevery problem is printed as FILE:LINE:COLUMN: KEY: PROBLEM.", true)
	if err := f.parse(args); err != nil {
		return err
	}
	cfg, err := app.LoadConfig(f.config)
	if err != nil {
		var errs config.Errors
		if errors.As(err, &errs) {
			for _, e2 := range errs {
				fmt.Fprintln(e.stderr, e2)
			}
			fmt.Fprintf(e.stderr, "%s: %d problem(s)\n", f.config, len(errs))
			return exitError{1}
		}
		return err
	}
	w := e.stdout
	fmt.Fprintf(w, "%s: ok\n", cfg.Path)
	fmt.Fprintf(w, "listen    %s (feed at %sfeed.atom)\n", cfg.Listen, cfg.Feed.BaseURL)
	fmt.Fprintf(w, "database  %s\n", cfg.Database)
	fmt.Fprintf(w, "poll      every %s, timeout %s, %d at once, %d per host\n", cfg.Poll.Interval.D(), cfg.Poll.Timeout.D(), cfg.Poll.Concurrency, cfg.Poll.PerHost)
	fmt.Fprintf(w, "feed      %q, %d items, max age %s\n", cfg.Feed.Title, cfg.Feed.MaxItems, cfg.Feed.MaxAge.D())
	if cfg.Topic == nil {
		fmt.Fprintf(w, "topic     built-in profile\n")
	} else {
		fmt.Fprintf(w, "topic     [topic] profile from the config: %d groups, %d rules\n", len(cfg.Topic.Groups), len(cfg.Topic.Rules))
	}
	fmt.Fprintf(w, "sources   %d\n", len(cfg.Sources))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, s := range cfg.Sources {
		tz := s.Timezone
		if tz == "" {
			tz = "UTC"
		}
		fmt.Fprintf(tw, "  %s\t%s\tevery %s\t%s\n", s.Name, s.URL, s.Interval.D(), tz)
	}
	return tw.Flush()
}
