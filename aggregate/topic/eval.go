package topic

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gleaner/gleaner/internal/jsonin"
)

// Labeled is one item of an evaluation set: the classify input line plus its
// language and the right answer.
type Labeled struct {
	ID      string `json:"id"`
	Lang    string `json:"lang"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Content string `json:"content"`
	Label   bool   `json:"label"`
	// Kind says what sort of item it is ("business", "public-use", ...), so
	// that false positives can be counted by kind; optional.
	Kind string `json:"kind"`
}

// ReadLabeled reads JSON lines of Labeled items. Blank lines are skipped; keys
// other than Labeled's are ignored (a set may carry urls or sources), but for
// the other names of the text's parts that ReadInput reads; an item
// without a language gets DetectLang of its text. A label is true or false, 1
// or 0, or a word for either (readLabel: "in" and "out" as gleaner label
// writes them); an item without one is an error, not an item out of the topic.
// Errors name the line.
func ReadLabeled(r io.Reader) ([]Labeled, error) {
	var items []Labeled
	err := jsonin.Each(r, 16*1024*1024, func(data []byte, where string, _ bool) error {
		it, err := readLabeledItem(data)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		items = append(items, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// readLabeledItem reads one labelled item, a JSON object.
func readLabeledItem(data []byte) (Labeled, error) {
	// The label is read apart: true or false, and the words other tools (and gleaner
	// label) use for them.
	var aux struct {
		Labeled
		Label json.RawMessage `json:"label"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return aux.Labeled, err
	}
	it := aux.Labeled
	if it.Title == "" || it.Summary == "" || it.Content == "" {
		// A part under another tool's name (headline, lead, ...), as
		// gleaner classify reads it.
		var fields map[string]json.RawMessage
		in := Input{Title: it.Title, Summary: it.Summary, Content: it.Content}
		if err := json.Unmarshal(data, &fields); err != nil {
			return it, err
		}
		if err := in.readAliases(fields); err != nil {
			return it, err
		}
		it.Title, it.Summary, it.Content = in.Title, in.Summary, in.Content
	}
	if it.Title == "" && it.Summary == "" && it.Content == "" {
		return it, errors.New("no title, summary or content")
	}
	if it.Lang == "" {
		it.Lang = DetectLang(it.Title + " " + it.Summary + " " + it.Content)
	}
	if len(aux.Label) == 0 || string(aux.Label) == "null" {
		return it, errors.New(`missing label: true or "in" for an item of the topic, false or "out" for one that is not`)
	}
	label, ok := readLabel(aux.Label)
	if !ok {
		return it, fmt.Errorf(`label %s: want true or "in" for an item of the topic, false or "out" for one that is not`, aux.Label)
	}
	it.Label = label
	return it, nil
}

// readLabel reads a label: a JSON boolean, 1 or 0, or a word for either ("in", "out",
// "yes", "no", "true", "false", "relevant", "irrelevant", any case).
func readLabel(raw json.RawMessage) (label, ok bool) {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, true
	}
	var n float64
	if json.Unmarshal(raw, &n) == nil {
		return n == 1, n == 0 || n == 1
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return false, false
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "in", "yes", "true", "1", "relevant", "keep", "kept":
		return true, true
	case "out", "no", "false", "0", "irrelevant", "drop", "dropped":
		return false, true
	}
	return false, false
}

// Report is the outcome of Evaluate: one LangReport per language, sorted by
// language code.
type Report struct {
	Langs []LangReport
}

// LangReport holds the confusion counts and scores of one language, and the
// items the classifier got wrong.
type LangReport struct {
	Lang                  string
	TP, FP, FN, TN        int
	Precision, Recall, F1 float64
	Errors                []Misclassified
	// Kinds counts, for each kind of item labelled out, how many there were
	// and how many the classifier kept (false positives), by kind name.
	Kinds []KindCount
}

// KindCount is the false positives among the items of one kind labelled out.
type KindCount struct {
	Kind   string
	FP, Of int
}

// Misclassified is one wrong decision with the classifier's reasons.
type Misclassified struct {
	ID      string
	Label   bool // the right answer
	Score   float64
	Title   string
	Summary string
	Reasons []string
}

