package publish

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/gleaner/gleaner/aggregate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenCase is one rendering compared byte for byte with a file: the fixtures'
// times are fixed, so any difference is a change in what readers receive.
type goldenCase struct {
	name    string
	opts    func(*Options)
	entries []aggregate.Entry
	target  string
}

func goldenCases() []goldenCase {
	full := fixtureEntries()
	withHub := func(o *Options) { o.Hub = "https://hub.example.com/" }
	return []goldenCase{
		{"full.atom", nil, full, "/feed.atom"},
		{"full.rss", nil, full, "/feed.rss"},
		{"full.json", nil, full, "/feed.json"},
		{"full.html", nil, full, "/"},
		{"empty.atom", nil, nil, "/feed.atom"},
		{"empty.rss", nil, nil, "/feed.rss"},
		{"empty.json", nil, nil, "/feed.json"},
		{"empty.html", nil, nil, "/"},
		{"ko-hub.atom", withHub, full, "/feed.atom?lang=ko"},
		{"ko-hub.rss", withHub, full, "/feed.rss?lang=ko"},
		{"ko-hub.json", withHub, full, "/feed.json?lang=ko"},
		{"regulation.html", nil, full, "/?category=regulation&limit=1"},
		{"sources.opml", nil, full, "/sources.opml"},
	}
}

func renderCase(t *testing.T, c goldenCase) []byte {
	t.Helper()
	o := fixtureOptions()
	if c.opts != nil {
		c.opts(&o)
	}
	h, _ := newTestHandler(t, o, c.entries)
	resp := get(t, h, "GET", c.target)
	mustStatus(t, resp, 200)
	return body(t, resp)
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			got := renderCase(t, c)
			path := filepath.Join("testdata", "golden", c.name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./publish -run TestGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run with -update if the change is intended)\n got:\n%s", c.target, path, got)
			}
			// The same input renders the same bytes again: ETags depend on it.
			if again := renderCase(t, c); !bytes.Equal(again, got) {
				t.Errorf("%s is not deterministic", c.target)
			}
		})
	}
}
