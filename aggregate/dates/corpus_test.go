package dates

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// dateElement matches the date elements of RSS, Atom and Dublin Core, with or
// without CDATA. The corpus files are read as bytes: dates are ASCII, except
// the Korean ones, which are in UTF-8 feeds.
var dateElement = regexp.MustCompile(`(?s)<(pubDate|dc:date|updated|published|lastBuildDate|modified|issued|created)>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</`)

// TestCorpusDates reads every date in the shared corpus's real Korean and English
// feeds (RFC 822 with KST and glued offsets, dc:date, Korean free text): all of
// them must parse.
func TestCorpusDates(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	if s := os.Getenv("GLEANER_SHARED"); s != "" {
		dir = filepath.Join(s, "corpus")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("../shared/corpus not found: %v (set GLEANER_SHARED to the shared folder)", err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "real", "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no real/ feeds in %s: %v", dir, err)
	}
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for _, f := range files {
		name := filepath.Base(f)
		if !strings.HasPrefix(name, "ko-") && !strings.HasPrefix(name, "en-") {
			continue // e.g. Portuguese "Seg, 24 Set 2018": localised names are not read
		}
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range dateElement.FindAllSubmatch(body, -1) {
			s := html.UnescapeString(string(m[2]))
			if _, _, ok := Parse(s, seoul); !ok {
				t.Errorf("%s: <%s> %q not read", name, m[1], s)
			}
			read++
		}
	}
	if read < 1000 {
		t.Errorf("read only %d dates", read)
	}
	t.Logf("read %d dates", read)
}
