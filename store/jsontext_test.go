package store

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestStringsJSONDecodesLikeMarshal checks that what stringsJSON writes is valid
// JSON that decodes to what encoding/json's own encoding decodes to, for
// classifier reasons and for strings of every awkward byte.
func TestStringsJSONDecodesLikeMarshal(t *testing.T) {
	cases := [][]string{
		nil, {}, {""},
		{`title: "과기정통부" government +3.0`, `summary: "AI Act" law +2.0`, "near: government~ai (title) +1.5"},
		{"quote \" backslash \\ slash / <b>&amp;</b>", "ctl \x00\x01\x1f\x7f tab\t nl\n cr\r", "bad \xff\xfe utf8 \xe2\x82", "sep \u2028 \u2029 end"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "가", "\"", "\\", "\n", "\x00", "\x1f", "\x7f", "\xff", "\xe2\x80", "\u2028", "é", "𝄞", "<", "&", " "}
	for range 5000 {
		n := rng.IntN(4)
		var c []string
		for range n {
			var b strings.Builder
			for range rng.IntN(12) {
				b.WriteString(alphabet[rng.IntN(len(alphabet))])
			}
			c = append(c, b.String())
		}
		cases = append(cases, c)
	}
	for _, c := range cases {
		got := stringsJSON(nil, c)
		if !json.Valid(got) {
			t.Fatalf("stringsJSON(%q) = %s: not valid JSON", c, got)
		}
		var a, b []string
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(append([]string{}, c...)) // nil would be null
		if err := json.Unmarshal(want, &b); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a, b) || a == nil {
			t.Fatalf("stringsJSON(%q) decodes to %q; Marshal's encoding decodes to %q", c, a, b)
		}
	}
}
