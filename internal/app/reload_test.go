package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gleaner/gleaner/config"
)

func TestKeepRestartOnly(t *testing.T) {
	parse := func(s string) *config.Config {
		c, err := config.Parse("g.toml", []byte(s+"\n[[source]]\nurl = \"https://a.example/\"\n"))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	old := parse("listen = \"127.0.0.1:1\"\n[poll]\ninterval = \"15m\"\n")
	// Writing a default out loud is no change; a new interval is applied.
	same := parse("listen = \"127.0.0.1:1\"\n[poll]\ninterval = \"20m\"\ntimeout = \"30s\"\n")
	if keys := keepRestartOnly(old, same); len(keys) != 0 {
		t.Errorf("keys %v for a config that changes nothing fixed", keys)
	}
	moved := parse("listen = \"127.0.0.1:2\"\ndatabase = \"other.db\"\n[poll]\nconcurrency = 3\nmax_body = \"1MiB\"\n[feed]\nmax_age = \"1h\"\n")
	keys := keepRestartOnly(old, moved)
	if strings.Join(keys, " ") != "listen database poll.concurrency poll.max_body feed.max_age" {
		t.Errorf("keys %v", keys)
	}
	if moved.Listen != old.Listen || moved.Database != old.Database || moved.Poll.Concurrency != old.Poll.Concurrency ||
		moved.Poll.MaxBody.N() != old.Poll.MaxBody.N() || moved.Feed.MaxAge.D() != old.Feed.MaxAge.D() {
		t.Errorf("restart-only values not kept: %+v", moved)
	}
	// The feed's links follow the address kept, unless the config gives them.
	if moved.Feed.BaseURL != "http://127.0.0.1:1/" {
		t.Errorf("base URL %q after a new listen address was kept back, want the kept address's", moved.Feed.BaseURL)
	}
	given := parse("listen = \"127.0.0.1:2\"\n[feed]\nbase_url = \"https://news.example/ai/\"\n")
	keepRestartOnly(old, given)
	if given.Feed.BaseURL != "https://news.example/ai/" {
		t.Errorf("base URL %q, want the one the config gives", given.Feed.BaseURL)
	}
}

// TestDiffSources names the sources a reload adds and removes, comparing URLs as
// validation does, over 20,000 sources (a comparison of each with each took
// minutes at that size).
func TestDiffSources(t *testing.T) {
	var oldList, newList []config.Source
	for i := range 20_000 {
		oldList = append(oldList, config.Source{Name: fmt.Sprintf("s%d", i), URL: fmt.Sprintf("https://h%d.example/feed", i)})
		if i != 7 {
			newList = append(newList, config.Source{Name: fmt.Sprintf("s%d", i), URL: fmt.Sprintf("HTTPS://H%d.example:443/feed", i)})
		}
	}
	newList = append(newList, config.Source{Name: "new", URL: "https://new.example/feed"})
	added, removed := diffSources(&config.Config{Sources: oldList}, &config.Config{Sources: newList})
	if fmt.Sprint(added) != "[new]" || fmt.Sprint(removed) != "[s7]" {
		t.Errorf("added %v, removed %v", added, removed)
	}
}

// TestFewNames: a reload that adds or removes thousands of sources names the
// first twenty in its log line, then how many more (the line was 35 KB for
// 3,000).
func TestFewNames(t *testing.T) {
	var names []string
	for i := range 3000 {
		names = append(names, fmt.Sprintf("source %d", i))
	}
	got := fewNames(names)
	if len(got) != logNames+1 || got[0] != "source 0" || got[logNames-1] != "source 19" || got[logNames] != "and 2980 more" || len(names) != 3000 || names[logNames] != "source 20" {
		t.Errorf("fewNames of 3000: %d names, last %q", len(got), got[len(got)-1])
	}
	if got := fewNames(names[:3]); len(got) != 3 {
		t.Errorf("fewNames of 3: %v", got)
	}
}
