package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/redact"
	"github.com/gleaner/gleaner/publish/opml"
)

func TestMatchSource(t *testing.T) {
	cfg := &config.Config{Path: "g.toml", Sources: []config.Source{{Name: "Twin", URL: "https://a.example/"}, {Name: "twin", URL: "https://b.example/"}, {Name: "Twin", URL: "https://c.example/"}}}
	if i, err := MatchSource(cfg, "twin"); i != 1 || err != nil {
		t.Errorf("exact name: %d %v", i, err)
	}
	if _, err := MatchSource(cfg, "Twin"); err == nil || !strings.Contains(err.Error(), "2 sources are named") {
		t.Errorf("ambiguous name: %v", err)
	}
	if _, err := MatchSource(cfg, "none"); !errors.Is(err, config.ErrNoSuchSource) {
		t.Errorf("unknown: %v, want ErrNoSuchSource", err)
	}
	if i, err := MatchSource(cfg, "HTTPS://B.example:443/#x"); i != 1 || err != nil {
		t.Errorf("the same URL: %d %v", i, err)
	}
}

// TestMatchSourceRedacted: a URL as the CLI shows it, its secrets REDACTED,
// names the one source that shows so; when several do, the error says how to
// name one.
func TestMatchSourceRedacted(t *testing.T) {
	cfg := &config.Config{Path: "g.toml", Sources: []config.Source{
		{Name: "A", URL: "https://a.example/feed?token=one"},
		{Name: "B", URL: "https://b.example/feed?token=two"},
		{Name: "B2", URL: "https://b.example/feed?token=three"},
		{Name: "C", URL: "https://alice:pw@c.example/feed"},
	}}
	if i, err := MatchSource(cfg, "https://a.example/feed?token=REDACTED"); i != 0 || err != nil {
		t.Errorf("redacted token: %d %v", i, err)
	}
	if i, err := MatchSource(cfg, "https://REDACTED@c.example/feed"); i != 3 || err != nil {
		t.Errorf("redacted userinfo: %d %v", i, err)
	}
	if _, err := MatchSource(cfg, "https://b.example/feed?token=REDACTED"); err == nil || !strings.Contains(err.Error(), "2 sources show as") {
		t.Errorf("two sources show so: %v", err)
	}
	if _, err := MatchSource(cfg, "https://d.example/feed?token=REDACTED"); !errors.Is(err, config.ErrNoSuchSource) || !strings.Contains(err.Error(), "-show-secrets") {
		t.Errorf("unknown redacted URL: %v", err)
	}
}

