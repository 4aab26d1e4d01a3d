package aggregate

import "slices"

// SameFeed finds the sources that poll a feed another source polls: one that
// moved there for good (a permanent redirect) while a second source is
// configured at the new address, or two that moved to one address. The config
// refuses two sources of one feed, but it cannot see where a feed moves.
// Polled twice, the host got every request twice and the feed's items were
// stored twice, one outlet crediting itself as "also reported by" itself.
//
// list is in config order; key is how two addresses are one feed
// (config.FeedKey). Only active sources that are not gone count. In each
// group the source configured at the shared address is the one polled, else
// the first; the result maps every other one's id to it.
func SameFeed(list []SourceStatus, key func(string) string) map[int64]Source {
	type group struct {
		keeper Source
		own    bool // the keeper is configured at the shared address
		others []int64
	}
	groups := map[string]*group{}
	var order []string
	for _, s := range list {
		if !s.Active || s.State.Gone {
			continue
		}
		k := key(pollTarget(s.Source, s.State))
		own := key(s.Source.URL) == k
		g, ok := groups[k]
		switch {
		case !ok:
			groups[k] = &group{keeper: s.Source, own: own}
			order = append(order, k)
		case own && !g.own:
			g.others = append(g.others, g.keeper.ID)
			g.keeper, g.own = s.Source, true
		default:
			g.others = append(g.others, s.Source.ID)
		}
	}
	out := map[int64]Source{}
	for _, k := range order {
		g := groups[k]
		for _, id := range g.others {
			out[id] = g.keeper
		}
	}
	return out
}

// samePairs lists m's pairs by the id of the source not polled, for logs.
func samePairs(m map[int64]Source) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// SameFeedSource is a source that SameFeed found polling another's feed.
type SameFeedSource struct {
	Source   Source // not polled
	MovedTo  string // the address it moved to for good
	PolledAs Source // the source that polls that address
}
