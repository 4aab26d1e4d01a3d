package aggregate

import (
	"net/url"
	"sort"

	"github.com/gleaner/gleaner/aggregate/fetch"
)

func sortByRank(ps []*polled) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].src.Rank < ps[j].src.Rank })
}

func sortReports(rs []Report) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Source.Rank < rs[j].Source.Rank })
}

// interleaveHosts orders sources so that one host's follow another's where it
// can, keeping rank order within each host; hosts take turns in the order of
// their best-ranked source. Workers take sources in this order and wait for a
// free slot on the host (fetch.Options.PerHost), so a run of one host's sources
// would hold every worker while other hosts' sources wait behind them, for as
// long as that host takes to answer each in turn (minutes, when it hangs until
// the timeout).
func interleaveHosts(ps []*polled) []*polled {
	byHost := make(map[string][]*polled)
	var hosts []string
	for _, p := range ps {
		h := pollHost(p)
		if _, ok := byHost[h]; !ok {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], p)
	}
	if len(hosts) <= 1 || len(hosts) == len(ps) {
		return ps
	}
	out := make([]*polled, 0, len(ps))
	for len(out) < len(ps) {
		for _, h := range hosts {
			if q := byHost[h]; len(q) > 0 {
				out = append(out, q[0])
				byHost[h] = q[1:]
			}
		}
	}
	return out
}

// pollTarget is the address a poll of src asks first: where it moved for good,
// else its configured URL.
func pollTarget(src Source, st FetchState) string {
	if st.CurrentURL != "" {
		return st.CurrentURL
	}
	return src.URL
}

// pollHost is the host a poll of p goes to first, keyed as the fetch client's
// per-host limit keys it.
func pollHost(p *polled) string {
	target := pollTarget(p.src, p.state)
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	return fetch.HostKey(u)
}
