// Package aggregate owns gleaner's domain (sources, items, fetch state, curated
// entries) and the ingest pipeline that turns polled feeds into stored, classified
// items: fetch (conditional GET) -> parse (gofeed) -> normalise -> classify -> save.
//
// The stages are files: poller.go schedules the polls, runs the workers that
// fetch and the single writer that saves; ingest.go turns one fetched document
// into items (parse, normalise with normalize.go, classify, sign for the story
// grouper of group.go).
//
// It imports none of gleaner's other top-level packages; store and publish depend
// on the types declared here.
package aggregate

import (
	"crypto/sha1"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/gleaner/gleaner/aggregate/story"
)

// Source is a feed gleaner polls, as the config describes it.
type Source struct {
	ID       int64          // the store's id; 0 until the source is saved
	Name     string         // the outlet's name as the user wrote it
	URL      string         // the configured feed URL: the source's identity
	Interval time.Duration  // polling interval (already defaulted from [poll])
	Timezone *time.Location // zone for dates written without one; nil means UTC
	Rank     int            // position in the config, 0 first; ranks story leads
}

// FetchState is what gleaner remembers about polling one source. The store keeps it
// so that a restart neither re-polls everything at once nor forgets backoff.
type FetchState struct {
	SourceID          int64
	ETag              string
	LastModified      string
	CurrentURL        string // URL after a permanent redirect; "" means Source.URL
	LastAttempt       time.Time
	LastSuccess       time.Time
	NextFetch         time.Time
	Status            int // HTTP status of the last response, 0 when none arrived
	ConsecutiveErrors int
	LastError         string // the last error's message, for the operator: it may quote a remote answer
	ErrorKind         string // the last error's kind ("timeout", "not_feed", "denied", "save", ...), fit to publish
	Gone              bool   // 410: polling stopped
	// HoldUntil is when the source's host may be asked again after it answered
	// 429 or 503 with Retry-After; zero when it did not, or answered since.
	HoldUntil time.Time
	ItemsSeen int64
	ItemsKept int64
	FeedTitle string // the feed's own title, for <source> in republished entries
	FeedLink  string // the feed's own site link
	FeedID    string // the feed's own id (Atom id), if any
}

// Verdict is the topic filter's decision about an item, with its explanation.
type Verdict struct {
	Match   bool
	Score   float64
	Reasons []string
	Facets  []string
	// Near is topic.Result.Near: not kept, but close enough that the item is
	// kept as a story mate when it joins a story of kept reports of its event
	// (see MateReason). Not stored.
	Near bool
}

// MateReason is the first reason of a story mate: an item the topic filter did not
// keep, near the threshold, that joined a story of kept reports of its event. Readers
// of a story expect every outlet's report of it, and the story's kept reports say what
// the event is about better than one headline's words.
const MateReason = "kept: reports the same event as kept reports (story mate)"

// KeptAsMate is v as a story mate's: kept, with MateReason first.
func KeptAsMate(v Verdict) Verdict {
	v.Match, v.Near = true, false
	v.Reasons = append([]string{MateReason}, v.Reasons...)
	return v
}

// IsMate reports whether a stored verdict kept its item as a story mate.
func IsMate(v Verdict) bool { return v.Match && len(v.Reasons) > 0 && v.Reasons[0] == MateReason }

// Item is one entry a source yields, normalised: text fields are plain UTF-8 text,
// Content is sanitised HTML, URL is canonical (tracking parameters removed).
type Item struct {
	ID       int64
	SourceID int64
	Key      string // identity within the source: GUID, else link, else hash of title and date
	GUID     string // the original's id (Atom id or RSS guid), "" when it has none
	URL      string // canonical link to the original article
	Title    string
	Summary  string // plain text, capped
	BodyText string // plain text of the body beyond the summary, capped; what the classifier read
	// Content is the feed's HTML body as received (capped at maxStoredHTML), kept
	// only for items the filter kept. It is third-party markup: publish sanitises
	// it on every rendering (sanitize.HTML), the one place it leaves gleaner.
	Content string
	Author  string
	// Origin is the outlet an aggregator's item names as its own (Google News's
	// <source>, an Atom entry's <source>), when that is not the feed's own
	// outlet; OriginURL is that outlet's link. Both "" for most feeds.
	Origin    string
	OriginURL string
	Lang      string // "ko" or "en"
	Published time.Time
	Updated   time.Time
	FirstSeen time.Time
	// Undated marks an item whose feed gave no usable date, or one in the future:
	// its Published is the time it was seen. A later poll of it is no revision for
	// that, and keeps the time first stored (see normalize).
	Undated bool
	Fresh   bool // new enough when first seen to be published (see feed.max_age)
	Verdict Verdict
	StoryID int64

	// storySig is the near-duplicate signature, computed on a poll worker so that
	// the single writer only looks it up (see StoryGrouper.Prepare). Not stored.
	storySig *story.Signature
}

