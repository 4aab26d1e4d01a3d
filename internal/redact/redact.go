// Package redact keeps secrets out of logs: source URLs may carry credentials
// (https://user:token@host/feed) or API keys in their query, and they reach the
// logs both as attributes and inside error messages.
package redact

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
)

// handler rewrites every string, error and Stringer value, and the message,
// before the wrapped handler sees them.
type handler struct{ h slog.Handler }

// Logger returns a logger that writes what l writes, secrets removed.
func Logger(l *slog.Logger) *slog.Logger { return slog.New(handler{l.Handler()}) }

var (
	userinfoRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#@\s"']+@`)
	secretRE   = regexp.MustCompile(`(?i)([?&;](?:api[_-]?key|apikey|key|token|access[_-]?token|auth|secret|password|passwd|pwd|sig|signature|client[_-]?secret)=)[^&#\s"']+`)
)

// String removes URL credentials and secret query values from s.
func String(s string) string {
	s = userinfoRE.ReplaceAllString(s, "${1}REDACTED@")
	return secretRE.ReplaceAllString(s, "${1}REDACTED")
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
