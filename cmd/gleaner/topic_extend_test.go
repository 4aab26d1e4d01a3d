package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const localRules = `# Local councils and their ordinances, on top of the built-in profile.
[[topic.extend.group]]
name = "government"
terms = ["성남시의회", "Seongnam City Council"]

[[topic.extend.group]]
name = "local-rules"
kind = "instrument"
weight = 1.5
terms = ["조례", "ordinance"]
`

// TestTopicExtendCLI runs check, classify and topic show on a config whose
// topic_file adds to the built-in profile; the profile topic show prints,
// pasted into a config, classifies the same; a bad addition is reported in
// the topic file at its place.
func TestTopicExtendCLI(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	topicFile := filepath.Join(dir, "local.toml")
	writeConfigFile(t, cfg, "topic_file = \"local.toml\"\n[[source]]\nurl = \"https://a.example/feed\"\n")
	writeConfigFile(t, topicFile, localRules)
	code, out, stderr := runBinary(t, "", "check", "-config", cfg)
	if code != 0 || !strings.Contains(out, "topic     built-in profile with [topic.extend] of local.toml: 2 terms added, 1 groups added\n") {
		t.Fatalf("check: exit %d\n%s%s", code, out, stderr)
	}
	const item = `{"id":"1","title":"성남시의회, 인공지능 조례 제정 추진"}` + "\n"
	_, classified, _ := runBinary(t, item, "classify", "-config", cfg)
	for _, want := range []string{`government (\"성남시의회\")`, `local-rules (\"조례\")`, `"match":true`} {
		if !strings.Contains(classified, want) {
			t.Errorf("classify: no %s in %s", want, classified)
		}
	}
	code, shown, stderr := runBinary(t, "", "topic", "show", "-config", cfg)
	if code != 0 || !strings.HasPrefix(shown, "# built-in profile with [topic.extend]") || !strings.Contains(shown, "local-rules") {
		t.Fatalf("topic show: exit %d\n%.300s%s", code, shown, stderr)
	}
	pasted := filepath.Join(dir, "pasted.toml")
	writeConfigFile(t, pasted, shown+"\n[[source]]\nurl = \"https://a.example/feed\"\n")
	if _, again, stderr := runBinary(t, item, "classify", "-config", pasted); again != classified {
		t.Errorf("the pasted profile classifies otherwise:\n%s\n%s%s", again, classified, stderr)
	}

	writeConfigFile(t, topicFile, strings.Replace(localRules, `name = "government"`, `name = "goverment"`, 1))
	code, _, stderr = runBinary(t, "", "check", "-config", cfg)
	if code != 1 || !strings.Contains(stderr, topicFile+`:3:1: topic.extend.group 1.name: no group named "goverment" in the profile (did you mean "government"?)`) {
		t.Errorf("check of a misspelled group: exit %d\n%s", code, stderr)
	}
}

