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

// TestFundingFacetIsNotASubsidiary: "subsidiaries" (a company's) is no funding;
// a subsidy, subsidies and subsidising are.
func TestFundingFacetIsNotASubsidiary(t *testing.T) {
	c := mustDefault(t)
	for title, want := range map[string]bool{
		"Commerce Department widens AI chip export curbs to cover sales through subsidiaries in third countries": false,
		"Government to subsidise AI chip makers with new budget":                                                 true,
		"EU approves subsidies for AI compute clusters":                                                          true,
		"Korea to subsidize domestic AI chips":                                                                   true,
	} {
		got := slices.Contains(c.Classify(Doc{Title: title}).Facets, "funding")
		if got != want {
			t.Errorf("%q: funding facet %v, want %v", title, got, want)
		}
	}
}
