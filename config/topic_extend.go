package config

import (
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gleaner/gleaner/aggregate/topic"
)

// TopicTable is the [topic] table as written: a whole profile, changes to
// one in [topic.extend], or both. Config.Topic is the profile it makes.
type TopicTable struct {
	topic.Profile
	Extend *TopicExtension `toml:"extend"`
}

// TopicExtension is [topic.extend]: changes to a profile (the [topic] table
// beside it, else the built-in one), so that a few terms, groups and rules can
// be added or dropped without copying the whole profile. Groups, rules and
// disambiguations are found by name, so the changes keep applying to the
// built-in profile of later versions.
type TopicExtension struct {
	// Fields, Proximity, Enumeration and Newsletter: the keys written replace
	// the profile's, the others stay.
	Fields      *topic.Fields      `toml:"fields"`
	Proximity   *topic.Proximity   `toml:"proximity"`
	Enumeration *topic.Enumeration `toml:"enumeration"`
	Newsletter  *topic.Newsletter  `toml:"newsletter"`
	// RemoveGroups, RemoveRules and RemoveDisambiguations drop those of the
	// profile by name, before the changes below apply.
	RemoveGroups          []string               `toml:"remove_groups"`
	RemoveRules           []string               `toml:"remove_rules"`
	RemoveDisambiguations []string               `toml:"remove_disambiguations"`
	Groups                []GroupChange          `toml:"group"`
	Rules                 []topic.Rule           `toml:"rule"`
	Disambiguate          []topic.Disambiguation `toml:"disambiguate"`
}

// GroupChange is one [[topic.extend.group]]. For a group of the profile of
// that name, Terms are added to its terms, RemoveTerms are dropped from them,
// and any other key written (weight, max, kind, ...) replaces the group's. A
// group of a new name is added, with kind and weight as in [[topic.group]].
type GroupChange struct {
	topic.Group
	RemoveTerms []string `toml:"remove_terms"`
}

// A [[topic.extend.rule]] of a rule's name replaces the keys it writes of that
// rule; of a new name, it is a new rule. A [[topic.extend.disambiguate]] of a
// disambiguation's name adds its when and drop terms to that one's; of a new
// name, it is a new one.

// topicSource is the file a [topic] table was read from.
type topicSource struct {
	file string
	pos  positions
	skip map[string]bool // keys the decoder reported
	errs *Errors
}

func (s topicSource) add(key, format string, args ...any) {
	adder(s.file, s.pos, s.skip, s.errs)(key, format, args...)
}

// origin is where a part of the merged profile was written: a key path of a
// file, or the built-in profile (file "").
type origin struct{ file, key string }

// topicMerge is a profile made of another and a [topic.extend], with where each
// of its groups, terms, rules and disambiguations came from, so that a problem
// topic.Compile finds in it is placed where the user wrote it.
type topicMerge struct {
	p        *topic.Profile
	baseFile string // "" for the built-in profile
	groups   []listOrigin
	rules    []listOrigin
	disamb   []listOrigin
	written  map[string]origin // merged key path -> where [topic.extend] set it
	counts   map[string]int    // what changed, for Config.TopicOrigin
}

// listOrigin is where one element of a list (a group, a rule, a
// disambiguation) and the elements of its own lists were written.
type listOrigin struct {
	at    origin
	terms map[string][]origin // "terms", "when", "drop" -> per element
}

// validateTopic works out the profile in effect (Config.Topic) from the
// [topic] table of the config or of its topic_file, and checks it: each
// problem is placed in the file and at the key it comes from.
func (c *Config) validateTopic(pos positions, skip map[string]bool, errs *Errors) {
	c.Topic, c.TopicOrigin = nil, "built-in profile"
	src := topicSource{file: c.Path, pos: pos, skip: skip, errs: errs}
	table := c.TopicTable
	if c.TopicFile != "" && !skip["topic_file"] {
		if table != nil {
			src.add("topic_file", "%s has a [topic] table too: keep the profile in one place", filepath.Base(c.Path))
			return
		}
		var ok bool
		if table, src, ok = c.readTopicFile(src); !ok {
			return
		}
	}
	if table == nil {
		return
	}
	m := &topicMerge{written: map[string]origin{}, counts: map[string]int{}}
	if profileWritten(src.pos) {
		p := table.Profile
		m.start(&p, src.file)
	} else if table.Extend != nil {
		m.start(topic.Default(), "")
	} else {
		// [topic] with nothing in it: an empty profile, which Compile refuses.
		p := table.Profile
		m.start(&p, src.file)
	}
	m.extend(table.Extend, src)
	if _, err := topic.Compile(m.p); err != nil {
		for _, pe := range profileErrors(err) {
			m.report(src, pe)
		}
	}
	c.Topic = m.p
	c.TopicOrigin = m.describe(src.file)
}

