package main

import (
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=..."; otherwise the
// module version or VCS revision recorded in the binary is used.
var version = ""

func appVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

func cmdVersion(e *env, args []string) error {
	f := e.newFlags("version", "", "Print gleaner's version.", false)
	if err := f.parse(args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "gleaner", appVersion())
	return nil
}
