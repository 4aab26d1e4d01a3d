package topic

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestReadInput guards how a line of classify input is read: plain text is a
// title, an object's own fields are read and others ignored, an id may be a
// number, and every error says in words what is wrong, without a byte of a
// broken UTF-8 character.
func TestReadInput(t *testing.T) {
	for _, tc := range []struct {
		line string
		want Input
		err  string
	}{
		{line: "  EU AI Act enters into force  ", want: Input{Title: "EU AI Act enters into force"}},
		{line: "[1, 2]", want: Input{Title: "[1, 2]"}},
		{line: `{"id": "a", "title": "T", "summary": "S", "content": "C", "lang": "en", "label": true}`,
			want: Input{ID: "a", Title: "T", Summary: "S", Content: "C", Lang: "en"}},
		{line: `{"id": 7, "title": "T", "url": "https://example.com/a", "kind": "policy"}`, want: Input{ID: "7", Title: "T"}},
		{line: `{"id": "d", "title": null}`, want: Input{ID: "d"}},
		// Other tools' names: read when gleaner's own is absent.
		{line: `{"id": "h", "headline": "H", "lead": "L", "body": "B"}`, want: Input{ID: "h", Title: "H", Summary: "L", Content: "B"}},
		{line: `{"title": "T", "description": "D", "content_html": "<p>C</p>"}`, want: Input{Title: "T", Summary: "D", Content: "<p>C</p>"}},
		{line: `{"title": "T", "summary": "S", "lead": "L", "text": "X"}`, want: Input{Title: "T", Summary: "S", Content: "X"}},
		{line: `{"headline": "H", "lead": 3}`, err: `field "lead": want a string`},
		{line: `{"titel": "AI Act passes", "lable": true}`, err: `unknown field "lable", "titel"; want id, title, summary, content`},
		{line: `{"title": 5}`, err: `field "title": want a string`},
		{line: `{"id": true, "title": "T"}`, err: `field "id": want a string or a number`},
		{line: `{"title": "국회" 인공지능}`, err: "not valid JSON (at byte 20): write an object such as"},
		{line: `{"title": "x"`, err: "not valid JSON: the object is not closed"},
		{line: `{"title": "x"} {}`, err: "not valid JSON: more after the object"},
	} {
		got, err := ReadInput([]byte(tc.line))
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.line, err, tc.err)
			} else if !utf8.ValidString(err.Error()) || strings.ContainsRune(err.Error(), utf8.RuneError) {
				t.Errorf("%s: error %q has a broken character", tc.line, err)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.line, err)
		case got != tc.want:
			t.Errorf("%s: %+v, want %+v", tc.line, got, tc.want)
		}
	}
}

func TestRepeatsTitle(t *testing.T) {
	for _, tc := range []struct {
		title, summary string
		want           bool
	}{
		{"EU AI Act enters into force - Reuters", "EU AI Act enters into force\u00a0\u00a0Reuters", true},
		{"과기정통부, AI 반도체 지원 - 연합뉴스", "과기정통부, AI 반도체 지원  연합뉴스", true},
		{"EU AI Act enters into force", "EU AI Act enters into force. By Jane Doe, Brussels bureau", true},
		{"EU AI Act enters into force", "EU AI Act enters", true},
		{"EU AI Act enters into force", "—", true},
		{"EU AI Act enters into force", "EU AI Act enters into force. The law's first rules apply from February, and the Commission will name the AI Office's head.", false},
		{"EU AI Act enters into force", "The European Union's AI Act entered into force on Thursday.", false},
		{"EU AI Act enters into force", "", false},
		{"", "The European Union's AI Act entered into force on Thursday.", false},
	} {
		if got := repeatsTitle(tc.title, tc.summary); got != tc.want {
			t.Errorf("repeatsTitle(%q, %q) = %v, want %v", tc.title, tc.summary, got, tc.want)
		}
	}
	// An item whose description repeats its headline is decided as the headline alone.
	c := mustDefault(t)
	const title = "국회, 인공지능 기본법 본회의 통과"
	alone := c.Classify(Doc{Title: title})
	repeated := c.Classify(Doc{Title: title, Summary: title + "  연합뉴스"})
	if alone.Score != repeated.Score || alone.Match != repeated.Match {
		t.Errorf("headline alone %.3f %v, with a description repeating it %.3f %v", alone.Score, alone.Match, repeated.Score, repeated.Match)
	}
}
