package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gleaner/gleaner/aggregate"
)

// TestQueriesUseIndexes checks SQLite's plan for each query that must find items
// through a partial index: one that repeats the index's condition badly, or a
// migration that changes an index, would scan the items table instead, which a
// test over a few rows cannot see in its timing.
func TestQueriesUseIndexes(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	// Some rows, and ANALYZE, so that the planner reasons about a table that is
	// not empty.
	srcs := sync(t, s, "https://a.example/feed", "https://b.example/feed")
	for i, src := range srcs {
		var batch []aggregate.Item
		for k := range 200 {
			batch = append(batch, item(fmt.Sprint(i, "-", k), fmt.Sprintf("https://%d.example/%d", i, k), fmt.Sprint("title ", k), k%5 == 0, t0))
		}
		if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src.ID}, Items: batch}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.w.ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	older, olderArgs := curatedQuery(aggregate.Query{Limit: 100, Before: aggregate.Cursor{Published: t0, StoryID: 5}})
	search, searchArgs := curatedQuery(aggregate.Query{Limit: 50, Match: "title 1 pol"})
	short, shortArgs := curatedQuery(aggregate.Query{Limit: 50, Match: "AI 1"})
	langPage, langArgs := curatedQuery(aggregate.Query{Limit: 50, Lang: "ko"})
	for _, tc := range []struct {
		name, query, index string
		args               []any
	}{
		{"by URL", byURLQuery, "items_url", []any{1, 1}},
		{"a story's link", hasLinkQuery, "items_url", []any{1, 1, "https://0.example/1"}},
		{"by URLs", urlStoriesQuery, "items_url", []any{"[1,2,3,0]"}},
		{"a source's articles by link", sameArticlesQuery, "items_url", []any{1, "[1,2,3]"}},
		{"story members", storyMembersQuery, "items_story", []any{1}},
		{"story ties", storyTiesQuery, "items_story", []any{1, `["en","ko"]`, 0}},
		{"first members", firstMembersQuery, "items_story", []any{"[1,2,3]", 11}},
		{"story page", storyMembersListQuery, "items_story", []any{1}},
		{"first report in a language", leadInQuery, "items_story", []any{1, "ko"}},
		{"older page", older, "stories_curated", olderArgs},
		{"search", search, "item_search", searchArgs},
		{"near reports waiting for a story", nearItemsQuery, "items_first_seen", []any{0, -2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := queryPlan(t, s, tc.query, tc.args...)
			all := strings.Join(plan, "\n")
			if !strings.Contains(all, "INDEX "+tc.index+" ") && !strings.Contains(all, tc.index+" VIRTUAL TABLE INDEX") {
				t.Errorf("plan does not use %s:\n%s", tc.index, all)
			}
			for _, step := range plan {
				if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, "VIRTUAL TABLE") {
					t.Errorf("plan scans a table: %q\n%s", step, all)
				}
			}
		})
	}
	// A language's page walks the curated stories newest first, as the whole
	// feed's does: no sort.
	plan := queryPlan(t, s, langPage, langArgs...)
	if all := strings.Join(plan, "\n"); !strings.Contains(all, "SCAN st USING INDEX stories_curated") || strings.Contains(all, "TEMP B-TREE") ||
		!strings.Contains(all, "INDEX items_story (story_id=? AND lang=?)") {
		t.Errorf("a language's page does not walk stories_curated in order, seeking each story's reports in the language:\n%s", all)
	}
	// The labels of links a save reads walk the labels, which are few, not the
	// items with a link.
	plan = queryPlan(t, s, linkLabelsQuery)
	if all := strings.Join(plan, "\n"); !strings.Contains(all, "SCAN l") || strings.Contains(all, "SCAN i") {
		t.Errorf("the labels of links are not read label by label:\n%s", all)
	}
	// A search of short words walks the stories newest first, in the index's
	// order (no sort), looking each one's items up through items_story.
	plan = queryPlan(t, s, short, shortArgs...)
	all := strings.Join(plan, "\n")
	if !strings.Contains(all, "SCAN st USING INDEX stories_curated") || !strings.Contains(all, "INDEX items_story ") || strings.Contains(all, "TEMP B-TREE") {
		t.Errorf("a search of short words does not walk stories_curated in order, looking up items_story:\n%s", all)
	}
}

// queryPlan is SQLite's plan for query, a line per step.
func queryPlan(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}
