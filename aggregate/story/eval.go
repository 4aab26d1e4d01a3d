package story

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/gleaner/gleaner/internal/jsonin"
)

// Labeled is one item of an evaluation set: its Group names the story it belongs to.
type Labeled struct {
	ID        string    `json:"id"`
	Group     string    `json:"group"`
	Lang      string    `json:"lang"`
	Source    string    `json:"source"`
	Title     string    `json:"title"`
	Summary   string    `json:"summary"`
	Published time.Time `json:"published"` // RFC 3339
	// URL records where a set collected from the web found the item (provenance); grouping
	// ignores it.
	URL string `json:"url,omitempty"`
	// Near names the group this item's group is a near miss of: the next day's follow-up,
	// the committee vote before the plenary one, the draft before the adoption. Its items
	// must not be grouped with that group's; Report lists the near-miss pairs that were.
	Near string `json:"near,omitempty"`
	// DateGuess marks a Published time that the collector set from the date alone (the
	// page gave no time of day). Grouping ignores it.
	DateGuess bool `json:"date_guess,omitempty"`
}

// ReadLabeled reads JSON lines of Labeled items, or one JSON array of them (input whose
// first character is "["), after a byte-order mark if there is one. Blank lines are
// skipped. A set made by another tool reads as it is: its fields may carry other common
// names (labeledAliases: headline, lead, link, date, story ...), an id or group may be a
// number, published may be any date form a feed writes (dates.Parse; one without a zone is
// in the item's language's zone, Korean in KST) or Unix seconds, a missing lang is
// detected from the text, and other fields are ignored. A missing id, group, text or
// published time, a date that cannot be read, and a repeated id are errors naming the
// line (or the item of the array), and the fields that were not read.
func ReadLabeled(r io.Reader) ([]Labeled, error) {
	var items []Labeled
	ids := make(map[string]string)
	add := func(data []byte, where string) error {
		it, err := readLabeledItem(data)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if prev, dup := ids[it.ID]; dup {
			return fmt.Errorf("%s: id %q already used on %s", where, it.ID, prev)
		}
		ids[it.ID] = where
		items = append(items, it)
		return nil
	}
	if err := jsonin.Each(r, 4*1024*1024, func(data []byte, where string, _ bool) error { return add(data, where) }); err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, errors.New("story: no labeled items")
	}
	return items, nil
}

// PairError is a pair of items the grouping got wrong: a false merge (grouped, labeled
// apart) or a miss (labeled together, not grouped).
type PairError struct {
	Kind       string // "false-merge" or "miss"
	A, B       string // item ids, A published first
	GroupA     string
	GroupB     string
	TitleA     string
	TitleB     string
	Cross      bool    // the two items are in different languages
	Near       bool    // a false merge of a labeled near miss (see Labeled.Near)
	Similarity float64 // cosine similarity of the pair (see FindSig)
}

// PairScore counts pairs of items: a pair is true when both items have the same Group,
// predicted when both ended in the same story.
type PairScore struct {
	TruePairs      int
	PredictedPairs int
	CorrectPairs   int
	Precision      float64 // CorrectPairs/PredictedPairs, 1 when nothing was grouped
	Recall         float64 // CorrectPairs/TruePairs, 1 when nothing should be grouped
}

func (p *PairScore) count(truth, pred bool) {
	if truth {
		p.TruePairs++
	}
	if pred {
		p.PredictedPairs++
	}
	if truth && pred {
		p.CorrectPairs++
	}
}

func (p *PairScore) finish() {
	p.Precision, p.Recall = 1, 1
	if p.PredictedPairs > 0 {
		p.Precision = float64(p.CorrectPairs) / float64(p.PredictedPairs)
	}
	if p.TruePairs > 0 {
		p.Recall = float64(p.CorrectPairs) / float64(p.TruePairs)
	}
}

// Report is the pairwise score of a grouping against labels: over all pairs, and apart over
// the pairs of items in one language (SameLang) and in two (CrossLang, a Korean and an
// English report). NearMerged lists the labeled near misses that were grouped.
type Report struct {
	Items   int
	Stories int
	Pairs   int // all unordered pairs
	PairScore
	SameLang   PairScore
	CrossLang  PairScore
	NearMerged []PairError
	Errors     []PairError
	// Curated, when set, scores the same grouping as readers of the curated feed meet it:
	// the daemon groups only the items its topic filter keeps (see EvaluateCurated).
	Curated *Curated
}

