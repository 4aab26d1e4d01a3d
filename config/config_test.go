package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
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
max_related = 3
mates = false
cross_threshold = 0.4
aliases = [["과기정통부", "MSIT", "Ministry of Science and ICT"], ["젠슨 황", "Jensen Huang"]]

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
		c.Stories.On() || c.Stories.MatesOn() || c.Stories.Threshold != 0.5 || c.Stories.MaxRelated != 3 || c.Stories.CrossThreshold != 0.4 || len(c.Stories.Aliases) != 2 || c.Stories.Aliases[1][1] != "Jensen Huang" || c.Sources[0].Interval.D() != 10*time.Minute || c.Sources[0].Timezone != "Asia/Seoul" {
		t.Errorf("values not decoded: %+v", c)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // each a whole line of the error, in order
	}{
		{"unknown key", "bogus = 1\n" + minimal, []string{"g.toml:1:1: bogus: unknown key"}},
		{"unknown key in source", minimal + "nmae = \"x\"\n", []string{"g.toml:4:1: source 1.nmae: unknown key"}},
		{"wrong type", "[poll]\nconcurrency = \"eight\"\n" + minimal, []string{"g.toml:2:15: poll.concurrency: wrong type: expected an integer, got a TOML string"}},
		{"integer duration", "[poll]\ninterval = 5\n" + minimal, []string{`g.toml:2:1: poll.interval: "5" is not a duration`}},
		{"bad duration", "[poll]\ntimeout = \"soon\"\n" + minimal, []string{`g.toml:2:1: poll.timeout: "soon" is not a duration`}},
		{"zero duration", "[poll]\ninterval = \"0s\"\n" + minimal, []string{"g.toml:2:1: poll.interval: must be a positive duration, got 0s"}},
		{"bad url", "[[source]]\nurl = \"ftp://example.org/x\"\n", []string{`g.toml:2:1: source 1.url: "ftp://example.org/x" is not an http or https URL`}},
		{"url without host", "[[source]]\nurl = \"https:///x\"\n", []string{`g.toml:2:1: source 1.url: "https:///x" has no host`}},
		// Slips people make often: go-toml's words, then what to write.
		{"single brackets after double", minimal + "[source]\nurl = \"https://b.example/f\"\n", []string{"g.toml:4:2: source: table source already exists as an array of tables: each source block is headed with double brackets, as the ones before it"}},
		{"unquoted url", "[[source]]\nurl = https://a.example/f\n", []string{`g.toml:2:7: syntax error: unexpected character U+0068 'h' at start of value: text is written in double quotes (url = "https://news.example/rss"), yes and no as true and false`}},
		{"unclosed quote", "[[source]]\nurl = \"https://a.example/f\nname = \"x\"\n", []string{"g.toml:2:27: syntax error: basic strings cannot have new lines: a quote opened on this line is not closed"}},
		{"utf-16", "\xff\xfe[\x00[\x00", []string{"g.toml: the file is UTF-16 text (a byte order mark says so): gleaner reads UTF-8; save it as UTF-8"}},
		{"utf-32", "\xff\xfe\x00\x00[\x00\x00\x00", []string{"g.toml: the file is UTF-32 text (a byte order mark says so): gleaner reads UTF-8; save it as UTF-8"}},
		{"empty file", " \n", []string{"g.toml: source: no sources: add at least one [[source]] block with a url (the file is empty)"}},
		{"single brackets after double, another table", "[[topic.extend.group]]\nname = \"g\"\nterms = [\"x\"]\n[topic.extend.group]\nname = \"h\"\n" + minimal,
			[]string{"g.toml:4:2: topic.extend.group: table group already exists as an array of tables: each group block is headed with double brackets, as the ones before it"}},
		{"comma in host", "[[source]]\nurl = \"https://example,com/rss\"\n", []string{`g.toml:2:1: source 1.url: "https://example,com/rss": "example,com" is not a host name`}},
		{"empty label in host", "[[source]]\nurl = \"https://example..com/rss\"\n", []string{`g.toml:2:1: source 1.url: "https://example..com/rss": "example..com" is not a host name`}},
		// gleaner's own listings print a URL's secret as REDACTED: pasted back, it is refused as sources add refuses it.
		{"redacted query", "[[source]]\nurl = \"https://a.example/feed?token=REDACTED\"\n", []string{"g.toml:2:1: source 1.url: REDACTED stands where a secret was"}},
		{"redacted user", "[[source]]\nurl = \"https://REDACTED@b.example/feed\"\n", []string{"g.toml:2:1: source 1.url: REDACTED stands where a secret was"}},
		{"missing url", "[[source]]\nname = \"x\"\n", []string{"g.toml:1:3: source 1.url: missing: every [[source]] needs a url"}},
		{"duplicate url", minimal + "\n[[source]]\nname = \"again\"\nurl = \"https://EXAMPLE.org:443/feed.xml\"\n",
			[]string{`g.toml:7:1: source 2.url: duplicate source URL "https://EXAMPLE.org:443/feed.xml": source 1 has it already`}},
		{"no sources", "listen = \"127.0.0.1:1\"\n", []string{"g.toml: source: no sources: add at least one [[source]] block with a url"}},
		{"bad timezone", minimal + "timezone = \"Mars/Base\"\n", []string{`g.toml:4:1: source 1.timezone: unknown time zone "Mars/Base"`}},
		{"bad display zone", "[feed]\ntimezone = \"Mars/Base\"\n" + minimal, []string{`g.toml:2:1: feed.timezone: unknown time zone "Mars/Base" (use an IANA name such as "Asia/Seoul", or leave it out for this machine's)`}},
		{"display zone, a bare city", "[feed]\ntimezone = \"Seoul\"\n" + minimal, []string{`g.toml:2:1: feed.timezone: unknown time zone "Seoul": did you mean "Asia/Seoul"? (or leave it out for this machine's)`}},
		{"zone in lower case", minimal + "timezone = \"america/new_york\"\n", []string{`g.toml:4:1: source 1.timezone: unknown time zone "america/new_york": did you mean "America/New_York"?`}},
		{"bad listen", "listen = \"8080\"\n" + minimal, []string{`g.toml:1:1: listen: "8080" is not a host:port address`}},
		{"syntax", "listen = \n" + minimal, []string{"g.toml:1:10: syntax error:"}},
		{"several at once", "[poll]\nconcurrency = 0\n[feed]\nmax_items = 0\n" + minimal + "interval = \"-1m\"\n",
			[]string{"g.toml:2:1: poll.concurrency: must be between 1 and 1024, got 0", "g.toml:4:1: feed.max_items: must be between 1 and 10000, got 0", "g.toml:8:1: source 1.interval: must be a positive duration, got -1m"}},
		{"duration in days", "[poll]\ninterval = \"1d\"\n" + minimal, []string{`g.toml:2:1: poll.interval: "1d" is not a duration: the units are ns, us, ms, s, m and h (a day is "24h")`}},
		{"duration too long", "[poll]\ninterval = \"10000000h\"\n" + minimal, []string{`g.toml:2:1: poll.interval: "10000000h" is not a duration: too long`}},
		{"date for a duration", "[poll]\ninterval = 1979-05-27\n" + minimal, []string{`g.toml:2:12: poll.interval: wrong type: expected a duration string such as "15m", got a TOML local date`}},
		{"bad size", "[poll]\nmax_body = \"ten megs\"\n" + minimal, []string{`g.toml:2:1: poll.max_body: "ten megs" is not a size`}},
		{"bad hub", "[publish]\nhub = \"not a url\"\n" + minimal, []string{`g.toml:2:1: publish.hub: "not a url" is not an http or https URL`}},
		{"memory limit too small", "memory_limit = \"1MiB\"\n" + minimal, []string{"g.toml:1:1: memory_limit: must be 0 (Go's defaults) or at least 32MiB, got 1048576 bytes"}},
		{"max_related out of range", "[stories]\nmax_related = -1\n" + minimal, []string{"g.toml:2:1: stories.max_related: must be between 0 and 1000, got -1"}},
		{"bad aliases", "[stories]\ncross_threshold = 1.5\naliases = [\n  [\"과기정통부\", \"MSIT\"],\n  [\"엔비디아\"],\n  [\"상무부\", \"--\"],\n]\n" + minimal, []string{
			"g.toml:2:1: stories.cross_threshold: must be between 0 and 1, got 1.5",
			"g.toml:3:1: stories.aliases 2: a concept needs at least two names, got 1",
			`g.toml:6:17: stories.aliases 3: name 2: "--" has no letter or digit to match`,
		}},
		{"bad memory limit", "memory_limit = \"lots\"\n" + minimal, []string{`g.toml:1:1: memory_limit: "lots" is not a size`}},
		{"source port out of range", "[[source]]\nurl = \"https://example.org:99999/feed\"\n", []string{`g.toml:2:1: source 1.url: "https://example.org:99999/feed": the port must be a number from 1 to 65535, got "99999"`}},
		{"base url with a fragment", "[feed]\nbase_url = \"https://news.example/ai#top\"\n" + minimal, []string{`g.toml:2:1: feed.base_url: "https://news.example/ai#top" has a query or a fragment: the feed's addresses are made by adding paths to it`}},
		{"user agent on two lines", "[poll]\nuser_agent = \"my bot\\r\\nX-Evil: 1\"\n" + minimal, []string{`g.toml:2:1: poll.user_agent: "my bot\r\nX-Evil: 1" cannot be sent as an HTTP header: use printable text on one line`}},
		{"port out of range", "listen = \"127.0.0.1:99999\"\n" + minimal, []string{`g.toml:1:1: listen: "127.0.0.1:99999": the port must be a number from 0 (any free port) to 65535, got "99999"`}},
		{"port not a number", "listen = \"localhost:http\"\n" + minimal, []string{`g.toml:1:1: listen: "localhost:http": the port must be a number`}},
		{"bad listen host", "listen = \"bad_host!:80\"\n" + minimal, []string{`g.toml:1:1: listen: "bad_host!:80": "bad_host!" is not an IP address or a host name`}},
		{"misspelled key", "[poll]\nintervall = \"5m\"\n" + minimal, []string{"g.toml:2:1: poll.intervall: unknown key; did you mean `interval`?"}},
		{"transposed letters", "[feed]\nmax_itmes = 5\n" + minimal, []string{"g.toml:2:1: feed.max_itmes: unknown key; did you mean `max_items`?"}},
		{"key in the wrong table", "interval = \"5m\"\n" + minimal, []string{"g.toml:1:1: interval: unknown key; `interval` belongs in [[source]] or [poll]"}},
		// go-toml matches keys without regard to case: a [[Source]] list replaced the
		// [[source]] blocks before it, and the editor counted only the lower-case ones.
		{"table in other case", minimal + "[[Source]]\nurl = \"https://b.example/feed\"\n[[Source]]\nurl = \"https://c.example/feed\"\n",
			[]string{"g.toml:4:3: Source: unknown key; did you mean `source`? (keys are case-sensitive)"}},
		{"key in other case", minimal + "URL = \"https://b.example/feed\"\n[Poll]\ninterval = \"1h\"\n", []string{
			"g.toml:4:1: source 1.URL: unknown key; did you mean `url`? (keys are case-sensitive)",
			"g.toml:5:2: Poll: unknown key; did you mean `poll`? (keys are case-sensitive)",
		}},
		{"concurrency out of range", "[poll]\nconcurrency = 100000000\nper_host = 2000\n" + minimal, []string{
			"g.toml:2:1: poll.concurrency: must be between 1 and 1024, got 100000000",
			"g.toml:3:1: poll.per_host: must be between 1 and 1024, got 2000",
		}},
		{"threshold not a number", "[stories]\nthreshold = nan\ncross_threshold = -inf\n" + minimal, []string{
			"g.toml:2:1: stories.threshold: must be between 0 and 1, got NaN",
			"g.toml:3:1: stories.cross_threshold: must be between 0 and 1, got -Inf",
		}},
		{"another tool's name for url", "[[source]]\nfeed = \"https://a.example/feed\"\nurl = \"https://b.example/feed\"\n", []string{"g.toml:2:1: source 1.feed: unknown key; did you mean `url`?"}},
		{"key defined twice", minimal + "name = \"x\"\nname = \"y\"\n[poll]\ninterval = \"1h\"\ninterval = \"2h\"\n", []string{
			"g.toml:5:1: source 1.name: key name is already defined",
			"g.toml:8:1: poll.interval: key interval is already defined",
		}},
		{"misspelt key in an inline source", "source = [\n  {url = \"https://a.example/f\"},\n  {url = \"https://b.example/f\", nmae = \"x\"},\n]\n",
			[]string{"g.toml:3:33: source 2.nmae: unknown key; did you mean `name`?"}},
		{"misspelt key in two sources on one line", "source = [{url = \"https://a.example/f\", nmae = \"x\"}, {url = \"https://b.example/f\", nmae = \"y\"}]\n", []string{
			"g.toml:1:41: source 1.nmae: unknown key; did you mean `name`?",
			"g.toml:1:84: source 2.nmae: unknown key; did you mean `name`?",
		}},
		{"nothing close", "[poll]\nfrobnicate = 1\n" + minimal, []string{"g.toml:2:1: poll.frobnicate: unknown key"}},
		{"table of the wrong type", "[[feed]]\ntitle = \"x\"\n[poll]\nconcurrency = 0\n" + minimal, []string{"g.toml:1:3: feed: one table, not an array of tables: write [feed], not [[feed]]", "g.toml:4:1: poll.concurrency: must be between 1 and 1024, got 0"}},
		{"no double report of a wrong type", "[[source]]\nurl = 5\n", []string{"g.toml:2:7: source 1.url: wrong type: expected a string, got a TOML integer"}},
		{"keep time of minutes", "[store]\nkeep_matched = \"1m\"\nkeep_unmatched = \"1h\"\n" + minimal, []string{`g.toml:2:1: store.keep_matched: 1m would delete every kept item, what the feed shows, 1m after it is first seen, for good; kept items are kept at least 1h (there is no unit for days or months: 30 days is "720h")`}},
		{"zero-width space in a URL", "[[source]]\nurl = \"https://a.example/feed\u200b\"\n", []string{`g.toml:2:1: source 1.url: "https://a.example/feed\u200b" has an invisible character, U+200B, after "https://a.example/feed": delete it, or type the URL again`}},
		{"sources as a list of URLs", "source = [\"https://a.example/rss\", \"https://b.example/rss\"]\n", []string{`g.toml:1:11: source: wrong type: expected a table, got a TOML string: each source is a block of its own, a line [[source]] and under it url = "https://news.example/rss"`}},
		{"one source as a URL", "source = \"https://a.example/rss\"\n", []string{`g.toml:1:10: source: wrong type: expected an array, got a TOML string: each source is a block of its own, a line [[source]] and under it url = "https://news.example/rss"`}},
		// One wrong type hides nothing else; unknown keys hide no bad value.
		{"every problem at once", "listen = 8080\nbogus = true\n[poll]\nconcurrency = \"eight\"\nintervall = \"5m\"\ntimeout = \"soon\"\n[feed]\nmax_items = [1]\nbase_url = \"ftp://x\"\n" + minimal + "interval = 5.5\ntimezone = \"Mars/Base\"\n",
			[]string{
				"g.toml:1:10: listen: wrong type: expected a string, got a TOML integer",
				"g.toml:2:1: bogus: unknown key",
				"g.toml:4:15: poll.concurrency: wrong type: expected an integer, got a TOML string",
				"g.toml:5:1: poll.intervall: unknown key; did you mean `interval`?",
				`g.toml:6:1: poll.timeout: "soon" is not a duration`,
				"g.toml:8:13: feed.max_items: wrong type: expected an integer, got a TOML array",
				`g.toml:9:1: feed.base_url: "ftp://x" is not an http or https URL`,
				`g.toml:13:1: source 1.interval: "5.5" is not a duration`,
				`g.toml:14:1: source 1.timezone: unknown time zone "Mars/Base"`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("g.toml", []byte(tt.src))
			assertErrorLines(t, err, tt.want)
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want not-exist", err)
	}
}

func TestWarnings(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"derived base_url", "listen = \"127.0.0.1:9090\"\n", ""},
		{"explicit base_url on the listen port", "listen = \"127.0.0.1:9090\"\n[feed]\nbase_url = \"http://localhost:9090/\"\n", ""},
		{"public base_url", "listen = \"127.0.0.1:9090\"\n[feed]\nbase_url = \"https://news.example.com/\"\n", ""},
		{"loopback base_url on another port", "listen = \"127.0.0.1:9090\"\n[feed]\nbase_url = \"http://127.0.0.1:8080/\"\n",
			`g.toml:3:1: feed.base_url: "http://127.0.0.1:8080/" is on port 8080 of this machine, but listen is "127.0.0.1:9090"`},
		{"all interfaces without base_url", "listen = \"0.0.0.0:8080\"\n", "g.toml: feed.base_url: not set, so the feed's links say http://0.0.0.0:8080/"},
		{"any free port without base_url", "listen = \"127.0.0.1:0\"\n", `g.toml: feed.base_url: not set, and listen "127.0.0.1:0" takes any free port: the feed's links would say port 0`},
		// Refused for a while; a file that set it must still load after an upgrade.
		{"backoff below a minute", "[poll]\nmax_backoff = \"30s\"\n", "g.toml:2:1: poll.max_backoff: 30s is read as 1m"},
		// Impolite polling, and below a second what the daemon does instead.
		{"interval below a minute", "[poll]\ninterval = \"30s\"\n", "g.toml:2:1: poll.interval: 30s polls a site more often than once a minute"},
		{"interval below a second", "[poll]\ninterval = \"1ms\"\n", "g.toml:2:1: poll.interval: 1ms polls a site more often than once a minute, which sites may take for abuse; fine for a feed of your own (gleaner looks for due sources once a second: it polls every second)"},
		{"a minute", "[poll]\ninterval = \"1m\"\n", ""},
		{"kept items deleted before they leave the feed", "[store]\nkeep_matched = \"48h\"\n", "g.toml:2:1: store.keep_matched: 48h is shorter than feed.max_age (336h): kept items are deleted before they would leave the feed"},
		{"keep time as long as max_age", "[store]\nkeep_matched = \"336h\"\n", ""},
		// A zero-width non-joiner is part of a Persian word, not a slip.
		{"Persian URL", "[[source]]\nurl = \"https://fa.example/tag/\u0633\u06cc\u0627\u0633\u062a\u200c\u06af\u0630\u0627\u0631\u06cc/feed\"\n", ""},
		// Deliberate, maybe (off-topic items dropped fast): it worked before, so a warning.
		{"unmatched items kept minutes", "[store]\nkeep_unmatched = \"30m\"\n", `g.toml:2:1: store.keep_unmatched: 30m deletes every item the filter left out 30m after it is first seen, for good (reclassify and labels cannot take it in after that); if a month was meant, there is no unit for it: 30 days is "720h"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("g.toml", []byte(tc.src+minimal))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Warnings.Error(); tc.want == "" && got != "" || !strings.HasPrefix(got, tc.want) {
				t.Errorf("warnings %q, want %q", got, tc.want)
			}
		})
	}
}

// TestUnnamedSourcesOfOneHost: sources left unnamed are named by their host;
// two on one host would share the name (metrics, log lines), which a warning
// says, naming the first.
func TestUnnamedSourcesOfOneHost(t *testing.T) {
	c, err := Parse("g.toml", []byte("[[source]]\nurl = \"https://a.example/rss/ai.xml\"\n[[source]]\nurl = \"https://a.example/rss/policy/\"\n"+
		"[[source]]\nurl = \"https://b.example/feed\"\n[[source]]\nname = \"A\"\nurl = \"https://a.example/other\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range c.Sources {
		names = append(names, s.Name)
	}
	if want := []string{"a.example", "a.example", "b.example", "A"}; !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	if len(c.Warnings) != 1 || c.Warnings[0].Error() != `g.toml:3:3: source 2: unnamed, so named "a.example" as source 1 is: give each a name, or their metrics and log lines cannot be told apart` {
		t.Errorf("warnings %v", c.Warnings)
	}
	// A source named as an unnamed one's host shares the name too.
	c, err = Parse("g.toml", []byte("[[source]]\nname = \"a.example\"\nurl = \"https://a.example/x\"\n[[source]]\nurl = \"https://a.example/y\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.HasPrefix(c.Warnings[0].Error(), `g.toml:4:3: source 2: unnamed, so named "a.example" as source 1 is`) {
		t.Errorf("named as the host: warnings %v", c.Warnings)
	}
}

// TestSourceHosts: hosts that real feeds have pass: internationalised names in
// their letters or punycode, underscores, IP addresses, ports.
func TestSourceHosts(t *testing.T) {
	for _, u := range []string{"https://한국일보.kr/rss", "https://my_블로그.kr/f", "https://xn--3e0b707e.kr/rss", "https://my_blog.example.com/feed", "http://[::1]:8080/feed", "http://127.0.0.1:18150/a.xml", "https://news.example./feed"} {
		if _, err := Parse("g.toml", []byte("[[source]]\nurl = \""+u+"\"\n")); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

// TestDuplicateNamesAndSchemes: two sources of one name, or one feed listed
// over http and https, are valid but not what the user meant: warnings, naming
// the other source (both were accepted without a word).
func TestDuplicateNamesAndSchemes(t *testing.T) {
	c, err := Parse("g.toml", []byte("[[source]]\nname = \"News\"\nurl = \"https://a.example/feed\"\n"+
		"[[source]]\nname = \"News\"\nurl = \"https://b.example/feed\"\n"+
		"[[source]]\nname = \"C\"\nurl = \"http://C.example/feed/\"\n"+
		"[[source]]\nname = \"C2\"\nurl = \"https://c.example/feed\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`g.toml:5:1: source 2.name: "News" names source 1 too: give each its own name, or their metrics and log lines cannot be told apart`,
		`g.toml:12:1: source 4.url: "https://c.example/feed" is source 3's address over the other scheme (http://C.example/feed/): the feed would be polled and stored twice; keep one, https if the site has it`,
	}
	var got []string
	for _, w := range c.Warnings {
		got = append(got, w.Error())
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestOneBlockWrittenAsATable: go-toml reads [source], or source.url = ..., as
// the array's one element, so such a file works, but gleaner sources cannot
// edit it (it said the file wrote an inline array) and a [[source]] block
// cannot follow: a warning, not a problem (it was refused for a while, and a
// file that had it must load after an upgrade).
func TestOneBlockWrittenAsATable(t *testing.T) {
	for src, want := range map[string]string{
		"[source]\nurl = \"https://a.example/feed\"\n":                                   "g.toml:1:2: source: source is one [[source]] block written as a table ([source])",
		"source.url = \"https://a.example/feed\"\n":                                      "g.toml:1:1: source: source is one [[source]] block written as dotted keys (source.url = ...)",
		"[topic.extend]\n[topic.extend.rule]\nname = \"x\"\nmin_score = 1.0\n" + minimal: "g.toml:2:2: topic.extend.rule: topic.extend.rule is one [[topic.extend.rule]] block written as a table ([topic.extend.rule]): write it as [[topic.extend.rule]], which other blocks can follow",
	} {
		c, err := ParsePartial("g.toml", []byte(src))
		if c == nil || len(c.Warnings) != 1 || !strings.HasPrefix(c.Warnings[0].Error(), want) {
			t.Errorf("%q: warnings %v (problems %v), want one starting %q", src, c.Warnings, err, want)
		}
		if err != nil && !strings.Contains(src, "topic.extend") {
			t.Errorf("%q: %v, want it to load", src, err)
		}
	}
}

// TestTopicFileTableWarning: a topic_file's [topic.extend.rule] for
// [[topic.extend.rule]] gets the warning the main file's would.
func TestTopicFileTableWarning(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "te.toml"), []byte("[topic.extend]\n[topic.extend.rule]\nname = \"ai+actor\"\nmin_score = 5.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := ParsePartial(filepath.Join(dir, "g.toml"), []byte("topic_file = \"te.toml\"\n"+minimal))
	if c == nil || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0].Error(), "te.toml:2:2: topic.extend.rule: topic.extend.rule is one [[topic.extend.rule]] block") {
		t.Errorf("warnings %v (problems %v)", c.Warnings, err)
	}
	// A [source] there is a problem (no sources in a topic_file), not a block
	// to write as [[source]].
	if err := os.WriteFile(filepath.Join(dir, "te.toml"), []byte("[topic.extend]\n[source]\nurl = \"https://x.example/f\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = ParsePartial(filepath.Join(dir, "g.toml"), []byte("topic_file = \"te.toml\"\n"+minimal))
	if c == nil || len(c.Warnings) != 0 || err == nil || !strings.Contains(err.Error(), "a topic_file holds the [topic] table only") {
		t.Errorf("[source] in a topic_file: warnings %v, problems %v", c.Warnings, err)
	}
}

