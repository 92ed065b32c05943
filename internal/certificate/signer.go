package certificate

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"
	"unicode/utf16"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/pdfkit"
)

// Signer signs certificates with one key and verifies them against its
// X.509 certificate. It is immutable and safe for concurrent use.
type Signer struct {
	key   crypto.Signer     // nil for a verify-only Signer
	cert  *x509.Certificate // leaf
	chain []*x509.Certificate
	now   func() time.Time
	tsa   sign.TSA // empty URL: no trusted timestamp
}

// KeyOptions says where the signing key comes from. With CertPEM and KeyPEM,
// or with PKCS12, those files are loaded; otherwise the key lives in Dir and
// is generated there on first use.
type KeyOptions struct {
	Dir            string // data folder for the generated key and certificate
	CertPEM        string // path of a PEM certificate (leaf first, then its chain)
	KeyPEM         string // path of the PEM private key (PKCS#8, EC or PKCS#1)
	PKCS12         string // path of a PKCS#12 (.p12/.pfx) bundle
	PKCS12Password string
	CommonName     string // subject CN of a generated certificate
	Organization   string // subject O of a generated certificate, e.g. the instansi
}

// File names of the generated key pair inside KeyOptions.Dir.
const (
	KeyFileName  = "signing-key.pem"
	CertFileName = "signing-cert.pem"
)

// generatedValidity is how long a generated self-signed certificate is valid.
const generatedValidity = 10 * 365 * 24 * time.Hour

// LoadOrCreateSigner loads the signing key named by opts, generating an
// ECDSA P-256 key and a self-signed certificate in opts.Dir on first run.
// ECDSA is used because signing costs about a fifth of RSA-2048 and pdfsig
// and Acrobat accept it.
func LoadOrCreateSigner(opts KeyOptions) (*Signer, error) {
	switch {
	case opts.PKCS12 != "":
		return loadPKCS12(opts.PKCS12, opts.PKCS12Password)
	case opts.CertPEM != "" || opts.KeyPEM != "":
		if opts.CertPEM == "" || opts.KeyPEM == "" {
			return nil, errors.New("certificate: both a certificate and a key PEM file are needed")
		}
		return loadPEMFiles(opts.CertPEM, opts.KeyPEM)
	case opts.Dir == "":
		return nil, errors.New("certificate: no key directory or key files configured")
	}
	keyPath := filepath.Join(opts.Dir, KeyFileName)
	certPath := filepath.Join(opts.Dir, CertFileName)
	_, errKey := os.Stat(keyPath)
	_, errCert := os.Stat(certPath)
	switch {
	case errKey == nil && errCert == nil:
		return loadPEMFiles(certPath, keyPath)
	case errors.Is(errKey, fs.ErrNotExist) && errors.Is(errCert, fs.ErrNotExist):
		return generate(opts, keyPath, certPath)
	case errKey == nil || errCert == nil:
		// One file without the other: refuse rather than silently replace a
		// key that certificates were already signed with.
		return nil, fmt.Errorf("certificate: %s and %s must both exist or both be absent", keyPath, certPath)
	default:
		if errKey != nil {
			return nil, fmt.Errorf("certificate: %w", errKey)
		}
		return nil, fmt.Errorf("certificate: %w", errCert)
	}
}

func generate(opts KeyOptions, keyPath, certPath string) (*Signer, error) {
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("certificate: create key directory: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("certificate: generate key: %w", err)
	}
	cert, err := selfSign(key, opts.CommonName, opts.Organization, time.Now())
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("certificate: encode key: %w", err)
	}
	// The key is written first and exclusively: two processes starting at
	// once cannot both generate, and a crash leaves a state the next start
	// reports instead of overwriting.
	if err := writeNew(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})); err != nil {
		return nil, err
	}
	if err := writeNew(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})); err != nil {
		return nil, err
	}
	return newSigner(key, []*x509.Certificate{cert})
}

func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("certificate: create %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("certificate: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("certificate: sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("certificate: close %s: %w", path, err)
	}
	return nil
}

