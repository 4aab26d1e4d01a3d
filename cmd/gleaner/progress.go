package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// statusLine is standard error when it is a terminal: one line at its bottom
// shows the progress of long work ("fetch 120/1000 sources, 35/s") and
// rewrites itself, and whatever else is written there (log lines) goes above
// it. When standard error is not a terminal there is no statusLine and
// nothing extra is written.
type statusLine struct {
	mu   sync.Mutex
	w    io.Writer
	line string // shown now; "" for none
}

// Write writes p above the status line.
func (s *statusLine) Write(p []byte) (int, error) {
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

// set shows line in place of the previous one; "" clears it.
func (s *statusLine) set(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if line == "" && s.line == "" {
		return
	}
	io.WriteString(s.w, "\r\x1b[K"+line)
	s.line = line
}

// isTerminal reports whether w is a terminal that can redraw a line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb"
}

// errOut is where a command writes logs and messages: standard error, through
// the status line when there is one.
func (e *env) errOut() io.Writer {
	if s := e.status(); s != nil {
		return s
	}
	return e.stderr
}

// status returns the status line of standard error, nil when it is not a
// terminal.
func (e *env) status() *statusLine {
	e.statusOnce.Do(func() {
		term := e.isTerminal
		if term == nil {
			term = isTerminal
		}
		if term(e.stderr) {
			e.statusLn = &statusLine{w: e.stderr}
		}
	})
	return e.statusLn
}

// progress counts units of long work ("sources", "items") and shows
// "VERB done/total UNIT, rate/s" on the status line, at most ten times a
// second; or, for work in steps, "VERB done/total: STEP, elapsed". Without a
// status line it does nothing.
type progress struct {
	s           *statusLine
	verb, unit  string
	total       int
	start, last time.Time
	mu          sync.Mutex
	done        int
	step        string // the step under way, for work in steps
}

// newProgress starts counting; total 0 means unknown. For work in steps,
// unit is "" and total the number of steps.
func (e *env) newProgress(verb string, total int, unit string) *progress {
	p := &progress{s: e.status(), verb: verb, unit: unit, total: total, start: time.Now()}
	if unit != "" {
		p.draw(true) // work in steps shows its first step
	}
	return p
}

// add counts n more units done.
func (p *progress) add(n int) {
	if p == nil || p.s == nil {
		return
	}
	p.mu.Lock()
	p.done += n
	p.mu.Unlock()
	p.draw(false)
}

// next starts the next step of work in steps.
func (p *progress) next(step string) {
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
func (p *progress) draw(force bool) {
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
	p.s.set(line)
}

func (p *progress) lineLocked(now time.Time) string {
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

// stop clears the line.
func (p *progress) stop() {
	if p != nil && p.s != nil {
		p.s.set("")
	}
}
