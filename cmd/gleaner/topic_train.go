package main

import (
	"fmt"
	"os"

	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/internal/app"
)

// cmdTopicTrain learns the weights of a [topic.model] from labelled files.
func cmdTopicTrain(e *env, args []string) error {
	f := e.newFlags("topic train", "[-config F] [-out FILE] FILE.jsonl...", "Learn the weights of the topic model ([topic.model]) from labelled JSON lines, in\n`gleaner eval`'s format, over the groups of the config's [topic] profile (else the\nbuilt-in one). Prints what it learned from and how the new model scores on those files,\nand writes the profile with the new [topic.model] to -out, or to standard output: a\nfile for topic_file and gleaner topic diff, or a [topic] table to paste. The built-in model is trained from the files testdata/topic/train.txt lists.", true)
	explicit := hasFlag(args, "config")
	out := f.String("out", "", "write the profile with its new [topic.model] to this file instead of standard output")
	o := topic.DefaultTrainOptions()
	f.Float64Var(&o.L2, "l2", o.L2, "penalty on the weights of groups and structural features")
	f.Float64Var(&o.TermL2, "term-l2", o.TermL2, "penalty on the weights of single terms")
	f.Float64Var(&o.Offset, "offset", o.Offset, "added to the fitted bias: above 0 keeps more items")
	f.Float64Var(&o.HeadlineOnly, "headline-only", o.HeadlineOnly, "also train on each item stripped to its headline, weighing this much of it (0: not), for feeds that send no description")
	files, err := f.parseInterleaved(args) // flags may follow the files too
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fmt.Fprintln(f.Output(), "gleaner topic train: name at least one labelled file (JSON lines with \"title\", \"summary\", \"lang\" and \"label\")")
		f.Usage()
		return errUsage
	}
	c, err := app.LoadClassifier(f.config, explicit || e.getenv("GLEANER_CONFIG") != "")
	if err != nil {
		return err
	}
	items, err := app.ReadLabeledFiles(files...)
	if err != nil {
		return err
	}
	trained, _, st, err := app.TrainTopic(c, items, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "trained on %d items (%d with AI evidence, %d of them in) in %d iterations; log loss %.4f\n",
		st.Items, st.Gated, st.Positives, st.Iterations, st.LogLoss)
	for _, l := range topic.Evaluate(trained, items).Langs {
		fmt.Fprintf(e.stderr, "on the training items, %s: precision %.3f recall %.3f (tp %d fp %d fn %d tn %d)\n",
			l.Lang, l.Precision, l.Recall, l.TP, l.FP, l.FN, l.TN)
	}
	// The whole profile, not the [topic.model] table alone: a topic_file, gleaner
	// topic diff and a pasted [topic] all need the groups the weights name.
	doc, err := trained.Profile().MarshalTOML()
	if err != nil {
		return err
	}
	doc = append([]byte("# The [topic] profile with the [topic.model] gleaner topic train learned: use it as\n"+
		"# topic_file, try it with gleaner topic diff, or put it in place of gleaner.toml's [topic].\n"), doc...)
	if *out == "" {
		_, err := e.stdout.Write(doc)
		return err
	}
	if err := os.WriteFile(*out, doc, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote the profile with its new [topic.model] to %s\n", *out)
	return nil
}
