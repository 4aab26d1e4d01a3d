package config

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// positions maps a key path ("poll.interval", "source[2].url",
// "topic.group[0].terms[3]") to where it stands in the file. Validation runs on
// the decoded struct, so this index is what lets its errors point at a line.
type positions map[string]unstable.Position

// lineIndex turns byte offsets into line and column (as go-toml's Parser.Shape
// counts them: 1-based, columns in bytes) by binary search over the offsets of
// line starts. Shape counts newlines from the start of the document on every
// call, which made loading a config of a thousand sources quadratic (a third of
// a `gleaner fetch` that found nothing new).
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	starts := lineIndex{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func (l lineIndex) at(r unstable.Range) unstable.Position {
	off := int(r.Offset)
	i := sort.SearchInts(l, off+1) - 1 // the last line starting at or before off
	return unstable.Position{Offset: off, Line: i + 1, Column: off - l[i] + 1}
}

// indexPositions walks the TOML document once and records the position of every
// key, table header and array element.
func indexPositions(data []byte) (positions, error) {
	pos := positions{}
	counts := map[string]int{} // array-of-tables path -> elements seen
	var p unstable.Parser
	p.Reset(data)
	lines := newLineIndex(data)
	table := ""
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			it := e.Key()
			path, first := resolveKey(table, "", &it, counts, true)
			if e.Kind == unstable.ArrayTable {
				n := counts[path]
				counts[path] = n + 1
				path = fmt.Sprintf("%s[%d]", path, n)
			}
			table = path
			if first != nil {
				pos[path] = lines.at(first.Raw)
			}
		case unstable.KeyValue:
			recordKeyValue(lines, pos, table, e, counts)
		}
	}
	if err := p.Error(); err != nil {
		return nil, err
	}
	return pos, nil
}

// resolveKey joins a dotted key onto base. For table headers, a part naming an
// array of tables refers to its latest element ([[source]] then [source.x]).
func resolveKey(base, prefix string, it *unstable.Iterator, counts map[string]int, header bool) (string, *unstable.Node) {
	path := base
	if header {
		path = prefix
	}
	var first *unstable.Node
	for it.Next() {
		n := it.Node()
		if first == nil {
			first = n
		}
		if path != "" {
			path += "."
		}
		path += string(n.Data)
		if header && !it.IsLast() {
			if c, ok := counts[path]; ok {
				path = fmt.Sprintf("%s[%d]", path, c-1)
			}
		}
	}
	return path, first
}

func recordKeyValue(lines lineIndex, pos positions, table string, e *unstable.Node, counts map[string]int) {
	it := e.Key()
	path, first := resolveKey(table, "", &it, counts, false)
	if first != nil {
		pos[path] = lines.at(first.Raw)
	}
	recordValue(lines, pos, path, e.Value(), counts)
}

func recordValue(lines lineIndex, pos positions, path string, v *unstable.Node, counts map[string]int) {
	switch v.Kind {
	case unstable.Array:
		i := 0
		it := v.Children()
		for it.Next() {
			el := it.Node()
			ep := fmt.Sprintf("%s[%d]", path, i)
			if el.Raw.Length > 0 {
				pos[ep] = lines.at(el.Raw)
			} else if pp, ok := pos[path]; ok {
				pos[ep] = pp
			}
			recordValue(lines, pos, ep, el, counts)
			i++
		}
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			recordKeyValue(lines, pos, path, it.Node(), counts)
		}
	}
}

// at returns an Error for key, placed at the key or, failing that, at its
// nearest enclosing table.
func (ps positions) at(file, key, msg string) *Error {
	e := &Error{File: file, Key: key, Msg: msg}
	for k := key; k != ""; k = parentKey(k) {
		if p, ok := ps[k]; ok {
			e.Line, e.Column = p.Line, p.Column
			break
		}
	}
	return e
}

func parentKey(k string) string {
	if strings.HasSuffix(k, "]") {
		if i := strings.LastIndexByte(k, '['); i > 0 {
			return k[:i]
		}
	}
	if i := strings.LastIndexByte(k, '.'); i > 0 {
		return k[:i]
	}
	return ""
}

