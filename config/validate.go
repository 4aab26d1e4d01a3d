package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/http/httpguts"
	"golang.org/x/net/idna"

	"github.com/gleaner/gleaner/aggregate/story"
	"github.com/gleaner/gleaner/aggregate/topic"
)

// validate checks every value after decoding and returns all problems at once,
// so a user fixes a config in one pass. Keys in skip (and what is under them)
// were reported by the decoder already.
func (c *Config) validate(pos positions, skip map[string]bool) Errors {
	var errs Errors
	add := adder(c.Path, pos, skip, &errs)
	if msg := checkListen(c.Listen); msg != "" {
		add("listen", "%s", msg)
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
			add(key, "must be a positive duration, got %s", d)
		}
	}
	positive("poll.interval", c.Poll.Interval)
	positive("poll.timeout", c.Poll.Timeout)
	positive("poll.max_backoff", c.Poll.MaxBackoff) // below a minute: a warning, read as 1m
	// Each fetch in flight holds a response and its parsed feed; past a
	// thousand, a value is a slip (100000000 ran the daemon out of memory).
	if c.Poll.Concurrency < 1 || c.Poll.Concurrency > maxConcurrency {
		add("poll.concurrency", "must be between 1 and %d, got %d", maxConcurrency, c.Poll.Concurrency)
	}
	if c.Poll.PerHost < 1 || c.Poll.PerHost > maxConcurrency {
		add("poll.per_host", "must be between 1 and %d, got %d", maxConcurrency, c.Poll.PerHost)
	}
	if c.Poll.MaxBody.err != nil {
		add("poll.max_body", "%v", c.Poll.MaxBody.err)
	} else if c.Poll.MaxBody.n < 1024 {
		add("poll.max_body", "must be at least 1KiB, got %d bytes", c.Poll.MaxBody.n)
	}
	if c.Poll.MaxItems < 1 {
		add("poll.max_items", "must be at least 1, got %d", c.Poll.MaxItems)
	}
	if ua := c.Poll.UserAgent; ua != "" && (!httpguts.ValidHeaderFieldValue(ua) || strings.TrimSpace(ua) == "") {
		// A line break or control character would make every request fail.
		add("poll.user_agent", "%q cannot be sent as an HTTP header: use printable text on one line", ua)
	}
	if strings.TrimSpace(c.Feed.Title) == "" {
		add("feed.title", "must not be empty")
	}
	if c.Feed.BaseURL != "" {
		if msg := checkHTTPURL(c.Feed.BaseURL); msg != "" {
			add("feed.base_url", "%s", msg)
		} else if u, _ := url.Parse(strings.TrimSpace(c.Feed.BaseURL)); u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
			add("feed.base_url", "%q has a query or a fragment: the feed's addresses are made by adding paths to it", c.Feed.BaseURL)
		}
	}
	if c.Feed.MaxItems < 1 || c.Feed.MaxItems > 10000 {
		add("feed.max_items", "must be between 1 and 10000, got %d", c.Feed.MaxItems)
	}
	positive("feed.max_age", c.Feed.MaxAge)
	if c.Feed.Timezone != "" {
		if _, err := time.LoadLocation(c.Feed.Timezone); err != nil {
			add("feed.timezone", "unknown time zone %q%s", c.Feed.Timezone, zoneHint(c.Feed.Timezone, ", or leave it out for this machine's"))
		}
	}
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
	// Retention deletes for good (and remembers the deletion, so that the feeds
	// do not bring the items back): a keep time of minutes is a slip for months.
	positive("store.keep_unmatched", c.Store.KeepUnmatched) // under an hour: a warning
	positive("store.keep_matched", c.Store.KeepMatched)
	if d := c.Store.KeepMatched; d.err == nil && d.D() > 0 && d.D() < MinKeep {
		add("store.keep_matched", "%s would delete every kept item, what the feed shows, %s after it is first seen, for good; kept items are kept at least %s (there is no unit for days or months: 30 days is \"720h\")", d, d, Dur(MinKeep))
	}
	positive("stories.window", c.Stories.Window)
	if !(c.Stories.Threshold >= 0 && c.Stories.Threshold <= 1) { // NaN too
		add("stories.threshold", "must be between 0 and 1, got %g", c.Stories.Threshold)
	}
	if c.Stories.MaxRelated < 0 || c.Stories.MaxRelated > 1000 {
		add("stories.max_related", "must be between 0 and 1000, got %d", c.Stories.MaxRelated)
	}
	if !(c.Stories.CrossThreshold >= 0 && c.Stories.CrossThreshold <= 1) {
		add("stories.cross_threshold", "must be between 0 and 1, got %g", c.Stories.CrossThreshold)
	}
	for i, names := range c.Stories.Aliases {
		j, msg := story.AliasProblem(names)
		if msg == "" {
			continue
		}
		key := fmt.Sprintf("stories.aliases[%d]", i)
		if j < 0 {
			add(key, "%s", msg)
			continue
		}
		// Placed at the name itself; named as the entry and the name's place in it.
		e := pos.at(c.Path, fmt.Sprintf("%s[%d]", key, j), fmt.Sprintf("name %d: %s", j+1, msg))
		e.Key = key
		errs = append(errs, e)
	}

	if len(c.Sources) == 0 && !skip["source"] {
		errs = append(errs, &Error{File: c.Path, Key: "source", Msg: noSourcesMsg})
	}
	seen := map[string]int{}
	for i, s := range c.Sources {
		key := fmt.Sprintf("source[%d]", i) // written "source 1" in messages
		for _, p := range CheckSource(s) {
			add(key+"."+p.Key, "%s", p.Msg)
		}
		if strings.TrimSpace(s.URL) != "" && checkHTTPURL(s.URL) == "" {
			norm := normalURL(s.URL)
			if j, dup := seen[norm]; dup {
				add(key+".url", "duplicate source URL %q: source %d has it already", s.URL, j+1)
			} else {
				seen[norm] = i
			}
		}
	}
	c.validateTopic(pos, skip, &errs)
	return errs
}

