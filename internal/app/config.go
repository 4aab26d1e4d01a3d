package app

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/aggregate/story"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/publish"
)

// Config is a config as gleaner runs it: the file's values and the topic
// profile compiled from them once, which every command hands on rather than
// compiling it again.
type Config struct {
	*config.Config
	Classifier *topic.Classifier
}

// LoadConfig reads and validates the config file at path and compiles its
// topic profile.
func LoadConfig(path string) (*Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	return Compile(cfg)
}

// ParseConfig is LoadConfig of data, the bytes read from path.
func ParseConfig(path string, data []byte) (*Config, error) {
	cfg, err := config.Parse(path, data)
	if err != nil {
		return nil, err
	}
	return Compile(cfg)
}

// Compile compiles cfg's [topic] profile, or the built-in one when it has none.
func Compile(cfg *config.Config) (*Config, error) {
	p := cfg.Topic
	if p == nil {
		p = topic.Default()
	}
	c, err := topic.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("topic profile: %w", err)
	}
	return &Config{Config: cfg, Classifier: c}, nil
}

// Sources converts the configured sources to the domain's, ranked in the
// config's order.
func Sources(cfg *config.Config) []aggregate.Source {
	out := make([]aggregate.Source, len(cfg.Sources))
	// One Location per zone: each LoadLocation reads and keeps the zone's whole
	// table, 6 MB for 10,000 sources in a few zones.
	zones := map[string]*time.Location{"": time.UTC}
	for i, s := range cfg.Sources {
		loc, ok := zones[s.Timezone]
		if !ok {
			loc = time.UTC
			// Validated by config.Load.
			if l, err := time.LoadLocation(s.Timezone); err == nil {
				loc = l
			}
			zones[s.Timezone] = loc
		}
		out[i] = aggregate.Source{Name: s.Name, URL: s.URL, Interval: s.Interval.D(), Timezone: loc, Rank: i}
	}
	return out
}

// PublishOptions are the curated feed's settings of cfg.
func PublishOptions(cfg *config.Config) publish.Options {
	return publish.Options{
		Title:        cfg.Feed.Title,
		Description:  cfg.Feed.Description,
		BaseURL:      cfg.Feed.BaseURL,
		MaxItems:     cfg.Feed.MaxItems,
		MaxPerSource: cfg.Feed.MaxPerSource,
		CacheMaxAge:  min(cfg.Poll.Interval.D(), time.Hour),
		CacheBytes:   cfg.Feed.CacheSize.N(),
		Hub:          cfg.Publish.Hub,
		MaxRelated:   maxRelated(cfg.Stories.MaxRelated),
		Facets:       facets(cfg.Topic),
		Location:     displayZone(cfg.Feed.Timezone),
	}
}

// displayZone is the zone named by [feed] timezone, the machine's when it
// names none (Validate has checked the name).
func displayZone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.Local
}

// defaultFacets are the built-in topic profile's facets.
var defaultFacets = sync.OnceValue(func() []string { return topic.Default().Facets() })

// facets are the facets of topic profile p, the built-in one when nil.
func facets(p *topic.Profile) []string {
	if p == nil {
		return defaultFacets()
	}
	return p.Facets()
}

// maxRelated is [stories] max_related as publish.Options takes it, where 0 is
// the default and a negative number none.
func maxRelated(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// StoryConfig is cfg's [stories] section with the grouping package's tuned
// thresholds where the config leaves them out.
func StoryConfig(cfg *config.Config) story.Config {
	sc := story.DefaultConfig()
	sc.Window = cfg.Stories.Window.D()
	if cfg.Stories.Threshold > 0 {
		sc.Threshold = cfg.Stories.Threshold
	}
	if cfg.Stories.CrossThreshold > 0 {
		sc.CrossThreshold = cfg.Stories.CrossThreshold
	}
	sc.Aliases = cfg.Stories.Aliases
	sc.NoMates = !cfg.Stories.MatesOn()
	return sc
}

// LoadStoryConfig is StoryConfig of the config file at path when a config was
// asked for (explicit), else the grouping package's defaults.
func LoadStoryConfig(path string, explicit bool) (story.Config, error) {
	if !explicit {
		return story.DefaultConfig(), nil
	}
	cfg, err := config.Load(path)
	if err != nil {
		return story.Config{}, err
	}
	return StoryConfig(cfg), nil
}

// UserAgent is what gleaner of this version sends, unless [poll] user_agent
// says otherwise.
func UserAgent(version string) string {
	return "gleaner/" + version + " (+https://github.com/gleaner/gleaner)"
}

// NewHTTPClient returns the HTTP client of cfg's [poll] settings: its timeout,
// and the addresses it refuses to dial.
func NewHTTPClient(cfg *config.Config) *http.Client {
	return fetch.NewHTTPClient(cfg.Poll.Timeout.D(), fetch.AddressPolicy{DenyPrivate: cfg.Poll.DenyPrivate})
}

// NewFetcher returns the fetch client of cfg's [poll] settings over hc.
func NewFetcher(cfg *config.Config, hc *http.Client, version string) *fetch.Client {
	return newFetcher(cfg, hc, version, false)
}

// newFetcher is NewFetcher; daemon holds a host after a timeout (see
// fetch.Options.HoldAfterTimeout), which only gleaner run asks again soon.
func newFetcher(cfg *config.Config, hc *http.Client, version string, daemon bool) *fetch.Client {
	ua := cfg.Poll.UserAgent
	if ua == "" {
		ua = UserAgent(version)
	}
	return fetch.New(hc, fetch.Options{
		UserAgent:        ua,
		Timeout:          cfg.Poll.Timeout.D(),
		MaxBody:          cfg.Poll.MaxBody.N(),
		MaxItems:         cfg.Poll.MaxItems,
		PerHost:          cfg.Poll.PerHost,
		HoldAfterTimeout: daemon,
	})
}
