package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// runBinary runs the built gleaner binary with args and stdin, and returns its
// exit status and output.
func runBinary(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(gleanerBinary(t), args...)
	cmd.Env = append(os.Environ(), "GLEANER_CONFIG=", "MAKELEVEL=") // as typed, not from make test
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("gleaner %v: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// TestCheckReportsEverything runs gleaner check on a file with one problem of
// every sort: a wrong type, unknown keys (one misspelled), a bad value beside
// them, a listen port out of range. Every one is printed, in file order, with
// its place and key; sources count from 1.
func TestCheckReportsEverything(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "gleaner.toml")
	writeConfigFile(t, cfg, `listen = "127.0.0.1:99999"
[poll]
concurrency = "eight"
intervall = "5m"
timeout = "soon"
[feed]
max_items = 0
[[source]]
url = "https://a.example/feed"
[[source]]
url = "https://A.example:443/feed/"
nmae = "B"
`)
	code, out, stderr := runBinary(t, "", "check", "-config", cfg)
	want := []string{
		cfg + `:1:1: listen: "127.0.0.1:99999": the port must be a number from 0 (any free port) to 65535, got "99999"`,
		cfg + ":3:15: poll.concurrency: wrong type: expected an integer, got a TOML string",
		cfg + ":4:1: poll.intervall: unknown key; did you mean `interval`?",
		cfg + `:5:1: poll.timeout: "soon" is not a duration`,
		cfg + ":7:1: feed.max_items: must be between 1 and 10000, got 0",
		cfg + `:11:1: source 2.url: duplicate source URL "https://A.example:443/feed/": source 1 has it already`,
		cfg + ":12:1: source 2.nmae: unknown key; did you mean `name`?",
		cfg + ": 7 problems",
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || out != "" || len(lines) != len(want) {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, out, stderr)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], w)
		}
	}
}

// TestCheckWarnsAndAligns: a base_url left on the old port is a warning (exit
// 0), and the source table lines up Korean names as a terminal draws them.
func TestCheckWarnsAndAligns(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "gleaner.toml")
	writeConfigFile(t, cfg, `listen = "127.0.0.1:9090"
[feed]
base_url = "http://127.0.0.1:8080/"
[[source]]
name = "전자신문"
url = "https://rss.etnews.com/Section901.xml"
interval = "30m"
timezone = "Asia/Seoul"
[[source]]
name = "정책브리핑 과학기술정보통신부"
url = "https://www.korea.kr/rss/dept_msit.xml"
[[source]]
name = "EFF"
url = "https://www.eff.org/rss/updates.xml"
`)
	code, out, stderr := runBinary(t, "", "check", "-config", cfg)
	if code != 0 || !strings.Contains(stderr, cfg+`:3:1: feed.base_url: warning: "http://127.0.0.1:8080/" is on port 8080 of this machine, but listen is "127.0.0.1:9090"`) {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "  ") {
			rows = append(rows, l)
		}
	}
	if len(rows) != 3 || !strings.Contains(rows[0], "every 30m") || !strings.Contains(rows[2], "every 15m ") {
		t.Fatalf("source table:\n%s", out)
	}
	assertAligned(t, rows, regexp.MustCompile(`https://`))
}

// assertAligned fails unless col (the start of its first submatch, or of
// its match) is at the same terminal column in every row, counting East Asian
// wide characters as two columns.
func assertAligned(t *testing.T, rows []string, col *regexp.Regexp) {
	t.Helper()
	at := -1
	for _, r := range rows {
		m := col.FindStringSubmatchIndex(r)
		if m == nil {
			t.Fatalf("no %s in row %q", col, r)
		}
		i := m[0]
		if len(m) > 2 {
			i = m[2]
		}
		c := runewidth.StringWidth(r[:i])
		if at >= 0 && c != at {
			t.Errorf("%s starts at column %d, want %d as above:\n%s", col, c, at, strings.Join(rows, "\n"))
		}
		at = c
	}
}