// selfSign makes the X.509 certificate of a generated key.
func selfSign(key *ecdsa.PrivateKey, cn, org string, now time.Time) (*x509.Certificate, error) {
	if org == "" {
		org = "ikrar"
	}
	if cn == "" {
		cn = "ikrar — " + org
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("certificate: serial number: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			CommonName:   cn,
			Organization: []string{org},
			Country:      []string{"ID"},
		},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(generatedValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("certificate: self-sign: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("certificate: parse generated certificate: %w", err)
	}
	return cert, nil
}

func loadPEMFiles(certPath, keyPath string) (*Signer, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, fmt.Errorf("certificate: read certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, fmt.Errorf("certificate: read key: %w", err)
	}
	certs, err := parseCertsPEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("certificate: %s: %w", certPath, err)
	}
	key, err := parseKeyPEM(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("certificate: %s: %w", keyPath, err)
	}
	return newSigner(key, certs)
}

func parseCertsPEM(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate: %w", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no CERTIFICATE block found")
	}
	return certs, nil
}

func parseKeyPEM(data []byte) (crypto.Signer, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, errors.New("no private key block found")
		}
		var (
			k   any
			err error
		)
		switch block.Type {
		case "PRIVATE KEY":
			k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(block.Bytes)
		case "RSA PRIVATE KEY":
			k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("encrypted PEM keys are not supported; use a PKCS#12 bundle with a password")
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", block.Type, err)
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("unsupported key type %T", k)
		}
		return s, nil
	}
}

func loadPKCS12(path, password string) (*Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("certificate: read PKCS#12: %w", err)
	}
	k, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, fmt.Errorf("certificate: decode PKCS#12 %s: %w", path, err)
	}
	key, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("certificate: PKCS#12 %s: unsupported key type %T", path, k)
	}
	return newSigner(key, append([]*x509.Certificate{leaf}, chain...))
}

// newSigner checks that the key belongs to the leaf certificate.
// comparableKey is what every public key type of the standard library
// implements (crypto.PublicKey is only an empty interface).
type comparableKey interface {
	Equal(crypto.PublicKey) bool
}

func newSigner(key crypto.Signer, certs []*x509.Certificate) (*Signer, error) {
	leaf := certs[0]
	switch key.Public().(type) {
	case *ecdsa.PublicKey, *rsa.PublicKey:
	case ed25519.PublicKey:
		return nil, errors.New("certificate: Ed25519 keys are not supported for PDF signatures")
	default:
		return nil, fmt.Errorf("certificate: unsupported key type %T", key.Public())
	}
	pub, ok := key.Public().(comparableKey)
	if !ok || !pub.Equal(leaf.PublicKey) {
		return nil, errors.New("certificate: the private key does not match the certificate")
	}
	return &Signer{key: key, cert: leaf, chain: certs, now: time.Now}, nil
}

// LoadVerifier returns a Signer that can only verify, from the certificate
// alone (CertPEM, or Dir/signing-cert.pem): verification never needs the
// private key.
func LoadVerifier(opts KeyOptions) (*Signer, error) {
	path := opts.CertPEM
	if path == "" {
		if opts.Dir == "" {
			return nil, errors.New("certificate: no certificate configured")
		}
		path = filepath.Join(opts.Dir, CertFileName)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("certificate: read certificate: %w", err)
	}
	certs, err := parseCertsPEM(data)
	if err != nil {
		return nil, fmt.Errorf("certificate: %s: %w", path, err)
	}
	return &Signer{cert: certs[0], chain: certs, now: time.Now}, nil
}

// Certificate returns the signing certificate (the leaf).
func (s *Signer) Certificate() *x509.Certificate { return s.cert }

// CertificatePEM returns the signing certificate in PEM form, for publishing
// so that anyone can check certificates offline.
func (s *Signer) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.cert.Raw})
}

// ErrNoKey is returned when a verify-only Signer is asked to sign.
var ErrNoKey = errors.New("certificate: this signer has no private key")

// DefaultReason is the signature reason ikrar writes.
func DefaultReason() string { return i18n.T(certLang, "cert_signature_reason") }

