package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/store/storetest"
)

func TestMigrateUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no flags", []string{"migrate"}, ExitUsage, "--from and --to are required"},
		{"bad source form", []string{"migrate", "--from", "ikrar.db", "--to", "sqlite:x.db"}, ExitUsage, "want sqlite:PATH or postgres:DSN"},
		{"unknown driver", []string{"migrate", "--from", "mysql:x", "--to", "sqlite:x.db"}, ExitUsage, "unknown database driver"},
		{"same database", []string{"migrate", "--from", "sqlite:a.db", "--to", "sqlite:a.db"}, ExitUsage, "same database"},
		{"missing source", []string{"migrate", "--from", "sqlite:" + filepath.Join(dir, "none.db"), "--to", "sqlite:" + filepath.Join(dir, "new.db")},
			ExitFailure, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, dir, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Fatal("migrate created the missing source database")
	}
}

// TestMigrateMovesACity builds a city with the CLI on SQLite, moves it with
// `ikrar migrate`, and checks the target with `ikrar audit verify`: same
// chain head, and a second move into it is refused.
func TestMigrateMovesACity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		dir := t.TempDir()
		roster := filepath.Join(dir, "roster.csv")
		if err := os.WriteFile(roster, []byte(goodRoster), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"roster", "import", roster},
			{"user", "add", "--role", "admin", "--username", "admin", "--password-stdin"},
			{"token", "add", "--name", "simpeg", "--scope", "roster:read"},
		} {
			if r := run(t, dir, "rahasia-sekali-1\n", args...); r.code != ExitOK {
				t.Fatalf("%v: %d %s", args, r.code, r.stderr)
			}
		}
		before := run(t, dir, "", "audit", "verify")
		if before.code != ExitOK {
			t.Fatalf("audit of the source: %s", before.stderr)
		}

		target := storetest.Options(t, b)
		to := target.Driver + ":" + target.DSN
		r := run(t, dir, "", "migrate", "--from", "sqlite:"+filepath.Join(dir, "ikrar.db"), "--to", to)
		if r.code != ExitOK || !strings.Contains(r.stdout, "ok: row counts of 26 tables match") || !strings.Contains(r.stdout, "asns              2 rows") ||
			!regexp.MustCompile(`api_tokens\s+1 rows`).MatchString(r.stdout) {
			t.Fatalf("migrate: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
		after := run(t, dir, "", "audit", "verify", "--db-driver", target.Driver, "--db", target.DSN)
		if after.code != ExitOK || after.stdout != before.stdout {
			t.Fatalf("audit of the target: %q (exit %d, %s), source said %q", after.stdout, after.code, after.stderr, before.stdout)
		}
		again := run(t, dir, "", "migrate", "--from", "sqlite:"+filepath.Join(dir, "ikrar.db"), "--to", to)
		if again.code != ExitFailure || !strings.Contains(again.stderr, "not empty") {
			t.Fatalf("second migrate: exit %d, %s", again.code, again.stderr)
		}
	})
}
