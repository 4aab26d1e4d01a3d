package publish

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// atomShapes are the Atom documents checked against RFC 4287: the full fixture
// feed, an empty feed, every fixture entry alone (no content, no byline, Korean,
// no published date, many facets, a story with related outlets, an outlet without
// title or id), a hostile entry, an entry with no dates at all, and the variants.
func atomShapes(t *testing.T) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	add := func(name string, o Options, entries []aggregate.Entry, target string) {
		h, _ := newTestHandler(t, o, entries)
		resp := get(t, h, "GET", target)
		mustStatus(t, resp, 200)
		docs[name] = body(t, resp)
	}
	o := fixtureOptions()
	add("full", o, fixtureEntries(), "/feed.atom")
	add("empty", o, nil, "/feed.atom")
	for i, e := range fixtureEntries() {
		add("entry-"+string(rune('a'+i)), o, []aggregate.Entry{e}, "/feed.atom")
	}
	add("hostile", o, []aggregate.Entry{hostileEntry()}, "/feed.atom")
	undated := fixtureEntries()[2]
	undated.Item.FirstSeen, undated.Updated, undated.ID = time.Time{}, time.Time{}, ""
	undated.Outlet = aggregate.Outlet{}
	undated.Item.Title, undated.Item.Summary = "", ""
	add("undated-anonymous", o, []aggregate.Entry{undated}, "/feed.atom")
	hub := o
	hub.Hub = "https://hub.example.com/"
	add("ko-hub", hub, fixtureEntries(), "/feed.atom?lang=ko")
	add("category", o, fixtureEntries(), "/feed.atom?category=regulation&limit=1")
	return docs
}

func atomSchema(t *testing.T) (jing, schema string) {
	t.Helper()
	// RFC 4287's schema, kept in the repository (testdata/schema/atom.rnc names its source).
	schema = filepath.Join("..", "testdata", "schema", "atom.rnc")
	if _, err := os.Stat(schema); err != nil {
		t.Fatalf("the Atom schema is part of the repository: %v", err)
	}
	jing, err := exec.LookPath("jing")
	if err != nil {
		t.Skip("jing is not installed (Debian package jing); skipping Atom schema validation")
	}
	return jing, schema
}

