package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gleaner/gleaner/config"
)

// TestReloadByFileChangeAndSignal runs the real binary under a fake systemd
// notify socket and edits its config under it: a source added by
// `gleaner sources add` is polled, a broken file is refused with its
// file:line:column and key while the old config keeps running, a fixed file
// removes one source and adds another, SIGHUP reloads at once, a new listen
// address is reported as needing a restart, and nothing stored is lost.
func TestReloadByFileChangeAndSignal(t *testing.T) {
	bin := gleanerBinary(t)
	site := newFeedSite(t, 6)
	notify := listenNotify(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gleaner.toml")
	addr := listenAddr(t)
	head := fmt.Sprintf("# service test\nlisten = %q\ndatabase = \"g.db\"\n\n[poll]\ninterval = \"1s\"\n\n[feed]\ntitle = \"Before\"\n", addr)
	srcA := fmt.Sprintf("\n# source A, with a comment that must survive\n[[source]]\nname = \"A\"\nurl = %q\n", site.url(1))
	writeConfigFile(t, cfgPath, head+srcA)

	p := startGleaner(t, bin, cfgPath, "NOTIFY_SOCKET="+notify.path, "WATCHDOG_USEC=400000")
	eventually(t, p, 30*time.Second, "READY=1", func() bool { return notify.has("READY=1") })
	eventually(t, p, 30*time.Second, "source A polled", func() bool { return site.count("/feed/1.xml") > 0 })

	// Added through the CLI, which writes the file atomically: the watcher
	// sees the rename, and the new source is polled.
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	if code := e.main([]string{"sources", "add", site.url(2), "-name", "B", "-config", cfgPath}); code != 0 {
		t.Fatalf("sources add: exit %d\n%s%s", code, out.String(), errb.String())
	}
	cli := site.count("/feed/2.xml") // the command fetched it once to check it
	eventually(t, p, 30*time.Second, "source B polled after the file changed", func() bool { return site.count("/feed/2.xml") > cli })
	// The reload is logged once applied: the new source may be polled first.
	eventually(t, p, 10*time.Second, "the reload logged with the added source", func() bool {
		return countLines(p.log.String(), `msg="config reloaded"`, "added=[B]") == 1
	})

	// A broken file (written in place, as some editors do) changes nothing.
	good, _ := os.ReadFile(cfgPath)
	broken := strings.Replace(string(good), "interval = \"1s\"", "interval = \"1s\"\nconcurency = 3", 1)
	writeConfigFile(t, cfgPath, broken)
	wantErr := regexp.MustCompile(`config reload refused: keeping the last good config.*problem=".*gleaner\.toml:7:1: poll\.concurency: unknown key; did you mean ` + "`concurrency`" + `\?"`)
	eventually(t, p, 30*time.Second, "the refused reload logged", func() bool { return wantErr.MatchString(p.log.String()) })
	fams := scrape(t, addr)
	if v := metricValue(fams, "gleaner_config_reload_errors_total"); v < 1 {
		t.Errorf("gleaner_config_reload_errors_total = %v after a bad reload", v)
	}
	if v := metricValue(fams, "gleaner_config_last_reload_successful"); v != 0 {
		t.Errorf("gleaner_config_last_reload_successful = %v after a bad reload", v)
	}
	// Both sources are still polled on the last good config.
	a0, b0 := site.count("/feed/1.xml"), site.count("/feed/2.xml")
	eventually(t, p, 30*time.Second, "A and B polled again", func() bool {
		return site.count("/feed/1.xml") > a0 && site.count("/feed/2.xml") > b0
	})

	// Fixed, with A removed and C added: C is polled, A no longer.
	fixed, err := config.RemoveSource(good, 0)
	if err != nil {
		t.Fatal(err)
	}
	fixed = config.AppendSources(fixed, []config.Source{{Name: "C", URL: site.url(3)}})
	writeConfigFile(t, cfgPath, string(fixed))
	eventually(t, p, 30*time.Second, "source C polled", func() bool { return site.count("/feed/3.xml") > 0 })
	eventually(t, p, 10*time.Second, "the removal logged", func() bool { return strings.Contains(p.log.String(), "removed=[A]") })
	a1, c1 := site.count("/feed/1.xml"), site.count("/feed/3.xml")
	eventually(t, p, 30*time.Second, "C polled twice more", func() bool { return site.count("/feed/3.xml") >= c1+2 })
	if a := site.count("/feed/1.xml"); a > a1 {
		t.Errorf("removed source A polled %d more times", a-a1)
	}
	if v := metricValue(scrape(t, addr), "gleaner_config_last_reload_successful"); v != 1 {
		t.Errorf("gleaner_config_last_reload_successful = %v after a good reload", v)
	}
	// The removed source's per-source series went with it.
	if v := metricValue(scrape(t, addr), "gleaner_fetches_total", "source=A"); v != -1 {
		t.Errorf("gleaner_fetches_total{source=\"A\"} = %v after A was removed, want no series", v)
	}
	if v := metricValue(scrape(t, addr), "gleaner_fetches_total", "source=C"); v < 1 {
		t.Errorf("gleaner_fetches_total{source=\"C\"} = %v, want C's polls counted", v)
	}

	// SIGHUP reloads at once, before the watcher's quiet period ends, and
	// tells systemd RELOADING=1 with the monotonic time, then READY=1.
	retitled := strings.Replace(string(fixed), `title = "Before"`, `title = "After SIGHUP"`, 1)
	writeConfigFile(t, cfgPath, retitled)
	p.cmd.Process.Signal(syscall.SIGHUP)
	eventually(t, p, 30*time.Second, "the new title served", func() bool {
		_, body := httpGet("http://" + addr + "/feed.json")
		return strings.Contains(body, "After SIGHUP")
	})
	if !strings.Contains(p.log.String(), "trigger=SIGHUP") {
		t.Errorf("no SIGHUP reload logged:\n%s", p.log)
	}
	if !notify.has("RELOADING=1", "MONOTONIC_USEC=") {
		t.Errorf("no RELOADING=1 with MONOTONIC_USEC sent: %q", notify.messages())
	}
	// The status after a reload still shows the last poll round (README's
	// `systemctl status`), not only the address until the next round.
	eventually(t, p, 10*time.Second, "READY=1 with the last poll round after the last RELOADING=1", func() bool {
		msgs, reloading := notify.messages(), -1
		for i, m := range msgs {
			if strings.Contains(m, "RELOADING=1") {
				reloading = i
			}
		}
		for _, m := range msgs[reloading+1:] {
			if strings.Contains(m, "READY=1") && strings.Contains(m, "STATUS=last poll round") {
				return true
			}
		}
		return false
	})

	// A new listen address needs a restart: reported, and the old one kept.
	moved := strings.Replace(retitled, addr, "127.0.0.1:1", 1)
	writeConfigFile(t, cfgPath, moved)
	eventually(t, p, 30*time.Second, "the restart warning", func() bool {
		return regexp.MustCompile(`config changes need a restart.*keys=\[listen\]`).MatchString(p.log.String())
	})
	if code, _ := httpGet("http://" + addr + "/healthz"); code != 200 {
		t.Errorf("/healthz on the old address: %d", code)
	}
	// The count moves once the reload returns, just after the warning.
	eventually(t, p, 10*time.Second, "gleaner_config_reloads_total >= 4", func() bool {
		return metricValue(scrape(t, addr), "gleaner_config_reloads_total") >= 4
	})

	if code := p.stop(t); code != 0 {
		t.Fatalf("exit status %d; log:\n%s", code, p.log)
	}
	if !notify.has("STATUS=last poll round") {
		t.Errorf("no poll round shown in STATUS=: %q", notify.messages())
	}
	if !notify.has("WATCHDOG=1") {
		t.Errorf("the watchdog was never pinged: %q", notify.messages())
	}
	if !notify.has("STOPPING=1") {
		t.Errorf("no STOPPING=1 sent: %q", notify.messages())
	}

	// Nothing stored was dropped: A, removed, keeps its items and fetch state.
	out.Reset()
	errb.Reset()
	if code := e.main([]string{"sources", "-config", cfgPath}); code != 0 {
		t.Fatalf("sources: exit %d\n%s", code, errb.String())
	}
	rowA := regexp.MustCompile(`(?m)^A\s+removed\s+(200|304)\s+0\s+.*\s6\s+2\s+` + regexp.QuoteMeta(site.url(1)))
	if !rowA.MatchString(out.String()) {
		t.Errorf("source A's stored state is not kept (want removed, 6 seen, 2 kept):\n%s", out.String())
	}
	// The comment of the file survived every edit.
	final, _ := os.ReadFile(cfgPath)
	if !strings.HasPrefix(string(final), "# service test\n") {
		t.Errorf("the file's leading comment is gone:\n%s", final)
	}
}
