package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gleaner/gleaner/aggregate/topic"
)

const extendSrc = `
[topic.extend]
remove_groups = ["crime"]

[topic.extend.fields]
title = 3.0

[[topic.extend.group]]
name = "government"
terms = ["성남시의회", "Seongnam City Council"]
remove_terms = ["city council"]
max = 9.0

[[topic.extend.group]]
name = "local-rules"
kind = "instrument"
weight = 1.5
terms = ["조례", "ordinance"]

[[topic.extend.rule]]
name = "ai+actor"
min_score = 5.0

[[topic.extend.rule]]
name = "local"
need = ["ai", "instrument"]
need_min = 1.0
min_score = 6.0

[[topic.extend.disambiguate]]
name = "avian-influenza"
when = ["오리 사육"]
`

// TestTopicExtend merges [topic.extend] into the built-in profile, by names:
// terms added and removed, a group added and one removed, a key of a group
// and of a rule replaced, a rule added, a disambiguation extended.
func TestTopicExtend(t *testing.T) {
	c, err := Parse("g.toml", []byte(minimal+extendSrc))
	if err != nil {
		t.Fatal(err)
	}
	def := topic.Default()
	p := c.Topic
	group := func(p *topic.Profile, name string) *topic.Group {
		for i := range p.Groups {
			if p.Groups[i].Name == name {
				return &p.Groups[i]
			}
		}
		return nil
	}
	gov, defGov := group(p, "government"), group(def, "government")
	if gov == nil || !slices.Contains(gov.Terms, "성남시의회") || slices.Contains(gov.Terms, "city council") || len(gov.Terms) != len(defGov.Terms)+1 ||
		gov.Max != 9 || gov.Weight != defGov.Weight || gov.Kind != "actor" {
		t.Errorf("government group: %+v", gov)
	}
	if g := group(p, "local-rules"); g == nil || g.Kind != "instrument" || g.Weight != 1.5 {
		t.Errorf("local-rules group: %+v", g)
	}
	if group(p, "crime") != nil || len(p.Groups) != len(def.Groups) {
		t.Errorf("%d groups, crime still there or not", len(p.Groups))
	}
	if p.Fields.Title != 3 || p.Fields.Summary != def.Fields.Summary {
		t.Errorf("fields: %+v", p.Fields)
	}
	if r := p.Rules[1]; r.Name != "ai+actor" || r.MinScore != 5 || !slices.Equal(r.Need, def.Rules[1].Need) || len(p.Rules) != len(def.Rules)+1 {
		t.Errorf("rules: %+v", p.Rules)
	}
	if d := p.Disambiguate[0]; d.When[len(d.When)-1] != "오리 사육" || len(d.When) != len(def.Disambiguate[0].When)+1 {
		t.Errorf("disambiguation: %+v", d.When)
	}
	if !strings.HasPrefix(c.TopicOrigin, "built-in profile with [topic.extend] of g.toml: 2 terms added, 1 terms removed, 1 groups added, 1 groups removed, 1 rules added, 1 rules changed, 1 disambiguations changed") {
		t.Errorf("origin: %s", c.TopicOrigin)
	}
	// The built-in profile itself is left alone.
	if !slices.Contains(group(topic.Default(), "government").Terms, "city council") {
		t.Error("the built-in profile changed")
	}
	// Over a [topic] profile of the file, the changes apply to it.
	small := "[topic]\nfields = { title = 1.0 }\n[[topic.group]]\nname = \"ai\"\nkind = \"ai\"\nweight = 1.0\nterms = [\"AI\"]\n" +
		"[[topic.rule]]\nname = \"r\"\nneed = [\"ai\"]\nmin_score = 1.0\n"
	c, err = Parse("g.toml", []byte(minimal+small+"[[topic.extend.group]]\nname = \"ai\"\nterms = [\"인공지능\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Topic.Groups) != 1 || !slices.Equal(c.Topic.Groups[0].Terms, []string{"AI", "인공지능"}) || !strings.HasPrefix(c.TopicOrigin, "[topic] profile from g.toml with [topic.extend]") {
		t.Errorf("extend of a [topic] profile: %+v, %s", c.Topic.Groups, c.TopicOrigin)
	}
}

// TestTopicExtendNewsletter: the groups that name a newsletter are replaced by
// [topic.extend.newsletter], and a group removed leaves them with it rather than
// leaving a rule that names a group no longer there.
func TestTopicExtendNewsletter(t *testing.T) {
	if got := topic.Default().Newsletter.Groups; !slices.Equal(got, []string{"roundup"}) {
		t.Fatalf("built-in newsletter groups %v", got)
	}
	c, err := Parse("g.toml", []byte(minimal+"[topic.extend]\nremove_groups = [\"roundup\"]\n"))
	if err != nil {
		t.Fatalf("removing the roundup group: %v", err)
	}
	if len(c.Topic.Newsletter.Groups) != 0 {
		t.Errorf("newsletter groups after removing roundup: %v", c.Topic.Newsletter.Groups)
	}
	if !slices.Equal(topic.Default().Newsletter.Groups, []string{"roundup"}) {
		t.Error("the built-in profile changed")
	}
	c, err = Parse("g.toml", []byte(minimal+"[topic.extend.newsletter]\ngroups = [\"roundup\", \"commentary\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Topic.Newsletter.Groups, []string{"roundup", "commentary"}) {
		t.Errorf("newsletter groups: %v", c.Topic.Newsletter.Groups)
	}
	_, err = Parse("g.toml", []byte(minimal+"[topic.extend.newsletter]\ngroups = [\"roundups\"]\n"))
	if err == nil || !strings.Contains(err.Error(), `g.toml:5:11: topic.extend.newsletter.groups 1: unknown group "roundups"`) {
		t.Errorf("unknown newsletter group: %v", err)
	}
}

// TestTopicExtendErrors: problems of [topic.extend] are placed where they were
// written, with the nearest name when one is misspelled.
func TestTopicExtendErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"misspelled group", "[[topic.extend.group]]\nname = \"goverment\"\nterms = [\"x\"]\n",
			[]string{`g.toml:5:1: topic.extend.group 1.name: no group named "goverment" in the profile (did you mean "government"?) (a new group needs a kind and a weight)`}},
		{"term to remove not there", "[[topic.extend.group]]\nname = \"government\"\nremove_terms = [\"goverment\"]\n",
			[]string{`g.toml:6:17: topic.extend.group 1.remove_terms 1: group "government" has no term "goverment" (did you mean "government"?)`}},
		{"duplicate term added", "[[topic.extend.group]]\nname = \"ai\"\nterms = [\"새 용어\", \"인공지능\"]\n",
			[]string{`g.toml:6:24: topic.extend.group 1.terms 2: duplicate term "인공지능"`}},
		{"new group of a bad kind", "[[topic.extend.group]]\nname = \"mine\"\nkind = \"actors\"\nweight = 1.0\nterms = [\"x\"]\n",
			[]string{`g.toml:6:1: topic.extend.group 1.kind: unknown kind "actors"`}},
		{"bad weight on a built-in group", "[[topic.extend.group]]\nname = \"business\"\nweight = 2.0\n",
			[]string{`g.toml:6:1: topic.extend.group 1.weight: `}},
		{"bad field weight", "[topic.extend.fields]\ntitle = -1.0\n", []string{`g.toml:5:1: topic.extend.fields.title: weight must be a finite number >= 0`}},
		{"unknown group to remove", "[topic.extend]\nremove_groups = [\"crimes\"]\n", []string{`g.toml:5:18: topic.extend.remove_groups 1: no group named "crimes" (did you mean "crime"?)`}},
		{"unknown rule to remove", "[topic.extend]\nremove_rules = [\"nope\"]\n", []string{`g.toml:5:17: topic.extend.remove_rules 1: no rule named "nope"`}},
		{"misspelled key", "[[topic.extend.group]]\nname = \"ai\"\nterm = [\"x\"]\n", []string{"g.toml:6:1: topic.extend.group 1.term: unknown key; did you mean `terms`?"}},
		{"the built-in profile broken by a removal", "[topic.extend]\nremove_groups = [\"law\", \"bill\", \"act\", \"export-control\", \"public-money\", \"asks\", \"governance\", \"copyright\", \"talent\"]\n",
			[]string{`g.toml:4:2: topic.extend: the built-in profile's topic.rule 3.need 2: no group has kind "instrument"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("g.toml", []byte(minimal+tc.src))
			assertErrorLines(t, err, tc.want)
		})
	}
}

// TestTopicFile reads [topic.extend] from a topic_file; its problems are
// placed in that file.
func TestTopicFile(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gleaner.toml")
	extra := filepath.Join(dir, "topic.toml")
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(cfgPath, "topic_file = \"topic.toml\"\n"+minimal)
	write(extra, extendSrc)
	c, err := Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.TopicOrigin, "built-in profile with [topic.extend] of topic.toml") || len(c.Topic.Rules) != 4 {
		t.Errorf("topic_file: %s", c.TopicOrigin)
	}
	for _, tc := range []struct{ cfg, topic, want string }{
		{"", "[[topic.extend.group]]\nname = \"ai\"\nterms = [\"인공지능\"]\n", extra + `:3:10: topic.extend.group 1.terms 1: duplicate term "인공지능"`},
		{"", "[[topic.extend.group]]\nname = \"ai\"\nterms = 5\n", extra + ":3:9: topic.extend.group 1.terms: wrong type: expected an array, got a TOML integer"},
		{"", "listen = \"x\"\n[topic.extend]\n", extra + ":1:1: listen: a topic_file holds the [topic] table only"},
		// A source block there was ignored, silently.
		{"", "[[source]]\nurl = \"https://x.example/feed\"\n[topic.extend]\n", extra + ":1:3: source 1: a topic_file holds the [topic] table only"},
		{"", "source = [{url = \"https://x.example/feed\"}]\n[topic.extend]\n", extra + ":1:1: source: a topic_file holds the [topic] table only"},
		{"", "# nothing\n", cfgPath + ":1:1: topic_file: " + extra + " has no [topic] table"},
		{"[topic.extend]\n", "[topic.extend]\n", cfgPath + ":1:1: topic_file: gleaner.toml has a [topic] table too"},
		{"", "", ""},
	} {
		write(cfgPath, "topic_file = \"topic.toml\"\n"+minimal+tc.cfg)
		if tc.want == "" {
			os.Remove(extra)
			tc.want = cfgPath + ":1:1: topic_file: open " + extra + ": no such file or directory"
		} else {
			write(extra, tc.topic)
		}
		_, err := Load(cfgPath)
		if err == nil || err.Error() != tc.want && !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("topic_file %q:\n got %v\nwant %s", tc.topic, err, tc.want)
		}
	}
}

// assertErrorLines fails unless err is a config error whose lines start with
// want, one each, in order.
func assertErrorLines(t *testing.T, err error, want []string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("errors.Is(err, ErrInvalid) = false for %v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %d:\n got %s\nwant %s...", i, lines[i], w)
		}
	}
}