// readTopicFile reads the [topic] table of the topic_file.
func (c *Config) readTopicFile(cs topicSource) (*TopicTable, topicSource, bool) {
	path := c.TopicFile
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(c.Path), path)
	}
	data, err := ReadFile(path)
	if err != nil {
		cs.add("topic_file", "%v", err)
		return nil, cs, false
	}
	pos, perr := indexPositions(data)
	if perr != nil {
		*cs.errs = append(*cs.errs, syntaxError(path, data, perr))
		return nil, cs, false
	}
	for _, w := range tableWarnings(path, data) {
		// Its topic tables' only: anything else there is a problem already (a
		// topic_file holds the [topic] table only), not one to write otherwise.
		if w.Key == "topic" || strings.HasPrefix(w.Key, "topic.") {
			c.topicWarnings = append(c.topicWarnings, w)
		}
	}
	tc, terrs, bad := decode(path, data, pos)
	*cs.errs = append(*cs.errs, terrs...)
	src := topicSource{file: path, pos: pos, skip: bad, errs: cs.errs}
	for k := range pos {
		if k == "topic" || strings.HasPrefix(k, "topic.") || bad[k] || strings.Contains(k, ".") {
			continue
		}
		// A top-level key or table, or a block of an array of tables
		// ([[source]] as source[0]: its sources would be ignored, silently).
		if base, _, array := strings.Cut(k, "["); !array || strings.Count(k, "[") == 1 && strings.HasSuffix(k, "]") && !hasKey(pos, base) {
			src.add(k, "a topic_file holds the [topic] table only")
		}
	}
	if tc.TopicTable == nil {
		cs.add("topic_file", "%s has no [topic] table (write [topic.extend], or a whole profile as gleaner topic show prints it)", path)
		return nil, cs, false
	}
	return tc.TopicTable, src, true
}

func hasKey(pos positions, k string) bool {
	_, ok := pos[k]
	return ok
}

// profileWritten reports whether the file writes any key of a profile itself
// (rather than only [topic.extend]).
func profileWritten(pos positions) bool {
	for k := range pos {
		rest, ok := strings.CutPrefix(k, "topic.")
		if ok && rest != "extend" && !strings.HasPrefix(rest, "extend.") && !strings.HasPrefix(rest, "extend[") {
			return true
		}
	}
	return false
}

// start makes m a copy of base, whose parts were written in file at their own
// paths ("" for the built-in profile).
func (m *topicMerge) start(base *topic.Profile, file string) {
	p := *base
	p.Groups = slices.Clone(base.Groups)
	p.Rules = slices.Clone(base.Rules)
	p.Disambiguate = slices.Clone(base.Disambiguate)
	m.p, m.baseFile = &p, file
	for i := range p.Groups {
		g := &p.Groups[i]
		g.Terms = slices.Clone(g.Terms)
		m.groups = append(m.groups, listAt(file, fmt.Sprintf("topic.group[%d]", i), map[string]int{"terms": len(g.Terms)}))
	}
	for i := range p.Rules {
		m.rules = append(m.rules, listAt(file, fmt.Sprintf("topic.rule[%d]", i), nil))
	}
	for i := range p.Disambiguate {
		d := &p.Disambiguate[i]
		d.When, d.Drop = slices.Clone(d.When), slices.Clone(d.Drop)
		m.disamb = append(m.disamb, listAt(file, fmt.Sprintf("topic.disambiguate[%d]", i), map[string]int{"when": len(d.When), "drop": len(d.Drop)}))
	}
}

// listAt is the origin of an element written at key of file, whose lists
// have the given lengths.
func listAt(file, key string, lens map[string]int) listOrigin {
	lo := listOrigin{at: origin{file, key}, terms: map[string][]origin{}}
	for name, n := range lens {
		for k := range n {
			lo.terms[name] = append(lo.terms[name], origin{file, fmt.Sprintf("%s.%s[%d]", key, name, k)})
		}
	}
	return lo
}

