package main

import (
	"fmt"

	"github.com/gleaner/gleaner/internal/app"
)

func cmdTopic(e *env, args []string) error {
	switch {
	case len(args) > 0 && args[0] == "diff":
		return cmdTopicDiff(e, args[1:])
	case len(args) > 0 && args[0] == "train":
		return cmdTopicTrain(e, args[1:])
	}
	f := e.newFlags("topic", "show [-config F] | train FILE.jsonl... | diff NEW.toml", "gleaner topic show: print the effective topic profile (the config's [topic], else the\nbuilt-in one, with [topic.extend] applied) in the form that can be pasted into gleaner.toml\nand edited.\ngleaner topic train FILE.jsonl...: learn the [topic.model] weights (gleaner topic train -h).\ngleaner topic diff NEW.toml: preview what applying another profile would change\n(gleaner topic diff -h).", true)
	switch {
	case len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help"):
		f.Usage() // where every command's -h goes
		return nil
	case len(args) == 0:
		fmt.Fprintf(e.stderr, "gleaner topic: give a verb: show, train or diff\n\n")
		f.Usage()
		return errUsage
	case args[0] != "show":
		fmt.Fprintf(e.stderr, "gleaner topic: unknown verb %q: want show, train or diff\n\n", args[0])
		f.Usage()
		return errUsage
	}
	explicit := hasFlag(args[1:], "config")
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	b, err := app.TopicTOML(f.config, explicit || e.getenv("GLEANER_CONFIG") != "")
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(b)
	return err
}
