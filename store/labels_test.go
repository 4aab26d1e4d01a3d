package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/story"
)

// labelFixture is a store with two sources and items a curator may correct:
//
//	a-1  source 0, GUID is its link  news/1   curated, leads its story; b-1 (source 1, same link) is in it
//	a-2  source 0, tag: GUID         news/2   curated, joined by a-3 through the grouper ("chips")
//	a-3  source 0                    news/3   curated, published before a-2: leads their story
//	a-4  source 0, tag: GUID         news/4   left out by the filter
//	a-5  source 0                    news/5   left out, and too old when first seen to be published
type labelFixture struct {
	s   *Store
	src []aggregate.Source
	g   *fakeGrouper
	ids map[string]int64 // item key -> id
}

func newLabelFixture(t *testing.T) *labelFixture {
	t.Helper()
	ctx := context.Background()
	f := &labelFixture{s: openTest(t), g: &fakeGrouper{by: map[string]int64{}}, ids: map[string]int64{}}
	f.src = sync(t, f.s, "https://a.example/feed", "https://b.example/feed")
	a1 := item("https://news.example/1", "https://news.example/1", "act: AI act passes", true, t0.Add(-5*time.Hour))
	a2 := item("tag:a.example,2026:2", "https://news.example/2", "chips: export rule", true, t0.Add(-2*time.Hour))
	a3 := item("a-3", "https://news.example/3", "chips: export rule, reactions", true, t0.Add(-3*time.Hour))
	a4 := item("tag:a.example,2026:4", "https://news.example/4", "chips: a company's new chip", false, t0.Add(-time.Hour))
	a5 := item("a-5", "https://news.example/5", "old: an old ruling", false, t0.Add(-90*24*time.Hour))
	a5.Fresh = false
	b1 := item("b-1", "https://news.example/1", "act: AI act passes, says B", true, t0.Add(-4*time.Hour))
	for _, fe := range []aggregate.Fetched{
		{State: aggregate.FetchState{SourceID: f.src[0].ID}, Items: []aggregate.Item{a1, a2, a4, a5}},
		{State: aggregate.FetchState{SourceID: f.src[0].ID}, Items: []aggregate.Item{a3}},
		{State: aggregate.FetchState{SourceID: f.src[1].ID}, Items: []aggregate.Item{b1}},
	} {
		if _, _, err := f.s.Save(ctx, []aggregate.Fetched{fe}, f.g); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := f.s.r.Query(`SELECT id, guid FROM items`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			t.Fatal(err)
		}
		f.ids[key] = id
	}
	return f
}

