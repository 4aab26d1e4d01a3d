package jsonin

import (
	"errors"
	"strings"
	"testing"
)

func collect(t *testing.T, in string) ([]string, error) {
	t.Helper()
	var got []string
	err := Each(strings.NewReader(in), 1<<20, func(data []byte, where string, array bool) error {
		got = append(got, where+"="+string(data))
		return nil
	})
	return got, err
}

func TestEach(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		err  string
	}{
		{"{\"a\":1}\n\n  {\"b\":2}  \n", []string{`line 1={"a":1}`, `line 3={"b":2}`}, ""},
		{"\xef\xbb\xbf{\"a\":1}\n", []string{`line 1={"a":1}`}, ""},
		{"\xef\xbb\xbf \n [\n {\"a\": 1},\n \"t\"\n]\n", []string{`item 1 of the JSON array={"a": 1}`, `item 2 of the JSON array="t"`}, ""},
		{"[]", nil, ""},
		{"[{\"a\":1}", []string{`item 1 of the JSON array={"a":1}`}, "not closed"},
		{"[{\"a\":1}, {\"b\":]", []string{`item 1 of the JSON array={"a":1}`}, "item 2 of the JSON array"},
		{"plain text\n[1]\n", []string{"line 1=plain text", "line 2=[1]"}, ""},
	} {
		got, err := collect(t, c.in)
		if strings.Join(got, "|") != strings.Join(c.want, "|") || (c.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("Each(%q) = %q, %v; want %q, error with %q", c.in, got, err, c.want, c.err)
		}
	}
	stop := errors.New("stop")
	n := 0
	err := Each(strings.NewReader("a\nb\nc\n"), 1<<20, func([]byte, string, bool) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 {
		t.Errorf("f's error: %v after %d records, want it returned after 2", err, n)
	}
}
