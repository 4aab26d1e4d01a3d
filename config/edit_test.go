package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const commented = `# gleaner.toml — hand-written, with comments everywhere.
listen = "127.0.0.1:8080"   # where the feed is served
database = "g.db"

[poll]
interval = "15m" # default

# Korean outlets
[[source]]
name = "전자신문"   # ET News
url = "https://rss.etnews.com/Section901.xml"
timezone = "Asia/Seoul"
# trailing comment of etnews

[[source]]
# the wire
name = "연합뉴스"
url = "https://www.yna.co.kr/rss/news.xml"

# English outlets
[[source]]
name = "Policy Wire"
url = "https://policy.example/feed"

[stories]
window = "72h"
`

func mustParse(t *testing.T, data []byte) *Config {
	t.Helper()
	c, err := Parse("gleaner.toml", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return c
}

func TestAppendThenRemoveIsByteIdentical(t *testing.T) {
	for name, orig := range map[string]string{
		"lf":   commented,
		"crlf": strings.ReplaceAll(commented, "\n", "\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			data := []byte(orig)
			add := []Source{
				{Name: `Quote "and" back\slash`, URL: "https://a.example/feed?x=1&y=2"},
				{URL: "https://b.example/atom", Timezone: "Asia/Seoul", Interval: Dur(3600e9)},
			}
			grown := AppendSources(data, add)
			if !strings.HasPrefix(string(grown), orig) {
				t.Fatalf("append changed the existing text:\n%s", grown)
			}
			c := mustParse(t, grown)
			if len(c.Sources) != 5 {
				t.Fatalf("%d sources after append, want 5", len(c.Sources))
			}
			if s := c.Sources[3]; s.Name != add[0].Name || s.URL != add[0].URL {
				t.Errorf("appended source reads back as %+v", s)
			}
			if s := c.Sources[4]; s.Name != "b.example" || s.Timezone != "Asia/Seoul" || s.Interval.String() != "1h" {
				t.Errorf("appended source reads back as %+v", s)
			}
			if name == "crlf" && strings.Contains(strings.ReplaceAll(string(grown), "\r\n", ""), "\n") {
				t.Errorf("appended lines do not use the file's CRLF endings")
			}
			// Remove them again, last first: the file is the original, byte for byte.
			out, err := RemoveSource(grown, 4)
			if err != nil {
				t.Fatal(err)
			}
			out, err = RemoveSource(out, 3)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != orig {
				t.Errorf("after append and remove:\n%q\nwant\n%q", out, orig)
			}
		})
	}
}

func TestRemoveSourceKeepsEverythingElse(t *testing.T) {
	cases := []struct {
		i    int
		gone []string // exactly the lines removed
	}{
		{0, []string{"[[source]]", `name = "전자신문"   # ET News`, `url = "https://rss.etnews.com/Section901.xml"`, `timezone = "Asia/Seoul"`}},
		// One of the two blank lines around it goes (the diff names the second).
		{1, []string{"[[source]]", "# the wire", `name = "연합뉴스"`, `url = "https://www.yna.co.kr/rss/news.xml"`, ""}},
		// The comment above it may be about what follows: it stays, and so does the blank line.
		{2, []string{"[[source]]", `name = "Policy Wire"`, `url = "https://policy.example/feed"`}},
	}
	for _, tc := range cases {
		out, err := RemoveSource([]byte(commented), tc.i)
		if err != nil {
			t.Fatal(err)
		}
		got := lineDiff(strings.Split(commented, "\n"), strings.Split(string(out), "\n"))
		if strings.Join(got, "|") != strings.Join(tc.gone, "|") {
			t.Errorf("remove source[%d] removed lines %q, want %q\n%s", tc.i, got, tc.gone, out)
		}
		c := mustParse(t, out)
		if len(c.Sources) != 2 {
			t.Errorf("remove source[%d]: %d sources left", tc.i, len(c.Sources))
		}
		if c.Stories.Window.D().String() != "72h0m0s" {
			t.Errorf("remove source[%d] lost [stories]", tc.i)
		}
	}
}

