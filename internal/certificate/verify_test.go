package certificate

import (
	"bytes"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/jung-kurt/gofpdf"
)

func TestVerifyValid(t *testing.T) {
	s := testSigner(t)
	d := sampleData()
	before := time.Now().Add(-time.Second)
	signed, err := s.Make(d)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.Verify(signed)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(signed)
	if v.Code != d.Code {
		t.Errorf("Code = %q, want %q", v.Code, d.Code)
	}
	if v.SignedBy != d.Name {
		t.Errorf("SignedBy = %q, want %q", v.SignedBy, d.Name)
	}
	if v.Signer != s.Certificate().Subject.CommonName {
		t.Errorf("Signer = %q", v.Signer)
	}
	if v.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256 = %s, want the hash of the whole file", v.SHA256)
	}
	// The CMS signing time has one-second resolution.
	if v.SigningTime.Before(before.Truncate(time.Second)) || v.SigningTime.After(time.Now().Add(time.Second)) {
		t.Errorf("SigningTime = %v, not the moment of signing", v.SigningTime)
	}
	if !bytes.Contains(signed, []byte("/Reason (Ikrar Netralitas ASN)")) {
		t.Error("signature dictionary lacks the reason")
	}
}

// TestVerifyRejects covers every way a file can fail verification; each must
// give its typed error and a user-facing reason in both languages.
func TestVerifyRejects(t *testing.T) {
	s := testSigner(t)
	other := testSigner(t)
	d := sampleData()
	signed, err := s.Make(d)
	if err != nil {
		t.Fatal(err)
	}
	byOther, err := other.Make(d)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := findSignature(signed)
	if err != nil {
		t.Fatal(err)
	}

	flip := func(at int) []byte {
		b := bytes.Clone(signed)
		b[at] ^= 0x01
		return b
	}
	// A byte inside the page content stream, well inside the first range.
	contentAt := bytes.Index(signed, []byte("stream\n")) + 100
	// A hex digit of the DER signature itself (not of its zero padding).
	sigDigitAt := sig.holeStart + 1 + 2*(len(sig.contents)-8)
	setDigit := func(b []byte, at int) []byte {
		b = bytes.Clone(b)
		if b[at] == 'f' {
			b[at] = '0'
		} else {
			b[at] = 'f'
		}
		return b
	}

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"byte flipped in the page content", flip(contentAt), ErrTampered},
		{"byte flipped after the signature", flip(sig.holeEnd + 10), ErrTampered},
		{"code changed", bytes.Replace(signed, []byte(codeKeyword+d.Code), []byte(codeKeyword+"IKR-0000-0000-0000"), 1), ErrTampered},
		{"bytes appended", append(bytes.Clone(signed), "\n% more\n"...), ErrTampered},
		{"signature value altered", setDigit(signed, sigDigitAt), ErrSignatureInvalid},
		{"signed with another key", byOther, ErrUnknownSigner},
		{"unsigned gofpdf PDF", plainPDF(t, ""), ErrNoSignature},
		{"unsigned certificate", mustRender(t, d), ErrNoSignature},
		{"signed PDF without a code", signedPlain(t, s), ErrNoCode},
		{"empty", nil, ErrNotPDF},
		{"random bytes", randomBytes(4096), ErrNotPDF},
		{"truncated", signed[:len(signed)/2], ErrNotPDF},
		{"header only", []byte("%PDF-1.7\n"), ErrNotPDF},
		{"HTML", []byte("<html><body>%PDF-1.4 %%EOF</body></html>"), ErrNotPDF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Verify(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			id, en := Reason(err).In("id"), Reason(err).In("en")
			gid, gen := Reason(errors.New("x")).In("id"), Reason(errors.New("x")).In("en")
			if id == "" || en == "" || id == gid || en == gen {
				t.Errorf("Reason(%v) = %q, %q: want a specific message", err, id, en)
			}
		})
	}

	t.Run("pdfsig sees the tampering too", func(t *testing.T) {
		out, _ := run(t, "pdfsig", writeTemp(t, "t.pdf", flip(contentAt)))
		if strings.Contains(out, "Signature is Valid") {
			t.Errorf("pdfsig accepts a tampered file:\n%s", out)
		}
	})
}

func TestReasonDistinct(t *testing.T) {
	seen := map[string]error{}
	for _, e := range []error{nil, ErrNotPDF, ErrNoSignature, ErrSignatureInvalid, ErrTampered, ErrUnknownSigner, ErrNoCode} {
		r := Reason(fmt.Errorf("context: %w", e))
		if e == nil {
			r = Reason(nil)
		}
		id, en := r.In("id"), r.In("en")
		if prev, dup := seen[id]; dup {
			t.Errorf("%v and %v share the message %q", prev, e, id)
		}
		seen[id] = e
		if strings.TrimSpace(en) == "" {
			t.Errorf("no English reason for %v", e)
		}
	}
}

