package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate/topic"
)

// validate checks every value after decoding and returns all problems at once,
// in file order, so a user fixes a config in one pass.
func (c *Config) validate(pos positions) Errors {
	var errs Errors
	add := func(key, format string, args ...any) {
		errs = append(errs, pos.at(c.Path, key, fmt.Sprintf(format, args...)))
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		add("listen", "%q is not a host:port address", c.Listen)
	}
	if c.MemoryLimit.err != nil {
		add("memory_limit", "%v", c.MemoryLimit.err)
	} else if n := c.MemoryLimit.n; n != 0 && n < 32<<20 {
		add("memory_limit", "must be 0 (Go's defaults) or at least 32MiB, got %d bytes", n)
	}
	if strings.TrimSpace(c.Database) == "" {
		add("database", "must name a file")
	}
	positive := func(key string, d Duration) {
		if d.err != nil {
			add(key, "%v", d.err)
		} else if d.D() <= 0 {
			add(key, "must be a positive duration, got %s", d.D())
		}
	}
	positive("poll.interval", c.Poll.Interval)
	positive("poll.timeout", c.Poll.Timeout)
	positive("poll.max_backoff", c.Poll.MaxBackoff)
	if c.Poll.Concurrency < 1 {
		add("poll.concurrency", "must be at least 1, got %d", c.Poll.Concurrency)
	}
	if c.Poll.PerHost < 1 {
		add("poll.per_host", "must be at least 1, got %d", c.Poll.PerHost)
	}
	if c.Poll.MaxBody.err != nil {
		add("poll.max_body", "%v", c.Poll.MaxBody.err)
	} else if c.Poll.MaxBody.n < 1024 {
		add("poll.max_body", "must be at least 1KiB, got %d bytes", c.Poll.MaxBody.n)
	}
	if c.Poll.MaxItems < 1 {
		add("poll.max_items", "must be at least 1, got %d", c.Poll.MaxItems)
	}
	if strings.TrimSpace(c.Feed.Title) == "" {
		add("feed.title", "must not be empty")
	}
	if c.Feed.BaseURL != "" {
		if msg := checkHTTPURL(c.Feed.BaseURL); msg != "" {
			add("feed.base_url", "%s", msg)
		}
	}
	if c.Feed.MaxItems < 1 || c.Feed.MaxItems > 10000 {
		add("feed.max_items", "must be between 1 and 10000, got %d", c.Feed.MaxItems)
	}
	positive("feed.max_age", c.Feed.MaxAge)
	if c.Feed.MaxPerSource < 0 {
		add("feed.max_per_source", "must not be negative, got %d", c.Feed.MaxPerSource)
	}
	if c.Feed.CacheSize.err != nil {
		add("feed.cache_size", "%v", c.Feed.CacheSize.err)
	} else if c.Feed.CacheSize.n < 1<<20 {
		add("feed.cache_size", "must be at least 1MiB, got %d bytes", c.Feed.CacheSize.n)
	}
	if c.Publish.Hub != "" {
		if msg := checkHTTPURL(c.Publish.Hub); msg != "" {
			add("publish.hub", "%s", msg)
		}
	}
	positive("store.keep_unmatched", c.Store.KeepUnmatched)
	positive("store.keep_matched", c.Store.KeepMatched)
	positive("stories.window", c.Stories.Window)
	if c.Stories.Threshold < 0 || c.Stories.Threshold > 1 {
		add("stories.threshold", "must be between 0 and 1, got %g", c.Stories.Threshold)
	}

	if len(c.Sources) == 0 {
		errs = append(errs, &Error{File: c.Path, Key: "source", Msg: "no sources: add at least one [[source]] block with a url"})
	}
	seen := map[string]int{}
	for i, s := range c.Sources {
		key := fmt.Sprintf("source[%d]", i)
		if strings.TrimSpace(s.URL) == "" {
			add(key+".url", "missing: every [[source]] needs a url")
		} else if msg := checkHTTPURL(s.URL); msg != "" {
			add(key+".url", "%s", msg)
		} else {
			norm := normalURL(s.URL)
			if j, dup := seen[norm]; dup {
				add(key+".url", "duplicate source URL %q: source[%d] has it already", s.URL, j)
			} else {
				seen[norm] = i
			}
		}
		if s.Interval.set {
			positive(key+".interval", s.Interval)
		}
		if s.Timezone != "" {
			if _, err := time.LoadLocation(s.Timezone); err != nil {
				add(key+".timezone", "unknown time zone %q (use an IANA name such as \"Asia/Seoul\")", s.Timezone)
			}
		}
	}
	if c.Topic != nil {
		if _, err := topic.Compile(c.Topic); err != nil {
			for _, pe := range profileErrors(err) {
				add(pe.Path, "%s", pe.Msg)
			}
		}
	}
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Line != errs[j].Line {
			return errs[i].Line < errs[j].Line
		}
		return errs[i].Column < errs[j].Column
	})
	return errs
}

// profileErrors flattens what topic.Compile returned into its ProfileErrors.
func profileErrors(err error) []*topic.ProfileError {
	var out []*topic.ProfileError
	var walk func(error)
	walk = func(err error) {
		var pe *topic.ProfileError
		if errors.As(err, &pe) && pe == err {
			out = append(out, pe)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if errors.As(err, &pe) {
			out = append(out, pe)
			return
		}
		out = append(out, &topic.ProfileError{Path: "topic", Msg: err.Error()})
	}
	walk(err)
	return out
}

// checkHTTPURL returns why raw is not an absolute http(s) URL, or "".
func checkHTTPURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return fmt.Sprintf("%q is not a valid URL: %v", raw, unwrapURLError(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Sprintf("%q is not an http or https URL", raw)
	}
	if u.Host == "" {
		return fmt.Sprintf("%q has no host", raw)
	}
	return ""
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// normalURL is the form two source URLs are compared in: scheme and host are
// case-insensitive, and a default port or empty path changes nothing.
func normalURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	}
	u.Host = host
	if u.Path == "" {
		u.Path = "/"
	}
	u.Fragment = ""
	return u.String()
}
