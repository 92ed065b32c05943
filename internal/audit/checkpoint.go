package audit

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/wib"
)

// A Checkpoint is a signed statement of the chain's head at a moment: "on
// this date the chain held N events and ended in hash H". Published where
// the database's administrator cannot reach (the city website, a letter to
// the inspectorate), it lets anyone prove later that the chain was not cut
// back and rebuilt, even by someone who controls the database, its
// triggers and the server: a rewritten tail no longer contains H at N.
type Checkpoint struct {
	Instansi string
	At       time.Time
	Events   uint64
	Head     string
	// KeySHA256 is the SHA-256 of the signing certificate (DER), so a
	// reader can tell which published certificate to check it against.
	KeySHA256 string
}

const (
	checkpointMagic = "IKRAR AUDIT CHECKPOINT v1"
	sigBlock        = "IKRAR CHECKPOINT SIGNATURE"
)

// statement is the exact text that is signed: plain lines a person can
// read, in a fixed order.
func (c Checkpoint) statement() []byte {
	var b strings.Builder
	b.WriteString(checkpointMagic + "\n")
	b.WriteString("instansi: " + oneLine(c.Instansi) + "\n")
	b.WriteString("time-utc: " + c.At.UTC().Format(time.RFC3339) + "\n")
	b.WriteString("time-wib: " + wib.DateTime(c.At) + "\n")
	b.WriteString("events: " + strconv.FormatUint(c.Events, 10) + "\n")
	b.WriteString("head: " + c.Head + "\n")
	b.WriteString("key-sha256: " + c.KeySHA256 + "\n")
	return []byte(b.String())
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// CertFingerprint is the SHA-256 of a certificate's DER bytes in hex.
func CertFingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}

// SignCheckpoint writes the checkpoint file: the statement, its signature
// by key and the signing certificate, so that it can be checked with
// nothing but the file and the instance's published certificate.
func SignCheckpoint(c Checkpoint, key crypto.Signer, cert *x509.Certificate) ([]byte, error) {
	c.At = c.At.UTC().Truncate(time.Second)
	c.KeySHA256 = CertFingerprint(cert)
	st := c.statement()
	digest := sha256.Sum256(st)
	sig, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("sign audit checkpoint: %w", err)
	}
	var out bytes.Buffer
	out.Write(st)
	pem.Encode(&out, &pem.Block{Type: sigBlock, Bytes: sig})
	pem.Encode(&out, &pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	return out.Bytes(), nil
}

// ErrCheckpoint says a checkpoint file is malformed or its signature fails.
var ErrCheckpoint = errors.New("audit checkpoint is not valid")

// ParseCheckpoint reads a checkpoint file and checks its signature against
// the certificate it carries. Whether that certificate is the instance's
// is for the caller to decide (it compares KeySHA256 or the certificate).
func ParseCheckpoint(data []byte) (Checkpoint, *x509.Certificate, error) {
	end := bytes.Index(data, []byte("-----BEGIN "+sigBlock))
	if end < 0 || !bytes.HasPrefix(data, []byte(checkpointMagic+"\n")) {
		return Checkpoint{}, nil, fmt.Errorf("%w: not an ikrar checkpoint", ErrCheckpoint)
	}
	c, err := parseStatement(string(data[:end]))
	if err != nil {
		return Checkpoint{}, nil, err
	}
	if !bytes.Equal(c.statement(), data[:end]) {
		return Checkpoint{}, nil, fmt.Errorf("%w: the statement is not in canonical form (edited?)", ErrCheckpoint)
	}
	sigPEM, rest := pem.Decode(data[end:])
	if sigPEM == nil || sigPEM.Type != sigBlock {
		return Checkpoint{}, nil, fmt.Errorf("%w: no signature", ErrCheckpoint)
	}
	certPEM, _ := pem.Decode(rest)
	if certPEM == nil || certPEM.Type != "CERTIFICATE" {
		return Checkpoint{}, nil, fmt.Errorf("%w: no certificate", ErrCheckpoint)
	}
	cert, err := x509.ParseCertificate(certPEM.Bytes)
	if err != nil {
		return Checkpoint{}, nil, fmt.Errorf("%w: certificate: %v", ErrCheckpoint, err)
	}
	if CertFingerprint(cert) != c.KeySHA256 {
		return Checkpoint{}, nil, fmt.Errorf("%w: the certificate is not the one the statement names", ErrCheckpoint)
	}
	var alg x509.SignatureAlgorithm
	switch cert.PublicKeyAlgorithm {
	case x509.ECDSA:
		alg = x509.ECDSAWithSHA256
	case x509.RSA:
		alg = x509.SHA256WithRSA // what crypto.Signer gives for an RSA key and crypto.SHA256
	default:
		return Checkpoint{}, nil, fmt.Errorf("%w: unsupported key type %v", ErrCheckpoint, cert.PublicKeyAlgorithm)
	}
	if err := cert.CheckSignature(alg, data[:end], sigPEM.Bytes); err != nil {
		return Checkpoint{}, nil, fmt.Errorf("%w: signature does not match the statement: %v", ErrCheckpoint, err)
	}
	return c, cert, nil
}

func parseStatement(s string) (Checkpoint, error) {
	var c Checkpoint
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) != 7 {
		return c, fmt.Errorf("%w: expected 7 lines, found %d", ErrCheckpoint, len(lines))
	}
	field := func(i int, name string) (string, error) {
		v, ok := strings.CutPrefix(lines[i], name+": ")
		if !ok {
			return "", fmt.Errorf("%w: line %d is not %q", ErrCheckpoint, i+1, name)
		}
		return v, nil
	}
	var err error
	var at, events string
	if c.Instansi, err = field(1, "instansi"); err != nil {
		return c, err
	}
	if at, err = field(2, "time-utc"); err != nil {
		return c, err
	}
	if c.At, err = time.Parse(time.RFC3339, at); err != nil {
		return c, fmt.Errorf("%w: time-utc: %v", ErrCheckpoint, err)
	}
	if events, err = field(4, "events"); err != nil {
		return c, err
	}
	if c.Events, err = strconv.ParseUint(events, 10, 64); err != nil {
		return c, fmt.Errorf("%w: events: %v", ErrCheckpoint, err)
	}
	if c.Head, err = field(5, "head"); err != nil {
		return c, err
	}
	if c.KeySHA256, err = field(6, "key-sha256"); err != nil {
		return c, err
	}
	return c, nil
}
