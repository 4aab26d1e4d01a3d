package main

import (
	"fmt"
	"os"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/topic"
)

func cmdEval(e *env, args []string) error {
	f := e.newFlags("eval", "[-config F] FILE.jsonl", "Measure the topic filter on a labeled file: JSON lines of classify input plus \"lang\" and\n\"label\": true|false. Prints per language precision, recall, F1, the confusion counts and\nevery misclassified item with its reasons. Uses the config's [topic] profile when -config\nnames a file that has one, else the built-in profile.", true)
	explicit := hasFlag(args, "config")
	if err := f.Parse(args); err != nil {
		return usageErr(err)
	}
	if f.NArg() != 1 {
		f.Usage()
		return errUsage
	}
	c, err := classifierForFlag(f.config, explicit || e.getenv("GLEANER_CONFIG") != "")
	if err != nil {
		return err
	}
	in, err := os.Open(f.Arg(0))
	if err != nil {
		return err
	}
	defer in.Close()
	items, err := topic.ReadLabeled(in)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Arg(0), err)
	}
	return topic.Evaluate(c, items).Write(e.stdout)
}

func cmdTopic(e *env, args []string) error {
	f := e.newFlags("topic", "show [-config F]", "Print the effective topic profile (the config's [topic], else the built-in one) in the\nform that can be pasted into gleaner.toml and edited.", true)
	if len(args) == 0 || args[0] != "show" {
		f.Usage()
		return errUsage
	}
	explicit := hasFlag(args[1:], "config")
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	if !explicit && e.getenv("GLEANER_CONFIG") == "" {
		if _, err := os.Stat(f.config); err != nil {
			_, err := e.stdout.Write(topic.DefaultTOML())
			return err
		}
	}
	cfg, _, err := loadConfig(f.config)
	if err != nil {
		return err
	}
	if cfg.Topic == nil {
		_, err := e.stdout.Write(topic.DefaultTOML())
		return err
	}
	b, err := cfg.Topic.MarshalTOML()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "# [topic] profile from %s\n", cfg.Path)
	_, err = e.stdout.Write(b)
	return err
}

func cmdReclassify(e *env, args []string) error {
	f := e.newFlags("reclassify", "[-config F] [-since 720h]", "Re-apply the current topic profile to stored items first seen within -since, update\nthe curated feed, and report how many items entered and left it. A running daemon shows\nthe change at its next refresh.", true)
	since := f.Duration("since", 720*time.Hour, "re-judge items first seen within this long ago")
	if err := f.parse(args); err != nil {
		return err
	}
	a, ctx, closeApp, err := f.openApp(e)
	if err != nil {
		return err
	}
	defer closeApp()
	st, err := a.reclassify(ctx, a.poller.Classifier(), time.Now().Add(-*since))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "checked %d items first seen since %s: %d verdicts changed, %d entered the curated feed, %d left it\n",
		st.Checked, time.Now().Add(-*since).Format(time.RFC3339), st.Changed, st.Entered, st.Left)
	return nil
}

// classifyFunc adapts a classifier to the store's reclassify callback, reading
// stored text exactly as the pipeline does.
func classifyFunc(c aggregate.Classifier) func(title, summary, body string) aggregate.Verdict {
	return func(title, summary, body string) aggregate.Verdict {
		v, _ := aggregate.ClassifyText(c, title, summary, body)
		return v
	}
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
