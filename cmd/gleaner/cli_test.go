package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/store"
)

// runCLI runs a gleaner command in-process.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = e.main(args)
	return code, out.String(), errb.String()
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		args := []string{c.name, "-h"}
		code, stdout, stderr := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(stdout+stderr, "gleaner "+c.name) || !strings.Contains(stdout+stderr, "-config") && c.name != "version" && c.name != "demo" {
			t.Errorf("%s -h: exit %d, output:\n%s", c.name, code, stderr)
		}
	}
	for _, args := range [][]string{{"topic", "show", "-h"}, {"topic", "train", "-h"}, {"topic", "diff", "-h"}, {"labels", "export", "-h"}} {
		code, stdout, stderr := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(stdout+stderr, "gleaner "+args[0]) || !strings.Contains(stdout+stderr, "-config") {
			t.Errorf("%v: exit %d, output:\n%s", args, code, stderr)
		}
	}
	if code, out, _ := runCLI(t, "", "-h"); code != 0 || !strings.Contains(out, "gleaner classify") {
		t.Errorf("gleaner -h: %d %s", code, out)
	}
	if code, _, stderr := runCLI(t, "", "frobnicate"); code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "topic", "bogus"); code != 2 || !strings.Contains(stderr, `unknown verb "bogus": want show, train or diff`) {
		t.Errorf("topic bogus: %d %s", code, stderr)
	}
}

// TestBadLogFlagsAreUsageErrors: every command refuses a bad -log-level or
// -log-format as a usage error (exit 2) that names the flag, before it does
// anything, also those that log little (check, version).
func TestBadLogFlagsAreUsageErrors(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "absent.toml")
	extra := map[string][]string{
		"sources": {"sources", "sources add URL", "sources remove URL", "sources import F.opml", "sources export"},
		"topic":   {"topic show", "topic diff NEW.toml", "topic train F.jsonl"},
		"labels":  {"labels", "labels export"},
		"eval":    {"eval F.jsonl"}, "eval-stories": {"eval-stories F.jsonl"}, "label": {"label URL in"},
	}
	for _, c := range commands() {
		lines, ok := extra[c.name]
		if !ok {
			lines = []string{c.name}
		}
		for _, line := range lines {
			for _, bad := range [][2]string{
				{"-log-level", `-log-level "verbose": want debug, info, warn or error`},
				{"-log-format", `-log-format "xml": want text or json`},
			} {
				value := map[string]string{"-log-level": "verbose", "-log-format": "xml"}[bad[0]]
				args := append(strings.Fields(line), bad[0], value)
				if c.name != "version" && c.name != "demo" {
					args = append(args, "-config", cfg)
				}
				code, stdout, stderr := runCLI(t, "", args...)
				if code != 2 || !strings.Contains(stderr, bad[1]) || stdout != "" {
					t.Errorf("gleaner %s: exit %d, stdout %q, stderr:\n%s", strings.Join(args, " "), code, stdout, stderr)
				}
			}
		}
	}
}

// TestBadDurationFlagsSayWhy: a -since that is no duration gets the config's
// message, which says what is wrong, not the flag package's "parse error".
func TestBadDurationFlagsSayWhy(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "absent.toml")
	for _, line := range []string{"reclassify", "topic diff NEW.toml"} {
		for value, want := range map[string]string{
			"30d":       `"30d" is not a duration: the units are ns, us, ms, s, m and h (a day is "24h")`,
			"99999999h": `"99999999h" is not a duration: too long`,
			"soon":      `"soon" is not a duration: write a string with a unit`,
		} {
			args := append(strings.Fields(line), "-since", value, "-config", cfg)
			code, stdout, stderr := runCLI(t, "", args...)
			if code != 2 || !strings.Contains(stderr, `invalid value "`+value+`" for flag -since: `+want) || stdout != "" {
				t.Errorf("gleaner %s: exit %d, stdout %q, stderr:\n%s", strings.Join(args, " "), code, stdout, stderr)
			}
		}
	}
}

