package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/aggregate/sanitize"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/internal/redact"
	"github.com/gleaner/gleaner/internal/term"
)

const sourcesUsage = `Show each source's polling state, or edit the [[source]] blocks of the config file.

  gleaner sources [-config F] [-show-secrets]
      per source: state, last attempt, last success, HTTP status, consecutive errors,
      next fetch, items seen and kept (each once), current URL after permanent redirects, last error
  gleaner sources add [-config F] [-name N] [-interval D] [-timezone TZ] [-no-check] URL
      fetch URL (a feed, or a page that advertises one), then append a [[source]] block;
      with -no-check, append URL as it is without fetching it (offline)
  gleaner sources remove [-config F] URL|NAME
      delete that source's [[source]] block; the URL may be given as gleaner sources
      shows it, secrets REDACTED, when only one source shows so
  gleaner sources import [-config F] [-no-check] FILE.opml
      fetch the OPML file's feeds in parallel and append those that answer with a feed;
      every feed skipped is named with why (already configured, 404, not a feed, ...)
  gleaner sources export [-config F] [-show-secrets]
      write the configured sources as OPML 2.0 to standard output

Credentials in source URLs (https://user:token@host/...) and secret query
parameters (key, token, api_key, ...) are shown as REDACTED unless -show-secrets,
which every verb takes.

Edits keep the rest of the file byte for byte (comments, order, layout), are
validated before the file is replaced atomically, and are picked up by a
running gleaner without a restart. Stored items and fetch state of a removed
source stay until retention deletes them. Two URLs are the same source when
they differ only in the case of scheme and host, a default port, a trailing
slash or a fragment. Sources are numbered from 1, in file order.`

func cmdSources(e *env, args []string) error {
	verb := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		verb, args = args[0], args[1:]
	}
	switch verb {
	case "":
		return sourcesStatus(e, args)
	case "add":
		return sourcesAdd(e, args)
	case "remove", "rm":
		return sourcesRemove(e, args)
	case "import":
		return sourcesImport(e, args)
	case "export":
		return sourcesExport(e, args)
	}
	fmt.Fprintf(e.stderr, "gleaner sources: unknown verb %q\n\n%s\n", verb, sourcesUsage)
	return errUsage
}

// sourcesFlags parses flags that may come before or after the positional
// arguments ("sources add URL -name N" reads as well as "sources add -name N URL"),
// and checks that exactly want positional arguments were given.
func sourcesFlags(f *flags, args []string, want int) ([]string, error) {
	f.Usage = func() {
		fmt.Fprintf(f.Output(), "%s\n\nFlags:\n", sourcesUsage)
		f.PrintDefaults()
	}
	return f.parseMixed(args, want)
}

