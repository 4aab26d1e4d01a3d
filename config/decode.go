package config

import (
	"bytes"
	"errors"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// decode decodes data strictly into a Config that starts from the defaults,
// and returns every problem of decoding. go-toml stops at the first value of a
// wrong type; decode reports it, blanks that expression out of the document
// (every byte but the line ends becomes a space, so every other position
// stays) and decodes again, so that one wrong type hides nothing else. Unknown
// keys come last, once the rest decodes. bad holds the keys reported, so that
// validation does not report them a second time.
func decode(path string, data []byte, pos positions) (c *Config, errs Errors, bad map[string]bool) {
	errs, bad = caseErrors(path, pos)
	exprs := expressionLines(data)
	doc := data
	for attempt := 0; ; attempt++ {
		cfg := Defaults()
		err := toml.NewDecoder(bytes.NewReader(doc)).DisallowUnknownFields().Decode(&cfg)
		if err == nil {
			return &cfg, errs, bad
		}
		var sm *toml.StrictMissingError
		if errors.As(err, &sm) {
			for i := range sm.Errors {
				de := &sm.Errors[i]
				line, col := de.Position()
				key := keyString(de.Key(), pos, line, col)
				msg := "unknown key"
				// By its whole path: in an inline table go-toml gives the last part alone.
				if hint := suggestKey(strings.Split(stripIndexes(key), ".")); hint != "" {
					msg += "; " + hint
				}
				errs = append(errs, &Error{File: path, Line: line, Column: col, Key: key, Msg: msg})
			}
			return &cfg, errs, bad
		}
		var de *toml.DecodeError
		if !errors.As(err, &de) {
			return &cfg, append(errs, &Error{File: path, Msg: err.Error()}), bad
		}
		line, col := de.Position()
		key := keyString(de.Key(), pos, line, col)
		errs = append(errs, &Error{File: path, Line: line, Column: col, Key: key, Msg: friendlyTypeError(strings.TrimPrefix(de.Error(), "toml: "), key)})
		bad[key] = true
		var blanked bool
		doc, blanked = blankExpression(doc, exprs, line)
		if !blanked || attempt > len(exprs) {
			return &cfg, errs, bad
		}
	}
}

// expression is where one top-level TOML expression starts: a key-value or a
// table header.
type expression struct {
	line   int // 1-based
	offset int // of the start of that line
	header bool
}

// expressionLines lists the expressions of data in order. data has been parsed
// once already, so a syntax error cannot happen here; if it did, the list just
// ends early.
func expressionLines(data []byte) []expression {
	var out []expression
	var p unstable.Parser
	p.Reset(data)
	lines := newLineIndex(data)
	for p.NextExpression() {
		e := p.Expression()
		it := e.Key()
		if !it.Next() {
			continue
		}
		l := lines.at(it.Node().Raw).Line
		out = append(out, expression{line: l, offset: lines[l-1], header: e.Kind == unstable.Table || e.Kind == unstable.ArrayTable})
	}
	return out
}

// blankExpression returns a copy of doc in which the expression on line
// (a key-value with its value, or a table header with every key-value under
// it) is replaced by spaces, line ends kept.
func blankExpression(doc []byte, exprs []expression, line int) ([]byte, bool) {
	i := sort.Search(len(exprs), func(i int) bool { return exprs[i].line > line }) - 1
	if i < 0 {
		return doc, false
	}
	end := len(doc)
	for _, next := range exprs[i+1:] {
		if !exprs[i].header || next.header {
			end = next.offset
			break
		}
	}
	out := bytes.Clone(doc)
	for j := exprs[i].offset; j < end; j++ {
		if out[j] != '\n' && out[j] != '\r' {
			out[j] = ' '
		}
	}
	return out, true
}