// TestClassifyLines runs gleaner classify on lines that are not what it
// wants: each gets an error line that says what is wrong in words (no byte
// of a broken UTF-8 character), and plain text is classified as a title.
func TestClassifyLines(t *testing.T) {
	in := "{\"titel\": \"AI Act passes\"}\n" +
		"{\"title\": 5}\n" +
		"{\"title\": \"국회\" 인공지능}\n" +
		"[1, 2]\n" +
		"EU AI Act enters into force, the European Commission says\n" +
		"{\"title\": \"x\"\n" +
		"{\"id\": 7, \"title\": \"EU AI Act enters into force\", \"url\": \"https://example.com/a\", \"kind\": \"policy\"}\n"
	code, out, stderr := runBinary(t, in, "classify")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []string{
		`"error":"line 1: unknown field \"titel\"; want id, title, summary, content"`,
		`"error":"line 2: field \"title\": want a string"`,
		`"error":"line 3: not valid JSON (at byte 20): write an object such as`,
		`"match":false`, // "[1, 2]" is text, not an object
		`"match":true`,
		`"error":"line 6: not valid JSON: the object is not closed"`,
		`{"id":"7","match":true`, // a labelled file's other fields are no obstacle
	}
	if code != 1 || len(lines) != len(want) || !strings.Contains(stderr, "4 input line(s) could not be classified") {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d: %s\nwant %s", i+1, lines[i], w)
		}
		if strings.ContainsRune(lines[i], utf8.RuneError) {
			t.Errorf("line %d has a broken character: %s", i+1, lines[i])
		}
	}
}

// TestClassifyArray runs gleaner classify on a JSON array laid out over many lines, as a
// file of items often is, after a byte-order mark: each element is classified in order (an
// object, a string as a title), and one that is neither gets an error line. A line file
// may start with a byte-order mark too. An array that is not closed ends the run with an
// error after the items read.
func TestClassifyArray(t *testing.T) {
	in := "\xef\xbb\xbf [\n  {\"id\": \"a\",\n   \"title\": \"EU AI Act enters into force, the European Commission says\"},\n" +
		"  \"Nvidia shares rise after record quarterly revenue\",\n  5,\n  {\"id\": 7, \"headline\": \"Senate passes AI bill\"}\n]\n"
	code, out, stderr := runBinary(t, in, "classify")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []string{`{"id":"a","match":true`, `{"id":"","match":false`, `"error":"item 3 of the JSON array: want an object`, `{"id":"7","match":true`}
	if code != 1 || len(lines) != len(want) || !strings.Contains(stderr, "1 input item(s) of the array could not be classified") {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("item %d: %s\nwant %s", i+1, lines[i], w)
		}
	}
	code, out, _ = runBinary(t, "\xef\xbb\xbf{\"id\": \"b\", \"title\": \"Senate passes AI bill\"}\n", "classify")
	if code != 0 || !strings.HasPrefix(out, `{"id":"b","match":true`) {
		t.Errorf("a line file after a byte-order mark: exit %d\n%s", code, out)
	}
	code, out, stderr = runBinary(t, `[{"id": "c", "title": "Senate passes AI bill"}`, "classify")
	if code != 1 || !strings.HasPrefix(out, `{"id":"c","match":true`) || !strings.Contains(stderr, "the JSON array is not closed") {
		t.Errorf("an array not closed: exit %d\n%s%s", code, out, stderr)
	}
}

func TestEvalWithoutFile(t *testing.T) {
	code, _, stderr := runBinary(t, "", "eval")
	if code != 2 || !strings.Contains(stderr, "give one labeled file") || !strings.Contains(stderr, "gleaner eval testdata/topic/dev.jsonl") {
		t.Errorf("eval: exit %d\n%s", code, stderr)
	}
}