func sourcesAdd(e *env, args []string) (err error) {
	f := e.newFlags("sources add", "", "", true)
	name := f.String("name", "", "the source's name (default: the feed's title; with -no-check, the URL's host)")
	interval := f.String("interval", "", `polling interval, such as "30m" (default: [poll] interval)`)
	tz := f.String("timezone", "", `IANA zone for dates written without one, e.g. "Asia/Seoul"`)
	noCheck := f.Bool("no-check", false, "add the URL as it is, without fetching it (offline)")
	show := showSecretsFlag(f)
	defer func() { err = editError(show, err) }()
	pos, err := sourcesFlags(f, args, 1)
	if err != nil {
		return err
	}
	src := config.Source{Name: *name, Timezone: *tz}
	if *interval != "" {
		d, err := config.ParseDuration(*interval)
		if err == nil && d.D() <= 0 {
			err = fmt.Errorf("%q is not a positive duration", *interval)
		}
		if err != nil {
			return fmt.Errorf("-interval: %w", err)
		}
		src.Interval = d
	}
	sf, err := app.OpenSourcesFile(f.config)
	if err != nil {
		return err
	}
	src.URL = pos[0]
	ctx := context.Background()
	var fc *fetch.Client
	if !*noCheck {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		fc = sf.Fetcher(appVersion())
	}
	added, err := sf.Add(ctx, src, fc)
	items := ""
	if found := added.Found; found != nil {
		if len(found.Advertised) > 0 {
			fmt.Fprintf(e.stderr, "%s is a page that advertises %d feed(s): %s\n", show.URL(added.Asked), found.Total, show.String(strings.Join(found.Advertised, ", ")))
		} else if found.URL != "" && found.URL != added.Asked {
			fmt.Fprintf(e.stderr, "%s moved permanently to %s: adding the new URL\n", show.URL(added.Asked), show.URL(found.URL))
		}
		if found.URL == "" {
			return fmt.Errorf("%w (-no-check adds it without fetching)", err)
		}
		items = fmt.Sprintf(" (%d items now)", found.Items)
	}
	var bad *config.SourceError
	if errors.As(err, &bad) {
		// The value of a flag, not a line of the file: the file was not written.
		return fmt.Errorf("%s: %s", sourceFlags[bad.Key], bad.Msg)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added source %d %q %s%s to %s\n", added.Number, added.Source.Name, show.URL(added.Source.URL), items, f.config)
	printProblems(e, f.config, nil, added.Warnings)
	return nil
}

// editError is err of gleaner sources add, remove or import as the output
// shows it: errors may quote source URLs (the file's, the OPML file's, fetched
// ones). The blocks that an inline array of sources is to be replaced with say
// that they were redacted: pasted as they are, they would lose the secrets.
func editError(show *redact.Output, err error) error {
	red := show.Error(err)
	if red != err && errors.Is(err, config.ErrNotEditable) {
		return fmt.Errorf("%w\n(secrets in these URLs are shown as %s: -show-secrets shows them as they are)", red, redact.Placeholder)
	}
	return red
}

// sourceFlags names the argument of gleaner sources add that sets each key of
// [[source]].
var sourceFlags = map[string]string{"url": "URL", "name": "-name", "interval": "-interval", "timezone": "-timezone"}

func sourcesRemove(e *env, args []string) (err error) {
	f := e.newFlags("sources remove", "", "", true)
	show := showSecretsFlag(f)
	defer func() { err = editError(show, err) }()
	pos, err := sourcesFlags(f, args, 1)
	if err != nil {
		return err
	}
	sf, err := app.OpenSourcesFile(f.config)
	if err != nil {
		return err
	}
	src, n, err := sf.Remove(pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "removed source %d %q %s from %s (its stored items stay until retention deletes them)\n", n, src.Name, show.URL(src.URL), f.config)
	return nil
}

func sourcesImport(e *env, args []string) (err error) {
	f := e.newFlags("sources import", "", "", true)
	noCheck := f.Bool("no-check", false, "add the feeds without fetching them (offline)")
	show := showSecretsFlag(f)
	defer func() { err = editError(show, err) }()
	pos, err := sourcesFlags(f, args, 1)
	if err != nil {
		return err
	}
	sf, err := app.OpenSourcesFile(f.config)
	if err != nil {
		return err
	}
	imp, err := sf.ImportFile(pos[0])
	if err != nil {
		return err
	}
	if !*noCheck && imp.ToCheck() > 0 {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		prog := e.newProgress("import: checked", imp.ToCheck(), "feeds")
		imp.Check(ctx, sf.Fetcher(appVersion()), func() { prog.Add(1) })
		prog.Stop()
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	add, skipped, err := imp.Write()
	w := e.errOut()
	for _, sk := range skipped {
		// Names and URLs from the file: one line each, without control or
		// bidi-override characters.
		fmt.Fprintf(w, "skipped %s: %s\n", sanitize.Line(show.String(sk.What)), sanitize.Line(show.String(sk.Why)))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %d source(s) into %s; skipped %d\n", len(add), f.config, len(skipped))
	printProblems(e, f.config, nil, imp.Warnings)
	if len(add) > 0 {
		return nil
	}
	// Nothing imported: a failure, unless every feed was there already.
	switch {
	case len(skipped) == 0:
		return fmt.Errorf("%s lists no feeds (no outline with an xmlUrl)", pos[0])
	case slices.ContainsFunc(skipped, func(s app.Skipped) bool { return !s.Dup }):
		return errors.New("nothing imported: no outline gave a feed to add (see the lines above)")
	}
	return nil
}

func sourcesExport(e *env, args []string) error {
	f := e.newFlags("sources export", "", "", true)
	show := showSecretsFlag(f)
	if _, err := sourcesFlags(f, args, 0); err != nil {
		return err
	}
	cfg, err := config.Load(f.config)
	if err != nil {
		return err
	}
	b, redacted, err := app.SourcesOPML(cfg, show, time.Now())
	if err != nil {
		return err
	}
	if redacted > 0 {
		fmt.Fprintf(e.stderr, "%d source URL(s) carry credentials or secret parameters, written as REDACTED; -show-secrets writes them as they are\n", redacted)
	}
	_, err = e.stdout.Write(b)
	return err
}

// sourcesStatus prints the status table of every source the database knows,
// and the configured ones it does not know yet.
func sourcesStatus(e *env, args []string) error {
	f := e.newFlags("sources", "", "", true)
	show := showSecretsFlag(f)
	if _, err := sourcesFlags(f, args, 0); err != nil {
		return err
	}
	// The daemon runs on its last good config while the file has problems:
	// the database still says how the sources fare, so show it.
	cfg, err := config.LoadPartial(f.config)
	var problems config.Errors
	if err != nil && !errors.As(err, &problems) {
		return err
	}
	if len(problems) > 0 {
		fmt.Fprintf(e.stderr, "%s has problems (gleaner run keeps its last good config until they are fixed):\n", f.config)
		printProblems(e, f.config, problems, nil)
		fmt.Fprintln(e.stderr)
	}
	// Which sources the file means is not sure while it has problems.
	status, found, err := app.SourceStatus(context.Background(), cfg, len(problems) == 0)
	if err != nil {
		return err
	}
	if !found {
		fmt.Fprintf(e.stderr, "no database at %s yet: no source has been polled (run `gleaner run` or `gleaner fetch`)\n", cfg.Database)
	}
	return writeStatus(e.stdout, status, time.Now(), show)
}

// showSecretsFlag is -show-secrets: whether the output shows the secrets of
// source URLs (redact.Output).
func showSecretsFlag(f *flags) *redact.Output {
	o := &redact.Output{}
	f.BoolVar(&o.Show, "show-secrets", false, "show credentials and secret parameters of source URLs (default: REDACTED)")
	f.env.secrets = o
	return o
}

// writeStatus writes the table, times relative to now.
func writeStatus(w io.Writer, status []aggregate.SourceStatus, now time.Time, show *redact.Output) error {
	t := term.NewTable("", 2)
	t.Row("NAME", "STATE", "HTTP", "ERRORS", "LAST ATTEMPT", "LAST SUCCESS", "NEXT FETCH", "SEEN", "KEPT", "URL", "LAST ERROR")
	for _, s := range status {
		st := s.State
		httpStatus := "-"
		if st.Status != 0 {
			httpStatus = fmt.Sprint(st.Status)
		}
		next := term.Ago(st.NextFetch, now)
		if !s.Active || st.Gone {
			next = "never"
		}
		u := show.URL(s.Source.URL)
		if st.CurrentURL != "" && st.CurrentURL != s.Source.URL {
			u += " -> " + show.URL(st.CurrentURL)
		}
		lastErr := show.String(st.LastError)
		if lastErr == "" {
			lastErr = "-"
		}
		t.Row(s.Source.Name, s.StateName(), httpStatus, fmt.Sprint(st.ConsecutiveErrors), term.Ago(st.LastAttempt, now),
			term.Ago(st.LastSuccess, now), next, fmt.Sprint(st.ItemsSeen), fmt.Sprint(st.ItemsKept), u, term.OneLine(lastErr))
	}
	return t.Print(w)
}
