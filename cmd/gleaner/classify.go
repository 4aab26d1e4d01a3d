package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/internal/app"
)

// classifyIn is one line of `gleaner classify` input. Lang and Label are
// read and ignored, so that a labeled file for gleaner eval classifies too.
type classifyIn struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Content string `json:"content"`
	Lang    string `json:"lang"`
}

// classifyFields are the fields a classify line is read from, for messages.
const classifyFields = "id, title, summary, content"

// classifyOut is one line of `gleaner classify` output. The first four fields are
// the stable contract.
type classifyOut struct {
	ID      string   `json:"id"`
	Match   bool     `json:"match"`
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`
	Facets  []string `json:"facets"`
	Lang    string   `json:"lang"`
	Error   string   `json:"error,omitempty"`
}

func cmdClassify(e *env, args []string) error {
	f := e.newFlags("classify", "[-config F]", "Read JSON lines {\"id\",\"title\",\"summary\",\"content\"} from stdin and write one line\n{\"id\",\"match\",\"score\",\"reasons\",\"facets\",\"lang\"} per input, in order. A line that is not a JSON\nobject (does not start with \"{\") is taken as a title. Uses the config's [topic] profile\nwhen -config names a file that has one, else the built-in profile.", true)
	explicit := hasFlag(args, "config")
	if err := f.parse(args); err != nil {
		return err
	}
	c, err := classifierForFlag(f.config, explicit || e.getenv("GLEANER_CONFIG") != "")
	if err != nil {
		return err
	}
	return classifyLines(c, e.stdin, e.stdout)
}

// classifierForFlag uses the config's profile when a config was asked for, or
// when the default config file exists; otherwise the built-in profile.
func classifierForFlag(path string, explicit bool) (*topic.Classifier, error) {
	if !explicit {
		if _, err := os.Stat(path); err != nil {
			return topic.Compile(topic.Default())
		}
	}
	cfg, err := app.LoadConfig(path)
	if err != nil {
		return nil, err
	}
	return cfg.Classifier, nil
}

func classifyLines(c aggregate.Classifier, in io.Reader, out io.Writer) error {
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
		in, err := readClassifyLine(line)
		if err != nil {
			o.ID, o.Error = in.ID, fmt.Sprintf("line %d: %v", n, err)
		} else if in.Title == "" && in.Summary == "" && in.Content == "" {
			o.ID, o.Error = in.ID, fmt.Sprintf("line %d: no text: give at least one of title, summary, content", n)
		} else {
			v, lang := aggregate.ClassifyText(c, in.Title, in.Summary, in.Content)
			o = classifyOut{ID: in.ID, Match: v.Match, Score: v.Score, Reasons: v.Reasons, Facets: v.Facets, Lang: lang}
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

// hasFlag reports whether args set -name (or --name, -name=...).
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		for _, p := range []string{"-" + name, "--" + name} {
			if a == p || len(a) > len(p) && a[:len(p)+1] == p+"=" {
				return true
			}
		}
	}
	return false
}

// readClassifyLine reads one line of input: a JSON object with the fields of
// classifyIn, or, when the line does not start with "{", plain text taken as
// a title. Errors name what is wrong in words (encoding/json quotes the
// offending byte, which is garbage in the middle of a UTF-8 character).
func readClassifyLine(line []byte) (classifyIn, error) {
	var in classifyIn
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
		raw, ok := fields[f.name]
		if !ok || string(raw) == "null" {
			continue
		}
		if err := json.Unmarshal(raw, f.to); err != nil {
			return in, fmt.Errorf("field %q: want a string", f.name)
		}
	}
	if in.Title == "" && in.Summary == "" && in.Content == "" {
		// A misspelled field is the likeliest reason for no text: name it.
		var unknown []string
		for k := range fields {
			if !slices.Contains([]string{"id", "title", "summary", "content", "lang", "label"}, k) {
				unknown = append(unknown, strconv.Quote(k))
			}
		}
		if len(unknown) > 0 {
			slices.Sort(unknown)
			return in, fmt.Errorf("unknown field %s; want %s", strings.Join(unknown, ", "), classifyFields)
		}
	}
	return in, nil
}
