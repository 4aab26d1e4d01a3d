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

// TestTalentFacetIsNotAConsumer: Hangul terms match inside words, and 비자
// (visa) is inside 소비자 (consumer): consumer-protection news was filed under
// talent, "talent visas (비자)" its reason. A visa is still one.
func TestTalentFacetIsNotAConsumer(t *testing.T) {
	c := mustDefault(t)
	for title, want := range map[string]bool{
		"국회, 인공지능 기본법 통과…소비자 단체 환영":            false,
		"미 FTC, 오픈AI 제소…챗GPT 소비자 보호 위반 혐의":     false,
		"AI 확산에 비자발적 실업 우려…정부, 인공지능 기본법 후속 대책": false,
		"정부, AI 인재 유치 위해 전문인력 비자 발급 요건 완화":     true,
	} {
		r := c.Classify(Doc{Title: title})
		if got := slices.Contains(r.Facets, "talent"); got != want {
			t.Errorf("%q: talent facet %v, want %v (%q)", title, got, want, r.Reasons)
		}
	}
}
