package topic

import (
	"slices"
	"testing"
)

func TestFacetsOfProfile(t *testing.T) {
	got := Default().Facets()
	for _, want := range []string{"chips", "compute", "copyright", "court", "export-control", "funding", "privacy", "regulation"} {
		if !slices.Contains(got, want) {
			t.Errorf("Facets() = %q lacks %q", got, want)
		}
	}
	if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Errorf("Facets() = %q: want sorted, each once", got)
	}
}