// Curated is the grouping of the items a topic filter keeps, evaluated alone: what the
// curated feed's entries and story pages show of a labelled set.
type Curated struct {
	Kept  int // items in the feed: kept by the filter, or story mates
	Mates int // of those, near items that joined a story of kept ones
	// Report scores the grouping of the items in the feed; its TruePairs are the set's
	// pairs of one story with both items there, the pairs the feed can show at all.
	Report
}

// EvaluateCurated is Evaluate, with Curated set to the evaluation of the items the topic
// filter keeps (keep[i] for items[i]) and of the near ones (near[i], nil for none) that
// join a story of kept ones as mates, run through an index of their own as the daemon's
// grouper, which indexes only those, would.
func EvaluateCurated(c Config, items []Labeled, keep, near []bool) Report {
	r := Evaluate(c, items)
	var feed []Labeled
	var joinOnly []bool
	for i, it := range items {
		mate := !keep[i] && i < len(near) && near[i]
		if keep[i] || mate {
			feed = append(feed, it)
			joinOnly = append(joinOnly, mate)
		}
	}
	cr, _ := evaluate(c, feed, nil, joinOnly)
	kept := 0
	for _, k := range keep {
		if k {
			kept++
		}
	}
	r.Curated = &Curated{Kept: cr.Items, Mates: cr.Items - kept, Report: cr}
	return r
}

// Evaluate runs items through a real Index exactly as the daemon's grouper does, as one
// save of a round that fetched them all (Assign, which decides them in order of
// publication, then Saved), and scores the resulting stories pairwise against the Group
// labels.
func Evaluate(c Config, items []Labeled) Report {
	r, _ := evaluate(c, items, nil, nil)
	return r
}

// evaluate is Evaluate with unlabeled background items run through the same index in the
// same save, but not scored: a test uses it to check that a crowded index loses no rewrites.
// Items marked in joinOnly (nil for none) are JoinOnly pendings: one that joins no story is
// not saved, and neither counted nor scored.
func evaluate(c Config, items []Labeled, background []Doc, joinOnly []bool) (Report, *Index) {
	ix := NewIndex(c)
	docs := make([]Doc, 0, len(items)+len(background))
	for i, it := range items {
		docs = append(docs, labeledDoc(it, i))
	}
	for k, bg := range background {
		bg.ID = int64(len(items) + k + 1)
		docs = append(docs, bg)
	}
	ps := make([]Pending, len(docs))
	for i, d := range docs {
		ps[i] = Pending{Sig: ix.Sign(d), Published: d.Published, JoinOnly: i < len(joinOnly) && joinOnly[i]}
	}
	choices := ix.Assign(ps)
	// Save as the store does: a new story takes the id of the item that starts it, its
	// group's first in order of publication.
	ids, stories := make([]int64, len(docs)), make([]int64, len(docs))
	byGroup := map[int]int64{}
	for _, i := range sortByPublished(docs, func(d *Doc) time.Time { return d.Published }) {
		ids[i] = docs[i].ID
		switch ch := choices[i]; {
		case ps[i].JoinOnly && ch == (Choice{}):
			// Joined no story: not saved.
		case ch.Story != 0:
			stories[i] = ch.Story
		case byGroup[ch.Group] != 0:
			stories[i] = byGroup[ch.Group]
		default:
			stories[i] = docs[i].ID
			byGroup[ch.Group] = docs[i].ID
		}
	}
	ix.Saved(ids, stories)
	// Then the merges of stories of one event (Bridges), as the store makes them.
	for _, m := range ix.Bridges() {
		for i := range stories {
			if stories[i] == m.Drop {
				stories[i] = m.Keep
			}
		}
		ix.MergeStories(m.Keep, m.Drop)
	}
	story := stories[:len(items)]
	order := sortByPublished(items, func(l *Labeled) time.Time { return l.Published })
	order = slices.DeleteFunc(order, func(i int) bool { return story[i] == 0 })

	r := Report{Items: len(order)}
	distinct := make(map[int64]bool)
	for _, i := range order {
		distinct[story[i]] = true
	}
	r.Stories = len(distinct)
	for x := 0; x < len(order); x++ {
		for y := x + 1; y < len(order); y++ {
			i, j := order[x], order[y]
			a, b := &items[i], &items[j]
			truth := a.Group == b.Group
			pred := story[i] == story[j]
			cross := a.Lang != b.Lang
			r.Pairs++
			r.PairScore.count(truth, pred)
			if cross {
				r.CrossLang.count(truth, pred)
			} else {
				r.SameLang.count(truth, pred)
			}
			if truth == pred {
				continue
			}
			e := PairError{
				Kind: "miss", A: a.ID, B: b.ID, GroupA: a.Group, GroupB: b.Group,
				TitleA: a.Title, TitleB: b.Title, Cross: cross,
				Similarity: pairSimilarity(&ps[i].Sig.vec, &ps[j].Sig.vec),
			}
			if pred {
				e.Kind = "false-merge"
				e.Near = a.Near == b.Group || b.Near == a.Group
				if e.Near {
					r.NearMerged = append(r.NearMerged, e)
				}
			}
			r.Errors = append(r.Errors, e)
		}
	}
	r.PairScore.finish()
	r.SameLang.finish()
	r.CrossLang.finish()
	slices.SortStableFunc(r.Errors, func(a, b PairError) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(b.Similarity, a.Similarity))
	})
	return r, ix
}

