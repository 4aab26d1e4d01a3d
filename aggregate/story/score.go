package story

import "time"

// How the evidence of two signatures is weighed. Chosen on testdata/stories/real-dev.jsonl
// and the project's earlier sets (dev, holdout, fresh); real-holdout.jsonl was only
// measured.
const (
	// storyShare is the mean score, over the members of a story compared, that a new item
	// needs to join it (a pair needs 1): close to the story as a whole, not only to one
	// member. A follow-up that repeats one report's words but not the others' stays out.
	storyShare = 0.8
	// maxKeys and maxSharedKeys bound the keys a member is filed under: its rarest
	// features, and its rarest features shared with the other language, which a report in
	// that language can find it by.
	maxKeys       = 8
	maxSharedKeys = 6
	// minKeyIDF keeps features that one report in twenty has (Korea, AI, 정부) from being
	// keys: their buckets would hold every member and find nothing in particular.
	minKeyIDF = 3
)

// probe is a new item as a lookup compares it with members: its vector, the days it names
// and its publication time (Unix nanoseconds).
type probe struct {
	vec  *vector
	days eventDays
	at   int64
}

func newProbe(vec *vector, published time.Time) probe {
	return probe{vec: vec, days: vec.dates.days(published), at: published.UnixNano()}
}

// pair scores the item pr against the member m: the cosine similarity of their features
// (of their shared features, for reports in two languages) over the threshold for that kind
// of pair, discounted linearly by the time between them to nothing at Window, and by the days of their events when they name different ones (dayWeight). A
// score of 1 or more makes the pair alike enough. sim is the cosine.
func (ix *Index) pair(pr *probe, m *member) (r, sim float64) {
	w := ix.timeWeight(m.published - pr.at)
	if w == 0 {
		return 0, 0
	}
	w *= dayWeight(&pr.days, &m.days)
	vec := pr.vec
	all, cross := cosines(vec, &m.vec)
	if vec.dense == m.vec.dense {
		return w * all / ix.cfg.Threshold, all
	}
	return w * cross / ix.cfg.CrossThreshold, cross
}

// timeWeight discounts evidence by the time between two items: linearly from full weight
// at the same instant to nothing at the edge of the window. Reports of one event come out
// within hours; a similar item a day or two later is more often a follow-up (the vote after
// the committee's, the industry's reaction to a draft decree), which shares the background
// and must stay apart.
func (ix *Index) timeWeight(gap int64) float64 {
	if gap < 0 {
		gap = -gap
	}
	win := int64(ix.cfg.Window)
	if gap >= win {
		return 0
	}
	return 1 - float64(gap)/float64(win)
}

// Two reports that name days of their event a day apart weigh nextDayWeight of their
// evidence; further apart, otherDayWeight. The day of an event is not always the day it is
// written down: an outlet in another time zone dates a morning announcement in Seoul the
// evening before, and an outlet names the day a rule takes effect where another names the
// day it was announced; so a day apart discounts the evidence rather than ruling the pair
// out. A report that names no day (a third of them) is not discounted.
const (
	nextDayWeight  = 0.7
	otherDayWeight = 0.5
)

// dayWeight is the weight of the evidence of two reports by the days they name (see
// eventDays).
func dayWeight(a, b *eventDays) float64 {
	g, ok := a.gap(b)
	switch {
	case !ok || g == 0:
		return 1
	case g == 1:
		return nextDayWeight
	}
	return otherDayWeight
}
