package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"fetch https://user:pa55@news.example/feed: 401":             "fetch https://REDACTED@news.example/feed: 401",
		"https://tok3n@api.example/rss?x=1":                          "https://REDACTED@api.example/rss?x=1",
		"https://a.example/feed?api_key=abc123&lang=ko":              "https://a.example/feed?api_key=REDACTED&lang=ko",
		"https://a.example/feed?lang=ko&token=abc#top":               "https://a.example/feed?lang=ko&token=REDACTED#top",
		"https://a.example/feed?Access_Token=xyz":                    "https://a.example/feed?Access_Token=REDACTED",
		"https://a.example/feed?monkey=banana&page=2":                "https://a.example/feed?monkey=banana&page=2",
		"mailto:someone@example.com and user@host are not URLs here": "mailto:someone@example.com and user@host are not URLs here",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
	var b bytes.Buffer
	log := Logger(slog.New(slog.NewJSONHandler(&b, nil))).With("base", "https://u:p@x.example/")
	log.Warn("poll failed https://u:p@x.example/a", "url", "https://u:p@x.example/feed?key=k",
		"error", errors.New("fetch https://u:p@x.example/feed: 500"), slog.Group("g", "u", "https://u:p@x.example/"),
		"list", []string{"https://u:p@x.example/"}, "n", 3)
	if strings.Contains(b.String(), "u:p") || strings.Contains(b.String(), "key=k") || strings.Count(b.String(), "REDACTED") != 7 {
		t.Errorf("secrets in the log line: %s", b.String())
	}
	if !strings.Contains(b.String(), `"n":3`) {
		t.Errorf("other values changed: %s", b.String())
	}
}
