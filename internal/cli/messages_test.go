package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMessagesCommands(t *testing.T) {
	dir := t.TempDir()
	roster := filepath.Join(dir, "roster.csv")
	os.WriteFile(roster, []byte("nip;nama;jabatan;unit_kerja;email\n"+
		"198703122010121002;Budi Santosa;Kepala Seksi;Dinas Pendidikan;budi@example.test\n"+
		"200012312024211001;Ni Luh Putu Ayu;Guru;Dinas Pendidikan;\n"+
		"199001012015032001;Zoë Ngatiyem;Perawat;Dinas Kesehatan;zoe@example.test\n"), 0o600)
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"kind required", []string{"messages", "send"}, ExitUsage, "", "--kind must be invitation or reminder"},
		{"rate must be positive", []string{"messages", "status", "--mail-rate", "0"}, ExitUsage, "", "--mail-rate"},
		{"smtp needs from", []string{"messages", "status", "--smtp-url", "smtp://mail.example.test:587"}, ExitUsage, "", "--mail-from"},
		{"import", []string{"roster", "import", roster}, ExitOK, "3 added", ""},
		{"dry run", []string{"messages", "send", "--kind", "invitation", "--dry-run"}, ExitOK, "would queue 2 invitation messages (campaign 1); 3 pending, 0 already had one, 1 without an email address", ""},
		{"one department", []string{"messages", "send", "--kind", "invitation", "--department", "dinas-kesehatan"}, ExitOK, "queued 1 invitation messages", ""},
		{"everyone: only the rest", []string{"messages", "send", "--kind", "invitation"}, ExitOK, "queued 1 invitation messages (campaign 1); 3 pending, 1 already had one, 1 without", ""},
		{"again: nothing", []string{"messages", "send", "--kind", "invitation"}, ExitOK, "queued 0 invitation", ""},
		{"reminder", []string{"messages", "send", "--kind", "reminder"}, ExitOK, "queued 2 reminder", ""},
		{"unknown department", []string{"messages", "send", "--kind", "reminder", "--department", "nope"}, ExitFailure, "", "unknown department"},
		{"status", []string{"messages", "status"}, ExitOK, "invitation          2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, dir, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
	if r := run(t, dir, "", "audit", "verify"); r.code != ExitOK {
		t.Fatalf("audit after queueing: %s %s", r.stdout, r.stderr)
	}
}
