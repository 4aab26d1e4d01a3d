// Package config owns gleaner's configuration: the Config value, its defaults,
// strict TOML decoding and validation. Errors name the file, line, column and key.
// Nothing here is global: Load returns a value that main hands to constructors.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/gleaner/gleaner/aggregate/topic"
)

// Config is the whole of gleaner.toml after defaults are applied.
type Config struct {
	Path string `toml:"-"` // the file it was read from
	// Warnings are what is valid but probably not meant, such as a base_url
	// on another port than listen; gleaner check prints them.
	Warnings Errors `toml:"-"`
	Listen   string `toml:"listen"`
	Database string `toml:"database"`
	// MemoryLimit is the Go heap size the garbage collector aims to stay under
	// while it runs half as often as Go's default (see README, "Memory"); 0
	// leaves Go's defaults. GOGC or GOMEMLIMIT in the environment win.
	MemoryLimit ByteSize `toml:"memory_limit"`

	Poll    Poll    `toml:"poll"`
	Feed    Feed    `toml:"feed"`
	Publish Publish `toml:"publish"`
	Store   Store   `toml:"store"`
	Stories Stories `toml:"stories"`
	// Topic is the topic profile in effect: nil for the built-in one as it
	// is; else what the [topic] table makes (a profile of its own, or the
	// built-in one changed by [topic.extend]), of this file or of TopicFile.
	Topic *topic.Profile `toml:"-"`
	// TopicOrigin says where Topic comes from, for gleaner check.
	TopicOrigin string `toml:"-"`
	// TopicTable is the [topic] table as written.
	TopicTable *TopicTable `toml:"topic"`
	// TopicFile names a file (relative to this one; absolute after Load)
	// that holds the [topic] table instead, such as one with only
	// [topic.extend].
	TopicFile string   `toml:"topic_file"`
	Sources   []Source `toml:"source"`

	// baseURLDerived: the file left feed.base_url out (see BaseURLDerived).
	baseURLDerived bool
	// topicWarnings are the topic_file's warnings, found where validate reads it.
	topicWarnings Errors
}

// Poll says how sources are polled.
type Poll struct {
	Interval    Duration `toml:"interval"`    // default interval between polls of a source
	Timeout     Duration `toml:"timeout"`     // whole-request timeout
	Concurrency int      `toml:"concurrency"` // fetches in flight at once
	PerHost     int      `toml:"per_host"`    // fetches in flight per host
	MaxBackoff  Duration `toml:"max_backoff"` // cap on error backoff
	MaxBody     ByteSize `toml:"max_body"`    // cap on a decoded response body
	MaxItems    int      `toml:"max_items"`   // cap on items read from one document
	UserAgent   string   `toml:"user_agent"`  // "" means gleaner/<version>
	// DenyPrivate refuses connections to loopback and private addresses too;
	// link-local and cloud metadata addresses are refused whatever it says.
	DenyPrivate bool `toml:"deny_private"`
}

// Feed describes the curated feed gleaner publishes.
type Feed struct {
	Title        string   `toml:"title"`
	Description  string   `toml:"description"`
	BaseURL      string   `toml:"base_url"`
	MaxItems     int      `toml:"max_items"`
	MaxAge       Duration `toml:"max_age"`        // items older than this when first seen are stored, not published
	MaxPerSource int      `toml:"max_per_source"` // 0 means no cap
	// CacheSize bounds the memory of the renderings kept for queries (?lang=,
	// ?category=, ?limit=); the default rendering is kept besides.
	CacheSize ByteSize `toml:"cache_size"`
	// Timezone is the IANA zone the web pages show times in; "" is the
	// machine's own.
	Timezone string `toml:"timezone"`
}

// Publish configures static export and WebSub.
type Publish struct {
	ExportDir string `toml:"export_dir"`
	Hub       string `toml:"hub"`
}

// MinKeep is the shortest keep time retention takes.
const MinKeep = time.Hour

// Store configures retention.
type Store struct {
	KeepUnmatched Duration `toml:"keep_unmatched"`
	KeepMatched   Duration `toml:"keep_matched"`
}

