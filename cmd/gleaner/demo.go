package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gleaner/gleaner/internal/samples"
)

func cmdDemo(e *env, args []string) error {
	f := e.newFlags("demo", "[-feeds DIR] [-listen ADDR]", "Run gleaner offline against the sample feeds in testdata/feeds, served on a loopback port,\nwith a fresh database in a temporary directory. Open the printed address to see the curated feed.", false)
	dir := f.String("feeds", "testdata/feeds", "directory of sample feeds")
	listen := f.String("listen", "127.0.0.1:8080", "address of the curated feed")
	if err := f.parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, base, err := samples.Start(ctx, *dir)
	if err != nil {
		return fmt.Errorf("sample feeds: %w", err)
	}
	tmp, err := os.MkdirTemp("", "gleaner-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var b strings.Builder
	fmt.Fprintf(&b, "listen = %q\ndatabase = \"demo.db\"\n\n[poll]\ninterval = \"1m\"\n\n[feed]\ntitle = \"AI Industry Policy (demo)\"\n", *listen)
	for _, n := range s.Names() {
		fmt.Fprintf(&b, "\n[[source]]\nname = %q\nurl = %q\n", samples.SourceName(n), base+n)
	}
	cfgPath := filepath.Join(tmp, "gleaner.toml")
	if err := os.WriteFile(cfgPath, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "demo: %d sample feeds at %s\ndemo: curated feed at http://%s/ (Atom: /feed.atom, RSS: /feed.rss, JSON: /feed.json); Ctrl-C stops\n", len(s.Names()), base, *listen)
	return cmdRun(e, []string{"-config", cfgPath, "-log-level", f.logLevel, "-log-format", f.logFormat})
}