// feed is the curated feed as "lead title [others' titles]" lines.
func (f *labelFixture) feed(t *testing.T) []string {
	t.Helper()
	entries, err := f.s.Curated(context.Background(), aggregate.Query{Limit: 100, MaxRelated: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		var also []string
		for _, r := range e.Also {
			also = append(also, r.Title)
		}
		out = append(out, fmt.Sprintf("%s %v", e.Item.Title, also))
	}
	return out
}

func (f *labelFixture) entryID(t *testing.T, title string) string {
	t.Helper()
	entries, err := f.s.Curated(context.Background(), aggregate.Query{Limit: 100, MaxRelated: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Item.Title == title {
			return e.ID
		}
	}
	t.Fatalf("no entry led by %q", title)
	return ""
}

// stored is item id's verdict and story as stored.
func (f *labelFixture) stored(t *testing.T, id int64) (match, fresh bool, reasons string, story int64) {
	t.Helper()
	err := f.s.r.QueryRow(`SELECT match, fresh, reasons, story_id FROM items WHERE id = ?`, id).Scan(&match, &fresh, &reasons, &story)
	if err != nil {
		t.Fatal(err)
	}
	return match, fresh, reasons, story
}

func (f *labelFixture) label(t *testing.T, ref string, keep bool, note string) []Labelled {
	t.Helper()
	ctx := context.Background()
	ids, err := f.s.FindItems(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.s.SetLabel(ctx, ids, aggregate.Label{Keep: keep, Note: note}, t0.Add(time.Hour), f.g)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFindItems(t *testing.T) {
	f := newLabelFixture(t)
	ctx := context.Background()
	a1, a3, a4, b1 := f.ids["https://news.example/1"], f.ids["a-3"], f.ids["tag:a.example,2026:4"], f.ids["b-1"]
	for _, tc := range []struct {
		name, ref string
		want      []int64
	}{
		{"link, both sources", "https://news.example/1", []int64{a1, b1}},
		{"link as the feed gave it", "HTTPS://News.Example:443/1?utm_source=rss#top", []int64{a1, b1}},
		{"entry id of a story led by a URI GUID", f.entryID(t, "act: AI act passes"), []int64{a1, b1}},
		{"entry id names the lead, not the story's first item", f.entryID(t, "chips: export rule, reactions"), []int64{a3}},
		{"a GUID that is its story's entry id names the story's lead", "tag:a.example,2026:2", []int64{a3}},
		{"tag: GUID of an item in no story", "tag:a.example,2026:4", []int64{a4}},
		{"a GUID that is no URI", "a-3", []int64{a3}},
		{"uncurated item's link", "https://news.example/4", []int64{a4}},
		{"spaces around", "  https://news.example/3\n", []int64{a3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.s.FindItems(ctx, tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("FindItems(%q) = %v, want %v", tc.ref, got, want)
			}
		})
	}
	for _, ref := range []string{"", "https://news.example/404", "urn:uuid:6f1d1c52-0000-4b5c-9a55-2f0f3c1b7e10", "a-33", "news.example/1"} {
		_, err := f.s.FindItems(ctx, ref)
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), fmt.Sprintf("%q", strings.TrimSpace(ref))) {
			t.Errorf("FindItems(%q): err = %v, want ErrNotFound naming it", ref, err)
		}
	}
}

func TestLabelOutLeavesFeedAndStory(t *testing.T) {
	f := newLabelFixture(t)
	ctx := context.Background()
	before := f.feed(t)
	want := []string{
		"chips: export rule, reactions [chips: export rule]",
		"act: AI act passes [act: AI act passes, says B]",
	}
	if !slices.Equal(before, want) {
		t.Fatalf("fixture's feed:\n%q\nwant\n%q", before, want)
	}
	entry := f.entryID(t, "chips: export rule, reactions")
	storyBefore := storyRows(t, f.s)

	// The lead of a two-item story goes: the other item leads it, under the same id.
	got := f.label(t, entry, false, " not policy: a company's reaction ")
	if len(got) != 1 || !got[0].Was || got[0].Now || got[0].Title != "chips: export rule, reactions" {
		t.Fatalf("labelled %+v", got)
	}
	a3 := f.ids["a-3"]
	match, _, reasons, story := f.stored(t, a3)
	if match || story != 0 || !strings.HasPrefix(reasons, `["dropped by the curator: not policy: a company's reaction","title: AI"]`) {
		t.Errorf("a-3 stored as match=%v story=%d reasons=%s", match, story, reasons)
	}
	if after := f.feed(t); !slices.Equal(after, []string{"chips: export rule []", "act: AI act passes [act: AI act passes, says B]"}) {
		t.Errorf("feed after labelling the lead out: %q", after)
	}
	if id := f.entryID(t, "chips: export rule"); id != entry {
		t.Errorf("entry id changed from %s to %s", entry, id)
	}
	entries, _ := f.s.Curated(ctx, aggregate.Query{Limit: 100, MaxRelated: 100})
	if !entries[0].Updated.Equal(t0.Add(time.Hour)) {
		t.Errorf("story updated %s, want the label's time %s", entries[0].Updated, t0.Add(time.Hour))
	}
	if len(storyRows(t, f.s)) != len(storyBefore) {
		t.Errorf("stories: %d, want %d", len(storyRows(t, f.s)), len(storyBefore))
	}

	// By link, every source's copy goes: their story is deleted.
	if got := f.label(t, "https://news.example/1", false, ""); len(got) != 2 {
		t.Fatalf("labelled %+v, want both copies of the article", got)
	}
	if after := f.feed(t); !slices.Equal(after, []string{"chips: export rule []"}) {
		t.Errorf("feed: %q", after)
	}
	if n := len(storyRows(t, f.s)); n != 1 {
		t.Errorf("%d stories left, want 1", n)
	}
	_, _, reasons, _ = f.stored(t, f.ids["b-1"])
	if !strings.HasPrefix(reasons, `["dropped by the curator",`) {
		t.Errorf("reasons without a note: %s", reasons)
	}
}

func TestLabelInJoinsAStory(t *testing.T) {
	f := newLabelFixture(t)
	// An item the filter left out joins the story the grouper finds for it.
	got := f.label(t, "https://news.example/4", true, "a ministry's chip plan after all")
	if len(got) != 1 || got[0].Was || !got[0].Now {
		t.Fatalf("labelled %+v", got)
	}
	match, _, reasons, story := f.stored(t, f.ids["tag:a.example,2026:4"])
	if !match || story == 0 || !strings.HasPrefix(reasons, `["kept by the curator: a ministry's chip plan after all"`) {
		t.Errorf("a-4 stored as match=%v story=%d reasons=%s", match, story, reasons)
	}
	want := []string{
		"chips: export rule, reactions [chips: export rule chips: a company's new chip]",
		"act: AI act passes [act: AI act passes, says B]",
	}
	if after := f.feed(t); !slices.Equal(after, want) {
		t.Errorf("feed:\n%q\nwant\n%q", after, want)
	}
	// The grouper was told: a later report of the story finds it.
	if f.g.by["chips"] != story {
		t.Errorf("grouper has story %d for chips, want %d", f.g.by["chips"], story)
	}

	// An item too old when first seen is published once taken in, in a story of its own.
	f.label(t, "https://news.example/5", true, "")
	match, fresh, _, story := f.stored(t, f.ids["a-5"])
	if !match || !fresh || story == 0 {
		t.Errorf("a-5 stored as match=%v fresh=%v story=%d", match, fresh, story)
	}
	if after := f.feed(t); len(after) != 3 || after[2] != "old: an old ruling []" {
		t.Errorf("feed: %q", after)
	}

	// Labelling again replaces the label and its reason.
	f.label(t, "https://news.example/4", false, "no")
	_, _, reasons, _ = f.stored(t, f.ids["tag:a.example,2026:4"])
	if !strings.HasPrefix(reasons, `["dropped by the curator: no","title: AI"]`) {
		t.Errorf("reasons after relabelling: %s", reasons)
	}
	labels, err := f.s.Labels(context.Background())
	if err != nil || len(labels) != 2 {
		t.Fatalf("labels: %+v, %v", labels, err)
	}
}

// flip is a classifier that says the opposite of the fixture's filter: every
// item is re-judged, and every fresh one would move.
func flip(title, summary, body string) aggregate.Verdict {
	m := strings.Contains(title, "company") || strings.Contains(title, "old")
	return aggregate.Verdict{Match: m, Score: 1, Reasons: []string{"flipped"}, Facets: []string{"regulation"}}
}

func TestLabelsWinOverReclassifyAndRevisions(t *testing.T) {
	f := newLabelFixture(t)
	ctx := context.Background()
	f.label(t, "https://news.example/3", false, "out")
	f.label(t, "https://news.example/4", true, "in")

	preview, pst, err := f.s.PreviewReclassify(ctx, time.Time{}, flip)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.s.Reclassify(ctx, time.Time{}, flip, f.g)
	if err != nil {
		t.Fatal(err)
	}
	// a-1, b-1 and a-2 leave; a-5 is not fresh; a-3 and a-4 are labelled.
	if st != pst || st.Checked != 6 || st.Entered != 0 || st.Left != 3 {
		t.Errorf("reclassify %+v, preview %+v; want 6 checked, 0 entered, 3 left", st, pst)
	}
	var moved []string
	for _, m := range preview {
		moved = append(moved, fmt.Sprint(m.Item.Title, " ", m.Enter))
	}
	if want := []string{"act: AI act passes false", "chips: export rule false", "act: AI act passes, says B false"}; !slices.Equal(moved, want) {
		t.Errorf("preview moves %q, want %q", moved, want)
	}
	for key, want := range map[string]string{"a-3": `["dropped by the curator: out","flipped"]`, "tag:a.example,2026:4": `["kept by the curator: in","flipped"]`} {
		if _, _, reasons, _ := f.stored(t, f.ids[key]); reasons != want {
			t.Errorf("%s reasons after reclassify: %s, want %s", key, reasons, want)
		}
	}
	// a-2, left out by the filter, stays in the story as one not curated.
	wantFeed := []string{"chips: a company's new chip [chips: export rule]"}
	if feed := f.feed(t); !slices.Equal(feed, wantFeed) {
		t.Errorf("feed after reclassify: %q", feed)
	}

	// A revision of a labelled item: the filter keeps it, the label does not.
	a3 := item("a-3", "https://news.example/3", "chips: export rule, reactions (updated)", true, t0.Add(-3*time.Hour))
	if _, _, err := f.s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: f.src[0].ID}, Items: []aggregate.Item{a3}}}, f.g); err != nil {
		t.Fatal(err)
	}
	if match, _, reasons, story := f.stored(t, f.ids["a-3"]); match || story != 0 || reasons != `["dropped by the curator: out","title: AI"]` {
		t.Errorf("revised a-3: match=%v story=%d reasons=%s", match, story, reasons)
	}
	if feed := f.feed(t); !slices.Equal(feed, wantFeed) {
		t.Errorf("feed after the revision: %q", feed)
	}
}

