package main

import (
	"fmt"
	"os"

	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/internal/app"
)

func cmdTopic(e *env, args []string) error {
	switch {
	case len(args) > 0 && args[0] == "diff":
		return cmdTopicDiff(e, args[1:])
	case len(args) > 0 && args[0] == "train":
		return cmdTopicTrain(e, args[1:])
	}
	f := e.newFlags("topic", "show [-config F] | train FILE.jsonl... | diff NEW.toml", "gleaner topic show: print the effective topic profile (the config's [topic], else the\nbuilt-in one, with [topic.extend] applied) in the form that can be pasted into gleaner.toml\nand edited.\ngleaner topic train FILE.jsonl...: learn the [topic.model] weights (see -h).\ngleaner topic diff NEW.toml: preview what applying another profile would change (see -h).", true)
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
	cfg, err := app.LoadConfig(f.config)
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
	fmt.Fprintf(e.stdout, "# %s (%s)\n", cfg.TopicOrigin, cfg.Path)
	_, err = e.stdout.Write(b)
	return err
}
