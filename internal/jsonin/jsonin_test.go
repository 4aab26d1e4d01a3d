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
		// A record over the limit (1 MiB here) is refused with its place, as a line
		// or as an element of an array.
		{"{\"a\":1}\n\"" + strings.Repeat("x", 1<<20) + "\"\n{\"c\":3}\n", []string{`line 1={"a":1}`}, "line 2: longer than 1 MiB, the most a record may be"},
		{"[{\"a\":1}, \"" + strings.Repeat("x", 3<<20) + "\", {\"c\":3}]", []string{`item 1 of the JSON array={"a":1}`}, "item 2 of the JSON array: longer than 1 MiB"},
	} {
		got, err := collect(t, c.in)
		if strings.Join(got, "|") != strings.Join(c.want, "|") || (c.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("Each(%.80q) = %.200q, %v; want %q, error with %q", c.in, got, err, c.want, c.err)
		}
	}
	// Just under the limit, in either form: read.
	for _, in := range []string{"\"" + strings.Repeat("x", 1<<20-10) + "\"\n1\n", "[\"" + strings.Repeat("x", 1<<20-10) + "\", 1]"} {
		if got, err := collect(t, in); len(got) != 2 || err != nil {
			t.Errorf("a record just under the limit: %d records, %v", len(got), err)
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
