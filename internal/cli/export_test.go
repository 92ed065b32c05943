package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/nip"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
)

// TestCertificatesExportZip signs a few hundred pledges, exports them and
// checks every entry of the ZIP with pdfsig.
var entryName = regexp.MustCompile(`^[A-Za-z0-9_-]+/[0-9]{18}_[A-Za-z0-9_-]+\.pdf$`)

func TestCertificatesExportZip(t *testing.T) {
	pdfsig, err := exec.LookPath("pdfsig")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdfsig not installed (required in CI)")
		}
		t.Skip("pdfsig not installed; install poppler-utils to run this test")
	}
	const n = 240
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString("nip,nama,jabatan,unit_kerja\n")
	for i := 0; i < n; i++ {
		unit := []string{"Dinas Kesehatan", "Kemantren Gondokusuman", "../../etc"}[i%3]
		birth := time.Date(1970+i%30, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		fmt.Fprintf(&sb, "%s,Pegawai Zoë %d,Staf,%s\n", nip.Generate(nil, nip.KindPNS, birth, birth.AddDate(25, 0, 0), 1, 1+i), i, unit)
	}
	csvPath := filepath.Join(dir, "roster.csv")
	os.WriteFile(csvPath, []byte(sb.String()), 0o600)
	if r := run(t, dir, "", "roster", "import", csvPath); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	cfg := config.Defaults()
	cfg.DataDir = dir
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := openStore(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	camps, _ := st.Campaigns(ctx)
	svc := &pledge.Service{Store: st, Now: time.Now}
	err = st.ActiveASN(ctx, nil, func(batch []store.ASN) error {
		for _, a := range batch {
			in := pledge.Input{Ticked: []bool{true, true, true, true}, TypedName: a.Name}
			if _, err := svc.Sign(ctx, a, camps[0], in); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "all.zip")
	if r := run(t, dir, "", "certificates", "export", "--out", out); r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("%d certificates", n)) {
		t.Fatalf("export: %d %s %s", r.code, r.stdout, r.stderr)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != n {
		t.Fatalf("%d entries, want %d", len(zr.File), n)
	}
	folders := map[string]int{}
	check := filepath.Join(dir, "check.pdf")
	for _, f := range zr.File {
		if strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/") || strings.Count(f.Name, "/") != 1 || !strings.HasSuffix(f.Name, ".pdf") {
			t.Fatalf("unsafe or unexpected entry name %q", f.Name)
		}
		// Issue 14: UNIT/NIP_Nama.pdf, the NIP in every name.
		if !entryName.MatchString(f.Name) {
			t.Fatalf("entry %q is not UNIT/NIP_Nama.pdf", f.Name)
		}
		folders[strings.Split(f.Name, "/")[0]]++
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		os.WriteFile(check, b, 0o600)
		if outb, _ := exec.Command(pdfsig, check).CombinedOutput(); !strings.Contains(string(outb), "Signature is Valid") {
			t.Fatalf("%s: pdfsig:\n%s", f.Name, outb)
		}
	}
	if len(folders) != 3 || folders["Dinas_Kesehatan"] != n/3 {
		t.Fatalf("folders %v", folders)
	}
	// Again, now that every certificate is stored (read 500 at a time
	// rather than made): the same archive, byte for byte.
	again := filepath.Join(dir, "again.zip")
	if r := run(t, dir, "", "certificates", "export", "--out", again); r.code != 0 {
		t.Fatalf("export again: %d %s", r.code, r.stderr)
	}
	first, _ := os.ReadFile(out)
	second, _ := os.ReadFile(again)
	if len(first) == 0 || !bytes.Equal(first, second) {
		t.Fatalf("the second export differs from the first (%d and %d bytes)", len(first), len(second))
	}
}

// TestCertificatesReissueStale: certificates made with a localhost address
// are found by --stale and made again with the recorded public address;
// the old files still verify, as replaced (issue 14).
func TestCertificatesReissueStale(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte(goodRoster), 0o600)
	if r := run(t, dir, "", "roster", "import", good); r.code != 0 {
		t.Fatal(r.stderr)
	}
	cfg := config.Defaults()
	cfg.DataDir = dir
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := openStore(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	camps, _ := st.Campaigns(ctx)
	svc := &pledge.Service{Store: st, Now: time.Now}
	st.ActiveASN(ctx, nil, func(batch []store.ASN) error {
		for _, a := range batch {
			if _, err := svc.Sign(ctx, a, camps[0], pledge.Input{Ticked: []bool{true, true, true, true}, TypedName: a.Name}); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	st.Close()

	// The first export runs on localhost (allowed explicitly): its
	// certificates carry the wrong address.
	old := filepath.Join(dir, "old.zip")
	if r := run(t, dir, "", "certificates", "export", "--base-url", "http://localhost:8080", "--allow-localhost", "--out", old); r.code != 0 {
		t.Fatalf("export: %s", r.stderr)
	}
	// Nothing named: usage. Then the stale ones are found and made again.
	if r := run(t, dir, "", "certificates", "reissue", "--reason", "x"); r.code != ExitUsage {
		t.Errorf("reissue without --code or --stale: exit %d", r.code)
	}
	r := run(t, dir, "", "certificates", "reissue", "--stale", "--reason", "QR code pointed at localhost")
	if r.code != 0 || !strings.Contains(r.stdout, "2 certificates re-issued with http://ikrar.test") {
		t.Fatalf("reissue: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, dir, "", "certificates", "reissue", "--stale", "--reason", "again"); !strings.Contains(r.stdout, "0 certificates re-issued") {
		t.Errorf("second --stale run: %s", r.stdout)
	}
	if r := run(t, dir, "", "audit", "verify"); r.code != 0 {
		t.Fatalf("audit after re-issue: %s %s", r.stdout, r.stderr)
	}
	zr, err := zip.OpenReader(old)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		path := filepath.Join(dir, "check.pdf")
		os.WriteFile(path, b, 0o600)
		if r := run(t, dir, "", "verify", path); r.code != 0 || !strings.Contains(r.stdout, "VALID, REPLACED") {
			t.Errorf("old %s: %d %s", f.Name, r.code, r.stdout)
		}
	}
}

// TestPDFTooLargeRefused: a unit of more people than one PDF lists
// (report.MaxPDFPeople) gets no PDF report and no PDF link cards, with a
// message in both languages pointing to CSV and XLSX, and no file left
// behind; its CSV and XLSX report and a smaller unit's PDFs are made.
func TestPDFTooLargeRefused(t *testing.T) {
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString("nip,nama,jabatan,unit_kerja\n")
	for i := range report.MaxPDFPeople + 3 {
		unit := "Dinas Besar"
		if i < 2 {
			unit = "Dinas Kecil"
		}
		// Unique by (birth day, serial): 999 serials a day.
		birth := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/999)
		fmt.Fprintf(&sb, "%s,Pegawai %d,Staf,%s\n", nip.Generate(nil, nip.KindPNS, birth, birth.AddDate(25, 0, 0), 1, 1+i%999), i, unit)
	}
	csvPath := filepath.Join(dir, "roster.csv")
	os.WriteFile(csvPath, []byte(sb.String()), 0o600)
	if r := run(t, dir, "", "roster", "import", csvPath); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	out := func(name string) string { return filepath.Join(dir, name) }
	for _, tc := range []struct {
		name string
		args []string
		ok   bool
	}{
		{"report PDF of 10,001", []string{"report", "--department", "dinas-besar", "--format", "pdf", "--out", out("besar.pdf")}, false},
		{"link cards of 10,001", []string{"links", "export", "--department", "dinas-besar", "--out", out("kartu-besar.pdf")}, false},
		{"link cards of everyone", []string{"links", "export", "--out", out("kartu-semua.pdf")}, false},
		{"report CSV of 10,001", []string{"report", "--department", "dinas-besar", "--format", "csv", "--out", out("besar.csv")}, true},
		{"report XLSX of 10,001", []string{"report", "--department", "dinas-besar", "--format", "xlsx", "--out", out("besar.xlsx")}, true},
		{"report PDF of 2", []string{"report", "--department", "dinas-kecil", "--format", "pdf", "--out", out("kecil.pdf")}, true},
		{"link cards of 2", []string{"links", "export", "--department", "dinas-kecil", "--out", out("kartu-kecil.pdf")}, true},
		{"summary PDF", []string{"report", "--format", "pdf", "--out", out("ringkasan.pdf")}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, dir, "", tc.args...)
			file := tc.args[len(tc.args)-1]
			_, statErr := os.Stat(file)
			if tc.ok {
				if r.code != ExitOK || statErr != nil {
					t.Fatalf("exit %d, file: %v\n%s", r.code, statErr, r.stderr)
				}
				return
			}
			if r.code != ExitFailure {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, ExitFailure, r.stdout, r.stderr)
			}
			for _, want := range []string{"paling banyak 10.000 orang", "at most 10,000", "CSV", "XLSX"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if statErr == nil {
				t.Errorf("%s written although refused", filepath.Base(file))
			}
		})
	}
}
