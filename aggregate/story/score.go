package story

import (
	"math/bits"
	"time"
)

// How the evidence of two signatures is weighed. Chosen on testdata/stories/dev.jsonl and one
// half of a set of real reports collected from news sites (see DefaultConfig); the other half
// and holdout.jsonl were only measured.
const (
	// sameCycle is how long after the first report a rewrite counts as fully fresh. Outlets
	// rewrite a press release within hours, and a wire story is picked up through the day,
	// so the time discount starts only after it.
	sameCycle = 0 * time.Hour
	// overlapWeight scales the overlap coefficient (the share of the smaller item's features
	// found in the larger), which is taken instead of the Jaccard similarity when it is
	// larger. A title-only item, or one with a one-line summary, can be wholly contained in
	// a full report while its Jaccard similarity stays low only because the sets differ in
	// size. Between items of like size the overlap is about twice the similarity, so the
	// weight keeps it from counting for much more there.
	overlapWeight = 0.7
	// overlapPrior is added to the smaller set's size when the overlap is computed, so that a
	// handful of shared words cannot make a bare title look contained: three of a title's
	// eight words are the entity names every report on the subject shares, while a title
	// whose words all recur elsewhere is contained whatever its length.
	overlapPrior = 4
	// anchorWeight is how much of the evidence depends on the anchors (numbers) agreeing
	// when both items have some: rewrites of one event repeat its amounts, counts and dates,
	// a follow-up on the same subject mostly brings new ones. With no anchor in common the
	// evidence is multiplied by 1-anchorWeight.
	anchorWeight = 0.2
)

// evidence is how alike two signatures are, before the time discount.
type evidence struct {
	similarity float64 // Jaccard similarity of the feature sets
	overlap    float64 // share of the smaller set found in the larger (with overlapPrior)
	anchors    float64 // share of the smaller anchor set found in the other; 1 if either has none
	score      float64
}

// compare weighs a against b: the larger of the similarity and the weighted overlap, scaled
// by how well the anchors agree.
func compare(a, b *featureSet) evidence {
	var e evidence
	af, bf := a.feats(), b.feats()
	inter := intersect(af, bf)
	if union := len(af) + len(bf) - inter; union > 0 {
		e.similarity = float64(inter) / float64(union)
	}
	if small := min(len(af), len(bf)); small > 0 {
		e.overlap = float64(inter) / float64(small+overlapPrior)
	}
	evidence := max(e.similarity, overlapWeight*e.overlap)
	e.anchors = 1
	if x, y := a.anchors(), b.anchors(); len(x) > 0 && len(y) > 0 {
		e.anchors = float64(intersect(x, y)) / float64(min(len(x), len(y)))
	}
	e.score = evidence * (1 - anchorWeight + anchorWeight*e.anchors)
	return e
}

// intersect counts the values two sorted, distinct slices share. The merge has no branches
// (the comparisons become borrows): on hashed features which side advances is a coin toss,
// and mispredicting it was most of the cost.
func intersect(a, b []uint64) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		x, y := a[i], b[j]
		_, lt := bits.Sub64(x, y, 0) // x < y
		_, gt := bits.Sub64(y, x, 0) // x > y
		n += int(1 - lt - gt)
		i += int(1 - gt)
		j += int(1 - lt)
	}
	return n
}

// timeWeight discounts evidence by the time between two items: full weight within sameCycle,
// then falling linearly to nothing at the edge of the window. A similar item a day or two
// later is more often a follow-up (the industry's reaction to a draft decree, the next vote)
// which shares the background paragraph and must stay apart.
func (ix *Index) timeWeight(gap int64) float64 {
	if gap < 0 {
		gap = -gap
	}
	win, flat := int64(ix.cfg.Window), int64(sameCycle)
	switch {
	case gap >= win:
		return 0
	case gap <= flat:
		return 1
	}
	return 1 - float64(gap-flat)/float64(win-flat)
}

// estimateSlack is how far the exact similarity may lie above the MinHash estimate before
// mayReach gives up on a pair: five standard errors at J=0.2, so a pair that could reach the
// threshold is passed over about once in three million.
const estimateSlack = 0.12

// mayReach reports whether two items of la and lb features whose fingerprints agree in a
// share est of positions (see estimate) could have evidence of at least min. Most
// candidates a lookup meets are same-topic items far below the threshold; merging their
// sorted feature lists was most of the cost of a lookup, and comparing fingerprints rules
// them out for a fraction of it. The answer only grows with est, and the fingerprint's
// estimate is never below the MinHash values', so every pair that comparing all 256 values
// let through still passes.
func mayReach(est float64, la, lb int, min float64) bool {
	j := est + estimateSlack
	if j >= min {
		return true
	}
	small := float64(la)
	if l := float64(lb); l < small {
		small = l
	}
	inter := j * float64(la+lb) / (1 + j)
	return overlapWeight*inter/(small+overlapPrior) >= min
}
