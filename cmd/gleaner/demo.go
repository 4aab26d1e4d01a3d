package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/gleaner/gleaner/internal/app"
)

func cmdDemo(e *env, args []string) error {
	f := e.newFlags("demo", "[-listen ADDR] [-feeds DIR]", "Run gleaner offline against sample feeds served on a loopback port, with a fresh\n"+
		"database in a temporary directory: made-up Korean and English outlets, some reporting the\n"+
		"same events. The sample feeds are built into the binary. Open the printed address to see\n"+
		"the curated feed.", false)
	dir := f.String("feeds", "", "directory of sample feeds (*.xml, *.json) to serve instead of the built-in ones")
	listen := f.String("listen", "127.0.0.1:8080", "address of the curated feed")
	if err := f.parse(args); err != nil {
		return err
	}
	// A busy port is said before anything starts, with a free one to use.
	ln, err := app.Listen(*listen)
	if err != nil {
		return demoHint(e, err)
	}
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var feeds fs.FS // the built-in ones
	if *dir != "" {
		if fi, err := os.Stat(*dir); err != nil {
			return fmt.Errorf("-feeds %s: %w", *dir, err)
		} else if !fi.IsDir() {
			return fmt.Errorf("-feeds %s: not a directory: name the directory that holds the sample feeds (*.xml, *.json)", *dir)
		}
		feeds = os.DirFS(*dir)
	}
	d, err := app.StartDemo(ctx, feeds, *listen)
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintf(e.stderr, "demo: %d sample feeds at %s\ndemo: curated feed at http://%s/ (Atom: /feed.atom, RSS: /feed.rss, JSON: /feed.json); Ctrl-C stops\n", d.Feeds, d.Base, *listen)
	return demoHint(e, runAs(e, []string{"-config", d.Config, "-log-level", f.logLevel, "-log-format", f.logFormat}, "demo"))
}

// demoHint gives a busy port's error the demo's way around it, as the user
// started it: make demo (make sets MAKELEVEL) takes the address as LISTEN=.
func demoHint(e *env, err error) error {
	var busy *app.BusyPortError
	if errors.As(err, &busy) && busy.Free != "" {
		busy.Hint = "try gleaner demo -listen " + busy.Free
		if e.getenv("MAKELEVEL") != "" {
			busy.Hint = "try make demo LISTEN=" + busy.Free
		}
	}
	return err
}