// TestBaseURLDerived tells a base_url left out, which is the listen address,
// from one the file sets, even to that same address.
func TestBaseURLDerived(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      bool
	}{
		{"left out", "listen = \"127.0.0.1:9090\"\n", true},
		{"set to the listen address", "listen = \"127.0.0.1:9090\"\n[feed]\nbase_url = \"http://127.0.0.1:9090/\"\n", false},
		{"set", "[feed]\nbase_url = \"https://news.example.com/ai\"\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("g.toml", []byte(tc.src+minimal))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.BaseURLDerived(); got != tc.want {
				t.Errorf("BaseURLDerived() = %v, want %v (base_url %q)", got, tc.want, c.Feed.BaseURL)
			}
		})
	}
}

// TestParsePartial: a file with problems still yields what it says, for
// commands that only need its database.
func TestParsePartial(t *testing.T) {
	c, err := ParsePartial("/etc/g/g.toml", []byte("database = \"my.db\"\n[poll]\nconcurrency = \"x\"\n"))
	if !errors.Is(err, ErrInvalid) || c == nil || c.Database != "/etc/g/my.db" {
		t.Errorf("ParsePartial: %+v, %v", c, err)
	}
	c, err = ParsePartial("/etc/g/g.toml", []byte("database = \n"))
	if err == nil || c == nil || c.Database != "/etc/g/gleaner.db" {
		t.Errorf("ParsePartial of a syntax error: %+v, %v", c, err)
	}
	if c, err := Parse("g.toml", []byte("bogus = 1\n"+minimal)); c != nil || err == nil {
		t.Errorf("Parse returned a config with its error: %v", err)
	}
}