// extend applies [topic.extend] of src to m: removals first, then changes and
// additions.
func (m *topicMerge) extend(x *TopicExtension, src topicSource) {
	if x == nil {
		return
	}
	const ek = "topic.extend"
	p := m.p
	for name, pair := range map[string][2]any{
		"fields": {&p.Fields, x.Fields}, "proximity": {&p.Proximity, x.Proximity}, "enumeration": {&p.Enumeration, x.Enumeration},
		"newsletter": {&p.Newsletter, x.Newsletter},
	} {
		if !reflect.ValueOf(pair[1]).IsNil() {
			m.overlay(pair[0], pair[1], src, ek+"."+name, "topic."+name, nil)
		}
	}

	groupName := func(g topic.Group) string { return g.Name }
	ruleName := func(r topic.Rule) string { return r.Name }
	disambName := func(d topic.Disambiguation) string { return d.Name }
	m.counts["groups removed"] = removeNamed(&p.Groups, &m.groups, groupName, x.RemoveGroups, src, ek+".remove_groups", "group")
	if p.Model != nil {
		// A removed group's learned weights go with it.
		for _, g := range x.RemoveGroups {
			p.Model = p.Model.WithoutGroup(g)
		}
	}
	// And so does its part in naming newsletters.
	p.Newsletter.Groups = slices.DeleteFunc(slices.Clone(p.Newsletter.Groups), func(g string) bool { return slices.Contains(x.RemoveGroups, g) })
	m.counts["rules removed"] = removeNamed(&p.Rules, &m.rules, ruleName, x.RemoveRules, src, ek+".remove_rules", "rule")
	m.counts["disambiguations removed"] = removeNamed(&p.Disambiguate, &m.disamb, disambName, x.RemoveDisambiguations, src, ek+".remove_disambiguations", "disambiguation")
	groupNames := func() []string { return names(p.Groups, groupName) }
	ruleNames := func() []string { return names(p.Rules, ruleName) }
	disambNames := func() []string { return names(p.Disambiguate, disambName) }

	for j, gc := range x.Groups {
		gk := fmt.Sprintf("%s.group[%d]", ek, j)
		i := slices.Index(groupNames(), gc.Name)
		if i < 0 {
			if gc.Kind == "" {
				src.add(gk+".name", "no group named %q in the profile%s (a new group needs a kind and a weight)", gc.Name, didYouMean(gc.Name, groupNames()))
				continue
			}
			if len(gc.RemoveTerms) > 0 {
				src.add(gk+".remove_terms", "%q is a new group: it has no terms to remove", gc.Name)
			}
			p.Groups = append(p.Groups, gc.Group)
			m.groups = append(m.groups, listAt(src.file, gk, map[string]int{"terms": len(gc.Terms)}))
			m.counts["groups added"]++
			continue
		}
		g, lo := &p.Groups[i], &m.groups[i]
		m.overlay(g, &gc.Group, src, gk, fmt.Sprintf("topic.group[%d]", i), []string{"name", "terms"})
		for k, t := range gc.RemoveTerms {
			ti := slices.Index(g.Terms, t)
			if ti < 0 {
				src.add(fmt.Sprintf("%s.remove_terms[%d]", gk, k), "group %q has no term %q%s", g.Name, t, didYouMean(t, g.Terms))
				continue
			}
			g.Terms = slices.Delete(g.Terms, ti, ti+1)
			lo.terms["terms"] = slices.Delete(lo.terms["terms"], ti, ti+1)
			m.counts["terms removed"]++
		}
		for k, t := range gc.Terms {
			g.Terms = append(g.Terms, t)
			lo.terms["terms"] = append(lo.terms["terms"], origin{src.file, fmt.Sprintf("%s.terms[%d]", gk, k)})
			m.counts["terms added"]++
		}
	}

	for j, r := range x.Rules {
		rk := fmt.Sprintf("%s.rule[%d]", ek, j)
		if i := slices.Index(ruleNames(), r.Name); i >= 0 {
			m.overlay(&p.Rules[i], &r, src, rk, fmt.Sprintf("topic.rule[%d]", i), []string{"name"})
			m.counts["rules changed"]++
			continue
		}
		p.Rules = append(p.Rules, r)
		m.rules = append(m.rules, listAt(src.file, rk, nil))
		m.counts["rules added"]++
	}

	for j, d := range x.Disambiguate {
		dk := fmt.Sprintf("%s.disambiguate[%d]", ek, j)
		i := slices.Index(disambNames(), d.Name)
		if i < 0 {
			p.Disambiguate = append(p.Disambiguate, d)
			m.disamb = append(m.disamb, listAt(src.file, dk, map[string]int{"when": len(d.When), "drop": len(d.Drop)}))
			m.counts["disambiguations added"]++
			continue
		}
		pd, lo := &p.Disambiguate[i], &m.disamb[i]
		for _, list := range []struct {
			name     string
			dst, add *[]string
		}{{"when", &pd.When, &d.When}, {"drop", &pd.Drop, &d.Drop}} {
			for k, t := range *list.add {
				*list.dst = append(*list.dst, t)
				lo.terms[list.name] = append(lo.terms[list.name], origin{src.file, fmt.Sprintf("%s.%s[%d]", dk, list.name, k)})
			}
		}
		m.counts["disambiguations changed"]++
	}
}

