package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
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
// one JSON line per non-blank input line to out, in order. Input that starts
// with "[" is read as one JSON array instead (a file of items, however it is
// laid out over lines), each of its elements an object or a string taken as
// a title. An input that cannot be classified gets a line with its "error";
// then the result is an error that counts them.
func ClassifyLines(c aggregate.Classifier, in io.Reader, out io.Writer) error {
	br := bufio.NewReaderSize(in, 64<<10)
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
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3) // a byte-order mark, as some editors write one
	}
	var err error
	unit := "line(s)"
	if startsArray(br) {
		unit = "item(s) of the array"
		err = classifyArray(c, br, emit)
	} else {
		err = classifyLines(c, br, emit)
	}
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

func classifyLines(c aggregate.Classifier, r io.Reader, emit func(classifyOut) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		in, err := topic.ReadInput(line)
		if err := emit(classifyInput(c, in, err, fmt.Sprintf("line %d", n))); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read stdin: %w", err)
	}
	return nil
}

// classifyArray classifies the elements of the JSON array r holds, in order.
func classifyArray(c aggregate.Classifier, r io.Reader, emit func(classifyOut) error) error {
	dec := json.NewDecoder(r)
	if _, err := dec.Token(); err != nil { // the "["
		return fmt.Errorf("read stdin: %w", err)
	}
	for n := 1; dec.More(); n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("read stdin: item %d of the JSON array: %w", n, err)
		}
		var in topic.Input
		var err error
		switch raw[0] {
		case '"':
			err = json.Unmarshal(raw, &in.Title)
		case '{':
			in, err = topic.ReadInput(raw)
		default:
			err = errors.New("want an object such as {\"id\": \"1\", \"title\": \"...\"}, or a string for a title")
		}
		if err := emit(classifyInput(c, in, err, fmt.Sprintf("item %d", n))); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the "]"
		return fmt.Errorf("read stdin: the JSON array is not closed: %w", err)
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

// startsArray reports whether the input's first character past white space is "[".
func startsArray(br *bufio.Reader) bool {
	b, _ := br.Peek(4096) // what there is, up to that
	rest := bytes.TrimLeft(b, " \t\r\n")
	return len(rest) > 0 && rest[0] == '['
}
