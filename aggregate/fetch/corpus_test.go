package fetch

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
)

// corpusDir finds the shared feed corpus: $GLEANER_SHARED/corpus, else
// ../shared/corpus beside the repository (this package is aggregate/fetch).
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	if s := os.Getenv("GLEANER_SHARED"); s != "" {
		dir = filepath.Join(s, "corpus")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("../shared/corpus not found: %v (set GLEANER_SHARED to the shared folder)", err)
	}
	return dir
}

// headerContentType reads the HTTP Content-Type that feedparser's test files
// declare in a "Header:" comment line, so that they are parsed as served.
var headerContentType = regexp.MustCompile(`(?mi)^Header:\s+Content-type:\s*(.*?)\s*$`)

// scripts are the writing systems the real/ feeds' titles must show, by file name
// prefix: a wrong charset turns them into Latin mojibake or U+FFFD.
var scripts = map[string][]*unicode.RangeTable{
	"ko-": {unicode.Hangul},
	"ru-": {unicode.Cyrillic},
	"zh-": {unicode.Han},
	"ja-": {unicode.Hiragana, unicode.Katakana, unicode.Han},
	"he-": {unicode.Hebrew},
	"th-": {unicode.Thai},
	"el-": {unicode.Greek},
}

// mojibake matches UTF-8 read as Latin-1 or windows-1252 ("Ã©" for "é"), the
// mark of a document decoded twice or with the wrong label.
var mojibake = regexp.MustCompile(`Ã[\x{80}-\x{BF}\x{2018}-\x{203A}\x{0152}\x{0160}\x{0178}]|Â[\x{A0}-\x{BF}]|â€`)

// TestCorpus runs every document of the shared corpus through Decode and Parse:
// none may panic, each gives a feed or a classified error, and the real-world
// feeds all parse with titles in the right script.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	c := New(nil, Options{})
	var files, feeds, withItems int
	kinds := map[Kind]int{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "README.md" {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		contentType := ""
		if m := headerContentType.FindSubmatch(body); m != nil {
			contentType = string(m[1])
		}
		feed, err := c.Parse(body, contentType, "http://127.0.0.1:8097/"+filepath.ToSlash(rel))
		real := strings.HasPrefix(rel, "real"+string(filepath.Separator))
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || fe.Kind == "" || strings.TrimSpace(err.Error()) == "" {
				t.Errorf("%s: unclassified error %T %q", rel, err, err)
			}
			kinds[fe.Kind]++
			if real {
				t.Errorf("%s: a real feed must parse: %v", rel, err)
			}
			return nil
		}
		feeds++
		if len(feed.Items) > 0 {
			withItems++
		}
		if real {
			checkRealFeed(t, rel, d.Name(), body, feed.Title, itemTitles(feed.Items))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d documents: %d feeds (%d with items), errors by kind %v", files, feeds, withItems, kinds)
	if files < 3000 {
		t.Errorf("read only %d documents; the corpus has 3,306", files)
	}
}

func checkRealFeed(t *testing.T, rel, name string, raw []byte, feedTitle string, titles []string) {
	t.Helper()
	var want []*unicode.RangeTable
	for prefix, tables := range scripts {
		if strings.HasPrefix(name, prefix) {
			want = tables
		}
	}
	inScript := 0
	for _, title := range append([]string{feedTitle}, titles...) {
		if !utf8.ValidString(title) || strings.ContainsRune(title, utf8.RuneError) {
			t.Errorf("%s: title %q is not clean UTF-8", rel, title)
		}
		// Some captures were saved double-encoded by whoever committed them
		// (fr-lemonde.xml holds "ActualitÃ©s" as UTF-8): only mojibake that is not
		// in the file itself is gleaner's doing.
		if m := mojibake.FindString(title); m != "" && !bytes.Contains(raw, []byte(m)) {
			t.Errorf("%s: title %q looks double-decoded (%q)", rel, title, m)
		}
		if want != nil && strings.IndexFunc(title, func(r rune) bool { return unicode.In(r, want...) }) >= 0 {
			inScript++
		}
	}
	if want != nil && inScript == 0 {
		t.Errorf("%s: no title in the expected script; feed title %q, first titles %q", rel, feedTitle, titles[:min(len(titles), 3)])
	}
	// The Korean legacy feeds are Korean blogs and wires: a good share of their
	// titles carry Hangul (the rest are English, as in "Merry Christmas!").
	if strings.HasPrefix(name, "ko-") && (strings.Contains(name, "euckr") || strings.Contains(name, "cp949")) && inScript*3 < len(titles)+1 {
		t.Errorf("%s: only %d of %d titles (feed title included) have Hangul", rel, inScript, len(titles)+1)
	}
}

func itemTitles(items []*gofeed.Item) []string {
	titles := make([]string, len(items))
	for i, it := range items {
		titles[i] = it.Title
	}
	return titles
}

// TestCorpusFeedparserEncoding checks the values feedparser's encoding tests
// expect where they are about decoding rather than feedparser's own
// post-processing: EUC-KR text, and a windows-1252 charset given in HTTP that
// overrides the declaration.
func TestCorpusFeedparserEncoding(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "feedparser", "encoding")
	c := New(nil, Options{})
	tests := []struct {
		file        string
		title, desc string // expected feed title, first item's description ("" to skip)
	}{
		{"euc-kr.xml", "\ub144", ""},
		{"euc-kr-item.xml", "", "\ub144"},
		{"euc-kr-attribute.xml", "", `<img alt="년" />`},
		{"http_text_xml_charset_2.xml", "", "This is a \u00a3\u201ctest.\u201d"},
		{"http_text_xml_charset_overrides_encoding_2.xml", "", "This is a \u00a3\u201ctest.\u201d"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			contentType := ""
			if m := headerContentType.FindSubmatch(body); m != nil {
				contentType = string(m[1])
			}
			feed, err := c.Parse(body, contentType, "http://127.0.0.1:8097/encoding/"+tt.file)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if tt.title != "" && feed.Title != tt.title {
				t.Errorf("title %q; want %q", feed.Title, tt.title)
			}
			if tt.desc != "" {
				if len(feed.Items) == 0 {
					t.Fatalf("no items")
				}
				if got := strings.TrimSpace(feed.Items[0].Description); got != tt.desc {
					t.Errorf("description %q; want %q", got, tt.desc)
				}
			}
		})
	}
}
