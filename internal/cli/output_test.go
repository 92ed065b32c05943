package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/store"
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
	if err != nil || len(recs) < 3 || recs[0][0] != "kode" || recs[1][8] != "0,0" {
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
	if b := <-got; !bytes.HasPrefix(b, []byte("\ufeffkode;kode_induk;tingkat;unit_kerja;")) {
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

// TestCLIRefusesLocalhost: commands that write links or certificates take
// the address serve recorded, and refuse a localhost one unless told
// (issue 14: 600 certificates got http://localhost:8080 QR codes).
func TestCLIRefusesLocalhost(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte(goodRoster), 0o600)
	run(t, dir, "", "roster", "import", good)
	runEnv := func(env map[string]string, args ...string) runResult {
		t.Helper()
		full := map[string]string{"IKRAR_DATA": dir}
		for k, v := range env {
			full[k] = v
		}
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, Env{Getenv: func(k string) string { return full[k] }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
		return runResult{code, out.String(), errb.String()}
	}
	links := filepath.Join(dir, "links.csv")
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"nothing recorded, default localhost", nil, []string{"links", "export", "--out", links}},
		{"explicit localhost", map[string]string{"IKRAR_BASE_URL": "http://localhost:8080"}, []string{"links", "export", "--out", links}},
		{"loopback address", nil, []string{"links", "export", "--base-url", "http://127.0.0.1:8080", "--out", links}},
		{"certificates too", nil, []string{"certificates", "export", "--out", filepath.Join(dir, "c.zip")}},
	} {
		r := runEnv(tt.env, tt.args...)
		if r.code != ExitFailure || !strings.Contains(r.stderr, "points at this machine") || !strings.Contains(r.stderr, "--allow-localhost") {
			t.Errorf("%s: exit %d, stderr %s", tt.name, r.code, r.stderr)
		}
	}
	if r := runEnv(nil, "links", "export", "--allow-localhost", "--out", links); r.code != 0 {
		t.Fatalf("--allow-localhost: %d %s", r.code, r.stderr)
	}
	// serve records its address; later commands use it without being told.
	st, err := store.Open(context.Background(), store.Options{DSN: filepath.Join(dir, "ikrar.db")})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutSetting(context.Background(), "serve", store.SettingBaseURL, "https://ikrar.jogjakota.go.id"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if r := runEnv(nil, "links", "export", "--out", links); r.code != 0 {
		t.Fatalf("with a recorded address: %d %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(links); !strings.Contains(string(b), "https://ikrar.jogjakota.go.id/sign/") {
		t.Errorf("links do not use the recorded address:\n%.300s", b)
	}
}

// TestServeRecordsBaseURL: the address serve runs with is recorded in the
// database for the other commands.
func TestServeRecordsBaseURL(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	env := map[string]string{"IKRAR_DATA": dir, "IKRAR_BASE_URL": "https://ikrar.example.go.id", "IKRAR_ADDR": "127.0.0.1:0"}
	done := make(chan int)
	var out syncBuffer
	go func() {
		done <- Run(ctx, []string{"serve"}, Env{Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard})
	}()
	// The listening line comes after the address is recorded.
	for !strings.Contains(out.String(), "ikrar listening") {
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	<-done
	st, err := store.Open(context.Background(), store.Options{DSN: filepath.Join(dir, "ikrar.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, err := st.Setting(context.Background(), store.SettingBaseURL); err != nil || v != "https://ikrar.example.go.id" {
		t.Fatalf("recorded %q, %v", v, err)
	}
}

// TestServeLogsRequests: request lines are written in batches
// (internal/logbatch), yet each reaches the log while serve runs, and what
// is logged during shutdown is written before serve returns.
func TestServeLogsRequests(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := map[string]string{"IKRAR_DATA": t.TempDir(), "IKRAR_BASE_URL": "https://ikrar.example.go.id", "IKRAR_ADDR": "127.0.0.1:0"}
	done := make(chan int)
	var out, logs syncBuffer
	go func() {
		done <- Run(ctx, []string{"serve"}, Env{Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &logs})
	}()
	addr := regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)
	for addr.FindString(out.String()) == "" {
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	res, err := http.Get("http://" + addr.FindString(out.String()) + "/sign")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "path=/sign "); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the request never reached the log:\n%s", logs.String())
		}
	}
	cancel()
	<-done
	if !strings.Contains(logs.String(), "shutting down") {
		t.Fatalf("the shutdown line was not written before serve returned:\n%s", logs.String())
	}
}
