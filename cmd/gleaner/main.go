// Command gleaner polls RSS, Atom and JSON feeds, keeps the items about AI
// industry policy, stores them in SQLite and republishes them as one curated feed.
//
// main parses flags, wires each subcommand (one file each) to the parts that
// internal/app assembles, owns signals and the order of shutdown, and formats
// output.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	// The zone database, for sources' timezone = "Asia/Seoul" on hosts that have
	// none (minimal images, a static binary copied elsewhere); the host's own
	// is read first.
	_ "time/tzdata"

	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/internal/redact"
	"github.com/gleaner/gleaner/internal/term"
)

// env is what a command reads and writes besides files: it lets tests run
// commands in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// isTerminal reports whether a writer is a terminal (progress lines are
	// drawn on standard error only then); nil: ask the operating system.
	isTerminal func(io.Writer) bool

	statusOnce sync.Once
	statusLn   *term.StatusLine // see status

	// secrets is the command's -show-secrets, if it has one: what it prints,
	// its errors and config problems included, shows source URLs' secrets
	// only when asked to.
	secrets *redact.Output
}

// redacted is s as the command may print it: secrets of URLs in it redacted
// unless -show-secrets asked for them.
func (e *env) redacted(s string) string {
	if e.secrets != nil && e.secrets.Show {
		return s
	}
	return redact.String(s)
}

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(e *env, args []string) error
}

// errUsage marks errors whose message is already printed with usage.
var errUsage = errors.New("usage")

// exitError carries an exit status other than 1.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func commands() []command {
	return []command{
		{"run", "[-config F]", "run the daemon: poll sources, serve the curated feed", cmdRun},
		{"fetch", "[-config F]", "poll every source once now, store, print one line per source, exit", cmdFetch},
		{"check", "[-config F]", "validate and summarise the config", cmdCheck},
		{"sources", "[add|remove|import|export] ...", "show each source's polling state; add, remove, import, export sources", cmdSources},
		{"classify", "[-config F]", "classify JSON lines from stdin with the topic filter", cmdClassify},
		{"eval", "[-config F] FILE.jsonl", "measure the topic filter on a labeled file", cmdEval},
		{"topic", "show|train|diff [-config F] ...", "print the effective topic profile; learn its model; preview a new one's changes", cmdTopic},
		{"reclassify", "[-config F] [-since 720h]", "re-apply the topic profile to stored items", cmdReclassify},
		{"label", "URL|ENTRY-ID in|out [-note T]", "take a stored item into the curated feed or out of it", cmdLabel},
		{"labels", "[export] [-config F]", "list the curator's labels, or export them as JSON lines", cmdLabels},
		{"export", "[-config F] -out DIR", "write the curated feed's files to DIR for static hosting", cmdExport},
		{"stories", "[-config F] [-n 20]", "list recent stories grouped from several outlets", cmdStories},
		{"eval-stories", "[-config F] FILE.jsonl", "measure story grouping on a labeled file", cmdEvalStories},
		{"demo", "[-listen ADDR]", "run offline against built-in sample feeds", cmdDemo},
		{"version", "", "print the version", cmdVersion},
	}
}

func main() {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(e.main(os.Args[1:]))
}

// main runs the command named by args[0] and returns the exit status.
func (e *env) main(args []string) int {
	if len(args) == 0 {
		// No command: a usage error, reported as the others are, on stderr.
		e.usage(e.stderr)
		return 2
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		e.usage(e.stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(e, args[1:])
			var ee exitError
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			case errors.As(err, &ee):
				return ee.code
			}
			fmt.Fprintf(e.stderr, "gleaner %s: %s\n", c.name, e.redacted(err.Error()))
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "gleaner: unknown command %q\n\n", args[0])
	e.usage(e.stderr)
	return 2
}