// pairSimilarity is the cosine similarity that decides whether two items are alike: of all
// their features in one language, of their shared ones across two.
func pairSimilarity(a, b *vector) float64 {
	all, cross := cosines(a, b)
	if a.dense != b.dense {
		return cross
	}
	return all
}

func labeledDoc(l Labeled, i int) Doc {
	return Doc{ID: int64(i) + 1, Title: l.Title, Summary: l.Summary, Published: l.Published}
}

// Write prints the scores, over all pairs, same-language pairs and Korean-English pairs;
// the near-miss pairs that were merged; then every wrong pair with its similarity,
// false merges first and the most similar first, so a reader sees why the threshold sits
// where it does. A pair of two languages is marked "x".
func (r Report) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "items %d  stories %d  pairs %d\n", r.Items, r.Stories, r.Pairs)
	r.writeScores(bw, "")
	if c := r.Curated; c != nil {
		fmt.Fprintf(bw, "in the curated feed: %d of %d items (%d kept by the topic filter, %d story mates), grouped alone as the daemon does;\n"+
			"  %d of the %d pairs of one story have both items there\n", c.Kept, r.Items, c.Kept-c.Mates, c.Mates, c.TruePairs, r.TruePairs)
		c.writeScores(bw, "  ")
		fmt.Fprintf(bw, "  near misses merged: %d\n", len(c.NearMerged))
	}
	fmt.Fprintf(bw, "near misses merged: %d\n", len(r.NearMerged))
	for _, e := range r.NearMerged {
		writePair(bw, "near-merge", e)
	}
	for _, e := range r.Errors {
		writePair(bw, e.Kind, e)
	}
	return bw.Flush()
}

// writeScores prints the pairwise scores over all pairs, same-language pairs and
// Korean-English pairs, each line starting with indent.
func (r *Report) writeScores(w io.Writer, indent string) {
	for _, s := range []struct {
		name string
		p    PairScore
	}{{"all pairs", r.PairScore}, {"same language", r.SameLang}, {"cross language", r.CrossLang}} {
		fmt.Fprintf(w, "%s%-15s precision %.3f  recall %.3f  (true %d, predicted %d, correct %d)\n",
			indent, s.name, s.p.Precision, s.p.Recall, s.p.TruePairs, s.p.PredictedPairs, s.p.CorrectPairs)
	}
}

func writePair(w io.Writer, kind string, e PairError) {
	x := " "
	if e.Cross {
		x = "x"
	}
	fmt.Fprintf(w, "%-11s %s %.3f  %s [%s] %q\n%20s %s [%s] %q\n",
		kind, x, e.Similarity, e.A, e.GroupA, e.TitleA, "", e.B, e.GroupB, e.TitleB)
}
