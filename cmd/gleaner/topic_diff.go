package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/store"
)

func cmdTopicDiff(e *env, args []string) error {
	f := e.newFlags("topic diff", "NEW.toml [-since 720h] [-config F]", "Preview a change of the topic profile: list the stored items first seen within -since\n"+
		"that would enter and leave the curated feed if NEW.toml's [topic] profile were applied\n"+
		"(by gleaner reclassify, or by a reload with it), each with its reasons, and the counts.\n"+
		"NEW.toml is a file with a [topic] table, such as what 'gleaner topic show' prints (the\n"+
		"example gleaner.toml has none: it uses the built-in profile); it is validated as gleaner check validates it. Items the curator labelled\n"+
		"do not move. Reads the database only.", true)
	since := f.Duration("since", 720*time.Hour, "items first seen within this `duration` before now (a reload re-judges 720h)")
	pos, err := f.parseMixed(args, 1)
	if err != nil {
		return err
	}
	if *since <= 0 {
		fmt.Fprintf(e.stderr, "gleaner topic diff: -since %v: want a positive duration, such as 720h\n", *since)
		f.Usage()
		return errUsage
	}
	c, err := app.LoadTopic(pos[0])
	var errs config.Errors
	if errors.As(err, &errs) {
		printProblems(e, pos[0], errs, nil)
		return exitError{1}
	}
	if err != nil {
		return err
	}
	from := time.Now().Add(-*since)
	enter, leave, stats, err := app.PreviewReclassify(context.Background(), f.config, c, from)
	if err != nil {
		return err
	}
	w := e.stdout
	for _, l := range []struct {
		moves      []store.Move
		what, sign string
	}{{enter, "enter", "+"}, {leave, "leave", "-"}} {
		fmt.Fprintf(w, "would %s the curated feed: %d\n", l.what, len(l.moves))
		for _, m := range l.moves {
			it := m.Item
			fmt.Fprintf(w, "%s %s  %s  %s\n", l.sign, it.Published.Local().Format("2006-01-02 15:04"), it.Lang, it.Title)
			if it.URL != "" {
				fmt.Fprintf(w, "    %s\n", it.URL)
			}
			fmt.Fprintf(w, "    score %.2f -> %.2f: %s\n", it.Verdict.Score, m.Verdict.Score, strings.Join(m.Verdict.Reasons, "; "))
		}
	}
	fmt.Fprintf(w, "checked %d items first seen since %s: %d verdicts would change, %d would enter the curated feed, %d would leave it\n",
		stats.Checked, from.Format(time.RFC3339), stats.Changed, stats.Entered, stats.Left)
	return nil
}
