package app

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gleaner/gleaner/internal/samples"
)

// Demo is what gleaner demo runs against: sample feeds served on a loopback
// port, and a config that polls them, with its database, in a temporary
// directory.
type Demo struct {
	Config string // the config file's path
	Base   string // the URL the sample feeds are served under
	Feeds  int    // how many sample feeds
	dir    string
}

// StartDemo serves the sample feeds of fsys (the built-in ones when nil)
// until ctx ends, and writes the demo's config, with the curated feed on
// listen, to a new temporary directory. Close removes the directory.
func StartDemo(ctx context.Context, fsys fs.FS, listen string) (*Demo, error) {
	saved := fsys != nil // a user's saved feeds, of any age
	if fsys == nil {
		fsys = samples.Demo()
	}
	s, base, err := samples.StartFS(ctx, fsys)
	if err != nil {
		return nil, fmt.Errorf("sample feeds: %w", err)
	}
	dir, err := os.MkdirTemp("", "gleaner-demo-")
	if err != nil {
		return nil, err
	}
	d := &Demo{Config: filepath.Join(dir, "gleaner.toml"), Base: base, Feeds: len(s.Names()), dir: dir}
	if err := os.WriteFile(d.Config, demoConfig(listen, s, base, saved), 0o644); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Close removes the demo's directory, its database with it.
func (d *Demo) Close() error { return os.RemoveAll(d.dir) }

// demoConfig is the config of gleaner demo: the curated feed on listen, a
// database beside the config, and one source per sample feed of s (served at
// base), named by the feed's title as gleaner sources add names a source.
// Saved feeds (anyAge) are often months or years old: their items are
// published whatever their age, where the default max_age would store them
// all without publishing any, and kept as long.
func demoConfig(listen string, s *samples.Server, base string, anyAge bool) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "listen = %q\ndatabase = \"demo.db\"\n\n[poll]\ninterval = \"1m\"\n\n[feed]\ntitle = \"AI Industry Policy (demo)\"\n", listen)
	if anyAge {
		// Kept as long, or check's warning that kept items are deleted before
		// max_age says so of a config the user never wrote.
		b.WriteString("max_age = \"876000h\" # saved feeds: publish items of any age\n\n[store]\nkeep_matched = \"876000h\"\n")
	}
	for _, n := range s.Names() {
		name := s.Title(n)
		if name == "" {
			name = samples.SourceName(n)
		}
		fmt.Fprintf(&b, "\n[[source]]\nname = %q\nurl = %q\n", name, base+n)
	}
	return []byte(b.String())
}