func TestClassifyContract(t *testing.T) {
	in := `{"id":"a","title":"국회, 인공지능 기본법 제정안 통과","summary":"국회는 본회의에서 인공지능 기본법을 의결했다."}
{"id":"b","title":"Nvidia unveils faster AI chip","summary":"The company said the chip doubles performance."}

{"id":"c","title":"고병원성 AI 확산에 방역 강화","summary":"농식품부는 조류인플루엔자 확산을 막기 위해 이동을 제한했다."}
{"id":"d"}
국회, 인공지능 기본법 제정안 통과
{"id":"e","summary":"<p>The EU <b>AI Act</b> enters into force, the European Commission said, setting rules for AI developers.</p>"}
`
	code, out, stderr := runCLI(t, in, "classify")
	_ = stderr
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 {
		t.Fatalf("got %d output lines for 6 non-blank input lines:\n%s", len(lines), out)
	}
	if code != 1 {
		t.Errorf("exit %d, want 1 when some lines could not be classified", code)
	}
	want := []struct {
		id    string
		match bool
		err   string
	}{{"a", true, ""}, {"b", false, ""}, {"c", false, ""}, {"d", false, "line 5: no text"}, {"", true, ""}, {"e", true, ""}}
	for i, w := range want {
		var o map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &o); err != nil {
			t.Fatalf("line %d not JSON: %s", i, lines[i])
		}
		for _, k := range []string{"id", "match", "score", "reasons"} {
			if _, ok := o[k]; !ok {
				t.Errorf("line %d lacks %q: %s", i, k, lines[i])
			}
		}
		if o["id"] != w.id || o["match"] != w.match {
			t.Errorf("line %d: %s, want id %q match %v", i, lines[i], w.id, w.match)
		}
		if w.err != "" && !strings.Contains(lines[i], w.err) {
			t.Errorf("line %d: %s, want error %q", i, lines[i], w.err)
		}
		if w.match && len(o["reasons"].([]any)) == 0 {
			t.Errorf("line %d: a match without reasons", i)
		}
	}
}

