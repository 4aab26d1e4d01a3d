// Package gctune sets the Go runtime's garbage collector for gleaner's
// memory_limit; cmd/gleaner and the benchmark that measures it share it.
package gctune

import (
	"os"
	"runtime/debug"
)

// Percent is the GOGC gleaner runs with when it has a memory limit: the
// collector runs half as often as Go's default (100), which saves 5-10% of a
// cold round's CPU (BENCHMARKS.md), and the limit keeps the heap it allows
// bounded: near the limit the collector runs as often as it must.
const Percent = 200

// Apply applies config's memory_limit (bytes; 0: Go's defaults). GOGC or
// GOMEMLIMIT in the environment, set by someone who tunes the runtime
// themselves, win over it. It returns whether it changed anything.
func Apply(limit int64) bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	if limit <= 0 {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(1<<63 - 1) // Go's default: no limit
		return true
	}
	debug.SetGCPercent(Percent)
	debug.SetMemoryLimit(limit)
	return true
}