// overlay copies into dst (a pointer to a struct) each field of src (a
// pointer to one of the same type) whose key is written under at in the file,
// except those in except, and records where, under into (the merged path).
func (m *topicMerge) overlay(dst, src any, s topicSource, at, into string, except []string) {
	dv, sv := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem()
	for i := range dv.NumField() {
		name, _, _ := strings.Cut(dv.Type().Field(i).Tag.Get("toml"), ",")
		if name == "" || name == "-" || slices.Contains(except, name) {
			continue
		}
		if _, ok := s.pos[at+"."+name]; ok {
			dv.Field(i).Set(sv.Field(i))
			m.written[into+"."+name] = origin{s.file, at + "." + name}
		}
	}
}

// removeNamed deletes from list, and from its origins, each element named in
// remove, and reports a name that is not there at key[k]; it returns how many
// it deleted.
func removeNamed[T any](list *[]T, origins *[]listOrigin, name func(T) string, remove []string, src topicSource, key, what string) int {
	n := 0
	for k, r := range remove {
		all := names(*list, name)
		i := slices.Index(all, r)
		if i < 0 {
			src.add(fmt.Sprintf("%s[%d]", key, k), "no %s named %q%s", what, r, didYouMean(r, all))
			continue
		}
		*list, *origins = slices.Delete(*list, i, i+1), slices.Delete(*origins, i, i+1)
		n++
	}
	return n
}

func names[T any](list []T, name func(T) string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = name(v)
	}
	return out
}

// didYouMean is ` (did you mean "x"?)` for the candidate nearest to word, or "".
func didYouMean(word string, candidates []string) string {
	if best := nearest(word, candidates); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// listPathRE splits a path of topic.Compile's into a list element and the
// rest: topic.group[3] and .terms[5].
var listPathRE = regexp.MustCompile(`^topic\.(group|rule|disambiguate)\[(\d+)\](?:\.(terms|when|drop)\[(\d+)\])?(.*)$`)

// report places pe, a problem of the merged profile, where its part was
// written. A problem in what the built-in profile contributes (a rule needing
// a kind whose groups were all removed) is placed at [topic.extend].
func (m *topicMerge) report(s topicSource, pe *topic.ProfileError) {
	at := m.where(pe.Path) // in s's file, or the built-in profile
	if at.file == "" {
		s.add("topic.extend", "the built-in profile's %s: %s", oneBased(pe.Path), pe.Msg)
		return
	}
	s.add(at.key, "%s", pe.Msg)
}

// where returns the origin of a path of the merged profile.
func (m *topicMerge) where(path string) origin {
	if o, ok := m.written[path]; ok {
		return o
	}
	// An element of a list key [topic.extend] wrote ([topic.extend.enumeration] kinds).
	if i := strings.LastIndexByte(path, '['); i > 0 && strings.HasSuffix(path, "]") {
		if o, ok := m.written[path[:i]]; ok {
			return origin{o.file, o.key + path[i:]}
		}
	}
	if sm := listPathRE.FindStringSubmatch(path); sm != nil {
		i, _ := strconv.Atoi(sm[2])
		list := map[string][]listOrigin{"group": m.groups, "rule": m.rules, "disambiguate": m.disamb}[sm[1]]
		if i < len(list) {
			lo := list[i]
			if sm[3] != "" {
				k, _ := strconv.Atoi(sm[4])
				if k < len(lo.terms[sm[3]]) {
					o := lo.terms[sm[3]][k]
					return origin{o.file, o.key + sm[5]}
				}
			}
			return origin{lo.at.file, lo.at.key + strings.TrimPrefix(path, fmt.Sprintf("topic.%s[%d]", sm[1], i))}
		}
	}
	// A whole table ([topic.fields]) whose keys [topic.extend] wrote.
	for k, o := range m.written {
		if strings.HasPrefix(k, path+".") {
			return origin{o.file, strings.TrimSuffix(o.key, strings.TrimPrefix(k, path))}
		}
	}
	return origin{m.baseFile, path}
}

// describe says where the profile comes from and what [topic.extend] changed.
func (m *topicMerge) describe(file string) string {
	base := fmt.Sprintf("[topic] profile from %s", filepath.Base(file))
	if m.baseFile == "" {
		base = "built-in profile"
	}
	changed := len(m.written) > 0
	for _, n := range m.counts {
		changed = changed || n > 0
	}
	if !changed {
		return fmt.Sprintf("%s: %d groups, %d rules", base, len(m.p.Groups), len(m.p.Rules))
	}
	var parts []string
	for _, what := range []string{"terms added", "terms removed", "groups added", "groups removed", "rules added", "rules changed", "rules removed",
		"disambiguations added", "disambiguations changed", "disambiguations removed"} {
		if n := m.counts[what]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "settings changed")
	}
	return fmt.Sprintf("%s with [topic.extend] of %s: %s", base, filepath.Base(file), strings.Join(parts, ", "))
}
