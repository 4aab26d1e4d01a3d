package main

import (
	"context"
	"fmt"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/sanitize"
	"github.com/gleaner/gleaner/internal/app"
)

func cmdLabel(e *env, args []string) error {
	f := e.newFlags("label", "URL|ENTRY-ID in|out|clear [-note TEXT] [-config F]", "Take a stored item into the curated feed (in) or out of it (out), whatever the topic\n"+
		"filter says. The item is named by its link (as its feed gave it, or canonical: every\n"+
		"source's copy of the article is labelled) or by the entry id the curated feed publishes\n"+
		"it under. The label wins over the filter, over reclassify and over a new [topic]\n"+
		"profile, and shows as the entry's reason (\"kept by the curator: NOTE\"). A running\n"+
		"daemon shows the change within seconds. An unknown link or id changes nothing.\n"+
		"'clear' removes the label and the topic filter decides again; an item it does not keep\n"+
		"leaves its story (a near one too: a clear keeps no story mate). When a poll revised an\n"+
		"item meanwhile, its label stays, and the command says so and exits 1: run it again.", true)
	note := f.String("note", "", "why, in your words: kept with the label and shown as the reason")
	pos, err := f.parseMixed(args, 2)
	if err != nil {
		return err
	}
	ref := pos[0]
	var l aggregate.Label
	clear := false
	switch pos[1] {
	case "in":
		l.Keep = true
	case "out":
	case "clear":
		clear = true
		if *note != "" {
			fmt.Fprintln(f.Output(), "gleaner label: -note goes with in or out: clear removes the label and its note")
			f.Usage()
			return errUsage
		}
	default:
		fmt.Fprintf(f.Output(), "gleaner label: %q: want in, out or clear\n", pos[1])
		f.Usage()
		return errUsage
	}
	// One line of plain text: no control or bidi characters reach the
	// database, the feeds or a terminal.
	l.Note = sanitize.Line(*note)
	var ids []int64
	find := func(ctx context.Context, cfg *app.Config) (err error) {
		ids, err = app.FindItems(ctx, cfg, ref)
		return err
	}
	a, ctx, closeApp, err := f.openAppAfter(e, find, func(o *app.Options) { o.Existing = true })
	if err != nil {
		return err
	}
	defer closeApp()
	if clear {
		st, err := a.ClearLabels(ctx, ids)
		if err != nil {
			return err
		}
		switch {
		case st.Cleared > 0:
			fmt.Fprintf(e.stdout, "label cleared on %s: the topic filter decides again (%d entered the curated feed, %d left it)\n",
				plural(st.Cleared, "item"), st.Entered, st.Left)
		case st.Stale == 0 && st.Gone < st.Checked:
			fmt.Fprintf(e.stdout, "no label to clear on %s: nothing changed\n", plural(st.Checked-st.Gone, "item"))
		}
		if st.Gone > 0 {
			fmt.Fprintf(e.errOut(), "gleaner label: %s deleted by retention meanwhile (a label goes with its item)\n", plural(st.Gone, "item"))
		}
		if st.Stale > 0 {
			// A poll revised them (or a label was set) between the read and the write.
			fmt.Fprintf(e.errOut(), "gleaner label: %s changed meanwhile and kept the label: run the same command again\n", plural(st.Stale, "item"))
			return exitError{1}
		}
		return nil
	}
	out, err := a.Label(ctx, ids, l)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, l.Reason())
	for _, it := range out {
		fmt.Fprintf(e.stdout, "  %-3s -> %-3s  %s  %s\n", inOut(it.Was), inOut(it.Now), it.Title, it.URL)
	}
	return nil
}

func inOut(in bool) string {
	if in {
		return "in"
	}
	return "out"
}
