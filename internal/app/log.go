package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/gleaner/gleaner/internal/redact"
)

// NewLogger returns a logger that writes to w at level ("debug", "info",
// "warn", "error") in format ("text" or "json"), with credentials in URLs
// redacted (internal/redact). Errors name the flags -log-level and
// -log-format, which every command sets them from.
func NewLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("-log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return redact.Logger(slog.New(slog.NewTextHandler(w, opts))), nil
	case "json":
		return redact.Logger(slog.New(slog.NewJSONHandler(w, opts))), nil
	}
	return nil, fmt.Errorf("-log-format %q: want text or json", format)
}

// LevelAtLeast returns a handler that passes on the records of h at or above
// min only.
func LevelAtLeast(h slog.Handler, min slog.Level) slog.Handler { return levelAtLeast{h, min} }

type levelAtLeast struct {
	slog.Handler
	min slog.Level
}

func (l levelAtLeast) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= l.min && l.Handler.Enabled(ctx, level)
}

func (l levelAtLeast) WithAttrs(as []slog.Attr) slog.Handler {
	return levelAtLeast{l.Handler.WithAttrs(as), l.min}
}

func (l levelAtLeast) WithGroup(name string) slog.Handler {
	return levelAtLeast{l.Handler.WithGroup(name), l.min}
}
