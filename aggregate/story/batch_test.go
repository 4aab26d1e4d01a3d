package story

import (
	"strings"
	"testing"
	"time"
)

// TestAssignJoinOnly checks story mates: a JoinOnly item joins the story of kept reports it
// is close to, even one that a later-published kept item of the same save starts; one close
// to nothing gets the zero Choice, starts no story and is not indexed; and no JoinOnly item
// starts a story another JoinOnly item could join.
func TestAssignJoinOnly(t *testing.T) {
	at := time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)
	ix := NewIndex(DefaultConfig())
	sign := func(title string, h int, joinOnly bool) Pending {
		d := Doc{Title: title, Published: at.Add(time.Duration(h) * time.Hour)}
		return Pending{Sig: ix.Sign(d), Published: d.Published, JoinOnly: joinOnly}
	}
	const event = "Korea's privacy regulator suspends new downloads of DeepSeek's chatbot app"
	ps := []Pending{
		sign("South Korea suspends new downloads of DeepSeek's chatbot app, privacy regulator says", 0, true), // a mate, published first
		sign(event, 2, false), // kept: starts the story
		sign("Nvidia shares rise after record quarterly revenue", 1, true),                 // near, like nothing: no story
		sign("Nvidia shares rise after record quarterly revenue beats forecasts", 3, true), // near, like the last only
	}
	before := ix.Len()
	cs := ix.Assign(ps)
	if cs[1].Story != 0 || cs[1].Group == 0 {
		t.Fatalf("the kept item should start a story of the save: %+v", cs[1])
	}
	if cs[0].Group != cs[1].Group || cs[0].Story != 0 {
		t.Errorf("the mate published first should join the kept item's story: %+v, want group %d", cs[0], cs[1].Group)
	}
	for _, i := range []int{2, 3} {
		if cs[i] != (Choice{}) {
			t.Errorf("item %d, near but like no kept report, got %+v, want the zero Choice", i, cs[i])
		}
	}
	if got := ix.Len() - before; got != 2 {
		t.Errorf("Assign indexed %d items, want 2 (the kept item and its mate)", got)
	}
	ix.Saved([]int64{10, 11, 12, 13}, []int64{11, 11, 0, 0})
	if got := ix.Len() - before; got != 2 {
		t.Errorf("after Saved, %d items indexed, want 2", got)
	}
	// In a later save, a mate joins the stored story.
	later := sign(event+", citing privacy concerns", 5, true)
	cs = ix.Assign([]Pending{later})
	if cs[0].Story != 11 {
		t.Errorf("a later mate got %+v, want story 11", cs[0])
	}
	// With mates off ([stories] mates = false), it joins nothing.
	off := DefaultConfig()
	off.NoMates = true
	ix.cfg = off
	if cs = ix.Assign([]Pending{later}); cs[0] != (Choice{}) {
		t.Errorf("with mates off, a mate got %+v", cs[0])
	}
}

// TestAssignMatesInTurn: real-dev's six reports of Albania naming an AI "minister" (stories-18),
// three of them kept by the built-in topic filter when they were gathered and three near it,
// in one save, then merged as the store merges split stories (evaluate). A mate is decided
// in its turn, so that the reports published between the kept ones link them as they would
// arriving poll by poll. Deciding every mate after the kept reports, the first English report,
// a day before the others, and a Korean one stood apart from the other four (7 of 15
// pairs found; now 15).
func TestAssignMatesInTurn(t *testing.T) {
	mate := map[string]bool{"-1": false, "-2": false, "-3": true, "-4": true, "-5": false, "-6": true}
	var items []Labeled
	var joinOnly []bool
	for _, l := range readSet(t, "real-dev.jsonl") {
		if l.Group == "albania-ai-minister-diella-appointed-sep-2025" {
			items = append(items, l)
			joinOnly = append(joinOnly, mate[l.ID[len(l.ID)-2:]])
		}
	}
	if len(items) != 6 {
		t.Fatalf("found %d of the Albanian reports in real-dev, want 6", len(items))
	}
	r, _ := evaluate(DefaultConfig(), items, nil, joinOnly)
	if r.Items != 6 || r.PairScore.CorrectPairs < 14 {
		var b strings.Builder
		r.Write(&b)
		t.Errorf("%d of 6 reports saved, %d of 15 pairs found, want 6 and at least 14:\n%s", r.Items, r.PairScore.CorrectPairs, b.String())
	}
}
