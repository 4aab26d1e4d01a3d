package publish

import (
	"bytes"
	"html/template"
	"strconv"
	"time"
)

// clock writes the times of one HTML rendering: in the display zone
// (Options.Location), and relative to the moment it was rendered where people
// scan ("2 h ago"), with the absolute time beside it in a title and the
// instant in <time datetime>.
type clock struct {
	loc *time.Location
	now time.Time // zero: no relative times (a static export, a story page)
}

// pageRefresh is how long a rendering with relative times is served before it
// is rendered again: its finest unit is a minute.
const pageRefresh = time.Minute

// date is t in the display zone, "2026-05-03 15:04 KST"; "—" when unknown.
func (c clock) date(v any) string {
	t := timeOf(v)
	if t.IsZero() {
		return "—"
	}
	return t.In(c.loc).Format("2006-01-02 15:04 MST")
}

// ago is how long before (or after) the rendering t is: "just now", "5 min
// ago", "3 h ago", "2 d ago", "in 14 min"; the date when the rendering has no
// moment of its own, "—" when t is unknown.
func (c clock) ago(v any) string {
	t := timeOf(v)
	switch {
	case t.IsZero():
		return "—"
	case c.now.IsZero():
		return c.date(t)
	}
	d := c.now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var n string
	switch {
	case d < time.Minute:
		if future {
			return "in under a minute"
		}
		return "just now"
	case d < time.Hour:
		n = strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		n = strconv.Itoa(int(d/time.Hour)) + " h"
	default:
		n = strconv.Itoa(int(d/(24*time.Hour))) + " d"
	}
	if future {
		return "in " + n
	}
	return n + " ago"
}

// due is when a poll is due: "in 14 min", or "now" once its time has come
// (it waits for the next round).
func (c clock) due(v any) string {
	if t := timeOf(v); !t.IsZero() && !c.now.IsZero() && !t.After(c.now) {
		return "now"
	}
	return c.ago(v)
}

// zone names the display zone for a footer: "KST (Asia/Seoul)", "UTC".
func (c clock) zone() string {
	at := c.now
	if at.IsZero() {
		at = time.Now()
	}
	abbr, _ := at.In(c.loc).Zone()
	if name := c.loc.String(); name != abbr && name != "Local" {
		return abbr + " (" + name + ")"
	}
	return abbr
}

// timeOf is a time or a pointer to one (status times are nil when unknown).
func timeOf(v any) time.Time {
	switch v := v.(type) {
	case time.Time:
		return v
	case *time.Time:
		if v != nil {
			return *v
		}
	}
	return time.Time{}
}

// execute runs template t on data with c's time functions and any others of
// this rendering (see templateFuncs).
func execute(t *template.Template, c clock, data any, funcs template.FuncMap) ([]byte, error) {
	t, err := t.Clone()
	if err != nil {
		return nil, err
	}
	t.Funcs(template.FuncMap{"date": c.date, "ago": c.ago, "due": c.due, "zone": c.zone}).Funcs(funcs)
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
