package app

import (
	"fmt"
	"strings"

	"github.com/gleaner/gleaner/internal/samples"
)

// DemoConfig is the config of gleaner demo: the curated feed on listen, a
// database beside the config, and one source per sample feed of s (served at
// base), named by the feed's title as gleaner sources add names a source.
func DemoConfig(listen string, s *samples.Server, base string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "listen = %q\ndatabase = \"demo.db\"\n\n[poll]\ninterval = \"1m\"\n\n[feed]\ntitle = \"AI Industry Policy (demo)\"\n", listen)
	for _, n := range s.Names() {
		name := s.Title(n)
		if name == "" {
			name = samples.SourceName(n)
		}
		fmt.Fprintf(&b, "\n[[source]]\nname = %q\nurl = %q\n", name, base+n)
	}
	return []byte(b.String())
}
