package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/internal/app"
)

// classifyIn is one line of `gleaner classify` input.
type classifyIn struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Content string `json:"content"`
}

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
	f := e.newFlags("classify", "[-config F]", "Read JSON lines {\"id\",\"title\",\"summary\",\"content\"} from stdin and write one line\n{\"id\",\"match\",\"score\",\"reasons\",\"facets\",\"lang\"} per input, in order. Uses the config's\n[topic] profile when -config names a file that has one, else the built-in profile.", true)
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
		var in classifyIn
		var o classifyOut
		if err := json.Unmarshal(line, &in); err != nil {
			o.Error = fmt.Sprintf("line %d: not a JSON object: %v", n, err)
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
