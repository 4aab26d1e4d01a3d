package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/internal/redact"
	"github.com/gleaner/gleaner/internal/term"
	"github.com/gleaner/gleaner/publish/opml"
	"github.com/gleaner/gleaner/store"
)

const sourcesUsage = `Show each source's polling state, or edit the [[source]] blocks of the config file.

  gleaner sources [-config F] [-show-secrets]
      per source: state, last attempt, last success, HTTP status, consecutive errors,
      next fetch, items seen and kept, current URL after permanent redirects, last error
  gleaner sources add [-config F] [-name N] [-interval D] [-timezone TZ] [-no-check] URL
      fetch URL (a feed, or a page that advertises one), then append a [[source]] block;
      with -no-check, append URL as it is without fetching it (offline)
  gleaner sources remove [-config F] URL|NAME
      delete that source's [[source]] block
  gleaner sources import [-config F] [-no-check] FILE.opml
      fetch the OPML file's feeds in parallel and append those that answer with a feed;
      every feed skipped is named with why (already configured, 404, not a feed, ...)
  gleaner sources export [-config F] [-show-secrets]
      write the configured sources as OPML 2.0 to standard output

Credentials in source URLs (https://user:token@host/...) and secret query
parameters (key, token, api_key, ...) are shown as REDACTED unless -show-secrets.

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

// readConfig reads and validates the config file to edit.
func readConfig(path string) ([]byte, *config.Config, error) {
	data, err := config.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read config: %w", err)
	}
	cfg, err := config.Parse(path, data)
	if err != nil {
		return nil, nil, fmt.Errorf("the config is not valid; fix it first:\n%w", err)
	}
	return data, cfg, nil
}

// writeConfig validates the edited file and replaces the old one with it.
func writeConfig(path string, data []byte) (*config.Config, error) {
	cfg, err := config.Parse(path, data)
	if err != nil {
		return nil, fmt.Errorf("the edited config would not be valid, so it was not written:\n%w", err)
	}
	if err := config.WriteFile(path, data); err != nil {
		return nil, err
	}
	return cfg, nil
}

// errSourceExists is returned by `sources add` for a URL already configured.
var errSourceExists = errors.New("source already configured")

func findSource(cfg *config.Config, url string) int {
	for i, s := range cfg.Sources {
		if config.SameURL(s.URL, url) {
			return i
		}
	}
	return -1
}

// sourceExists is the error of adding url when it is the i-th source of cfg.
func sourceExists(cfg *config.Config, url string, i int) error {
	return fmt.Errorf("%w: %s is source %d (%s) in %s", errSourceExists, url, i+1, cfg.Sources[i].Name, cfg.Path)
}

func sourcesAdd(e *env, args []string) error {
	f := e.newFlags("sources add", "", "", true)
	name := f.String("name", "", "the source's name (default: the feed's title; with -no-check, the URL's host)")
	interval := f.String("interval", "", `polling interval, such as "30m" (default: [poll] interval)`)
	tz := f.String("timezone", "", `IANA zone for dates written without one, e.g. "Asia/Seoul"`)
	noCheck := f.Bool("no-check", false, "add the URL as it is, without fetching it (offline)")
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
	data, cfg, err := readConfig(f.config)
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(pos[0])
	if err := config.CheckSourceURL(raw); err != nil {
		return fmt.Errorf("%s: %w", raw, err)
	}
	if i := findSource(cfg, raw); i >= 0 {
		return sourceExists(cfg, raw, i)
	}
	src.URL = raw
	items := ""
	if !*noCheck {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		fc := app.NewFetcher(cfg, app.NewHTTPClient(cfg), appVersion())
		found, err := fc.FindFeed(ctx, raw)
		if len(found.Advertised) > 0 {
			fmt.Fprintf(e.stderr, "%s is a page that advertises %d feed(s): %s\n", raw, len(found.Advertised), strings.Join(found.Advertised, ", "))
		} else if err == nil && found.URL != raw {
			fmt.Fprintf(e.stderr, "%s moved permanently to %s: adding the new URL\n", raw, found.URL)
		}
		if err != nil {
			return fmt.Errorf("%w (-no-check adds it without fetching)", err)
		}
		if i := findSource(cfg, found.URL); i >= 0 {
			return sourceExists(cfg, found.URL, i)
		}
		src.URL = found.URL
		if src.Name == "" {
			src.Name = found.Title
		}
		items = fmt.Sprintf(" (%d items now)", found.Items)
	}
	out, err := writeConfig(f.config, config.AppendSources(data, []config.Source{src}))
	if err != nil {
		return err
	}
	n := len(out.Sources)
	fmt.Fprintf(e.stdout, "added source %d %q %s%s to %s\n", n, out.Sources[n-1].Name, src.URL, items, f.config)
	return nil
}

func sourcesRemove(e *env, args []string) error {
	f := e.newFlags("sources remove", "", "", true)
	pos, err := sourcesFlags(f, args, 1)
	if err != nil {
		return err
	}
	data, cfg, err := readConfig(f.config)
	if err != nil {
		return err
	}
	i, err := matchSource(cfg, pos[0])
	if err != nil {
		return err
	}
	out, err := config.RemoveSource(data, i)
	if err != nil {
		return err
	}
	if _, err := writeConfig(f.config, out); err != nil {
		return err
	}
	s := cfg.Sources[i]
	fmt.Fprintf(e.stdout, "removed source %d %q %s from %s (its stored items stay until retention deletes them)\n", i+1, s.Name, s.URL, f.config)
	return nil
}

// matchSource finds the one source whose URL or name is arg.
func matchSource(cfg *config.Config, arg string) (int, error) {
	if i := findSource(cfg, arg); i >= 0 {
		return i, nil
	}
	var hits []int
	for i, s := range cfg.Sources {
		if s.Name == arg {
			hits = append(hits, i)
		}
	}
	if len(hits) == 0 {
		for i, s := range cfg.Sources {
			if strings.EqualFold(s.Name, arg) {
				hits = append(hits, i)
			}
		}
	}
	switch len(hits) {
	case 0:
		return -1, fmt.Errorf("%w: no source in %s has the URL or name %q", config.ErrNoSuchSource, cfg.Path, arg)
	case 1:
		return hits[0], nil
	}
	var urls []string
	for _, i := range hits {
		urls = append(urls, cfg.Sources[i].URL)
	}
	return -1, fmt.Errorf("%d sources are named %q; remove one by URL: %s", len(hits), arg, strings.Join(urls, ", "))
}

func sourcesImport(e *env, args []string) error {
	f := e.newFlags("sources import", "", "", true)
	noCheck := f.Bool("no-check", false, "add the feeds without fetching them (offline)")
	pos, err := sourcesFlags(f, args, 1)
	if err != nil {
		return err
	}
	data, cfg, err := readConfig(f.config)
	if err != nil {
		return err
	}
	in, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer in.Close()
	feeds, err := opml.Read(in)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	imp := newImporter(cfg)
	cands := imp.screen(feeds)
	if !*noCheck && len(cands) > 0 {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		prog := e.newProgress("import: checked", len(cands), "feeds")
		checkFeeds(ctx, app.NewFetcher(cfg, app.NewHTTPClient(cfg), appVersion()), cands, cfg.Poll.Concurrency, func() { prog.Add(1) })
		prog.Stop()
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	add := imp.decide(cands)
	w := e.errOut()
	for _, sk := range imp.skipped {
		fmt.Fprintf(w, "skipped %s: %s\n", sk.what, sk.why)
	}
	if len(add) > 0 {
		if _, err := writeConfig(f.config, config.AppendSources(data, add)); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "imported %d source(s) into %s; skipped %d\n", len(add), f.config, len(imp.skipped))
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
	feeds := make([]opml.Feed, len(cfg.Sources))
	redacted := 0
	for i, s := range cfg.Sources {
		feeds[i] = opml.Feed{Name: s.Name, URL: show.url(s.URL)}
		if feeds[i].URL != s.URL {
			redacted++
		}
	}
	if redacted > 0 {
		fmt.Fprintf(e.stderr, "%d source URL(s) carry credentials or secret parameters, written as REDACTED; -show-secrets writes them as they are\n", redacted)
	}
	b, err := opml.Marshal(cfg.Feed.Title+" — sources", time.Now(), feeds)
	if err != nil {
		return err
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
	ctx := context.Background()
	var status []aggregate.SourceStatus
	if _, err := os.Stat(cfg.Database); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(e.stderr, "no database at %s yet: no source has been polled (run `gleaner run` or `gleaner fetch`)\n", cfg.Database)
	} else {
		st, err := store.Open(ctx, cfg.Database)
		if err != nil {
			return err
		}
		defer st.Close()
		if status, err = st.SourceStatus(ctx); err != nil {
			return err
		}
	}
	known := make(map[string]bool, len(status))
	for _, ss := range status {
		known[ss.Source.URL] = true
	}
	for _, s := range cfg.Sources {
		if len(problems) > 0 {
			break // which sources the file means is not sure
		}
		if !known[s.URL] {
			status = append(status, aggregate.SourceStatus{Source: aggregate.Source{Name: s.Name, URL: s.URL}, Active: true})
		}
	}
	return writeStatus(e.stdout, status, time.Now(), show)
}

// secrets says whether the CLI shows the secrets of source URLs (-show-secrets):
// by default its output, which ends up in terminals' scrollback, cron mails and
// bug reports, carries them redacted as the logs do.
type secrets struct{ show *bool }

func showSecretsFlag(f *flags) secrets {
	return secrets{f.Bool("show-secrets", false, "show credentials and secret parameters of source URLs (default: REDACTED)")}
}

// url is a source URL as the output shows it.
func (s secrets) url(u string) string {
	if *s.show {
		return u
	}
	return redact.URL(u)
}

// text is a message that may quote source URLs, as the output shows it.
func (s secrets) text(t string) string {
	if *s.show {
		return t
	}
	return redact.String(t)
}

// writeStatus writes the table, times relative to now.
func writeStatus(w io.Writer, status []aggregate.SourceStatus, now time.Time, show secrets) error {
	t := term.NewTable("", 2)
	t.Row("NAME", "STATE", "HTTP", "ERRORS", "LAST ATTEMPT", "LAST SUCCESS", "NEXT FETCH", "SEEN", "KEPT", "URL", "LAST ERROR")
	for _, s := range status {
		st := s.State
		httpStatus := "-"
		if st.Status != 0 {
			httpStatus = fmt.Sprint(st.Status)
		}
		next := relTime(st.NextFetch, now)
		if !s.Active || st.Gone {
			next = "never"
		}
		u := show.url(s.Source.URL)
		if st.CurrentURL != "" && st.CurrentURL != s.Source.URL {
			u += " -> " + show.url(st.CurrentURL)
		}
		lastErr := show.text(st.LastError)
		if lastErr == "" {
			lastErr = "-"
		}
		t.Row(s.Source.Name, s.StateName(), httpStatus, fmt.Sprint(st.ConsecutiveErrors), relTime(st.LastAttempt, now),
			relTime(st.LastSuccess, now), next, fmt.Sprint(st.ItemsSeen), fmt.Sprint(st.ItemsKept), u, oneLine(lastErr))
	}
	return t.Print(w)
}

// relTime says how far t is from now: "3m ago", "in 2h", "-" for never.
func relTime(t, now time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	suffix := " ago"
	if d < 0 {
		d, suffix = -d, ""
		if d >= time.Second {
			return "in " + shortDuration(d)
		}
		return "now"
	}
	return shortDuration(d) + suffix
}

func shortDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
