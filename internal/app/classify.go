package app

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/internal/jsonin"
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
// one JSON line per non-blank input line to out, in order. Input that starts
// with "[" is read as one JSON array instead (a file of items, however it is
// laid out over lines), each of its elements an object or a string taken as
// a title. An input that cannot be classified gets a line with its "error";
// then the result is an error that counts them.
func ClassifyLines(c aggregate.Classifier, in io.Reader, out io.Writer) error {
	bw := bufio.NewWriter(out)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	bad := 0
	emit := func(o classifyOut) error {
		if o.Error != "" {
			bad++
		}
		if o.Reasons == nil {
			o.Reasons = []string{}
		}
		if o.Facets == nil {
			o.Facets = []string{}
		}
		return enc.Encode(o)
	}
	unit := "line(s)"
	err := jsonin.Each(in, 16<<20, func(data []byte, where string, array bool) error {
		var rec topic.Input
		var err error
		switch {
		case array && data[0] == '"':
			err = json.Unmarshal(data, &rec.Title)
		case array && data[0] != '{':
			err = errors.New("want an object such as {\"id\": \"1\", \"title\": \"...\"}, or a string for a title")
		default:
			rec, err = topic.ReadInput(data)
		}
		if array {
			unit = "item(s) of the array"
		}
		return emit(classifyInput(c, rec, err, where))
	})
	// What was classified is written even when the input then turns out broken.
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d input %s could not be classified (see their \"error\")", bad, unit)
	}
	return nil
}

// classifyInput is the output for one input read (with err, if reading failed); where
// names it in messages.
func classifyInput(c aggregate.Classifier, in topic.Input, err error, where string) classifyOut {
	switch {
	case err != nil:
		return classifyOut{ID: in.ID, Error: fmt.Sprintf("%s: %v", where, err)}
	case in.Title == "" && in.Summary == "" && in.Content == "":
		return classifyOut{ID: in.ID, Error: where + ": no text: give at least one of title, summary, content"}
	}
	v, lang := aggregate.ClassifyText(c, in.Title, in.Summary, in.Content)
	return classifyOut{ID: in.ID, Match: v.Match, Score: v.Score, Reasons: v.Reasons, Facets: v.Facets, Lang: lang, Near: v.Near}
}