func TestLabelsGoWithTheirItems(t *testing.T) {
	f := newLabelFixture(t)
	ctx := context.Background()
	f.label(t, "https://news.example/4", false, "")
	f.label(t, "https://news.example/3", true, "")
	// a-4 (left out) is first seen 2 days before now; a-3 (kept) has 30.
	if _, err := f.s.Retain(ctx, t0.Add(48*time.Hour), Retention{KeepUnmatched: 24 * time.Hour, KeepMatched: 30 * 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	labels, err := f.s.Labels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != 1 || labels[0].ItemID != f.ids["a-3"] || !labels[0].Keep {
		t.Errorf("labels after retention: %+v, want only a-3's", labels)
	}
	var n int
	if err := f.s.r.QueryRow(`SELECT count(*) FROM labels WHERE item_id NOT IN (SELECT id FROM items)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d labels of deleted items (%v)", n, err)
	}
}

func TestLabelsList(t *testing.T) {
	f := newLabelFixture(t)
	entry := f.entryID(t, "act: AI act passes")
	f.label(t, entry, false, "a note")
	labels, err := f.s.Labels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != 2 {
		t.Fatalf("labels %+v", labels)
	}
	l := labels[0]
	if l.ItemID != f.ids["https://news.example/1"] || l.Keep || l.Note != "a note" || !l.At.Equal(t0.Add(time.Hour)) ||
		l.EntryID != entry || l.OwnID != "https://news.example/1" || l.Source != "S0" || l.Title != "act: AI act passes" ||
		l.Summary != "act: AI act passes summary" || l.Lang != "en" || l.URL != "https://news.example/1" {
		t.Errorf("label %+v", l)
	}
	// b-1 has a GUID that is not a URI: its own entry id is a UUID, and it was
	// published under its story's id.
	if l := labels[1]; !strings.HasPrefix(l.OwnID, "urn:uuid:") || l.EntryID != entry {
		t.Errorf("b-1's label %+v", l)
	}
	// Its story is gone, but the entry id still names the item labelled under it.
	ids, err := f.s.FindItems(context.Background(), entry)
	if err != nil || !slices.Contains(ids, f.ids["https://news.example/1"]) {
		t.Errorf("FindItems(entry of a story now gone) = %v, %v", ids, err)
	}
	// Taken back in, both copies are one story again, under the same id.
	f.label(t, entry, true, "")
	if feed := f.feed(t); len(feed) != 2 || feed[1] != "act: AI act passes [act: AI act passes, says B]" {
		t.Errorf("feed after taking it back in: %q", feed)
	}
	if id := f.entryID(t, "act: AI act passes"); id != entry {
		t.Errorf("entry id %s, want %s", id, entry)
	}
}

func TestSetLabelOfDeletedItems(t *testing.T) {
	f := newLabelFixture(t)
	_, err := f.s.SetLabel(context.Background(), []int64{9999}, aggregate.Label{Keep: true}, t0, nil)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}

func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := OpenReadOnly(ctx, filepath.Join(dir, "none.db")); err == nil || !strings.Contains(err.Error(), "no such database") {
		t.Errorf("missing file: err = %v", err)
	}
	path := filepath.Join(dir, "g.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	src := sync(t, s, "https://a.example/feed")
	if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID},
		Items: []aggregate.Item{item("a-1", "https://news.example/1", "AI act passes", true, t0)}}}, nil); err != nil {
		t.Fatal(err)
	}
	// Read-only beside a writer that holds the file open, and after it closed.
	for _, open := range []bool{true, false} {
		ro, err := OpenReadOnly(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if moves, st, err := ro.PreviewReclassify(ctx, time.Time{}, flip); err != nil || st.Left != 1 || len(moves) != 1 {
			t.Errorf("preview on a read-only store (writer open %v): %+v %+v %v", open, moves, st, err)
		}
		ids, err := ro.FindItems(ctx, "https://news.example/1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ro.SetLabel(ctx, ids, aggregate.Label{}, t0, nil); err == nil {
			t.Errorf("SetLabel wrote through a read-only store")
		}
		if _, err := ro.Reclassify(ctx, time.Time{}, flip, nil); err == nil {
			t.Errorf("Reclassify wrote through a read-only store")
		}
		ro.Close()
		if open {
			s.Close()
		}
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if labels, err := s.Labels(ctx); err != nil || len(labels) != 0 {
		t.Errorf("labels %v %v", labels, err)
	}
	if _, err := s.w.Exec(`DELETE FROM schema_migrations WHERE version = 10`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := OpenReadOnly(ctx, path); err == nil || !strings.Contains(err.Error(), "010_labels.sql") {
		t.Errorf("unmigrated file: err = %v", err)
	}
}

func TestDataVersionSeesOtherProcesses(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	other, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	v0, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sync(t, s, "https://a.example/feed")
	if v, _ := s.DataVersion(ctx); v != v0 {
		t.Errorf("its own write changed the version: %d -> %d", v0, v)
	}
	sync(t, other, "https://b.example/feed")
	if v, _ := s.DataVersion(ctx); v == v0 {
		t.Errorf("another connection's write left the version at %d", v)
	}
}

// TestLabelByLinkThatIsAnEntryID: a story keeps the entry id of the item that
// started it, which is that item's link when its GUID is the link; once an
// earlier report leads the story, that link is both the first item's link and
// the entry's id. Labelling by the link labels the article with that link, out
// and back in, not the story's lead.
func TestLabelByLinkThatIsAnEntryID(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/feed")
	g := &fakeGrouper{by: map[string]int64{}}
	first := item("https://a.example/2001", "https://a.example/2001", "decree: AI act decree final", true, t0.Add(-time.Hour))
	earlier := item("b-77", "https://b.example/77", "decree: AI act decree, reported first", true, t0.Add(-3*time.Hour))
	for i, it := range []aggregate.Item{first, earlier} {
		if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[i].ID}, Items: []aggregate.Item{it}}}, g); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil || len(entries) != 1 || entries[0].ID != first.URL || entries[0].Item.Title != earlier.Title {
		t.Fatalf("fixture: want one entry with id %s led by %q; got %v %+v", first.URL, earlier.Title, err, entries)
	}
	for _, step := range []struct {
		keep bool
		want string // the title labelled
	}{{false, first.Title}, {true, first.Title}} {
		ids, err := s.FindItems(ctx, first.URL)
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.SetLabel(ctx, ids, aggregate.Label{Keep: step.keep}, t0, g)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 1 || out[0].Title != step.want || out[0].Now != step.keep {
			t.Errorf("label %s keep=%v labelled %+v, want only %q", first.URL, step.keep, out, step.want)
		}
	}
}

// TestLabelGoesToLaterCopiesOfItsLink: every source's copy of a link is one
// article, so a copy first polled after the curator labelled the link takes the
// label, out or in, and is listed with it.
func TestLabelGoesToLaterCopiesOfItsLink(t *testing.T) {
	f := newLabelFixture(t)
	ctx := context.Background()
	f.label(t, "https://news.example/1", false, "not policy")
	f.label(t, "https://news.example/4", true, "")
	more := sync(t, f.s, "https://a.example/feed", "https://b.example/feed", "https://c.example/feed")
	c1 := item("c-1", "https://news.example/1", "act: AI act passes, says C", true, t0.Add(-time.Hour))
	c4 := item("c-4", "https://news.example/4", "chips: a company's new chip, says C", false, t0.Add(-time.Hour))
	fe := aggregate.Fetched{State: aggregate.FetchState{SourceID: more[2].ID}, Items: []aggregate.Item{c1, c4}}
	if _, _, err := f.s.Save(ctx, []aggregate.Fetched{fe}, f.g); err != nil {
		t.Fatal(err)
	}
	feed := f.feed(t)
	for _, e := range feed {
		if strings.Contains(e, "AI act passes") {
			t.Errorf("a later copy of a link labelled out is published: %q", feed)
		}
	}
	if !slices.ContainsFunc(feed, func(e string) bool { return strings.Contains(e, "a company's new chip") }) {
		t.Errorf("a later copy of a link labelled in is not published: %q", feed)
	}
	var ids []int64
	if err := f.s.collect(ctx, func(id int64) { ids = append(ids, id) }, `SELECT id FROM items WHERE guid IN ('c-1', 'c-4') ORDER BY guid`); err != nil || len(ids) != 2 {
		t.Fatalf("copies stored: %v, %v", ids, err)
	}
	match, _, reasons, story := f.stored(t, ids[0])
	if match || story != 0 || !strings.HasPrefix(reasons, `["dropped by the curator: not policy"`) {
		t.Errorf("c-1 stored as match=%v story=%d reasons=%s", match, story, reasons)
	}
	if match, fresh, reasons, _ := f.stored(t, ids[1]); !match || !fresh || !strings.HasPrefix(reasons, `["kept by the curator"`) {
		t.Errorf("c-4 stored as match=%v fresh=%v reasons=%s", match, fresh, reasons)
	}
	labels, err := f.s.Labels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var listed int
	for _, l := range labels {
		if l.Source == more[2].Name {
			listed++
		}
	}
	if listed != 2 {
		t.Errorf("%d labels of source c's copies listed, want 2: %+v", listed, labels)
	}
}

// TestLabelsNameLinklessItems: gleaner labels lists an item without a link by
// an id gleaner label takes for that item alone, and gleaner label also takes
// the id gleaner labels export writes for it; others are unknown.
func TestLabelsNameLinklessItems(t *testing.T) {
	f := newLabelFixture(t)
	ctx := context.Background()
	c := sync(t, f.s, "https://a.example/feed", "https://b.example/feed", "https://c.example/feed")[2]
	// Two link-less reports of one event: the first leads their story.
	one := item("c-1", "", "act: AI act passes, says C", true, t0.Add(-90*time.Minute))
	two := item("c-2", "", "act: AI act passes, C's second report", true, t0.Add(-80*time.Minute))
	if _, _, err := f.s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: c.ID}, Items: []aggregate.Item{one, two}}}, f.g); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := f.s.r.QueryRow(`SELECT id FROM items WHERE guid = 'c-2'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SetLabel(ctx, []int64{id}, aggregate.Label{Keep: false, Note: "a repeat"}, t0, f.g); err != nil {
		t.Fatal(err)
	}
	labels, err := f.s.Labels(ctx)
	if err != nil || len(labels) != 1 {
		t.Fatalf("labels %+v, %v", labels, err)
	}
	l := labels[0]
	if l.Ref() != ItemRef(id) || l.OwnID == "" {
		t.Fatalf("listed as %q (own id %q), want %q", l.Ref(), l.OwnID, ItemRef(id))
	}
	for _, ref := range []string{l.Ref(), l.OwnID} {
		if got, err := f.s.FindItems(ctx, ref); err != nil || !slices.Equal(got, []int64{id}) {
			t.Errorf("FindItems(%q) = %v, %v; want [%d]", ref, got, err, id)
		}
	}
	for _, ref := range []string{ItemRef(99999), "gleaner-item-", "gleaner-item-x", "gleaner-item--3"} {
		if got, err := f.s.FindItems(ctx, ref); !errors.Is(err, ErrNotFound) {
			t.Errorf("FindItems(%q) = %v, %v; want not found", ref, got, err)
		}
	}
}

// TestLabelFindsOtherSpellingsOfALink: a link is found by the spellings that
// name the same page: its host in Unicode or punycode, escapes of characters
// that need none, an empty query.
func TestLabelFindsOtherSpellingsOfALink(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")[0]
	idn := item("k-1", aggregate.CanonicalURL("http://한국.example/뉴스/1"), "국회, 인공지능 기본법 통과", true, t0)
	plain := item("k-2", aggregate.CanonicalURL("http://example.org/news/4"), "AI act passes", true, t0)
	save(t, s, src, idn, plain)
	for ref, want := range map[string]string{
		"http://한국.example/뉴스/1":                                  "k-1",
		"http://xn--3e0b707e.example/뉴스/1":                        "k-1",
		"http://xn--3e0b707e.example/%EB%89%B4%EC%8A%A4/1":        "k-1",
		"HTTP://XN--3E0B707E.EXAMPLE:80/%eb%89%b4%ec%8a%a4/1#top": "k-1",
		"http://example.org/news/4?":                              "k-2",
		"http://example.org/news/%34":                             "k-2",
		"http://example.org/news/4?utm_source=rss":                "k-2",
	} {
		ids, err := s.FindItems(ctx, ref)
		if err != nil || len(ids) != 1 {
			t.Errorf("FindItems(%q) = %v, %v", ref, ids, err)
			continue
		}
		var guid string
		if err := s.r.QueryRow(`SELECT guid FROM items WHERE id = ?`, ids[0]).Scan(&guid); err != nil || guid != want {
			t.Errorf("FindItems(%q) found %q, want %q", ref, guid, want)
		}
	}
	if ids, err := s.FindItems(ctx, "http://example.org/news/5"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another page: %v, %v", ids, err)
	}
}

// TestLabelKeysAndForms: a later copy of a labelled link spelled another way
// (punycode for Unicode, needless escapes) takes its label; an escaped "/" is
// another page, in look-ups and labels alike.
func TestLabelKeysAndForms(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/feed")
	idn := item("k-1", aggregate.CanonicalURL("http://한국.example/뉴스/1"), "국회, 인공지능 기본법 통과", true, t0)
	slash := item("k-2", "https://news.example/a/b", "AI act passes", true, t0)
	save(t, s, src[0], idn, slash)
	if ids, err := s.FindItems(ctx, "https://news.example/a%2Fb"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an escaped slash found %v, %v: another page", ids, err)
	}
	ids, err := s.FindItems(ctx, "http://한국.example/뉴스/1")
	if err != nil {
		t.Fatal(err)
	}
	more, err := s.FindItems(ctx, "https://news.example/a/b")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetLabel(ctx, append(ids, more...), aggregate.Label{Keep: false}, t0, nil); err != nil {
		t.Fatal(err)
	}
	later := item("k-3", "http://xn--3e0b707e.example/%EB%89%B4%EC%8A%A4/1", "국회, 인공지능 기본법 통과 (B)", true, t0.Add(time.Minute))
	other := item("k-4", "https://news.example/a%2Fb", "AI act passes (B)", true, t0.Add(time.Minute))
	save(t, s, src[1], later, other)
	var match bool
	if err := s.r.QueryRow(`SELECT match FROM items WHERE guid = 'k-3'`).Scan(&match); err != nil || match {
		t.Errorf("a later copy spelled in punycode: match %v (%v), want the label's out", match, err)
	}
	if err := s.r.QueryRow(`SELECT match FROM items WHERE guid = 'k-4'`).Scan(&match); err != nil || !match {
		t.Errorf("another page (escaped slash): match %v (%v), want the filter's verdict", match, err)
	}
}

// TestClearLabelsHandsItemsBack: clearing a label removes it and its note, and
// the item is judged again by the filter given: an item labelled out that the
// filter keeps comes back to its story and the feed, one labelled in that the
// filter drops leaves. Clearing an item without a label judges it again too.
func TestClearLabelsHandsItemsBack(t *testing.T) {
	f := newLabelFixture(t)
	ctx := context.Background()
	before := f.feed(t)
	f.label(t, "https://news.example/3", false, "out")
	f.label(t, "https://news.example/4", true, "in")
	keepAsStored := func(title, summary, body string) aggregate.Verdict {
		m := !strings.Contains(title, "company") && !strings.Contains(title, "old")
		return aggregate.Verdict{Match: m, Score: 3, Reasons: []string{"title: AI"}, Facets: []string{"regulation"}}
	}
	ids := []int64{f.ids["a-3"], f.ids["tag:a.example,2026:4"]}
	st, err := f.s.ClearLabels(ctx, ids, keepAsStored, 14*24*time.Hour, f.g)
	if err != nil {
		t.Fatal(err)
	}
	if st.Checked != 2 || st.Entered != 1 || st.Left != 1 {
		t.Errorf("clear: %+v, want 2 checked, 1 entered, 1 left", st)
	}
	if labels, err := f.s.Labels(ctx); err != nil || len(labels) != 0 {
		t.Errorf("labels after clear: %v %+v", err, labels)
	}
	if match, _, reasons, story := f.stored(t, f.ids["a-3"]); !match || story == 0 || reasons != `["title: AI"]` {
		t.Errorf("a-3 after clear: match=%v story=%d reasons=%s", match, story, reasons)
	}
	if match, _, reasons, story := f.stored(t, f.ids["tag:a.example,2026:4"]); match || story != 0 || reasons != `["title: AI"]` {
		t.Errorf("a-4 after clear: match=%v story=%d reasons=%s", match, story, reasons)
	}
	if feed := f.feed(t); !slices.Equal(feed, before) {
		t.Errorf("feed after clear: %q, want it as before the labels: %q", feed, before)
	}
	// Again, with nothing to clear: nothing changes, no error.
	if st, err := f.s.ClearLabels(ctx, ids, keepAsStored, 14*24*time.Hour, f.g); err != nil || st.Changed != 0 {
		t.Errorf("clear again: %+v %v", st, err)
	}
	if _, err := f.s.ClearLabels(ctx, []int64{9999}, keepAsStored, 14*24*time.Hour, f.g); !errors.Is(err, ErrNotFound) {
		t.Errorf("clear of a deleted item: %v, want ErrNotFound", err)
	}

	// An item too old when first seen, labelled in (published so), then
	// cleared: the filter keeps it, but it is as old as before, so it leaves.
	f.label(t, "https://news.example/5", true, "in")
	if feed := f.feed(t); slices.Equal(feed, before) {
		t.Fatalf("the old item labelled in is not published: %q", feed)
	}
	old := []int64{f.ids["a-5"]}
	keepAll := func(title, summary, body string) aggregate.Verdict {
		return aggregate.Verdict{Match: true, Score: 3, Reasons: []string{"title: AI"}, Facets: []string{"regulation"}}
	}
	st, err = f.s.ClearLabels(ctx, old, keepAll, 14*24*time.Hour, f.g)
	if err != nil || st.Left != 1 || st.Entered != 0 {
		t.Errorf("clear of the old item: %+v %v, want it to leave", st, err)
	}
	if match, fresh, _, story := f.stored(t, f.ids["a-5"]); !match || fresh || story != 0 {
		t.Errorf("the old item after clear: match=%v fresh=%v story=%d; want kept by the filter, not fresh, in no story", match, fresh, story)
	}
	if feed := f.feed(t); !slices.Equal(feed, before) {
		t.Errorf("feed after clearing the old item's label: %q, want %q", feed, before)
	}
}

// TestClearLabelsIsOneTransaction: a clear whose write fails (here a trigger
// refuses the new verdict) leaves the label where it was, with its verdict, so
// that the item is still named by its label's entry id and the clear can be
// run again; it did delete the labels first, in a transaction of their own.
func TestClearLabelsIsOneTransaction(t *testing.T) {
	f := newLabelFixture(t)
	ctx := context.Background()
	f.label(t, "https://news.example/3", false, "out")
	if _, err := f.s.w.ExecContext(ctx, `CREATE TEMP TRIGGER refuse BEFORE UPDATE OF match ON items BEGIN SELECT RAISE(ABORT, 'refused'); END`); err != nil {
		t.Fatal(err)
	}
	keep := func(title, summary, body string) aggregate.Verdict {
		return aggregate.Verdict{Match: true, Score: 3, Reasons: []string{"title: AI"}}
	}
	if _, err := f.s.ClearLabels(ctx, []int64{f.ids["a-3"]}, keep, 0, f.g); err == nil {
		t.Fatal("the clear whose write was refused succeeded")
	}
	if labels, err := f.s.Labels(ctx); err != nil || len(labels) != 1 {
		t.Errorf("labels after a failed clear: %v %+v, want the label kept", err, labels)
	}
	if match, _, reasons, _ := f.stored(t, f.ids["a-3"]); match || !strings.HasPrefix(reasons, `["dropped by the curator`) {
		t.Errorf("a-3 after a failed clear: match=%v reasons=%s", match, reasons)
	}
	if _, err := f.s.w.ExecContext(ctx, `DROP TRIGGER refuse`); err != nil {
		t.Fatal(err)
	}
	if st, err := f.s.ClearLabels(ctx, []int64{f.ids["a-3"]}, keep, 0, f.g); err != nil || st.Entered != 1 {
		t.Errorf("the clear run again: %+v %v", st, err)
	}
}

// TestClearLabelsRacingARevision: a poll revises the item between the clear's
// read and its write: the label stays with the item (and its entry id names it
// still), the clear says it left the item as it was, and a clear run again
// finishes.
func TestClearLabelsRacingARevision(t *testing.T) {
	f := newLabelFixture(t)
	ctx := context.Background()
	f.label(t, "https://news.example/3", false, "out")
	revised := false
	keep := func(title, summary, body string) aggregate.Verdict {
		if !revised {
			revised = true
			a3 := item("a-3", "https://news.example/3", "chips: export rule, reactions (updated)", true, t0.Add(-3*time.Hour))
			if _, _, err := f.s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: f.src[0].ID}, Items: []aggregate.Item{a3}}}, f.g); err != nil {
				t.Fatal(err)
			}
		}
		return aggregate.Verdict{Match: true, Score: 3, Reasons: []string{"title: AI"}}
	}
	st, err := f.s.ClearLabels(ctx, []int64{f.ids["a-3"]}, keep, 0, f.g)
	if err != nil || st.Stale != 1 || st.Changed != 0 || st.Cleared != 0 || st.Gone != 0 {
		t.Errorf("clear racing a revision: %+v %v, want the item left as it was (stale)", st, err)
	}
	// Deleted meanwhile (retention): gone, not stale.
	f.label(t, "https://news.example/2", false, "out")
	deleted := false
	drop := func(title, summary, body string) aggregate.Verdict {
		if !deleted {
			deleted = true
			if _, err := f.s.w.ExecContext(ctx, `DELETE FROM items WHERE id = ?`, f.ids["tag:a.example,2026:2"]); err != nil {
				t.Fatal(err)
			}
		}
		return aggregate.Verdict{Match: true, Score: 3, Reasons: []string{"title: AI"}}
	}
	if st, err := f.s.ClearLabels(ctx, []int64{f.ids["tag:a.example,2026:2"]}, drop, 0, f.g); err != nil || st.Gone != 1 || st.Stale != 0 {
		t.Errorf("clear of an item deleted meanwhile: %+v %v, want it gone, not stale", st, err)
	}
	// The same for an item without a label.
	deleted = false
	dropUnlabelled := func(title, summary, body string) aggregate.Verdict {
		if !deleted {
			deleted = true
			if _, err := f.s.w.ExecContext(ctx, `DELETE FROM items WHERE id = ?`, f.ids["https://news.example/1"]); err != nil {
				t.Fatal(err)
			}
		}
		return aggregate.Verdict{Match: false, Score: -3, Reasons: []string{"title: AI"}}
	}
	if st, err := f.s.ClearLabels(ctx, []int64{f.ids["https://news.example/1"]}, dropUnlabelled, 0, f.g); err != nil || st.Changed != 0 || st.Stale != 0 {
		t.Errorf("clear of an unlabelled item: %+v %v, want nothing done", st, err)
	}
	if labels, err := f.s.Labels(ctx); err != nil || len(labels) != 1 {
		t.Errorf("labels after the raced clear: %v %+v, want the label kept with its verdict", err, labels)
	}
	if st, err := f.s.ClearLabels(ctx, []int64{f.ids["a-3"]}, keep, 0, f.g); err != nil || st.Entered != 1 || st.Stale != 0 {
		t.Errorf("the clear run again: %+v %v", st, err)
	}
	if labels, _ := f.s.Labels(ctx); len(labels) != 0 {
		t.Errorf("labels after the second clear: %+v", labels)
	}
}

// TestClearLabelOfAMate: a near report that joined a story as a mate, labelled in,
// revised and re-judged under its label (a mate still beneath the curator's reason),
// then cleared while near: it leaves the story, counted as left, as a label out
// takes it out (whether its story has a kept report left is not the clear's to
// judge); and so do two copies a label took in, no mates. A mate without a label
// is left as it is.
func TestClearLabelOfAMate(t *testing.T) {
	f := newLabelFixture(t)
	ctx := context.Background()
	mate := item("a-mate", "https://news.example/mate", "chips: a near report", false, t0.Add(-time.Hour))
	mate.Verdict.Near = true
	if _, _, err := f.s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: f.src[0].ID}, Items: []aggregate.Item{mate}}}, f.g); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := f.s.r.QueryRowContext(ctx, `SELECT id FROM items WHERE url = ?`, mate.URL).Scan(&id); err != nil {
		t.Fatal(err)
	}
	match, _, reasons, story := f.stored(t, id)
	if !match || story == 0 || !strings.HasPrefix(reasons, `["`+aggregate.MateReason) {
		t.Fatalf("the near report did not join its story as a mate: match=%v story=%d reasons=%s", match, story, reasons)
	}
	f.label(t, mate.URL, true, "in")
	near := func(title, summary, body string) aggregate.Verdict {
		return aggregate.Verdict{Match: false, Near: true, Score: -0.2, Reasons: []string{"title: AI"}}
	}
	// Revised by its feed and re-judged under its label: still a mate beneath it.
	revised := mate
	revised.Title = "chips: a near report (updated)"
	if _, _, err := f.s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: f.src[0].ID}, Items: []aggregate.Item{revised}}}, f.g); err != nil {
		t.Fatal(err)
	}
	nearMate := func(title, summary, body string) aggregate.Verdict { // the others kept
		if strings.Contains(title, "near report") {
			return near(title, summary, body)
		}
		return aggregate.Verdict{Match: true, Score: 3, Reasons: []string{"title: AI"}}
	}
	if _, err := f.s.Reclassify(ctx, time.Time{}, nearMate, f.g); err != nil {
		t.Fatal(err)
	}
	if _, _, reasons, _ := f.stored(t, id); !strings.Contains(reasons, `","`+aggregate.MateReason+`"`) {
		t.Errorf("the labelled mate after a revision and reclassify: reasons %s, want the mate's beneath the curator's", reasons)
	}
	if st, err := f.s.ClearLabels(ctx, []int64{id}, near, 0, f.g); err != nil || st.Left != 1 || st.Cleared != 1 {
		t.Errorf("clear of the labelled mate: %+v %v, want it left", st, err)
	}
	if match, _, reasons, after := f.stored(t, id); match || after != 0 {
		t.Errorf("the mate after clear: match=%v story=%d (was %d) reasons=%s; want out of its story", match, after, story, reasons)
	}
	// An unlabelled mate, cleared (no label): it leaves too, counted.
	if _, _, err := f.s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: f.src[0].ID},
		Items: []aggregate.Item{func() aggregate.Item {
			m := mate
			m.Key, m.GUID, m.URL = "a-mate2", "a-mate2", "https://news.example/mate2"
			return m
		}()}}}, f.g); err != nil {
		t.Fatal(err)
	}
	var id2 int64
	if err := f.s.r.QueryRowContext(ctx, `SELECT id FROM items WHERE url = ?`, "https://news.example/mate2").Scan(&id2); err != nil {
		t.Fatal(err)
	}
	if match, _, reasons, _ := f.stored(t, id2); !match || !strings.HasPrefix(reasons, `["`+aggregate.MateReason) {
		t.Fatalf("the second near report is no mate: %s", reasons)
	}
	if st, err := f.s.ClearLabels(ctx, []int64{id2}, near, 0, f.g); err != nil || st.Changed != 0 || st.Left != 0 || st.Cleared != 0 {
		t.Errorf("clear of an unlabelled mate: %+v %v, want nothing changed", st, err)
	}
	if match, _, reasons, story := f.stored(t, id2); !match || story == 0 || !strings.HasPrefix(reasons, `["`+aggregate.MateReason) {
		t.Errorf("the unlabelled mate after a clear: match=%v story=%d reasons=%s, want it as it was", match, story, reasons)
	}

	// The two copies of news/1, labelled in, then cleared as near: no mates
	// before, they leave, and their story with them.
	f.label(t, "https://news.example/1", true, "in")
	ids, err := f.s.FindItems(ctx, "https://news.example/1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.s.ClearLabels(ctx, ids, near, 0, f.g)
	if err != nil || st.Left != 2 || st.Cleared != 2 {
		t.Errorf("clear of two near copies: %+v %v, want both left and cleared", st, err)
	}
	for _, e := range f.feed(t) {
		if strings.HasPrefix(e, "act: AI act passes") {
			t.Errorf("the cleared copies' entry is still in the feed: %q", f.feed(t))
		}
	}
}

