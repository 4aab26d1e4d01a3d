package store

import (
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// dumpRows returns every row of table as text, columns as the table has them,
// ordered by the first column.
func dumpRows(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals...))
	}
	return out
}

// TestUpgradeKeepsItemsAndStories opens a database written by gleaner before
// migration 008 (testdata/v7.db.gz: made by the code of commit 0188ac5, with
// migrations 001-007; four sources, a story in two languages with a tie in its
// lead's second and a member the filter left out, stories of one report, the
// same article from two sources, a story hidden by a reclassification, items
// not kept or not fresh). Every item and story is kept as it was; each story
// gains the languages of its members, and joins go on from there.
func TestUpgradeKeepsItemsAndStories(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	gz, err := os.Open("testdata/v7.db.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer gz.Close()
	zr, err := gzip.NewReader(gz)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, zr); err != nil {
		t.Fatal(err)
	}
	f.Close()

	const itemsQuery = "SELECT * FROM items ORDER BY id"
	const storiesQuery = `SELECT id, entry_id, lead_item_id, source_id, published, first_seen, updated, lang, facets, members, visible
		FROM stories ORDER BY id`
	old, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	items, stories := dumpRows(t, old, itemsQuery), dumpRows(t, old, storiesQuery)
	var version int
	if err := old.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&version); err != nil || version != 7 {
		t.Fatalf("the fixture is at migration %d (%v), want 7", version, err)
	}
	old.Close()
	if len(items) < 10 || len(stories) < 5 {
		t.Fatalf("the fixture holds %d items and %d stories: too few to tell anything", len(items), len(stories))
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := dumpRows(t, s.r, itemsQuery); !slices.Equal(got, items) {
		t.Errorf("items changed by the upgrade:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(items, "\n"))
	}
	if got := dumpRows(t, s.r, storiesQuery); !slices.Equal(got, stories) {
		t.Errorf("stories changed by the upgrade:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(stories, "\n"))
	}
	// Each story's languages are its members'.
	rows, err := s.r.Query(`SELECT st.id, st.langs, (SELECT group_concat(DISTINCT i.lang) FROM items i WHERE i.story_id = st.id) FROM stories st`)
	if err != nil {
		t.Fatal(err)
	}
	multi := false
	for rows.Next() {
		var id int64
		var langs, members string
		if err := rows.Scan(&id, &langs, &members); err != nil {
			t.Fatal(err)
		}
		var got []string
		if err := json.Unmarshal([]byte(langs), &got); err != nil {
			t.Fatalf("story %d: languages %q: %v", id, langs, err)
		}
		want := strings.Split(members, ",")
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("story %d: languages %q, its members' are %q", id, got, want)
		}
		multi = multi || len(got) > 1
	}
	rows.Close()
	if !multi {
		t.Errorf("no story of the fixture has two languages")
	}

	// The stories go on: the two-language one names its reports, and a new one joins.
	entries, err := s.Curated(ctx, aggregate.Query{Limit: 20, MaxRelated: 10})
	if err != nil {
		t.Fatal(err)
	}
	var summit *aggregate.Entry
	for i := range entries {
		if strings.HasPrefix(entries[i].Item.Title, "summit:") {
			summit = &entries[i]
		}
	}
	if summit == nil || summit.Reports != 4 || len(summit.Also) != 3 || !slices.Equal(summit.Langs, []string{"en", "ko"}) {
		t.Fatalf("the summit story after the upgrade: %+v", summit)
	}
	src, err := s.SourceStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g := &fakeGrouper{by: map[string]int64{"summit": summit.Item.StoryID}}
	late := item("late", "https://late.example/1", "summit: a late report", true, summit.Item.Published.Add(-1))
	late.Lang = "ko"
	if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[1].Source.ID}, Items: []aggregate.Item{late}}}, g); err != nil {
		t.Fatal(err)
	}
	got := storyRows(t, s)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for id := range got {
		if err := recomputeStory(ctx, tx, id, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for id, w := range storyRows(t, s) {
		if got[id] != w {
			t.Errorf("story %d after a join: %q, recomputed %q", id, got[id], w)
		}
	}
	// The upgraded file has a search index (migrations 012 and 014), and the writer
	// queues the new report for it.
	checkSearchIndex(t, s)
	if found := searchTitles(t, s, aggregate.Query{Match: "late report"}); !slices.Contains(found, late.Title) {
		t.Errorf("search for the report saved after the upgrade: %q", found)
	}
}
