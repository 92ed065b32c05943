package certificate

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"

	"github.com/ikrar/ikrar/internal/certificate/tsatest"
)

// With a timestamp authority, a certificate's signature carries an RFC
// 3161 token over its signature value that openssl accepts; while the
// authority is down, no certificate is made without it.
func TestCertificateCarriesTrustedTime(t *testing.T) {
	tsa := tsatest.Start(t)
	base, err := LoadOrCreateSigner(KeyOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := base.WithTSA(tsa.URL)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-2 * time.Second)
	pdf, err := signer.Make(sampleData())
	if err != nil {
		t.Fatal(err)
	}
	v, err := signer.Verify(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if v.Timestamp == nil {
		t.Fatal("no timestamp in the signature")
	}
	if v.Timestamp.Time.Before(before) || v.Timestamp.Time.After(time.Now().Add(2*time.Second)) || !strings.Contains(v.Timestamp.Authority, tsa.Name) {
		t.Errorf("timestamp %v by %q", v.Timestamp.Time, v.Timestamp.Authority)
	}
	if f, err := FactsOf(pdf); err != nil || f.Timestamp == nil || !f.Timestamp.Time.Equal(v.Timestamp.Time) || f.KeySHA256 != signer.Fingerprint() {
		t.Errorf("FactsOf: %+v %v", f, err)
	}

	// openssl checks the token independently: over the signature value, by the TSA.
	if ssl, err := exec.LookPath("openssl"); err == nil {
		sig, err := findSignature(pdf)
		if err != nil {
			t.Fatal(err)
		}
		p7, err := pkcs7.Parse(sig.contents)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		data, token := filepath.Join(dir, "signature-value.bin"), filepath.Join(dir, "token.der")
		os.WriteFile(data, p7.Signers[0].EncryptedDigest, 0o600)
		os.WriteFile(token, v.Timestamp.Token, 0o600)
		out, err := exec.Command(ssl, "ts", "-verify", "-data", data, "-in", token, "-token_in", "-CAfile", tsa.CertPEM).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Verification: OK") {
			t.Fatalf("openssl ts -verify: %v\n%s", err, out)
		}
		// and refuses it over other data
		os.WriteFile(data, []byte("not the signature"), 0o600)
		if out, err := exec.Command(ssl, "ts", "-verify", "-data", data, "-in", token, "-token_in", "-CAfile", tsa.CertPEM).CombinedOutput(); err == nil {
			t.Fatalf("openssl accepted the token over other data:\n%s", out)
		}
	} else if os.Getenv("CI") != "" {
		t.Fatal("openssl is needed to check the timestamp token independently")
	} else {
		t.Log("openssl not installed: independent token check skipped")
	}
	// pdfsig still calls the signature valid.
	if pdfsig, err := exec.LookPath("pdfsig"); err == nil {
		f := filepath.Join(t.TempDir(), "c.pdf")
		os.WriteFile(f, pdf, 0o600)
		out, _ := exec.Command(pdfsig, f).CombinedOutput()
		if !strings.Contains(string(out), "Signature is Valid") {
			t.Errorf("pdfsig:\n%s", out)
		}
	}

	// Without a timestamp the signer still works, and says so.
	plain, _ := base.Make(sampleData())
	if v, err := base.Verify(plain); err != nil || v.Timestamp != nil {
		t.Errorf("plain certificate: %+v %v", v.Timestamp, err)
	}

	// The authority down: no certificate, ErrTSA.
	tsa.SetDown(true)
	if _, err := signer.Make(sampleData()); !errors.Is(err, ErrTSA) {
		t.Fatalf("with the TSA down: %v, want ErrTSA", err)
	}
}

func TestWithTSARejectsBadURLs(t *testing.T) {
	s, err := LoadOrCreateSigner(KeyOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"ftp://tsa", "tsa.example", "http://"} {
		if _, err := s.WithTSA(u); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
	c, err := s.WithTSA("https://user:secret@tsa.example/tsr")
	if err != nil || c.TSAURL() != "https://tsa.example/tsr" {
		t.Errorf("credentials not taken out of the URL: %q %v", c.TSAURL(), err)
	}
}
