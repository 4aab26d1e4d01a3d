package config

import (
	"strings"
	"testing"

	"github.com/gleaner/gleaner/aggregate/topic"
)

func TestParseTopic(t *testing.T) {
	shown := string(topic.DefaultTOML()) // what `gleaner topic show` prints
	small := "[topic]\nfields = { title = 1.0 }\n[[topic.group]]\nname = \"ai\"\nkind = \"ai\"\nweight = 1.0\nterms = [\"AI\"]\n" +
		"[[topic.rule]]\nname = \"r\"\nneed = [\"ai\"]\nmin_score = 1.0\n"
	for _, tc := range []struct {
		name, src string
		want      []string // error lines; none for a good file
	}{
		{"topic show's output", shown, nil},
		{"a whole gleaner.toml", "listen = \"127.0.0.1:1\"\n" + small + minimal, nil},
		{"a small profile", small, nil},
		{"no [topic]", minimal, []string{"new.toml: topic: no [topic] table"}},
		{"unknown key", strings.Replace(small, "weight = 1.0", "wieght = 1.0", 1), []string{"new.toml:3:3: topic.group 1.weight: weight must be > 0", "new.toml:6:1: topic.group 1.wieght: unknown key; did you mean `weight`?"}},
		{"bad profile", strings.Replace(small, `need = ["ai"]`, `need = ["nope"]`, 1), []string{`new.toml:10:9: topic.rule 1.need 1: unknown kind "nope"`}},
		{"syntax", "[topic\n", []string{"new.toml:1:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseTopic("new.toml", []byte(tc.src))
			if len(tc.want) == 0 {
				if err != nil || p == nil {
					t.Fatalf("ParseTopic: %v", err)
				}
				if _, err := topic.Compile(p); err != nil {
					t.Errorf("profile does not compile: %v", err)
				}
				return
			}
			assertErrorLines(t, err, tc.want)
		})
	}
	// The same problems in a whole config: Load's errors are the same lines.
	for _, bad := range []string{
		strings.Replace(small, `need = ["ai"]`, `need = ["nope"]`, 1),
		strings.Replace(small, "weight = 1.0", "wieght = 1.0", 1),
	} {
		_, perr := ParseTopic("new.toml", []byte(bad))
		_, lerr := Parse("new.toml", []byte(bad+minimal))
		if perr == nil || lerr == nil || perr.Error() != lerr.Error() {
			t.Errorf("ParseTopic says\n%v\nParse says\n%v", perr, lerr)
		}
	}
}
