package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestExportOutputs: "--out -" writes to standard output (the summary line
// to stderr), an --out that is a symlink or a pipe is written through and
// stays what it was (issue 14: --out /dev/stdout replaced the symlink with
// a regular file), and each export opens in a reader of the documented
// format.
func TestExportOutputs(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte(goodRoster), 0o600)
	if r := run(t, dir, "", "roster", "import", good); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}

	// Standard output: CSV parsed with ";" like Excel id-ID.
	r := run(t, dir, "", "report", "--format", "csv", "--out", "-")
	if r.code != 0 || !strings.Contains(r.stderr, "report written to -") {
		t.Fatalf("report to stdout: %d %s", r.code, r.stderr)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.stdout, "\ufeff")))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil || len(recs) < 3 || recs[0][0] != "kode" || recs[1][5] != "0,0" {
		t.Fatalf("stdout CSV: %v %q", err, recs)
	}
	r = run(t, dir, "", "links", "export", "--out", "-")
	if r.code != 0 || !strings.Contains(r.stdout, `"=""198703122010121002""";Drs. Budi Santosa, M.Pd.;`) {
		t.Fatalf("links to stdout: %d %q %s", r.code, r.stdout, r.stderr)
	}

	// XLSX through a symlink: the link stays a link, the target gets the
	// workbook, and excelize reads it back.
	target := filepath.Join(dir, "target.xlsx")
	os.WriteFile(target, nil, 0o600)
	link := filepath.Join(dir, "link.xlsx")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if r := run(t, dir, "", "report", "--format", "xlsx", "--out", link); r.code != 0 {
		t.Fatalf("report to symlink: %d %s", r.code, r.stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v %v", fi.Mode(), err)
	}
	f, err := excelize.OpenFile(target)
	if err != nil {
		t.Fatalf("the symlink's target is not the workbook: %v", err)
	}
	f.Close()

	// A named pipe: written to, not replaced.
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	if r := run(t, dir, "", "report", "--format", "csv", "--out", fifo); r.code != 0 {
		t.Fatalf("report to a pipe: %d %s", r.code, r.stderr)
	}
	if b := <-got; !bytes.HasPrefix(b, []byte("\ufeffkode;unit_kerja;")) {
		t.Fatalf("pipe got %q", b[:min(len(b), 40)])
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
}

// TestUnitsImportCommand: ikrar units import applies a units file, and a
// file with an unknown parent fails with the line and writes nothing.
func TestUnitsImportCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "unit.csv")
	os.WriteFile(good, []byte("kode;nama;induk\nsetda;Sekretariat Daerah;\nbag-hukum;Bagian Hukum;setda\n"), 0o600)
	bad := filepath.Join(dir, "salah.csv")
	os.WriteFile(bad, []byte("kode;nama;induk\nx;Unit X;\ny;Unit Y;Tidak Ada\n"), 0o600)
	if r := run(t, dir, "", "units", "import", good); r.code != 0 || !strings.Contains(r.stdout, "2 units added, 0 renamed, 1 moved") {
		t.Fatalf("units import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r := run(t, dir, "", "units", "import", bad)
	if r.code != ExitFailure || !strings.Contains(r.stderr, "baris 3, kolom induk") || !strings.Contains(r.stderr, `parent unit "Tidak Ada" is unknown`) {
		t.Fatalf("bad units file: %d %s", r.code, r.stderr)
	}
	if r := run(t, dir, "", "units", "import", "--dry-run", good); r.code != 0 || !strings.Contains(r.stdout, "0 units added, 0 renamed, 0 moved, 2 unchanged") {
		t.Fatalf("after a refused file: %d %s", r.code, r.stdout)
	}
}

// TestAuditExportCommand: ikrar audit export streams the chain as CSV
// (parsed with ";") and JSON Lines, filtered, to a file or stdout.
func TestAuditExportCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte(goodRoster), 0o600)
	run(t, dir, "", "roster", "import", good)
	run(t, dir, "", "links", "export", "--out", filepath.Join(dir, "l.csv"))

	r := run(t, dir, "", "audit", "export", "--format", "csv", "--out", "-")
	if r.code != 0 || !strings.Contains(r.stderr, "audit events written to -") {
		t.Fatalf("csv: %d %s", r.code, r.stderr)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.stdout, "\ufeff")))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	// A campaign the first run creates, the import, the links export.
	if err != nil || len(recs) != 4 || recs[0][3] != "jenis" || recs[2][3] != "roster.imported" || recs[3][3] != "links.exported" {
		t.Fatalf("csv export: %v %q", err, recs)
	}
	if recs[3][6] != recs[2][7] {
		t.Errorf("event 3's previous hash %s is not event 2's hash %s", recs[3][6], recs[2][7])
	}
	out := filepath.Join(dir, "audit.jsonl")
	if r := run(t, dir, "", "audit", "export", "--format", "jsonl", "--kind", "links", "--out", out); r.code != 0 || !strings.Contains(r.stdout, "1 audit events") {
		t.Fatalf("jsonl: %d %s %s", r.code, r.stdout, r.stderr)
	}
	b, _ := os.ReadFile(out)
	var ev struct {
		Action string `json:"action"`
		Hash   string `json:"hash"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(b), &ev); err != nil || ev.Action != "links.exported" || len(ev.Hash) != 64 {
		t.Fatalf("jsonl line %s: %v", b, err)
	}
	if r := run(t, dir, "", "audit", "export", "--format", "xml", "--out", "-"); r.code != ExitUsage {
		t.Errorf("bad format: exit %d", r.code)
	}
	if r := run(t, dir, "", "audit", "export", "--format", "csv", "--from", "kemarin", "--out", "-"); r.code != ExitFailure || !strings.Contains(r.stderr, "not valid") {
		t.Errorf("bad date: exit %d %s", r.code, r.stderr)
	}
}