// TestReloadFollowsTopicFile: saving the topic_file alone makes a running
// daemon apply it, as saving gleaner.toml would.
func TestReloadFollowsTopicFile(t *testing.T) {
	site := newFeedSite(t, 6)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gleaner.toml")
	topicFile := filepath.Join(dir, "topic.toml")
	addr := listenAddr(t)
	writeConfigFile(t, cfgPath, fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\ntopic_file = \"topic.toml\"\n[poll]\ninterval = \"1h\"\n[[source]]\nname = \"one\"\nurl = %q\n", addr, site.url(1)))
	writeConfigFile(t, topicFile, "[topic.extend]\n")
	clk := &fakeClock{t: time.Now()}
	p, stop := inProcess(t, cfgPath, clk)
	feed := func() string { _, b := httpGet("http://" + addr + "/feed.json"); return b }
	eventually(t, p, 30*time.Second, "curated items", func() bool {
		clk.Add(5 * time.Second)
		return strings.Contains(feed(), "export controls")
	})
	if strings.Contains(feed(), "Local bakery") {
		t.Fatal("bakery items curated before the topic file says so")
	}
	writeConfigFile(t, topicFile, "[[topic.extend.group]]\nname = \"bread\"\nkind = \"strong\"\nweight = 5.0\nterms = [\"bakery\"]\n")
	eventually(t, p, 30*time.Second, "the bakery items curated", func() bool {
		f := feed()
		return strings.Contains(f, "Local bakery") && strings.Contains(f, "export controls")
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(topicFile); err != nil {
		t.Fatal(err)
	}
}

// TestReloadFollowsTopicFileAddedLater: a topic_file that a reload adds to the
// config is watched from then on, as one named at the start would be.
func TestReloadFollowsTopicFileAddedLater(t *testing.T) {
	site := newFeedSite(t, 6)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gleaner.toml")
	topicFile := filepath.Join(dir, "topic.toml")
	addr := listenAddr(t)
	base := fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\n%s[poll]\ninterval = \"1h\"\n[[source]]\nname = \"one\"\nurl = %q\n", addr, "%s", site.url(1))
	writeConfigFile(t, cfgPath, fmt.Sprintf(base, ""))
	clk := &fakeClock{t: time.Now()}
	p, stop := inProcess(t, cfgPath, clk)
	feed := func() string { _, b := httpGet("http://" + addr + "/feed.json"); return b }
	eventually(t, p, 30*time.Second, "curated items", func() bool {
		clk.Add(5 * time.Second)
		return strings.Contains(feed(), "export controls")
	})
	writeConfigFile(t, topicFile, "[topic.extend]\n")
	reloads := strings.Count(p.log.String(), "config reloaded")
	writeConfigFile(t, cfgPath, fmt.Sprintf(base, "topic_file = \"topic.toml\"\n"))
	eventually(t, p, 30*time.Second, "the reload that names the topic file", func() bool {
		return strings.Count(p.log.String(), "config reloaded") > reloads
	})
	if strings.Contains(feed(), "Local bakery") {
		t.Fatal("bakery items curated before the topic file says so")
	}
	writeConfigFile(t, topicFile, "[[topic.extend.group]]\nname = \"bread\"\nkind = \"strong\"\nweight = 5.0\nterms = [\"bakery\"]\n")
	eventually(t, p, 30*time.Second, "the bakery items curated after the topic file alone changed", func() bool {
		return strings.Contains(feed(), "Local bakery")
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestReloadFollowsTopicFileOfRefusedReload: a reload refused because the
// topic_file it names is missing or broken keeps the old config; creating or
// fixing that file then applies it (it was never watched: the daemon watched
// the file of the config in effect, and a touch of gleaner.toml was skipped
// as no change).
func TestReloadFollowsTopicFileOfRefusedReload(t *testing.T) {
	site := newFeedSite(t, 6)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gleaner.toml")
	topicFile := filepath.Join(dir, "topic.toml")
	addr := listenAddr(t)
	base := fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\n%s[poll]\ninterval = \"1h\"\n[[source]]\nname = \"one\"\nurl = %q\n", addr, "%s", site.url(1))
	writeConfigFile(t, cfgPath, fmt.Sprintf(base, ""))
	clk := &fakeClock{t: time.Now()}
	p, stop := inProcess(t, cfgPath, clk)
	feed := func() string { _, b := httpGet("http://" + addr + "/feed.json"); return b }
	eventually(t, p, 30*time.Second, "curated items", func() bool {
		clk.Add(5 * time.Second)
		return strings.Contains(feed(), "export controls")
	})
	// Named before it exists: refused.
	writeConfigFile(t, cfgPath, fmt.Sprintf(base, "topic_file = \"topic.toml\"\n"))
	eventually(t, p, 30*time.Second, "the refusal", func() bool {
		return strings.Contains(p.log.String(), "no such file or directory")
	})
	reloads := strings.Count(p.log.String(), "config reloaded")
	// Created with a misspelt group: refused again, for the file's own problem.
	writeConfigFile(t, topicFile, "[[topic.extend.group]]\nname = \"bread\"\nkind = \"strong\"\nweight = 5.0\nterms = [\"bakery\"]\n\n[[topic.extend.group]]\nname = \"goverment\"\nterms = [\"bakers' guild\"]\n")
	eventually(t, p, 30*time.Second, "the topic file's problem reported", func() bool {
		return strings.Contains(p.log.String(), `no group named \"goverment\"`) || strings.Contains(p.log.String(), `no group named "goverment"`)
	})
	// Fixed: applied without touching gleaner.toml.
	writeConfigFile(t, topicFile, "[[topic.extend.group]]\nname = \"bread\"\nkind = \"strong\"\nweight = 5.0\nterms = [\"bakery\"]\n")
	eventually(t, p, 30*time.Second, "the bakery items curated once the topic file is right", func() bool {
		return strings.Count(p.log.String(), "config reloaded") > reloads && strings.Contains(feed(), "Local bakery")
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