// Outlet is a source as shown next to a published entry.
type Outlet struct {
	Name    string // configured name
	FeedURL string // the feed gleaner polls
	Title   string // the feed's own title
	Link    string // the feed's site link
	FeedID  string // the feed's own id, if any
	// The outlet an aggregator's item names (Item.Origin, Item.OriginURL): shown
	// as the report's outlet in place of the aggregator's name.
	Origin     string
	OriginLink string
}

// Related is an outlet's report of a story.
type Related struct {
	Outlet     Outlet
	Title      string
	Summary    string // the report's lead, read only when it has no title: "" for one that has
	URL        string
	Lang       string
	Published  time.Time
	Similarity float64 // to the story when it joined; 1 for the item that started it or the same URL
}

// Entry is one story of the curated feed: its lead item, the outlet that published
// it, and the first other outlets' reports of each language (see story.Pick).
type Entry struct {
	ID      string // stable entry id, see EntryID
	Item    Item   // the lead item; Item.StoryID is the story's id
	Outlet  Outlet
	Also    []Related
	Reports int       // the story's reports, the lead's among them: more than 1+len(Also) when Also is capped
	Langs   []string  // the languages that reported it, sorted
	Facets  []string  // the story's categories, of its curated reports, sorted: what ?category= finds it by
	Updated time.Time // when the story last changed (gained outlets or was revised)
	Cursor  Cursor    // its place in the curated feed, from which Query.Before pages on
}

// Cursor is a place in the curated feed's order, newest first: by the time
// a story stands at (its lead's publication), then by story id. The zero
// Cursor is the start.
type Cursor struct {
	Published time.Time
	StoryID   int64 // 0 with Published: before that moment
}

// Story is a story with its members.
type Story struct {
	ID      int64
	EntryID string
	Visible bool
	Updated time.Time
	Langs   []string // the languages of its members, sorted
	Reports int      // its members; more than len(Members) when a listing caps them
	Members []StoryMember
}

// StoryMember is one item of a story: its report, which item it is, and whether it
// leads the story.
type StoryMember struct {
	Related
	ItemID int64
	Lead   bool
}

// entryNamespace roots the name-based UUIDs of items that have no URI id of their own.
var entryNamespace = uuid.MustParse("6f1d1c52-6a4e-4b5c-9a55-2f0f3c1b7e10")

// EntryID returns the stable id gleaner publishes for an item: the original's own id
// when it is an absolute URI (as RFC 4287 asks of republished entries), else a
// name-based UUID URN from the source's configured URL and the item's key, which is
// the same across renders, restarts and machines.
func EntryID(sourceURL string, it Item) string {
	if isURIID(it.GUID) {
		return it.GUID
	}
	return SourceEntryID(sourceURL, it.Key)
}

// SourceEntryID is the name-based UUID URN of an item by its source's
// configured URL and its key: EntryID of an item without a URI id, and the id
// of a story an item starts when another source's article already has the
// item's own id.
func SourceEntryID(sourceURL, key string) string {
	return "urn:uuid:" + uuid.NewSHA1(entryNamespace, []byte(sourceURL+"\x00"+key)).String()
}

func isURIID(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\r\n<>\"") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "urn", "tag":
		return u.Opaque != ""
	}
	return false
}

// hashKey is the identity of an item without GUID or link: a hash of its title and date.
func hashKey(title string, date time.Time) string {
	h := sha1.New()
	h.Write([]byte(title))
	if !date.IsZero() {
		h.Write([]byte(date.UTC().Format(time.RFC3339)))
	}
	return "sha1:" + hex.EncodeToString(h.Sum(nil))
}