// Stories configures grouping of one story reported by many outlets.
type Stories struct {
	Enabled        *bool      `toml:"enabled"`
	Window         Duration   `toml:"window"`
	Threshold      float64    `toml:"threshold"`
	CrossThreshold float64    `toml:"cross_threshold"`
	Aliases        [][]string `toml:"aliases"` // each: one concept's names, added to the built-in lexicon
	// MaxRelated is how many other reports of a story its entry names; the
	// story page lists them all.
	MaxRelated int `toml:"max_related"`
	// Mates keeps a report the filter scored just under its threshold when it
	// joins a story of kept reports (default true).
	Mates *bool `toml:"mates"`
}

// On reports whether story grouping is enabled (the default).
func (s Stories) On() bool { return s.Enabled == nil || *s.Enabled }

// MatesOn reports whether story mates are kept (the default).
func (s Stories) MatesOn() bool { return s.Mates == nil || *s.Mates }

// Source is one [[source]] block.
type Source struct {
	Name     string   `toml:"name"`
	URL      string   `toml:"url"`
	Interval Duration `toml:"interval"` // 0 means [poll].interval
	Timezone string   `toml:"timezone"` // IANA zone for dates written without one; default UTC
}

// Duration is a Go duration written as a string ("15m", "12h"). A bad value is
// kept with its error rather than failing the decoder, so that validation can
// report it with the key's position like every other problem. The text is
// kept as written, so that an edited file says "30m" where the user did.
type Duration struct {
	d    time.Duration
	text string // as written in the file, or by ParseDuration
	set  bool   // written in the file
	err  error  // why the written value is not a duration
}

// Dur returns a Duration of d.
func Dur(d time.Duration) Duration { return Duration{d: d} }

// ParseDuration parses a Go duration and keeps s as its text.
func ParseDuration(s string) (Duration, error) {
	var d Duration
	d.UnmarshalText([]byte(s))
	return d, d.err
}

// durationForm is how a Go duration is written ("1h30m", "1.5s").
var durationForm = regexp.MustCompile(`^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$`)

// UnmarshalText parses a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	// Spaces around it ("15m "), or beside a unit ("1h 30m", "90 s"), are a
	// slip, not another duration: Go's form has none. Between two numbers
	// ("1 30m") they are a mistake to report, not to glue into "130m".
	t := joinDurationFields(strings.Fields(string(b)))
	d.set, d.text = true, t
	v, err := time.ParseDuration(t)
	if err != nil {
		msg := "write a string with a unit, such as \"90s\", \"15m\" or \"12h\""
		switch {
		case strings.Contains(err.Error(), "unknown unit"):
			// "1d", "2w": Go's durations stop at hours.
			msg = "the units are ns, us, ms, s, m and h (a day is \"24h\")"
		case durationForm.MatchString(t):
			msg = "too long: at most about 2540400h (290 years)" // well formed, so it overflowed
		}
		d.err = fmt.Errorf("%q is not a duration: %s", b, msg)
		return nil
	}
	d.d, d.err = v, nil
	return nil
}

// joinDurationFields joins the words of a duration, without the spaces that
// stand beside a unit letter; a space between two numbers stays.
func joinDurationFields(words []string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			prev := words[i-1]
			if isDigitByte(prev[len(prev)-1]) && isDigitByte(w[0]) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
	}
	return b.String()
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' || c == '.' }

// MarshalText writes the duration as String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String is the duration as it was written, else in Go's form without its
// zero tails ("15m", "1h30m", "2h" rather than "2h0m0s").
func (d Duration) String() string {
	if d.text != "" && d.err == nil {
		return d.text
	}
	s := d.d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return d.d }

// ByteSize is a size: an integer count of bytes, or a string with a unit
// ("10MiB", "512KiB"). A bad string is kept with its error for validation.
type ByteSize struct {
	n   int64
	err error
}

// Bytes returns a ByteSize of n bytes.
func Bytes(n int64) ByteSize { return ByteSize{n: n} }

// N returns the size in bytes.
func (b ByteSize) N() int64 { return b.n }

// UnmarshalText parses a size with a B, KB, KiB, MB, MiB, GB or GiB suffix.
func (b *ByteSize) UnmarshalText(t []byte) error {
	s := strings.TrimSpace(string(t))
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		b.err = fmt.Errorf("%q is not a size: write bytes or a string such as \"10MiB\" or \"512KiB\"", t)
		return nil
	}
	b.n, b.err = n*mult, nil
	return nil
}

