package main

import (
	"fmt"

	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/internal/app"
)

func cmdEval(e *env, args []string) error {
	f := e.newFlags("eval", "[-config F] FILE.jsonl", "Measure the topic filter on a labeled file: JSON lines of classify input plus \"lang\" and\n\"label\": true|false. Prints per language precision, recall, F1, the confusion counts and\nevery misclassified item with its reasons. Uses the config's [topic] profile when -config\nnames a file that has one, else the built-in profile.", true)
	explicit := hasFlag(args, "config")
	// Flags may follow the file too (gleaner eval FILE -config F), as gleaner label takes them.
	pos, err := f.parseInterleaved(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintf(e.stderr, "gleaner eval: give one labeled file to measure the topic filter on (got %d): JSON lines\n"+
			"such as {\"id\": \"1\", \"title\": \"...\", \"lang\": \"ko\", \"label\": true}; the repository has one:\n"+
			"  gleaner eval testdata/topic/dev.jsonl\n\n", len(pos))
		f.Usage()
		return errUsage
	}
	c, err := app.LoadClassifier(f.config, explicit || e.getenv("GLEANER_CONFIG") != "")
	if err != nil {
		return err
	}
	items, err := app.ReadLabeledFiles(pos[0])
	if err != nil {
		return err
	}
	return topic.Evaluate(c, items).Write(e.stdout)
}
