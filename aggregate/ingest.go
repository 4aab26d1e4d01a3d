package aggregate

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/aggregate/sanitize"
	"github.com/gleaner/gleaner/aggregate/topic"
)

// Classifier decides whether an item is about AI industry policy; *topic.Classifier
// satisfies it.
type Classifier interface {
	Classify(d topic.Doc) topic.Result
}

// Preparer is a Grouper that computes an item's story signature ahead of Find
// and Add. The poller calls it on its workers, in parallel, so that the single
// writer only looks signatures up; *StoryGrouper is one.
type Preparer interface {
	Prepare(it *Item)
}

var _ Preparer = (*StoryGrouper)(nil)

// ingest turns one fetched document (a 200 response) into items ready to
// save: parse -> normalise (normalize.go) -> classify -> sign for the story
// grouper. It notes the feed's own title, link, id and <ttl> in st and minGap.
func (p *Poller) ingest(resp *fetch.Response, src Source, st *FetchState, now time.Time, minGap *time.Duration) ([]Item, error) {
	feed, err := p.fetcher.Parse(resp.Body, resp.ContentType, resp.FinalURL)
	if err != nil {
		return nil, err
	}
	st.FeedTitle = sanitize.Text(feed.Title)
	base := feedBase(feed, resp.FinalURL)
	if base != nil {
		st.FeedLink = CanonicalURL(base.String())
	}
	if isURIID(feed.FeedLink) {
		st.FeedID = feed.FeedLink
	}
	if ttl := min(feedTTL(resp.Body), p.opt.MaxBackoff); ttl > *minGap {
		*minGap = ttl
	}
	loc := src.Timezone
	if loc == nil {
		loc = time.UTC
	}
	c := p.classifier.Load().(Classifier)
	// Items that may join a story get their signature here, on a worker.
	prep, _ := p.grouper.Load().(groupBox).g.(Preparer)
	all := make([]normalized, 0, len(feed.Items))
	seen := make(map[string]bool, len(feed.Items))
	for _, fi := range feed.Items {
		if fi == nil {
			continue
		}
		n := normalize(fi, base, loc, now)
		applyOrigin(&n, fi, base, src.Name, st.FeedTitle)
		if n.Title == "" && n.Summary == "" {
			continue
		}
		if seen[n.Key] {
			continue // a feed listing one item twice
		}
		seen[n.Key] = true
		all = append(all, n)
	}
	dropTemplateSummaries(all)
	items := make([]Item, 0, len(all))
	for _, n := range all {
		n.Lang = topic.DetectLang(n.Title + " " + n.Summary)
		n.Fresh = p.opt.MaxAge <= 0 || !n.Published.Before(now.Add(-p.opt.MaxAge))
		n.Verdict = verdict(c.Classify(topic.Doc{Title: n.Title, Summary: n.Summary, Content: n.BodyText}))
		if n.Verdict.Match || n.Verdict.Near {
			// Only republished items keep their HTML (a near one may be, as a
			// story mate). It is sanitised where it leaves gleaner (publish
			// renders at most max_items entries), not here for every kept item.
			n.Content = capHTML(n.bodyHTML, maxStoredHTML)
			if n.Fresh && prep != nil {
				prep.Prepare(&n.Item)
			}
		}
		items = append(items, n.Item)
	}
	return items, nil
}

// templateItems is how many items of one document must share a description (but for its
// digits) for it to be a template.
const templateItems = 3

// dropTemplateSummaries empties the description that several items of one document share,
// as a ministry's press-release feed gives every release ("Press release from the Ministry
// of Science and ICT"; "과학기술정보통신부 보도자료입니다"): it says nothing of any one of
// them, the topic filter read it as each one's lead, and the story index made unrelated
// releases alike by it (0.41 and 0.64, against a threshold of 0.17). An item without one is
// judged on its headline, as one from a feed that sends none.
func dropTemplateSummaries(all []normalized) {
	if len(all) < templateItems {
		return
	}
	keys := make([]string, len(all))
	count := make(map[string]int, len(all))
	for i := range all {
		if s := all[i].Summary; s != "" && len(s) <= maxTemplateBytes {
			// An aggregator's items that name different outlets are their copies of a
			// wire story, not the feed's template.
			keys[i] = strings.ToLower(all[i].Origin) + "\x00" + templateKey(s)
			count[keys[i]]++
		}
	}
	for i := range all {
		if keys[i] != "" && count[keys[i]] >= templateItems {
			all[i].Summary = ""
		}
	}
}

// maxTemplateBytes bounds the descriptions dropTemplateSummaries considers: a template is a
// line or two, while outlets that carry one wire story verbatim share a lead of several
// sentences, which is evidence that they are one story.
const maxTemplateBytes = 200

// templateKey is what two descriptions must share to be one template: their bytes, ASCII
// letters folded, digits (dates, numbers) and spaces left out.
func templateKey(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c == ' ', c == '\t', c == '\n':
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func verdict(r topic.Result) Verdict {
	return Verdict{Match: r.Match, Score: r.Score, Reasons: r.Reasons, Facets: r.Facets, Near: r.Near}
}

// feedTTL reads an RSS <ttl> (minutes), which gofeed's universal feed drops.
func feedTTL(body []byte) time.Duration {
	i := bytes.Index(body, []byte("<ttl>"))
	if i < 0 {
		return 0
	}
	rest := body[i+5:]
	j := bytes.IndexByte(rest, '<')
	if j < 0 || j > 12 {
		return 0
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(rest[:j])))
	if err != nil || n <= 0 {
		return 0
	}
	return min(time.Duration(n)*time.Minute, 24*time.Hour)
}
