package story

import (
	"slices"
	"time"
)

// The rules of what a story shows of its members. They are pure functions over values: the
// store loads a story's State and the members a rule asks for, and saves what it returns.

// Member is one item of a story as the rules weigh it.
type Member struct {
	ItemID    int64
	SourceID  int64
	Rank      int // the source's position in the config, 0 first: breaks ties for the lead
	Published time.Time
	FirstSeen time.Time
	Lang      string
	Facets    []string // the topic facets the filter gave it
	// Curated is true for a member the topic filter kept that was fresh when first seen:
	// only such members lead a story and lend it their facets.
	Curated bool
	// Mate is true for a curated member kept only as a story mate (a near report that
	// joined kept ones): it may lead, but it does not make a story visible on its own.
	Mate bool
}

// State is what a story shows of its members, kept with the story so that a member joining
// reads it instead of every member.
type State struct {
	Lead    Member    // the earliest published curated member; the earliest member when none is
	Updated time.Time // when the story last changed: a member first seen, or one revised
	Facets  []string  // of the curated members, sorted, each once
	Langs   []string  // of all its members, sorted, each once
	Members int
	Visible bool // it has a curated member other than a mate, so the curated feed publishes it
}

// Before orders candidates for a story's lead: earliest published, then the source ranked
// first in the config, then the item stored first.
func Before(a, b *Member) bool {
	if !a.Published.Equal(b.Published) {
		return a.Published.Before(b.Published)
	}
	if a.Rank != b.Rank {
		return a.Rank < b.Rank
	}
	return a.ItemID < b.ItemID
}

// Start is the state of a story that m starts.
func Start(m Member) State {
	st, _ := Recompute(time.Time{}, []Member{m})
	return st
}

// Recompute derives a story's state from all its members: the lead is the earliest curated
// member (see Before), else the earliest member, and the story is visible only with a
// curated one that is not a mate; the facets are the curated members', the languages every member's; Updated is the latest of updated (what
// the story had, or when one of its members was revised) and its members' first sightings,
// so it never moves back. ok is false for a story with no members left, which is deleted.
func Recompute(updated time.Time, members []Member) (st State, ok bool) {
	if len(members) == 0 {
		return State{}, false
	}
	var lead, first *Member
	var facets []string
	visible := false
	langs := make([]string, 0, 2)
	for i := range members {
		m := &members[i]
		langs = append(langs, m.Lang)
		if m.FirstSeen.After(updated) {
			updated = m.FirstSeen
		}
		if first == nil || Before(m, first) {
			first = m
		}
		if m.Curated {
			facets = append(facets, m.Facets...)
			if lead == nil || Before(m, lead) {
				lead = m
			}
			visible = visible || !m.Mate
		}
	}
	st = State{Updated: updated, Members: len(members), Visible: visible, Facets: set(facets), Langs: set(langs)}
	if lead == nil {
		lead = first
	}
	st.Lead = *lead
	return st, true
}

// Join brings st up to date after joined, new curated members, joined the story, without its
// other members: the lead can only become one of them, facets and languages only grow, the
// count adds up.
// ties are the story's members published in the same second as its lead (the lead among
// them), with their sources' ranks as they are now: a tie is decided by the ranks, which the
// config may have reordered since the lead was chosen. The result is what Recompute would
// give over every member.
func Join(st State, ties, joined []Member) State {
	var lead *Member
	var facets []string
	visible := st.Visible
	if st.Visible {
		facets = slices.Clone(st.Facets)
		for i := range ties {
			if ties[i].Curated && (lead == nil || Before(&ties[i], lead)) {
				lead = &ties[i]
			}
		}
		if lead == nil {
			lead = &st.Lead // no ties given: the lead as it was chosen
		}
	}
	updated := st.Updated
	langs := slices.Clone(st.Langs)
	for i := range joined {
		m := &joined[i]
		langs = append(langs, m.Lang)
		if lead == nil || Before(m, lead) {
			lead = m
		}
		if m.FirstSeen.After(updated) {
			updated = m.FirstSeen
		}
		facets = append(facets, m.Facets...)
		visible = visible || !m.Mate
	}
	if lead == nil {
		return st
	}
	return State{Lead: *lead, Updated: updated, Facets: set(facets), Langs: set(langs), Members: st.Members + len(joined), Visible: visible}
}