// SourceError is a problem of one field of a source: Key is the field's key in
// [[source]] ("url", "interval", "timezone").
type SourceError struct{ Key, Msg string }

func (e *SourceError) Error() string { return e.Key + ": " + e.Msg }

// CheckSource returns the problems of the fields of s, each as validation
// reports it in a file (the checks across sources, such as duplicates, aside):
// for a source not yet in a file, such as the flags of gleaner sources add.
func CheckSource(s Source) []*SourceError {
	var out []*SourceError
	if strings.TrimSpace(s.URL) == "" {
		out = append(out, &SourceError{"url", "missing: every [[source]] needs a url"})
	} else if msg := checkHTTPURL(s.URL); msg != "" {
		out = append(out, &SourceError{"url", msg})
	} else if redactedURL(s.URL) {
		out = append(out, &SourceError{"url", redactedMsg})
	}
	if d := s.Interval; d.set {
		if d.err != nil {
			out = append(out, &SourceError{"interval", d.err.Error()})
		} else if d.D() <= 0 {
			out = append(out, &SourceError{"interval", fmt.Sprintf("must be a positive duration, got %s", d)})
		}
	}
	if s.Timezone != "" {
		if _, err := time.LoadLocation(s.Timezone); err != nil {
			out = append(out, &SourceError{"timezone", fmt.Sprintf("unknown time zone %q%s", s.Timezone, zoneHint(s.Timezone, ""))})
		}
	}
	return out
}

// adder returns validate's add: it appends the problem at key to *errs,
// unless key or a key above it is in skip (reported by the decoder already).
func adder(file string, pos positions, skip map[string]bool, errs *Errors) func(key, format string, args ...any) {
	return func(key, format string, args ...any) {
		for k := key; k != ""; k = parentKey(k) {
			if skip[k] {
				return
			}
		}
		*errs = append(*errs, pos.at(file, key, fmt.Sprintf(format, args...)))
	}
}

// checkListen returns why addr is not an address gleaner can listen on, or "".
// A host name is not looked up here (the machine that checks may not be the
// one that runs), but its port must be a number a socket can have.
func checkListen(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Sprintf("%q is not a host:port address (such as \"127.0.0.1:8080\" or \":8080\")", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Sprintf("%q: the port must be a number from 0 (any free port) to 65535, got %q", addr, port)
	}
	if host != "" && !validHost(host) {
		return fmt.Sprintf("%q: %q is not an IP address or a host name", addr, host)
	}
	return ""
}

