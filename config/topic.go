package config

import (
	"fmt"

	"github.com/gleaner/gleaner/aggregate/topic"
)

// LoadTopic reads the topic profile of the file at path: a file with a [topic]
// table, such as gleaner.toml or what `gleaner topic show` prints. The file is
// decoded as Load decodes a config (unknown keys and wrong types are errors)
// and its profile is validated as Load validates it, with the same errors; the
// rest of it is not (a file of a [topic] table alone has no sources).
func LoadTopic(path string) (*topic.Profile, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read topic profile: %w", err)
	}
	return ParseTopic(path, data)
}

// ParseTopic is LoadTopic of data, read from the file named path.
func ParseTopic(path string, data []byte) (*topic.Profile, error) {
	pos, perr := indexPositions(data)
	if perr != nil {
		return nil, Errors{syntaxError(path, data, perr)}
	}
	c, errs, bad := decode(path, data, pos)
	c.Path = path
	if c.TopicTable == nil && c.TopicFile == "" && len(errs) == 0 {
		return nil, Errors{{File: path, Key: "topic", Msg: "no [topic] table: write the profile to compare (gleaner topic show prints the one in effect)"}}
	}
	c.validateTopic(pos, bad, &errs)
	if len(errs) > 0 {
		sortErrors(errs)
		return nil, errs
	}
	return c.Topic, nil
}
