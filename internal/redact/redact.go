// Package redact keeps the secrets of source URLs out of what leaves gleaner:
// source URLs may carry credentials (https://user:token@host/feed) or API keys
// in their query, and they would reach the logs (as attributes and inside error
// messages), the published feeds and status pages, and the CLI's output.
package redact

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// handler rewrites every string, error and Stringer value, and the message,
// before the wrapped handler sees them.
type handler struct{ h slog.Handler }

// Logger returns a logger that writes what l writes, secrets removed.
func Logger(l *slog.Logger) *slog.Logger { return slog.New(handler{l.Handler()}) }

// secretNames are the query parameters whose values are credentials: a
// password, secret, credential or signature whatever words come before it,
// joined or not (os_password, consumer_secret, clientSecret, userPassword,
// X-Amz-Signature, X-Amz-Credential); a token or key alone or after the words
// services put before them (api_key, access_token, feed_token as GitLab names
// it, rss_token, personal_access_token, subscription-key, x-api-key; with
// '_', '-', '.' or nothing), but not after any word (sort_key, page_token
// name no secret); passkey (trackers), and short ones. Not a word that merely
// ends in key (monkey); a pass after a word (torrent_pass), a passphrase, an
// id or licence token or key.
const secretNames = `[a-z0-9_.-]*(?:password|passwd|passphrase|secret|secrets|credential|credentials|signature)` +
	`|token|key|pwd|auth|sig|passkey|[a-z0-9_.-]*[_.-]pass` +
	`|(?:x[_.-])?(?:api|access|auth|feed|private|client|session|refresh|bearer|app|user|secret|oauth|rss|personal[_.-]?access|subscription|consumer|security|id|license|licence|x-amz-security|x-goog-security)[_.-]?(?:token|key)`

var (
	// Up to the last '@' before the path, as url.Parse splits: a user name may
	// be an address of its own (me@corp.example:PASSWORD@host).
	// A quote is allowed too (url.Parse takes it in a password); a space or
	// '"' ends the match, so prose around a URL is not taken in.
	userinfoRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#\s"<>]+@`)
	secretRE   = regexp.MustCompile(`(?i)([?&;](?:` + secretNames + `)=)[^&#\s"'<>]+`)
	secretName = regexp.MustCompile(`(?i)^(?:` + secretNames + `)$`)
)

// Placeholder stands where a secret was.
const Placeholder = "REDACTED"

