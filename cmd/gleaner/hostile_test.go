package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/store"
)

// TestNewerDatabaseIsRefused runs `gleaner fetch` and `gleaner run` on a
// database that a newer gleaner migrated: both refuse with a message naming the
// versions, and the file stays as it was.
func TestNewerDatabaseIsRefused(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("INSERT INTO schema_migrations(version, applied_at) VALUES (9999, 0)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	cfg := filepath.Join(dir, "gleaner.toml")
	if err := os.WriteFile(cfg, []byte("database = \"g.db\"\nlisten = \"127.0.0.1:0\"\n[[source]]\nurl = \"http://127.0.0.1:9/feed\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(db)
	for _, cmd := range []string{"fetch", "run"} {
		code, out, errs := run(cmd, "-config", cfg)
		if code != 1 || !strings.Contains(errs, "this database was written by a newer gleaner (schema 9999, this binary knows ") {
			t.Errorf("gleaner %s: exit %d\n%s%s", cmd, code, out, errs)
		}
		if after, _ := os.ReadFile(db); sha256.Sum256(before) != sha256.Sum256(after) {
			t.Errorf("gleaner %s wrote to the refused database", cmd)
		}
	}
}

// TestSourcesImportOfManyOutlines imports an OPML file of 100,000 outlines, a
// tenth of them repeating another in a different spelling, into a config that
// has some of them already: every new feed is added once. The import used to
// compare each outline with every one before it (6,000 took 15 s, 100,000 did
// not finish); it is linear now, a few seconds here.
func TestSourcesImportOfManyOutlines(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 100,000 outlines; skipped with -short")
	}
	const n = 100_000
	dir := t.TempDir()
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0"?><opml version="2.0"><head><title>many</title></head><body>`)
	for i := range n {
		u := fmt.Sprintf("https://host%d.example/feed/%d", i%997, i)
		if i%10 == 9 {
			u = fmt.Sprintf("HTTPS://HOST%d.example:443/feed/%d", (i-1)%997, i-1) // the previous one again
		}
		fmt.Fprintf(&doc, `<outline text="Feed %d" type="rss" xmlUrl="%s"/>`, i, u)
	}
	doc.WriteString(`</body></opml>`)
	opmlPath := filepath.Join(dir, "many.opml")
	if err := os.WriteFile(opmlPath, []byte(doc.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "gleaner.toml")
	if err := os.WriteFile(cfgPath, []byte("[[source]]\nurl = \"https://host0.example/feed/0\"\n\n[[source]]\nurl = \"https://host5.example/feed/5\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// -no-check: the outlines name hosts that do not exist; fetching each is
	// what TestSourcesImportChecksEachFeed tests.
	code, out, errs := run("sources", "import", "-no-check", opmlPath, "-config", cfgPath)
	want := n - n/10 - 2
	if code != 0 || !strings.Contains(out, fmt.Sprintf("imported %d source(s)", want)) || !strings.Contains(out, fmt.Sprintf("skipped %d", n/10+2)) {
		t.Fatalf("import: exit %d\n%s%.2000s", code, out, errs)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil || len(cfg.Sources) != want+2 {
		t.Fatalf("after import: %v, %d sources", err, len(cfg.Sources))
	}
}

// TestCLIRedactsSourceSecrets runs gleaner fetch, check, sources and sources export on
// a config whose source URL carries a password and a token: the output shows
// them as REDACTED, unless -show-secrets.
func TestCLIRedactsSourceSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	feed := strings.Replace(srv.URL, "http://", "http://alice:s3cr3tpw@", 1) + "/feed?token=tok_abcdef123&lang=ko"
	if err := os.WriteFile(cfg, []byte("database = \"g.db\"\n[[source]]\nname = \"Private\"\nurl = \""+feed+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"fetch"}, {"check"}, {"sources"}, {"sources", "export"}} {
		_, out, errs := run(append(args, "-config", cfg)...)
		for _, secret := range []string{"s3cr3tpw", "tok_abcdef123"} {
			if strings.Contains(out+errs, secret) {
				t.Errorf("gleaner %s prints %q:\n%s%s", strings.Join(args, " "), secret, out, errs)
			}
		}
		if !strings.Contains(out, "REDACTED") {
			t.Errorf("gleaner %s does not show the redacted URL:\n%s", strings.Join(args, " "), out)
		}
		// The credentials are marked as left out, not silently dropped (an
		// exported OPML file would lose them without a sign).
		if args[0] != "fetch" && !strings.Contains(out, "http://REDACTED@127.0.0.1:") {
			t.Errorf("gleaner %s drops the credentials without a sign:\n%s", strings.Join(args, " "), out)
		}
		_, out, _ = run(append(args, "-config", cfg, "-show-secrets")...)
		if !strings.Contains(out, "tok_abcdef123") {
			t.Errorf("gleaner %s -show-secrets hides the token:\n%s", strings.Join(args, " "), out)
		}
	}
}

// TestSourcesEditsRedactSecrets adds, imports and removes sources whose URLs
// carry a password or a token: the messages show them as REDACTED unless
// -show-secrets, and a source is removed by its URL as gleaner sources shows
// it, when only one source shows so.
func TestSourcesEditsRedactSecrets(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	base := "database = \"g.db\"\n[[source]]\nurl = \"https://plain.example/feed\"\n"
	if err := os.WriteFile(cfg, []byte(base+"\n[[source]]\nurl = \"https://a.example/feed?token=SECRET123\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noSecret := func(what, out string) {
		t.Helper()
		for _, secret := range []string{"SECRET123", "ZZZ999", "alice", "s3cr3tpw"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s prints %q:\n%s", what, secret, out)
			}
		}
	}
	code, out, errs := run("sources", "add", "-no-check", "-config", cfg, "https://n.example/f.xml?api_key=ZZZ999")
	if code != 0 || out != "added source 3 \"n.example\" https://n.example/f.xml?api_key=REDACTED to "+cfg+"\n" {
		t.Errorf("add: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("sources", "add", "-no-check", "-show-secrets", "-config", cfg, "https://alice:s3cr3tpw@u.example/f.xml")
	if code != 0 || !strings.Contains(out, " https://alice:s3cr3tpw@u.example/f.xml ") {
		t.Errorf("add -show-secrets: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("sources", "add", "-no-check", "-config", cfg, "https://alice:s3cr3tpw@u.example/f.xml")
	noSecret("add of a configured URL", out+errs)
	if code != 1 || !strings.Contains(errs, "https://REDACTED@u.example/f.xml is source 4") {
		t.Errorf("add again: exit %d\n%s%s", code, out, errs)
	}

	opmlPath := filepath.Join(dir, "subs.opml")
	doc := `<?xml version="1.0"?><opml version="2.0"><body><outline text="Nope" xmlUrl="https://alice:s3cr3tpw@127.0.0.1:9/nope.xml?key=ZZZ999"/></body></opml>`
	if err := os.WriteFile(opmlPath, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run("sources", "import", "-config", cfg, opmlPath)
	noSecret("import", out+errs)
	// Its one feed unreachable, nothing is imported: exit 1.
	if code != 1 || !strings.HasPrefix(errs, `skipped "Nope" <https://REDACTED@127.0.0.1:9/nope.xml?key=REDACTED>: `) {
		t.Errorf("import: exit %d\n%s%s", code, out, errs)
	}

	// By the URL as gleaner sources shows it.
	for _, shown := range []string{"https://a.example/feed?token=REDACTED", "https://REDACTED@u.example/f.xml"} {
		code, out, errs = run("sources", "remove", "-config", cfg, shown)
		noSecret("remove", out+errs)
		if code != 0 || !strings.HasPrefix(out, "removed source ") || !strings.Contains(out, " "+shown+" from ") {
			t.Errorf("remove %s: exit %d\n%s%s", shown, code, out, errs)
		}
	}
	code, out, errs = run("sources", "remove", "-config", cfg, "https://n.example/other.xml?api_key=REDACTED")
	if code != 1 || !strings.Contains(errs, "no such source") || !strings.Contains(errs, "-show-secrets") {
		t.Errorf("remove of an unknown redacted URL: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("sources", "remove", "-config", cfg, "-show-secrets", "https://n.example/f.xml?api_key=ZZZ999")
	if code != 0 || !strings.Contains(out, "api_key=ZZZ999") {
		t.Errorf("remove -show-secrets: exit %d\n%s%s", code, out, errs)
	}
	if b, _ := os.ReadFile(cfg); string(b) != base {
		t.Errorf("after removing every source but the first:\n%s", b)
	}
}

// TestCLIInputIsChecked adds sources with a bad -interval (refused, the file
// unchanged) and with names that carry a right-to-left override and terminal
// escape sequences, typed or imported: the names are written without them, and
// check, sources and fetch print none, also for a name written by hand.
func TestCLIInputIsChecked(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	// Written by hand: TOML escapes put the characters in the name.
	base := "database = \"g.db\"\n[[source]]\nname = \"hand\\u202Etxt.exe\\u001B[2J\"\nurl = \"http://127.0.0.1:9/a\"\n"
	if err := os.WriteFile(cfg, []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, iv := range []string{"-5m", "0s", "soon"} {
		code, _, errs := run("sources", "add", "-no-check", "-interval", iv, "-config", cfg, "http://127.0.0.1:9/b")
		if code == 0 || !strings.Contains(errs, "-interval") {
			t.Errorf("sources add -interval %s: exit %d %q; want an error about -interval", iv, code, errs)
		}
		if b, _ := os.ReadFile(cfg); string(b) != base {
			t.Fatalf("a refused add changed the file:\n%s", b)
		}
	}
	// Accepted with a warning check gives: add says it.
	if code, _, errs := run("sources", "add", "-no-check", "-interval", "30s", "-config", cfg, "http://127.0.0.1:9/b"); code != 0 ||
		!strings.Contains(errs, "source 2.interval: warning: 30s polls a site more often than once a minute") {
		t.Errorf("sources add -interval 30s: exit %d, want check's warning:\n%s", code, errs)
	}
	if b, err := os.ReadFile(cfg); err == nil {
		base = string(b) // the names checked below are those added after this
	}
	evil := "Evil\u202Egnp.exe\x1b]0;pwned\x07\x1b[31m red"
	if code, _, errs := run("sources", "add", "-no-check", "-name", evil, "-config", cfg, "http://127.0.0.1:9/c"); code != 0 {
		t.Fatalf("sources add: %d %s", code, errs)
	}
	opmlPath := filepath.Join(dir, "in.opml")
	opmlDoc := `<?xml version="1.0"?><opml version="2.0"><body><outline text="Imported&#x202E;fdp.exe&#x9B;2J" xmlUrl="http://127.0.0.1:9/d"/></body></opml>`
	if err := os.WriteFile(opmlPath, []byte(opmlDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := run("sources", "import", "-no-check", opmlPath, "-config", cfg); code != 0 {
		t.Fatalf("sources import: %d %s%s", code, out, errs)
	}
	written, _ := os.ReadFile(cfg)
	for _, bad := range []string{"\u202E", "\x1b", "\x07", "\u009b", `\u202E`, `\u001B`, `\u001b`, `\u0007`, `\u202e`, `\u009B`, `\u009b`} {
		if strings.Contains(strings.TrimPrefix(string(written), base), bad) {
			t.Errorf("the names were written with %q:\n%s", bad, written)
		}
	}
	for _, args := range [][]string{{"check"}, {"sources"}, {"fetch"}} {
		_, out, errs := run(append(args, "-config", cfg)...)
		if strings.ContainsAny(out+errs, "\u202E\x1b\x07\u009b") {
			t.Errorf("gleaner %s prints a control or bidi-override character:\n%q", args[0], out+errs)
		}
		if !strings.Contains(out, "Evilgnp.exe") && args[0] != "fetch" {
			t.Errorf("gleaner %s lost the name:\n%s", args[0], out)
		}
	}
}

// TestConfigIsReadWithASizeLimit gives commands a config that never ends
// (/dev/zero, which they read to 1.4 GB) and one just over the limit: they stop
// at the limit and say so.
func TestConfigIsReadWithASizeLimit(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.toml")
	if err := os.WriteFile(big, bytes.Repeat([]byte("# padding\n"), (64<<20)/10+1), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/dev/zero", big} {
		if _, err := os.Stat(path); err != nil {
			t.Skipf("%s: %v", path, err)
		}
		for _, args := range [][]string{{"check"}, {"sources"}, {"sources", "add", "-no-check", "https://a.example/feed"}, {"run"}} {
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			code, _, errs := run(append(args, "-config", path)...)
			runtime.ReadMemStats(&m1)
			if code == 0 || !strings.Contains(errs, "larger than 64 MiB") {
				t.Errorf("gleaner %s -config %s: exit %d %q; want a refusal naming the limit", strings.Join(args, " "), path, code, errs)
			}
			if read := m1.TotalAlloc - m0.TotalAlloc; read > 256<<20 {
				t.Errorf("gleaner %s -config %s allocated %d MB", strings.Join(args, " "), path, read>>20)
			}
		}
	}
}

// TestConfigProblemsRedactSecrets: a config problem that quotes a source URL
// (a duplicate, a scheme gleaner cannot poll) shows its secrets as REDACTED in
// check, fetch and sources, as everything else they print does, unless
// -show-secrets.
func TestConfigProblemsRedactSecrets(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "gleaner.toml")
	data := "database = \"g.db\"\n[[source]]\nurl = \"https://user:hunter2@a.example/feed?token=SECRET1\"\n" +
		"[[source]]\nurl = \"https://user:hunter2@a.example/feed?token=SECRET1\"\n[[source]]\nurl = \"ftp://bob:pw2@c.example/feed?api_key=SECRET2\"\n"
	if err := os.WriteFile(cfg, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check"}, {"fetch"}, {"sources"}} {
		code, out, errs := run(append(args, "-config", cfg)...)
		// (gleaner sources lists what is stored whatever the file's problems.)
		if code != map[bool]int{true: 0, false: 1}[args[0] == "sources"] || !strings.Contains(errs, "duplicate source URL \"https://REDACTED@a.example/feed?token=REDACTED\"") {
			t.Errorf("%s: exit %d, stderr:\n%s", args[0], code, errs)
		}
		for _, secret := range []string{"hunter2", "SECRET1", "pw2", "SECRET2"} {
			if strings.Contains(out+errs, secret) {
				t.Errorf("%s prints %q:\n%s%s", args[0], secret, out, errs)
			}
		}
	}
	if code, _, errs := run("check", "-show-secrets", "-config", cfg); code != 1 || !strings.Contains(errs, "ftp://bob:pw2@c.example/feed?api_key=SECRET2") {
		t.Errorf("check -show-secrets: exit %d, stderr:\n%s", code, errs)
	}
}
