package publish

import (
	"bytes"
	"encoding/json"
	"html/template"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/sanitize"
	"github.com/gleaner/gleaner/internal/redact"
)

// statusDoc is what /status.json serves and /status shows: every source's fetch
// state, and the stories of the current curated feed that several outlets
// reported, with their similarity, so that a user can see why items were grouped.
type statusDoc struct {
	Title string `json:"title"`
	// Problems of the daemon itself, which no source's row shows (its saves
	// failing, the database file gone): the daemon's own words, never an
	// error's text (see Handler.SetProblems).
	Problems []string `json:"problems,omitempty"`
	// Unavailable: the sources' states could not be read (Sources is null).
	Unavailable bool           `json:"sources_unavailable,omitempty"`
	Sources     []sourceStatus `json:"sources"`
	Stories     []storyStatus  `json:"stories"`
}

type sourceStatus struct {
	ID                int64      `json:"id"`
	Name              string     `json:"name"`
	URL               string     `json:"url"`
	CurrentURL        string     `json:"current_url"` // after permanent redirects; URL when none
	FeedTitle         string     `json:"feed_title,omitempty"`
	Active            bool       `json:"active"`
	Gone              bool       `json:"gone"`
	State             string     `json:"state"` // aggregate.SourceStates: ok, backoff, gone, pending, removed
	HTTPStatus        int        `json:"http_status"`
	LastAttempt       *time.Time `json:"last_attempt"`
	LastSuccess       *time.Time `json:"last_success"`
	NextFetch         *time.Time `json:"next_fetch"`
	ConsecutiveErrors int        `json:"consecutive_errors"`
	LastError         string     `json:"last_error"` // the error's kind ("timeout", "not_feed", ...), never its text
	ItemsSeen         int64      `json:"items_seen"`
	ItemsKept         int64      `json:"items_kept"`
	Interval          string     `json:"interval,omitempty"`
	OK                bool       `json:"-"`
}

type storyStatus struct {
	ID       string        `json:"id"`
	Title    string        `json:"title"`
	URL      string        `json:"url"`
	Outlet   string        `json:"outlet"`
	Lang     string        `json:"lang,omitempty"` // "ko", "en" or "" when unknown
	Updated  time.Time     `json:"updated"`
	Reports  int           `json:"reports"`             // members lists the first few
	StoryURL string        `json:"story_url,omitempty"` // the page that lists every one
	Members  []storyMember `json:"members"`
}

type storyMember struct {
	Outlet     string     `json:"outlet"`
	Title      string     `json:"title"`
	URL        string     `json:"url"`
	Lang       string     `json:"lang,omitempty"`
	Published  *time.Time `json:"published,omitempty"`
	Similarity float64    `json:"similarity"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = utc(t)
	return &t
}

func buildStatus(o Options, list []aggregate.SourceStatus, entries []aggregate.Entry) *statusDoc {
	d := &statusDoc{Title: sanitize.Text(o.Title), Sources: make([]sourceStatus, 0, len(list)), Stories: []storyStatus{}}
	for _, s := range list {
		st := s.State
		ss := sourceStatus{
			ID:                s.Source.ID,
			Name:              sanitize.Text(s.Source.Name),
			URL:               redact.URL(s.Source.URL),
			CurrentURL:        redact.URL(s.Source.URL),
			FeedTitle:         redact.Scrub(sanitize.Text(st.FeedTitle), redact.Secrets(s.Source.URL)),
			Active:            s.Active,
			Gone:              st.Gone,
			HTTPStatus:        st.Status,
			LastAttempt:       timePtr(st.LastAttempt),
			LastSuccess:       timePtr(st.LastSuccess),
			NextFetch:         timePtr(st.NextFetch),
			ConsecutiveErrors: st.ConsecutiveErrors,
			LastError:         publicError(st),
			ItemsSeen:         st.ItemsSeen,
			ItemsKept:         st.ItemsKept,
		}
		if st.CurrentURL != "" {
			ss.CurrentURL = redact.URL(st.CurrentURL)
		}
		if s.Source.Interval > 0 {
			ss.Interval = s.Source.Interval.String()
		}
		ss.State = s.StateName()
		ss.OK = ss.State == aggregate.StateOK
		d.Sources = append(d.Sources, ss)
	}
	for i := range entries {
		en := &entries[i]
		if len(en.Also) == 0 {
			continue
		}
		e := entryOf(o, en)
		s := storyStatus{ID: e.ID, Title: e.Title, URL: e.URL, Outlet: e.Outlet.Credit(), Lang: e.Lang, Updated: e.Updated, Reports: e.Reports, StoryURL: e.StoryURL}
		s.Members = append(s.Members, storyMember{Outlet: e.Outlet.Credit(), Title: e.Title, URL: e.URL, Lang: e.Lang, Published: timePtr(e.Published), Similarity: 1})
		for _, r := range en.Also {
			s.Members = append(s.Members, storyMember{
				Outlet: outletOf(r.Outlet).Credit(), Title: relatedTitle(r), URL: relatedURL(r), Lang: r.Lang,
				Published: timePtr(r.Published), Similarity: r.Similarity,
			})
		}
		d.Stories = append(d.Stories, s)
	}
	return d
}

// publicError is what the public status pages say of a source's last error: its
// kind. The message stays with the operator (logs, gleaner sources): it can quote
// what a remote server answered, which a feed that redirects to an inner address
// would otherwise publish.
func publicError(st aggregate.FetchState) string {
	switch {
	case st.ErrorKind != "":
		return st.ErrorKind
	case st.LastError != "":
		return "error" // recorded before kinds were kept
	}
	return ""
}

func renderStatusJSON(d *statusDoc) ([]byte, error) { return indentJSON(d) }

// indentJSON is v as the JSON documents publish serves write it: indented by two
// spaces, with a final newline.
func indentJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func renderStatusHTML(d *statusDoc, o Options, now time.Time) ([]byte, error) {
	data := struct {
		*statusDoc
		CSS              template.CSS
		MetaCSP          string
		HomeURL, JSONURL string
	}{d, template.CSS(pageCSS), metaCSP, o.BaseURL, o.BaseURL + "status.json"}
	return execute(statusTemplate, clock{loc: o.Location, now: now}, data, nil)
}
