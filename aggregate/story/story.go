// Package story owns near-duplicate detection for news items across outlets. It turns an
// item's title and summary, stripped of outlet boilerplate, into a shingle set that works for
// both languages (character bigrams within Hangul words, stemmed words for Latin script) and
// a set of anchors (the numbers it mentions). Sign makes that Signature, the costly part,
// purely, so it can run on any goroutine; the Index keeps the signatures of recent items,
// finds the members worth comparing through MinHash LSH, and answers which existing story a
// new item belongs to: the one holding the member with the best score, which weighs the
// similarity of the shingle sets (or, for a short item beside a long one, their overlap) by
// how well the anchors agree and discounts it by the time between the two (see Match). It
// also scores a grouping against a labeled set (Evaluate). It is pure: no I/O, no clocks, no
// randomness, so an index rebuilt from the store after a restart gives the same answers.
//
// It also holds every other rule of a story (state.go), as pure functions over values: which
// story a new report joins (Choose), which member leads and what the story shows (Start,
// Join, Recompute); the store only loads and saves what they decide.
package story

import (
	"errors"
	"fmt"
	"time"
)

// Defaults chosen on testdata/stories/dev.jsonl and half of a set of real reports; see
// DefaultConfig.
const (
	DefaultWindow    = 72 * time.Hour
	DefaultThreshold = 0.21
)

// Config sets when two items count as the same story.
type Config struct {
	// Window bounds how far apart two items' publication times may be and still group:
	// outlets rewrite a story within hours, while a story on the same subject weeks later is
	// news of its own. Because the score falls to zero at Window, even identical texts stop
	// grouping a little before it, at (1-Threshold)*Window: about 57 hours by default.
	Window time.Duration
	// Threshold is the minimum score, in (0,1]: the similarity of the two items (see
	// Match.Score), discounted linearly by the time between them so that it reaches zero at
	// Window.
	Threshold float64
}

// DefaultConfig returns the 72-hour window and the threshold tuned with the weights in
// score.go.
func DefaultConfig() Config {
	return Config{Window: DefaultWindow, Threshold: DefaultThreshold}
}

// Validate reports every field that is out of range, naming each.
func (c Config) Validate() error {
	var errs []error
	if c.Window <= 0 {
		errs = append(errs, fmt.Errorf("window must be positive, got %s", c.Window))
	}
	// NaN fails both comparisons, so it is caught here too.
	if !(c.Threshold > 0 && c.Threshold <= 1) {
		errs = append(errs, fmt.Errorf("threshold must be in (0,1], got %g", c.Threshold))
	}
	return errors.Join(errs...)
}

// Doc is the part of an item that grouping looks at.
type Doc struct {
	ID        int64  // item id
	Title     string // plain text
	Summary   string // plain text; only its opening is used (see maxFeatures)
	Published time.Time
}

// Match is the story a new item should join and the evidence for it.
type Match struct {
	StoryID    int64
	ItemID     int64   // the member with the best score
	Similarity float64 // Jaccard similarity of the two items' shingle sets
	Overlap    float64 // share of the smaller item's shingles found in the other (see compare)
	Anchors    float64 // share of the smaller item's numbers found in the other; 1 if either has none
	// Score is the larger of Similarity and 0.7*Overlap, times 0.8+0.2*Anchors, discounted
	// linearly by the time between the two items to nothing at Window; it is compared with
	// Threshold.
	Score float64
}
