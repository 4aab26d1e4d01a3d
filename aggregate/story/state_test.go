package story

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

var s0 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

func TestBefore(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b Member
		want bool
	}{
		{"earlier published", Member{ItemID: 9, Rank: 5, Published: s0}, Member{ItemID: 1, Published: s0.Add(time.Second)}, true},
		{"later published", Member{ItemID: 1, Published: s0.Add(time.Second)}, Member{ItemID: 9, Rank: 5, Published: s0}, false},
		{"same second, source ranked first", Member{ItemID: 9, Rank: 0, Published: s0}, Member{ItemID: 1, Rank: 1, Published: s0}, true},
		{"same second and rank, stored first", Member{ItemID: 1, Rank: 2, Published: s0}, Member{ItemID: 2, Rank: 2, Published: s0}, true},
		{"itself", Member{ItemID: 1, Published: s0}, Member{ItemID: 1, Published: s0}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Before(&tc.a, &tc.b); got != tc.want {
				t.Errorf("Before = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRecompute(t *testing.T) {
	early := Member{ItemID: 1, SourceID: 1, Published: s0, FirstSeen: s0.Add(time.Hour), Lang: "ko", Facets: []string{"law"}}
	curated := Member{ItemID: 2, SourceID: 2, Published: s0.Add(time.Minute), FirstSeen: s0.Add(2 * time.Hour), Lang: "en",
		Facets: []string{"funding", "law"}, Curated: true}
	mate := Member{ItemID: 3, SourceID: 3, Published: s0.Add(-time.Minute), FirstSeen: s0, Lang: "ko", Curated: true, Mate: true}
	for _, tc := range []struct {
		name    string
		updated time.Time
		members []Member
		want    State
		ok      bool
	}{
		{"no members: gone", s0, nil, State{}, false},
		{"the curated member leads though published later, with only its facets", s0,
			[]Member{early, curated},
			State{Lead: curated, Updated: s0.Add(2 * time.Hour), Facets: []string{"funding", "law"}, Langs: []string{"en", "ko"}, Members: 2, Visible: true}, true},
		{"none curated: the earliest member, not published", s0,
			[]Member{early},
			State{Lead: early, Updated: s0.Add(time.Hour), Langs: []string{"ko"}, Members: 1}, true},
		{"a story mate may lead, but does not make a story visible alone", s0,
			[]Member{mate, early},
			State{Lead: mate, Updated: s0.Add(time.Hour), Langs: []string{"ko"}, Members: 2}, true},
		{"with a kept member, the story is visible, led by the earlier mate", s0,
			[]Member{curated, mate},
			State{Lead: mate, Updated: s0.Add(2 * time.Hour), Facets: []string{"funding", "law"}, Langs: []string{"en", "ko"}, Members: 2, Visible: true}, true},
		{"updated never moves back", s0.Add(48 * time.Hour),
			[]Member{curated},
			State{Lead: curated, Updated: s0.Add(48 * time.Hour), Facets: []string{"funding", "law"}, Langs: []string{"en"}, Members: 1, Visible: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Recompute(tc.updated, tc.members)
			if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Recompute = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestJoinEqualsRecompute grows random stories by joins, each given the members tied with
// the lead as they are at that moment (sources reordered now and then), and checks every
// state against Recompute over all members.
func TestJoinEqualsRecompute(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	facets := []string{"law", "funding", "chips", "safety"}
	for story := range 300 {
		ranks := r.Perm(6)
		next := int64(1)
		newMember := func(curated bool) Member {
			m := Member{ItemID: next, SourceID: int64(r.IntN(6)), Published: s0.Add(time.Duration(r.IntN(8)) * time.Second),
				FirstSeen: s0.Add(time.Duration(r.IntN(100)) * time.Minute), Lang: []string{"ko", "en", ""}[r.IntN(3)],
				Facets: []string{facets[r.IntN(len(facets))]}, Curated: curated, Mate: curated && r.IntN(4) == 0}
			if m.Mate {
				m.Facets = nil // a mate has no facets of its own
			}
			m.Rank = ranks[m.SourceID]
			next++
			return m
		}
		// A story starts from stored members, some not curated (left by a reclassification).
		var all []Member
		for range 1 + r.IntN(3) {
			all = append(all, newMember(r.IntN(3) > 0))
		}
		st, _ := Recompute(s0, all)
		for step := range 6 {
			if r.IntN(3) == 0 { // the config reorders its sources
				ranks = r.Perm(6)
				for i := range all {
					all[i].Rank = ranks[all[i].SourceID]
				}
			}
			var ties []Member
			for _, m := range all {
				if m.Published.Equal(st.Lead.Published) {
					ties = append(ties, m)
				}
			}
			var joined []Member
			for range 1 + r.IntN(3) {
				joined = append(joined, newMember(true))
			}
			all = append(all, joined...)
			if st.Visible {
				st = Join(st, ties, joined)
			} else {
				// The store recomputes a hidden story, which may hold mates.
				st, _ = Recompute(s0, all)
			}
			want, _ := Recompute(s0, all)
			if !reflect.DeepEqual(st, want) {
				t.Fatalf("story %d, step %d: joined %+v\nrecomputed %+v", story, step, st, want)
			}
		}
	}
}

func TestChoose(t *testing.T) {
	similar := Match{StoryID: 7, Similarity: 0.4}
	earlier := Match{StoryID: StoryGroup(Choice{Group: 2}), Similarity: 0.3}
	for _, tc := range []struct {
		name    string
		sameURL Choice
		stored  int64
		m       Match
		found   bool
		want    Choice
	}{
		{"the stored story of its URL first", Choice{Group: 1}, 4, similar, true, Choice{Story: 4, Similarity: 1}},
		{"then the same URL earlier in the save", Choice{Story: 5, Similarity: 0.2}, 0, similar, true, Choice{Story: 5, Similarity: 1}},
		{"the same URL starting a story in the save", Choice{Group: 1, Similarity: 1}, 0, similar, true, Choice{Group: 1, Similarity: 1}},
		{"then the most similar report's story", Choice{}, 0, similar, true, Choice{Story: 7, Similarity: 0.4}},
		{"a story started earlier in the save", Choice{}, 0, earlier, true, Choice{Group: 2, Similarity: 0.3}},
		{"else a new story", Choice{}, 0, Match{}, false, Choice{Group: 3, Similarity: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Choose(tc.sameURL, tc.stored, tc.m, tc.found, 3); got != tc.want {
				t.Errorf("Choose = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestHorizon(t *testing.T) {
	// Two reports that name the same day may group sameDayReach windows apart.
	c := Config{Window: 72 * time.Hour}
	if got, want := c.Horizon(s0), s0.Add(-(3*72+24)*time.Hour); !got.Equal(want) {
		t.Errorf("Horizon = %v, want %v", got, want)
	}
	if s := fmt.Sprint(Revised(State{Updated: s0}, s0.Add(-time.Hour)).Updated); s != fmt.Sprint(s0) {
		t.Errorf("Revised moved Updated back to %s", s)
	}
}

func TestPick(t *testing.T) {
	ko := []string{"k1", "k2", "k3", "k4", "k5"}
	en := []string{"e1", "e2"}
	for _, tc := range []struct {
		name   string
		lead   string
		langs  []string
		byLang map[string][]string
		max    int
		want   []string
	}{
		{"one language: the earliest", "ko", []string{"ko"}, map[string][]string{"ko": ko}, 3, []string{"k1", "k2", "k3"}},
		{"turns between languages, the lead's first", "ko", []string{"en", "ko"}, map[string][]string{"ko": ko, "en": en}, 3,
			[]string{"k1", "k2", "e1"}},
		{"a language with few reports leaves its turns to the others", "ko", []string{"en", "ko"}, map[string][]string{"ko": ko, "en": en}, 6,
			[]string{"k1", "k2", "k3", "k4", "e1", "e2"}},
		{"every one when they fit", "en", []string{"en", "ko"}, map[string][]string{"ko": ko[:1], "en": en}, 10,
			[]string{"e1", "e2", "k1"}},
		{"none", "en", []string{"en", "ko"}, map[string][]string{"ko": ko, "en": en}, 0, []string{}},
		{"only the lead", "ko", []string{"ko"}, map[string][]string{}, 10, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Pick(tc.lead, tc.langs, tc.byLang, tc.max); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Pick = %q, want %q", got, tc.want)
			}
		})
	}
}
