package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/internal/term"
)

func cmdCheck(e *env, args []string) error {
	f := e.newFlags("check", "[-config F] [-show-secrets]", "Validate the config and summarise it. Exit status 0 when it is valid; otherwise\nevery problem is printed as FILE:LINE:COLUMN: KEY: PROBLEM, all of them in one run.\nWhat is valid but probably not meant is printed as FILE:LINE:COLUMN: KEY: warning: ...", true)
	show := showSecretsFlag(f)
	if err := f.parse(args); err != nil {
		return err
	}
	cfg, err := config.LoadPartial(f.config)
	var errs config.Errors
	if err != nil && !errors.As(err, &errs) {
		return err
	}
	if cfg != nil && (len(errs) > 0 || len(cfg.Warnings) > 0) {
		printProblems(e, f.config, errs, cfg.Warnings)
	}
	if len(errs) > 0 {
		return exitError{1}
	}
	acfg, err := app.Compile(cfg)
	if err != nil {
		return err
	}
	w := e.stdout
	fmt.Fprintf(w, "%s: ok\n", cfg.Path)
	fmt.Fprintf(w, "listen    %s (feed at %sfeed.atom)\n", cfg.Listen, cfg.Feed.BaseURL)
	fmt.Fprintf(w, "database  %s%s\n", cfg.Database, databaseState(cfg.Database))
	if dir := cfg.Publish.ExportDir; dir != "" {
		fmt.Fprintf(w, "export    %s%s\n", dir, exportDirState(dir))
	}
	fmt.Fprintf(w, "poll      every %s, timeout %s, %d at once, %d per host\n", cfg.Poll.Interval, cfg.Poll.Timeout, cfg.Poll.Concurrency, cfg.Poll.PerHost)
	fmt.Fprintf(w, "feed      %q, %d items, max age %s\n", cfg.Feed.Title, cfg.Feed.MaxItems, cfg.Feed.MaxAge)
	fmt.Fprintf(w, "topic     %s\n", topicSummary(acfg))
	fmt.Fprintf(w, "store     kept items for %s, the others for %s\n", cfg.Store.KeepMatched, cfg.Store.KeepUnmatched)
	fmt.Fprintf(w, "stories   %s\n", storiesSummary(cfg.Stories))
	fmt.Fprintf(w, "sources   %d\n", len(cfg.Sources))
	t := term.NewTable("  ", 2)
	for i, s := range cfg.Sources {
		tz := s.Timezone
		if tz == "" {
			tz = "UTC"
		}
		t.Row(fmt.Sprint(i+1), s.Name, show.URL(s.URL), "every "+s.Interval.String(), tz)
	}
	return t.Print(w)
}

// databaseState is what gleaner check adds to the database's line: nothing for
// a file that is there, else what the first run will do, so that a mistyped
// path does not start an empty database unnoticed.
func databaseState(path string) string {
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return ""
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf(" (%v)", err)
	}
	if _, err := os.Stat(filepath.Dir(path)); errors.Is(err, fs.ErrNotExist) {
		return " (not there yet: gleaner run or fetch creates it, and its directory, empty)"
	}
	return " (not there yet: gleaner run or fetch creates it, empty)"
}

// exportDirState is what gleaner check adds to the line of [publish]
// export_dir: nothing for a directory, else what the first export will do.
func exportDirState(dir string) string {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return " (missing: created at the first export)"
	case err != nil:
		return fmt.Sprintf(" (%v)", err)
	case !fi.IsDir():
		return " (not a directory: exports will fail)"
	}
	return ""
}

// printProblems prints the problems and warnings of a config file in file
// order, then how many there were.
func printProblems(e *env, path string, errs, warnings config.Errors) {
	for _, l := range config.Lines(errs, warnings) {
		fmt.Fprintln(e.stderr, e.redacted(l))
	}
	switch {
	case len(errs) > 0 && len(warnings) > 0:
		fmt.Fprintf(e.stderr, "%s: %s, %s\n", path, plural(len(errs), "problem"), plural(len(warnings), "warning"))
	case len(errs) > 0:
		fmt.Fprintf(e.stderr, "%s: %s\n", path, plural(len(errs), "problem"))
	}
}

// plural writes n and the noun, with an s when n is not 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// topicSummary says which topic profile cfg uses.
func topicSummary(cfg *app.Config) string {
	if cfg.TopicOrigin == "" {
		return "built-in profile"
	}
	return cfg.TopicOrigin
}

// storiesSummary is gleaner check's line on [stories]: "on, window 48h, 10 related per
// entry, story mates kept", or "off".
func storiesSummary(s config.Stories) string {
	if !s.On() {
		return "off"
	}
	mates := "story mates kept"
	if !s.MatesOn() {
		mates = "no story mates"
	}
	return fmt.Sprintf("on, window %s, %d related per entry, %s", s.Window, s.MaxRelated, mates)
}
