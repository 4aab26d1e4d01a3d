package term

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"
)

// TestTableLinesUpWideCharacters guards that columns are measured as a
// terminal draws them: Hangul takes two columns, so the third column starts
// at the same place on every row; no row ends in spaces; cells are plain lines.
func TestTableLinesUpWideCharacters(t *testing.T) {
	tb := NewTable("  ", 2)
	tb.Row("1", "연합뉴스", "https://a.example/")
	tb.Row("2", "Reuters", "https://b.example/", "")
	tb.Row("10", "evil\x1b[31m\u202e", "https://c.example/")
	var b bytes.Buffer
	if err := tb.Print(&b); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(rows) != 3 {
		t.Fatalf("%d rows:\n%s", len(rows), b.String())
	}
	var col []int
	for _, r := range rows {
		if !strings.HasPrefix(r, "  ") || strings.HasSuffix(r, " ") {
			t.Errorf("row %q: want the indent and no trailing space", r)
		}
		if strings.ContainsAny(r, "\x1b\u202e") {
			t.Errorf("row %q carries a control or bidi character", r)
		}
		i := strings.Index(r, "https://")
		col = append(col, runewidth.StringWidth(r[:i]))
	}
	if col[0] != col[1] || col[1] != col[2] {
		t.Errorf("the URL column starts at display columns %v:\n%s", col, b.String())
	}
}

// TestProgressOnStatusLine guards what the status line shows: the count at
// once and when the work is done, writes above it, and nothing once stopped.
func TestProgressOnStatusLine(t *testing.T) {
	var b bytes.Buffer
	s := NewStatusLine(&b)
	p := NewProgress(s, "fetch", 2, "sources")
	if got := b.String(); got != "\r\x1b[Kfetch 0/2 sources" {
		t.Errorf("at start: %q", got)
	}
	s.Write([]byte("a log line\n"))
	if got := b.String(); !strings.HasSuffix(got, "\r\x1b[Ka log line\nfetch 0/2 sources") {
		t.Errorf("a write: %q, want it above the status line, which is drawn again", got)
	}
	p.Add(1)
	p.Add(1) // the last unit is always drawn
	if got := b.String(); !strings.Contains(got, "fetch 2/2 sources") {
		t.Errorf("done: %q", got)
	}
	p.Stop()
	if got := b.String(); !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("stopped: %q, want the line cleared", got)
	}
	n := b.Len()
	p.Stop()
	s.Write([]byte("x\n"))
	if got := b.String()[n:]; got != "x\n" {
		t.Errorf("after stop: %q, want the write alone", got)
	}

	steps := NewProgress(s, "export", 2, "")
	steps.Next("opening the database")
	if got := b.String(); !strings.Contains(got, "export 1/2: opening the database, ") {
		t.Errorf("a step: %q", got)
	}
}

// TestProgressWithoutTerminal guards that without a status line, or as a nil
// *Progress, progress writes nothing and does not fail.
func TestProgressWithoutTerminal(t *testing.T) {
	p := NewProgress(nil, "fetch", 2, "sources")
	p.Add(1)
	p.Next("x")
	p.Stop()
	var none *Progress
	none.Add(1)
	none.Next("x")
	none.Stop()
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "-"},
		{now.Add(-45 * time.Second), "45s ago"},
		{now.Add(-3 * time.Minute), "3m ago"},
		{now.Add(-90 * time.Minute), "1h30m ago"},
		{now.Add(-50 * time.Hour), "2d ago"},
		{now.Add(500 * time.Millisecond), "now"},
		{now.Add(12 * time.Minute), "in 12m"},
		{now.Add(3 * time.Hour), "in 3h00m"},
	} {
		if got := Ago(tc.t, now); got != tc.want {
			t.Errorf("Ago(%v): %q, want %q", now.Sub(tc.t), got, tc.want)
		}
	}
	if got := OneLine(" fetch x: 503\n\tService  Unavailable "); got != "fetch x: 503 Service Unavailable" {
		t.Errorf("OneLine: %q", got)
	}
}
