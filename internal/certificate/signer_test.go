package certificate

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

func TestLoadOrCreateSignerGeneratesOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "keys") // does not exist yet
	opts := KeyOptions{Dir: dir, Organization: "Pemerintah Kota Yogyakarta"}
	first, err := LoadOrCreateSigner(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{KeyFileName, CertFileName} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %o, want 600", name, mode)
		}
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("key directory mode %v (err %v), want 700", fi.Mode().Perm(), err)
	}

	cert := first.Certificate()
	if cert.Subject.CommonName != "ikrar — Pemerintah Kota Yogyakarta" {
		t.Errorf("CN = %q", cert.Subject.CommonName)
	}
	if cert.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		t.Error("key usage lacks digital signature")
	}
	if years := cert.NotAfter.Sub(cert.NotBefore).Hours() / 24 / 365; years < 9.9 || years > 10.1 {
		t.Errorf("validity %.1f years, want 10", years)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		t.Errorf("public key %T, want ECDSA P-256", cert.PublicKey)
	}

	second, err := LoadOrCreateSigner(opts)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Certificate().Equal(cert) {
		t.Fatal("second start made a new certificate instead of loading the first")
	}
	signed, err := first.Make(sampleData())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.Verify(signed); err != nil {
		t.Fatalf("reloaded signer rejects a certificate of the first: %v", err)
	}
}

func TestLoadOrCreateSignerRefusesHalfAKeyPair(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOrCreateSigner(KeyOptions{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, CertFileName)); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSigner(KeyOptions{Dir: dir}); err == nil {
		t.Fatal("loaded with the certificate missing; want an error, not a new key")
	}
	if _, err := os.Stat(filepath.Join(dir, CertFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Error("a new certificate was written next to the old key")
	}
}

func TestLoadPEMFiles(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		key     any
		keyPEM  *pem.Block
		certFor any // public key the certificate is for
		wantErr bool
	}{
		{"RSA PKCS#1", rsaKey, &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}, &rsaKey.PublicKey, false},
		{"EC SEC1", ecKey, &pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER}, &ecKey.PublicKey, false},
		{"PKCS#8", ecKey, &pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}, &ecKey.PublicKey, false},
		{"key does not match certificate", ecKey, &pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}, &rsaKey.PublicKey, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			certPath, keyPath := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
			cert := caCertificate(t, tt.certFor, rsaKey)
			writeFile(t, certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
			writeFile(t, keyPath, pem.EncodeToMemory(tt.keyPEM))
			s, err := LoadOrCreateSigner(KeyOptions{CertPEM: certPath, KeyPEM: keyPath})
			if tt.wantErr {
				if err == nil {
					t.Fatal("loaded a key that does not match its certificate")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			signed, err := s.Make(sampleData())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Verify(signed); err != nil {
				t.Fatal(err)
			}
		})
	}
	if _, err := LoadOrCreateSigner(KeyOptions{CertPEM: "only-cert.pem"}); err == nil {
		t.Error("a certificate without a key was accepted")
	}
}

// TestLoadPKCS12 loads a bundle made with software.sslmate.com/src/go-pkcs12
// (modern AES/PBKDF2 encryption, as current openssl writes by default).
func TestLoadPKCS12(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := caCertificate(t, &caKey.PublicKey, caKey)
	leaf := issue(t, ca, caKey, &key.PublicKey, "Penandatangan ikrar BKPSDM")
	data, err := pkcs12.Modern.Encode(key, leaf, []*x509.Certificate{ca}, "rahasia")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "signer.p12")
	writeFile(t, path, data)

	s, err := LoadOrCreateSigner(KeyOptions{PKCS12: path, PKCS12Password: "rahasia"})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Certificate().Equal(leaf) {
		t.Error("leaf certificate not loaded")
	}
	signed, err := s.Make(sampleData())
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.Verify(signed)
	if err != nil {
		t.Fatal(err)
	}
	if v.Signer != "Penandatangan ikrar BKPSDM" {
		t.Errorf("Signer = %q", v.Signer)
	}
	out, _ := run(t, "pdfsig", writeTemp(t, "p12.pdf", signed))
	if !strings.Contains(out, "Signature is Valid") {
		t.Errorf("pdfsig:\n%s", out)
	}

	if _, err := LoadOrCreateSigner(KeyOptions{PKCS12: path, PKCS12Password: "salah"}); err == nil {
		t.Error("wrong PKCS#12 password accepted")
	}
}

func caCertificate(t *testing.T, pub any, signer any) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "Test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func issue(t *testing.T, ca *x509.Certificate, caKey any, pub any, cn string) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, pub, caKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
