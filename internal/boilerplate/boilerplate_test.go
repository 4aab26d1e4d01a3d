package boilerplate

import "testing"

func TestStrip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Article URL: https://example.com/eu-ai-act Comments URL: https://news.ycombinator.com/item?id=41234567 Points: 12 # Comments: 3", ""},
		{"Comments", ""},
		{"Read more", ""},
		{"", ""},
		{"submitted by /u/someone [link] [comments]", ""},
		{"arXiv:2401.12345v1 Announce Type: new Abstract: We audit AI systems under the EU AI Act.", "We audit AI systems under the EU AI Act."},
		{"The draft is at https://example.eu/draft.pdf and www.example.eu for comment.", "The draft is at   and   for comment."},
		{"정부가 발표했다.", "정부가 발표했다."},
		{"The Senate voted 99-1.", "The Senate voted 99-1."},
		// Words of a lead that look like the labels stay.
		{"Lawmakers scored points: the bill passed.", "Lawmakers scored points: the bill passed."},
	} {
		if got := Strip(tc.in); got != tc.want {
			t.Errorf("Strip(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestIsEmpty(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"Comments", true},
		{"submitted by /u/someone [link] [comments]", true},
		{"Article URL: https://example.com/a Comments URL: https://news.ycombinator.com/item?id=1 Points: 1 # Comments: 0", true},
		{"The European Commission proposed on Wednesday to delay parts of the AI Act.", false},
		{"정부가 발표했다.", false},
	} {
		if got := IsEmpty(tc.in); got != tc.want {
			t.Errorf("IsEmpty(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
