package redact

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"fetch https://user:pa55@news.example/feed: 401": "fetch https://REDACTED@news.example/feed: 401",
		"https://tok3n@api.example/rss?x=1":              "https://REDACTED@api.example/rss?x=1",
		"https://a.example/feed?api_key=abc123&lang=ko":  "https://a.example/feed?api_key=REDACTED&lang=ko",
		"https://a.example/feed?lang=ko&token=abc#top":   "https://a.example/feed?lang=ko&token=REDACTED#top",
		"https://a.example/feed?Access_Token=xyz":        "https://a.example/feed?Access_Token=REDACTED",
		`"Nope" <https://a.example/feed?key=abc>: 404`:   `"Nope" <https://a.example/feed?key=REDACTED>: 404`,
		"https://a.example/feed?monkey=banana&page=2":    "https://a.example/feed?monkey=banana&page=2",
		// A user name that is an address: url.Parse splits at the last '@'.
		"fetch http://me@corp.example:Sup3rPW@h.example:81/loop: redirect loop": "fetch http://REDACTED@h.example:81/loop: redirect loop",
		"http://alice:Pa@SsW0rd@h.example/feed failed":                          "http://REDACTED@h.example/feed failed",
		"https://medium.example/@someone/feed and me@x.example":                 "https://medium.example/@someone/feed and me@x.example",
		// Words joined to password or secret, and x-api-key.
		"https://a.example/f?clientSecret=C1&userPassword=U2&apiSecret=A3&lang=ko":                                "https://a.example/f?clientSecret=REDACTED&userPassword=REDACTED&apiSecret=REDACTED&lang=ko",
		"https://a.example/f?X-Api-Key=K4&appsecret=S5":                                                           "https://a.example/f?X-Api-Key=REDACTED&appsecret=REDACTED",
		"fetch http://me:it's-hunter2@h.example/loop: redirect loop":                                              "fetch http://REDACTED@h.example/loop: redirect loop",
		"https://t.example/rss?torrent_pass=P1&passphrase=P2&id_token=P3&license_key=P4&client_secrets=P5&page=2": "https://t.example/rss?torrent_pass=REDACTED&passphrase=REDACTED&id_token=REDACTED&license_key=REDACTED&client_secrets=REDACTED&page=2",
		"mailto:someone@example.com and user@host are not URLs here":                                              "mailto:someone@example.com and user@host are not URLs here",
		// The punctuation after a URL in prose is no part of its secret.
		"https://a.example/f?token=S1, https://b.example/g?key=K2 both": "https://a.example/f?token=REDACTED, https://b.example/g?key=REDACTED both",
		"add https://a.example/feed?api_key=XYZ: already configured":    "add https://a.example/feed?api_key=REDACTED: already configured",
		"(see https://a.example/feed?token=a.b.c), then":                "(see https://a.example/feed?token=REDACTED), then",
		// ... but a secret's own punctuation is the secret's (a closing
		// bracket only when the secret opened one of its kind).
		"https://a.example/f?password=!!!: 401":      "https://a.example/f?password=REDACTED: 401",
		"https://a.example/f?key=p@ss! failed":       "https://a.example/f?key=REDACTED failed",
		"https://a.example/f?auth=(secret) failed":   "https://a.example/f?auth=REDACTED failed",
		"https://a.example/f?token=abc.def&lang=ko.": "https://a.example/f?token=REDACTED&lang=ko.",
		"[see https://a.example/f?token=abc123] now": "[see https://a.example/f?token=REDACTED] now",
		"[see https://a.example/f?token=a(b)c] now":  "[see https://a.example/f?token=REDACTED] now",
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

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.org/feed.xml":                                  "https://example.org/feed.xml",
		"https://example.org/feed?lang=ko&page=2":                       "https://example.org/feed?lang=ko&page=2",
		"https://alice:pw@example.org/feed":                             "https://example.org/feed",
		"https://ghp_token123@example.org/feed":                         "https://example.org/feed",
		"https://example.org/feed?api_key=abc&lang=ko":                  "https://example.org/feed?api_key=REDACTED&lang=ko",
		"https://example.org/feed?lang=ko&Token=abc&sig=x&Access-Token": "https://example.org/feed?lang=ko&Token=REDACTED&sig=REDACTED&Access-Token",
		"https://example.org/feed?access%5Ftoken=abc":                   "https://example.org/feed?access%5Ftoken=REDACTED",
		// Names services give their feeds' credentials (GitLab, trackers, S3), and ';'.
		"https://gitlab.example/a.atom?feed_token=glft-abc":                      "https://gitlab.example/a.atom?feed_token=REDACTED",
		"https://t.example/rss?passkey=abc&cat=1":                                "https://t.example/rss?passkey=REDACTED&cat=1",
		"https://s3.example/f.xml?X-Amz-Credential=c&X-Amz-Signature=s&x-id=Get": "https://s3.example/f.xml?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&x-id=Get",
		"https://example.org/feed?private_token=a&secret_key=b&monkey=banana":    "https://example.org/feed?private_token=REDACTED&secret_key=REDACTED&monkey=banana",
		"https://example.org/feed?a=1;token=abc;b=2":                             "https://example.org/feed?a=1;token=REDACTED", // to the '&'
		"https://example.org/feed?a=1&token=abc;defghi":                          "https://example.org/feed?a=1&token=REDACTED",
		"https://example.org/feed?sort_key=policy&page_token=p2&keyword=AI":      "https://example.org/feed?sort_key=policy&page_token=p2&keyword=AI",
		"tag:example.org,2024:feed":                                              "tag:example.org,2024:feed",
		"":                                                                       "",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecretsAndScrub(t *testing.T) {
	raw := "https://alice:s3cr3t+pw@example.org/feed?token=tok_abcdef&key=k1&lang=ko"
	got := Secrets(raw)
	for _, want := range []string{"s3cr3t+pw", "s3cr3t%2Bpw", "tok_abcdef"} {
		if !slices.Contains(got, want) {
			t.Errorf("Secrets(%q) = %q, lacks %q", raw, got, want)
		}
	}
	for _, short := range []string{"alice", "k1", "ko"} {
		if slices.Contains(got, short) {
			t.Errorf("Secrets lists %q, too short to scrub from text", short)
		}
	}
	text := `<a href="https://example.org/a/1?t=tok_abcdef">x</a> s3cr3t%2Bpw`
	if out := Scrub(text, got); strings.Contains(out, "tok_abcdef") || strings.Contains(out, "s3cr3t") {
		t.Errorf("Scrub left a secret: %q", out)
	}
	// Parameters named like secrets that are none, and plain words under a secret's
	// name: their values stay in the text.
	if got := Secrets("https://news.example/rss?sort_key=policy&category_key=regulation&page_token=abcdef&key=legislation"); len(got) != 0 {
		t.Errorf("ordinary parameters or words taken for secrets: %q", got)
	}
	// After ';', and under the names services give them (any word before password,
	// secret, credential); a value with ';' whole, and to the ';' too.
	for raw, want := range map[string]string{
		"https://example.org/feed?a=1&token=abc;defghi":                            "abc;defghi",
		"https://example.org/feed?api_key=QmXpRtZkLw":                              "QmXpRtZkLw", // letters, but no word
		"https://alice:Xkcdqwerty@example.org/feed":                                "Xkcdqwerty",
		"https://gcs.example/f.xml?X-Goog-Security-Token=tokABCDEF123":             "tokABCDEF123",
		"https://example.org/feed?a=1;token=tok_semicolon":                         "tok_semicolon",
		"https://gitlab.example/a.atom?feed_token=glft-abcdef123":                  "glft-abcdef123",
		"https://t.example/rss?passkey=pk_abcdef123":                               "pk_abcdef123",
		"https://jira.example/sr.xml?os_username=alice&os_password=hunter2hunter2": "hunter2hunter2",
		"https://example.org/feed?consumer_secret=cs_0123456789":                   "cs_0123456789",
		"https://example.org/feed?credential=cred_0123456789":                      "cred_0123456789",
		"https://example.org/feed?rss_token=rt_0123456789":                         "rt_0123456789",
		"https://example.org/feed?a=1;token=SECRET123;b=2":                         "SECRET123",
	} {
		if got := Secrets(raw); !slices.Contains(got, want) {
			t.Errorf("Secrets(%q) = %q, lacks %q", raw, got, want)
		}
		if got := URL(raw); strings.Contains(got, want) {
			t.Errorf("URL(%q) = %q", raw, got)
		}
	}
}

