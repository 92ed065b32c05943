package certificate

import (
	"bytes"
	"context"
	"encoding/asn1"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/digitorus/pdfsign/sign"
	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"

	"github.com/ikrar/ikrar/internal/audit"
	"github.com/ikrar/ikrar/internal/store"
)

// ErrTSA means the timestamp authority did not answer usefully. A
// certificate is then not made (rather than made without trusted time):
// the background workers try again later, and signing is unaffected.
var ErrTSA = errors.New("timestamp authority unavailable")

// tsaTimeout bounds one signing with a timestamp. pdfsign asks the TSA with
// an HTTP client of its own that has no timeout, so the wait is bounded
// here; a request that hangs longer is abandoned (its goroutine ends when
// the connection does).
const tsaTimeout = 20 * time.Second

// oidTimeStampToken is the CMS unsigned attribute that carries an RFC 3161
// signature timestamp (id-aa-signatureTimeStampToken, RFC 3161 appendix A).
var oidTimeStampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}

// WithTSA returns a copy of s that puts an RFC 3161 timestamp from the
// authority at rawURL into every signature (PAdES B-T). User and password
// in the URL are sent as HTTP basic authentication.
func (s *Signer) WithTSA(rawURL string) (*Signer, error) {
	if rawURL == "" {
		return s, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("certificate: TSA URL %q is not an http(s) address", redactURL(rawURL))
	}
	t := sign.TSA{URL: rawURL}
	if u.User != nil {
		t.Username = u.User.Username()
		t.Password, _ = u.User.Password()
		u.User = nil
		t.URL = u.String()
	}
	c := *s
	c.tsa = t
	return &c, nil
}

// TSAURL is the timestamp authority's address without credentials ("" when
// certificates carry no timestamp).
func (s *Signer) TSAURL() string { return s.tsa.URL }

func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = url.User("xxxxx")
		return u.String()
	}
	return raw
}

// signWithTimeout runs sign under tsaTimeout when a TSA is involved and
// marks failures that come from the TSA as ErrTSA.
func (s *Signer) signWithTimeout(do func() ([]byte, error)) ([]byte, error) {
	if s.tsa.URL == "" {
		return do()
	}
	type result struct {
		out []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := do()
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && strings.Contains(r.err.Error(), "timestamp") {
			return nil, fmt.Errorf("%w: %v", ErrTSA, r.err)
		}
		return r.out, r.err
	case <-time.After(tsaTimeout):
		return nil, fmt.Errorf("%w: no answer from %s within %s", ErrTSA, s.tsa.URL, tsaTimeout)
	}
}

// Timestamp is a trusted time found in a certificate's signature.
type Timestamp struct {
	Time      time.Time // the TSA's time, UTC
	Authority string    // the TSA certificate's subject
	Token     []byte    // the RFC 3161 TimeStampToken (DER), for openssl ts -verify
}

// signatureTimestamp finds and checks the RFC 3161 token in the signer
// info's unsigned attributes: its own signature must hold and it must be
// over this signature value. No token is not an error (nil, nil).
func signatureTimestamp(p7 *pkcs7.PKCS7) (*Timestamp, error) {
	si := p7.Signers[0]
	for _, attr := range si.UnauthenticatedAttributes {
		if !attr.Type.Equal(oidTimeStampToken) {
			continue
		}
		token := attr.Value.Bytes
		ts, err := timestamp.Parse(token)
		if err != nil {
			return nil, fmt.Errorf("%w: timestamp token: %v", ErrSignatureInvalid, err)
		}
		if !ts.HashAlgorithm.Available() {
			return nil, fmt.Errorf("%w: timestamp token: unsupported hash", ErrSignatureInvalid)
		}
		h := ts.HashAlgorithm.New()
		h.Write(si.EncryptedDigest)
		if !bytes.Equal(h.Sum(nil), ts.HashedMessage) {
			return nil, fmt.Errorf("%w: the timestamp is not over this signature", ErrSignatureInvalid)
		}
		out := &Timestamp{Time: ts.Time.UTC(), Token: token}
		if len(ts.Certificates) > 0 {
			out.Authority = ts.Certificates[0].Subject.String()
		}
		return out, nil
	}
	return nil, nil
}

// Facts is what a certificate's signature says about itself: the key that
// signed it (the SHA-256 of its certificate, as recorded in the database,
// its subject and validity) and the trusted time, when there is one.
type Facts struct {
	KeySHA256    string
	KeySubject   string
	KeyNotBefore time.Time
	KeyNotAfter  time.Time
	Timestamp    *Timestamp
}

// FactsOf reads the facts of a certificate PDF made by ikrar. It does not
// verify the PDF; use Verify for that.
func FactsOf(pdf []byte) (f Facts, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = Facts{}, fmt.Errorf("%w: parser failure: %v", ErrNotPDF, r)
		}
	}()
	sig, err := findSignature(pdf)
	if err != nil {
		return Facts{}, err
	}
	p7, err := pkcs7.Parse(sig.contents)
	if err != nil || len(p7.Signers) != 1 {
		return Facts{}, fmt.Errorf("%w: parse CMS", ErrSignatureInvalid)
	}
	if cert := p7.GetOnlySigner(); cert != nil {
		f.KeySHA256, f.KeySubject = audit.CertFingerprint(cert), cert.Subject.String()
		f.KeyNotBefore, f.KeyNotAfter = cert.NotBefore.UTC(), cert.NotAfter.UTC()
	}
	f.Timestamp, err = signatureTimestamp(p7)
	return f, err
}

// Facts are the facts of a signature's stored certificate; ok is false
// when the certificate is not made yet.
func (s *Service) Facts(ctx context.Context, sig store.Signature) (f Facts, ok bool, err error) {
	c, err := s.Store.CertificateOf(ctx, sig.ID)
	if errors.Is(err, store.ErrNotFound) {
		return Facts{}, false, nil
	}
	if err != nil {
		return Facts{}, false, err
	}
	f, err = FactsOf(c.PDF)
	return f, err == nil, err
}
