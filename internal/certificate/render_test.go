package certificate

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestMakeIsValidForPoppler(t *testing.T) {
	s := testSigner(t)
	signed, err := s.Make(sampleData())
	if err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, "cert.pdf", signed)

	out, _ := run(t, "pdfsig", path)
	if !strings.Contains(out, "Signature is Valid") {
		t.Errorf("pdfsig does not report a valid signature:\n%s", out)
	}
	if !strings.Contains(out, "Total document signed") {
		t.Errorf("pdfsig says the signature does not cover the whole document:\n%s", out)
	}
	out, code := run(t, "qpdf", "--check", path)
	if code != 0 || !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check exit %d:\n%s", code, out)
	}
	if n := countPages(signed); n != 1 {
		t.Errorf("%d pages, want 1", n)
	}
}

func TestRenderedText(t *testing.T) {
	d := sampleData()
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	want := []string{
		"SERTIFIKAT IKRAR NETRALITAS APARATUR SIPIL NEGARA",
		strings.ToUpper(d.Instansi),
		d.CampaignTitle,
		"Yang bertanda tangan di bawah ini:",
		d.Name, d.NIP, d.Position, d.Department,
		d.Preamble, d.Closing,
		"Senin, 28 Agustus 2023 pukul 12.20 WIB",
		d.Code, d.PledgeHash,
		"Pindai untuk verifikasi", "Scan to verify",
		"Dokumen ini ditandatangani secara elektronik",
	}
	for i, p := range d.Points {
		want = append(want, string(rune('1'+i))+". "+p)
	}
	for _, w := range want {
		if !strings.Contains(text, normSpace(w)) {
			t.Errorf("text lacks %q\n--- text ---\n%s", w, text)
		}
	}
}

// TestNamesRoundTrip checks that names come out of the PDF exactly as they
// went in, through both the single-byte fonts and the UTF-8 fallback.
func TestNamesRoundTrip(t *testing.T) {
	s := testSigner(t)
	tests := []struct {
		name string
		utf8 bool // needs the UTF-8 fallback fonts
	}{
		{"Zoë Ngatiyem", false},
		{"Ni Luh Putu Ayu", false},
		{"R.A. Kartini, S.Pd., M.Si.", false},
		{"O'Neil", false},
		{"<script>alert(1)</script>", false},
		{`Back\slash (Paren) "Quote"`, false},
		{"Şükrü Łukasz Nguyễn Văn Đức", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sampleData()
			d.Name, d.TypedName = tt.name, tt.name
			p, err := prepare(d)
			if err != nil {
				t.Fatal(err)
			}
			if p.utf8 != tt.utf8 {
				t.Errorf("UTF-8 fallback = %v, want %v", p.utf8, tt.utf8)
			}
			signed, err := s.Make(d)
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, signed)
			// Table, typed signature and the name under it.
			if n := strings.Count(text, tt.name); n < 3 {
				t.Errorf("name found %d times, want at least 3\n%s", n, text)
			}
			v, err := s.Verify(signed)
			if err != nil {
				t.Fatal(err)
			}
			if v.SignedBy != tt.name && v.SignedBy != asciiName(tt.name) {
				t.Errorf("SignedBy = %q, want %q", v.SignedBy, tt.name)
			}
			out, _ := run(t, "pdfsig", writeTemp(t, "c.pdf", signed))
			if !strings.Contains(out, "Signature is Valid") {
				t.Errorf("pdfsig:\n%s", out)
			}
		})
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	d := sampleData()
	d.SignaturePNG = testSignaturePNG(t)
	a, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same data differ")
	}
	d.SignedAt = d.SignedAt.Add(time.Minute)
	c, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, c) {
		t.Fatal("a different signing time gave the same PDF")
	}
}

