package cli

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// A checkpoint catches what the chain alone cannot: someone with the
// database cuts events off the end and fixes the recorded head.
func TestAuditCheckpointCatchesARewrittenTail(t *testing.T) {
	dir := t.TempDir()
	roster := filepath.Join(dir, "roster.csv")
	os.WriteFile(roster, []byte(goodRoster), 0o600)
	if r := run(t, dir, "", "roster", "import", roster); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	cpFile := filepath.Join(dir, "cp.txt")
	r := run(t, dir, "", "audit", "checkpoint", "--out", cpFile)
	if r.code != 0 {
		t.Fatalf("checkpoint: %d %s %s", r.code, r.stdout, r.stderr)
	}
	statement, _ := os.ReadFile(cpFile)
	if !strings.HasPrefix(string(statement), "IKRAR AUDIT CHECKPOINT v1\n") || !strings.Contains(string(statement), "WIB") {
		t.Fatalf("checkpoint file:\n%s", statement)
	}
	if kept, _ := filepath.Glob(filepath.Join(dir, "checkpoints", "checkpoint-*.txt")); len(kept) != 1 {
		t.Errorf("checkpoint not kept in the data folder: %v", kept)
	}
	// The chain grows; the checkpoint still holds.
	run(t, dir, "", "links", "export", "--out", filepath.Join(dir, "links.csv"))
	if r := run(t, dir, "", "audit", "verify", "--checkpoint", cpFile); r.code != 0 || !strings.Contains(r.stdout, "holds") {
		t.Fatalf("checkpoint after growth: %d %s %s", r.code, r.stdout, r.stderr)
	}

	// Another instance's key: refused.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "roster.csv"), []byte(goodRoster), 0o600)
	run(t, other, "", "roster", "import", filepath.Join(other, "roster.csv"))
	foreign := filepath.Join(other, "cp.txt")
	run(t, other, "", "audit", "checkpoint", "--out", foreign)
	if r := run(t, dir, "", "audit", "verify", "--checkpoint", foreign); r.code != ExitFailure || !strings.Contains(r.stdout, "not by this instance's key") {
		t.Fatalf("foreign checkpoint: %d %s %s", r.code, r.stdout, r.stderr)
	}
	// An edited checkpoint: refused.
	edited := filepath.Join(dir, "edited.txt")
	os.WriteFile(edited, []byte(strings.Replace(string(statement), "events: ", "events: 1", 1)), 0o600)
	if r := run(t, dir, "", "audit", "verify", "--checkpoint", edited); r.code != ExitFailure || !strings.Contains(r.stdout, "BROKEN") {
		t.Fatalf("edited checkpoint: %d %s %s", r.code, r.stdout, r.stderr)
	}

	// Cut the chain back to before the checkpoint's head and fix the anchor.
	db, err := sql.Open("sqlite3", filepath.Join(dir, "ikrar.db"))
	if err != nil {
		t.Fatal(err)
	}
	var last int
	if err := db.QueryRow(`SELECT MAX(id) FROM audit_events`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TRIGGER IF EXISTS audit_head_track`,
		`DELETE FROM audit_events WHERE id >= (SELECT MAX(id) FROM audit_events) - 1`,
		`UPDATE audit_heads SET seq = (SELECT MAX(id) FROM audit_events), hash = (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	if r := run(t, dir, "", "audit", "verify"); r.code != 0 {
		t.Fatalf("the cut chain should still verify on its own (that is the point): %d %s", r.code, r.stdout)
	}
	r = run(t, dir, "", "audit", "verify", "--checkpoint", cpFile)
	if r.code != ExitFailure || !strings.Contains(r.stdout, "BROKEN checkpoint "+cpFile) || !strings.Contains(r.stdout, "removed") {
		t.Fatalf("cut chain with checkpoint: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