var errTest = errors.New("redact: test")

func TestOutput(t *testing.T) {
	u := "https://user:token@a.example/feed?key=k1&x=1"
	hidden := &Output{}
	if got := hidden.URL(u); got != "https://REDACTED@a.example/feed?key=REDACTED&x=1" {
		t.Errorf("URL: %q, want the userinfo marked REDACTED@, not dropped", got)
	}
	if got := hidden.URL("https://a.example/feed"); got != "https://a.example/feed" {
		t.Errorf("URL without secrets: %q", got)
	}
	err := fmt.Errorf("add: %w", errors.Join(errTest, errors.New("fetch "+u+": 404")))
	if got := hidden.Error(err); strings.Contains(got.Error(), "token") || strings.Contains(got.Error(), "k1") || !errors.Is(got, errTest) {
		t.Errorf("Error: %q, errors.Is %v", got, errors.Is(got, errTest))
	}
	if got := (&Output{Show: true}).Error(err); got != err {
		t.Errorf("-show-secrets Error: %v", got)
	}
	if got := hidden.String("fetch " + u + ": 404"); strings.Contains(got, "token") || strings.Contains(got, "k1") {
		t.Errorf("String: %q", got)
	}
	shown := &Output{Show: true}
	if shown.URL(u) != u || shown.String(u) != u {
		t.Errorf("-show-secrets: %q %q", shown.URL(u), shown.String(u))
	}
}