func (e *env) usage(w io.Writer) {
	fmt.Fprintf(w, "gleaner %s: a curated feed of AI industry policy news\n\nUsage:\n", appVersion())
	for _, c := range commands() {
		fmt.Fprintf(w, "  gleaner %-28s %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	}
	fmt.Fprintf(w, "\nRun 'gleaner COMMAND -h' for a command's flags. The config file defaults to\n$GLEANER_CONFIG, else gleaner.toml.\n")
}

// flags is the flag set every command starts from.
type flags struct {
	*flag.FlagSet
	env       *env
	config    string
	logLevel  string
	logFormat string
}

func (e *env) newFlags(name, args, summary string, withConfig bool) *flags {
	f := &flags{FlagSet: flag.NewFlagSet("gleaner "+name, flag.ContinueOnError), env: e}
	f.SetOutput(e.stderr)
	if withConfig {
		def := e.getenv("GLEANER_CONFIG")
		if def == "" {
			def = "gleaner.toml"
		}
		f.StringVar(&f.config, "config", def, "config file ($GLEANER_CONFIG)")
	}
	f.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	f.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	f.Usage = func() {
		fmt.Fprintf(f.Output(), "Usage: gleaner %s %s\n\n%s\n\nFlags:\n", name, args, summary)
		f.PrintDefaults()
	}
	return f
}

// usageErr maps a flag parsing error to the command's result.
func usageErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return errUsage
}

func (f *flags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		return usageErr(err)
	}
	if err := f.checkLog(); err != nil {
		return err
	}
	if f.NArg() > 0 {
		fmt.Fprintf(f.Output(), "unexpected argument %q\n", f.Arg(0))
		if strings.HasSuffix(f.Arg(0), ".toml") && f.Lookup("config") != nil {
			fmt.Fprintf(f.Output(), "(a config file is named with -config %s)\n", f.Arg(0))
		}
		f.Usage()
		return errUsage
	}
	return nil
}

// checkLog refuses a bad -log-level or -log-format as a usage error, in every
// command, also in those that log nothing unless something goes wrong: a
// misspelled level would otherwise pass unseen until it mattered.
func (f *flags) checkLog() error {
	if _, err := app.NewLogger(io.Discard, f.logLevel, f.logFormat); err != nil {
		fmt.Fprintf(f.Output(), "%s: %v\n", f.Name(), err)
		return errUsage
	}
	return nil
}

// hasFlag reports whether args set -name (or --name, -name=...).
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		for _, p := range []string{"-" + name, "--" + name} {
			if a == p || len(a) > len(p) && a[:len(p)+1] == p+"=" {
				return true
			}
		}
	}
	return false
}

// parseMixed parses flags that may come before or after the positional
// arguments ("label URL out -note N" reads as well as "label -note N URL out"),
// and checks that exactly want positional arguments were given.
func (f *flags) parseMixed(args []string, want int) ([]string, error) {
	pos, err := f.parseInterleaved(args)
	if err != nil {
		return nil, err
	}
	if len(pos) != want {
		fmt.Fprintf(f.Output(), "%s: want %d argument(s), got %d\n", f.Name(), want, len(pos))
		f.Usage()
		return nil, errUsage
	}
	return pos, nil
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, and returns those arguments, however many.
func (f *flags) parseInterleaved(args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			return nil, usageErr(err)
		}
		if f.NArg() == 0 {
			return pos, f.checkLog()
		}
		pos = append(pos, f.Arg(0))
		args = f.Args()[1:]
	}
}

// openApp is how the one-shot commands (fetch, export, reclassify) start: the
// logger from the flags, the config, and the app, with a context that ends on
// SIGINT or SIGTERM. tune, if not nil, adjusts the app's options. close
// releases all of it.
func (f *flags) openApp(e *env, tune func(*app.Options)) (a *app.App, ctx context.Context, close func(), err error) {
	return f.openAppAfter(e, nil, tune)
}

// openAppAfter is openApp that runs check, if not nil, before the app is built
// (which writes the configured sources to the store): a command that must
// change nothing when its arguments are wrong checks them there.
func (f *flags) openAppAfter(e *env, check func(context.Context, *app.Config) error, tune func(*app.Options)) (a *app.App, ctx context.Context, close func(), err error) {
	log, err := f.logger(e.errOut())
	if err != nil {
		return nil, nil, nil, err
	}
	cfg, err := app.LoadConfig(f.config)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	if check != nil {
		if err := check(ctx, cfg); err != nil {
			stop()
			return nil, nil, nil, err
		}
	}
	o := app.Options{Log: log, Version: appVersion()}
	if tune != nil {
		tune(&o)
	}
	a, err = app.New(ctx, cfg, o)
	if err != nil {
		stop()
		return nil, nil, nil, err
	}
	return a, ctx, func() { a.Close(); stop() }, nil
}

// logger builds the process's logger from -log-level and -log-format.
func (f *flags) logger(w io.Writer) (*slog.Logger, error) {
	return app.NewLogger(w, f.logLevel, f.logFormat)
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
func (e *env) status() *term.StatusLine {
	e.statusOnce.Do(func() {
		isTerm := e.isTerminal
		if isTerm == nil {
			isTerm = term.IsTerminal
		}
		if isTerm(e.stderr) {
			e.statusLn = term.NewStatusLine(e.stderr)
		}
	})
	return e.statusLn
}

// newProgress shows the progress of long work on the status line, if any
// (term.NewProgress).
func (e *env) newProgress(verb string, total int, unit string) *term.Progress {
	return term.NewProgress(e.status(), verb, total, unit)
}