// String removes URL credentials and secret query values from free text, such
// as a log message or an error.
func String(s string) string {
	s = userinfoRE.ReplaceAllString(s, "${1}"+Placeholder+"@")
	m := secretRE.FindAllStringSubmatchIndex(s, -1)
	if m == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, x := range m {
		end := x[1]
		// The punctuation that ends a sentence or a clause after a URL in prose
		// ("...?token=X, and", "...?api_key=X: already configured") is no part of
		// the value when a space, a quote or the end follows it (it was redacted
		// with the value); the value keeps at least a character, so that a secret
		// of punctuation is still redacted.
		if end == len(s) || strings.IndexByte(" \t\r\n\"'<>", s[end]) >= 0 {
			for end-1 > x[3] {
				c := s[end-1]
				// A closing bracket is the prose's when the value opened none of
				// its kind ("(see ...?token=X)"), the secret's when it did
				// ("(secret)"). (A secret ending in an unopened bracket shows
				// that one character: the prose reading is the likelier.)
				open := map[byte]string{')': "(", ']': "[", '}': "{"}[c]
				if strings.IndexByte(".,;:", c) < 0 && (open == "" || strings.Contains(s[x[3]:end-1], open)) {
					break
				}
				end--
			}
		}
		b.WriteString(s[last:x[3]])
		b.WriteString(Placeholder)
		b.WriteString(s[end:x[1]])
		last = x[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// URL returns the public form of a URL: without its userinfo, and with the
// value of each secret query parameter replaced by Placeholder. A URL with no
// secret is returned as it is; one that does not parse goes through String.
func URL(raw string) string { return redactURL(raw, false) }

// Marked is URL that keeps a sign of the userinfo it removes: it shows
// https://REDACTED@host/... where URL shows https://host/..., so that whoever
// reads or copies it (an operator, an exported OPML file) sees that the source
// needs credentials.
func Marked(raw string) string { return redactURL(raw, true) }

func redactURL(raw string, mark bool) string {
	u, err := url.Parse(raw)
	if err != nil {
		return String(raw)
	}
	changed := u.User != nil
	u.User = nil
	if changed && mark {
		u.User = url.User(Placeholder)
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, p := range parts {
			// A secret's value runs to the next '&', ';' in it included; a
			// parameter of another name may hold more after ';' (a=1;token=...),
			// as String's pattern and some servers read it.
			subs := strings.Split(p, ";")
			for j, sp := range subs {
				name, _, ok := strings.Cut(sp, "=")
				if n, err := url.QueryUnescape(name); err == nil && ok && secretName.MatchString(n) {
					subs = append(subs[:j], name+"="+Placeholder)
					changed = true
					break
				}
			}
			parts[i] = strings.Join(subs, ";")
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	if !changed {
		return raw
	}
	return u.String()
}

// Output is how a command's output shows source URLs: with their secrets
// redacted, as the logs show them, unless Show (gleaner's -show-secrets). The
// output ends up in terminals' scrollback, cron mails and bug reports.
type Output struct{ Show bool }

// URL is the source URL u as the output shows it: Marked, so that
// credentials left out are seen to be missing.
func (o *Output) URL(u string) string {
	if o.Show {
		return u
	}
	return Marked(u)
}

// String is a message that may quote source URLs, as the output shows it.
func (o *Output) String(s string) string {
	if o.Show {
		return s
	}
	return String(s)
}

// Error is err as the output shows it: its message redacted as String
// redacts, err itself still found by errors.Is and errors.As.
func (o *Output) Error(err error) error {
	if err == nil || o.Show {
		return err
	}
	if msg := String(err.Error()); msg != err.Error() {
		return redactedError{msg, err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }

// Secrets lists the secret values a URL carries: its userinfo's user and
// password, and the values of its secret query parameters, each at least six
// bytes long (shorter ones would match ordinary text). Published text that
// repeats one (a feed that echoes its token into its links) is cleaned with
// Scrub.
func Secrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []string
	// A feed that repeats its secret writes it as it likes. Listed are the
	// value as it decodes, as the configured URL spells it and query-escaped;
	// Scrub matches each of them with any character percent-encoded too
	// (spelled), which covers other encoders and either case of hex.
	add := func(forms ...string) {
		if len(forms[0]) < 6 {
			return
		}
		for _, f := range forms {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	if u.User != nil {
		add(u.User.Username(), url.QueryEscape(u.User.Username()))
		if p, ok := u.User.Password(); ok {
			add(p, url.QueryEscape(p))
		}
	}
	for _, kv := range strings.Split(u.RawQuery, "&") {
		// As redactURL reads it: the value to the next '&', or, after a
		// parameter of another name and ';', to the end of the '&' part.
		for sp := kv; sp != ""; {
			name, raw, _ := strings.Cut(sp, "=")
			if n, err := url.QueryUnescape(name); err == nil && secretName.MatchString(n) {
				if v, err := url.QueryUnescape(raw); err == nil && !plainWord(v) {
					add(v, raw, url.QueryEscape(v))
				}
				// A server that reads ';' as '&' takes the value to it.
				if head, _, ok := strings.Cut(raw, ";"); ok {
					if v, err := url.QueryUnescape(head); err == nil && !plainWord(v) {
						add(v, head, url.QueryEscape(v))
					}
				}
				break
			}
			_, sp, _ = strings.Cut(sp, ";")
		}
	}
	return out
}

// plainWord reports whether a query value s is written as a word is, letters
// alone, shorter than 12, in lower case or capitalised (legislation, Policy):
// a value Scrub would take out of prose, where a credential of that shape
// would be guessed anyway. QmXpRtZkLw is no word.
func plainWord(s string) bool {
	if len(s) >= 12 {
		return false
	}
	for i, r := range s {
		if !unicode.IsLetter(r) || i > 0 && unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// Scrub replaces every occurrence of the given secrets in s by Placeholder.
//
// A secret cut short where the text was cut (a summary truncated at 400 runes,
// "…?token=s3cr3tTOK…") is replaced too: text that ends with a cut's mark (an
// ellipsis) after the first six bytes or more of a secret, where a URL puts one
// (after '=', ':', '/' or '@'). Text that merely ends like a secret's start
// ("AI policy" beside a source user "policywatch") is left alone.
func Scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Placeholder)
		}
		if strings.ContainsAny(s, "%+") {
			// Escaped otherwise than the spellings Secrets lists (Python's
			// quote keeps '/', JavaScript's encodeURIComponent writes a space
			// as %20 and '+' as %2B, hex in either case): any byte of the
			// secret as itself or as %XX, a space also as '+'.
			s = spelled(sec).ReplaceAllString(s, Placeholder)
		}
		s = scrubCutEnd(s, sec)
	}
	return s
}

var spellings sync.Map // secret -> *regexp.Regexp

// spelled is the pattern of sec written with any of its characters
// percent-encoded, in either case of hex (a character of several bytes as the
// escapes of all of them; a byte that is no UTF-8 only as its escape, as text
// cannot hold it; a space also as '+').
func spelled(sec string) *regexp.Regexp {
	if re, ok := spellings.Load(sec); ok {
		return re.(*regexp.Regexp)
	}
	var b strings.Builder
	for i := 0; i < len(sec); {
		r, n := utf8.DecodeRuneInString(sec[i:])
		b.WriteString("(?:")
		if r != utf8.RuneError || n > 1 {
			b.WriteString(regexp.QuoteMeta(sec[i : i+n]))
			b.WriteString("|")
		}
		for _, c := range []byte(sec[i : i+n]) {
			fmt.Fprintf(&b, "%%(?i:%02x)", c)
		}
		if r == ' ' {
			b.WriteString(`|\+`)
		}
		b.WriteString(")")
		i += n
	}
	re := regexp.MustCompile(b.String())
	spellings.Store(sec, re)
	return re
}

// minCut is the shortest start of a secret that Scrub replaces at the end of a
// text: as long as the shortest secret (see Secrets).
const minCut = 6

func scrubCutEnd(s, sec string) string {
	body := strings.TrimRight(s, " .…")
	if mark := s[len(body):]; !strings.Contains(mark, "…") && !strings.Contains(mark, "...") {
		return s // not cut
	}
	for k := len(sec) - 1; k >= minCut; k-- {
		if strings.HasSuffix(body, sec[:k]) {
			if at := len(body) - k; at > 0 && strings.IndexByte("=:/@", body[at-1]) >= 0 {
				return body[:at] + Placeholder + s[len(body):]
			}
			return s
		}
	}
	return s
}

func (r handler) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r handler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r handler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = redactAttr(a)
	}
	return handler{r.h.WithAttrs(red)}
}

func (r handler) WithGroup(name string) slog.Handler { return handler{r.h.WithGroup(name)} }

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		red := make([]any, len(g))
		for i, ga := range g {
			red[i] = redactAttr(ga)
		}
		return slog.Group(a.Key, red...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, String(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, String(x.String()))
		case []string:
			red := make([]string, len(x))
			for i, s := range x {
				red[i] = String(s)
			}
			return slog.Any(a.Key, red)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
