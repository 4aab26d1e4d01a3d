package aggregate

import "sort"

func sortByRank(ps []*polled) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].src.Rank < ps[j].src.Rank })
}

func sortReports(rs []Report) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Source.Rank < rs[j].Source.Rank })
}