// Lang returns the report of one language.
func (r Report) Lang(code string) (LangReport, bool) {
	for _, l := range r.Langs {
		if l.Lang == code {
			return l, true
		}
	}
	return LangReport{}, false
}

// Evaluate classifies every item and counts, per language, how the decisions
// compare with the labels.
func Evaluate(c *Classifier, items []Labeled) Report {
	byLang := map[string]*LangReport{}
	for _, it := range items {
		l := byLang[it.Lang]
		if l == nil {
			l = &LangReport{Lang: it.Lang}
			byLang[it.Lang] = l
		}
		res := c.Classify(Doc{Title: it.Title, Summary: it.Summary, Content: it.Content})
		switch {
		case res.Match && it.Label:
			l.TP++
		case res.Match && !it.Label:
			l.FP++
		case !res.Match && it.Label:
			l.FN++
		default:
			l.TN++
		}
		if !it.Label && it.Kind != "" {
			i := slices.IndexFunc(l.Kinds, func(k KindCount) bool { return k.Kind == it.Kind })
			if i < 0 {
				i = len(l.Kinds)
				l.Kinds = append(l.Kinds, KindCount{Kind: it.Kind})
			}
			l.Kinds[i].Of++
			if res.Match {
				l.Kinds[i].FP++
			}
		}
		if res.Match != it.Label {
			l.Errors = append(l.Errors, Misclassified{
				ID: it.ID, Label: it.Label, Score: res.Score,
				Title: it.Title, Summary: it.Summary, Reasons: res.Reasons,
			})
		}
	}
	var r Report
	for _, l := range byLang {
		slices.SortFunc(l.Kinds, func(a, b KindCount) int { return strings.Compare(a.Kind, b.Kind) })
		l.Precision = ratio(l.TP, l.TP+l.FP)
		l.Recall = ratio(l.TP, l.TP+l.FN)
		if l.Precision+l.Recall > 0 {
			l.F1 = 2 * l.Precision * l.Recall / (l.Precision + l.Recall)
		}
		r.Langs = append(r.Langs, *l)
	}
	slices.SortFunc(r.Langs, func(a, b LangReport) int { return strings.Compare(a.Lang, b.Lang) })
	return r
}

// ratio is n/d, or 1 when d is 0: no positive decisions means no wrong ones.
func ratio(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

// Write prints, per language, precision, recall, F1 and the confusion counts,
// then each misclassified item with its reasons.
func (r Report) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, l := range r.Langs {
		// A rate of nothing is no figure: precision without a match, recall
		// without an item labelled in.
		p, rc, f1 := fmt.Sprintf("%.3f", l.Precision), fmt.Sprintf("%.3f", l.Recall), fmt.Sprintf("%.3f", l.F1)
		if l.TP+l.FP == 0 {
			p, f1 = "-", "-"
		}
		if l.TP+l.FN == 0 {
			rc, f1 = "-", "-"
		}
		fmt.Fprintf(bw, "%s: precision %s  recall %s  F1 %s  (tp %d  fp %d  fn %d  tn %d; %d items)\n",
			l.Lang, p, rc, f1, l.TP, l.FP, l.FN, l.TN, l.TP+l.FP+l.FN+l.TN)
	}
	for _, l := range r.Langs {
		if len(l.Kinds) == 0 {
			continue
		}
		fmt.Fprintf(bw, "%s false positives by kind of item labelled out:", l.Lang)
		for _, k := range l.Kinds {
			fmt.Fprintf(bw, "  %s %d/%d", k.Kind, k.FP, k.Of)
		}
		fmt.Fprintln(bw)
	}
	for _, l := range r.Langs {
		if len(l.Errors) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\n%s misclassified (%d):\n", l.Lang, len(l.Errors))
		for _, m := range l.Errors {
			what := "false positive"
			if m.Label {
				what = "false negative"
			}
			fmt.Fprintf(bw, "- %s %s (score %g): %s\n", m.ID, what, m.Score, m.Title)
			if m.Summary != "" {
				fmt.Fprintf(bw, "    %s\n", m.Summary)
			}
			for _, reason := range m.Reasons {
				fmt.Fprintf(bw, "    * %s\n", reason)
			}
		}
	}
	return bw.Flush()
}
