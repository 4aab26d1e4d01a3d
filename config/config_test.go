package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const minimal = `
[[source]]
url = "https://example.org/feed.xml"
`

func TestDefaults(t *testing.T) {
	c, err := Parse("/etc/gleaner/gleaner.toml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if c.MemoryLimit.N() != 100<<20 {
		t.Errorf("default memory_limit = %d", c.MemoryLimit.N())
	}
	if c.Listen != "127.0.0.1:8080" || c.Poll.Interval.D() != 15*time.Minute || c.Poll.Concurrency != 8 ||
		c.Poll.PerHost != 1 || c.Poll.MaxBody.N() != 10<<20 || c.Feed.MaxItems != 100 || c.Feed.MaxAge.D() != 14*24*time.Hour ||
		c.Store.KeepUnmatched.D() != 30*24*time.Hour || c.Store.KeepMatched.D() != 365*24*time.Hour || !c.Stories.On() {
		t.Errorf("defaults not applied: %+v", c)
	}
	if c.Database != "/etc/gleaner/gleaner.db" {
		t.Errorf("database = %q, want it beside the config file", c.Database)
	}
	if c.Feed.BaseURL != "http://127.0.0.1:8080/" {
		t.Errorf("base_url = %q", c.Feed.BaseURL)
	}
	s := c.Sources[0]
	if s.Name != "example.org" || s.Interval.D() != 15*time.Minute {
		t.Errorf("source defaults not applied: %+v", s)
	}
}

func TestFullConfig(t *testing.T) {
	src := `listen = "0.0.0.0:9000"
database = "/var/lib/gleaner/g.db"

[poll]
interval = "1s"          # any positive value
timeout = "10s"
concurrency = 4
max_body = "2MiB"

[feed]
title = "T"
base_url = "https://news.example.com/ai"
max_items = 50

[stories]
enabled = false
threshold = 0.5

[[source]]
name = "Policy Wire"
url = "https://example.org/feed.xml"
interval = "10m"
timezone = "Asia/Seoul"
`
	c, err := Parse("g.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if c.Poll.Interval.D() != time.Second || c.Poll.MaxBody.N() != 2<<20 || c.Feed.BaseURL != "https://news.example.com/ai/" ||
		c.Stories.On() || c.Stories.Threshold != 0.5 || c.Sources[0].Interval.D() != 10*time.Minute || c.Sources[0].Timezone != "Asia/Seoul" {
		t.Errorf("values not decoded: %+v", c)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // each a whole line of the error, in order
	}{
		{"unknown key", "bogus = 1\n" + minimal, []string{"g.toml:1:1: bogus: unknown key"}},
		{"unknown key in source", minimal + "nmae = \"x\"\n", []string{"g.toml:4:1: source[0].nmae: unknown key"}},
		{"wrong type", "[poll]\nconcurrency = \"eight\"\n" + minimal, []string{"g.toml:2:15: poll.concurrency: wrong type: expected an integer, got a TOML string"}},
		{"integer duration", "[poll]\ninterval = 5\n" + minimal, []string{`g.toml:2:1: poll.interval: "5" is not a duration`}},
		{"bad duration", "[poll]\ntimeout = \"soon\"\n" + minimal, []string{`g.toml:2:1: poll.timeout: "soon" is not a duration`}},
		{"zero duration", "[poll]\ninterval = \"0s\"\n" + minimal, []string{"g.toml:2:1: poll.interval: must be a positive duration, got 0s"}},
		{"bad url", "[[source]]\nurl = \"ftp://example.org/x\"\n", []string{`g.toml:2:1: source[0].url: "ftp://example.org/x" is not an http or https URL`}},
		{"url without host", "[[source]]\nurl = \"https:///x\"\n", []string{`g.toml:2:1: source[0].url: "https:///x" has no host`}},
		{"missing url", "[[source]]\nname = \"x\"\n", []string{"g.toml:1:3: source[0].url: missing: every [[source]] needs a url"}},
		{"duplicate url", minimal + "\n[[source]]\nname = \"again\"\nurl = \"https://EXAMPLE.org:443/feed.xml\"\n",
			[]string{`g.toml:7:1: source[1].url: duplicate source URL "https://EXAMPLE.org:443/feed.xml": source[0] has it already`}},
		{"no sources", "listen = \"127.0.0.1:1\"\n", []string{"g.toml: source: no sources: add at least one [[source]] block with a url"}},
		{"bad timezone", minimal + "timezone = \"Mars/Base\"\n", []string{`g.toml:4:1: source[0].timezone: unknown time zone "Mars/Base"`}},
		{"bad listen", "listen = \"8080\"\n" + minimal, []string{`g.toml:1:1: listen: "8080" is not a host:port address`}},
		{"syntax", "listen = \n" + minimal, []string{"g.toml:1:10: syntax error:"}},
		{"several at once", "[poll]\nconcurrency = 0\n[feed]\nmax_items = 0\n" + minimal + "interval = \"-1m\"\n",
			[]string{"g.toml:2:1: poll.concurrency: must be at least 1, got 0", "g.toml:4:1: feed.max_items: must be between 1 and 10000, got 0", "g.toml:8:1: source[0].interval: must be a positive duration, got -1m0s"}},
		{"bad size", "[poll]\nmax_body = \"ten megs\"\n" + minimal, []string{`g.toml:2:1: poll.max_body: "ten megs" is not a size`}},
		{"bad hub", "[publish]\nhub = \"not a url\"\n" + minimal, []string{`g.toml:2:1: publish.hub: "not a url" is not an http or https URL`}},
		{"memory limit too small", "memory_limit = \"1MiB\"\n" + minimal, []string{"g.toml:1:1: memory_limit: must be 0 (Go's defaults) or at least 32MiB, got 1048576 bytes"}},
		{"bad memory limit", "memory_limit = \"lots\"\n" + minimal, []string{`g.toml:1:1: memory_limit: "lots" is not a size`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("g.toml", []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid) = false for %v", err)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(lines), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("error %d:\n got %s\nwant %s...", i, lines[i], w)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want not-exist", err)
	}
}
