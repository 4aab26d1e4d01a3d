package aggregate

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate/story"
)

func groupItems(n int, at time.Time) []Item {
	topics := []string{"AI basic act passes the National Assembly", "export controls on AI chips tightened",
		"AI safety institute opens in Seoul", "copyright rules for AI training data proposed"}
	var out []Item
	for i := range n {
		t := topics[i%len(topics)]
		out = append(out, Item{ID: int64(i + 1), StoryID: int64(i%len(topics) + 1),
			Title:     fmt.Sprintf("%s, outlet %d reports", t, i),
			Summary:   fmt.Sprintf("Lawmakers and officials said on day %d that %s after months of debate.", i%3, t),
			Published: at.Add(-time.Duration(i) * time.Minute)})
	}
	return out
}

// TestGrouperLoadsOnFirstUse checks that a grouper with a loader reads the store
// only when it is first used, that Load (signing on every core) indexes exactly
// what adding each item in turn does, and that a failed load is reported and
// tried again.
func TestGrouperLoadsOnFirstUse(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	stored := groupItems(300, now)
	probe := Item{ID: 1000, Title: "AI safety institute opens in Seoul, a late report", Summary: "Officials said on day 1 that AI safety institute opens in Seoul after months of debate.", Published: now}

	// Reference: every stored item added in turn.
	ref := NewStoryGrouper(story.DefaultConfig()).WithClock(clock)
	for i := range stored {
		it := stored[i]
		ref.Add(&it, it.StoryID)
	}
	p := probe
	wantStory, wantSim, wantOK := ref.Find(&p)
	if !wantOK {
		t.Fatal("the probe joins no story even in the reference index; the test data is wrong")
	}

	calls, fail := 0, true
	var reported []error
	g := NewStoryGrouper(story.DefaultConfig()).WithClock(clock).WithLoader(func() ([]Item, error) {
		calls++
		if fail {
			return nil, errors.New("database is locked")
		}
		return groupItems(300, now), nil
	}, func(n int, _ time.Duration, err error) {
		if err != nil {
			reported = append(reported, err)
		} else if n != len(stored) {
			t.Errorf("report: %d items loaded, want %d", n, len(stored))
		}
	})
	it := probe
	g.Prepare(&it) // workers sign without loading
	if calls != 0 {
		t.Fatalf("Prepare loaded the index (%d calls)", calls)
	}
	if _, _, ok := g.Find(&it); ok || calls != 1 || len(reported) != 1 {
		t.Fatalf("failed load: ok %v, %d calls, reported %v", ok, calls, reported)
	}
	fail = false
	id, sim, ok := g.Find(&it)
	if calls != 2 {
		t.Fatalf("the load after a failure was not retried: %d calls", calls)
	}
	if id != wantStory || sim != wantSim || ok != wantOK {
		t.Errorf("after Load: story %d sim %v ok %v; adding in turn gives %d %v %v", id, sim, ok, wantStory, wantSim, wantOK)
	}
	if g.Len() != ref.Len() {
		t.Errorf("Load indexed %d items, adding in turn %d", g.Len(), ref.Len())
	}
	g.Find(&it)
	g.Add(&it, id)
	if calls != 2 {
		t.Errorf("loaded again after success: %d calls", calls)
	}
}