func TestVerifyNeedsOnlyTheCertificate(t *testing.T) {
	dir := t.TempDir()
	s, err := LoadOrCreateSigner(KeyOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Make(sampleData())
	if err != nil {
		t.Fatal(err)
	}
	v, err := LoadVerifier(KeyOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Verify(signed)
	if err != nil {
		t.Fatal(err)
	}
	if got.Code != sampleData().Code {
		t.Errorf("Code = %q", got.Code)
	}
	if _, err := v.Sign(signed, "x", "y"); !errors.Is(err, ErrNoKey) {
		t.Errorf("Sign without key: err = %v, want ErrNoKey", err)
	}
}

func TestSignRejectsNonPDF(t *testing.T) {
	s := testSigner(t)
	for _, in := range [][]byte{nil, []byte("hello"), []byte("%PDF-1.4 garbage")} {
		if _, err := s.Sign(in, "n", "r"); err == nil {
			t.Errorf("Sign(%q) succeeded", in)
		}
	}
}

func TestSignatureName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Budi Santosa", "Budi Santosa"},
		{"Zoë Ngatiyem", "Zoë Ngatiyem"}, // UTF-16 of these has no ( ) \ CR byte
		{"Zoë (Zo)", "Zoe (Zo)"},         // "(" is 00 28 in UTF-16
		{"Ĩwan", "Iwan"},                 // U+0128 encodes as 01 28: "(" would break the string
		{"ĩ)", "i)"},
	}
	for _, tt := range tests {
		if got := signatureName(tt.in); got != tt.want {
			t.Errorf("signatureName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// And such a name still gives a valid, verifiable document.
	s := testSigner(t)
	d := sampleData()
	d.Name = "Ĩwan ĩ Setiawan"
	signed, err := s.Make(d)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.Verify(signed)
	if err != nil {
		t.Fatal(err)
	}
	if v.SignedBy != "Iwan i Setiawan" {
		t.Errorf("SignedBy = %q", v.SignedBy)
	}
	out, code := run(t, "qpdf", "--check", writeTemp(t, "c.pdf", signed))
	if code != 0 {
		t.Errorf("qpdf --check exit %d:\n%s", code, out)
	}
}

func TestFindSignatureParsing(t *testing.T) {
	der, err := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: []byte{2, 1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	hole := "<" + hex.EncodeToString(der) + "0000>"
	build := func(byteRange string) []byte {
		head := "%PDF-1.7\n1 0 obj << /ByteRange " + byteRange + " /Contents "
		return []byte(head + hole + " >> endobj\n%%EOF\n")
	}
	good := func() []byte {
		// Fix the numbers to the real offsets (widths are stable).
		b := build("[0 0000 0000 0000]")
		start := bytes.Index(b, []byte("/Contents <")) + len("/Contents ")
		end := start + len(hole)
		br := fmt.Sprintf("[0 %04d %04d %04d]", start, end, len(b)-end)
		return build(br)
	}()
	if _, err := findSignature(good); err != nil {
		t.Fatalf("well-formed: %v", err)
	}
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"no byte range", []byte("%PDF-1.7\n%%EOF\n"), ErrNoSignature},
		{"two byte ranges", append(bytes.Clone(good), "/ByteRange [0 1 2 3]"...), ErrTampered},
		{"not an array", build("0 1 2 3"), ErrTampered},
		{"three numbers", build("[0 1 2]"), ErrTampered},
		{"negative", build("[0 -5 2 3]"), ErrTampered},
		{"huge number", build("[0 99999999999999999999 2 3]"), ErrTampered},
		{"does not start at zero", build("[1 2 3 4]"), ErrTampered},
		{"gap misses the value", bytes.Replace(good, []byte("[0 00"), []byte("[0 01"), 1), ErrTampered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := findSignature(tt.in); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPDFStringAfter(t *testing.T) {
	tests := []struct{ in, want string }{
		{`/Name (Budi)`, "Budi"},
		{`/Name /NotAString /Name (Second)`, "Second"},
		{`/Name (a\(b\)c \\ d\n)`, "a(b)c \\ d\n"},
		{`/Name (nested (ok) here)`, "nested (ok) here"},
		{`/Name (\101\102C)`, "ABC"},
		{"/Name (\xfe\xff\x00Z\x00o\x00\xeb)", "Zoë"},
		{`/Name (unterminated`, ""},
		{`nothing`, ""},
	}
	for _, tt := range tests {
		if got := pdfStringAfter([]byte(tt.in), []byte("/Name")); got != tt.want {
			t.Errorf("pdfStringAfter(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func mustRender(t *testing.T, d Data) []byte {
	t.Helper()
	b, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// plainPDF is an ordinary gofpdf document, optionally with Info keywords.
func plainPDF(t testing.TB, keywords string) []byte {
	t.Helper()
	pdf := gofpdf.New("P", "mm", "A4", "")
	if keywords != "" {
		pdf.SetKeywords(keywords, false)
	}
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	pdf.Cell(0, 10, "Surat biasa")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func signedPlain(t *testing.T, s *Signer) []byte {
	t.Helper()
	b, err := s.Sign(plainPDF(t, ""), "Budi", DefaultReason())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(int64(n))).Read(b)
	return b
}

// TestMakeConcurrently signs from several goroutines with one Signer, as the
// background workers do; run with -race.
func TestMakeConcurrently(t *testing.T) {
	s := testSigner(t)
	const workers, each = 4, 5
	type result struct {
		code string
		pdf  []byte
		err  error
	}
	results := make(chan result, workers*each)
	for w := 0; w < workers; w++ {
		go func(w int) {
			for i := 0; i < each; i++ {
				d := sampleData()
				d.Code = fmt.Sprintf("IKR-%04d-%04d", w, i)
				pdf, err := s.Make(d)
				results <- result{d.Code, pdf, err}
			}
		}(w)
	}
	for i := 0; i < workers*each; i++ {
		r := <-results
		if r.err != nil {
			t.Fatal(r.err)
		}
		v, err := s.Verify(r.pdf)
		if err != nil {
			t.Fatalf("%s: %v", r.code, err)
		}
		if v.Code != r.code {
			t.Errorf("Code = %q, want %q", v.Code, r.code)
		}
	}
}