func TestAtomPassesSchema(t *testing.T) {
	t.Parallel() // an external program: overlap its start-up with the other tests
	jing, schema := atomSchema(t)
	dir := t.TempDir()
	var files []string
	for name, b := range atomShapes(t) {
		f := filepath.Join(dir, name+".atom")
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	out, err := exec.Command(jing, append([]string{"-c", schema}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("jing rejects the Atom documents: %v\n%s", err, filterJing(out))
	}
}

// TestJingRejectsInvalidAtom keeps the schema test honest: the Atom gorilla/feeds
// writes by default for an item without a date must fail it.
func TestJingRejectsInvalidAtom(t *testing.T) {
	t.Parallel() // an external program: overlap its start-up with the other tests
	jing, schema := atomSchema(t)
	bad := []byte(`<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><id>x</id><updated></updated><category></category></feed>`)
	f := filepath.Join(t.TempDir(), "bad.atom")
	if err := os.WriteFile(f, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(jing, "-c", schema, f).CombinedOutput(); err == nil {
		t.Fatalf("jing accepted an empty <updated> and a <category> without term:\n%s", out)
	}
}

// filterJing drops the Debian wrapper's warnings about optional jars.
func filterJing(out []byte) string {
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		if !strings.Contains(l, "Unable to locate") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// Atom as read back for the rules the schema cannot express.
type xFeed struct {
	Lang    string    `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string    `xml:"http://www.w3.org/2005/Atom id"`
	Updated string    `xml:"http://www.w3.org/2005/Atom updated"`
	Authors []xPerson `xml:"http://www.w3.org/2005/Atom author"`
	Links   []xLink   `xml:"http://www.w3.org/2005/Atom link"`
	Entries []xEntry  `xml:"http://www.w3.org/2005/Atom entry"`
}

type xEntry struct {
	Lang       string    `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID         string    `xml:"http://www.w3.org/2005/Atom id"`
	Title      string    `xml:"http://www.w3.org/2005/Atom title"`
	Updated    string    `xml:"http://www.w3.org/2005/Atom updated"`
	Published  string    `xml:"http://www.w3.org/2005/Atom published"`
	Summary    string    `xml:"http://www.w3.org/2005/Atom summary"`
	Content    *xText    `xml:"http://www.w3.org/2005/Atom content"`
	Authors    []xPerson `xml:"http://www.w3.org/2005/Atom author"`
	Links      []xLink   `xml:"http://www.w3.org/2005/Atom link"`
	Categories []struct {
		Term *string `xml:"term,attr"`
	} `xml:"http://www.w3.org/2005/Atom category"`
	Source *struct {
		ID    string  `xml:"http://www.w3.org/2005/Atom id"`
		Title string  `xml:"http://www.w3.org/2005/Atom title"`
		Links []xLink `xml:"http://www.w3.org/2005/Atom link"`
	} `xml:"http://www.w3.org/2005/Atom source"`
}

type xText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type xPerson struct {
	Name string `xml:"http://www.w3.org/2005/Atom name"`
}

type xLink struct {
	Href  string `xml:"href,attr"`
	Rel   string `xml:"rel,attr"`
	Title string `xml:"title,attr"`
}

func parseAtom(t *testing.T, b []byte) xFeed {
	t.Helper()
	var f xFeed
	if err := xml.NewDecoder(bytes.NewReader(b)).Decode(&f); err != nil {
		t.Fatalf("Atom does not parse: %v", err)
	}
	return f
}

func rels(links []xLink, rel string) []xLink {
	var out []xLink
	for _, l := range links {
		r := l.Rel
		if r == "" {
			r = "alternate"
		}
		if r == rel {
			out = append(out, l)
		}
	}
	return out
}

// TestAtomRules checks what RFC 4287 asks beyond the schema, and what gleaner
// promises on top: authors, alternate link or content, self and alternate feed
// links, dates, xml:lang, <source>, a term on every category, related links.
func TestAtomRules(t *testing.T) {
	for name, b := range atomShapes(t) {
		t.Run(name, func(t *testing.T) {
			f := parseAtom(t, b)
			if len(rels(f.Links, "self")) != 1 || len(rels(f.Links, "alternate")) != 1 {
				t.Errorf("feed links %+v: want one self and one alternate", f.Links)
			}
			if f.ID == "" || f.ID == rels(f.Links, "alternate")[0].Href {
				t.Errorf("feed id %q must be set and not the site link", f.ID)
			}
			if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
				t.Errorf("feed updated %q: %v", f.Updated, err)
			}
			ids := map[string]bool{}
			for i, e := range f.Entries {
				if ids[e.ID] || e.ID == "" {
					t.Errorf("entry %d: id %q empty or repeated", i, e.ID)
				}
				ids[e.ID] = true
				if len(e.Authors) == 0 && len(f.Authors) == 0 || len(e.Authors) > 0 && e.Authors[0].Name == "" {
					t.Errorf("entry %d has no author, directly or through the feed", i)
				}
				if len(rels(e.Links, "alternate")) == 0 && e.Content == nil {
					t.Errorf("entry %d has neither an alternate link nor content", i)
				}
				if strings.TrimSpace(e.Title) == "" || strings.TrimSpace(e.Summary) == "" {
					t.Errorf("entry %d: empty title %q or summary %q", i, e.Title, e.Summary)
				}
				for _, d := range []string{e.Updated, e.Published} {
					if _, err := time.Parse(time.RFC3339, d); err != nil {
						t.Errorf("entry %d: date %q: %v", i, d, err)
					}
				}
				if e.Lang != "ko" && e.Lang != "en" {
					t.Errorf("entry %d: xml:lang %q, want ko or en", i, e.Lang)
				}
				if e.Source == nil || e.Source.ID == "" && name != "undated-anonymous" || e.Source.Title == "" {
					t.Errorf("entry %d: <source> %+v lacks the original feed's id or title", i, e.Source)
				}
				for _, c := range e.Categories {
					if c.Term == nil || *c.Term == "" {
						t.Errorf("entry %d: category without term", i)
					}
				}
				if e.Content != nil && e.Content.Type != "html" {
					t.Errorf("entry %d: content type %q", i, e.Content.Type)
				}
			}
		})
	}
}

// TestAtomStory checks how a story with other outlets is published: one entry,
// related links and an "also reported by" list naming each outlet with its link,
// and the story's update time.
func TestAtomStory(t *testing.T) {
	h, _ := newTestHandler(t, fixtureOptions(), fixtureEntries())
	f := parseAtom(t, body(t, get(t, h, "GET", "/feed.atom")))
	if len(f.Entries) != len(fixtureEntries()) {
		t.Fatalf("%d entries, want %d", len(f.Entries), len(fixtureEntries()))
	}
	e := f.Entries[0]
	story := fixtureEntries()[0]
	if e.ID != story.ID {
		t.Errorf("entry id %q, want the original's %q", e.ID, story.ID)
	}
	rel := rels(e.Links, "related")
	if len(rel) != len(story.Also)+1 {
		t.Fatalf("%d related links, want %d and the story page", len(rel), len(story.Also))
	}
	if page := rel[len(rel)-1]; page.Href != "https://feeds.example.com/ai-policy/story/11" || !strings.HasPrefix(page.Title, "All 3 reports") {
		t.Errorf("last related link %+v, want the story page", page)
	}
	for i, a := range story.Also {
		if rel[i].Href != a.URL || !strings.HasPrefix(rel[i].Title, a.Outlet.Name) {
			t.Errorf("related link %d = %+v, want %s by %s", i, rel[i], a.URL, a.Outlet.Name)
		}
		if !strings.Contains(e.Content.Text, `href="`+a.URL+`"`) || !strings.Contains(e.Content.Text, ">"+a.Outlet.Name+"</a>") {
			t.Errorf("content does not list %s with its link:\n%s", a.Outlet.Name, e.Content.Text)
		}
	}
	if !strings.Contains(e.Content.Text, "Also reported by") {
		t.Errorf("content lacks the also-reported-by list")
	}
	if want := rfc3339(story.Updated); e.Updated != want {
		t.Errorf("story updated %s, want the story's last change %s", e.Updated, want)
	}
	if e.Authors[0].Name != story.Outlet.Name {
		t.Errorf("author %q, want the outlet %q", e.Authors[0].Name, story.Outlet.Name)
	}
	if e.Source.ID != story.Outlet.FeedURL || e.Source.Title != story.Outlet.Title {
		t.Errorf("source %+v: want the feed URL as id (the feed has none) and the feed's title", e.Source)
	}
	if e2 := f.Entries[1]; e2.Source.ID != wire.FeedID {
		t.Errorf("source id %q, want the feed's own id %q", e2.Source.ID, wire.FeedID)
	}
}

// TestStoryGrowthKeepsIDAndMovesUpdated: when a story gains an outlet, its entry
// keeps its id and gets a newer updated time instead of a second entry.
func TestStoryGrowthKeepsIDAndMovesUpdated(t *testing.T) {
	entries := fixtureEntries()
	h, st := newTestHandler(t, fixtureOptions(), entries)
	before := parseAtom(t, body(t, get(t, h, "GET", "/feed.atom"))).Entries[0]

	grown := fixtureEntries()
	grown[0].Also = append(grown[0].Also, aggregate.Related{
		Outlet: aggregate.Outlet{Name: "한국경제", FeedURL: "https://www.hankyung.com/feed/it"},
		Title:  "AI기본법 시행령 나왔다", URL: "https://www.hankyung.com/article/2025031012345", Similarity: 0.7,
	})
	grown[0].Updated = t0.Add(10 * time.Minute)
	st.set(grown)
	changed, err := h.Refresh(t.Context())
	if err != nil || !changed {
		t.Fatalf("Refresh after the story grew: changed=%v err=%v", changed, err)
	}
	f := parseAtom(t, body(t, get(t, h, "GET", "/feed.atom")))
	if len(f.Entries) != len(entries) {
		t.Fatalf("%d entries after the story grew, want still %d", len(f.Entries), len(entries))
	}
	after := f.Entries[0]
	if after.ID != before.ID {
		t.Errorf("entry id changed from %q to %q", before.ID, after.ID)
	}
	if after.Updated <= before.Updated || after.Published != before.Published {
		t.Errorf("updated %s -> %s, published %s -> %s: want a newer updated and the same published",
			before.Updated, after.Updated, before.Published, after.Published)
	}
	if n := len(rels(after.Links, "related")); n != 4 {
		t.Errorf("%d related links, want 3 and the story page", n)
	}
}
