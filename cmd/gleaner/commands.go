package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/config"
)

func cmdVersion(e *env, args []string) error {
	f := e.newFlags("version", "", "Print gleaner's version.", false)
	if err := f.parse(args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "gleaner", appVersion())
	return nil
}

func cmdFetch(e *env, args []string) error {
	f := e.newFlags("fetch", "[-config F]", "Poll every source once now, store what they yield, print one line per source\n(items seen, new, kept, or the error) and exit. Exit status 1 when every source failed.", true)
	if err := f.parse(args); err != nil {
		return err
	}
	a, ctx, closeApp, err := f.openApp(e)
	if err != nil {
		return err
	}
	defer closeApp()
	cfg := a.config()
	reports := a.poller.PollAll(ctx)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	failed := 0
	for _, r := range reports {
		switch {
		case r.Err != nil:
			failed++
			fmt.Fprintf(tw, "%s\terror\t%v\n", r.Source.Name, r.Err)
		case r.NotModified:
			fmt.Fprintf(tw, "%s\tnot modified\t\n", r.Source.Name)
		default:
			fmt.Fprintf(tw, "%s\tok\tseen %d, new %d, kept %d\n", r.Source.Name, r.Seen, r.New, r.Kept)
		}
	}
	tw.Flush()
	// The export is written even when nothing changed, so that a cron job's
	// first run produces the files.
	if cfg.Publish.ExportDir != "" {
		if err := a.publish.Export(ctx, cfg.Publish.ExportDir); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if len(reports) > 0 && failed == len(reports) {
		return exitError{1}
	}
	return nil
}

func cmdCheck(e *env, args []string) error {
	f := e.newFlags("check", "[-config F]", "Validate the config and summarise it. Exit status 0 when it is valid; otherwise\nevery problem is printed as FILE:LINE:COLUMN: KEY: PROBLEM.", true)
	if err := f.parse(args); err != nil {
		return err
	}
	cfg, _, err := loadConfig(f.config)
	if err != nil {
		var errs config.Errors
		if errors.As(err, &errs) {
			for _, e2 := range errs {
				fmt.Fprintln(e.stderr, e2)
			}
			fmt.Fprintf(e.stderr, "%s: %d problem(s)\n", f.config, len(errs))
			return exitError{1}
		}
		return err
	}
	w := e.stdout
	fmt.Fprintf(w, "%s: ok\n", cfg.Path)
	fmt.Fprintf(w, "listen    %s (feed at %sfeed.atom)\n", cfg.Listen, cfg.Feed.BaseURL)
	fmt.Fprintf(w, "database  %s\n", cfg.Database)
	fmt.Fprintf(w, "poll      every %s, timeout %s, %d at once, %d per host\n", cfg.Poll.Interval.D(), cfg.Poll.Timeout.D(), cfg.Poll.Concurrency, cfg.Poll.PerHost)
	fmt.Fprintf(w, "feed      %q, %d items, max age %s\n", cfg.Feed.Title, cfg.Feed.MaxItems, cfg.Feed.MaxAge.D())
	if cfg.Topic == nil {
		fmt.Fprintf(w, "topic     built-in profile\n")
	} else {
		fmt.Fprintf(w, "topic     [topic] profile from the config: %d groups, %d rules\n", len(cfg.Topic.Groups), len(cfg.Topic.Rules))
	}
	fmt.Fprintf(w, "sources   %d\n", len(cfg.Sources))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, s := range cfg.Sources {
		tz := s.Timezone
		if tz == "" {
			tz = "UTC"
		}
		fmt.Fprintf(tw, "  %s\t%s\tevery %s\t%s\n", s.Name, s.URL, s.Interval.D(), tz)
	}
	return tw.Flush()
}

// classifyIn is one line of `gleaner classify` input.
type classifyIn struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Content string `json:"content"`
}

// classifyOut is one line of `gleaner classify` output. The first four fields are
// the stable contract.
type classifyOut struct {
	ID      string   `json:"id"`
	Match   bool     `json:"match"`
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`
	Facets  []string `json:"facets"`
	Lang    string   `json:"lang"`
	Error   string   `json:"error,omitempty"`
}

func cmdClassify(e *env, args []string) error {
	f := e.newFlags("classify", "[-config F]", "Read JSON lines {\"id\",\"title\",\"summary\",\"content\"} from stdin and write one line\n{\"id\",\"match\",\"score\",\"reasons\",\"facets\",\"lang\"} per input, in order. Uses the config's\n[topic] profile when -config names a file that has one, else the built-in profile.", true)
	explicit := hasFlag(args, "config")
	if err := f.parse(args); err != nil {
		return err
	}
	c, err := classifierForFlag(f.config, explicit || e.getenv("GLEANER_CONFIG") != "")
	if err != nil {
		return err
	}
	return classifyLines(c, e.stdin, e.stdout)
}

// classifierForFlag uses the config's profile when a config was asked for, or
// when the default config file exists; otherwise the built-in profile.
func classifierForFlag(path string, explicit bool) (*topic.Classifier, error) {
	if !explicit {
		if _, err := os.Stat(path); err != nil {
			return topic.Compile(topic.Default())
		}
	}
	_, c, err := loadConfig(path)
	return c, err
}

func classifyLines(c aggregate.Classifier, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	bw := bufio.NewWriter(out)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	bad := 0
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var in classifyIn
		var o classifyOut
		if err := json.Unmarshal(line, &in); err != nil {
			o.Error = fmt.Sprintf("line %d: not a JSON object: %v", n, err)
		} else if in.Title == "" && in.Summary == "" && in.Content == "" {
			o.ID, o.Error = in.ID, fmt.Sprintf("line %d: no text: give at least one of title, summary, content", n)
		} else {
			v, lang := aggregate.ClassifyText(c, in.Title, in.Summary, in.Content)
			o = classifyOut{ID: in.ID, Match: v.Match, Score: v.Score, Reasons: v.Reasons, Facets: v.Facets, Lang: lang}
		}
		if o.Error != "" {
			bad++
		}
		if o.Reasons == nil {
			o.Reasons = []string{}
		}
		if o.Facets == nil {
			o.Facets = []string{}
		}
		if err := enc.Encode(o); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read stdin: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d input line(s) could not be classified (see their \"error\")", bad)
	}
	return nil
}

func cmdExport(e *env, args []string) error {
	f := e.newFlags("export", "[-config F] -out DIR", "Write feed.atom, feed.rss, feed.json, index.html and sources.opml of the curated feed\nto DIR, each atomically (written beside, then renamed), for a static host or CDN.", true)
	out := f.String("out", "", "directory to write to, created if missing (required)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(e.stderr, "gleaner export: -out DIR is required")
		f.Usage()
		return errUsage
	}
	a, ctx, closeApp, err := f.openApp(e)
	if err != nil {
		return err
	}
	defer closeApp()
	if _, err := a.publish.Refresh(ctx); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := a.publish.Export(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote feed.atom, feed.rss, feed.json, index.html and sources.opml to %s\n", *out)
	return nil
}
