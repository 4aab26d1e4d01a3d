package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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
		_, out, _ = run(append(args, "-config", cfg, "-show-secrets")...)
		if !strings.Contains(out, "tok_abcdef123") {
			t.Errorf("gleaner %s -show-secrets hides the token:\n%s", strings.Join(args, " "), out)
		}
	}
}