func TestRenderWithSignatureImage(t *testing.T) {
	d := sampleData()
	d.SignaturePNG = testSignaturePNG(t)
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Error("no image in the PDF")
	}
	// With a drawn signature the typed name is not drawn, so the name shows
	// twice (table and under the signature), not three times.
	if n := strings.Count(pdfText(t, pdf), d.TypedName); n != 2 {
		t.Errorf("typed name %q found %d times, want 2", d.TypedName, n)
	}
	out, code := run(t, "qpdf", "--check", writeTemp(t, "c.pdf", pdf))
	if code != 0 {
		t.Errorf("qpdf --check exit %d:\n%s", code, out)
	}

	d.SignaturePNG = []byte("\x89PNG\r\n\x1a\nnot really")
	if _, err := Render(d); !errors.Is(err, ErrInvalidData) {
		t.Errorf("broken PNG: err = %v, want ErrInvalidData", err)
	}
}

// TestLongFieldsStayOnOnePage feeds every field at and beyond its limit.
func TestLongFieldsStayOnOnePage(t *testing.T) {
	long := func(n int) string {
		words := strings.Repeat("Pengembangan Sumber Daya Manusia ", n/30+1)
		return words[:n]
	}
	tests := []struct {
		name string
		edit func(*Data)
	}{
		{"long name", func(d *Data) { d.Name = long(400); d.TypedName = long(400) }},
		{"long position and department", func(d *Data) { d.Position = long(1000); d.Department = long(1000) }},
		{"unbroken name", func(d *Data) { d.Name = strings.Repeat("W", 300) }},
		{"long URL", func(d *Data) { d.VerifyURL = "https://" + strings.Repeat("sub.", 60) + "example.go.id/verify/IKR-1" }},
		{"everything at its limit", func(d *Data) {
			d.Instansi, d.CampaignTitle = long(maxInstansi), long(maxTitle)
			d.Preamble, d.Closing = long(maxPreamble), long(maxClosing)
			d.Name, d.TypedName = long(maxName), long(maxName)
			d.Position, d.Department = long(maxPosition), long(maxDepartment)
			d.Points = nil
			for i := 0; i < maxPoints; i++ {
				d.Points = append(d.Points, long(maxPoint))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sampleData()
			tt.edit(&d)
			pdf, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			if n := countPages(pdf); n != 1 {
				t.Fatalf("%d pages, want 1", n)
			}
			text := pdfText(t, pdf)
			if !strings.Contains(text, d.Code) {
				t.Error("code missing")
			}
		})
	}
}

func TestRenderWithoutVerifyURL(t *testing.T) {
	d := sampleData()
	d.VerifyURL = ""
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	if strings.Contains(text, "Pindai untuk verifikasi") {
		t.Error("QR caption without a QR code")
	}
	if !strings.Contains(text, d.Code) {
		t.Error("code missing")
	}
}

func TestRenderRejectsBadData(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Data)
	}{
		{"empty code", func(d *Data) { d.Code = "" }},
		{"code with a parenthesis", func(d *Data) { d.Code = "IKR-1)" }},
		{"code too long", func(d *Data) { d.Code = strings.Repeat("A", maxCode+1) }},
		{"no signing time", func(d *Data) { d.SignedAt = time.Time{} }},
		{"no points", func(d *Data) { d.Points = nil }},
		{"too many points", func(d *Data) { d.Points = make([]string, maxPoints+1) }},
		{"empty name", func(d *Data) { d.Name = " \t" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sampleData()
			tt.edit(&d)
			if _, err := Render(d); !errors.Is(err, ErrInvalidData) {
				t.Fatalf("err = %v, want ErrInvalidData", err)
			}
		})
	}
}

// TestControlCharactersDoNotReachThePage covers text with line breaks, tabs,
// invalid UTF-8 and characters outside the Basic Multilingual Plane.
func TestControlCharactersDoNotReachThePage(t *testing.T) {
	d := sampleData()
	d.Name = "Budi\r\n\tSantosa\x00 \xff 😀"
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	if !strings.Contains(text, "Budi Santosa") {
		t.Errorf("cleaned name missing:\n%s", text)
	}
}

var pageObject = regexp.MustCompile(`/Type\s*/Page[^s]`)

func countPages(pdf []byte) int { return len(pageObject.FindAll(pdf, -1)) }