// set returns the distinct strings of s, sorted, in a new slice.
func set(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// Choice is the story an item joins, decided before the item is saved.
type Choice struct {
	Story int64 // an existing story; 0 for a new one
	// Group, for a new story, makes the items of one save that share it start one story
	// together: the first one saved starts it, the others join it. 0 with Story 0: undecided,
	// the item joins the story of a stored item with its URL, if any, else starts its own.
	Group      int
	Similarity float64 // to the story when it joined: 1 for the same article, or the item that starts it
}

// Choose is who joins which story: a report of the same article (same URL) from another
// source joins that article's story, sameURL (decided first in the same save, or 0 for
// none) or stored (its stored story, 0 for none); else the report joins the story of the
// most similar recent report, similar, when found is true; else it starts a new story,
// group.
func Choose(sameURL Choice, stored int64, similar Match, found bool, group int) Choice {
	switch {
	case stored != 0:
		return Choice{Story: stored, Similarity: 1}
	case sameURL.Story != 0 || sameURL.Group != 0:
		sameURL.Similarity = 1
		return sameURL
	case found && similar.StoryID > 0:
		return Choice{Story: similar.StoryID, Similarity: similar.Similarity}
	case found && similar.StoryID < 0:
		// A story started earlier in the same save (see StoryGroup).
		return Choice{Group: int(-similar.StoryID), Similarity: similar.Similarity}
	}
	return Choice{Group: group, Similarity: 1}
}

// StoryGroup is how an index of the items of one save labels a new story: Group g as the
// story id -g, so that Choose tells it from a stored story.
func StoryGroup(c Choice) int64 {
	if c.Story != 0 {
		return c.Story
	}
	return -int64(c.Group)
}

// Revised is st after one of its members was revised at at: the story changed then.
func Revised(st State, at time.Time) State {
	if at.After(st.Updated) {
		st.Updated = at
	}
	return st
}

// Horizon is how far back, from now, stored items can still group with a new one: an
// item is at most sameDayReach or crossWindows windows, whichever is more, from a report
// it groups with (see timeWeight), and a day of slack keeps the partners of reports that
// arrive late. Older items need not be indexed.
func (c Config) Horizon(now time.Time) time.Time {
	return now.Add(-max(sameDayReach, crossWindows)*c.Window - 24*time.Hour)
}

// Languages orders a story's languages as its entry shows them: the lead's first, then the
// others in order.
func Languages(leadLang string, langs []string) []string {
	out := make([]string, 0, len(langs)+1)
	out = append(out, leadLang)
	for _, l := range langs {
		if l != leadLang {
			out = append(out, l)
		}
	}
	return out
}

// Pick chooses the other reports an entry names, at most max of them, so that a story of
// thousands of reports still makes an entry of a few lines and every language that reported
// it is named: it takes one report of each language in turn (in the order of Languages),
// each language's earliest first, and returns them grouped by language in that order.
// byLang holds, per language, the earliest other reports, earliest first; at most max of
// each are needed.
func Pick[T any](leadLang string, langs []string, byLang map[string][]T, max int) []T {
	order := Languages(leadLang, langs)
	taken := make([]int, len(order))
	n := 0
	for more := true; more && n < max; {
		more = false
		for i, l := range order {
			if n < max && taken[i] < len(byLang[l]) {
				taken[i]++
				n++
				more = true
			}
		}
	}
	out := make([]T, 0, n)
	for i, l := range order {
		out = append(out, byLang[l][:taken[i]]...)
	}
	return out
}