// TestClassifyReadsTextAsEvalDoes guards that `gleaner classify` (the pipeline's
// reading of text) and `gleaner eval` (the classifier on the raw fields) agree on
// the development set, so that what eval measures is what classify does.
func TestClassifyReadsTextAsEvalDoes(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "testdata", "topic", "dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := topic.ReadLabeled(f)
	if err != nil {
		t.Fatal(err)
	}
	c, err := topic.Compile(topic.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		direct := c.Classify(topic.Doc{Title: it.Title, Summary: it.Summary, Content: it.Content})
		v, lang := aggregate.ClassifyText(c, it.Title, it.Summary, it.Content)
		if v.Match != direct.Match {
			t.Errorf("%s: classify says %v, eval says %v", it.ID, v.Match, direct.Match)
		}
		if lang != it.Lang {
			t.Errorf("%s: detected language %q, labeled %q", it.ID, lang, it.Lang)
		}
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	os.WriteFile(good, []byte("[[source]]\nname = \"A\"\nurl = \"https://a.example/feed\"\n"), 0o644)
	code, out, _ := runCLI(t, "", "check", "-config", good)
	if code != 0 || !strings.Contains(out, "ok") || !strings.Contains(out, "https://a.example/feed") || !strings.Contains(out, "built-in profile") ||
		!strings.Contains(out, "stories   on, window 48h, 10 related per entry, story mates kept\n") {
		t.Errorf("check good: %d\n%s", code, out)
	}
	noMates := filepath.Join(dir, "nomates.toml")
	os.WriteFile(noMates, []byte("[stories]\nmates = false\nwindow = \"24h\"\n[[source]]\nurl = \"https://a.example/feed\"\n"), 0o644)
	if code, out, _ := runCLI(t, "", "check", "-config", noMates); code != 0 || !strings.Contains(out, "stories   on, window 24h, 10 related per entry, no story mates\n") {
		t.Errorf("check with mates off: %d\n%s", code, out)
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[poll]\ninterval = \"soon\"\n[[source]]\nurl = \"ftp://x\"\n"), 0o644)
	code, _, stderr := runCLI(t, "", "check", "-config", bad)
	if code != 1 || !strings.Contains(stderr, bad+":2:1: poll.interval:") || !strings.Contains(stderr, bad+":4:1: source 1.url:") || !strings.Contains(stderr, "2 problems") {
		t.Errorf("check bad: %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "check", "-config", filepath.Join(dir, "missing.toml"))
	if code != 1 || !strings.Contains(stderr, "no such file") {
		t.Errorf("check missing: %d %s", code, stderr)
	}
}

func TestTopicShowRoundTrips(t *testing.T) {
	code, out, _ := runCLI(t, "", "topic", "show", "-config", filepath.Join(t.TempDir(), "absent.toml"))
	if code != 1 {
		t.Errorf("topic show with a missing explicit config: exit %d", code)
	}
	code, out, _ = runCLI(t, "", "topic", "show")
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(out), "#") && !strings.HasPrefix(strings.TrimSpace(out), "[topic]") {
		t.Fatalf("topic show: %d\n%.200s", code, out)
	}
	// What topic show prints, pasted into a config, passes check.
	cfg := filepath.Join(t.TempDir(), "g.toml")
	os.WriteFile(cfg, []byte(out+"\n[[source]]\nurl = \"https://a.example/feed\"\n"), 0o644)
	code, out2, stderr := runCLI(t, "", "check", "-config", cfg)
	if code != 0 || !strings.Contains(out2, "[topic] profile from g.toml") {
		t.Errorf("pasted profile does not check: %d\n%s%s", code, out2, stderr)
	}
}

// TestEvalStoriesCurated runs eval-stories with a config whose topic profile keeps only
// items naming the AI Act: the curated section scores those alone.
func TestEvalStoriesCurated(t *testing.T) {
	dir := t.TempDir()
	set := filepath.Join(dir, "s.jsonl")
	lines := `{"id":"a1","group":"a","lang":"en","source":"A","title":"EU AI Act enters into force","summary":"","published":"2025-01-01T10:00:00Z"}
{"id":"a2","group":"a","lang":"en","source":"B","title":"EU AI Act enters into force today","summary":"","published":"2025-01-01T11:00:00Z"}
{"id":"b1","group":"b","lang":"en","source":"C","title":"Nvidia shares rise on earnings","summary":"","published":"2025-01-01T12:00:00Z"}
{"id":"b2","group":"b","lang":"en","source":"D","title":"Nvidia shares rise after earnings","summary":"","published":"2025-01-01T12:30:00Z"}
`
	cfg := filepath.Join(dir, "g.toml")
	toml := "[[source]]\nurl = \"https://example.com/feed\"\n\n[topic]\nfields = { title = 1.0 }\n" +
		"[[topic.group]]\nname = \"ai-act\"\nkind = \"ai\"\nweight = 1.0\nterms = [\"AI Act\"]\n" +
		"[[topic.rule]]\nname = \"r\"\nneed = [\"ai\"]\nmin_score = 1.0\n"
	for name, text := range map[string]string{set: lines, cfg: toml} {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runCLI(t, "", "eval-stories", "-config", cfg, set)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"same language   precision 1.000  recall 1.000  (true 2, predicted 2, correct 2)",
		"in the curated feed: 2 of 4 items (2 kept by the topic filter, 0 story mates)",
		"  1 of the 2 pairs of one story have both items there",
		"  same language   precision 1.000  recall 1.000  (true 1, predicted 1, correct 1)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

// TestClassifyMarksNear: classify marks an item the model left just under its threshold
// (a report of a regulator's order that leads with the company) "near": true, and says
// nothing of it for one far from it.
func TestClassifyMarksNear(t *testing.T) {
	in := `{"id":"n","title":"딥시크, 국내 앱 신규 다운로드 중단…\"개인정보 보호 개선 후 재개\"","summary":"개인정보보호위원회에 따르면 중국 인공지능(AI) 딥시크 앱의 국내 신규 다운로드가 17일 잠정 중단됐다."}
{"id":"f","title":"Nvidia shares rise after record revenue"}
`
	code, out, stderr := runCLI(t, in, "classify")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("output:\n%s", out)
	}
	for i, want := range []bool{true, false} {
		var o map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &o); err != nil {
			t.Fatal(err)
		}
		if near, _ := o["near"].(bool); near != want || o["match"] != false {
			t.Errorf("line %d: %s, want match false and near %v", i+1, lines[i], want)
		}
		if _, ok := o["near"]; !want && ok {
			t.Errorf("line %d names near though it is not: %s", i+1, lines[i])
		}
	}
}

// TestEmptyLabelledFiles: eval, eval-stories and topic train of a file with no
// record (gleaner labels export before any label) say so and fail, rather than
// print nothing and succeed.
func TestEmptyLabelledFiles(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.jsonl")
	if err := os.WriteFile(empty, []byte("\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"eval", empty}, {"eval-stories", empty}, {"topic", "train", empty}} {
		code, stdout, stderr := runCLI(t, "", args...)
		if code != 1 || !regexp.MustCompile(regexp.QuoteMeta(empty)+`: (story: )?no label+ed items`).MatchString(stderr) || stdout != "" {
			t.Errorf("gleaner %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, stdout, stderr)
		}
	}
}

// TestMissingConfigSaysHowToNameOne: a config file that is not there, or one
// given as an argument, gets a hint of how to name it.
func TestMissingConfigSaysHowToNameOne(t *testing.T) {
	absent := filepath.Join(t.TempDir(), "gleaner.toml")
	for _, cmd := range []string{"check", "fetch", "sources", "run"} {
		code, _, stderr := runCLI(t, "", cmd, "-config", absent)
		if code != 1 || !strings.Contains(stderr, "no such file or directory (name the config file with -config FILE or GLEANER_CONFIG; the example config") {
			t.Errorf("gleaner %s -config %s: exit %d, stderr %q", cmd, absent, code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "", "check", absent); code != 2 || !strings.Contains(stderr, "(a config file is named with -config "+absent+")") {
		t.Errorf("gleaner check FILE: exit %d, stderr %q", code, stderr)
	}
}

// TestReadersAfterAnUpgrade: gleaner sources and stories read the database
// read-only, but a file that lacks a migration of this binary (installed, the
// daemon not restarted yet), or an empty one, gets its migrations as it did
// before, rather than an error.
func TestReadersAfterAnUpgrade(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	writeConfigFile(t, cfg, "database = \"g.db\"\n[[source]]\nurl = \"https://a.example/feed\"\n")
	db := filepath.Join(dir, "g.db")
	for _, setup := range []struct {
		name string
		make func()
	}{
		{"a migration missing", func() {
			st, err := store.Open(t.Context(), db)
			if err != nil {
				t.Fatal(err)
			}
			st.Close()
			conn, err := sql.Open("sqlite", db)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.Exec(`DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
				t.Fatal(err)
			}
		}},
		{"an empty file", func() {
			if err := os.WriteFile(db, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		// A first start killed after gleaner's migrations table was made, before
		// its first migration.
		{"gleaner's migrations table alone", func() {
			conn, err := sql.Open("sqlite", db)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		for _, cmd := range []string{"sources", "stories"} {
			os.Remove(db)
			os.Remove(db + "-wal")
			os.Remove(db + "-shm")
			setup.make()
			if code, _, stderr := runCLI(t, "", cmd, "-config", cfg); code != 0 {
				t.Errorf("%s: gleaner %s: exit %d, %s", setup.name, cmd, code, stderr)
			}
		}
	}
	// Someone else's database is no gleaner database to migrate: refused, untouched,
	// whatever its schema_migrations holds (golang-migrate numbers by time too).
	for i, cmd := range []string{"sources", "stories", "sources"} {
		os.Remove(db)
		conn, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		// golang-migrate's table has gleaner's name, not its shape.
		version := []int64{3, 3, 20240101120000}[i]
		if _, err := conn.Exec(`CREATE TABLE bookmarks(url TEXT); CREATE TABLE schema_migrations(version INTEGER, dirty BOOLEAN);
			INSERT INTO schema_migrations VALUES (?, 0)`, version); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runCLI(t, "", cmd, "-config", cfg); code != 1 || !strings.Contains(stderr, "not a gleaner database") {
			t.Errorf("someone else's database: gleaner %s: exit %d, %s", cmd, code, stderr)
		}
		var n int
		if err := conn.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table'`).Scan(&n); err != nil || n != 2 {
			t.Errorf("someone else's database: gleaner %s left %d tables (%v), want its two", cmd, n, err)
		}
		conn.Close()
	}
}