func TestDurationAsWritten(t *testing.T) {
	c, err := Parse("g.toml", []byte("[poll]\ninterval = \"90m\"\n"+minimal))
	if err != nil {
		t.Fatal(err)
	}
	if c.Poll.Interval.String() != "90m" || c.Sources[0].Interval.String() != "90m" || c.Poll.Timeout.String() != "30s" || c.Store.KeepMatched.String() != "8760h" {
		t.Errorf("durations: %s %s %s %s", c.Poll.Interval, c.Sources[0].Interval, c.Poll.Timeout, c.Store.KeepMatched)
	}
	d, err := ParseDuration("30m")
	if err != nil || d.String() != "30m" || d.D() != 30*time.Minute {
		t.Errorf("ParseDuration: %v %v", d, err)
	}
	if _, err := ParseDuration("soon"); err == nil {
		t.Error("ParseDuration accepted soon")
	}
	for d, want := range map[time.Duration]string{2 * time.Hour: "2h", 90 * time.Minute: "1h30m", 90 * time.Second: "1m30s", 0: "0s", 1500 * time.Millisecond: "1.5s"} {
		if got := Dur(d).String(); got != want {
			t.Errorf("Dur(%v) = %s, want %s", d, got, want)
		}
	}
}

func TestOneBased(t *testing.T) {
	for in, want := range map[string]string{
		"source[11].url":                           "source 12.url",
		"topic.group[0].terms[3]":                  "topic.group 1.terms 4",
		`duplicate term "a[1]" (same as terms[0])`: `duplicate term "a[1]" (same as terms 1)`,
		`quoted "x\"[2]" then y[2]`:                `quoted "x\"[2]" then y 3`,
		"no index here":                            "no index here",
	} {
		if got := oneBased(in); got != want {
			t.Errorf("oneBased(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"interval", "intervall", 1}, {"intevral", "interval", 1}, {"", "abc", 3}, {"abc", "abc", 0}, {"인공지능", "인공지눙", 1}, {"kitten", "sitting", 3}} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestLines guards the order of a file's report: problems and warnings
// together, by line and column, warnings marked, sources counted from 1.
func TestLines(t *testing.T) {
	errs := Errors{
		{File: "g.toml", Line: 9, Column: 1, Key: "source[1].url", Msg: "not a URL"},
		{File: "g.toml", Line: 2, Column: 5, Key: "listen", Msg: "port out of range"},
	}
	warnings := Errors{{File: "g.toml", Line: 4, Column: 1, Key: "feed.base_url", Msg: "not https"}}
	got := Lines(errs, warnings)
	want := []string{
		"g.toml:2:5: listen: port out of range",
		"g.toml:4:1: feed.base_url: warning: not https",
		"g.toml:9:1: source 2.url: not a URL",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if warnings[0].Msg != "not https" || errs[0].Line != 9 {
		t.Error("Lines changed its arguments")
	}
}

// TestByteOrderMarkIsAccepted: a config saved by an editor that writes a UTF-8
// byte order mark first reads as the same config.
func TestByteOrderMarkIsAccepted(t *testing.T) {
	src := "listen = \"127.0.0.1:9090\"\n" + minimal
	plain, err := Parse("g.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	bom, err := Parse("g.toml", append([]byte("\ufeff"), src...))
	if err != nil {
		t.Fatalf("with a byte order mark: %v", err)
	}
	if bom.Listen != plain.Listen || len(bom.Sources) != len(plain.Sources) {
		t.Errorf("with a byte order mark: %+v, want %+v", bom, plain)
	}
}

// TestSpacesAroundURLAndName: spaces around a source's URL or name are no part
// of it; a blank name is no name (the host is).
func TestSpacesAroundURLAndName(t *testing.T) {
	c, err := Parse("g.toml", []byte("[[source]]\nurl = \"  https://news.example/feed \"\nname = \"   \"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s := c.Sources[0]; s.URL != "https://news.example/feed" || s.Name != "news.example" {
		t.Errorf("url %q, name %q; want the URL trimmed and the host as name", s.URL, s.Name)
	}
}

// TestSpacesInDurations: spaces around or inside a duration are a slip, not
// another duration: " 15m" was "too long: at most about 2540400h", "15m " was
// told the units as if m were not one.
func TestSpacesInDurations(t *testing.T) {
	for text, want := range map[string]time.Duration{" 15m": 15 * time.Minute, "15m ": 15 * time.Minute, "1h 30m": 90 * time.Minute, "\t2h\t": 2 * time.Hour, "90 s": 90 * time.Second} {
		c, err := Parse("g.toml", []byte("[poll]\ninterval = \""+text+"\"\n"+minimal))
		if err != nil {
			t.Errorf("interval %q: %v", text, err)
			continue
		}
		if c.Poll.Interval.D() != want || strings.ContainsAny(c.Poll.Interval.String(), " \t") {
			t.Errorf("interval %q = %v (%q), want %v written without spaces", text, c.Poll.Interval.D(), c.Poll.Interval.String(), want)
		}
	}
	if _, err := Parse("g.toml", []byte("[poll]\ninterval = \" 1 d\"\n"+minimal)); err == nil || !strings.Contains(err.Error(), "the units are") {
		t.Errorf("\" 1 d\": %v, want the units named", err)
	}
	// Two numbers apart are a mistake, not 130m.
	if _, err := Parse("g.toml", []byte("[poll]\ninterval = \"1 30m\"\n"+minimal)); err == nil || !strings.Contains(err.Error(), `"1 30m" is not a duration`) {
		t.Errorf("\"1 30m\": %v, want it refused", err)
	}
}

// TestDatabasePath: a directory where the database file should be is a
// problem (run failed with "unable to open database file (14)"), and so is a
// file where its directory should be; a directory that does not exist yet is
// none: gleaner run and fetch create it.
func TestDatabasePath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "g.toml")
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Parse(path, []byte("database = \"data\"\n"+minimal))
	assertErrorLines(t, err, []string{path + ":1:1: database: " + filepath.Join(dir, "data") + " is a directory: name the database file in it"})
	c, err := Parse(path, []byte("database = \"nodir/g.db\"\n"+minimal))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings %v, want none: gleaner run and fetch create the directory", c.Warnings)
	}
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Parse(path, []byte("database = \"file/g.db\"\n"+minimal))
	assertErrorLines(t, err, []string{path + ":1:1: database: " + filepath.Join(dir, "file") + " is not a directory, so g.db cannot be made in it"})
	// Higher up: the directories to make would have to go through the file.
	_, err = Parse(path, []byte("database = \"file/sub/g.db\"\n"+minimal))
	assertErrorLines(t, err, []string{path + ":1:1: database: " + filepath.Join(dir, "file") + " is not a directory, so sub/g.db cannot be made in it"})
}
