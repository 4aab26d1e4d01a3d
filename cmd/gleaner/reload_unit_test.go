package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const breadProfile = `
[topic.fields]
title = 1.0
[[topic.group]]
name = "bread"
kind = "strong"
weight = 5.0
terms = ["bakery"]
[[topic.rule]]
name = "bread"
need = ["strong"]
need_min = 1.0
min_score = 1.0
`

// TestReloadReappliesTopicProfile changes the [topic] profile under a running
// daemon (in-process, on a stopped clock, so no poll happens meanwhile): the
// stored items are judged again and the curated feed follows at once. A
// profile that does not compile is refused with the key's position.
func TestReloadReappliesTopicProfile(t *testing.T) {
	site := newFeedSite(t, 6)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gleaner.toml")
	addr := listenAddr(t)
	base := fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\n[poll]\ninterval = \"1h\"\n[[source]]\nname = \"one\"\nurl = %q\n", addr, site.url(1))
	writeConfigFile(t, cfgPath, base)
	clk := &fakeClock{t: time.Now()}
	p, stop := inProcess(t, cfgPath, clk)
	feed := func() string { _, b := httpGet("http://" + addr + "/feed.json"); return b }
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(feed(), "export controls") {
		clk.Add(5 * time.Second)
		if time.Now().After(deadline) {
			t.Fatalf("no curated items; log:\n%s", p.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	hits := site.count("/feed/1.xml")

	writeConfigFile(t, cfgPath, base+breadProfile)
	eventually(t, p, 30*time.Second, "the bakery items curated", func() bool {
		f := feed()
		return strings.Contains(f, "Local bakery") && !strings.Contains(f, "export controls")
	})
	// The feed may change before the reclassification's log line is written.
	eventually(t, p, 10*time.Second, "the topic reload and reclassification logged", func() bool {
		return strings.Contains(p.log.String(), "changed=[topic]") && strings.Contains(p.log.String(), `msg=reclassified`)
	})
	if site.count("/feed/1.xml") != hits {
		t.Errorf("the source was polled again; the change must come from the stored items")
	}

	// A profile that does not compile: refused, with its position; the feed stays.
	bad := strings.Replace(breadProfile, `kind = "strong"`, `kind = "strongest"`, 1)
	writeConfigFile(t, cfgPath, base+bad)
	eventually(t, p, 30*time.Second, "the refused profile", func() bool {
		return regexp.MustCompile(`problem=".*gleaner\.toml:13:1: topic\.group 1\.kind: unknown kind \\"strongest\\"`).MatchString(p.log.String())
	})
	if !strings.Contains(feed(), "Local bakery") {
		t.Errorf("a refused reload changed the feed")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestReloadPublishExportDir sets [publish] export_dir under a running daemon:
// the static export is written there at once, not at the next change.
func TestReloadPublishExportDir(t *testing.T) {
	d := startOneSource(t)
	dir, cfgPath, addr, base, clk, p, stop := d.dir, d.cfgPath, d.addr, d.base, d.clk, d.p, d.stop
	deadline := time.Now().Add(30 * time.Second)
	for {
		clk.Add(5 * time.Second)
		if _, body := httpGet("http://" + addr + "/feed.json"); strings.Contains(body, "rule 1-0") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no curated item; log:\n%s", p.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	os.Mkdir(filepath.Join(dir, "public"), 0o755) // export writes into an existing directory
	writeConfigFile(t, cfgPath, base+"[publish]\nexport_dir = \"public\"\n")
	eventually(t, p, 30*time.Second, "the export written", func() bool {
		b, err := os.ReadFile(filepath.Join(dir, "public", "feed.atom"))
		return err == nil && strings.Contains(string(b), "rule 1-0")
	})
	if !strings.Contains(p.log.String(), "changed=[publish]") {
		t.Errorf("no [publish] change logged:\n%s", p.log)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestReloadStoriesSettings changes settings of the story grouper under a running daemon
// that a reload used to ignore (cross_threshold, then mates): each rebuilds it.
func TestReloadStoriesSettings(t *testing.T) {
	d := startOneSource(t)
	cfgPath, base, clk, p, stop := d.cfgPath, d.base, d.clk, d.p, d.stop
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(p.log.String(), "poll round") {
		clk.Add(5 * time.Second)
		if time.Now().After(deadline) {
			t.Fatalf("no poll round; log:\n%s", p.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i, extra := range []string{"[stories]\ncross_threshold = 0.4\n", "[stories]\ncross_threshold = 0.4\nmates = false\n"} {
		writeConfigFile(t, cfgPath, base+extra)
		eventually(t, p, 30*time.Second, "the stories change", func() bool {
			return strings.Count(p.log.String(), "changed=[stories]") == i+1
		})
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// oneSource is a daemon run in-process, on a stopped clock, over one source of three
// items, with the config it was started with.
type oneSource struct {
	dir, cfgPath, addr, base string
	clk                      *fakeClock
	p                        *proc
	stop                     func() error
}

func startOneSource(t *testing.T) oneSource {
	t.Helper()
	site := newFeedSite(t, 3)
	d := oneSource{dir: t.TempDir(), addr: listenAddr(t), clk: &fakeClock{t: time.Now()}}
	d.cfgPath = filepath.Join(d.dir, "gleaner.toml")
	d.base = fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\n[poll]\ninterval = \"1h\"\n[[source]]\nname = \"one\"\nurl = %q\n", d.addr, site.url(1))
	writeConfigFile(t, d.cfgPath, d.base)
	d.p, d.stop = inProcess(t, d.cfgPath, d.clk)
	return d
}
