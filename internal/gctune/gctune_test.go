package gctune

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestApply checks what memory_limit does to the runtime, and that GOGC or
// GOMEMLIMIT in the environment win over it.
func TestApply(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	prevPercent, prevLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(prevPercent); debug.SetMemoryLimit(prevLimit) })

	if !Apply(100 << 20) {
		t.Fatal("Apply(100 MiB) changed nothing")
	}
	if p := debug.SetGCPercent(-1); p != Percent {
		t.Errorf("GOGC %d, want %d", p, Percent)
	}
	debug.SetGCPercent(Percent)
	if l := debug.SetMemoryLimit(-1); l != 100<<20 {
		t.Errorf("memory limit %d, want %d", l, 100<<20)
	}

	Apply(0) // Go's defaults again
	if p := debug.SetGCPercent(-1); p != 100 {
		t.Errorf("memory_limit = 0: GOGC %d, want 100", p)
	}
	debug.SetGCPercent(100)
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("memory_limit = 0: limit %d, want none", l)
	}

	t.Setenv("GOGC", "300")
	if Apply(64<<20) || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Error("tuneGC overrode GOGC from the environment")
	}
}