// MarshalText writes the size in bytes.
func (b ByteSize) MarshalText() ([]byte, error) { return []byte(strconv.FormatInt(b.n, 10)), nil }

// Defaults returns the configuration used for every key the file leaves out.
func Defaults() Config {
	return Config{
		Listen:      "127.0.0.1:8080",
		Database:    "gleaner.db",
		MemoryLimit: Bytes(100 << 20),
		Poll: Poll{
			Interval:    Dur(15 * time.Minute),
			Timeout:     Dur(30 * time.Second),
			Concurrency: 8,
			PerHost:     1,
			MaxBackoff:  Dur(12 * time.Hour),
			MaxBody:     Bytes(10 << 20),
			MaxItems:    500,
		},
		Feed: Feed{
			Title:       "AI Industry Policy",
			Description: "What governments, legislatures and regulators do about AI and the AI industry, from Korean and English news.",
			MaxItems:    100,
			MaxAge:      Dur(14 * 24 * time.Hour),
			CacheSize:   Bytes(16 << 20),
		},
		Store: Store{
			KeepUnmatched: Dur(30 * 24 * time.Hour),
			KeepMatched:   Dur(365 * 24 * time.Hour),
		},
		Stories: Stories{
			Window:     Dur(48 * time.Hour),
			Threshold:  0, // 0 means the grouping package's tuned default, as for cross_threshold
			MaxRelated: 10,
		},
	}
}

// Error is one problem in a config file, placed at the key it concerns.
type Error struct {
	File   string
	Line   int // 0 when the position is unknown
	Column int
	// Key is the dotted key path as positions index it, indexes from 0
	// ("source[2].url"); Error writes them from 1 ("source 3.url").
	Key string
	Msg string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(oneBased(e.Key))
		b.WriteString(": ")
	}
	b.WriteString(oneBased(e.Msg))
	return b.String()
}

// indexRE finds an array index in a key path: source[11], terms[3].
var indexRE = regexp.MustCompile(`([A-Za-z_])\[(\d+)\]`)

// oneBased writes the array indexes of key paths in s the way people count:
// "source[11].url" (the twelfth [[source]]) becomes "source 12.url". Text in
// double quotes (a value quoted with %q) is left alone.
func oneBased(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	var b strings.Builder
	quoted := false
	start := 0
	flush := func(end int) {
		part := s[start:end]
		if !quoted {
			part = indexRE.ReplaceAllStringFunc(part, func(m string) string {
				sub := indexRE.FindStringSubmatch(m)
				n, _ := strconv.Atoi(sub[2])
				return sub[1] + " " + strconv.Itoa(n+1)
			})
		}
		b.WriteString(part)
		start = end
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			flush(i)
			quoted = !quoted
		}
	}
	flush(len(s))
	return b.String()
}

// ErrInvalid is wrapped by every error Load returns for a file that was read but is
// not a valid configuration.
var ErrInvalid = errors.New("config: invalid")

// Errors is every problem found in one file, in file order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Lines returns the problems errs and the warnings of one file, each as
// Error writes it (a warning's message begins "warning: "), in file order.
func Lines(errs, warnings Errors) []string {
	all := append(Errors{}, errs...)
	for _, w := range warnings {
		ww := *w
		ww.Msg = "warning: " + w.Msg
		all = append(all, &ww)
	}
	sortErrors(all)
	lines := make([]string, len(all))
	for i, e := range all {
		lines[i] = e.Error()
	}
	return lines
}

// Is makes errors.Is(err, ErrInvalid) true.
func (es Errors) Is(target error) bool { return target == ErrInvalid }

// Load reads, decodes and validates the file at path. Relative database and
// export paths are resolved against the file's directory.
func Load(path string) (*Config, error) {
	c, err := LoadPartial(path)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// MaxFileSize bounds what ReadFile reads: a config of 100,000 sources is about
// 10 MiB, and a path such as /dev/zero must not make gleaner read gigabytes.
const MaxFileSize = 64 << 20

// ReadError is err, from reading the config file, as commands say it: a
// missing file also says how to name another and where to start one.
func ReadError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read config: %w (name the config file with -config FILE or GLEANER_CONFIG; "+
			"the example config, deploy/gleaner.example.toml, is installed as share/gleaner/gleaner.example.toml)", err)
	}
	return fmt.Errorf("read config: %w", err)
}