// Sign embeds a detached CMS (PKCS#7) signature covering the whole PDF. The
// signature dictionary carries signerName as /Name and reason as /Reason.
// The CMS signing time is the wall clock, so signing the same bytes twice
// gives different output: keep the signed bytes.
func (s *Signer) Sign(in []byte, signerName, reason string) ([]byte, error) {
	if s.key == nil {
		return nil, ErrNoKey
	}
	if !bytes.HasPrefix(in, []byte("%PDF-")) {
		return nil, fmt.Errorf("certificate: sign: %w", ErrNotPDF)
	}
	out, err := s.signWithTimeout(func() ([]byte, error) { return s.sign(in, signerName, reason) })
	if err != nil {
		return nil, fmt.Errorf("certificate: sign: %w", err)
	}
	return out, nil
}

func (s *Signer) sign(in []byte, signerName, reason string) (out []byte, err error) {
	// pdfsign and its PDF reader assume well-formed input and can panic on
	// anything else; callers pass our own Render output, but a panic must
	// not take the server down.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pdfsign panicked: %v", r)
		}
	}()
	rdr, err := pdf.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		return nil, fmt.Errorf("read PDF: %w", err)
	}
	var buf bytes.Buffer
	buf.Grow(len(in) + 8<<10)
	err = sign.Sign(bytes.NewReader(in), &buf, rdr, int64(len(in)), sign.SignData{
		Signature: sign.SignDataSignature{
			Info: sign.SignDataSignatureInfo{
				Name:   signatureName(signerName),
				Reason: pdfkit.Clip(reason, 200),
				Date:   s.now(),
			},
			CertType:   sign.CertificationSignature,
			DocMDPPerm: sign.DoNotAllowAnyChangesPerms,
		},
		Signer:            s.key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       s.cert,
		CertificateChains: [][]*x509.Certificate{s.chain},
		TSA:               s.tsa,
	})
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Make renders and signs the certificate for d.
func (s *Signer) Make(d Data) ([]byte, error) {
	buf := unsignedBufs.get()
	unsigned, err := render(d, buf)
	if err != nil {
		return nil, err
	}
	signed, err := s.Sign(unsigned, d.Name, DefaultReason())
	if err != nil {
		// A signing that timed out waiting for the TSA may still be
		// reading unsigned: the buffer is not reused.
		return nil, err
	}
	unsignedBufs.put(buf)
	return signed, nil
}

// unsignedBufs recycles the buffers Make renders into: the unsigned
// document (about 40 KB) is garbage as soon as its signed copy exists, and
// a fresh buffer per certificate was a tenth of what Make allocated. A
// bounded free list rather than a sync.Pool, for the reason given at
// pageWriters.
var unsignedBufs = bufferPool{free: make(chan *bytes.Buffer, 8)}

type bufferPool struct{ free chan *bytes.Buffer }

func (p bufferPool) get() *bytes.Buffer {
	select {
	case b := <-p.free:
		return b
	default:
		return bytes.NewBuffer(make([]byte, 0, 64<<10))
	}
}

// put keeps b unless it grew past what a certificate with a large drawn
// signature needs.
func (p bufferPool) put(b *bytes.Buffer) {
	if b.Cap() > 512<<10 {
		return
	}
	select {
	case p.free <- b:
	default: // enough kept
	}
}

// signatureName prepares the /Name of the signature dictionary. pdfsign
// writes a non-ASCII name as raw UTF-16 inside "( )" without escaping, so a
// UTF-16 byte equal to "(", ")", backslash or CR would break the PDF; such names
// are folded to ASCII instead.
func signatureName(name string) string {
	name = pdfkit.Clip(name, maxName)
	if isASCII(name) {
		return name
	}
	for _, u := range utf16.Encode([]rune(name)) {
		for _, c := range [2]byte{byte(u >> 8), byte(u)} {
			if c == '(' || c == ')' || c == '\\' || c == '\r' {
				return asciiName(name)
			}
		}
	}
	return name
}
