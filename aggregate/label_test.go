package aggregate

import (
	"slices"
	"testing"
)

func TestLabelApply(t *testing.T) {
	filter := Verdict{Match: true, Score: 4.5, Reasons: []string{"title: AI", "rule: ai+actor"}, Facets: []string{"regulation"}}
	for _, tc := range []struct {
		name  string
		label Label
		v     Verdict
		match bool
		want  []string
	}{
		{"out, with a note", Label{Keep: false, Note: " not policy "}, filter, false, []string{"dropped by the curator: not policy", "title: AI", "rule: ai+actor"}},
		{"in, without a note", Label{Keep: true}, Verdict{Reasons: []string{"rule: none holds"}}, true, []string{"kept by the curator", "rule: none holds"}},
		{"no reasons", Label{Keep: true, Note: "n"}, Verdict{}, true, []string{"kept by the curator: n"}},
		{"an earlier label's reason is replaced", Label{Keep: true, Note: "after all"},
			Verdict{Reasons: []string{"dropped by the curator: no", "title: AI"}}, true, []string{"kept by the curator: after all", "title: AI"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.label.Apply(tc.v)
			if got.Match != tc.match || !slices.Equal(got.Reasons, tc.want) || got.Score != tc.v.Score || !slices.Equal(got.Facets, tc.v.Facets) {
				t.Errorf("Apply = %+v, want match %v, reasons %q, score and facets kept", got, tc.match, tc.want)
			}
		})
	}
	// The verdict given is not changed.
	if filter.Reasons[0] != "title: AI" || !filter.Match {
		t.Errorf("Apply changed its argument: %+v", filter)
	}
	if !IsCuratorReason("kept by the curator: x") || IsCuratorReason(`title: "kept by the curator"`) {
		t.Error("IsCuratorReason")
	}
}
