package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodRoster = "NIP;Nama;Jabatan;Unit Kerja\n" +
	"198703122010121002;Drs. Budi Santosa, M.Pd.;Kepala Seksi;Dinas Pendidikan, Pemuda, dan Olahraga\n" +
	"200012312024211001;Ni Luh Putu Ayu;Guru Ahli Pertama;Dinas Pendidikan, Pemuda, dan Olahraga\n"

const badRoster = "nip,nama,jabatan,unit_kerja\n" +
	"198703122010121002,Budi,Staf,Dinas A\n" +
	"19870312201012100,Ani,Staf,Dinas A\n" +
	"198713122010121002,Eko,Staf,Dinas A\n" +
	"198703122010121002,Budi Lagi,Staf,Dinas A\n"

type runResult struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, dir string, stdin string, args ...string) runResult {
	t.Helper()
	env := map[string]string{"IKRAR_DATA": dir, "IKRAR_BASE_URL": "http://ikrar.test"}
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Env{Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return runResult{code, out.String(), errb.String()}
}

func TestRunCommands(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(good, []byte(goodRoster), 0o600)
	os.WriteFile(bad, []byte(badRoster), 0o600)

	tests := []struct {
		name      string
		args      []string
		stdin     string
		code      int
		stdout    string
		stderr    string
		notStdout string
	}{
		{name: "no command", args: nil, code: ExitUsage, stderr: "usage: ikrar"},
		{name: "unknown command", args: []string{"frobnicate"}, code: ExitUsage, stderr: "unknown command"},
		{name: "bad flag", args: []string{"serve", "--no-such-flag"}, code: ExitUsage, stderr: "no-such-flag"},
		{name: "import needs a file", args: []string{"roster", "import"}, code: ExitUsage, stderr: "exactly one roster file"},
		{name: "bad driver", args: []string{"audit", "verify", "--db-driver", "oracle"}, code: ExitUsage, stderr: "unknown database driver"},
		{name: "audit of a missing database fails", args: []string{"audit", "verify"}, code: ExitFailure, stderr: "does not exist"},
		{name: "bad roster lists every problem", args: []string{"roster", "import", bad}, code: ExitFailure,
			stderr: "baris 3, kolom nip"},
		{name: "nothing written after a bad roster", args: []string{"audit", "verify"}, code: ExitOK, stdout: "ok 1 events"},
		{name: "dry run", args: []string{"roster", "import", "--dry-run", good}, code: ExitOK, stdout: "Dry run (nothing written): 2 added"},
		{name: "import", args: []string{"roster", "import", good}, code: ExitOK, stdout: "Imported: 2 added"},
		{name: "import again is unchanged", args: []string{"roster", "import", good}, code: ExitOK, stdout: "0 added, 0 updated, 2 unchanged"},
		{name: "head needs a department", args: []string{"user", "add", "--role", "head", "--username", "kepala", "--password-stdin"}, stdin: "rahasia-sekali-1\n", code: ExitFailure, stderr: "at least one --department"},
		{name: "short password", args: []string{"user", "add", "--role", "admin", "--username", "admin", "--password-stdin"}, stdin: "pendek\n", code: ExitFailure, stderr: "at least 10"},
		{name: "add admin", args: []string{"user", "add", "--role", "admin", "--username", "admin", "--password-stdin"}, stdin: "rahasia-sekali-1\n", code: ExitOK, stdout: "user admin added"},
		{name: "duplicate user", args: []string{"user", "add", "--role", "admin", "--username", "admin", "--password-stdin"}, stdin: "rahasia-sekali-1\n", code: ExitFailure, stderr: "conflict"},
		{name: "trivial password", args: []string{"user", "add", "--role", "admin", "--username", "admin2", "--password-stdin"}, stdin: "aaaaaaaaaa\n", code: ExitFailure, stderr: "pengulangan"},
		{name: "common password", args: []string{"user", "add", "--role", "admin", "--username", "admin2", "--password-stdin"}, stdin: "Password2024!\n", code: ExitFailure, stderr: "umum dipakai"},
		{name: "bad staff email", args: []string{"user", "add", "--role", "admin", "--username", "admin3", "--email", "budi@gmail", "--password-stdin"}, stdin: "rahasia-sekali-1\n", code: ExitFailure, stderr: "not a valid email"},
		{name: "add head with email", args: []string{"user", "add", "--role", "admin", "--username", "admin4", "--email", "admin4@jogjakota.go.id", "--password-stdin"}, stdin: "rahasia-sekali-1\n", code: ExitOK, stdout: "user admin4 added"},
		{name: "set staff email", args: []string{"user", "set-email", "--username", "admin", "--email", " kepala@jogjakota.go.id "}, code: ExitOK, stdout: `email of admin set to "kepala@jogjakota.go.id"`},
		{name: "set bad staff email", args: []string{"user", "set-email", "--username", "admin", "--email", "Kepala <k@jogjakota.go.id>"}, code: ExitFailure, stderr: "tidak valid"},
		{name: "set email of nobody", args: []string{"user", "set-email", "--username", "nobody", "--email", "x@y.go.id"}, code: ExitFailure},
		{name: "reset two-step verification", args: []string{"user", "reset-2fa", "--username", "admin"}, code: ExitOK, stdout: "two-step verification of admin turned off"},
		{name: "reset two-step verification of nobody", args: []string{"user", "reset-2fa", "--username", "nobody"}, code: ExitFailure},
		{name: "report needs format", args: []string{"report", "--out", filepath.Join(dir, "r.txt")}, code: ExitUsage, stderr: "--format"},
		{name: "links csv", args: []string{"links", "export", "--out", filepath.Join(dir, "links.csv")}, code: ExitOK, stdout: "2 signing links"},
		{name: "links pdf", args: []string{"links", "export", "--department", "dinas-pendidikan-pemuda-dan-olahraga", "--out", filepath.Join(dir, "links.pdf")}, code: ExitOK, stdout: "2 signing links"},
		{name: "links unknown department", args: []string{"links", "export", "--department", "nope", "--out", filepath.Join(dir, "x.csv")}, code: ExitFailure, stderr: "unknown department"},
		{name: "report xlsx", args: []string{"report", "--format", "xlsx", "--out", filepath.Join(dir, "r.xlsx")}, code: ExitOK, stdout: "0 of 2 signed"},
		{name: "certificates zip (empty)", args: []string{"certificates", "export", "--out", filepath.Join(dir, "c.zip")}, code: ExitOK, stdout: "0 certificates"},
		{name: "verify a non-pdf", args: []string{"verify", good}, code: ExitFailure, stdout: "TIDAK SAH / NOT VALID"},
		{name: "audit after changes", args: []string{"audit", "verify"}, code: ExitOK, stdout: "ok "},
		{name: "unknown expected head", args: []string{"audit", "verify", "--expect-head", "deadbeef"}, code: ExitFailure, stdout: "no longer in the chain"},
		{name: "backup", args: []string{"backup", "--out", filepath.Join(dir, "backup.tar.gz")}, code: ExitOK, stdout: "database and signing key"},
		{name: "backup refuses to overwrite", args: []string{"backup", "--out", filepath.Join(dir, "backup.tar.gz")}, code: ExitFailure, stderr: "already exists"},
		{name: "backup of the database only", args: []string{"backup", "--db-only", "--out", filepath.Join(dir, "backup.db")}, code: ExitOK, stdout: "database only"},
		{name: "backup refuses a key kept elsewhere", args: []string{"backup", "--signing-p12", filepath.Join(dir, "bsre.p12"), "--out", filepath.Join(dir, "b2.tar.gz")}, code: ExitFailure, stderr: "--db-only"},
		{name: "restore into a fresh folder", args: []string{"restore", "--data", filepath.Join(dir, "restored"), filepath.Join(dir, "backup.tar.gz")}, code: ExitOK, stdout: "audit chain ok"},
		{name: "restore refuses to overwrite", args: []string{"restore", "--data", filepath.Join(dir, "restored"), filepath.Join(dir, "backup.tar.gz")}, code: ExitFailure, stderr: "fresh data folder"},
		{name: "restore of a plain database copy", args: []string{"restore", "--data", filepath.Join(dir, "r2"), filepath.Join(dir, "backup.db")}, code: ExitFailure, stderr: "not an ikrar backup archive"},
		{name: "restored folder verifies", args: []string{"audit", "verify", "--data", filepath.Join(dir, "restored")}, code: ExitOK, stdout: "ok "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, dir, tt.stdin, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
	// The bad roster names every bad line, not only the first.
	r := run(t, dir, "", "roster", "import", bad)
	for _, want := range []string{"baris 3", "baris 4", "baris 5", "line 5"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("import errors lack %q:\n%s", want, r.stderr)
		}
	}
	if zr, err := zip.OpenReader(filepath.Join(dir, "c.zip")); err != nil {
		t.Errorf("empty export is not a valid zip: %v", err)
	} else {
		zr.Close()
	}
	// A head written down earlier still verifies once the chain has grown.
	r = run(t, dir, "", "audit", "verify")
	head := strings.TrimSpace(r.stdout[strings.LastIndex(r.stdout, " ")+1:])
	run(t, dir, "", "links", "export", "--out", filepath.Join(dir, "more.csv"))
	if r := run(t, dir, "", "audit", "verify", "--expect-head", head); r.code != 0 {
		t.Fatalf("--expect-head %s after growth: %d %s", head, r.code, r.stdout)
	}
	// The backup is a working database with the same audit chain.
	r = run(t, dir, "", "audit", "verify", "--db", filepath.Join(dir, "backup.db"))
	if r.code != 0 || !strings.HasPrefix(r.stdout, "ok ") {
		t.Fatalf("audit of backup: %d %s %s", r.code, r.stdout, r.stderr)
	}
}
