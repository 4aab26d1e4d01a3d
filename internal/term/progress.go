// Package term draws the command line's output on a terminal: a status line
// that shows the progress of long work beneath the log lines, and tables whose
// columns line up for wide (Hangul, CJK) characters.
package term

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// StatusLine is a terminal's last line, showing the progress of long work
// ("fetch 120/1000 sources, 35/s") and rewriting itself; whatever else is
// written through it (log lines) goes above it. A command makes one only when
// standard error is a terminal (IsTerminal); otherwise nothing extra is
// written.
type StatusLine struct {
	mu   sync.Mutex
	w    io.Writer
	line string // shown now; "" for none
}

// NewStatusLine returns the status line of the terminal w.
func NewStatusLine(w io.Writer) *StatusLine { return &StatusLine{w: w} }

// Write writes p above the status line.
func (s *StatusLine) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.line == "" {
		return s.w.Write(p)
	}
	if _, err := io.WriteString(s.w, "\r\x1b[K"); err != nil {
		return 0, err
	}
	n, err := s.w.Write(p)
	if err == nil {
		_, err = io.WriteString(s.w, s.line)
	}
	return n, err
}

// Set shows line in place of the previous one; "" clears it.
func (s *StatusLine) Set(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if line == "" && s.line == "" {
		return
	}
	io.WriteString(s.w, "\r\x1b[K"+line)
	s.line = line
}

// IsTerminal reports whether w is a terminal that can redraw a line.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb"
}

// Progress counts units of long work ("sources", "items") and shows
// "VERB done/total UNIT, rate/s" on a status line, at most ten times a
// second; or, for work in steps, "VERB done/total: STEP, elapsed". Without a
// status line, and when nil, it does nothing.
type Progress struct {
	s           *StatusLine
	verb, unit  string
	total       int
	start, last time.Time
	mu          sync.Mutex
	done        int
	step        string // the step under way, for work in steps
}

// NewProgress starts counting on s, which may be nil; total 0 means unknown.
// For work in steps, unit is "" and total the number of steps.
func NewProgress(s *StatusLine, verb string, total int, unit string) *Progress {
	p := &Progress{s: s, verb: verb, unit: unit, total: total, start: time.Now()}
	if unit != "" {
		p.draw(true) // a count shows 0/total at once; steps show as Next starts them
	}
	return p
}

// Add counts n more units done.
func (p *Progress) Add(n int) {
	if p == nil || p.s == nil {
		return
	}
	p.mu.Lock()
	p.done += n
	p.mu.Unlock()
	p.draw(false)
}

// Next starts the next step of work in steps.
func (p *Progress) Next(step string) {
	if p == nil || p.s == nil {
		return
	}
	p.mu.Lock()
	p.done++
	p.step = step
	p.mu.Unlock()
	p.draw(true)
}

// draw shows the count, unless it was shown less than a tenth of a second ago.
func (p *Progress) draw(force bool) {
	if p.s == nil {
		return
	}
	p.mu.Lock()
	now := time.Now()
	if !force && now.Sub(p.last) < 100*time.Millisecond && p.done != p.total {
		p.mu.Unlock()
		return
	}
	p.last = now
	line := p.lineLocked(now)
	p.mu.Unlock()
	p.s.Set(line)
}

func (p *Progress) lineLocked(now time.Time) string {
	var b strings.Builder
	b.WriteString(p.verb + " ")
	if p.step != "" {
		fmt.Fprintf(&b, "%d/%d: %s, %.1fs", p.done, p.total, p.step, now.Sub(p.start).Seconds())
		return b.String()
	}
	if p.total > 0 {
		fmt.Fprintf(&b, "%d/%d %s", p.done, p.total, p.unit)
	} else {
		fmt.Fprintf(&b, "%d %s", p.done, p.unit)
	}
	if secs := now.Sub(p.start).Seconds(); secs >= 0.5 {
		fmt.Fprintf(&b, ", %.0f/s", float64(p.done)/secs)
	}
	return b.String()
}

// Stop clears the line.
func (p *Progress) Stop() {
	if p != nil && p.s != nil {
		p.s.Set("")
	}
}
