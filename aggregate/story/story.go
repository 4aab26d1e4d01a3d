// Package story owns the grouping of reports of one event by several outlets, in Korean and
// English, into a story. Sign reads an item's headline and lead, stripped of outlet
// boilerplate, into weighted features that work for both languages (character bigrams
// within Hangul words, stemmed words for Latin script), the concepts of a bilingual lexicon
// (엔비디아 and Nvidia, 과기정통부 and MSIT: concepts.go) and the numbers it mentions, read
// across notations (9.4조 and 9조4천억원, $1.2 billion and 1.2bn: numbers.go). A feature
// weighs its rarity in a corpus of news on the topic, twice as much in the headline.
//
// The Index keeps the signatures of recent items, finds the members worth comparing through
// their rarest features, and answers which existing story a new item belongs to: one it is
// close to as a whole, not only to one member (see FindSig). Two reports in one language
// are compared on all their features, a Korean and an English one on the features they can
// share (concepts, numbers, names written in Latin letters), each kind of pair against its
// own threshold, discounted by the time between them. It also scores a grouping against a
// labeled set (Evaluate). It is pure: no I/O, no clocks, no randomness, so an index rebuilt
// from the store after a restart gives the same answers.
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

// Defaults chosen on testdata/stories/real-dev.jsonl and the project's earlier sets; see
// DefaultConfig.
const (
	DefaultWindow         = 48 * time.Hour
	DefaultThreshold      = 0.17
	DefaultCrossThreshold = 0.35
)

// Config sets when two items count as the same story.
type Config struct {
	// Window bounds how far apart two items' publication times may be and still group:
	// outlets report an event within hours, while a story on the same subject days later is
	// news of its own. The evidence falls linearly to nothing at Window (at crossWindows
	// times Window for a Korean and an English report); two reports that name the same day
	// of their event reach sameDayReach times as far (see timeWeight).
	Window time.Duration
	// Threshold is the cosine similarity, in (0,1], two reports in one language need to be
	// alike (see FindSig), before the time discount.
	Threshold float64
	// CrossThreshold is the same for a Korean and an English report, compared on the
	// features they can share.
	CrossThreshold float64
	// Aliases extends the built-in lexicon: each entry is one concept's names (see
	// BuiltinAliases).
	Aliases [][]string
	// NoMates makes Assign decide no JoinOnly item: no story mates.
	NoMates bool
}

// DefaultConfig returns the window and thresholds tuned with the weights in score.go.
func DefaultConfig() Config {
	return Config{Window: DefaultWindow, Threshold: DefaultThreshold, CrossThreshold: DefaultCrossThreshold}
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
	if !(c.CrossThreshold > 0 && c.CrossThreshold <= 1) {
		errs = append(errs, fmt.Errorf("cross_threshold must be in (0,1], got %g", c.CrossThreshold))
	}
	if err := ValidateAliases(c.Aliases); err != nil {
		errs = append(errs, err)
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
	ItemID     int64   // the member closest to the new item
	Similarity float64 // the cosine similarity of the two (of their shared features if Cross)
	Cross      bool    // the member is in the other language
	// Score is the mean score of the new item against the story's members compared (see
	// FindSig): 1 is a pair at the threshold.
	Score float64
}