// TestScrubCutSecret: a secret cut short where its text was cut is replaced,
// with the cut's mark kept; the start of a secret in the middle of a text, or
// fewer than six bytes of it, is left alone.
func TestScrubCutSecret(t *testing.T) {
	secrets := []string{"s3cr3tTOKENabcdef0123"}
	for in, want := range map[string]string{
		"manage at https://x.example/?token=s3cr3tTOKENabcdef0123":     "manage at https://x.example/?token=REDACTED",
		"manage at https://x.example/?token=s3cr3tTOKENab…":            "manage at https://x.example/?token=REDACTED…",
		"manage at https://x.example/?token=s3cr3tTOKENab...":          "manage at https://x.example/?token=REDACTED...",
		"manage at https://x.example/?token=s3cr3t…":                   "manage at https://x.example/?token=REDACTED…",
		"manage at https://x.example/?token=s3cr3tTOKENab":             "manage at https://x.example/?token=s3cr3tTOKENab", // not cut
		"manage at https://x.example/?token=s3cr3":                     "manage at https://x.example/?token=s3cr3",
		"the s3cr3tTOKEN word in the middle stays, it is not at a cut": "the s3cr3tTOKEN word in the middle stays, it is not at a cut",
	} {
		if got := Scrub(in, secrets); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", in, got, want)
		}
	}
	// A source's user name is often a word: text that ends like it stays.
	user := Secrets("https://policywatch:Xy7Qp2Lm9Zr4@feeds.example.com/rss?api_key=reporter-2024-k")
	for _, in := range []string{"EU lawmakers agree on AI policy", "EU lawmakers agree on AI policy…",
		"https://example.com/news/ai-policy", "Read the full report.", "Read the full report…"} {
		if got := Scrub(in, user); got != in {
			t.Errorf("Scrub(%q) = %q: ordinary text changed", in, got)
		}
	}
}

// TestScrubAnySpelling: a feed's secret is scrubbed from text that repeats it
// with any of its characters percent-encoded, hex in either case: a secret
// holding '%', bytes that are no UTF-8, letters written as escapes.
func TestScrubAnySpelling(t *testing.T) {
	for _, c := range []struct{ feed, text string }{
		{"https://f.example/rss?token=" + url.QueryEscape("pa%ss/wd:12"), "link ?token=pa%25ss/wd%3A12 end"},
		{"https://f.example/rss?token=ab%FFcd%2Fef12", "x ab%ffcd%2Fef12 y"},
		{"https://f.example/rss?token=ab%FFcd%2Fef12", "x ab%FFcd%2fef12 y"},
		{"https://f.example/rss?token=" + url.QueryEscape("pässwörd/1"), "x pä%73sw%C3%B6rd%2F1 y"},
		{"https://f.example/rss?token=" + url.QueryEscape("my secret1"), "x my+secret1 and my%20secret1 y"},
	} {
		got := Scrub(c.text, Secrets(c.feed))
		if !strings.Contains(got, Placeholder) || strings.Contains(got, "12") && strings.Contains(c.text, "12") && !strings.Contains(got, Placeholder) {
			t.Errorf("Scrub(%q) for %s = %q", c.text, c.feed, got)
		}
		for _, part := range []string{"wd", "ef12", "rd", "secret1"} {
			if strings.Contains(c.text, part) && strings.Contains(got, part) {
				t.Errorf("Scrub(%q) for %s = %q: %q left", c.text, c.feed, got, part)
			}
		}
	}
	// Only the secret: text that shares its letters stays.
	if got := Scrub("the password was not pa-ss/wd:13", Secrets("https://f.example/rss?token="+url.QueryEscape("pa%ss/wd:12"))); got != "the password was not pa-ss/wd:13" {
		t.Errorf("unrelated text scrubbed: %q", got)
	}
}
