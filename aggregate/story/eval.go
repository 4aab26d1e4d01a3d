package story

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
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
}

// ReadLabeled reads JSON lines of Labeled items. Blank lines are skipped; unknown fields,
// a missing id, group or published time, and a repeated id are errors naming the line.
func ReadLabeled(r io.Reader) ([]Labeled, error) {
	var items []Labeled
	ids := make(map[string]int)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var it Labeled
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&it); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("line %d: more than one JSON value", n)
		}
		switch {
		case it.ID == "":
			return nil, fmt.Errorf("line %d: missing id", n)
		case it.Group == "":
			return nil, fmt.Errorf("line %d: id %q: missing group", n, it.ID)
		case it.Published.IsZero():
			return nil, fmt.Errorf("line %d: id %q: missing published", n, it.ID)
		}
		if prev, dup := ids[it.ID]; dup {
			return nil, fmt.Errorf("line %d: id %q already used on line %d", n, it.ID, prev)
		}
		ids[it.ID] = n
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read labeled items: %w", err)
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
	Similarity float64 // exact Jaccard similarity of the pair
}

// Report is the pairwise score of a grouping against labels. A pair is true when both items
// have the same Group, predicted when both ended in the same story.
type Report struct {
	Items          int
	Stories        int
	Pairs          int // all unordered pairs
	TruePairs      int
	PredictedPairs int
	CorrectPairs   int
	Precision      float64 // CorrectPairs/PredictedPairs, 1 when nothing was grouped
	Recall         float64 // CorrectPairs/TruePairs, 1 when nothing should be grouped
	Errors         []PairError
}

// Evaluate runs items in published order through a real Index exactly as production does
// (Find, then join the match's story or start a new one, then Add) and scores the resulting
// stories pairwise against the Group labels.
func Evaluate(c Config, items []Labeled) Report {
	r, _ := evaluate(c, items, nil)
	return r
}

// evaluate is Evaluate with unlabeled background items run through the same index (each as
// its own story, in published order among the labeled ones) but not scored: a test uses it to
// check that a crowded index loses no rewrites.
func evaluate(c Config, items []Labeled, background []Doc) (Report, *Index) {
	slices.SortStableFunc(background, func(a, b Doc) int { return a.Published.Compare(b.Published) })
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	// Stable on input order, so items published at the same instant run as listed.
	slices.SortStableFunc(order, func(a, b int) int {
		return items[a].Published.Compare(items[b].Published)
	})

	ix := NewIndex(c)
	story := make([]int64, len(items))
	next := 0
	for _, i := range order {
		d := labeledDoc(items[i], i)
		for ; next < len(background) && background[next].Published.Before(d.Published); next++ {
			bg := background[next]
			bg.ID = -int64(next) - 1 // apart from the labeled items' ids
			if m, ok := ix.Find(bg); ok {
				ix.Add(bg, m.StoryID)
			} else {
				ix.Add(bg, bg.ID)
			}
		}
		// Production prunes now and then; pruning before every item is the same as far as
		// answers go (Find ignores members outside the window) and keeps the index honest.
		ix.Prune(d.Published.Add(-c.Window))
		sid := d.ID
		if m, ok := ix.Find(d); ok {
			sid = m.StoryID
		}
		story[i] = sid
		ix.Add(d, sid)
	}

	feats := make([][]uint64, len(items))
	for i, it := range items {
		feats[i] = features(labeledDoc(it, i))
	}
	r := Report{Items: len(items)}
	stories := make(map[int64]bool)
	for _, s := range story {
		stories[s] = true
	}
	r.Stories = len(stories)
	for x := 0; x < len(order); x++ {
		for y := x + 1; y < len(order); y++ {
			i, j := order[x], order[y]
			truth := items[i].Group == items[j].Group
			pred := story[i] == story[j]
			r.Pairs++
			if truth {
				r.TruePairs++
			}
			if pred {
				r.PredictedPairs++
			}
			switch {
			case truth && pred:
				r.CorrectPairs++
			case truth != pred:
				kind := "miss"
				if pred {
					kind = "false-merge"
				}
				r.Errors = append(r.Errors, PairError{
					Kind: kind, A: items[i].ID, B: items[j].ID,
					GroupA: items[i].Group, GroupB: items[j].Group,
					TitleA: items[i].Title, TitleB: items[j].Title,
					Similarity: jaccard(feats[i], feats[j]),
				})
			}
		}
	}
	r.Precision, r.Recall = 1, 1
	if r.PredictedPairs > 0 {
		r.Precision = float64(r.CorrectPairs) / float64(r.PredictedPairs)
	}
	if r.TruePairs > 0 {
		r.Recall = float64(r.CorrectPairs) / float64(r.TruePairs)
	}
	slices.SortStableFunc(r.Errors, func(a, b PairError) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(b.Similarity, a.Similarity))
	})
	return r, ix
}

func labeledDoc(l Labeled, i int) Doc {
	return Doc{ID: int64(i) + 1, Title: l.Title, Summary: l.Summary, Published: l.Published}
}

// Write prints the scores, then every wrong pair with its exact similarity, false merges
// first and the most similar first, so a reader sees why the threshold sits where it does.
func (r Report) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "items %d  stories %d  pairs %d\n", r.Items, r.Stories, r.Pairs)
	fmt.Fprintf(bw, "true pairs %d  predicted pairs %d  correct pairs %d\n", r.TruePairs, r.PredictedPairs, r.CorrectPairs)
	fmt.Fprintf(bw, "precision %.3f  recall %.3f\n", r.Precision, r.Recall)
	for _, e := range r.Errors {
		fmt.Fprintf(bw, "%-11s %.3f  %s [%s] %q\n%18s %s [%s] %q\n",
			e.Kind, e.Similarity, e.A, e.GroupA, e.TitleA, "", e.B, e.GroupB, e.TitleB)
	}
	return bw.Flush()
}
