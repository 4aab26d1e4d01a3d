package textcut

import "testing"

func TestPrefix(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"정부가", 4, "정"}, // a cut inside 부 steps back to its start
		{"정부가", 3, "정"},
		{"정부가", 2, ""},
		{"abc", 5, "abc"},
		{"abc", 2, "ab"},
		{"", 0, ""},
	} {
		if got := Prefix(tc.s, tc.n); got != tc.want {
			t.Errorf("Prefix(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}
