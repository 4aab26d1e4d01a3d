package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/topic"
)

// classifyOut is one line of `gleaner classify` output. The first four fields
// are the stable contract.
type classifyOut struct {
	ID      string   `json:"id"`
	Match   bool     `json:"match"`
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`
	Facets  []string `json:"facets"`
	Lang    string   `json:"lang"`
	// Near marks an item the model left just under its threshold: kept as a story mate
	// if it joins a story of kept reports (README, "Stories").
	Near  bool   `json:"near,omitempty"`
	Error string `json:"error,omitempty"`
}

// ClassifyLines is `gleaner classify`: it reads lines of in (topic.ReadInput),
// classifies each as the pipeline does (aggregate.ClassifyText), and writes
// one JSON line per non-blank input line to out, in order. A line that cannot
// be classified gets a line with its "error"; then the result is an error
// that counts them.
func ClassifyLines(c aggregate.Classifier, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	bw := bufio.NewWriter(out)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	bad := 0
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var o classifyOut
		in, err := topic.ReadInput(line)
		if err != nil {
			o.ID, o.Error = in.ID, fmt.Sprintf("line %d: %v", n, err)
		} else if in.Title == "" && in.Summary == "" && in.Content == "" {
			o.ID, o.Error = in.ID, fmt.Sprintf("line %d: no text: give at least one of title, summary, content", n)
		} else {
			v, lang := aggregate.ClassifyText(c, in.Title, in.Summary, in.Content)
			o = classifyOut{ID: in.ID, Match: v.Match, Score: v.Score, Reasons: v.Reasons, Facets: v.Facets, Lang: lang, Near: v.Near}
		}
		if o.Error != "" {
			bad++
		}
		if o.Reasons == nil {
			o.Reasons = []string{}
		}
		if o.Facets == nil {
			o.Facets = []string{}
		}
		if err := enc.Encode(o); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read stdin: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d input line(s) could not be classified (see their \"error\")", bad)
	}
	return nil
}
