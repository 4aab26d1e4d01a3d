package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for gleaner-bench when run() starts
// its children (os.Executable is the test binary then).
func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == "-child" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRunPrintsTheTable runs the whole benchmark on a small load: every child
// must answer, the rounds must do what they claim (checkRounds), and the table
// must have every row. It measures nothing.
func TestRunPrintsTheTable(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes and serves 20 feeds")
	}
	var out bytes.Buffer
	o := options{feeds: 20, runs: 1, items: 2000, conns: 2, serveFor: 100 * time.Millisecond, keep: t.TempDir(), farm: true}
	if err := run(o, 4, &out); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	for _, want := range []string{"floor: fetch + gofeed.Parse, 20 feeds", "cold round: 1000 new items", "cold / floor",
		"warm / cold", "changed round: 2 feeds gained 5 items", "changed / cold", "peak RSS of the cold round",
		"serve /feed.atom from the cache", "cache / plain", "scale: 2000 items stored", "rebuild curated feed",
		"bytes per stored item", "load average", "one big story: 20 feeds carry one event", "stories on / floor", "stories on / off"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	for _, line := range strings.Split(table, "\n") {
		if strings.Contains(line, "NaN") || strings.Contains(line, "Inf") {
			t.Errorf("not a number in %q", line)
		}
	}
}

func TestCheckRoundsRefusesWrongRounds(t *testing.T) {
	good := func() (roundResult, roundResult, roundResult) {
		return roundResult{OK: 10, New: 500}, roundResult{NotModified: 10}, roundResult{OK: 1, NotModified: 9, New: 5}
	}
	cold, warm, chg := good()
	if err := checkRounds(500, 10, cold, warm, chg); err != nil {
		t.Fatalf("good rounds refused: %v", err)
	}
	cold.New = 499
	if checkRounds(500, 10, cold, warm, chg) == nil {
		t.Error("a cold round that lost an item passed")
	}
	cold, warm, chg = good()
	warm.NotModified, warm.OK = 9, 1
	if checkRounds(500, 10, cold, warm, chg) == nil {
		t.Error("a warm round with a 200 passed")
	}
	cold, warm, chg = good()
	chg.Err = 1
	if checkRounds(500, 10, cold, warm, chg) == nil {
		t.Error("a round with an error passed")
	}
}
