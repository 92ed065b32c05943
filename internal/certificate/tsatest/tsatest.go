// Package tsatest runs a real RFC 3161 timestamp authority on loopback for
// tests: requests are parsed, answered with tokens signed by a TSA
// certificate of its own (extended key usage timeStamping), and the
// authority can be switched off to test what happens while it is down.
package tsatest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
)

// TSA is a running authority.
type TSA struct {
	URL      string
	Cert     *x509.Certificate
	CertPEM  string // path of the TSA certificate (the trust anchor for openssl ts -verify)
	Name     string // the certificate's common name
	down     atomic.Bool
	requests atomic.Int64
}

// SetDown makes the authority answer 503 (true) or work again (false).
func (a *TSA) SetDown(down bool) { a.down.Store(down) }

// Requests is how many timestamp requests it has answered successfully.
func (a *TSA) Requests() int64 { return a.requests.Load() }

// Start runs an authority until the test ends.
func Start(t testing.TB) *TSA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	name := "ikrar test TSA"
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name, Organization: []string{"Balai Uji Waktu"}},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		// openssl's timestamp-signing purpose allows no key usage but
		// digitalSignature (and nonRepudiation): a self-signed end entity,
		// trusted as itself.
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	// RFC 3161 wants the timeStamping usage critical; Go writes it
	// non-critical, and openssl ts -verify insists.
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	cert, der = markEKUCritical(t, tmpl, cert, key)
	a := &TSA{Cert: cert, Name: name, CertPEM: filepath.Join(t.TempDir(), "tsa.pem")}
	if err := os.WriteFile(a.CertPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	serial := atomic.Int64{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.down.Load() {
			http.Error(w, "down for the test", http.StatusServiceUnavailable)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ts := timestamp.Timestamp{
			HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage,
			Time: time.Now().UTC(), Accuracy: time.Second, SerialNumber: big.NewInt(serial.Add(1)),
			Policy: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Nonce: req.Nonce,
			AddTSACertificate: req.Certificates,
		}
		resp, err := ts.CreateResponseWithOpts(cert, key, crypto.SHA256)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		a.requests.Add(1)
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	a.URL = srv.URL
	return a
}

func markEKUCritical(t testing.TB, tmpl *x509.Certificate, cert *x509.Certificate, key *ecdsa.PrivateKey) (*x509.Certificate, []byte) {
	t.Helper()
	oidEKU := asn1.ObjectIdentifier{2, 5, 29, 37}
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(oidEKU) {
			ext.Critical = true
			tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, ext)
		}
	}
	tmpl.ExtKeyUsage = nil
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	out, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return out, der
}