// lineDiff returns the lines of a missing from b, assuming b is a with lines
// removed.
func lineDiff(a, b []string) []string {
	var gone []string
	j := 0
	for _, l := range a {
		if j < len(b) && b[j] == l {
			j++
			continue
		}
		gone = append(gone, l)
	}
	return gone
}

func TestRemoveSourceErrors(t *testing.T) {
	if _, err := RemoveSource([]byte(commented), 3); !errors.Is(err, ErrNoSuchSource) {
		t.Errorf("out of range: %v, want ErrNoSuchSource", err)
	}
	inline := "source = [{url = \"https://a.example/feed\"}]\n"
	if _, err := RemoveSource([]byte(inline), 0); !errors.Is(err, ErrNotEditable) {
		t.Errorf("inline array: %v, want ErrNotEditable", err)
	}
	if _, err := RemoveSource([]byte("[[source]\nurl = 1"), 0); err == nil {
		t.Errorf("syntax error: no error")
	}
}

// TestCheckEditable: sources written as an inline array are not editable, and
// the error gives the [[source]] blocks to put in the array's place, which
// read back as the same sources; [[source]] blocks are editable.
func TestCheckEditable(t *testing.T) {
	if err := CheckEditable("g.toml", []byte(commented)); err != nil {
		t.Errorf("[[source]] blocks: %v", err)
	}
	inline := "database = \"g.db\"\nsource = [{url = \"https://a.example/feed\", name = \"A's\", interval = \"30m\"}, {url = \"https://b.example/feed\"}]\n"
	err := CheckEditable("g.toml", []byte(inline))
	if !errors.Is(err, ErrNotEditable) {
		t.Fatalf("inline array: %v, want ErrNotEditable", err)
	}
	msg := err.Error()
	head, blocks, ok := strings.Cut(msg, "\n\n")
	if !ok || !strings.HasPrefix(head, "g.toml writes its sources otherwise than as [[source]] blocks (an inline array source = [...], a [source] table or source.url keys), which gleaner sources add, remove and import cannot edit") {
		t.Fatalf("message:\n%s", msg)
	}
	c, err := Parse("g.toml", []byte("database = \"g.db\"\n"+blocks+"\n"))
	if err != nil {
		t.Fatalf("the blocks do not read back: %v\n%s", err, blocks)
	}
	if len(c.Sources) != 2 || c.Sources[0].Name != "A's" || c.Sources[0].Interval.String() != "30m" || c.Sources[1].URL != "https://b.example/feed" {
		t.Errorf("the blocks read back as %+v", c.Sources)
	}
	var many strings.Builder
	many.WriteString("source = [")
	for i := range 5 {
		fmt.Fprintf(&many, "{url = \"https://%d.example/feed\"},", i)
	}
	many.WriteString("]\n")
	if err := CheckEditable("g.toml", []byte(many.String())); err == nil || strings.Count(err.Error(), "[[source]]\n") != 3 || !strings.HasSuffix(err.Error(), "# ... and 2 more, each a [[source]] block like these") {
		t.Errorf("five sources: %v", err)
	}
}

func TestQuoteTOMLReadsBack(t *testing.T) {
	for _, s := range []string{"plain", `"quoted"`, `back\slash`, "tab\there", "new\nline", "bell\x07", "del\x7f", "한국어 🤖", "'single'"} {
		data := []byte("[[source]]\nname = " + quoteTOML(s) + "\nurl = \"https://a.example/\"\n")
		c := mustParse(t, data)
		if c.Sources[0].Name != s {
			t.Errorf("name %q reads back as %q from %s", s, c.Sources[0].Name, data)
		}
	}
}

