package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gleaner/gleaner/aggregate/topic"
)

// TestTrainTopicFromFiles reads two labelled files in order, names the file
// and line of a bad one, and trains a model that the returned classifier
// carries.
func TestTrainTopicFromFiles(t *testing.T) {
	dir := t.TempDir()
	a, b, bad := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl"), filepath.Join(dir, "bad.jsonl")
	for name, text := range map[string]string{
		a:   `{"id":"1","title":"EU AI Act enters into force, the European Commission says","label":true}` + "\n",
		b:   `{"id":"2","title":"Nvidia unveils a faster AI chip","label":false}` + "\n",
		bad: "\n{\"id\": 3}\n",
	} {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	items, err := ReadLabeledFiles(a, b)
	if err != nil || len(items) != 2 || items[0].ID != "1" || items[1].ID != "2" {
		t.Fatalf("read %+v %v", items, err)
	}
	if _, err := ReadLabeledFiles(a, bad); err == nil || !strings.HasPrefix(err.Error(), bad+": line 2:") {
		t.Errorf("a bad file: %v, want its name and line", err)
	}
	c, err := topic.Compile(topic.Default())
	if err != nil {
		t.Fatal(err)
	}
	trained, m, st, err := TrainTopic(c, items, topic.DefaultTrainOptions())
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != 2 || m == nil || trained.Profile().Model != m || c.Profile().Model == m {
		t.Errorf("stats %+v; the trained classifier's model is the new one: %v; the old one's is not: %v",
			st, trained.Profile().Model == m, c.Profile().Model != m)
	}
}