func syntaxError(file string, data []byte, err error) *Error {
	// go-toml places syntax errors only through its decoder; ask it for the position.
	var scratch map[string]any
	if derr := toml.Unmarshal(data, &scratch); derr != nil {
		err = derr
	}
	e := &Error{File: file, Msg: "syntax error: " + tomlHint(strings.TrimPrefix(err.Error(), "toml: "))}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		e.Line, e.Column = de.Position()
	}
	return e
}

// keyString names the key an error sits on. go-toml reports keys without array
// indexes, so prefer the indexed path recorded at the same line whose indexes
// are those of arrays of tables (an index into an array value is not part of
// the key the decoder means).
func keyString(k toml.Key, pos positions, line, col int) string {
	want := strings.Join(k, ".")
	best := ""
	for path, p := range pos {
		if p.Line == line && (best == "" || len(path) > len(best)) && stripIndexes(path) == want && !strings.HasSuffix(path, "]") {
			best = path
		}
	}
	if best != "" {
		return best
	}
	// A key defined twice, or unknown in an inline table, is reported by its
	// last part alone ("name" for a [[source]]'s name): the path recorded at
	// that line that ends with it, at the error's column or the nearest before
	// it (an inline array of sources may hold it once per element on one line).
	bestCol := -1
	for path, p := range pos {
		if p.Line != line || !strings.HasSuffix(stripIndexes(path), "."+want) || strings.HasSuffix(path, "]") || p.Column > col {
			continue
		}
		if p.Column > bestCol || p.Column == bestCol && path < best {
			best, bestCol = path, p.Column
		}
	}
	if best != "" {
		return best
	}
	return want
}

func stripIndexes(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var typeErrRE = regexp.MustCompile(`^cannot decode TOML (\w+(?: \w+)?) into (?:struct field \S+ of type |a Go value of type )?(\S+)`)

// tomlHint adds to go-toml's message for a slip people make often what to
// write instead.
func tomlHint(msg string) string {
	switch {
	case strings.Contains(msg, "already exists as an array of tables"):
		// "table group already exists ...": the table's own name.
		if name, _, ok := strings.Cut(strings.TrimPrefix(msg, "table "), " "); ok && strings.HasPrefix(msg, "table ") {
			return msg + fmt.Sprintf(": each %s block is headed with double brackets, as the ones before it", name)
		}
		return msg + ": a table written [[...]] before is written with double brackets each time"
	case strings.Contains(msg, "at start of value"):
		return msg + `: text is written in double quotes (url = "https://news.example/rss"), yes and no as true and false, a list in brackets`
	case strings.Contains(msg, "basic strings cannot have new lines"):
		return msg + ": a quote opened on this line is not closed"
	}
	return msg
}

// friendlyTypeError rewrites go-toml's type errors, which name Go types, into the
// TOML types a user writes.
func friendlyTypeError(msg, key string) string {
	msg = tomlHint(msg)
	if strings.HasPrefix(msg, "cannot store an array table") {
		return fmt.Sprintf("one table, not an array of tables: write [%s], not [[%s]]", key, key)
	}
	m := typeErrRE.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := m[2]
	switch {
	case strings.HasPrefix(want, "int"), strings.HasPrefix(want, "uint"):
		want = "an integer"
	case strings.HasPrefix(want, "float"):
		want = "a number"
	case want == "bool", want == "*bool":
		want = "true or false"
	case want == "string":
		want = "a string"
	case strings.HasSuffix(want, "config.Duration"):
		want = `a duration string such as "15m"`
	case strings.HasSuffix(want, "config.ByteSize"):
		want = `a size string such as "10MiB"`
	case strings.HasPrefix(want, "[]"):
		want = "an array"
	default:
		want = "a table"
	}
	msg = fmt.Sprintf("wrong type: expected %s, got a TOML %s", want, m[1])
	if key == "source" && m[1] == "string" {
		// source = ["https://…", …], as a list of URLs is written elsewhere.
		msg += `: each source is a block of its own, a line [[source]] and under it url = "https://news.example/rss"`
	}
	return msg
}
