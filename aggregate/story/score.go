package story

// How the evidence of two signatures is weighed. Chosen on testdata/stories/real-dev.jsonl
// and the project's earlier sets (dev, holdout, fresh); real-holdout.jsonl was only
// measured.
const (
	// storyShare is the mean score, over the members of a story compared, that a new item
	// needs to join it (a pair needs 1): close to the story as a whole, not only to one
	// member. A follow-up that repeats one report's words but not the others' stays out.
	storyShare = 0.7
	// maxKeys and maxSharedKeys bound the keys a member is filed under: its rarest
	// features, and its rarest features shared with the other language, which a report in
	// that language can find it by.
	maxKeys       = 8
	maxSharedKeys = 6
	// minKeyIDF keeps features that one report in twenty has (Korea, AI, 정부) from being
	// keys: their buckets would hold every member and find nothing in particular.
	minKeyIDF = 3
)

// pair scores the item vec, published at at, against the member m: the cosine similarity of
// their features (of their shared features, for reports in two languages) over the
// threshold for that kind of pair, discounted linearly by the time between them to nothing
// at Window. A score of 1 or more makes the pair alike enough. sim is the cosine.
func (ix *Index) pair(vec *vector, at int64, m *member) (r, sim float64) {
	w := ix.timeWeight(m.published - at)
	if w == 0 {
		return 0, 0
	}
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
