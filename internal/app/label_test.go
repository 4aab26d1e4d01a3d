package app

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/store"
)

// TestExportLabels guards that exported labels read back as gleaner eval's
// labelled items, each named by its own entry id or else by its number.
func TestExportLabels(t *testing.T) {
	labels := []store.StoredLabel{
		{Label: aggregate.Label{Keep: true, Note: "policy <news>"}, ItemID: 3, OwnID: "tag:a.example,2026:1", URL: "https://a.example/1", Title: "AI Act & rules", Summary: "s", Lang: "en"},
		{Label: aggregate.Label{Keep: false}, ItemID: 12, Title: "국회 AI 비서", Lang: "ko"},
	}
	var b bytes.Buffer
	if err := ExportLabels(&b, labels); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"url":"https://a.example/1","note":"policy <news>"}`, `"label":false,"url":"","note":""}`} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("no %s in:\n%s", w, b.String())
		}
	}
	items, err := topic.ReadLabeled(&b)
	if err != nil {
		t.Fatal(err)
	}
	want := []topic.Labeled{
		{ID: "tag:a.example,2026:1", Lang: "en", Title: "AI Act & rules", Summary: "s", Label: true},
		{ID: "gleaner-item-12", Lang: "ko", Title: "국회 AI 비서"},
	}
	if len(items) != len(want) {
		t.Fatalf("read back %d items", len(items))
	}
	for i := range want {
		if items[i] != want[i] {
			t.Errorf("item %d: %+v, want %+v", i, items[i], want[i])
		}
	}
}