// TestEvalTakesFlagsAfterTheFile: gleaner eval FILE -config F reads the config,
// as gleaner label does with flags after its arguments.
func TestEvalTakesFlagsAfterTheFile(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	writeConfigFile(t, cfg, "[[source]]\nurl = \"https://example.org/feed\"\n")
	code, stdout, stderr := runBinary(t, "", "eval", "../../testdata/topic/dev.jsonl", "-config", cfg)
	if code != 0 || !strings.Contains(stdout, "precision") {
		t.Errorf("eval FILE -config F: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestFlagsFollowTheFiles: eval-stories and topic train, like eval, read flags
// that follow their files.
func TestFlagsFollowTheFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	writeConfigFile(t, cfg, "[[source]]\nurl = \"https://example.org/feed\"\n")
	code, stdout, stderr := runBinary(t, "", "eval-stories", "../../testdata/stories/dev.jsonl", "-config", cfg)
	if code != 0 || !strings.Contains(stdout, "precision") {
		t.Errorf("eval-stories FILE -config F: exit %d\n%s%s", code, stdout, stderr)
	}
	out := filepath.Join(dir, "model.toml")
	code, stdout, stderr = runBinary(t, "", "topic", "train", "../../testdata/topic/dev.jsonl", "-out", out, "-config", cfg)
	if model, err := os.ReadFile(out); code != 0 || err != nil || !strings.Contains(string(model), "[topic.model]") {
		t.Errorf("topic train FILE -out F -config F: exit %d, model %v\n%s%s", code, err, stdout, stderr)
	}
	// The file is a whole profile: a topic_file that check takes, under which
	// eval scores the training items as train said it would.
	trained := regexp.MustCompile(`on the training items, (\w+): precision ([0-9.]+) recall ([0-9.]+)`).FindAllStringSubmatch(stderr, -1)
	if len(trained) == 0 {
		t.Fatalf("topic train printed no scores:\n%s", stderr)
	}
	cfg2 := filepath.Join(dir, "trained.toml")
	writeConfigFile(t, cfg2, "topic_file = \"model.toml\"\n[[source]]\nurl = \"https://example.org/feed\"\n")
	if code, stdout, stderr := runBinary(t, "", "check", "-config", cfg2); code != 0 {
		t.Fatalf("check with the trained file as topic_file: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runBinary(t, "", "eval", "../../testdata/topic/dev.jsonl", "-config", cfg2)
	if code != 0 {
		t.Fatalf("eval under the trained file: exit %d\n%s", code, stderr)
	}
	for _, m := range trained {
		if want := fmt.Sprintf("%s: precision %s  recall %s", m[1], m[2], m[3]); !strings.Contains(stdout, want) {
			t.Errorf("eval under the trained file does not say %q:\n%s", want, stdout)
		}
	}
}

// TestNoCommandIsAUsageError: bare gleaner prints its usage on stderr with exit
// 2, as every other usage error; gleaner help prints it on stdout with exit 0.
func TestNoCommandIsAUsageError(t *testing.T) {
	code, stdout, stderr := runBinary(t, "")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "Usage:") {
		t.Errorf("gleaner: exit %d, stdout %q, stderr %q; want 2 and the usage on stderr", code, stdout, stderr)
	}
	code, stdout, stderr = runBinary(t, "", "help")
	if code != 0 || !strings.Contains(stdout, "Usage:") || stderr != "" {
		t.Errorf("gleaner help: exit %d, stdout %q, stderr %q; want 0 and the usage on stdout", code, stdout, stderr)
	}
}

// TestReadmeClassifyExamples: the classify figures README quotes are the
// built-in model's (they went stale when the model was retrained).
func TestReadmeClassifyExamples(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(strings.Fields(string(readme)), " ") // the sentences wrap
	code, stdout, stderr := runBinary(t, `{"id": "1", "title": "국회, 인공지능 기본법 본회의 통과"}
{"id": "2", "title": "네이버, 새 AI 모델 공개"}
`, "classify")
	if code != 0 {
		t.Fatalf("classify: exit %d\n%s", code, stderr)
	}
	var got []struct {
		Score   float64  `json:"score"`
		Reasons []string `json:"reasons"`
	}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r struct {
			Score   float64  `json:"score"`
			Reasons []string `json:"reasons"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	decision := got[0].Reasons[len(got[0].Reasons)-1]
	quoted := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	wants := []string{
		fmt.Sprintf(`{"id": "1", "match": true, "score": %.2f,`, got[0].Score),
		// The JSON line's first reasons, in order.
		`"reasons": [` + quoted(got[0].Reasons[0]) + ", " + quoted(got[0].Reasons[1]) + ", " + quoted(got[0].Reasons[2]) + ", ...,",
		"`" + decision + "`",
		"the largest after `lead.none` is `" + got[1].Reasons[1] + "`",
		// The published note's words.
		"Why it was kept: " + strings.TrimPrefix(got[0].Reasons[0], "kept: "),
	}
	// Every weighed reason README quotes for the first example has its weight.
	for _, r := range got[0].Reasons[1:] {
		if name := r[:strings.LastIndexByte(r, ' ')]; strings.Contains(doc, "`"+name+" ") {
			wants = append(wants, "`"+r+"`")
		}
	}
	for _, want := range wants {
		if !strings.Contains(doc, strings.Join(strings.Fields(want), " ")) {
			t.Errorf("README does not say %s", want)
		}
	}
}