// sourcesFile writes a config with one source and opens it to edit.
func sourcesFile(t *testing.T) *SourcesFile {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gleaner.toml")
	if err := os.WriteFile(path, []byte("database = \"g.db\"\n\n[[source]]\nname = \"A\"\nurl = \"https://a.example/feed\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := OpenSourcesFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestImportWithoutCheck guards what an import adds without fetching: the
// usable URLs not configured and not listed before, in the file's order; every
// other outline is skipped, in the file's order, with why.
func TestImportWithoutCheck(t *testing.T) {
	f := sourcesFile(t)
	im := f.Import([]opml.Feed{
		{Name: "B", URL: "https://b.example/feed"},
		{Name: "A again", URL: "HTTPS://A.example/feed"},
		{Name: "bad", URL: "ftp://c.example/feed"},
		{Name: "B twice", URL: "https://b.example/feed#top"},
		{Name: "D", URL: "https://d.example/feed"},
	})
	if n := im.ToCheck(); n != 2 {
		t.Errorf("ToCheck %d, want 2", n)
	}
	add, skipped, err := im.Write()
	if err != nil {
		t.Fatal(err)
	}
	if len(add) != 2 || add[0].URL != "https://b.example/feed" || add[1].URL != "https://d.example/feed" {
		t.Errorf("added %+v", add)
	}
	want := []string{"already configured as source 1 (A)", "not a usable URL", `the same feed as outline 1 ("B") above`}
	if len(skipped) != len(want) {
		t.Fatalf("skipped %+v", skipped)
	}
	for i, w := range want {
		if !strings.Contains(skipped[i].Why, w) {
			t.Errorf("skip %d: %+v, want %q", i, skipped[i], w)
		}
	}
	cfg, err := config.Load(f.Config.Path)
	if err != nil || len(cfg.Sources) != 3 {
		t.Fatalf("the file after the import: %v %+v", err, cfg)
	}
}

// TestAddAndRemoveWithoutCheck adds a URL as it is, refuses it a second time
// with ErrSourceExists, and removes it by name.
func TestAddAndRemoveWithoutCheck(t *testing.T) {
	f := sourcesFile(t)
	ctx := context.Background()
	added, err := f.Add(ctx, config.Source{URL: "  https://b.example/feed "}, nil)
	if err != nil || added.Number != 2 || added.Source.URL != "https://b.example/feed" || added.Found != nil {
		t.Fatalf("add: %+v %v", added, err)
	}
	f, err = OpenSourcesFile(f.Config.Path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Add(ctx, config.Source{URL: "https://B.example/feed/"}, nil); !errors.Is(err, ErrSourceExists) {
		t.Errorf("add again: %v, want ErrSourceExists", err)
	}
	src, n, err := f.Remove(added.Source.Name)
	if err != nil || n != 2 || src.URL != "https://b.example/feed" {
		t.Errorf("remove: %+v %d %v", src, n, err)
	}
}

// TestEditRefusedWhenTheFileChanged: an add, a removal or an import whose
// config file changed after it was read (a hand edit, another gleaner sources
// meanwhile) writes nothing, so that the other edit is not lost.
func TestEditRefusedWhenTheFileChanged(t *testing.T) {
	ctx := context.Background()
	for name, edit := range map[string]func(f *SourcesFile) error{
		"add": func(f *SourcesFile) error {
			_, err := f.Add(ctx, config.Source{URL: "https://c.example/feed"}, nil)
			return err
		},
		"remove": func(f *SourcesFile) error {
			_, _, err := f.Remove("https://b.example/feed")
			return err
		},
	} {
		f := sourcesFile(t)
		if _, err := f.Add(ctx, config.Source{URL: "https://b.example/feed"}, nil); err != nil {
			t.Fatal(err)
		}
		f, err := OpenSourcesFile(f.Config.Path)
		if err != nil {
			t.Fatal(err)
		}
		meanwhile := "\n# added by hand meanwhile\n[[source]]\nurl = \"https://d.example/feed\"\n"
		before, _ := os.ReadFile(f.Config.Path)
		if err := os.WriteFile(f.Config.Path, append(before, meanwhile...), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := edit(f); !errors.Is(err, ErrConfigChanged) {
			t.Errorf("%s over a changed file: %v, want ErrConfigChanged", name, err)
		}
		if after, _ := os.ReadFile(f.Config.Path); string(after) != string(before)+meanwhile {
			t.Errorf("%s over a changed file rewrote it:\n%s", name, after)
		}
	}
}

// TestImportOfOwnRedactedExport: gleaner's own export, secrets shown as
// REDACTED, imported into the same config: its sources are already
// configured, said so, not refused as unusable URLs.
func TestImportOfOwnRedactedExport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.toml")
	if err := os.WriteFile(path, []byte("database = \"g.db\"\n\n[[source]]\nname = \"Private\"\nurl = \"https://alice:pw123456@a.example/feed?token=tok_abcdef\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := OpenSourcesFile(path)
	if err != nil {
		t.Fatal(err)
	}
	im := f.Import([]opml.Feed{{Name: "Private", URL: "https://REDACTED@a.example/feed?token=REDACTED"}})
	add, skipped, err := im.Write()
	if err != nil {
		t.Fatal(err)
	}
	if len(add) != 0 || len(skipped) != 1 || !strings.Contains(skipped[0].Why, "already configured as source 1 (Private)") {
		t.Errorf("added %+v, skipped %+v; want it skipped as already configured", add, skipped)
	}
}

// TestAddToAFileWithoutSources: a config valid but for having no source is
// one add away from valid, and add fills it; another problem still refuses.
func TestAddToAFileWithoutSources(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.toml")
	if err := os.WriteFile(path, []byte("listen = \"127.0.0.1:8080\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := OpenSourcesFile(path)
	if err != nil {
		t.Fatalf("open a file without sources: %v", err)
	}
	if added, err := f.Add(context.Background(), config.Source{URL: "https://a.example/feed"}, nil); err != nil || added.Number != 1 {
		t.Fatalf("add: %+v %v", added, err)
	}
	if cfg, err := config.Load(path); err != nil || len(cfg.Sources) != 1 {
		t.Fatalf("after the add: %v", err)
	}
	if err := os.WriteFile(path, []byte("listen = \"8080\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenSourcesFile(path); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("a file with no source and a bad listen: %v, want the listen problem", err)
	}
}

// TestEditAFileWithAByteOrderMark: check and run pass over a byte order mark;
// so do add and remove, which keep it (every byte but the edit stays).
func TestEditAFileWithAByteOrderMark(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.toml")
	data := "\ufeff[[source]]\nname = \"A\"\nurl = \"https://a.example/feed\"\n[[source]]\nname = \"B\"\nurl = \"https://b.example/feed\"\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := OpenSourcesFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if src, n, err := f.Remove("B"); err != nil || n != 2 || src.Name != "B" {
		t.Fatalf("remove B: %+v %d %v", src, n, err)
	}
	cfg, err := config.Load(path)
	if err != nil || len(cfg.Sources) != 1 || cfg.Sources[0].Name != "A" {
		t.Fatalf("after removing B: %v %+v", err, cfg)
	}
	if after, _ := os.ReadFile(path); !strings.HasPrefix(string(after), "\ufeff[[source]]\nname = \"A\"") {
		t.Errorf("the byte order mark is gone: %q", after[:min(len(after), 20)])
	}
}

// TestConcurrentEditsThroughALink: the lock is the real directory's, so an
// edit through a link to the file and one through its path are taken in turn.
func TestConcurrentEditsThroughALink(t *testing.T) {
	for round := range 10 {
		f := sourcesFile(t)
		link := filepath.Join(t.TempDir(), "linked.toml")
		if err := os.Symlink(f.Config.Path, link); err != nil {
			t.Skip(err)
		}
		viaLink, err := OpenSourcesFile(link)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		var errA, errB error
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			_, errA = f.Add(context.Background(), config.Source{URL: "https://x1.example/feed"}, nil)
		}()
		go func() {
			defer wg.Done()
			<-start
			_, errB = viaLink.Add(context.Background(), config.Source{URL: "https://x2.example/feed"}, nil)
		}()
		close(start)
		wg.Wait()
		cfg, err := config.Load(f.Config.Path)
		if err != nil {
			t.Fatal(err)
		}
		landed := len(cfg.Sources) - 1
		if (errA == nil) == (errB == nil) || landed != 1 {
			t.Fatalf("round %d: adds returned %v and %v; %d landed", round, errA, errB, landed)
		}
	}
}

// TestConcurrentEditsLoseNothing: gleaner sources add run several times at
// once (a script's loop with &) each said "added" while the file kept only
// some of them. Each add either lands or says the file changed meanwhile.
func TestConcurrentEditsLoseNothing(t *testing.T) {
	for round := range 5 {
		f := sourcesFile(t)
		const n = 12
		files := make([]*SourcesFile, n)
		for i := range files {
			var err error
			if files[i], err = OpenSourcesFile(f.Config.Path); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, n)
		for i := range files {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = files[i].Add(context.Background(), config.Source{URL: fmt.Sprintf("https://e%d.example/feed", i)}, nil)
			}()
		}
		close(start)
		wg.Wait()
		cfg, err := config.Load(f.Config.Path)
		if err != nil {
			t.Fatal(err)
		}
		landed := map[string]bool{}
		for _, s := range cfg.Sources {
			landed[s.URL] = true
		}
		// Every add read the same file: exactly one lands, the others find it changed.
		if n := n - len(slices.DeleteFunc(slices.Clone(errs), func(err error) bool { return err == nil })); n != 1 {
			t.Errorf("round %d: %d adds landed, want 1", round, n)
		}
		for i, err := range errs {
			u := fmt.Sprintf("https://e%d.example/feed", i)
			switch {
			case err == nil && !landed[u]:
				t.Errorf("round %d: add %d said it added %s; the file does not have it", round, i, u)
			case err != nil && !errors.Is(err, ErrConfigChanged):
				t.Errorf("round %d: add %d: %v", round, i, err)
			case err != nil && landed[u]:
				t.Errorf("round %d: add %d failed, yet the file has %s", round, i, u)
			}
		}
	}
}

// TestAddRefusesTheOtherScheme: a feed configured over https, added again over
// http (or imported so), would be polled and stored twice: add refuses it and
// import skips it, saying so; an add that passes with a problem check warns of
// (a name another source has, an interval under a minute) says it.
func TestAddRefusesTheOtherScheme(t *testing.T) {
	f := sourcesFile(t)
	ctx := context.Background()
	_, err := f.Add(ctx, config.Source{URL: "http://A.example/feed/"}, nil)
	if !errors.Is(err, ErrSourceExists) || !strings.Contains(err.Error(), "over the other scheme, https://a.example/feed") {
		t.Errorf("add over http: %v", err)
	}
	im := f.Import([]opml.Feed{{Name: "A again", URL: "http://a.example/feed"}})
	add, skipped, err := im.Write()
	if err != nil || len(add) != 0 || len(skipped) != 1 || !strings.Contains(skipped[0].Why, "already configured as source 1") {
		t.Errorf("import over http: added %+v, skipped %+v, %v", add, skipped, err)
	}
	f, err = OpenSourcesFile(f.Config.Path)
	if err != nil {
		t.Fatal(err)
	}
	added, err := f.Add(ctx, config.Source{Name: "A", URL: "https://b.example/feed", Interval: config.Dur(10 * time.Second)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range added.Warnings {
		got = append(got, w.Error())
	}
	if len(got) != 2 || !strings.Contains(got[0], "source 2.name: \"A\" names source 1 too") || !strings.Contains(got[1], "source 2.interval: 10s polls a site") {
		t.Errorf("the add's warnings: %q", got)
	}
}

// TestExportImportKeepsSettings: an export imported into another config lost
// each source's own interval and time zone (a Korean feed's dates then read as
// UTC), and named an unnamed source by its host, which check then warned of.
func TestExportImportKeepsSettings(t *testing.T) {
	dir := t.TempDir()
	from := filepath.Join(dir, "from.toml")
	text := "[poll]\ninterval = \"20m\"\n[[source]]\nname = \"Seoul\"\nurl = \"https://kr.example/rss\"\ninterval = \"30m\"\ntimezone = \"Asia/Seoul\"\n" +
		"[[source]]\nurl = \"https://plain.example/feed\"\n[[source]]\nname = \"Same as poll\"\nurl = \"https://p.example/feed\"\ninterval = \"20m\"\n"
	if err := os.WriteFile(from, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(from)
	if err != nil {
		t.Fatal(err)
	}
	doc, _, err := SourcesOPML(cfg, &redact.Output{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(dir, "to.toml")
	if err := os.WriteFile(to, []byte("[[source]]\nname = \"Other\"\nurl = \"https://other.example/feed\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	feeds, err := opml.Read(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	f, err := OpenSourcesFile(to)
	if err != nil {
		t.Fatal(err)
	}
	if add, skipped, err := f.Import(feeds).Write(); err != nil || len(add) != 3 || len(skipped) != 0 {
		t.Fatalf("import: %+v %+v %v", add, skipped, err)
	}
	got, err := config.Load(to)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Warnings) > 0 {
		t.Errorf("the imported config warns: %v", got.Warnings)
	}
	// An interval the same as the exporting config's [poll] interval follows the new one's.
	want := []string{"Other https://other.example/feed 15m ", "Seoul https://kr.example/rss 30m Asia/Seoul", "plain.example https://plain.example/feed 15m ", "Same as poll https://p.example/feed 15m "}
	for i, s := range got.Sources {
		if line := fmt.Sprintf("%s %s %s %s", s.Name, s.URL, s.Interval, s.Timezone); i >= len(want) || line != want[i] {
			t.Errorf("source %d: %q", i+1, line)
		}
	}
	written, _ := os.ReadFile(to)
	if strings.Contains(string(written), "plain.example\"") {
		t.Errorf("the unnamed source was written with a name:\n%s", written)
	}
}

// TestImportDoesNotTrustIntervals: a shared list's interval="1ns" was written
// into the config as it was, and the daemon polled the site every second; a
// bad interval or zone skipped the feed. They are not taken; the feed is; the
// import says check's warnings about what it added.
func TestImportDoesNotTrustIntervals(t *testing.T) {
	f := sourcesFile(t)
	im := f.Import([]opml.Feed{
		{Name: "Fast", URL: "https://fast.example/rss", Interval: "1ns", Timezone: "Mars/Base"},
		{Name: "Odd", URL: "https://odd.example/rss", Interval: "60", Timezone: "../../etc/passwd"},
		{Name: "A", URL: "https://a2.example/rss", Interval: "2h", Timezone: "Asia/Seoul"},
	})
	add, skipped, err := im.Write()
	if err != nil || len(add) != 3 || len(skipped) != 0 {
		t.Fatalf("import: %+v %+v %v", add, skipped, err)
	}
	cfg, err := config.Load(f.Config.Path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range cfg.Sources[1:] {
		got = append(got, fmt.Sprintf("%s %s %q", s.Name, s.Interval, s.Timezone))
	}
	if want := []string{`Fast 15m ""`, `Odd 15m ""`, `A 2h "Asia/Seoul"`}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("imported %q, want %q", got, want)
	}
	if len(im.Warnings) != 1 || !strings.Contains(im.Warnings[0].Error(), `source 4.name: "A" names source 1 too`) {
		t.Errorf("the import's warnings: %v", im.Warnings)
	}
}
