package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/story"
)

// TestStoryMates saves, with the daemon's grouper, a kept report of an event and near ones
// (AI evidence, scored just under the threshold): one of the same event saved after it,
// from another outlet, is kept as a story mate, in the kept report's story, with the mate's
// reason first; so is one saved before the kept report, which the kept report pulls in
// when it is saved; one like nothing kept, and one saved without a grouper are not.
// Reclassifying keeps a mate that is still near in its story and counts no move; one that
// is no longer near leaves the feed.
func TestStoryMates(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed", "https://b.example/feed", "https://c.example/feed")
	g := aggregate.NewStoryGrouper(story.DefaultConfig()).WithClock(func() time.Time { return t0 })
	near := func(key, url, title string, at time.Time) aggregate.Item {
		it := item(key, url, title, false, at)
		it.Summary = ""
		it.Verdict = aggregate.Verdict{Score: -1.2, Reasons: []string{"model: score -1.2 (bias -2.7) < 0 -> no match"}, Near: true}
		return it
	}
	kept := item("a1", "https://a.example/1", "Korea's privacy regulator suspends new downloads of DeepSeek's chatbot app", true, t0)
	kept.Summary = ""
	mate := near("b1", "https://b.example/1", "South Korea suspends new downloads of DeepSeek's chatbot app, privacy regulator says", t0.Add(time.Hour))
	other := near("b2", "https://b.example/2", "Nvidia shares rise after record quarterly revenue", t0.Add(time.Hour))
	save := func(i int, g aggregate.Grouper, items ...aggregate.Item) aggregate.SaveStats {
		t.Helper()
		st, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[i].ID}, Items: items}}, g)
		if err != nil {
			t.Fatal(err)
		}
		return st[0]
	}
	// Saved before any kept report of its event, in a save of its own, a near report
	// finds no story and waits; the kept report pulls it in.
	save(1, g, mate, other)
	if st := save(0, g, kept); st.Kept != 1 || st.Mates != 0 || st.Pulled != 1 {
		t.Fatalf("the kept report: %+v, want it kept and the near report pulled", st)
	}
	// Another outlet's near report of it, saved after the kept one, joins its story.
	late := near("c1", "https://c.example/1", mate.Title, t0.Add(2*time.Hour))
	if st := save(2, g, late); st.New != 1 || st.Kept != 1 || st.Mates != 1 || st.Pulled != 0 {
		t.Fatalf("a mate after its kept report: %+v, want it kept", st)
	}
	noGrouper := near("c2", "https://c.example/2", kept.Title+" today", t0.Add(2*time.Hour))
	if st := save(2, nil, noGrouper); st.New != 1 || st.Kept != 0 {
		t.Fatalf("a near report saved without stories: %+v, want it not kept", st)
	}
	e, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(e) != 1 {
		t.Fatalf("curated: %d entries, want the one story", len(e))
	}
	var urls []string
	for _, a := range e[0].Also {
		urls = append(urls, a.URL)
	}
	slices.Sort(urls)
	if e[0].Item.URL != kept.URL && e[0].Item.URL != late.URL {
		t.Errorf("the story's lead is %s", e[0].Item.URL)
	}
	if !slices.Contains(urls, late.URL) && e[0].Item.URL != late.URL {
		t.Errorf("the mate is not in the story: lead %s, also %v", e[0].Item.URL, urls)
	}
	inStory := map[string]bool{}
	verdicts := func() map[string]aggregate.Verdict {
		t.Helper()
		rows, err := s.r.QueryContext(ctx, "SELECT url, match, reasons, story_id != 0 FROM items")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]aggregate.Verdict{}
		for rows.Next() {
			var url, reasons string
			var v aggregate.Verdict
			var in bool
			if err := rows.Scan(&url, &v.Match, &reasons, &in); err != nil {
				t.Fatal(err)
			}
			inStory[url] = in
			v.Reasons = []string{reasons}
			out[url] = v
		}
		return out
	}
	v := verdicts()
	for url, want := range map[string]bool{kept.URL: true, late.URL: true, mate.URL: true, other.URL: false, noGrouper.URL: false} {
		if v[url].Match != want || inStory[url] != want {
			t.Errorf("%s: kept %v, in a story %v, want %v", url, v[url].Match, inStory[url], want)
		}
	}
	if r := v[mate.URL].Reasons[0]; !strings.HasPrefix(r, `["`+aggregate.MateReason+`"`) {
		t.Errorf("the pulled mate's reasons: %s", r)
	}
	if r := v[late.URL].Reasons[0]; !slices.Contains([]string{`["` + aggregate.MateReason + `","model: score -1.2 (bias -2.7) < 0 -> no match"]`}, r) {
		t.Errorf("the mate's reasons: %s", r)
	}

	// Revised, a mate still near stays one; a kept report now near leaves, as reclassify
	// would judge them: a report becomes a mate by joining a story, not by a revision.
	revisedMate := near(late.Key, late.URL, late.Title+" (update)", late.Published)
	save(2, g, revisedMate)
	revisedKept := near(kept.Key, kept.URL, kept.Title+" (update)", kept.Published)
	save(0, g, revisedKept)
	v = verdicts()
	if !v[late.URL].Match || !strings.HasPrefix(v[late.URL].Reasons[0], `["`+aggregate.MateReason+`"`) || v[kept.URL].Match {
		t.Errorf("revised: the mate kept %v (%s), the kept report kept %v; want the mate still one and the kept report out",
			v[late.URL].Match, v[late.URL].Reasons[0], v[kept.URL].Match)
	}

	// The curator takes the kept report out: its story, left with mates alone, is not
	// in the feed; taken back in, it returns.
	ids, err := s.FindItems(ctx, kept.URL)
	if err != nil || len(ids) != 1 {
		t.Fatalf("find %s: %v %v", kept.URL, ids, err)
	}
	entries := func() int {
		t.Helper()
		e, err := s.Curated(ctx, aggregate.Query{Limit: 10, MaxRelated: 10})
		if err != nil {
			t.Fatal(err)
		}
		return len(e)
	}
	for _, keep := range []bool{false, true} {
		if _, err := s.SetLabel(ctx, ids, aggregate.Label{Keep: keep}, t0.Add(3*time.Hour), g); err != nil {
			t.Fatal(err)
		}
		want := 0
		if keep {
			want = 1
		}
		if n := entries(); n != want || !verdicts()[late.URL].Match {
			t.Errorf("kept report labelled keep=%v: %d entries (want %d); the mate still kept: %v", keep, n, want, verdicts()[late.URL].Match)
		}
	}

	// Reclassified, still near: no move. No longer near: it leaves.
	classify := func(near bool) func(title, summary, body string) aggregate.Verdict {
		return func(title, summary, body string) aggregate.Verdict {
			if title == kept.Title {
				return kept.Verdict
			}
			return aggregate.Verdict{Score: -1.2, Reasons: []string{"model: score -1.2 (bias -2.7) < 0 -> no match"}, Near: near}
		}
	}
	st, err := s.Reclassify(ctx, t0.Add(-time.Hour), classify(true), g)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entered != 0 || st.Left != 0 || !verdicts()[late.URL].Match {
		t.Errorf("reclassified, still near: %+v; the mate kept: %v", st, verdicts()[late.URL].Match)
	}
	st, err = s.Reclassify(ctx, t0.Add(-time.Hour), classify(false), g)
	if err != nil {
		t.Fatal(err)
	}
	if st.Left != 2 || verdicts()[late.URL].Match || verdicts()[mate.URL].Match {
		t.Errorf("reclassified, no longer near: %+v, want both mates to leave", st)
	}
}