// TestClearLabelsRacingAMerge: the item's story is merged into another (the
// daemon's bridging) between the clear's read and its write: the item leaves
// the story it is in now, whose count stays true; and a clear of an item with
// no label that a poll revised meanwhile is no stale label.
func TestClearLabelsRacingAMerge(t *testing.T) {
	f := newLabelFixture(t)
	ctx := context.Background()
	f.label(t, "https://news.example/3", true, "in")
	_, _, _, from := f.stored(t, f.ids["a-3"])
	_, _, _, into := f.stored(t, f.ids["https://news.example/1"])
	if from == 0 || into == 0 || from == into {
		t.Fatalf("stories %d and %d", from, into)
	}
	merged := false
	drop := func(title, summary, body string) aggregate.Verdict {
		if !merged {
			merged = true
			if _, err := f.s.MergeStories(ctx, []story.Merge{{Keep: into, Drop: from}}); err != nil {
				t.Fatal(err)
			}
		}
		return aggregate.Verdict{Match: false, Score: -3, Reasons: []string{"title: AI"}}
	}
	if _, err := f.s.ClearLabels(ctx, []int64{f.ids["a-3"]}, drop, 0, f.g); err != nil {
		t.Fatal(err)
	}
	rows := storyRows(t, f.s)
	tx, err := f.s.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := recomputeStory(ctx, tx, into, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if again := storyRows(t, f.s); again[into] != rows[into] {
		t.Errorf("story %d after the raced clear: %q, recomputed %q", into, rows[into], again[into])
	}

	// An item with no label, revised by a poll during the clear: nothing stale.
	revised := false
	keep := func(title, summary, body string) aggregate.Verdict {
		if !revised {
			revised = true
			a4 := item("tag:a.example,2026:4", "https://news.example/4", "chips: a company's new chip (updated)", false, t0.Add(-time.Hour))
			if _, _, err := f.s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: f.src[0].ID}, Items: []aggregate.Item{a4}}}, f.g); err != nil {
				t.Fatal(err)
			}
		}
		return aggregate.Verdict{Match: true, Score: 3, Reasons: []string{"title: AI"}}
	}
	if st, err := f.s.ClearLabels(ctx, []int64{f.ids["tag:a.example,2026:4"]}, keep, 0, f.g); err != nil || st.Stale != 0 || st.Cleared != 0 {
		t.Errorf("clear of an unlabelled item revised meanwhile: %+v %v, want nothing stale or cleared", st, err)
	}
}

// TestWasMateColumnParsesOnlyLabelledRows: the column every poll's look-up reads
// parses a row's reasons as JSON only when a curator's reason starts them, so a
// row whose reasons are not JSON cannot fail a poll; and it agrees with wasMate.
func TestWasMateColumnParsesOnlyLabelledRows(t *testing.T) {
	s := openTest(t)
	for _, c := range []struct {
		reasons string
		match   bool
		want    bool
	}{
		{`not json at all`, true, false},
		{`["` + aggregate.MateReason + `","title: AI"]`, true, true},
		{`["kept by the curator: \"quoted\" note","` + aggregate.MateReason + `"]`, true, true},
		{`["dropped by the curator","title: AI","` + aggregate.MateReason + `"]`, false, false},
		{`["title: AI"]`, true, false},
	} {
		var got bool
		if err := s.r.QueryRow(`SELECT coalesce(`+wasMateColumn+`, 0) FROM (SELECT ? AS reasons, ? AS match) i`, c.reasons, b2i(c.match)).Scan(&got); err != nil {
			t.Errorf("%s: %v", c.reasons, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: %v, want %v", c.reasons, got, c.want)
		}
	}
}
