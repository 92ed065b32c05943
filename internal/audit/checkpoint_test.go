package audit

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"testing"
	"time"
)

func testCert(t *testing.T, key crypto.Signer) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ikrar test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestCheckpointRoundTripAndTamper(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, tc := range []struct {
		name string
		key  crypto.Signer
	}{{"ecdsa", ec}, {"rsa", rsaKey}} {
		t.Run(tc.name, func(t *testing.T) {
			cert := testCert(t, tc.key)
			at := time.Date(2026, 11, 29, 18, 30, 5, 123, time.UTC)
			head := Hash(Event{Seq: 1, At: at, Actor: "a", Action: "x", PrevHash: Genesis})
			file, err := SignCheckpoint(Checkpoint{Instansi: "Pemerintah\nKota  Yogyakarta", At: at, Events: 42, Head: head}, tc.key, cert)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(file, []byte("time-wib: 30 November 2026 01.30 WIB")) {
				t.Errorf("statement lacks the WIB time a person reads:\n%s", file)
			}
			c, got, err := ParseCheckpoint(file)
			if err != nil {
				t.Fatal(err)
			}
			if c.Events != 42 || c.Head != head || !c.At.Equal(at.Truncate(time.Second)) || c.Instansi != "Pemerintah Kota Yogyakarta" || !got.Equal(cert) {
				t.Fatalf("parsed %+v", c)
			}
			for name, edit := range map[string]func([]byte) []byte{
				"events":  func(b []byte) []byte { return bytes.Replace(b, []byte("events: 42"), []byte("events: 41"), 1) },
				"head":    func(b []byte) []byte { return bytes.Replace(b, []byte(head[:8]), []byte("00000000"), 1) },
				"no sig":  func(b []byte) []byte { return b[:bytes.Index(b, []byte("-----BEGIN"))] },
				"garbage": func([]byte) []byte { return []byte("hello") },
				"other certificate": func(b []byte) []byte {
					// the same statement signed by another key, passed off with the original certificate
					f, _ := SignCheckpoint(c, other, testCert(t, other))
					i := bytes.Index(f, []byte("-----BEGIN CERTIFICATE"))
					j := bytes.Index(b, []byte("-----BEGIN CERTIFICATE"))
					return append(append([]byte{}, f[:i]...), b[j:]...)
				},
			} {
				if _, _, err := ParseCheckpoint(edit(append([]byte{}, file...))); !errors.Is(err, ErrCheckpoint) {
					t.Errorf("%s: tampered checkpoint accepted (err %v)", name, err)
				}
			}
		})
	}
}
