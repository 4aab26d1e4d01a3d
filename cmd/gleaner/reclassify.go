package main

import (
	"fmt"
	"time"

	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/internal/term"
)

func cmdReclassify(e *env, args []string) error {
	f := e.newFlags("reclassify", "[-config F] [-since 720h]", "Re-apply the current topic profile to stored items first seen within -since, update\nthe curated feed, and report how many items entered and left it. A running daemon shows\nthe change at its next refresh.", true)
	since := f.Duration("since", 720*time.Hour, "re-judge items first seen within this `duration` before now")
	if err := f.parse(args); err != nil {
		return err
	}
	if *since <= 0 {
		fmt.Fprintf(e.stderr, "gleaner reclassify: -since %v: want a positive duration, such as 720h\n", *since)
		f.Usage()
		return errUsage
	}
	a, ctx, closeApp, err := f.openApp(e, func(o *app.Options) { o.Existing = true })
	if err != nil {
		return err
	}
	defer closeApp()
	from := time.Now().Add(-*since)
	var prog *term.Progress
	if e.status() != nil {
		total, err := a.Store.ItemsSince(ctx, from)
		if err != nil {
			return err
		}
		prog = e.newProgress("reclassify", total, "items")
	}
	st, err := a.Reclassify(ctx, a.Config().Classifier, from, func() { prog.Add(1) })
	prog.Stop()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "checked %d items first seen since %s: %d verdicts changed, %d entered the curated feed, %d left it\n",
		st.Checked, from.Format(time.RFC3339), st.Changed, st.Entered, st.Left)
	return nil
}
