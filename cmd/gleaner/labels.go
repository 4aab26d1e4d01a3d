package main

import (
	"context"
	"fmt"

	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/internal/term"
)

func cmdLabels(e *env, args []string) error {
	export := len(args) > 0 && args[0] == "export"
	if export {
		args = args[1:]
	}
	f := e.newFlags("labels", "[export] [-config F]", "List the curator's labels (gleaner label), oldest first: when, in or out, the item,\n"+
		"its title and the note. 'gleaner labels export' writes them as JSON lines in gleaner\n"+
		"eval's format ({\"id\",\"lang\",\"title\",\"summary\",\"label\",\"url\",\"note\"}), so that\n"+
		"each correction can join a topic development set. Reads the database only.", true)
	if err := f.parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	st, err := app.ReadStore(ctx, f.config)
	if err != nil {
		return err
	}
	defer st.Close()
	labels, err := st.Labels(ctx)
	if err != nil {
		return err
	}
	if export {
		return app.ExportLabels(e.stdout, labels)
	}
	if len(labels) == 0 {
		fmt.Fprintln(e.stdout, "no labels yet (gleaner label URL|ENTRY-ID in|out)")
		return nil
	}
	t := term.NewTable("", 2)
	t.Row("WHEN", "LABEL", "ITEM", "TITLE", "NOTE")
	for _, l := range labels {
		// What gleaner label takes to name this item again.
		t.Row(l.At.Local().Format("2006-01-02 15:04 MST"), inOut(l.Keep), l.Ref(), l.Title, l.Note)
	}
	return t.Print(e.stdout)
}
