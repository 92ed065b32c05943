package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
)

// signAndCertify signs the roster's NIP with the instance's current key and
// returns the certificate PDF, as a server would.
func signAndCertify(t *testing.T, dir, nipStr string) []byte {
	t.Helper()
	return signAndCertifyAt(t, dir, nipStr, time.Now())
}

// signAndCertifyAt is signAndCertify with the signing time given.
func signAndCertifyAt(t *testing.T, dir, nipStr string, at time.Time) []byte {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DSN: filepath.Join(dir, "ikrar.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	signer, err := certificate.OpenSigner(ctx, st, certificate.KeyOptions{Dir: dir}, false)
	if err != nil {
		t.Fatal(err)
	}
	camps, err := st.OpenCampaigns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(camps) == 0 {
		c := pledge.NewCampaign("pemilu-2024", 1, "Pemerintah Kota Yogyakarta", pledge.DefaultID, pledge.DefaultEN)
		if err := st.CreateCampaign(ctx, "test", &c); err != nil {
			t.Fatal(err)
		}
		camps = []store.Campaign{c}
	}
	a, err := st.ASNByNIP(ctx, nipStr)
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.Sign(ctx, store.NewSignature{ASN: a, CampaignID: camps[0].ID, SignedAt: at, TypedName: a.Name,
		PledgeHash: camps[0].TextHash, CertCode: "IKR-" + nipStr[:4] + "-" + nipStr[4:8] + "-" + nipStr[8:12] + "-" + nipStr[12:16]})
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := certificate.NewService(st, signer, "http://ikrar.test", nil).PDF(ctx, res.Signature)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// After `ikrar keys rotate`, certificates signed by the old key and by the
// new one both verify, each naming its key, and a checkpoint signed before
// the rotation still holds.
func TestKeysRotate(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "roster.csv"), []byte(goodRoster), 0o600)
	if r := run(t, dir, "", "roster", "import", filepath.Join(dir, "roster.csv")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	oldPDF := signAndCertify(t, dir, "198703122010121002")
	cp := filepath.Join(dir, "cp.txt")
	if r := run(t, dir, "", "audit", "checkpoint", "--out", cp); r.code != 0 {
		t.Fatalf("checkpoint: %s %s", r.stdout, r.stderr)
	}
	r := run(t, dir, "", "keys", "rotate")
	if r.code != 0 || !strings.Contains(r.stdout, "signing key rotated") {
		t.Fatalf("keys rotate: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if retired, _ := filepath.Glob(filepath.Join(dir, certificate.RetiredKeysDir, "*", certificate.KeyFileName)); len(retired) != 1 {
		t.Errorf("old key not kept aside: %v", retired)
	}
	newPDF := signAndCertify(t, dir, "200012312024211001")

	keys := map[string]bool{}
	for name, pdf := range map[string][]byte{"old": oldPDF, "new": newPDF} {
		f := filepath.Join(dir, name+".pdf")
		os.WriteFile(f, pdf, 0o600)
		r := run(t, dir, "", "verify", f)
		if r.code != 0 || !strings.Contains(r.stdout, "SAH / VALID") {
			t.Fatalf("verify %s certificate after rotation: %d %s %s", name, r.code, r.stdout, r.stderr)
		}
		i := strings.Index(r.stdout, "SHA-256 ")
		if i < 0 {
			t.Fatalf("verify %s names no key:\n%s", name, r.stdout)
		}
		keys[r.stdout[i+8:i+8+64]] = true
	}
	if len(keys) != 2 {
		t.Errorf("old and new certificates name %d keys, want 2", len(keys))
	}
	if r := run(t, dir, "", "audit", "verify", "--checkpoint", cp); r.code != 0 {
		t.Fatalf("checkpoint signed by the old key after rotation: %s %s", r.stdout, r.stderr)
	}
	// A key from a CA is not rotated by the command.
	if r := run(t, dir, "", "keys", "rotate", "--signing-p12", filepath.Join(dir, "x.p12")); r.code != ExitFailure || !strings.Contains(r.stderr, "--accept-new-key") {
		t.Errorf("rotate with a configured key: %d %s", r.code, r.stderr)
	}
}

// Revoking from the command line records who and why in the audit chain;
// the certificate then fails verification as revoked, and the chain still
// verifies.
func TestCertificatesRevoke(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "roster.csv"), []byte(goodRoster), 0o600)
	if r := run(t, dir, "", "roster", "import", filepath.Join(dir, "roster.csv")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	pdf := signAndCertify(t, dir, "198703122010121002")
	code := "IKR-1987-0312-2010-1210"
	if r := run(t, dir, "", "certificates", "revoke", "--by", "admin", code); r.code != ExitUsage {
		t.Fatalf("revoke without a reason: %d %s", r.code, r.stderr)
	}
	if r := run(t, dir, "", "certificates", "revoke", "--reason", "ditandatangani orang lain", "--by", "Budi (BKPSDM)", code); r.code != 0 {
		t.Fatalf("revoke: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, dir, "", "certificates", "revoke", "--reason", "lagi", "--by", "admin", code); r.code != ExitFailure || !strings.Contains(r.stderr, "already revoked") {
		t.Fatalf("second revoke: %d %s", r.code, r.stderr)
	}
	f := filepath.Join(dir, "c.pdf")
	os.WriteFile(f, pdf, 0o600)
	if r := run(t, dir, "", "verify", f); r.code != ExitFailure || !strings.Contains(r.stdout, "dicabut") {
		t.Fatalf("verify a revoked certificate: %d %s", r.code, r.stdout)
	}
	r := run(t, dir, "", "audit", "export", "--format", "csv", "--out", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "signature.revoked") || !strings.Contains(r.stdout, "Budi (BKPSDM)") || !strings.Contains(r.stdout, "ditandatangani orang lain") {
		t.Fatalf("audit export lacks the revocation: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, dir, "", "audit", "verify"); r.code != 0 {
		t.Fatalf("audit after revoking: %s", r.stdout)
	}
}

// TestVerifyPrintsWIB: `ikrar verify` says what the certificate says (name,
// position and unit as signed, the campaign and its version) and the time
// in WIB with Indonesian month names: 18.30 UTC on 13 February is already
// the 14th in Yogyakarta.
func TestVerifyPrintsWIB(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "roster.csv"), []byte(goodRoster), 0o600)
	if r := run(t, dir, "", "roster", "import", filepath.Join(dir, "roster.csv")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	pdf := signAndCertifyAt(t, dir, "198703122010121002", time.Date(2024, 2, 13, 18, 30, 0, 0, time.UTC))
	// Promoted after signing: the certificate still says what was signed.
	os.WriteFile(filepath.Join(dir, "roster.csv"), []byte(strings.Replace(goodRoster, "Kepala Seksi", "Kepala Bidang", 1)), 0o600)
	if r := run(t, dir, "", "roster", "import", filepath.Join(dir, "roster.csv")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	f := filepath.Join(dir, "cert.pdf")
	os.WriteFile(f, pdf, 0o600)
	r := run(t, dir, "", "verify", f)
	if r.code != 0 {
		t.Fatalf("verify: %d %s %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"14 Februari 2024 01.30 WIB", "Kepala Seksi,", "Dinas Pendidikan, Pemuda, dan Olahraga", "(versi / version 1)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("verify output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "2024-02-13") {
		t.Errorf("verify output still shows the UTC day:\n%s", r.stdout)
	}
}
