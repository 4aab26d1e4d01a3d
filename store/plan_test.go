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
	for _, tc := range []struct {
		name, query, index string
		args               []any
	}{
		{"by URL", byURLQuery, "items_url", []any{1, 1}},
		{"by URLs", urlStoriesQuery, "items_url", []any{"[1,2,3,0]"}},
		{"story members", storyMembersQuery, "items_story", []any{1}},
		{"story ties", storyTiesQuery, "items_story", []any{1, `["en","ko"]`, 0}},
		{"first members", firstMembersQuery, "items_story", []any{"[1,2,3]", 11}},
		{"story page", storyMembersListQuery, "items_story", []any{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+tc.query, tc.args...)
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
			all := strings.Join(plan, "\n")
			if !strings.Contains(all, "INDEX "+tc.index+" ") {
				t.Errorf("plan does not use %s:\n%s", tc.index, all)
			}
			for _, step := range plan {
				if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, "VIRTUAL TABLE") {
					t.Errorf("plan scans a table: %q\n%s", step, all)
				}
			}
		})
	}
}
