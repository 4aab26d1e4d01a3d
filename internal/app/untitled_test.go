package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/internal/samples"
)

// TestUntitledReportIsTitledAlike: a report without a title (a JSON Feed item
// of content_html alone) is titled from its lead in the feeds; its story page
// named it, and headed the story, with the outlet's name.
func TestUntitledReportIsTitledAlike(t *testing.T) {
	now := time.Now().UTC().Format(time.RFC3339)
	feed := fmt.Sprintf(`{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Outlet", "items": [
{"id": "jo-1", "url": "https://jo.example/1", "date_published": %q,
 "content_html": "<p>The Korea Fair Trade Commission opened an investigation into AI platform operators under the new AI Basic Act, the ministry said on Monday.</p>"}]}`, now)
	cfg := feedsConfig(t, fstest.MapFS{"jo.json": {Data: []byte(feed)}}, "", func(_ *samples.Server, file string) string { return "JSON Outlet" })
	ctx := context.Background()
	a, err := New(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.Poller.PollAll(ctx)
	a.Refresh(ctx)
	get := func(path string, v any) {
		t.Helper()
		rec := httptest.NewRecorder()
		a.Publish.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			t.Fatalf("%s: %d %.300s", path, rec.Code, rec.Body)
		}
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	var jf struct {
		Items []struct {
			Title string `json:"title"`
		} `json:"items"`
	}
	get("/feed.json", &jf)
	if len(jf.Items) != 1 || !strings.HasPrefix(jf.Items[0].Title, "The Korea Fair Trade Commission") {
		t.Fatalf("/feed.json items %+v: want the untitled report, titled from its lead", jf.Items)
	}
	entries, err := a.Store.Curated(ctx, aggregate.Query{Limit: 1})
	if err != nil || len(entries) != 1 {
		t.Fatalf("%d entries, %v", len(entries), err)
	}
	var sp struct {
		Title   string `json:"title"`
		Members []struct {
			Title string `json:"title"`
		} `json:"members"`
	}
	get(fmt.Sprintf("/story/%d.json", entries[0].Item.StoryID), &sp)
	if sp.Title != jf.Items[0].Title || len(sp.Members) != 1 || sp.Members[0].Title != jf.Items[0].Title {
		t.Errorf("story page titled %q, members %+v; the feed titles it %q", sp.Title, sp.Members, jf.Items[0].Title)
	}
}