// ReadFile reads the config file at path, refusing one larger than MaxFileSize. A
// regular file is refused by its size before anything is read; anything else (a pipe, a
// device such as /dev/zero) is read in chunks that grow to 4 MiB, so that refusing it
// costs about MaxFileSize of memory, not the two or three times that growing one buffer
// to the limit would.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooLarge := fmt.Errorf("%s: larger than %d MiB: not a config file", path, MaxFileSize>>20)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxFileSize {
		return nil, tooLarge
	}
	var chunks [][]byte
	total, size := 0, 64<<10
	for {
		buf := make([]byte, size)
		n, err := io.ReadFull(f, buf)
		chunks = append(chunks, buf[:n])
		total += n
		if total > MaxFileSize {
			return nil, tooLarge
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
		size = min(size*2, 4<<20)
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	return bytes.Join(chunks, nil), nil
}

// LoadPartial is Load for a command that can go on with a file that has
// problems (gleaner sources reads the database it names): when the file was
// read but is not valid, it returns what decoded, defaults elsewhere, with the
// problems as the error.
func LoadPartial(path string) (*Config, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, ReadError(err)
	}
	return ParsePartial(path, data)
}

// Parse decodes and validates data read from the file named path.
func Parse(path string, data []byte) (*Config, error) {
	c, err := ParsePartial(path, data)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ParsePartial is Parse that also returns the config when data has problems,
// as LoadPartial does.
func ParsePartial(path string, data []byte) (*Config, error) {
	// A byte order mark, which some Windows editors write first, is no TOML.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if enc := wideEncoding(data); enc != "" {
		c := Defaults()
		c.Path = path
		c.resolve()
		return &c, Errors{{File: path, Msg: "the file is " + enc + " text (a byte order mark says so): gleaner reads UTF-8; save it as UTF-8"}}
	}
	pos, perr := indexPositions(data)
	if perr != nil {
		c := Defaults()
		c.Path = path
		// The database is still the one the file names, for the commands that
		// read it while the daemon runs on its last good config (gleaner
		// sources): not the default, another file, or none.
		if db, ok := databaseLine(data); ok {
			c.Database = db
		}
		c.resolve()
		return &c, Errors{syntaxError(path, data, perr)}
	}
	c, errs, bad := decode(path, data, pos)
	c.Path = path
	errs = append(errs, c.validate(pos, bad)...)
	if len(bytes.TrimSpace(data)) == 0 {
		// A save cut short, or the wrong file: say so, not only what it lacks.
		for _, e := range errs {
			if e.Key == "source" && e.Msg == noSourcesMsg {
				e.Msg += emptyFileNote
			}
		}
	}
	sortErrors(errs)
	c.Warnings = append(c.warnings(pos), tableWarnings(path, data)...)
	sortErrors(c.Warnings)
	c.resolve()
	c.Warnings = append(c.Warnings, c.topicWarnings...)
	if !bad["database"] {
		// A directory where the file should be is an error; a directory to put
		// it in that is missing may be made before gleaner runs (a config
		// written for another machine), so it is a warning.
		if msg, fatal := databasePathProblem(c.Database); fatal {
			errs = append(errs, pos.at(path, "database", msg))
			sortErrors(errs)
		} else if msg != "" {
			c.Warnings = append(c.Warnings, pos.at(path, "database", msg))
		}
	}
	if len(errs) > 0 {
		return c, errs
	}
	return c, nil
}