// TestAppendSourcesWritesNamesAsPlainLines: a name with control and
// bidi-override characters is written without them.
func TestAppendSourcesWritesNamesAsPlainLines(t *testing.T) {
	for in, want := range map[string]string{
		"Policy <Wire> & Co":                  "Policy <Wire> & Co",
		"Evil\u202Egnp.exe\x1b[2J\x07 red\tx": "Evilgnp.exe[2J red x",
	} {
		c := mustParse(t, AppendSources(nil, []Source{{Name: in, URL: "https://a.example/"}}))
		if c.Sources[0].Name != want {
			t.Errorf("name %q written as %q, want %q", in, c.Sources[0].Name, want)
		}
	}
}

func TestWriteFileAtomicKeepsModeAndFollowsLinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "gleaner.toml")
	os.MkdirAll(filepath.Dir(real), 0o755)
	if err := os.WriteFile(real, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "gleaner.toml")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file")
	}
	b, _ := os.ReadFile(real)
	fi, _ := os.Stat(real)
	if string(b) != "new\n" || fi.Mode().Perm() != 0o600 {
		t.Errorf("target: %q mode %v, want \"new\\n\" 0600", b, fi.Mode().Perm())
	}
	for _, d := range []string{dir, filepath.Dir(real)} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp-") {
				t.Errorf("temporary file left behind: %s", e.Name())
			}
		}
	}
	fresh := filepath.Join(dir, "fresh.toml")
	if err := WriteFile(fresh, []byte("x\n")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", fi.Mode().Perm())
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x.toml"), []byte("x")); err == nil {
		t.Errorf("write into a missing directory: no error")
	}
}

func TestSameURLAndCheckSourceURL(t *testing.T) {
	if !SameURL("HTTPS://Example.com:443", "https://example.com/") || SameURL("https://example.com/a", "https://example.com/b") {
		t.Errorf("SameURL compares wrongly")
	}
	if CheckSourceURL("ftp://x/") == nil || CheckSourceURL("") == nil || CheckSourceURL("https://x/feed") != nil {
		t.Errorf("CheckSourceURL accepts or rejects wrongly")
	}
	// What gleaner's listings print in place of a secret (sources export without
	// -show-secrets) is no URL to add: imported again, it was written into the
	// config as a credential beside the real source.
	for _, u := range []string{"https://REDACTED@feeds.example.com/rss", "https://alice:REDACTED@feeds.example.com/rss",
		"https://api.example.com/feed?token=REDACTED&lang=ko"} {
		if err := CheckSourceURL(u); err == nil || !strings.Contains(err.Error(), "REDACTED stands where a secret was") {
			t.Errorf("CheckSourceURL(%q) = %v, want refused", u, err)
		}
	}
	if err := CheckSourceURL("https://example.com/redacted?q=REDACTEDNESS"); err != nil {
		t.Errorf("an ordinary URL: %v", err)
	}
}

func TestSameURL(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"https://example.org/feed", "https://example.org/feed/", true},
		{"https://example.org", "https://example.org/", true},
		{"HTTPS://Example.ORG:443/feed", "https://example.org/feed", true},
		{"http://example.org:80/feed", "http://example.org/feed", true},
		{"https://example.org/feed#top", "https://example.org/feed", true},
		{"https://example.org/a%7Eb", "https://example.org/a~b", true},
		{"https://bücher.example/rss", "https://xn--bcher-kva.example/rss", true},
		{"https://[::1]:443/feed", "https://[::1]/feed/", true},
		{"https://example.org/feed", "http://example.org/feed", false},
		{"https://example.org/Feed", "https://example.org/feed", false},
		{"https://example.org/feed?a=1", "https://example.org/feed?a=2", false},
		{"https://example.org:8443/feed", "https://example.org/feed", false},
		{"https://example.org/a%2Fb", "https://example.org/a/b", false},
	} {
		if got := SameURL(tc.a, tc.b); got != tc.same {
			t.Errorf("SameURL(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}
