package certificate

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The fuzz seeds in testdata/fuzz/FuzzVerify include certificates signed by
// the test-only key in testdata/keys. Regenerate them with
//
//	IKRAR_WRITE_FUZZ_SEEDS=1 go test -run TestWriteFuzzSeeds ./internal/certificate/
const (
	fixtureKey  = "testdata/keys/signing-key.pem"
	fixtureCert = "testdata/keys/signing-cert.pem"
	seedDir     = "testdata/fuzz/FuzzVerify"
)

func fixtureSigner(tb testing.TB) *Signer {
	tb.Helper()
	s, err := LoadOrCreateSigner(KeyOptions{CertPEM: fixtureCert, KeyPEM: fixtureKey})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// FuzzVerify: no input makes Verify panic, every rejection wraps one of the
// documented reasons, and an acceptance describes exactly the bytes given.
func FuzzVerify(f *testing.F) {
	s := fixtureSigner(f)
	f.Add([]byte{})
	f.Add([]byte("%PDF-1.7\n%%EOF\n"))
	f.Add([]byte("%PDF-1.7\n/ByteRange [0 10 20 5] /Contents <3000>\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := s.Verify(b)
		if err != nil {
			if !wrapsSentinel(err) {
				t.Fatalf("error wraps no documented reason: %v", err)
			}
			if v != (Verification{}) {
				t.Fatalf("error %v came with a result %+v", err, v)
			}
			return
		}
		sum := sha256.Sum256(b)
		if v.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("SHA256 %s does not describe the input", v.SHA256)
		}
		if v.Code == "" || !isCodeSafe(v.Code) {
			t.Fatalf("accepted with code %q", v.Code)
		}
	})
}

func wrapsSentinel(err error) bool {
	for _, e := range []error{ErrNotPDF, ErrNoSignature, ErrSignatureInvalid, ErrTampered, ErrUnknownSigner, ErrNoCode} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// TestFuzzSeedIsValidCertificate makes sure the corpus really holds a valid
// certificate, so fuzzing starts from the interesting case.
func TestFuzzSeedIsValidCertificate(t *testing.T) {
	b := readSeed(t, "valid_certificate")
	v, err := fixtureSigner(t).Verify(b)
	if err != nil {
		t.Fatalf("seed certificate does not verify: %v", err)
	}
	if v.Code != "IKR-FUZZ-SEED-0001" {
		t.Errorf("Code = %q", v.Code)
	}
}

func readSeed(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(seedDir, name))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(raw), "\n", 3)
	if len(lines) < 2 || lines[0] != "go test fuzz v1" {
		t.Fatalf("%s is not a fuzz corpus file", name)
	}
	lit := strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")")
	s, err := strconv.Unquote(lit)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return []byte(s)
}

func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("IKRAR_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set IKRAR_WRITE_FUZZ_SEEDS=1 to regenerate the fuzz seed corpus")
	}
	s := fixtureSigner(t)
	d := sampleData()
	d.Code = "IKR-FUZZ-SEED-0001"
	d.VerifyURL = "https://ikrar.example/verify/" + d.Code
	cert, err := s.Make(d)
	if err != nil {
		t.Fatal(err)
	}
	noCode, err := s.Sign(plainPDF(t, ""), "Budi", DefaultReason())
	if err != nil {
		t.Fatal(err)
	}
	seeds := map[string][]byte{
		"valid_certificate":   cert,
		"signed_without_code": noCode,
		"unsigned_pdf":        plainPDF(t, codeKeyword+"IKR-1"),
		"truncated":           cert[:len(cert)*2/3],
	}
	if err := os.MkdirAll(seedDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(b)))
		if err := os.WriteFile(filepath.Join(seedDir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