// validHost reports whether h is an IP address (with a zone, for IPv6) or a
// syntactically valid host name.
func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// warnings returns what is valid but probably not what the user meant.
func (c *Config) warnings(pos positions) Errors {
	var out Errors
	// Unnamed sources are named by their host: two on one host share a name,
	// and with it their metrics series and log lines. Named after the host by
	// default so that an outlet keeps its name; the user chooses better ones.
	byHost := map[string][]int{}
	named := map[string]int{} // an explicit name -> its source
	for i, s := range c.Sources {
		if n := strings.TrimSpace(s.Name); n != "" {
			if _, ok := named[n]; !ok {
				named[n] = i
			}
		} else if h := hostOf(strings.TrimSpace(s.URL)); h != "" {
			byHost[h] = append(byHost[h], i)
		}
	}
	// Two sources given one name share its metrics series and log lines too,
	// and gleaner sources remove cannot name one of them.
	firstNamed := map[string]int{}
	for i, s := range c.Sources {
		n := strings.TrimSpace(s.Name)
		if n == "" {
			continue
		}
		if j, ok := firstNamed[n]; ok {
			out = append(out, pos.at(c.Path, fmt.Sprintf("source[%d].name", i), fmt.Sprintf(
				"%q names source %d too: give each its own name, or their metrics and log lines cannot be told apart", n, j+1)))
			continue
		}
		firstNamed[n] = i
	}
	// One feed listed over http and over https is polled and stored twice.
	bySchemeless := map[string]int{}
	for i, s := range c.Sources {
		if strings.TrimSpace(s.URL) == "" || checkHTTPURL(s.URL) != "" {
			continue
		}
		n := normalURL(s.URL)
		_, rest, _ := strings.Cut(n, "://") // http or https (checkHTTPURL), in lower case
		if j, dup := bySchemeless[rest]; dup && normalURL(c.Sources[j].URL) != n {
			out = append(out, pos.at(c.Path, fmt.Sprintf("source[%d].url", i), fmt.Sprintf(
				"%q is source %d's address over the other scheme (%s): the feed would be polled and stored twice; keep one, https if the site has it",
				strings.TrimSpace(s.URL), j+1, strings.TrimSpace(c.Sources[j].URL))))
			continue
		}
		bySchemeless[rest] = i
	}
	for h, idx := range byHost {
		first, rest := idx[0], idx[1:]
		if j, ok := named[h]; ok {
			first, rest = j, idx // a source named as the host is: all of them share it
		}
		for _, i := range rest {
			out = append(out, pos.at(c.Path, fmt.Sprintf("source[%d]", i), fmt.Sprintf(
				"unnamed, so named %q as source %d is: give each a name, or their metrics and log lines cannot be told apart", h, first+1)))
		}
	}
	// Polite polling: the sites polled may take more than once a minute for abuse.
	// (Tests and a feed of one's own are where shorter intervals are meant.)
	impolite := func(key string, d Duration) {
		if d.err == nil && d.D() > 0 && d.D() < time.Minute {
			msg := fmt.Sprintf("%s polls a site more often than once a minute, which sites may take for abuse; fine for a feed of your own", d)
			if d.D() < time.Second {
				msg += " (gleaner looks for due sources once a second: it polls every second)"
			}
			out = append(out, pos.at(c.Path, key, msg))
		}
	}
	impolite("poll.interval", c.Poll.Interval)
	if d := c.Store.KeepUnmatched; d.err == nil && d.D() > 0 && d.D() < MinKeep {
		out = append(out, pos.at(c.Path, "store.keep_unmatched", fmt.Sprintf(
			"%s deletes every item the filter left out %s after it is first seen, for good (reclassify and labels cannot take it in after that); if a month was meant, there is no unit for it: 30 days is \"720h\"", d, d)))
	}
	// Kept items deleted while the feed would still show them.
	if km, ma := c.Store.KeepMatched, c.Feed.MaxAge; km.err == nil && ma.err == nil && km.D() >= MinKeep && km.D() < ma.D() {
		out = append(out, pos.at(c.Path, "store.keep_matched", fmt.Sprintf(
			"%s is shorter than feed.max_age (%s): kept items are deleted before they would leave the feed", km, ma)))
	}
	for i, s := range c.Sources {
		impolite(fmt.Sprintf("source[%d].interval", i), s.Interval)
	}
	if b := c.Poll.MaxBackoff; b.err == nil && b.D() > 0 && b.D() < time.Minute {
		out = append(out, pos.at(c.Path, "poll.max_backoff", fmt.Sprintf("%s is read as 1m: the backoff after an error starts at a minute", b)))
	}
	listenHost, listenPort, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return out
	}
	if c.Feed.BaseURL == "" {
		if listenPort == "0" {
			out = append(out, pos.at(c.Path, "feed.base_url", fmt.Sprintf(
				"not set, and listen %q takes any free port: the feed's links would say port 0; set base_url, or a fixed port", c.Listen)))
			return out
		}
		if ip, err := netip.ParseAddr(listenHost); listenHost == "" || err == nil && ip.IsUnspecified() {
			out = append(out, pos.at(c.Path, "feed.base_url", fmt.Sprintf(
				"not set, so the feed's links say http://%s/, which readers elsewhere cannot open: set it to the address readers use", c.Listen)))
		}
		return out
	}
	u, err := url.Parse(c.Feed.BaseURL)
	if err != nil || !isLocalHost(u.Hostname()) {
		return out
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if port != listenPort {
		out = append(out, pos.at(c.Path, "feed.base_url", fmt.Sprintf(
			"%q is on port %s of this machine, but listen is %q: the feed's links lead elsewhere; leave base_url out to derive it from listen",
			c.Feed.BaseURL, port, c.Listen)))
	}
	return out
}

