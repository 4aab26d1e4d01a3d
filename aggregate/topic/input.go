package topic

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Input is one text to classify as `gleaner classify` reads it. Lang and a
// label are read and ignored, so that a labelled file for Evaluate classifies
// too.
type Input struct {
	ID      string
	Title   string
	Summary string
	Content string
	Lang    string
}

// InputFields are the fields an Input is read from, for messages.
const InputFields = "id, title, summary, content"

// ReadInput reads one line of input: a JSON object with Input's fields, or,
// when the line does not start with "{", plain text taken as a title. Errors
// name what is wrong in words (encoding/json quotes the offending byte, which
// is garbage in the middle of a UTF-8 character).
func ReadInput(line []byte) (Input, error) {
	var in Input
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		in.Title = string(trimmed)
		return in, nil
	}
	// Fields are read one by one, so that a labelled file's other fields
	// (url, kind, source, ...) are no obstacle and an id may be a number.
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	err := dec.Decode(&fields)
	if err == nil && dec.More() {
		err = errors.New("more after the object")
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
	case errors.As(err, &se):
		return in, fmt.Errorf("not valid JSON (at byte %d): write an object such as {\"id\": \"1\", \"title\": \"...\"}, or plain text for a title", se.Offset)
	case errors.As(err, &te):
		return in, errors.New("not a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return in, errors.New("not valid JSON: the object is not closed")
	default:
		return in, fmt.Errorf("not valid JSON: %w", err)
	}
	if raw, ok := fields["id"]; ok {
		var n json.Number
		if json.Unmarshal(raw, &in.ID) != nil {
			if err := json.Unmarshal(raw, &n); err != nil {
				return in, errors.New(`field "id": want a string or a number`)
			}
			in.ID = n.String()
		}
	}
	for _, f := range []struct {
		name string
		to   *string
	}{{"title", &in.Title}, {"summary", &in.Summary}, {"content", &in.Content}, {"lang", &in.Lang}} {
		if err := readString(fields, f.name, f.to); err != nil {
			return in, err
		}
	}
	if err := in.readAliases(fields); err != nil {
		return in, err
	}
	if in.Title == "" && in.Summary == "" && in.Content == "" {
		// A misspelled field is the likeliest reason for no text: name it.
		var unknown []string
		for k := range fields {
			if !slices.Contains([]string{"id", "title", "summary", "content", "lang", "label"}, k) && !isAlias(k) {
				unknown = append(unknown, strconv.Quote(k))
			}
		}
		if len(unknown) > 0 {
			slices.Sort(unknown)
			return in, fmt.Errorf("unknown field %s; want %s", strings.Join(unknown, ", "), InputFields)
		}
	}
	return in, nil
}

// fieldAliases are the other names an input's parts are read from, in order of
// preference: a field of gleaner's own name wins over them all.
var fieldAliases = []struct{ alias, field string }{
	{"headline", "title"},
	{"lead", "summary"}, {"description", "summary"}, {"abstract", "summary"}, {"excerpt", "summary"},
	{"body", "content"}, {"text", "content"}, {"content_text", "content"}, {"content_html", "content"},
}

// readAliases fills the parts of in that are still empty from other tools' names for
// them (a feed's description, a JSON Feed's content_text, a news set's headline and
// lead), so that no lead is dropped without a word.
func (in *Input) readAliases(fields map[string]json.RawMessage) error {
	for _, a := range fieldAliases {
		to := &in.Content
		switch a.field {
		case "title":
			to = &in.Title
		case "summary":
			to = &in.Summary
		}
		if *to != "" {
			continue
		}
		if err := readString(fields, a.alias, to); err != nil {
			return err
		}
	}
	return nil
}

func isAlias(name string) bool {
	return slices.ContainsFunc(fieldAliases, func(a struct{ alias, field string }) bool { return a.alias == name })
}

// readString reads field name of fields into to, if it is there and not null.
func readString(fields map[string]json.RawMessage, name string, to *string) error {
	raw, ok := fields[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, to); err != nil {
		return fmt.Errorf("field %q: want a string", name)
	}
	return nil
}