// Query selects entries of the curated feed, newest first by published date.
type Query struct {
	Lang         string // "ko", "en", or "" for every language
	Facet        string // a topic facet such as "regulation", or "" for all
	Limit        int    // at most this many entries
	MaxPerSource int    // at most this many entries led by one source (by outlet, for an aggregator's); 0 means no cap
	MaxRelated   int    // at most this many other reports named per entry (Entry.Also)
	Before       Cursor // only entries after this place (older); zero: from the newest
	// Match keeps the stories one of whose reports has every word of it (a
	// space-separated list) in its title or the opening of its summary; ""
	// keeps all.
	Match string
}

// SourceStatus is a source with its fetch state, as status pages show it.
type SourceStatus struct {
	Source Source
	State  FetchState
	Active bool // still in the config; removed sources keep their items and state
}

// Fetched is the outcome of one poll of a source, saved atomically: the new fetch
// state (with the response's validators) and the items the response produced. If
// the items cannot be saved, neither are the validators, so the next poll fetches
// the document again instead of getting a 304 and losing the items.
type Fetched struct {
	State FetchState
	Items []Item
}

// SaveStats counts what saving one Fetched did.
type SaveStats struct {
	SourceID int64
	Seen     int // items in the response
	New      int // items not stored before
	Kept     int // new items the topic filter kept, story mates included
	Mates    int // of those, story mates (see MateReason)
	Old      int // of those, older than [feed] max_age when first seen: stored, not published
	Changed  int // stored items whose text changed
	// Pulled counts near reports saved earlier, by any source, that this save's kept
	// reports pulled into their stories as mates (see Puller). A save counts them on the
	// stats of its first poll.
	Pulled int
	// Merged counts the stories this save merged into another story of their event (see
	// Bridger), on the stats of its first poll.
	Merged int
}

// StoryNeed is a curated item about to be saved without a story. The store fills Item
// and URLStory before its write transaction; a Grouper then fills Choice, and the store
// saves the item into the story chosen (see story.Choice).
type StoryNeed struct {
	Item     *Item
	URLStory int64 // the stored story of another source's item with the same URL; 0 if none
	// Mate marks an item the filter did not keep but found near: it joins a story of
	// kept reports if one is close (story.Pending.JoinOnly), and starts none.
	Mate   bool
	Choice story.Choice
}

// Pull is a stored near report (not kept, in no story) that a save's kept reports bring
// into their story as a mate: a story mate that came before the kept report of its
// event. Choice is the story, as Assign decides one.
type Pull struct {
	ItemID  int64
	Choice  story.Choice
	StoryID int64 // set by the store when it kept the report as a mate in that story
}

// Puller is a Grouper that also pulls stored near reports into the stories of a save's
// kept reports. A poll's save asks for the pulls of its needs between Assign and Added,
// keeps those it can (setting StoryID), and calls Pulled, saved or not, before Added.
type Puller interface {
	Grouper
	Pulls(needs []StoryNeed) []Pull
	Pulled(saved bool)
}

// Bridger is a Grouper that also merges stories found to report one event (see
// story.Index.Bridges). After a poll's
// save and its Added, the store calls Bridges for the merges the save's items call for,
// merges what it returns in a transaction of its own (MergeStories), and calls Merged
// with the merges it made, which may be none (on an error, or when Bridges found none),
// every time. A Bridger may hold a lock from Bridges to Merged.
type Bridger interface {
	Grouper
	Bridges() []story.Merge
	Merged(merges []story.Merge)
}

// MergeError is what Save returns when merging stories (see Bridger) failed after the
// save itself was committed: the save stands, only the merge did not happen.
type MergeError struct{ Err error }

func (e *MergeError) Error() string { return "merge stories: " + e.Err.Error() }
func (e *MergeError) Unwrap() error { return e.Err }

// Grouper decides which story each curated item joins among recent stories of other
// outlets (near-duplicates). The store calls it outside its write transaction: Assign
// before it, in the order the items are saved, and Added after it, once for every
// Assign and from the same goroutine, whether it committed or not, with each need's
// Item.ID and Item.StoryID as saved (StoryID 0 for an item that was not). So a Grouper
// may hold a lock from Assign to Added, as saves and reclassifications run at once.
type Grouper interface {
	Assign(needs []StoryNeed)
	Added(needs []StoryNeed)
}
