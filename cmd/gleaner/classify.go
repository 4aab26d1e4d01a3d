package main

import "github.com/gleaner/gleaner/internal/app"

func cmdClassify(e *env, args []string) error {
	f := e.newFlags("classify", "[-config F]", "Read JSON lines {\"id\",\"title\",\"summary\",\"content\"} from stdin (other\ntools' names are read too: headline; lead, description, abstract, excerpt; body, text,\ncontent_text, content_html) and write one line\n{\"id\",\"match\",\"score\",\"reasons\",\"facets\",\"lang\"} per input, in order (with \"near\": true\nfor an item just under the threshold, a story mate if it joins a kept story). A line that is not a JSON\nobject (does not start with \"{\") is taken as a title. Input that starts with \"[\" is read as\none JSON array of such objects (or strings, as titles), one output line per element. Uses the config's [topic] profile\nwhen -config names a file that has one, else the built-in profile.", true)
	explicit := hasFlag(args, "config")
	if err := f.parse(args); err != nil {
		return err
	}
	c, err := app.LoadClassifier(f.config, explicit || e.getenv("GLEANER_CONFIG") != "")
	if err != nil {
		return err
	}
	return app.ClassifyLines(c, e.stdin, e.stdout)
}