// isLocalHost reports whether host names this machine: localhost or a
// loopback address.
func isLocalHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
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
	// A zero-width space or a direction mark, copied from a web page with the
	// URL, looks like nothing and makes another address (percent-encoded).
	trimmed := strings.TrimSpace(raw)
	for i, r := range trimmed {
		if invisible(r) {
			return fmt.Sprintf("%q has an invisible character, U+%04X, after %q: delete it, or type the URL again", raw, r, trimmed[:i])
		}
	}
	u, err := url.Parse(trimmed)
	if err != nil {
		return fmt.Sprintf("%q is not a valid URL: %v", raw, unwrapURLError(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Sprintf("%q is not an http or https URL", raw)
	}
	if u.Host == "" {
		return fmt.Sprintf("%q has no host", raw)
	}
	if h := u.Hostname(); !validSourceHost(h) {
		return fmt.Sprintf("%q: %q is not a host name", raw, h)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Sprintf("%q: the port must be a number from 1 to 65535, got %q", raw, port)
		}
	}
	return ""
}

// validSourceHost reports whether h can name a host a feed is fetched from: an
// IP address, or a name whose labels are letters, digits, hyphens and the
// underscores some sites' names have, an internationalised name written in its
// own letters included ("example,com" and "example..com" are slips).
func validSourceHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	// Underscores are no letters to IDNA's rules: they stand as letters here.
	h = strings.ReplaceAll(h, "_", "x")
	for _, r := range h {
		if r >= utf8.RuneSelf {
			a, err := idna.Lookup.ToASCII(h)
			if err != nil {
				return false
			}
			h = a
			break
		}
	}
	return validHost(h)
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// normalURL is the form two source URLs are compared in, the one rule of
// validation's duplicate check and of sources add, remove and import: scheme
// and host are case-insensitive, an internationalised host equals its
// punycode, a default port, a trailing slash, a fragment and escapes of
// characters that need none change nothing.
const noSourcesMsg = "no sources: add at least one [[source]] block with a url"

// emptyFileNote follows noSourcesMsg for a file with nothing in it.
const emptyFileNote = " (the file is empty)"

// OnlyNoSources reports whether err, from Parse, says no more than that the
// file has no source: a file that gleaner sources add or import may fill.
func OnlyNoSources(err error) bool {
	var es Errors
	return errors.As(err, &es) && len(es) == 1 && es[0].Key == "source" && (es[0].Msg == noSourcesMsg || es[0].Msg == noSourcesMsg+emptyFileNote)
}

// maxConcurrency bounds poll.concurrency and poll.per_host.
const maxConcurrency = 1024

func normalURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if a, err := idna.Lookup.ToASCII(host); err == nil {
		host = a
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	u.Host = host
	// The decoded path, unless an escaped slash makes it differ from the
	// written one in more than spelling.
	if !strings.Contains(strings.ToLower(u.RawPath), "%2f") {
		u.RawPath = ""
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

// zoneHint is what an unknown time zone's message adds: the IANA name a slip
// of case or a bare city stands for ("america/new_york", "Seoul"), when there
// is one, else an example; and the alternative or, if any.
func zoneHint(name, or string) string {
	if z := suggestZone(name); z != "" {
		if or != "" {
			or = " (" + strings.TrimPrefix(or, ", ") + ")"
		}
		return fmt.Sprintf(": did you mean %q?%s", z, or)
	}
	return fmt.Sprintf(` (use an IANA name such as "Asia/Seoul"%s)`, or)
}

// zoneAreas are the IANA areas a city is tried under.
var zoneAreas = []string{"Asia", "Europe", "America", "Africa", "Australia", "Pacific", "Atlantic", "Indian"}

func suggestZone(name string) string {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, "\x00.") {
		return ""
	}
	// Each word capitalised as IANA writes them: new_york -> New_York.
	words := []byte(strings.ToLower(strings.ReplaceAll(name, " ", "_")))
	for i := range words {
		if i == 0 || words[i-1] == '/' || words[i-1] == '_' || words[i-1] == '-' {
			words[i] = byte(unicode.ToUpper(rune(words[i])))
		}
	}
	cands := []string{string(words)}
	if !strings.Contains(name, "/") {
		for _, a := range zoneAreas {
			cands = append(cands, a+"/"+string(words))
		}
	}
	for _, c := range cands {
		if c == name {
			continue
		}
		if _, err := time.LoadLocation(c); err == nil {
			return c
		}
	}
	return ""
}

// invisible reports whether r is a character that shows as nothing where a URL
// is pasted or read: control characters, zero-width spaces and joiners'
// invisible kin, direction marks and overrides, the byte order mark and the
// soft hyphen. (The zero-width non-joiner and joiner, U+200C and U+200D, are
// parts of Persian and Indic words and of emoji, and stay allowed.)
func invisible(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == 0x00AD, r == 0x200B, r == 0x2060, r == 0xFEFF, r == 0x200E, r == 0x200F:
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
