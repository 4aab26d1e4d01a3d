package main

import (
	"fmt"

	"github.com/gleaner/gleaner/internal/app"
)

func cmdExport(e *env, args []string) error {
	f := e.newFlags("export", "[-config F] -out DIR", "Write feed.atom, feed.rss, feed.json, index.html and sources.opml of the curated feed\nto DIR, each atomically (written beside, then renamed), for a static host or CDN.", true)
	out := f.String("out", "", "directory to write to, created if missing (required)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(e.stderr, "gleaner export: -out DIR is required")
		f.Usage()
		return errUsage
	}
	prog := e.newProgress("export", 3, "")
	defer prog.Stop()
	prog.Next("opening the database")
	a, ctx, closeApp, err := f.openApp(e, func(o *app.Options) { o.Existing = true })
	if err != nil {
		return err
	}
	defer closeApp()
	a.WarnExportLinks(*out)
	prog.Next("rendering the curated feed")
	if _, err := a.Publish.Refresh(ctx); err != nil {
		return err
	}
	prog.Next("writing the files")
	if err := a.Publish.Export(ctx, *out); err != nil {
		return err
	}
	prog.Stop()
	fmt.Fprintf(e.stdout, "wrote feed.atom, feed.rss, feed.json, index.html and sources.opml to %s\n", *out)
	return nil
}
