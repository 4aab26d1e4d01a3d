package main

import (
	"fmt"

	"github.com/gleaner/gleaner/internal/app"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

// appVersion is the version gleaner reports (app.Version).
func appVersion() string { return app.Version(version) }

func cmdVersion(e *env, args []string) error {
	f := e.newFlags("version", "", "Print gleaner's version.", false)
	if err := f.parse(args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "gleaner", appVersion())
	return nil
}