// databasePathProblem says what is wrong with the database path on this
// machine, resolved against the config file's directory: a directory where the
// file should be (run then failed with "unable to open database file (14)"),
// or a file where its directory should be; "" if nothing is. A directory that
// does not exist yet is none: gleaner run and fetch create it (as systemd's
// StateDirectory= does for the service).
func databasePathProblem(db string) (msg string, fatal bool) {
	if strings.TrimSpace(db) == "" {
		return "", false // validate says so
	}
	if fi, err := os.Stat(db); err == nil && fi.IsDir() {
		return fmt.Sprintf("%s is a directory: name the database file in it, such as %q", db, filepath.Join(db, "gleaner.db")), true
	}
	// The nearest path above the file that exists must be a directory: a file
	// there (or higher up) would make creating the directories fail.
	dir := filepath.Dir(db)
	for {
		fi, err := os.Stat(dir)
		if err == nil && !fi.IsDir() {
			return fmt.Sprintf("%s is not a directory, so %s cannot be made in it", dir, strings.TrimPrefix(db, dir+string(filepath.Separator))), true
		}
		if err == nil || !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			break
		}
		dir = up
	}
	return "", false
}

// sortErrors puts problems in file order.
func sortErrors(errs Errors) {
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Line != errs[j].Line {
			return errs[i].Line < errs[j].Line
		}
		return errs[i].Column < errs[j].Column
	})
}

// wideEncoding names the encoding a byte order mark at the start of data says,
// when it is one of UTF-16 and UTF-32, else "".
func wideEncoding(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe, 0, 0}), bytes.HasPrefix(data, []byte{0, 0, 0xfe, 0xff}):
		return "UTF-32"
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}), bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		return "UTF-16"
	}
	return ""
}

// TopicFileOf returns the topic_file data names, relative to path's directory,
// or "" (none, or a file too broken to say): for a watcher that must notice the
// file a refused reload named, as well as the one in effect.
func TopicFileOf(path string, data []byte) string {
	var v struct {
		TopicFile string `toml:"topic_file"`
	}
	if toml.Unmarshal(bytes.TrimPrefix(data, []byte("\ufeff")), &v) != nil || v.TopicFile == "" {
		return ""
	}
	return besideFile(path, v.TopicFile)
}

// besideFile is file, read relative to the directory of path unless absolute.
func besideFile(path, file string) string {
	if file == "" || filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(filepath.Dir(path), file)
}

// resolve fills what is derived from other values: paths relative to the
// file, the base URL from listen, each source's interval and name.
func (c *Config) resolve() {
	c.Database = besideFile(c.Path, c.Database)
	c.Publish.ExportDir = besideFile(c.Path, c.Publish.ExportDir)
	c.TopicFile = besideFile(c.Path, c.TopicFile)
	if c.Feed.BaseURL == "" {
		c.Feed.BaseURL, c.baseURLDerived = DefaultBaseURL(c.Listen), true
	}
	if !strings.HasSuffix(c.Feed.BaseURL, "/") {
		c.Feed.BaseURL += "/"
	}
	for i := range c.Sources {
		// Spaces around a URL or a name are no part of it (a URL with a
		// leading space was stored, and named, as written).
		c.Sources[i].URL = strings.TrimSpace(c.Sources[i].URL)
		c.Sources[i].Name = strings.TrimSpace(c.Sources[i].Name)
		if !c.Sources[i].Interval.set {
			c.Sources[i].Interval = c.Poll.Interval
		}
		if c.Sources[i].Name == "" {
			c.Sources[i].Name = hostOf(c.Sources[i].URL)
		}
	}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
}

// DefaultBaseURL is feed.base_url when the config leaves it out: the address
// gleaner listens on.
func DefaultBaseURL(listen string) string { return "http://" + listen + "/" }

// BaseURLDerived reports whether the file left feed.base_url out, so that the
// feed's links name the listen address (DefaultBaseURL); one set to that same
// address is not derived.
func (c *Config) BaseURLDerived() bool { return c.baseURLDerived }

// databaseLine is the value of the top-level database key of a file that does
// not parse as a whole: its own line read alone, above the first table header.
func databaseLine(data []byte) (string, bool) {
	for line := range bytes.Lines(data) {
		t := bytes.TrimSpace(line)
		if bytes.HasPrefix(t, []byte("[")) {
			break
		}
		if !bytes.HasPrefix(t, []byte("database")) {
			continue
		}
		var v struct {
			Database string `toml:"database"`
		}
		if toml.Unmarshal(line, &v) == nil && v.Database != "" {
			return v.Database, true
		}
	}
	return "", false
}
