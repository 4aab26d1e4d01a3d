package config

import (
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// schema is every key a config file may hold, read from the toml tags of
// Config (the [topic] profile's types included), so that it cannot drift from
// what the decoder accepts.
type schema struct {
	keys   map[string][]string // table path without indexes ("" for the top level) -> its keys
	arrays map[string]bool     // table paths that are arrays of tables ([[source]])
}

var knownKeys = sync.OnceValue(func() schema {
	s := schema{keys: map[string][]string{}, arrays: map[string]bool{}}
	s.walk(reflect.TypeFor[Config](), "")
	return s
})

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

func (s schema) walk(t reflect.Type, prefix string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			s.walk(f.Type, prefix)
			continue
		}
		if name == "" {
			name = f.Name
		}
		s.keys[prefix] = append(s.keys[prefix], name)
		ft, array := f.Type, false
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			array = array || ft.Kind() == reflect.Slice
			ft = ft.Elem()
		}
		if ft.Kind() != reflect.Struct || reflect.PointerTo(ft).Implements(textUnmarshaler) {
			continue
		}
		path := joinKey(prefix, name)
		s.arrays[path] = array
		s.walk(ft, path)
	}
}

func joinKey(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// header is how a table is written: [poll], [[source]], or the top level.
func (s schema) header(table string) string {
	switch {
	case table == "":
		return "the top level"
	case s.arrays[table]:
		return "[[" + table + "]]"
	}
	return "[" + table + "]"
}

// suggestKey says which known key an unknown one was probably meant to be:
// the nearest key of the same table by edit distance ("intervall" -> "did
// you mean `interval`?"), else the tables where a key of that exact name
// belongs ("`interval` belongs in [poll] or [[source]]"); "" when nothing is
// close.
func suggestKey(key toml.Key) string {
	if len(key) == 0 {
		return ""
	}
	s := knownKeys()
	table, name := strings.Join(key[:len(key)-1], "."), key[len(key)-1]
	if best := nearest(name, s.keys[table]); best != "" {
		return fmt.Sprintf("did you mean `%s`?", best)
	}
	if best := synonyms[table][strings.ToLower(name)]; best != "" {
		// "feed = ..." in a [[source]] was told it belongs in the top level,
		// where feed is the [feed] table.
		return fmt.Sprintf("did you mean `%s`?", best)
	}
	var homes []string
	for t, names := range s.keys {
		if t != table && slices.Contains(names, name) {
			homes = append(homes, s.header(t))
		}
	}
	if len(homes) == 0 {
		return ""
	}
	slices.Sort(homes)
	return fmt.Sprintf("`%s` belongs in %s", name, strings.Join(homes, " or "))
}

// synonyms are other tools' names for a table's keys, by table.
var synonyms = map[string]map[string]string{
	"source": {"feed": "url", "link": "url", "href": "url", "uri": "url", "address": "url", "rss": "url",
		"atom": "url", "xmlurl": "url", "feed_url": "url", "feedurl": "url", "title": "name", "label": "name"},
}

// nearest returns the candidate closest to word, if it is close enough to be
// a slip of the keyboard: a case difference, or an edit distance of at most
// one for short words and two for longer ones.
func nearest(word string, candidates []string) string {
	best, bestDist := "", 1+len(word)/5
	if bestDist > 2 {
		bestDist = 2
	}
	bestDist++ // strictly below this
	lw := strings.ToLower(word)
	for _, c := range candidates {
		d := editDistance(lw, strings.ToLower(c))
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of adjacent runes
// each cost one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows of the dynamic programme: i-2, i-1 and i.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// tableWarnings warns of an array of tables written as one table ("[source]",
// or dotted keys "source.url = ..." for "[[source]]"): go-toml decodes it as
// the array's one element, so it works, but gleaner sources cannot edit it and
// a second source cannot follow it as a [[source]] block. (Refused for a while:
// a file that had it must load after an upgrade.)
func tableWarnings(file string, data []byte) Errors {
	s := knownKeys()
	var out Errors
	var p unstable.Parser
	p.Reset(data)
	lines := newLineIndex(data)
	arrays := map[string]bool{} // written as [[path]]: go-toml reports a clash itself
	warned := map[string]bool{}
	warn := func(path, form string, n *unstable.Node) {
		if arrays[path] || warned[path] || n == nil {
			return
		}
		warned[path] = true
		at := lines.at(n.Raw)
		why := "which other blocks can follow"
		if path == "source" {
			why = "which gleaner sources can edit and other blocks can follow"
		}
		out = append(out, &Error{File: file, Line: at.Line, Column: at.Column, Key: path,
			Msg: fmt.Sprintf("%s is one [[%s]] block written as %s: write it as [[%s]], %s", path, path, form, path, why)})
	}
	table := ""
	for p.NextExpression() {
		e := p.Expression()
		var parts []string
		var first *unstable.Node
		for it := e.Key(); it.Next(); {
			if first == nil {
				first = it.Node()
			}
			parts = append(parts, string(it.Node().Data))
		}
		switch e.Kind {
		case unstable.ArrayTable:
			table = strings.Join(parts, ".")
			arrays[table] = true
		case unstable.Table:
			table = strings.Join(parts, ".")
			if s.arrays[table] {
				warn(table, "a table (["+table+"])", first)
			}
		case unstable.KeyValue:
			// Dotted keys: a prefix of table + key that names an array of tables.
			path := table
			for _, k := range parts[:max(len(parts)-1, 0)] {
				path = joinKey(path, k)
				if s.arrays[path] {
					warn(path, "dotted keys ("+strings.Join(parts, ".")+" = ...)", first)
					break
				}
			}
		}
	}
	return out
}

// caseErrors reports the keys of a document that name a known key in other
// letter case ("[[Source]]", "URL = ..."). go-toml matches a struct's keys
// without regard to case, so such a key would decode, silently: a second
// "[[Source]]" list replacing the "[[source]]" blocks before it, "URL" the
// "url" above it. TOML keys are case-sensitive, and so is gleaner: each is
// an unknown key, with the known spelling as its hint. One error per key, at
// its first place; what lies under it is not checked again.
func caseErrors(file string, pos positions) (errs Errors, bad map[string]bool) {
	s := knownKeys()
	bad = map[string]bool{}
	for path := range pos {
		table := ""
		prefixEnd := 0
		for seg := range strings.SplitSeq(path, ".") {
			prefixEnd += len(seg)
			name, _, _ := strings.Cut(seg, "[")
			known, ok := s.keys[table]
			if !ok || slices.Contains(known, name) {
				if !ok {
					break // a map's own keys (topic.model weights): anything goes
				}
				table = joinKey(table, name)
				prefixEnd++ // the dot
				continue
			}
			i := slices.IndexFunc(known, func(k string) bool { return strings.EqualFold(k, name) })
			if i >= 0 {
				// source[2].URL keeps its element's index; every [[Source]] is one key.
				key := path[:prefixEnd-len(seg)] + name
				if !bad[key] {
					bad[key] = true
					errs = append(errs, &Error{File: file, Key: key, Msg: fmt.Sprintf("unknown key; did you mean `%s`? (keys are case-sensitive)", known[i])})
				}
			}
			break // unknown: go-toml reports it, if it does not match
		}
	}
	for _, e := range errs {
		// The first place the key stands: its own, or that of the first key under it.
		for path, p := range pos {
			if (path == e.Key || strings.HasPrefix(path, e.Key+".") || strings.HasPrefix(path, e.Key+"[")) &&
				(e.Line == 0 || p.Line < e.Line || p.Line == e.Line && p.Column < e.Column) {
				e.Line, e.Column = p.Line, p.Column
			}
		}
	}
	return errs, bad
}
