package topic

import "slices"

// Facets lists the facets the profile's groups give an item (Result.Facets),
// sorted: the names a reader may filter the curated feed by.
func (p *Profile) Facets() []string {
	var out []string
	for _, g := range p.Groups {
		if g.Facet != "" && !slices.Contains(out, g.Facet) {
			out = append(out, g.Facet)
		}
	}
	slices.Sort(out)
	return out
}
