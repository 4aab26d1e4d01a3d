package app

import (
	"fmt"
	"io"
	"os"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/story"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/config"
)

// LoadClassifier returns the topic classifier of the config file at path when
// a config was asked for (explicit) or the file exists; otherwise the built-in
// profile's.
func LoadClassifier(path string, explicit bool) (*topic.Classifier, error) {
	if !explicit {
		if _, err := os.Stat(path); err != nil {
			return topic.Compile(topic.Default())
		}
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		return nil, err
	}
	return cfg.Classifier, nil
}

// LoadTopic reads and compiles the topic profile of the file at path, a file
// with a [topic] table (config.LoadTopic: its problems are config.Errors).
func LoadTopic(path string) (*topic.Classifier, error) {
	profile, err := config.LoadTopic(path)
	if err != nil {
		return nil, err
	}
	c, err := topic.Compile(profile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// TopicTOML is the topic profile in effect (`gleaner topic show`) as a [topic]
// table that can be pasted into gleaner.toml and edited: the config file's at
// path, when a config was asked for (explicit) or the file exists, else the
// built-in one, commented.
func TopicTOML(path string, explicit bool) ([]byte, error) {
	if !explicit {
		if _, err := os.Stat(path); err != nil {
			return topic.DefaultTOML(), nil
		}
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		return nil, err
	}
	if cfg.Topic == nil {
		return topic.DefaultTOML(), nil
	}
	b, err := cfg.Topic.MarshalTOML()
	if err != nil {
		return nil, err
	}
	return append([]byte(fmt.Sprintf("# %s (%s)\n", cfg.TopicOrigin, cfg.Path)), b...), nil
}

// ReadLabeledFiles reads the labelled items of the files names
// (topic.ReadLabeled), in order.
func ReadLabeledFiles(names ...string) ([]topic.Labeled, error) {
	var items []topic.Labeled
	for _, name := range names {
		got, err := readFile(name, topic.ReadLabeled)
		if err != nil {
			return nil, err
		}
		if len(got) == 0 {
			// Nothing to measure or learn from (gleaner labels export with no labels
			// yet): said, not a silent success.
			return nil, fmt.Errorf("%s: no labelled items in it", name)
		}
		items = append(items, got...)
	}
	return items, nil
}

// ReadStoryLabeled reads the labelled items of a story grouping set
// (story.ReadLabeled) from the file name.
func ReadStoryLabeled(name string) ([]story.Labeled, error) {
	return readFile(name, story.ReadLabeled)
}

// readFile reads the file name with read, which names the line of a problem;
// the error then names the file too.
func readFile[T any](name string, read func(io.Reader) (T, error)) (T, error) {
	in, err := os.Open(name)
	if err != nil {
		var zero T
		return zero, err
	}
	defer in.Close()
	v, err := read(in)
	if err != nil {
		return v, fmt.Errorf("%s: %w", name, err)
	}
	return v, nil
}

// TrainTopic learns the weights of a model over the groups of c's profile
// from items (topic.Train) and returns the model and c's profile compiled with
// it.
func TrainTopic(c *topic.Classifier, items []topic.Labeled, o topic.TrainOptions) (*topic.Classifier, *topic.Model, topic.TrainStats, error) {
	p := *c.Profile()
	m, st, err := topic.Train(&p, items, o)
	if err != nil {
		return nil, nil, st, err
	}
	p.Model = m
	trained, err := topic.Compile(&p)
	if err != nil {
		return nil, nil, st, err
	}
	return trained, m, st, nil
}

// EvaluateStories is `gleaner eval-stories`: story.Evaluate of items under sc, with the
// grouping of the items c keeps and of the near ones that join their stories as mates
// (classified as gleaner classify reads a title and a summary), as the curated feed shows
// them.
func EvaluateStories(c aggregate.Classifier, sc story.Config, items []story.Labeled) story.Report {
	keep, near := make([]bool, len(items)), make([]bool, len(items))
	for i, it := range items {
		v, _ := aggregate.ClassifyText(c, it.Title, it.Summary, "")
		keep[i], near[i] = v.Match, v.Near
	}
	return story.EvaluateCurated(sc, items, keep, near)
}
