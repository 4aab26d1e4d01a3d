package publish

import "testing"

// TestWantsJSON reads Accept headers as clients send them, quality values
// included: application/json;q=0 refuses JSON, and JSON preferred to HTML by
// quality wins even when HTML is listed.
func TestWantsJSON(t *testing.T) {
	for _, c := range []struct {
		accept []string
		want   bool
	}{
		{nil, false},
		{[]string{"application/json"}, true},
		{[]string{"application/json; charset=utf-8"}, true},
		{[]string{"application/json;q=0"}, false},
		{[]string{"application/json;q=0, text/plain"}, false},
		{[]string{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, false}, // a browser
		{[]string{"text/html;q=0.1, application/json"}, true},
		{[]string{"application/json, text/html"}, false},
		{[]string{"text/html", "application/json;q=0.5"}, false},
		{[]string{"application/json;q=bad"}, false},
		{[]string{"*/*"}, false},
	} {
		if got := wantsJSON(c.accept); got != c.want {
			t.Errorf("wantsJSON(%q) = %v, want %v", c.accept, got, c.want)
		}
	}
}
