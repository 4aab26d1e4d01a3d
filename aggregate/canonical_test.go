package aggregate

import "testing"

func TestCanonicalURL(t *testing.T) {
	for in, want := range map[string]string{
		"HTTPS://News.Example:443/a?utm_source=rss&id=7#top": "https://news.example/a?id=7",
		"http://news.example:80":                             "http://news.example/",
		// A user name reads as the host it is not; a password is no article's.
		"https://trusted.example@evil.example/a":  "https://evil.example/a",
		"https://user:pw@news.example/a?fbclid=x": "https://news.example/a",
		"/relative/path": "/relative/path",
	} {
		if got := CanonicalURL(in); got != want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", in, got, want)
		}
	}
}
